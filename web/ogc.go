package web

import (
	"fmt"
	"math"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/mapd/mapd/geo"
	"github.com/mapd/mapd/incidents"
)

// OGC API - Features Part 1 Core is served under /ogc: a landing page, the
// conformance declaration, the OpenAPI document, and two collections,
// "incidents" (the store) and "places" (the gazetteer). Every resource has
// a JSON and an HTML representation, chosen by the f parameter or the
// Accept header.

// Media types of the OGC resources.
const (
	jsonType    = "application/json"
	htmlType    = "text/html"
	openAPIType = "application/vnd.oai.openapi+json;version=3.0"
	schemaType  = "application/schema+json"
)

// Identifiers of the coordinate reference system and the temporal
// reference system of every collection.
const (
	crs84        = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
	trsGregorian = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"
)

// Collection identifiers.
const (
	incidentsID = "incidents"
	placesID    = "places"
)

// ogcConformance lists the conformance classes mapd implements.
var ogcConformance = slices.Concat([]string{
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
}, filterConformance)

// Page sizes of the items resources. A limit above ogcMaxLimit is served
// as ogcMaxLimit, as OGC API - Features intends ("if you ask for 50000 you
// might get up to 10000"); a limit below 1 is an error.
const (
	ogcDefaultLimit = 100
	ogcMaxLimit     = incidents.MaxLimit
)

// ogcRoutes returns the OGC API - Features routes under /ogc.
func (s *Server) ogcRoutes() []route {
	return []route{
		{method: "GET", path: "/ogc", h: s.ogcLanding, gzip: true, doc: "OGC API - Features landing page"},
		{method: "GET", path: "/ogc/conformance", h: s.ogcConformance, gzip: true, doc: "OGC API conformance classes this server implements"},
		{method: "GET", path: "/ogc/api", h: s.openAPI, gzip: true, doc: "this OpenAPI 3.0 document, describing every endpoint of the server"},
		{method: "GET", path: "/ogc/collections", h: s.ogcCollections, gzip: true, doc: "the feature collections"},
		{method: "GET", path: "/ogc/collections/incidents", h: s.ogcIncidentsCollection, gzip: true, doc: "the incidents collection, with its spatial and temporal extent"},
		{method: "GET", path: "/ogc/collections/incidents/schema", h: s.ogcIncidentsSchema, gzip: true, doc: "JSON Schema of an incident Feature"},
		{method: "GET", path: "/ogc/collections/incidents/queryables", h: s.ogcIncidentsQueryables, gzip: true, doc: "the properties a CQL2 filter on incidents may use, as JSON Schema"},
		{method: "GET", path: "/ogc/collections/incidents/items", h: s.ogcIncidentItems, gzip: true, doc: "incidents as a GeoJSON FeatureCollection, one page at a time"},
		{method: "GET", path: "/ogc/collections/incidents/items/:featureId", h: s.ogcIncidentItem, gzip: true, doc: "one incident as a GeoJSON Feature"},
		{method: "GET", path: "/ogc/collections/places", h: s.ogcPlacesCollection, gzip: true, doc: "the places collection: the gazetteer as a layer"},
		{method: "GET", path: "/ogc/collections/places/items", h: s.ogcPlaceItems, gzip: true, doc: "gazetteer places as a GeoJSON FeatureCollection, one page at a time"},
		{method: "GET", path: "/ogc/collections/places/items/:featureId", h: s.ogcPlaceItem, gzip: true, doc: "one gazetteer place as a GeoJSON Feature"},
	}
}

// wantHTML reports whether the response should be HTML: the f parameter
// decides when given, otherwise the Accept header, and JSON is the default.
// It marks the response as varying with Accept for caches.
func wantHTML(c *gin.Context) (bool, error) {
	c.Writer.Header().Add("Vary", "Accept")
	if vs, ok := c.Request.URL.Query()["f"]; ok {
		if len(vs) != 1 {
			return false, httpError(http.StatusBadRequest, "f", "f is given more than once")
		}
		switch strings.ToLower(vs[0]) {
		case "json":
			return false, nil
		case "html":
			return true, nil
		}
		return false, httpError(http.StatusBadRequest, "f", fmt.Sprintf("f %q must be json or html", clipText(vs[0])))
	}
	return prefersHTML(c.GetHeader("Accept")), nil
}

