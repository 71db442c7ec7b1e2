package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/mapd/mapd/incidents"
)

// The OpenAPI document at /ogc/api is generated from the routes table, so
// that it lists exactly the endpoints the router serves. What the table
// does not say (query parameters, bodies, media types) comes from apiOps,
// whose parameter lists are also what the OGC handlers accept.

// apiParam is one query parameter, for validation and documentation.
type apiParam struct {
	Name    string
	Desc    string
	Schema  map[string]any
	Explode *bool // nil: the OpenAPI default for form style (true)
}

// paramNames returns the names of ps, the parameters a handler accepts.
func paramNames(ps []apiParam) []string {
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.Name
	}
	return names
}

var noExplode = new(bool)

func str(desc string) apiParam { return apiParam{Desc: desc, Schema: map[string]any{"type": "string"}} }

func named(name string, p apiParam) apiParam {
	p.Name = name
	return p
}

// Parameters shared by several endpoints.
var (
	paramF = apiParam{Name: "f", Desc: "The representation: json (the default) or html. The Accept header is used when f is absent.",
		Schema: map[string]any{"type": "string", "enum": []string{"json", "html"}}}
	paramBBox = apiParam{Name: "bbox", Desc: "Only features inside minLon,minLat,maxLon,maxLat (WGS 84 longitude and latitude; six numbers with heights are accepted and the heights ignored). minLon greater than maxLon crosses the antimeridian.",
		Schema: map[string]any{"type": "array", "minItems": 4, "maxItems": 6, "items": map[string]any{"type": "number"}}, Explode: noExplode}
	paramItemsLimit = apiParam{Name: "limit", Desc: fmt.Sprintf("The page size. Larger values are served as %d.", ogcMaxLimit),
		Schema: map[string]any{"type": "integer", "minimum": 1, "maximum": ogcMaxLimit, "default": ogcDefaultLimit}}
	paramDatetime = str("Only incidents on a date or in an interval: 2016-09-17, 2016-09-01/2016-09-30, or open at one end with ..: ../2016-09-30, 2016-09-01/... RFC 3339 times are truncated to their date.")
	paramCursor   = str("Continue after the last incident of the previous page; taken from a next or prev link.")
	paramBack     = str("The cursors of the pages before this one, kept so that prev links work; taken from a next or prev link.")
	paramBBoxCRS  = apiParam{Name: "bbox-crs", Desc: "The CRS of bbox: only CRS84 (WGS 84 longitude, latitude) is supported, as the default.",
		Schema: map[string]any{"type": "string", "format": "uri", "enum": []string{crs84}}}
	paramCRS = apiParam{Name: "crs", Desc: "The CRS of the response: only CRS84 (WGS 84 longitude, latitude) is supported, as the default.",
		Schema: map[string]any{"type": "string", "format": "uri", "enum": []string{crs84}}}
)

