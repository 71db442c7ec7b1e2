package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/mapd/mapd/cql2"
	"github.com/mapd/mapd/geo"
	"github.com/mapd/mapd/incidents"
)

// MaxHeaderBytes is the limit on a request's line and headers that a
// server running the handler should set (http.Server.MaxHeaderBytes).
// It holds a GET whose filter has the most bytes a filter may have
// (cql2.MaxInput), even percent-encoded throughout, and a third more, so
// that a filter that is too long reaches the handler and is refused with
// a 400 naming the filter and the limit. Only a longer request line gets
// net/http's bare 431 (Request Header Fields Too Large).
const MaxHeaderBytes = 4*cql2.MaxInput + 64<<10

// OGC API - Features beyond Part 1 for the incidents collection: Part 2
// (coordinate reference systems by reference: crs, bbox-crs, Content-Crs),
// Part 3 (queryables and CQL2 filters, parsed and evaluated by incidents
// and the store), sortby, and properties.

// The coordinate reference systems the incidents collection serves.
// CRS84 is the storage CRS; EPSG:4326 is the same datum with latitude
// first; EPSG:3857 is the spherical (web) Mercator of tiles, in metres.
const (
	crsEPSG4326 = "http://www.opengis.net/def/crs/EPSG/0/4326"
	crsEPSG3857 = "http://www.opengis.net/def/crs/EPSG/0/3857"
)

// incidentCRS lists the CRSs of the incidents collection, storage CRS first.
var incidentCRS = []string{crs84, crsEPSG4326, crsEPSG3857}

// crsAliases maps the short forms clients write to the URIs.
var crsAliases = map[string]string{
	"[OGC:CRS84]": crs84, "OGC:CRS84": crs84, "CRS84": crs84,
	"[EPSG:4326]": crsEPSG4326, "EPSG:4326": crsEPSG4326, "http://www.opengis.net/def/crs/EPSG/0/4326/": crsEPSG4326,
	"[EPSG:3857]": crsEPSG3857, "EPSG:3857": crsEPSG3857,
}

// queryablesRel is the link relation of a collection's queryables.
const queryablesRel = "http://www.opengis.net/def/rel/ogc/1.0/queryables"

// filterConformance lists the conformance classes of Parts 2 and 3 and of
// CQL2 that mapd implements, added to ogcConformance.
var filterConformance = []string{
	"http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
	"http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
	"http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
	"http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
	"http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
	"http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
	"http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus",
	"http://www.opengis.net/spec/cql2/1.0/conf/temporal-functions",
	"http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/sorting",
}

// parseCRSParam returns the CRS URI a crs-like parameter names (crs84
// when absent), or an error listing the ones served.
func parseCRSParam(q url.Values, key string) (string, error) {
	v, err := single(q, key)
	if err != nil || v == "" {
		return crs84, err
	}
	if a, ok := crsAliases[v]; ok {
		v = a
	}
	if !slices.Contains(incidentCRS, v) {
		return "", httpError(http.StatusBadRequest, key, fmt.Sprintf("%s %q is not supported; the incidents are served in %s", key, clipText(v), strings.Join(incidentCRS, ", ")))
	}
	return v, nil
}

// Spherical Mercator (EPSG:3857): the WGS 84 semi-major axis as the radius.
const mercatorRadius = 6378137.0

// toCRS returns the coordinates of (lon, lat) in crs, in the CRS's axis
// order.
func toCRS(crs string, lon, lat float64) (float64, float64) {
	switch crs {
	case crsEPSG4326:
		return lat, lon
	case crsEPSG3857:
		lat = math.Max(-geo.MaxMercatorLat, math.Min(geo.MaxMercatorLat, lat))
		return mercatorRadius * lon * math.Pi / 180, mercatorRadius * math.Log(math.Tan(math.Pi/4+lat*math.Pi/360))
	}
	return lon, lat
}

// fromCRS is the inverse of toCRS: longitude and latitude of a position
// given in crs's axis order.
func fromCRS(crs string, a, b float64) (lon, lat float64) {
	switch crs {
	case crsEPSG4326:
		return b, a
	case crsEPSG3857:
		return a / mercatorRadius * 180 / math.Pi, (2*math.Atan(math.Exp(b/mercatorRadius)) - math.Pi/2) * 180 / math.Pi
	}
	return a, b
}

// parseBBoxIn parses a bbox given in crs (four numbers, or six with
// heights) into longitudes and latitudes.
func parseBBoxIn(s, crs string) (geo.BBox, error) {
	if crs == crs84 {
		return parseOGCBBox(s)
	}
	parts := strings.Split(s, ",")
	if len(parts) == 6 {
		parts = []string{parts[0], parts[1], parts[3], parts[4]}
	}
	if len(parts) != 4 {
		return geo.BBox{}, httpError(http.StatusBadRequest, "bbox", "bbox needs 4 numbers (or 6 with heights) in the axis order of bbox-crs")
	}
	var v [4]float64
	for i, p := range parts {
		if _, err := fmt.Sscan(strings.TrimSpace(p), &v[i]); err != nil || math.IsNaN(v[i]) || math.IsInf(v[i], 0) {
			return geo.BBox{}, httpError(http.StatusBadRequest, "bbox", fmt.Sprintf("bbox value %q is not a finite number", clipText(p)))
		}
	}
	minLon, minLat := fromCRS(crs, v[0], v[1])
	maxLon, maxLat := fromCRS(crs, v[2], v[3])
	b := geo.BBox{MinLon: minLon, MinLat: minLat, MaxLon: maxLon, MaxLat: maxLat}
	if err := b.Validate(); err != nil {
		msg := "bbox is not a valid box"
		var ge *geo.Error
		if errors.As(err, &ge) {
			msg = ge.Msg
		}
		return geo.BBox{}, httpError(http.StatusBadRequest, "bbox", msg+" (after conversion from "+crs+")")
	}
	return b, nil
}

