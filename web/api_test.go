package web_test

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/mapd/mapd/gazetteer"
	"github.com/mapd/mapd/incidents"
	"github.com/mapd/mapd/incidents/sqlite"
	"github.com/mapd/mapd/web"
)

// newServer starts the real handler over a real SQLite file holding the
// demo incidents.
func newServer(t *testing.T, edit func(*web.Config)) (*httptest.Server, *sqlite.Store) {
	t.Helper()
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "api.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if _, err := incidents.LoadDemo(ctx, store); err != nil {
		t.Fatal(err)
	}
	gz := gazetteer.New()
	const sample = "163915\tAr Raqqah\tAr Raqqah\tRaqqa,Rakka,Al-Raqqah\t35.95283\t39.00788\tP\tPPLA\tSY\t\t04\t\t\t\t177636\t\t245\tAsia/Damascus\t2020-01-01\n"
	if err := gz.Load(ctx, "sample.txt", strings.NewReader(sample)); err != nil {
		t.Fatal(err)
	}
	cfg := web.Config{Store: store, Gazetteer: gz}
	if edit != nil {
		edit(&cfg)
	}
	srv, err := web.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts, store
}

func do(t *testing.T, method, url, body string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

type collection struct {
	*geojson.FeatureCollection
	collectionMeta
}

type collectionMeta struct {
	NumberMatched  int `json:"numberMatched"`
	NumberReturned int `json:"numberReturned"`
	Links          []struct {
		Href, Rel string
	} `json:"links"`
}

func decodeCollection(t *testing.T, b []byte) collection {
	t.Helper()
	var c collection
	if err := json.Unmarshal(b, &c.collectionMeta); err != nil {
		t.Fatalf("decode: %v in %s", err, b)
	}
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		t.Fatalf("orb decode: %v", err)
	}
	c.FeatureCollection = fc
	return c
}