// filterParamDocs describes the filters of incidents.FilterKeys.
var filterParamDocs = map[string]apiParam{
	"bbox":           paramBBox,
	"from":           {Desc: "Only incidents on or after this date (YYYY-MM-DD).", Schema: map[string]any{"type": "string", "format": "date"}},
	"to":             {Desc: "Only incidents on or before this date (YYYY-MM-DD).", Schema: map[string]any{"type": "string", "format": "date"}},
	"event_type":     {Desc: "Only these event types; repeat the parameter or separate with commas.", Schema: map[string]any{"type": "array", "items": map[string]any{"type": "string"}}},
	"actor":          str("Only incidents where actor1 or actor2 contains this text, ignoring case."),
	"country":        {Desc: "Only incidents in this country (ISO 3166-1 alpha-2).", Schema: map[string]any{"type": "string", "pattern": "^[A-Za-z]{2}$"}},
	"q":              str("Full-text search: every word must appear."),
	"min_fatalities": {Desc: "Only incidents with at least this many fatalities.", Schema: map[string]any{"type": "integer", "minimum": 0}},
	"limit":          {Desc: fmt.Sprintf("The page size (default %d).", incidents.DefaultLimit), Schema: map[string]any{"type": "integer", "minimum": 1, "maximum": incidents.MaxLimit}},
	"filter": str("A CQL2 filter on the incidents' queryables (/ogc/collections/incidents/queryables), in cql2-text unless filter-lang says cql2-json, " +
		"e.g. event_type = 'Battles' AND fatalities >= 10 AND S_INTERSECTS(geometry, BBOX(35, 32, 43, 38)) AND T_DURING(date, INTERVAL('2016-01-01', '2016-12-31')). " +
		"Comparisons, LIKE (case-sensitive), IN, BETWEEN, IS NULL, AND/OR/NOT, S_INTERSECTS/S_DISJOINT with BBOX and WKT or GeoJSON geometries, and the T_ temporal functions on date. " +
		"At most 1 MiB, 64 levels of nesting, 1,000 values in an IN list and 1,000 predicates."),
	"filter-lang": {Desc: "The language of filter.", Schema: map[string]any{"type": "string", "enum": []string{incidents.LangText, incidents.LangJSON}, "default": incidents.LangText}},
	"sortby": {Desc: "The order of the listing: properties among " + strings.Join(incidents.SortFields, ", ") + ", separated by commas, each with + (ascending, the default) or - (descending); id breaks ties. The default is -date,-id. Pages of any order are keyset-paged through cursor.",
		Schema: map[string]any{"type": "array", "items": map[string]any{"type": "string", "pattern": "^[+ -]?(date|fatalities|injuries|id)$"}}, Explode: noExplode},
	"cursor": paramCursor,
}

// filterParams returns the parameters of the /api incident filters, in
// the order of incidents.FilterKeys.
func filterParams(except ...string) []apiParam {
	var ps []apiParam
next:
	for _, k := range incidents.FilterKeys {
		for _, e := range except {
			if k == e {
				continue next
			}
		}
		p, ok := filterParamDocs[k]
		if !ok {
			p = str("An incident filter.")
		}
		ps = append(ps, named(k, p))
	}
	return ps
}

// Parameters of the incidents' items (OGC API - Features Parts 2 and 3,
// property selection).
var (
	paramIncidentCRS = apiParam{Name: "crs", Desc: "The CRS of the response's geometries: CRS84 (WGS 84 longitude, latitude; the default), EPSG:4326 (latitude, longitude) or EPSG:3857 (web Mercator, metres). The Content-Crs header names it.",
		Schema: map[string]any{"type": "string", "format": "uri", "enum": incidentCRS, "default": crs84}}
	paramIncidentBBoxCRS = apiParam{Name: "bbox-crs", Desc: "The CRS of bbox, in its axis order: CRS84 (the default), EPSG:4326 (latitude first) or EPSG:3857 (metres).",
		Schema: map[string]any{"type": "string", "format": "uri", "enum": incidentCRS, "default": crs84}}
	paramFilterCRS = apiParam{Name: "filter-crs", Desc: "The CRS of the geometries in filter: only CRS84.",
		Schema: map[string]any{"type": "string", "format": "uri", "enum": []string{crs84}, "default": crs84}}
	paramProperties = apiParam{Name: "properties", Desc: "Only these properties in each feature, separated by commas (the id stays: it is the feature's id).",
		Schema: map[string]any{"type": "array", "items": map[string]any{"type": "string", "enum": selectableProperties()}}, Explode: noExplode}
)

// incidentItemsParams are the query parameters of
// /ogc/collections/incidents/items.
var incidentItemsParams = append([]apiParam{
	paramF, paramBBox, paramIncidentBBoxCRS, paramIncidentCRS, paramFilterCRS, paramProperties, named("datetime", paramDatetime), paramItemsLimit,
	named("cursor", paramCursor), named("back", paramBack),
}, filterParams("bbox", "limit", "cursor")...)

