package web

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/mapd/mapd/gazetteer"
	"github.com/mapd/mapd/incidents"
)

const geoJSONType = "application/geo+json"

// queryFilter parses the filter parameters of the request, refusing
// parameters it does not know so that a typo is not silently ignored.
func queryFilter(c *gin.Context, extra ...string) (incidents.Filter, error) {
	q := c.Request.URL.Query()
	if err := checkParams(q, append(incidents.FilterKeys, extra...)); err != nil {
		return incidents.Filter{}, err
	}
	return incidents.ParseFilter(func(k string) []string { return q[k] })
}

func checkParams(q url.Values, allowed []string) error {
	for k := range q {
		known := false
		for _, a := range allowed {
			if k == a {
				known = true
				break
			}
		}
		if !known {
			return httpError(http.StatusBadRequest, k, fmt.Sprintf("unknown parameter %q", clipText(k)))
		}
	}
	return nil
}

func clipText(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// listIncidents streams one page of matches as a GeoJSON FeatureCollection
// with numberMatched, numberReturned and a next link.
func (s *Server) listIncidents(c *gin.Context) error {
	f, err := queryFilter(c)
	if err != nil {
		return err
	}
	fw := newFeatureWriter(c, geoJSONType)
	page, err := s.listFeatures(c.Request.Context(), f, fw)
	if err != nil {
		return err
	}
	var links []link
	links = append(links, link{Href: absURL(c, c.Request.URL.Path, c.Request.URL.Query()), Rel: "self", Type: geoJSONType})
	if page.Next != "" {
		q := url.Values(f.Values())
		q.Set("cursor", page.Next)
		links = append(links, link{Href: absURL(c, c.Request.URL.Path, q), Rel: "next", Type: geoJSONType})
	}
	return fw.close(map[string]any{
		"numberMatched":  page.Matched,
		"numberReturned": page.Returned,
		"timeStamp":      time.Now().UTC().Format(time.RFC3339),
		"links":          links,
	})
}

type link struct {
	Href  string `json:"href"`
	Rel   string `json:"rel"`
	Type  string `json:"type,omitempty"`
	Title string `json:"title,omitempty"`
}

// absURL builds an absolute URL on this server for path and query.
func absURL(c *gin.Context, path string, q url.Values) string {
	scheme := "http"
	if c.Request.TLS != nil {
		scheme = "https"
	}
	u := url.URL{Scheme: scheme, Host: c.Request.Host, Path: path, RawQuery: q.Encode()}
	return u.String()
}

// featureWriter streams a FeatureCollection: the opening is written with
// the first feature, so an error before any feature still becomes a clean
// JSON error response.
type featureWriter struct {
	c       *gin.Context
	w       *bufio.Writer
	ctype   string
	started bool
	n       int
	buf     []byte // the feature being written, reused
}

func newFeatureWriter(c *gin.Context, ctype string) *featureWriter {
	return &featureWriter{c: c, ctype: ctype}
}

func (fw *featureWriter) start() {
	if fw.started {
		return
	}
	fw.started = true
	fw.c.Header("Content-Type", fw.ctype)
	fw.c.Status(http.StatusOK)
	fw.w = bufio.NewWriterSize(fw.c.Writer, 32<<10)
	fw.w.WriteString(`{"type":"FeatureCollection","features":[`)
}

func (fw *featureWriter) write(in *incidents.Incident) error {
	fw.buf = in.AppendFeature(fw.buf[:0])
	return fw.writeFeature(fw.buf)
}

// writeFeature writes one Feature, encoded.
func (fw *featureWriter) writeFeature(b []byte) error {
	fw.start()
	if fw.n > 0 {
		fw.w.WriteByte(',')
	}
	fw.n++
	_, err := fw.w.Write(b)
	return err
}

// featureLister is a Store that lists a page as encoded GeoJSON Features
// (incidents.Incident.AppendFeature's), which it may keep encoded.
type featureLister interface {
	ListFeatures(ctx context.Context, f incidents.Filter, fn func(feature []byte) error) (incidents.Page, error)
}

// listFeatures writes the page of f to fw, through the store's
// ListFeatures when it has one.
func (s *Server) listFeatures(ctx context.Context, f incidents.Filter, fw *featureWriter) (incidents.Page, error) {
	if fl, ok := s.cfg.Store.(featureLister); ok {
		return fl.ListFeatures(ctx, f, fw.writeFeature)
	}
	return s.cfg.Store.List(ctx, f, fw.write)
}

// close ends the features array and writes the extra members.
func (fw *featureWriter) close(members map[string]any) error {
	fw.start()
	fw.w.WriteByte(']')
	for _, k := range sortedKeys(members) {
		b, err := json.Marshal(members[k])
		if err != nil {
			return fmt.Errorf("web: encode %s: %w", k, err)
		}
		fmt.Fprintf(fw.w, ",%q:", k)
		fw.w.Write(b)
	}
	fw.w.WriteString("}\n")
	return fw.w.Flush()
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}

func pathID(c *gin.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, httpError(http.StatusBadRequest, "id", fmt.Sprintf("id %q must be a positive integer", clipText(c.Param("id"))))
	}
	return id, nil
}