// prefersHTML reports whether an Accept header ranks HTML above JSON. A
// wildcard counts for JSON, so that clients that do not care get JSON.
func prefersHTML(accept string) bool {
	var qHTML, qJSON float64
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if v, ok := params["q"]; ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		switch {
		case mt == htmlType || mt == "application/xhtml+xml":
			qHTML = math.Max(qHTML, q)
		case mt == jsonType || strings.HasSuffix(mt, "+json") || mt == "*/*" || mt == "application/*":
			qJSON = math.Max(qJSON, q)
		}
	}
	return qHTML > qJSON
}

// ogcLinks returns the self link of a resource and its alternate in the
// other format, hrefs built from the request's path and query with f set.
func ogcLinks(c *gin.Context, html bool, jsonMedia string) []link {
	q := c.Request.URL.Query()
	mk := func(f string) string {
		q.Set("f", f)
		return absURL(c, c.Request.URL.Path, q)
	}
	self := link{Href: mk("json"), Rel: "self", Type: jsonMedia, Title: "this document as JSON"}
	alt := link{Href: mk("html"), Rel: "alternate", Type: htmlType, Title: "this document as HTML"}
	if html {
		self, alt = alt, self
		self.Rel, alt.Rel = "self", "alternate"
	}
	return []link{self, alt}
}

// ogcURL returns the absolute URL of path on this server with f set.
func ogcURL(c *gin.Context, path, f string) string {
	q := url.Values{}
	if f != "" {
		q.Set("f", f)
	}
	return absURL(c, path, q)
}

// landingPage is the JSON body of /ogc.
type landingPage struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	Links       []link `json:"links"`
}

func (s *Server) ogcLanding(c *gin.Context) error {
	if err := checkParams(c.Request.URL.Query(), []string{"f"}); err != nil {
		return err
	}
	html, err := wantHTML(c)
	if err != nil {
		return err
	}
	lp := landingPage{
		Title:       "mapd",
		Description: "Incidents reported in the news, and the gazetteer that places them, as OGC API - Features.",
		Links: append(ogcLinks(c, html, jsonType),
			link{Href: ogcURL(c, "/ogc/api", "json"), Rel: "service-desc", Type: openAPIType, Title: "the API definition (OpenAPI 3.0)"},
			link{Href: ogcURL(c, "/ogc/api", "html"), Rel: "service-doc", Type: htmlType, Title: "the API documentation"},
			link{Href: ogcURL(c, "/ogc/conformance", "json"), Rel: "conformance", Type: jsonType, Title: "conformance classes implemented"},
			link{Href: ogcURL(c, "/ogc/conformance", "html"), Rel: "conformance", Type: htmlType, Title: "conformance classes implemented, as HTML"},
			link{Href: ogcURL(c, "/ogc/collections", "json"), Rel: "data", Type: jsonType, Title: "the feature collections"},
			link{Href: ogcURL(c, "/ogc/collections", "html"), Rel: "data", Type: htmlType, Title: "the feature collections, as HTML"},
		),
	}
	if html {
		return renderOGC(c, "landing", ogcPage{Title: lp.Title, Description: lp.Description, Links: lp.Links})
	}
	c.JSON(http.StatusOK, lp)
	return nil
}

func (s *Server) ogcConformance(c *gin.Context) error {
	if err := checkParams(c.Request.URL.Query(), []string{"f"}); err != nil {
		return err
	}
	html, err := wantHTML(c)
	if err != nil {
		return err
	}
	links := ogcLinks(c, html, jsonType)
	if html {
		return renderOGC(c, "conformance", ogcPage{Title: "Conformance", Links: links, List: ogcConformance})
	}
	c.JSON(http.StatusOK, map[string]any{"conformsTo": ogcConformance, "links": links})
	return nil
}

// collectionInfo is the JSON description of one collection.
type collectionInfo struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	ItemType    string   `json:"itemType"`
	CRS         []string `json:"crs"`
	StorageCRS  string   `json:"storageCrs"`
	Extent      extent   `json:"extent"`
	Links       []link   `json:"links"`
}