// incidentItemParams are the query parameters of one incident.
var incidentItemParams = []apiParam{paramF, paramIncidentCRS, paramProperties}

// evidenceArray is the schema of a candidate's evidence.
var evidenceArray = map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{
	"text": map[string]any{"type": "string"}, "start": map[string]any{"type": "integer"}, "end": map[string]any{"type": "integer"},
}}}

// placeItemsParams are the query parameters of
// /ogc/collections/places/items.
var placeItemsParams = []apiParam{
	paramF, paramBBox, paramBBoxCRS, paramCRS, paramItemsLimit,
	named("name", str("Only places with this name, compared as the gazetteer normalises names (any transliteration it knows).")),
	{Name: "offset", Desc: "Skip this many matching places.", Schema: map[string]any{"type": "integer", "minimum": 0, "default": 0}},
}

// apiOp is what the OpenAPI document says about one route beyond its
// path, method and summary.
type apiOp struct {
	query  []apiParam
	body   []string // media types of the request body; nil for none
	schema string   // components schema of the JSON request body
	status int      // success status; 0 means 200
	media  []string // media types of the success response
	result string   // components schema of the success response
}

var fParamOnly = []apiParam{paramF}

// itemParams are the query parameters of a single feature.
var itemParams = []apiParam{paramF, paramCRS}

// apiOps describes routes by "METHOD path". Routes missing here are
// documented with a 200 JSON response and their path parameters.
var apiOps = map[string]apiOp{
	"GET /":                      {media: []string{htmlType}},
	"GET /static/*file":          {media: []string{"*/*"}},
	"GET /healthz":               {media: []string{jsonType}},
	"GET /metrics":               {media: []string{"text/plain"}},
	"GET /api/config":            {media: []string{jsonType}},
	"GET /api/incidents":         {query: filterParams(), media: []string{geoJSONType}, result: "FeatureCollection"},
	"POST /api/incidents":        {body: []string{jsonType, geoJSONType}, schema: "Incident", status: http.StatusCreated, media: []string{geoJSONType}, result: "Feature"},
	"POST /api/incidents/import": {query: []apiParam{{Name: "format", Desc: "The input format; detected when absent.", Schema: map[string]any{"type": "string", "enum": []string{"auto", "json", "ndjson", "geojson", "csv", "acled"}}}, {Name: "atomic", Desc: "Store nothing if any record is invalid.", Schema: map[string]any{"type": "boolean"}}}, body: []string{jsonType, "application/x-ndjson", geoJSONType, "text/csv"}, media: []string{jsonType}, result: "ImportResult"},
	"GET /api/incidents/:id":     {media: []string{geoJSONType}, result: "Feature"},
	"PUT /api/incidents/:id":     {body: []string{jsonType, geoJSONType}, schema: "Incident", media: []string{geoJSONType}, result: "Feature"},
	"DELETE /api/incidents/:id":  {status: http.StatusNoContent},
	"GET /api/export":            {query: append(filterParams("limit", "cursor"), apiParam{Name: "format", Desc: "The output format.", Schema: map[string]any{"type": "string", "enum": []string{"geojson", "ndjson", "csv"}, "default": "geojson"}}), media: []string{geoJSONType, "application/x-ndjson", "text/csv"}},
	"GET /api/stats":             {query: filterParams(), media: []string{jsonType}},
	"GET /api/gazetteer/search": {query: []apiParam{
		named("q", str("The place name to look up (required).")),
		{Name: "country", Desc: "Prefer places in this country (ISO 3166-1 alpha-2).", Schema: map[string]any{"type": "string"}},
		{Name: "limit", Desc: "At most this many candidates.", Schema: map[string]any{"type": "integer", "minimum": 1, "maximum": 100, "default": 10}},
	}, media: []string{geoJSONType}, result: "FeatureCollection"},
	"POST /api/extract": {query: []apiParam{
		named("date", str("The article date YYYY-MM-DD, when the body does not give it (JSON date, a first line \"date YYYY-MM-DD\" or a dateline).")),
		named("source", str("The outlet or URL, copied to each candidate's sources.")),
		named("country", str("ISO 3166-1 alpha-2 hint for place names.")),
	}, body: []string{"text/plain", htmlType, jsonType}, schema: "ExtractRequest", media: []string{geoJSONType}, result: "ExtractResult"},
	"GET /api/reverse": {query: []apiParam{
		{Name: "lat", Desc: "Latitude in degrees (required).", Schema: map[string]any{"type": "number", "minimum": -90, "maximum": 90}},
		{Name: "lon", Desc: "Longitude in degrees (required).", Schema: map[string]any{"type": "number", "minimum": -180, "maximum": 180}},
	}, media: []string{jsonType}, result: "ReverseResult"},
	"GET /ogc":                                        {query: fParamOnly, media: []string{jsonType, htmlType}, result: "LandingPage"},
	"GET /ogc/conformance":                            {query: fParamOnly, media: []string{jsonType, htmlType}, result: "ConfClasses"},
	"GET /ogc/api":                                    {media: []string{openAPIType}},
	"GET /ogc/collections":                            {query: fParamOnly, media: []string{jsonType, htmlType}, result: "Collections"},
	"GET /ogc/collections/incidents":                  {query: fParamOnly, media: []string{jsonType, htmlType}, result: "Collection"},
	"GET /ogc/collections/incidents/schema":           {query: fParamOnly, media: []string{schemaType}},
	"GET /ogc/collections/incidents/items":            {query: incidentItemsParams, media: []string{geoJSONType, htmlType}, result: "FeatureCollection"},
	"GET /ogc/collections/incidents/queryables":       {query: fParamOnly, media: []string{schemaType}},
	"GET /ogc/collections/incidents/items/:featureId": {query: incidentItemParams, media: []string{geoJSONType, htmlType}, result: "Feature"},
	"GET /ogc/collections/places":                     {query: fParamOnly, media: []string{jsonType, htmlType}, result: "Collection"},
	"GET /ogc/collections/places/items":               {query: placeItemsParams, media: []string{geoJSONType, htmlType}, result: "FeatureCollection"},
	"GET /ogc/collections/places/items/:featureId":    {query: fParamOnly, media: []string{geoJSONType, htmlType}, result: "Feature"},
}