func (s *Server) getIncident(c *gin.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	in, err := s.cfg.Store.Get(c.Request.Context(), id)
	if err != nil {
		return err
	}
	return writeFeature(c, http.StatusOK, &in)
}

func writeFeature(c *gin.Context, status int, in *incidents.Incident) error {
	b, err := in.MarshalFeature()
	if err != nil {
		return fmt.Errorf("web: encode feature: %w", err)
	}
	c.Data(status, geoJSONType, b)
	return nil
}

// readIncident decodes the request body as an incident object or Feature.
func (s *Server) readIncident(c *gin.Context) (incidents.Incident, error) {
	if err := requireJSON(c); err != nil {
		return incidents.Incident{}, err
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, s.cfg.MaxBodyBytes))
	if err != nil {
		return incidents.Incident{}, err
	}
	return incidents.ParseJSON(body)
}

// requireJSON refuses bodies that declare a non-JSON media type (415).
func requireJSON(c *gin.Context) error {
	ct := c.GetHeader("Content-Type")
	if ct == "" {
		return nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || !(mt == "application/json" || mt == geoJSONType || strings.HasSuffix(mt, "+json")) {
		return httpError(http.StatusUnsupportedMediaType, "", fmt.Sprintf("Content-Type %q is not supported; send application/json", clipText(ct)))
	}
	return nil
}

func (s *Server) createIncident(c *gin.Context) error {
	in, err := s.readIncident(c)
	if err != nil {
		return err
	}
	if err := s.cfg.Store.Create(c.Request.Context(), &in, s.cfg.Resolver); err != nil {
		return err
	}
	c.Header("Location", "/api/incidents/"+itoa(in.ID))
	return writeFeature(c, http.StatusCreated, &in)
}

func (s *Server) replaceIncident(c *gin.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	in, err := s.readIncident(c)
	if err != nil {
		return err
	}
	if in.ID != 0 && in.ID != id {
		return httpError(http.StatusBadRequest, "id", fmt.Sprintf("body id %d does not match the URL's id %d", in.ID, id))
	}
	if err := s.cfg.Store.Replace(c.Request.Context(), id, &in, s.cfg.Resolver); err != nil {
		return err
	}
	return writeFeature(c, http.StatusOK, &in)
}

func (s *Server) deleteIncident(c *gin.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.cfg.Store.Delete(c.Request.Context(), id); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

func (s *Server) stats(c *gin.Context) error {
	f, err := queryFilter(c)
	if err != nil {
		return err
	}
	st, err := s.cfg.Store.Stats(c.Request.Context(), f)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, st)
	return nil
}

// gazetteerSearch returns candidate places as a FeatureCollection, best
// first, each with its score.
func (s *Server) gazetteerSearch(c *gin.Context) error {
	q := c.Request.URL.Query()
	if err := checkParams(q, []string{"q", "country", "limit"}); err != nil {
		return err
	}
	if !s.hasPlaces() {
		return httpError(http.StatusServiceUnavailable, "", "no gazetteer is loaded")
	}
	name := strings.TrimSpace(q.Get("q"))
	if name == "" {
		return httpError(http.StatusBadRequest, "q", "q is required: the place name to look up")
	}
	limit := 10
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return httpError(http.StatusBadRequest, "limit", fmt.Sprintf("limit %q must be an integer in [1, 100]", clipText(v)))
		}
		limit = n
	}
	country := strings.ToUpper(strings.TrimSpace(q.Get("country")))
	if country != "" && (len(country) != 2 || strings.Trim(country, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "") {
		return httpError(http.StatusBadRequest, "country", fmt.Sprintf("country %q must be an ISO 3166-1 alpha-2 code such as SY", clipText(country)))
	}
	places, err := s.placeData(c.Request.Context())
	if err != nil {
		return err
	}
	if places.Gazetteer == nil {
		return httpError(http.StatusServiceUnavailable, "", "no gazetteer is loaded")
	}
	matches, err := places.Gazetteer.Search(c.Request.Context(), gazetteer.Query{Name: name, Country: country, Limit: limit})
	if err != nil {
		return err
	}
	features := make([]map[string]any, 0, len(matches))
	for _, m := range matches {
		features = append(features, map[string]any{
			"type":     "Feature",
			"id":       m.GeonameID,
			"geometry": map[string]any{"type": "Point", "coordinates": []float64{m.Lon, m.Lat}},
			"properties": map[string]any{
				"geonameid": m.GeonameID, "name": m.Name, "country": m.Country, "admin1": m.Admin1,
				"feature_code": m.FeatureCode, "population": m.Population, "score": m.Score,
				"geo_precision": m.GeoPrecision(),
			},
		})
	}
	b, err := json.Marshal(map[string]any{"type": "FeatureCollection", "features": features,
		"numberReturned": len(features), "query": name})
	if err != nil {
		return fmt.Errorf("web: encode places: %w", err)
	}
	c.Data(http.StatusOK, geoJSONType, b)
	return nil
}

