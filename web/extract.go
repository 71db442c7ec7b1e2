package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/mapd/mapd/extract"
)

// maxExtractBytes bounds a POST /api/extract body.
const maxExtractBytes = 1 << 20

// extractRequest is the JSON form of a POST /api/extract body.
type extractRequest struct {
	Text    string `json:"text"`
	Date    string `json:"date"`
	Source  string `json:"source"`
	Country string `json:"country"`
}

// extractResponse is the answer of POST /api/extract: the candidates as a
// FeatureCollection, with the place names found beside them and the spans
// (places, dates, numbers, triggers) for the report panel's highlights.
type extractResponse struct {
	Type     string           `json:"type"`
	Features []extractFeature `json:"features"`
	Places   []extract.Place  `json:"places"`
	Spans    []extract.Span   `json:"spans"`
	Date     string           `json:"date"`
	Warnings []string         `json:"warnings"`
}

type extractFeature struct {
	Type       string         `json:"type"`
	Geometry   map[string]any `json:"geometry"`
	Properties map[string]any `json:"properties"`
}

// extractIncidents reads news text and answers the candidate incidents it
// tells of. It stores nothing.
func (s *Server) extractIncidents(c *gin.Context) error {
	if s.cfg.Extractor == nil && s.cfg.LoadPlaces == nil {
		return httpError(http.StatusServiceUnavailable, "", "no gazetteer is loaded: extraction is unavailable")
	}
	req, isHTML, err := readExtractRequest(c)
	if err != nil {
		return err
	}
	q := c.Request.URL.Query()
	for _, p := range []struct {
		dst  *string
		name string
	}{{&req.Date, "date"}, {&req.Source, "source"}, {&req.Country, "country"}} {
		if v := q.Get(p.name); v != "" && *p.dst == "" {
			*p.dst = v
		}
	}
	req.Country = strings.ToUpper(strings.TrimSpace(req.Country))
	if req.Country != "" && (len(req.Country) != 2 || strings.Trim(req.Country, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "") {
		return httpError(http.StatusBadRequest, "country", fmt.Sprintf("country %q must be an ISO 3166-1 alpha-2 code such as SY", clipText(req.Country)))
	}
	if strings.TrimSpace(req.Text) == "" {
		return httpError(http.StatusBadRequest, "text", "text is empty: send the report's text")
	}
	places, err := s.placeData(c.Request.Context())
	if err != nil {
		return err
	}
	if places.Extractor == nil {
		return httpError(http.StatusServiceUnavailable, "", "no gazetteer is loaded: extraction is unavailable")
	}
	res, err := places.Extractor.Extract(c.Request.Context(), req.Text, extract.Options{
		Date: req.Date, Country: req.Country, Source: req.Source, HTML: isHTML,
	})
	if err != nil {
		return err
	}
	out := extractResponse{Type: "FeatureCollection", Features: make([]extractFeature, 0, len(res.Candidates)),
		Places: res.Places, Spans: res.Spans, Date: res.Date, Warnings: res.Warnings}
	if out.Warnings == nil {
		out.Warnings = []string{}
	}
	for i := range res.Candidates {
		cd := &res.Candidates[i]
		props := map[string]any(cd.Incident.Properties())
		props["confidence"] = cd.Confidence
		props["evidence"] = cd.Evidence
		f := extractFeature{Type: "Feature", Properties: props}
		if cd.HasPoint() {
			f.Geometry = map[string]any{"type": "Point", "coordinates": []float64{*cd.Lon, *cd.Lat}}
		}
		out.Features = append(out.Features, f)
	}
	b, err := json.Marshal(out)
	if err != nil {
		return fmt.Errorf("web: encode extraction: %w", err)
	}
	c.Data(http.StatusOK, geoJSONType, b)
	return nil
}

// readExtractRequest reads the body as text/plain, text/html or JSON.
func readExtractRequest(c *gin.Context) (extractRequest, bool, error) {
	ct := c.ContentType()
	if ct == "" {
		ct = "text/plain"
	}
	if mt, _, err := mime.ParseMediaType(c.GetHeader("Content-Type")); err == nil {
		ct = mt
	}
	switch ct {
	case "text/plain", "text/html", "application/json", "application/xhtml+xml":
	default:
		return extractRequest{}, false, httpError(http.StatusUnsupportedMediaType, "",
			fmt.Sprintf("Content-Type %q is not supported; send text/plain, text/html or application/json", clipText(ct)))
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxExtractBytes))
	if err != nil {
		return extractRequest{}, false, err
	}
	if ct != "application/json" {
		return extractRequest{Text: string(body)}, ct != "text/plain", nil
	}
	var req extractRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return extractRequest{}, false, httpError(http.StatusBadRequest, "", "malformed JSON: want {\"text\",\"date\",\"source\",\"country\"}: "+clipText(err.Error()))
	}
	if !utf8.ValidString(req.Text) {
		req.Text = strings.ToValidUTF8(req.Text, " ")
	}
	return req, extract.LooksLikeHTML(req.Text), nil
}