// pathParam splits a gin path segment ":name" or "*name" into the
// parameter's name and any literal suffix: ":y.mvt" is the parameter y
// followed by ".mvt", as OpenAPI would write it.
func pathParam(seg string) (name, suffix string, ok bool) {
	if !strings.HasPrefix(seg, ":") && !strings.HasPrefix(seg, "*") {
		return "", "", false
	}
	seg = seg[1:]
	end := strings.IndexFunc(seg, func(r rune) bool {
		return !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	})
	if end < 0 {
		end = len(seg)
	}
	return seg[:end], seg[end:], true
}

// openAPIPath converts a gin route path to an OpenAPI path template:
// ":id", "*file" and ":y.mvt" become "{id}", "{file}" and "{y}.mvt".
func openAPIPath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if name, suffix, ok := pathParam(s); ok {
			segs[i] = "{" + name + "}" + suffix
		}
	}
	return strings.Join(segs, "/")
}

// operationID names an operation after its method and path.
func operationID(method, path string) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(method))
	for _, seg := range strings.FieldsFunc(path, func(r rune) bool { return r == '/' || r == '-' || r == '_' || r == '.' }) {
		seg = strings.TrimLeft(seg, ":*")
		if seg == "" {
			continue
		}
		b.WriteString(strings.ToUpper(seg[:1]) + seg[1:])
	}
	if path == "/" {
		b.WriteString("Root")
	}
	return b.String()
}