// setContentCRS names the CRS of a response's geometries (Part 2).
func setContentCRS(c *gin.Context, crs string) {
	c.Header("Content-Crs", "<"+crs+">")
}

// propertySelection is the properties parameter: the incident properties
// a response keeps (id always stays: it is the feature's id), or nil for
// all.
type propertySelection map[string]bool

// selectableProperties are the properties the parameter may name.
func selectableProperties() []string {
	names := make([]string, 0, len(incidentProperties))
	for _, p := range incidentProperties {
		names = append(names, p.name)
	}
	return names
}

func parsePropertySelection(q url.Values) (propertySelection, error) {
	v, err := single(q, "properties")
	if err != nil || v == "" {
		return nil, err
	}
	all := selectableProperties()
	sel := propertySelection{}
	for _, name := range strings.Split(v, ",") {
		name = strings.TrimSpace(name)
		if !slices.Contains(all, name) {
			return nil, httpError(http.StatusBadRequest, "properties", fmt.Sprintf("properties names %q, which is not a property of incidents; they are %s", clipText(name), strings.Join(all, ", ")))
		}
		sel[name] = true
	}
	return sel, nil
}

// apply clears the fields of in that the selection leaves out.
func (sel propertySelection) apply(in *incidents.Incident) {
	if sel == nil {
		return
	}
	drop := func(name string) bool { return !sel[name] }
	clearStr := func(name string, s *string) {
		if drop(name) {
			*s = ""
		}
	}
	clearStr("source_id", &in.SourceID)
	clearStr("date", &in.Date)
	clearStr("date_precision", &in.DatePrecision)
	clearStr("event_type", &in.EventType)
	clearStr("sub_event_type", &in.SubEventType)
	clearStr("actor1", &in.Actor1)
	clearStr("actor2", &in.Actor2)
	clearStr("place", &in.Place)
	clearStr("country", &in.Country)
	clearStr("admin1", &in.Admin1)
	clearStr("notes", &in.Notes)
	clearStr("created_at", &in.CreatedAt)
	clearStr("updated_at", &in.UpdatedAt)
	if drop("fatalities") {
		in.Fatalities = nil
	}
	if drop("injuries") {
		in.Injuries = nil
	}
	if drop("geo_precision") {
		in.GeoPrecision = 0
	}
	if drop("geonameid") {
		in.GeonameID = 0
	}
	if drop("sources") {
		in.Sources = nil
	}
	if drop("tags") {
		in.Tags = nil
	}
}

// featureView is what an items or item response does to each incident
// before writing it: the properties it keeps and the CRS of its point.
type featureView struct {
	props propertySelection
	crs   string
}

func parseFeatureView(q url.Values) (featureView, error) {
	crs, err := parseCRSParam(q, "crs")
	if err != nil {
		return featureView{}, err
	}
	props, err := parsePropertySelection(q)
	if err != nil {
		return featureView{}, err
	}
	return featureView{props: props, crs: crs}, nil
}

// apply edits in, a copy the caller owns, into the response's view.
func (v featureView) apply(in *incidents.Incident) {
	v.props.apply(in)
	if v.crs != crs84 && in.HasPoint() {
		x, y := toCRS(v.crs, *in.Lon, *in.Lat)
		in.Lon, in.Lat = &x, &y
	}
}

// queryableDocs describes each queryable for the JSON Schema of
// /queryables, from the feature schema's descriptions.
func queryablesSchema(c *gin.Context) map[string]any {
	props := map[string]any{}
	for _, p := range incidentProperties {
		if _, ok := incidents.Queryables[p.name]; !ok {
			continue
		}
		s := map[string]any{"title": p.name}
		for k, v := range p.schema {
			s[k] = v
		}
		props[p.name] = s
	}
	props["geometry"] = map[string]any{
		"title":       "geometry",
		"description": "the incident's point (WGS 84 longitude, latitude); test it with S_INTERSECTS",
		"format":      "geometry-point",
		"$ref":        "https://geojson.org/schema/Point.json",
	}
	return map[string]any{
		"$schema":              "https://json-schema.org/draft/2019-09/schema",
		"$id":                  ogcURL(c, "/ogc/collections/incidents/queryables", ""),
		"type":                 "object",
		"title":                "Incidents",
		"description":          "The properties a filter (CQL2) may use. Text comparisons and LIKE are case-sensitive; date compares as a calendar day.",
		"properties":           props,
		"additionalProperties": false,
	}
}

func (s *Server) ogcIncidentsQueryables(c *gin.Context) error {
	if err := checkParams(c.Request.URL.Query(), []string{"f"}); err != nil {
		return err
	}
	if _, err := wantHTML(c); err != nil {
		return err
	}
	b, err := json.Marshal(queryablesSchema(c))
	if err != nil {
		return fmt.Errorf("web: encode queryables: %w", err)
	}
	c.Data(http.StatusOK, schemaType, b)
	return nil
}