func TestListIsGeoJSONWithLonLat(t *testing.T) {
	ts, _ := newServer(t, nil)
	resp, body := do(t, "GET", ts.URL+"/api/incidents", "")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/geo+json" {
		t.Fatalf("got %d %s, want 200 application/geo+json", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	c := decodeCollection(t, body)
	n := len(incidents.Demo())
	if c.NumberMatched != n || c.NumberReturned != n || len(c.Features) != n {
		t.Fatalf("got matched %d returned %d features %d, want %d", c.NumberMatched, c.NumberReturned, len(c.Features), n)
	}
	for _, f := range c.Features {
		p, ok := f.Geometry.(orb.Point)
		if !ok || f.ID == nil {
			t.Fatalf("got geometry %T id %v, want a Point with an id", f.Geometry, f.ID)
		}
		// Every demo incident is in Syria: lon 35..43, lat 32..38.
		if p.Lon() < 35 || p.Lon() > 43 || p.Lat() < 32 || p.Lat() > 38 {
			t.Fatalf("got coordinates %v, want [lon, lat] in Syria", p)
		}
	}
}

func TestCRUDOverHTTP(t *testing.T) {
	ts, _ := newServer(t, nil)
	body := `{"date":"2016-09-18","event_type":"Battles","lat":36.2,"lon":37.1,"place":"Aleppo","fatalities":4,"sources":["x"]}`
	resp, b := do(t, "POST", ts.URL+"/api/incidents", body, "Content-Type", "application/json")
	if resp.StatusCode != 201 || !strings.HasPrefix(resp.Header.Get("Location"), "/api/incidents/") {
		t.Fatalf("create: got %d %s (Location %q), want 201 with Location", resp.StatusCode, b, resp.Header.Get("Location"))
	}
	loc := ts.URL + resp.Header.Get("Location")
	resp, b = do(t, "GET", loc, "")
	f, err := geojson.UnmarshalFeature(b)
	if resp.StatusCode != 200 || err != nil || f.Properties["fatalities"].(float64) != 4 {
		t.Fatalf("get: got %d %s %v", resp.StatusCode, b, err)
	}
	feature := `{"type":"Feature","geometry":{"type":"Point","coordinates":[37.2,36.3]},"properties":{"date":"2016-09-19","event_type":"Riots"}}`
	resp, b = do(t, "PUT", loc, feature, "Content-Type", "application/geo+json")
	if resp.StatusCode != 200 {
		t.Fatalf("replace: got %d %s", resp.StatusCode, b)
	}
	f, _ = geojson.UnmarshalFeature(b)
	if f.Properties["event_type"] != "Riots" || f.Point().Lon() != 37.2 {
		t.Fatalf("replace: got %s, want the replaced feature", b)
	}
	if resp, _ = do(t, "DELETE", loc, ""); resp.StatusCode != 204 {
		t.Fatalf("delete: got %d, want 204", resp.StatusCode)
	}
	if resp, _ = do(t, "GET", loc, ""); resp.StatusCode != 404 {
		t.Fatalf("get deleted: got %d, want 404", resp.StatusCode)
	}
}

func TestBadInput(t *testing.T) {
	ts, _ := newServer(t, nil)
	cases := []struct {
		name, method, path, body, ctype string
		status                          int
		field                           string
	}{
		{"bbox three numbers", "GET", "/api/incidents?bbox=1,2,3", "", "", 400, "bbox"},
		{"bbox letters", "GET", "/api/incidents?bbox=a,b,c,d", "", "", 400, "bbox"},
		{"bbox NaN", "GET", "/api/incidents?bbox=NaN,1,2,3", "", "", 400, "bbox"},
		{"bbox lat order", "GET", "/api/incidents?bbox=0,10,1,5", "", "", 400, "bbox"},
		{"from not a date", "GET", "/api/incidents?from=2016-02-30", "", "", 400, "from"},
		{"limit zero", "GET", "/api/incidents?limit=0", "", "", 400, "limit"},
		{"limit huge", "GET", "/api/incidents?limit=1000000", "", "", 400, "limit"},
		{"bad cursor", "GET", "/api/incidents?cursor=zzz", "", "", 400, "cursor"},
		{"min fatalities negative", "GET", "/api/incidents?min_fatalities=-1", "", "", 400, "min_fatalities"},
		{"country name", "GET", "/api/incidents?country=Syria", "", "", 400, "country"},
		{"unknown parameter", "GET", "/api/incidents?bbbox=1,2,3,4", "", "", 400, "bbbox"},
		{"id not a number", "GET", "/api/incidents/abc", "", "", 400, "id"},
		{"missing id", "GET", "/api/incidents/999999", "", "", 404, ""},
		{"malformed json", "POST", "/api/incidents", `{"date":`, "application/json", 400, ""},
		{"unknown field", "POST", "/api/incidents", `{"date":"2016-09-17","event_type":"Battles","lat":1,"lon":2,"colour":"red"}`, "application/json", 400, "colour"},
		{"wrong type", "POST", "/api/incidents", `{"date":"2016-09-17","event_type":"Battles","lat":"north","lon":2}`, "application/json", 400, "lat"},
		{"lat out of range", "POST", "/api/incidents", `{"date":"2016-09-17","event_type":"Battles","lat":95,"lon":2}`, "application/json", 400, "lat"},
		{"no event type", "POST", "/api/incidents", `{"date":"2016-09-17","lat":1,"lon":2}`, "application/json", 400, "event_type"},
		{"unreal date", "POST", "/api/incidents", `{"date":"2016-09-31","event_type":"Battles","lat":1,"lon":2}`, "application/json", 400, "date"},
		{"array body", "POST", "/api/incidents", `[1,2]`, "application/json", 400, ""},
		{"xml body", "POST", "/api/incidents", `<x/>`, "application/xml", 415, ""},
		{"duplicate source_id", "POST", "/api/incidents", `{"source_id":"demo-2016-09-19-truce-declared-over","date":"2016-09-17","event_type":"Battles","lat":1,"lon":2}`, "application/json", 409, "source_id"},
		{"no such endpoint", "GET", "/api/nothing", "", "", 404, ""},
		{"wrong method", "PATCH", "/api/incidents/1", "{}", "application/json", 405, ""},
		{"gazetteer empty q", "GET", "/api/gazetteer/search?q=", "", "", 400, "q"},
		{"export bad format", "GET", "/api/export?format=xml", "", "", 400, "format"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var hdr []string
			if tc.ctype != "" {
				hdr = []string{"Content-Type", tc.ctype}
			}
			resp, b := do(t, tc.method, ts.URL+tc.path, tc.body, hdr...)
			var e struct{ Error, Field string }
			if err := json.Unmarshal(b, &e); err != nil || e.Error == "" {
				t.Fatalf("got body %s, want a JSON error", b)
			}
			if resp.StatusCode != tc.status || e.Field != tc.field {
				t.Fatalf("got %d field %q (%s), want %d field %q", resp.StatusCode, e.Field, e.Error, tc.status, tc.field)
			}
		})
	}
}