func (p apiParam) openAPI(in string) map[string]any {
	m := map[string]any{"name": p.Name, "in": in, "description": p.Desc, "schema": p.Schema}
	if in == "path" {
		m["required"] = true
	} else {
		m["style"] = "form"
		if p.Explode != nil {
			m["explode"] = *p.Explode
		}
	}
	return m
}

func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }

// openAPIDocument builds the OpenAPI 3.0 document of every route.
func (s *Server) openAPIDocument(serverURL string) map[string]any {
	paths := map[string]map[string]any{}
	for _, rt := range s.routes() {
		op := apiOps[rt.method+" "+rt.path]
		var params []any
		for _, seg := range strings.Split(rt.path, "/") {
			name, _, ok := pathParam(seg)
			if !ok {
				continue
			}
			p := apiParam{Name: name, Desc: "Path parameter " + name + ".", Schema: map[string]any{"type": "string"}}
			switch name {
			case "id":
				p.Desc, p.Schema = "The incident id.", map[string]any{"type": "integer", "format": "int64", "minimum": 1}
			case "featureId":
				p.Desc = "The feature id."
			case "z", "x", "y":
				p.Desc, p.Schema = "Tile coordinate "+name+".", map[string]any{"type": "integer", "minimum": 0}
			}
			params = append(params, p.openAPI("path"))
		}
		for _, p := range op.query {
			params = append(params, p.openAPI("query"))
		}
		status := op.status
		if status == 0 {
			status = http.StatusOK
		}
		media := op.media
		if media == nil && status != http.StatusNoContent {
			media = []string{jsonType}
			if strings.HasSuffix(rt.path, ".mvt") {
				media = []string{"application/vnd.mapbox-vector-tile"}
			}
		}
		ok := map[string]any{"description": http.StatusText(status)}
		if len(media) > 0 {
			content := map[string]any{}
			for _, m := range media {
				content[m] = map[string]any{}
				if op.result != "" && m != htmlType {
					content[m] = map[string]any{"schema": ref(op.result)}
				}
			}
			ok["content"] = content
		}
		operation := map[string]any{
			"operationId": operationID(rt.method, rt.path),
			"summary":     rt.doc,
			"tags":        []string{routeTag(rt.path)},
			"responses": map[string]any{
				strconv.Itoa(status): ok,
				"default": map[string]any{"description": "An error.", "content": map[string]any{
					jsonType: map[string]any{"schema": ref("Error")}}},
			},
		}
		if len(params) > 0 {
			operation["parameters"] = params
		}
		if op.body != nil {
			content := map[string]any{}
			for _, m := range op.body {
				content[m] = map[string]any{}
				if op.schema != "" && strings.Contains(m, "json") {
					content[m] = map[string]any{"schema": ref(op.schema)}
				}
			}
			operation["requestBody"] = map[string]any{"required": true, "content": content}
		}
		if rt.write {
			operation["security"] = []any{map[string]any{"bearerAuth": []string{}}}
		}
		path := openAPIPath(rt.path)
		if paths[path] == nil {
			paths[path] = map[string]any{}
		}
		paths[path][strings.ToLower(rt.method)] = operation
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{
			"title":       "mapd",
			"version":     s.version(),
			"description": "Incidents reported in the news on a map: the map's JSON API under /api and OGC API - Features under /ogc.",
			"license":     map[string]any{"name": "Gazetteer data: GeoNames (geonames.org), CC BY 4.0"},
		},
		"servers": []any{map[string]any{"url": serverURL}},
		"tags": []any{
			map[string]any{"name": "ogc", "description": "OGC API - Features: Part 1 Core, Part 2 CRS, Part 3 Filtering (CQL2), sortby and properties"},
			map[string]any{"name": "api", "description": "the map's JSON API"},
			map[string]any{"name": "server", "description": "the map, its assets and the server's health"},
		},
		"paths": paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{"bearerAuth": map[string]any{"type": "http", "scheme": "bearer"}},
			"schemas":         openAPISchemas(),
		},
	}
}