type extent struct {
	Spatial  spatialExtent   `json:"spatial"`
	Temporal *temporalExtent `json:"temporal,omitempty"`
}

type spatialExtent struct {
	BBox [][4]float64 `json:"bbox"`
	CRS  string       `json:"crs"`
}

type temporalExtent struct {
	Interval [][2]*string `json:"interval"`
	TRS      string       `json:"trs"`
}

// collectionLinks returns the links every collection description carries:
// to itself and to its items in both formats.
func collectionLinks(c *gin.Context, id string) []link {
	base := "/ogc/collections/" + id
	links := []link{
		{Href: ogcURL(c, base, "json"), Rel: "self", Type: jsonType, Title: "this collection"},
		{Href: ogcURL(c, base, "html"), Rel: "alternate", Type: htmlType, Title: "this collection as HTML"},
		{Href: ogcURL(c, base+"/items", "json"), Rel: "items", Type: geoJSONType, Title: "the features as GeoJSON"},
		{Href: ogcURL(c, base+"/items", "html"), Rel: "items", Type: htmlType, Title: "the features as HTML"},
	}
	if id == incidentsID {
		// GDAL before 3.9 looks for "describedBy" only, and without the
		// schema it guesses the fields from the first page, missing those
		// the first features lack. Relation types compare
		// case-insensitively, so the second link only repeats the first.
		schema := ogcURL(c, base+"/schema", "")
		links = append(links,
			link{Href: schema, Rel: "describedby", Type: schemaType, Title: "JSON Schema of an incident Feature"},
			link{Href: schema, Rel: "describedBy", Type: schemaType, Title: "JSON Schema of an incident Feature"},
			link{Href: ogcURL(c, base+"/queryables", ""), Rel: queryablesRel, Type: schemaType, Title: "the properties a filter may use"})
	}
	return links
}

// incidentsInfo describes the incidents collection, its extent computed
// from the stored incidents.
func (s *Server) incidentsInfo(c *gin.Context) (collectionInfo, error) {
	e, err := s.cfg.Store.Extent(c.Request.Context())
	if err != nil {
		return collectionInfo{}, err
	}
	ci := collectionInfo{
		ID:          incidentsID,
		Title:       "Incidents",
		Description: "Air strikes, shelling, clashes, protests and other incidents reported in the news, one point each.",
		ItemType:    "feature",
		CRS:         incidentCRS,
		StorageCRS:  crs84,
		Extent: extent{
			Spatial:  spatialExtent{BBox: [][4]float64{{-180, -90, 180, 90}}, CRS: crs84},
			Temporal: &temporalExtent{Interval: [][2]*string{{nil, nil}}, TRS: trsGregorian},
		},
		Links: collectionLinks(c, incidentsID),
	}
	if e.Count > 0 {
		ci.Extent.Spatial.BBox = [][4]float64{{e.MinLon, e.MinLat, e.MaxLon, e.MaxLat}}
		start, end := e.MinDate+"T00:00:00Z", e.MaxDate+"T23:59:59Z"
		ci.Extent.Temporal.Interval = [][2]*string{{&start, &end}}
	}
	return ci, nil
}

// placesInfo describes the places collection.
func placesInfo(c *gin.Context) collectionInfo {
	return collectionInfo{
		ID:          placesID,
		Title:       "Places",
		Description: "The gazetteer that places incidents: populated places, first-level regions and countries (GeoNames, geonames.org, CC BY 4.0).",
		ItemType:    "feature",
		CRS:         []string{crs84},
		StorageCRS:  crs84,
		Extent:      extent{Spatial: spatialExtent{BBox: [][4]float64{{-180, -90, 180, 90}}, CRS: crs84}},
		Links:       collectionLinks(c, placesID),
	}
}