func TestPagingFollowsNextLinks(t *testing.T) {
	ts, _ := newServer(t, nil)
	seen := map[string]bool{}
	url := ts.URL + "/api/incidents?limit=3"
	for pages := 0; url != ""; pages++ {
		if pages > 10 {
			t.Fatal("too many pages")
		}
		_, b := do(t, "GET", url, "")
		c := decodeCollection(t, b)
		for _, f := range c.Features {
			id := fmt.Sprint(f.ID)
			if seen[id] {
				t.Fatalf("feature %s seen twice", id)
			}
			seen[id] = true
		}
		url = ""
		for _, l := range c.Links {
			if l.Rel == "next" {
				url = l.Href
			}
		}
	}
	if len(seen) != len(incidents.Demo()) {
		t.Fatalf("walked %d features, want %d", len(seen), len(incidents.Demo()))
	}
}

func TestGzip(t *testing.T) {
	ts, _ := newServer(t, nil)
	req, _ := http.NewRequest("GET", ts.URL+"/api/incidents", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("got Content-Encoding %q, want gzip", resp.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if c := decodeCollection(t, b); c.NumberMatched != len(incidents.Demo()) {
		t.Fatalf("got %d matched through gzip, want %d", c.NumberMatched, len(incidents.Demo()))
	}
}

func TestWriteAccess(t *testing.T) {
	const token = "0123456789abcdef-token"
	body := `{"date":"2016-09-18","event_type":"Battles","lat":36.2,"lon":37.1}`
	t.Run("token", func(t *testing.T) {
		ts, _ := newServer(t, func(c *web.Config) { c.Tokens = []string{"another-token-000000", token} })
		if resp, _ := do(t, "POST", ts.URL+"/api/incidents", body); resp.StatusCode != 401 {
			t.Fatalf("no token: got %d, want 401", resp.StatusCode)
		}
		if resp, _ := do(t, "POST", ts.URL+"/api/incidents", body, "Authorization", "Bearer wrong"); resp.StatusCode != 401 {
			t.Fatalf("wrong token: got %d, want 401", resp.StatusCode)
		}
		if resp, _ := do(t, "POST", ts.URL+"/api/incidents", body, "Authorization", "Bearer "+token); resp.StatusCode != 201 {
			t.Fatalf("right token: got %d, want 201", resp.StatusCode)
		}
		if resp, _ := do(t, "GET", ts.URL+"/api/incidents", ""); resp.StatusCode != 200 {
			t.Fatalf("read without token: got %d, want 200", resp.StatusCode)
		}
	})
	t.Run("read-only", func(t *testing.T) {
		ts, _ := newServer(t, func(c *web.Config) { c.ReadOnly = true })
		if resp, _ := do(t, "DELETE", ts.URL+"/api/incidents/1", ""); resp.StatusCode != 403 {
			t.Fatalf("got %d, want 403", resp.StatusCode)
		}
	})
}

func TestBodyLimit(t *testing.T) {
	ts, _ := newServer(t, func(c *web.Config) { c.MaxBodyBytes = 100 })
	big := `{"date":"2016-09-18","event_type":"Battles","lat":36.2,"lon":37.1,"notes":"` + strings.Repeat("x", 200) + `"}`
	if resp, b := do(t, "POST", ts.URL+"/api/incidents", big, "Content-Type", "application/json"); resp.StatusCode != 413 {
		t.Fatalf("got %d %s, want 413", resp.StatusCode, b)
	}
}

func TestGazetteerSearch(t *testing.T) {
	ts, _ := newServer(t, nil)
	resp, b := do(t, "GET", ts.URL+"/api/gazetteer/search?q=Raqqa&limit=3", "")
	c := decodeCollection(t, b)
	if resp.StatusCode != 200 || len(c.Features) == 0 || c.Features[0].Properties["geonameid"].(float64) != 163915 {
		t.Fatalf("got %d %s, want Ar Raqqah first", resp.StatusCode, b)
	}
}

func TestSecurityHeaders(t *testing.T) {
	ts, _ := newServer(t, nil)
	resp, _ := do(t, "GET", ts.URL+"/", "")
	csp := resp.Header.Get("Content-Security-Policy")
	if resp.StatusCode != 200 || !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") ||
		resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("got %d, CSP %q, want the map with a strict CSP", resp.StatusCode, csp)
	}
	for _, p := range []string{"/static/../server.go", "/static/", "/static/vendor/", "/static/%2e%2e/api.go"} {
		if resp, _ := do(t, "GET", ts.URL+p, ""); resp.StatusCode != 404 && resp.StatusCode != 400 {
			t.Errorf("GET %s: got %d, want 404", p, resp.StatusCode)
		}
	}
}

func emptyFilter() incidents.Filter { return incidents.Filter{} }