func (s *Server) version() string {
	if s.cfg.Version != "" {
		return s.cfg.Version
	}
	return "dev"
}

func routeTag(path string) string {
	switch {
	case strings.HasPrefix(path, "/ogc"):
		return "ogc"
	case strings.HasPrefix(path, "/api/"):
		return "api"
	}
	return "server"
}

// openAPI serves the OpenAPI document, or as HTML (the service-doc) a
// table of the operations it describes.
func (s *Server) openAPI(c *gin.Context) error {
	if err := checkParams(c.Request.URL.Query(), []string{"f"}); err != nil {
		return err
	}
	html, err := wantHTML(c)
	if err != nil {
		return err
	}
	if html {
		return s.serviceDoc(c)
	}
	b, err := json.Marshal(s.openAPIDocument(strings.TrimSuffix(absURL(c, "/", nil), "/")))
	if err != nil {
		return fmt.Errorf("web: encode openapi: %w", err)
	}
	c.Data(http.StatusOK, openAPIType, b)
	return nil
}

// serviceDoc renders the operations of the routes table as HTML.
func (s *Server) serviceDoc(c *gin.Context) error {
	t := &htmlTable{Head: []string{"method", "path", "what", "query parameters"}}
	for _, rt := range s.routes() {
		t.Rows = append(t.Rows, htmlRow{Cells: []string{rt.method, openAPIPath(rt.path), rt.doc,
			strings.Join(paramNames(apiOps[rt.method+" "+rt.path].query), ", ")}})
	}
	links := []link{
		{Href: ogcURL(c, "/ogc/api", "html"), Rel: "self", Type: htmlType, Title: "this page"},
		{Href: ogcURL(c, "/ogc/api", "json"), Rel: "service-desc", Type: openAPIType, Title: "the OpenAPI 3.0 document"},
	}
	return renderOGC(c, "api", ogcPage{Title: "mapd API", Description: "Every endpoint of this server.", Links: links, Table: t})
}

// propSchema is one property of a feature schema.
type propSchema struct {
	name   string
	schema map[string]any
}

func typed(t, desc string) map[string]any { return map[string]any{"type": t, "description": desc} }

func formatted(t, format, desc string) map[string]any {
	return map[string]any{"type": t, "format": format, "description": desc}
}

// incidentProperties are the fields of an incident, as JSON object members
// and GeoJSON properties (lat and lon are the geometry there).
var incidentProperties = []propSchema{
	{"id", formatted("integer", "int64", "assigned by the server, read-only")},
	{"source_id", typed("string", "the source's id; re-importing it updates, never duplicates")},
	{"date", formatted("string", "date", "the date of the incident")},
	{"date_precision", map[string]any{"type": "string", "enum": []string{"day", "week", "month", "year"}, "description": "how precise date is"}},
	{"event_type", typed("string", "e.g. Battles, Explosions/Remote violence")},
	{"sub_event_type", typed("string", "e.g. Air/drone strike")},
	{"actor1", typed("string", "the first actor")},
	{"actor2", typed("string", "the second actor")},
	{"fatalities", map[string]any{"type": "integer", "minimum": 0, "description": "reported deaths"}},
	{"injuries", map[string]any{"type": "integer", "minimum": 0, "description": "reported injuries"}},
	{"place", typed("string", "the place name as the source wrote it")},
	{"country", typed("string", "ISO 3166-1 alpha-2")},
	{"admin1", typed("string", "first-level region")},
	{"geo_precision", map[string]any{"type": "integer", "enum": []int{1, 2, 3}, "description": "1 town or exact, 2 near a town, 3 region only"}},
	{"geonameid", formatted("integer", "int64", "the gazetteer place used")},
	{"notes", typed("string", "free text")},
	{"sources", map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "description": "outlets or URLs"}},
	{"tags", map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "description": "tags"}},
	{"created_at", formatted("string", "date-time", "read-only")},
	{"updated_at", formatted("string", "date-time", "read-only")},
}