// importIncidents reads an import body in any supported format and answers
// with the import result object.
func (s *Server) importIncidents(c *gin.Context) error {
	q := c.Request.URL.Query()
	if err := checkParams(q, []string{"format", "atomic"}); err != nil {
		return err
	}
	format := q.Get("format")
	if format == "" {
		var err error
		if format, err = formatFromContentType(c.GetHeader("Content-Type")); err != nil {
			return err
		}
	}
	atomic := false
	if v := q.Get("atomic"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return httpError(http.StatusBadRequest, "atomic", "atomic must be true or false")
		}
		atomic = b
	}
	if c.Request.ContentLength > s.cfg.MaxImportBytes {
		return httpError(http.StatusRequestEntityTooLarge, "", "request body is larger than the limit of "+formatBytes(s.cfg.MaxImportBytes))
	}
	body := http.MaxBytesReader(c.Writer, c.Request.Body, s.cfg.MaxImportBytes)
	dec, _, err := incidents.NewDecoder(body, format)
	var fe *incidents.FieldError
	if errors.As(err, &fe) {
		// The whole input is unusable, whichever column or value the
		// decoder names: the request's "format" is at fault.
		return httpError(http.StatusBadRequest, "format", fe.Msg)
	}
	if err != nil {
		return err
	}
	res, err := s.cfg.Store.Import(c.Request.Context(), dec, incidents.ImportOptions{
		Atomic: atomic, Resolver: s.cfg.Resolver, Limit: s.cfg.MaxImportRecords,
		// One transaction: a body cut off, too large or abandoned by the
		// client stores nothing, rather than the batches read before.
		BatchSize: math.MaxInt,
	})
	s.metrics.importsTotal.Add(1)
	s.metrics.importReceived.Add(uint64(res.Received))
	s.metrics.importInserted.Add(uint64(res.Inserted))
	s.metrics.importUpdated.Add(uint64(res.Updated))
	s.metrics.importRejected.Add(uint64(res.Rejected))
	if err != nil {
		// A malformed stream is a *FieldError on "format" (400), a body
		// over the limits 413; anything else, the store's errors
		// included, is a 500 that never shows its text.
		return err
	}
	status := http.StatusOK
	if res.Rejected > 0 && atomic {
		status = http.StatusUnprocessableEntity
	}
	c.JSON(status, res)
	return nil
}

func formatFromContentType(ct string) (string, error) {
	if ct == "" {
		return "auto", nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return "", httpError(http.StatusUnsupportedMediaType, "", fmt.Sprintf("Content-Type %q is malformed", clipText(ct)))
	}
	switch mt {
	case "application/json", "text/json", "text/plain", "application/octet-stream", "application/gzip", "application/x-gzip":
		return "auto", nil
	case "application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines":
		return "ndjson", nil
	case geoJSONType:
		return "geojson", nil
	case "text/csv", "application/csv":
		return "auto", nil // mapd CSV or ACLED CSV, told apart by the header
	}
	return "", httpError(http.StatusUnsupportedMediaType, "", fmt.Sprintf("Content-Type %q is not an import format (JSON, NDJSON, GeoJSON, CSV)", clipText(mt)))
}

// export streams every match of the filters in the requested format.
func (s *Server) export(c *gin.Context) error {
	f, err := queryFilter(c, "format")
	if err != nil {
		return err
	}
	format := c.DefaultQuery("format", "geojson")
	ctype := map[string]string{"geojson": geoJSONType, "ndjson": "application/x-ndjson", "csv": "text/csv; charset=utf-8"}[format]
	if ctype == "" {
		return httpError(http.StatusBadRequest, "format", fmt.Sprintf("format %q must be geojson, ndjson or csv", clipText(format)))
	}
	var enc incidents.Encoder
	var bw *bufio.Writer
	started := false
	err = s.cfg.Store.Export(c.Request.Context(), f, func(in *incidents.Incident) error {
		if !started {
			started = true
			c.Header("Content-Type", ctype)
			c.Header("Content-Disposition", `attachment; filename="mapd-export.`+extFor(format)+`"`)
			c.Status(http.StatusOK)
			bw = bufio.NewWriterSize(c.Writer, 64<<10)
			var err error
			if enc, err = incidents.NewEncoder(bw, format); err != nil {
				return err
			}
		}
		return enc.Write(in)
	})
	if err != nil {
		return err
	}
	if !started {
		c.Header("Content-Type", ctype)
		c.Header("Content-Disposition", `attachment; filename="mapd-export.`+extFor(format)+`"`)
		c.Status(http.StatusOK)
		bw = bufio.NewWriterSize(c.Writer, 64<<10)
		if enc, err = incidents.NewEncoder(bw, format); err != nil {
			return err
		}
	}
	if err := enc.Close(); err != nil {
		return err
	}
	return bw.Flush()
}

func extFor(format string) string {
	if format == "geojson" {
		return "geojson"
	}
	return format
}
