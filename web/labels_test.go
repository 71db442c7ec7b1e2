package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/mapd/mapd/gazetteer"
	"github.com/mapd/mapd/web"
)

// TestPlaceLabels checks GET /tiles/places/{z}/{x}/{y}.geojson: the labels
// of a tile as GeoJSON, revalidated by ETag, and 400 for a bad path.
func TestPlaceLabels(t *testing.T) {
	gz := gazetteer.New()
	const rows = "172955\tAr Raqqah\tAr Raqqah\t\t35.95283\t39.00788\tP\tPPLA\tSY\t\t04\t\t\t\t177636\t\t245\tAsia/Damascus\t2020-01-01\n" +
		"170654\tDamascus\tDamascus\t\t33.5102\t36.29128\tP\tPPLC\tSY\t\t13\t\t\t\t1569394\t\t\t\t2020-01-01\n" +
		"100001\tSmallville\tSmallville\t\t35.9\t39.1\tP\tPPL\tSY\t\t04\t\t\t\t2000\t\t\t\t2020-01-01\n"
	if err := gz.Load(t.Context(), "sample.txt", strings.NewReader(rows)); err != nil {
		t.Fatal(err)
	}
	ts, _ := newServer(t, func(c *web.Config) { c.Gazetteer = gz })

	type fc struct {
		Features []struct {
			Geometry struct {
				Coordinates [2]float64 `json:"coordinates"`
			} `json:"geometry"`
			Properties struct {
				Name    string `json:"name"`
				Kind    string `json:"kind"`
				MinZoom int    `json:"min_zoom"`
			} `json:"properties"`
		} `json:"features"`
	}
	names := func(path string) []string {
		t.Helper()
		resp, body := do(t, "GET", ts.URL+path, "")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: got %d, want 200: %s", path, resp.StatusCode, body)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/geo+json" {
			t.Errorf("GET %s: got Content-Type %q, want application/geo+json", path, ct)
		}
		var got fc
		if err := json.Unmarshal(body, &got); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, f := range got.Features {
			out = append(out, f.Properties.Name+"/"+f.Properties.Kind)
		}
		return out
	}
	// The capital from zoom 3, the regional seat of 177,636 from zoom 6 (a
	// city of that size from 7, a seat one earlier), the village from 12.
	cases := []struct {
		path string
		want string
	}{
		{"/tiles/places/3/4/3.geojson", "Damascus/capital"},
		{"/tiles/places/5/19/12.geojson", "Damascus/capital"},
		{"/tiles/places/6/38/25.geojson", "Damascus/capital,Ar Raqqah/city"},
		{"/tiles/places/12/2492/1609.geojson", "Smallville/town"},
		{"/tiles/places/5/0/0.geojson", ""},
		// In another language where the gazetteer knows the name; the
		// GeoNames name otherwise, and for a language it has none in.
		{"/tiles/places/6/38/25.geojson?lang=ar", "دمشق/capital,الرقة/city"},
		{"/tiles/places/6/38/25.geojson?lang=fr-CH", "Damas/capital,Ar Raqqah/city"},
		{"/tiles/places/12/2492/1609.geojson?lang=ar", "Smallville/town"},
		{"/tiles/places/6/38/25.geojson?lang=xx", "Damascus/capital,Ar Raqqah/city"},
	}
	for _, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			if got := strings.Join(names(tc.path), ","); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}

	resp, _ := do(t, "GET", ts.URL+"/tiles/places/5/19/12.geojson", "")
	etag := resp.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	if resp, _ := do(t, "GET", ts.URL+"/tiles/places/5/19/12.geojson", "", "If-None-Match", etag); resp.StatusCode != http.StatusNotModified {
		t.Errorf("revalidating: got %d, want 304", resp.StatusCode)
	}
	if resp, body := do(t, "GET", ts.URL+"/tiles/places/5/19/12.geojson?lang=a%20b", ""); resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), `"field":"lang"`) {
		t.Errorf("a bad lang: got %d %s, want 400 naming lang", resp.StatusCode, body)
	}
	for _, bad := range []string{"/tiles/places/5/19/12.mvt", "/tiles/places/5/99/12.geojson", "/tiles/places/x.geojson"} {
		if resp, body := do(t, "GET", ts.URL+bad, ""); resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), `"field":"tile"`) {
			t.Errorf("GET %s: got %d %s, want 400 naming tile", bad, resp.StatusCode, body)
		}
	}
	// Place labels are GeoNames data, served like the map's assets even
	// when reads need a token.
	locked, _ := newServer(t, func(c *web.Config) { c.Gazetteer = gz; c.Tokens = []string{"secret"}; c.ReadTokenRequired = true })
	if resp, body := do(t, "GET", locked.URL+"/tiles/places/6/38/25.geojson", ""); resp.StatusCode != http.StatusOK {
		t.Errorf("reads need a token: got %d %s for labels without one, want 200", resp.StatusCode, body)
	}
	noGaz, _ := newServer(t, func(c *web.Config) { c.Gazetteer = nil })
	if resp, _ := do(t, "GET", noGaz.URL+"/tiles/places/3/4/3.geojson", ""); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("without a gazetteer: got %d, want 503", resp.StatusCode)
	}
}