func (s *Server) ogcCollections(c *gin.Context) error {
	if err := checkParams(c.Request.URL.Query(), []string{"f"}); err != nil {
		return err
	}
	html, err := wantHTML(c)
	if err != nil {
		return err
	}
	inc, err := s.incidentsInfo(c)
	if err != nil {
		return err
	}
	cols := []collectionInfo{inc}
	if s.hasPlaces() {
		cols = append(cols, placesInfo(c))
	}
	links := ogcLinks(c, html, jsonType)
	if html {
		return renderOGC(c, "collections", ogcPage{Title: "Collections", Links: links, Collections: htmlCollections(c, cols)})
	}
	c.JSON(http.StatusOK, map[string]any{"collections": cols, "links": links})
	return nil
}

// writeCollection answers with one collection description.
func writeCollection(c *gin.Context, ci collectionInfo) error {
	html, err := wantHTML(c)
	if err != nil {
		return err
	}
	if html {
		ci.Links[0], ci.Links[1] = ci.Links[1], ci.Links[0]
		ci.Links[0].Rel, ci.Links[1].Rel = "self", "alternate"
		return renderOGC(c, "collection", ogcPage{Title: ci.Title, Description: ci.Description, Links: ci.Links, Collections: htmlCollections(c, []collectionInfo{ci})})
	}
	c.JSON(http.StatusOK, ci)
	return nil
}

func (s *Server) ogcIncidentsCollection(c *gin.Context) error {
	if err := checkParams(c.Request.URL.Query(), []string{"f"}); err != nil {
		return err
	}
	ci, err := s.incidentsInfo(c)
	if err != nil {
		return err
	}
	return writeCollection(c, ci)
}

func (s *Server) ogcPlacesCollection(c *gin.Context) error {
	if err := checkParams(c.Request.URL.Query(), []string{"f"}); err != nil {
		return err
	}
	if !s.hasPlaces() {
		return errNoPlaces
	}
	return writeCollection(c, placesInfo(c))
}

// errNoPlaces answers requests for the places collection when the server
// runs without a gazetteer.
var errNoPlaces = httpError(http.StatusNotFound, "", "no collection \"places\": this server runs without a gazetteer")

// parseOGCBBox parses an OGC bbox: four numbers, or six with heights,
// which are ignored. A minLon above maxLon crosses the antimeridian.
func parseOGCBBox(s string) (geo.BBox, error) {
	parts := strings.Split(s, ",")
	if len(parts) == 6 {
		parts = []string{parts[0], parts[1], parts[3], parts[4]}
	}
	b, err := geo.ParseBBox(strings.Join(parts, ","))
	if err != nil {
		return geo.BBox{}, err // a *geo.Error on "bbox": 400
	}
	return b, nil
}

// parseLimit parses the limit parameter of an items request: an integer
// of at least 1, served as at most ogcMaxLimit.
func parseLimit(q url.Values) (int, error) {
	vs := q["limit"]
	switch {
	case len(vs) == 0:
		return ogcDefaultLimit, nil
	case len(vs) > 1:
		return 0, httpError(http.StatusBadRequest, "limit", "limit is given more than once")
	}
	n, err := strconv.Atoi(strings.TrimSpace(vs[0]))
	if err != nil || n < 1 {
		return 0, httpError(http.StatusBadRequest, "limit", fmt.Sprintf("limit %q must be an integer of at least 1 (at most %d are served)", clipText(vs[0]), ogcMaxLimit))
	}
	return min(n, ogcMaxLimit), nil
}

// single returns the only value of parameter key, "" when absent.
func single(q url.Values, key string) (string, error) {
	vs := q[key]
	if len(vs) > 1 {
		return "", httpError(http.StatusBadRequest, key, key+" is given more than once")
	}
	if len(vs) == 0 {
		return "", nil
	}
	return strings.TrimSpace(vs[0]), nil
}

// checkCRS accepts the crs and bbox-crs parameters of OGC API - Features
// Part 2 for the one CRS mapd serves, CRS84, so that clients that always
// name it are served, and refuses any other.
func checkCRS(q url.Values) error {
	for _, key := range []string{"crs", "bbox-crs"} {
		v, err := single(q, key)
		if err != nil {
			return err
		}
		if v != "" && v != crs84 && v != "[OGC:CRS84]" {
			return httpError(http.StatusBadRequest, key, fmt.Sprintf("%s %q is not supported: only %s (WGS 84 longitude, latitude) is", key, clipText(v), crs84))
		}
	}
	return nil
}
