package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/mapd/mapd/extract"
	"github.com/mapd/mapd/gazetteer"
	"github.com/mapd/mapd/web"
)

// extractServer is newServer with extraction and reverse geocoding over the
// small gazetteer the API tests load (Raqqa only).
func extractServer(t *testing.T) string {
	t.Helper()
	var gz *gazetteer.Gazetteer
	ts, _ := newServer(t, func(c *web.Config) {
		gz = c.Gazetteer.(*gazetteer.Gazetteer)
		x, err := extract.New(gz)
		if err != nil {
			t.Fatal(err)
		}
		c.Extractor = x
		c.Reverser = gazetteer.NewReverseIndex(gz)
	})
	return ts.URL
}

func TestExtractEndpoint(t *testing.T) {
	url := extractServer(t) + "/api/extract"
	const text = "An air strike on Raqqa on Saturday killed at least 12 people, activists said."
	tests := []struct {
		name, ctype, body string
		status            int
		features          int
		field             string
	}{
		{"plain", "text/plain", text, 200, 1, ""},
		{"html", "text/html", "<p>" + strings.ReplaceAll(text, "Raqqa", "<b>Raqqa</b>") + "</p>", 200, 1, ""},
		{"json", "application/json", `{"text":"` + text + `","date":"2016-09-17","source":"AP"}`, 200, 1, ""},
		{"no event", "text/plain", "Officials met to talk about Raqqa.", 200, 0, ""},
		{"empty", "application/json", `{"text":" "}`, 400, 0, "text"},
		{"bad date", "application/json", `{"text":"x","date":"17/9/2016"}`, 400, 0, "date"},
		{"bad type", "image/png", "x", 415, 0, ""},
		{"too large", "text/plain", strings.Repeat("a", 1<<20+1), 413, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := do(t, "POST", url+"?date=2016-09-17", tt.body, "Content-Type", tt.ctype)
			if resp.StatusCode != tt.status {
				t.Fatalf("status: got %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			if tt.status != 200 {
				var e struct{ Error, Field string }
				json.Unmarshal(body, &e)
				if e.Field != tt.field {
					t.Errorf("field: got %q, want %q (%s)", e.Field, tt.field, body)
				}
				return
			}
			var fc struct {
				Type     string
				Features []struct {
					Geometry   struct{ Coordinates []float64 }
					Properties map[string]any
				}
				Places []extract.Place
				Spans  []extract.Span
			}
			if err := json.Unmarshal(body, &fc); err != nil {
				t.Fatal(err)
			}
			if fc.Type != "FeatureCollection" || len(fc.Features) != tt.features || fc.Places == nil {
				t.Fatalf("got %s", body)
			}
			if tt.features == 0 {
				return
			}
			// The spans' offsets are into the text read: the body, or the
			// JSON body's text.
			read := tt.body
			if tt.ctype == "application/json" {
				read = text
			}
			kinds := map[string]string{}
			for _, sp := range fc.Spans {
				if sp.Start < 0 || sp.End > len(read) || sp.Start >= sp.End {
					t.Fatalf("span %+v out of the text", sp)
				}
				if got := read[sp.Start:sp.End]; got != sp.Text && sp.Kind != extract.SpanPlace {
					t.Errorf("span %+v holds %q", sp, got)
				}
				kinds[sp.Kind] += read[sp.Start:sp.End] + "|"
			}
			want := map[string]string{"trigger": "air strike|", "place": "Raqqa|", "date": "Saturday|", "number": "at least 12|"}
			for k, v := range want {
				if kinds[k] != v {
					t.Errorf("%s spans: got %q, want %q", k, kinds[k], v)
				}
			}
			p := fc.Features[0].Properties
			if p["place"] != "Raqqa" || p["fatalities"] != float64(12) || p["date"] != "2016-09-17" || p["confidence"] == nil || p["evidence"] == nil {
				t.Errorf("properties: got %v", p)
			}
		})
	}
	// Nothing was stored.
	resp, body := do(t, "GET", strings.TrimSuffix(url, "/extract")+"/incidents?q=Raqqa", "")
	if resp.StatusCode != http.StatusOK || strings.Contains(string(body), "activists said") {
		t.Errorf("extraction stored something: %s", body)
	}
}

func TestReverseEndpoint(t *testing.T) {
	url := extractServer(t) + "/api/reverse"
	resp, body := do(t, "GET", url+"?lat=35.9&lon=39.1", "")
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"country":"SY"`) || !strings.Contains(string(body), `"name":"Ar Raqqah"`) {
		t.Errorf("got %d %s", resp.StatusCode, body)
	}
	for _, q := range []string{"?lat=95&lon=0", "?lat=x&lon=0", "?lon=0"} {
		if resp, body := do(t, "GET", url+q, ""); resp.StatusCode != 400 {
			t.Errorf("%s: got %d %s, want 400", q, resp.StatusCode, body)
		}
	}
	if resp, _ := do(t, "GET", url+"?lat=-60&lon=-150", ""); resp.StatusCode != 404 {
		t.Errorf("mid ocean: got %d, want 404", resp.StatusCode)
	}
}