func objectSchema(props []propSchema) map[string]any {
	m := map[string]any{}
	for _, p := range props {
		m[p.name] = p.schema
	}
	return map[string]any{"type": "object", "properties": m}
}

// featureSchema returns the JSON Schema of a GeoJSON Feature with a Point
// geometry and the given properties.
func featureSchema(title string, props []propSchema) map[string]any {
	return map[string]any{
		"$schema":  "http://json-schema.org/draft-07/schema#",
		"title":    title,
		"type":     "object",
		"required": []string{"type", "geometry", "properties"},
		"properties": map[string]any{
			"type":       map[string]any{"type": "string", "enum": []string{"Feature"}},
			"id":         map[string]any{"type": "integer"},
			"geometry":   pointSchema(),
			"properties": objectSchema(props),
		},
	}
}

func pointSchema() map[string]any {
	return map[string]any{
		"type":     "object",
		"required": []string{"type", "coordinates"},
		"properties": map[string]any{
			"type":        map[string]any{"type": "string", "enum": []string{"Point"}},
			"coordinates": map[string]any{"type": "array", "minItems": 2, "maxItems": 3, "items": map[string]any{"type": "number"}},
		},
	}
}

func openAPISchemas() map[string]any {
	incident := objectSchema(append([]propSchema{
		{"lat", map[string]any{"type": "number", "minimum": -90, "maximum": 90}},
		{"lon", map[string]any{"type": "number", "minimum": -180, "maximum": 180}},
	}, incidentProperties...))
	incident["required"] = []string{"date", "event_type"}
	linkArray := map[string]any{"type": "array", "items": ref("Link")}
	return map[string]any{
		"Incident": incident,
		"Link": map[string]any{"type": "object", "required": []string{"href", "rel"}, "properties": map[string]any{
			"href": map[string]any{"type": "string"}, "rel": map[string]any{"type": "string"},
			"type": map[string]any{"type": "string"}, "title": map[string]any{"type": "string"},
		}},
		"Error": map[string]any{"type": "object", "required": []string{"error"}, "properties": map[string]any{
			"error": map[string]any{"type": "string"}, "field": map[string]any{"type": "string"},
		}},
		"Feature": map[string]any{"type": "object", "required": []string{"type", "geometry", "properties"}, "properties": map[string]any{
			"type":       map[string]any{"type": "string", "enum": []string{"Feature"}},
			"id":         map[string]any{"oneOf": []any{map[string]any{"type": "string"}, map[string]any{"type": "integer"}}},
			"geometry":   pointSchema(),
			"properties": map[string]any{"type": "object", "nullable": true},
			"links":      linkArray,
		}},
		"FeatureCollection": map[string]any{"type": "object", "required": []string{"type", "features"}, "properties": map[string]any{
			"type":           map[string]any{"type": "string", "enum": []string{"FeatureCollection"}},
			"features":       map[string]any{"type": "array", "items": ref("Feature")},
			"links":          linkArray,
			"timeStamp":      map[string]any{"type": "string", "format": "date-time"},
			"numberMatched":  map[string]any{"type": "integer", "minimum": 0},
			"numberReturned": map[string]any{"type": "integer", "minimum": 0},
		}},
		// POST /api/extract: the map's report panel reads exactly this shape.
		"ExtractRequest": map[string]any{"type": "object", "required": []string{"text"}, "properties": map[string]any{
			"text": map[string]any{"type": "string", "description": "The report: plain text or HTML, at most 1 MiB."},
			"date": map[string]any{"type": "string", "format": "date"}, "source": map[string]any{"type": "string"},
			"country": map[string]any{"type": "string"},
		}},
		"ExtractResult": map[string]any{"type": "object", "required": []string{"type", "features", "places"},
			"description": "Candidate incidents, stored nowhere. Each Feature's properties are an Incident's plus confidence (0..1) and evidence, the sentences it came from with byte offsets into the text.",
			"properties": map[string]any{
				"type": map[string]any{"type": "string", "enum": []string{"FeatureCollection"}},
				"features": map[string]any{"type": "array", "items": map[string]any{"allOf": []any{ref("Feature"), map[string]any{"type": "object", "properties": map[string]any{
					"properties": map[string]any{"type": "object", "properties": map[string]any{
						"confidence": map[string]any{"type": "number", "minimum": 0, "maximum": 1},
						"evidence":   evidenceArray,
					}},
				}}}}},
				"places": map[string]any{"type": "array", "items": map[string]any{"type": "object", "required": []string{"text", "start", "end", "role", "match"}, "properties": map[string]any{
					"text": map[string]any{"type": "string"}, "start": map[string]any{"type": "integer"}, "end": map[string]any{"type": "integer"},
					"role":  map[string]any{"type": "string", "enum": []string{"event", "mentioned", "demonym", "actor"}},
					"match": map[string]any{"type": "object", "nullable": true, "description": "As mapd geocode --json prints a match."},
				}}},
				"date":     map[string]any{"type": "string", "description": "The article date used, \"\" when none was known."},
				"warnings": map[string]any{"type": "array", "items": map[string]any{"type": "string"}},
			}},
		"ReverseResult": map[string]any{"type": "object", "description": "A GeoJSON Feature: the nearest populated place.", "properties": map[string]any{
			"type": map[string]any{"type": "string", "enum": []string{"Feature"}}, "geometry": map[string]any{"type": "object"},
			"properties": map[string]any{"type": "object", "properties": map[string]any{
				"geonameid": map[string]any{"type": "integer"}, "name": map[string]any{"type": "string"},
				"admin1": map[string]any{"type": "string"}, "country": map[string]any{"type": "string"},
				"feature_code": map[string]any{"type": "string"}, "population": map[string]any{"type": "integer"},
				"distance_km": map[string]any{"type": "number"},
			}},
		}},
		"ImportResult": map[string]any{"type": "object", "properties": map[string]any{
			"received": map[string]any{"type": "integer"}, "inserted": map[string]any{"type": "integer"},
			"updated": map[string]any{"type": "integer"}, "unchanged": map[string]any{"type": "integer"},
			"rejected": map[string]any{"type": "integer"},
			"errors": map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{
				"index": map[string]any{"type": "integer"}, "source_id": map[string]any{"type": "string"},
				"field": map[string]any{"type": "string"}, "error": map[string]any{"type": "string"},
			}}},
		}},
		"LandingPage": map[string]any{"type": "object", "required": []string{"links"}, "properties": map[string]any{
			"title": map[string]any{"type": "string"}, "description": map[string]any{"type": "string"}, "links": linkArray,
		}},
		"ConfClasses": map[string]any{"type": "object", "required": []string{"conformsTo"}, "properties": map[string]any{
			"conformsTo": map[string]any{"type": "array", "items": map[string]any{"type": "string"}},
		}},
		"Collection": map[string]any{"type": "object", "required": []string{"id", "links"}, "properties": map[string]any{
			"id": map[string]any{"type": "string"}, "title": map[string]any{"type": "string"},
			"description": map[string]any{"type": "string"}, "itemType": map[string]any{"type": "string"},
			"crs":    map[string]any{"type": "array", "items": map[string]any{"type": "string"}},
			"extent": map[string]any{"type": "object"}, "links": linkArray,
		}},
		"Collections": map[string]any{"type": "object", "required": []string{"links", "collections"}, "properties": map[string]any{
			"links": linkArray, "collections": map[string]any{"type": "array", "items": ref("Collection")},
		}},
	}
}
