package web_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mapd/mapd/web"
)

// TestLoadPlacesOnFirstUse checks a server whose gazetteer loads on first
// use: requests that need no place never load it, a failed load answers
// that request with an error and is tried again by the next, and a
// successful load is kept.
func TestLoadPlacesOnFirstUse(t *testing.T) {
	var calls atomic.Int32
	var loaded web.Places
	ts, _ := newServer(t, func(cfg *web.Config) {
		loaded = web.Places{Gazetteer: cfg.Gazetteer}
		cfg.Gazetteer = nil
		cfg.LoadPlaces = func(ctx context.Context) (web.Places, error) {
			if calls.Add(1) == 1 {
				return web.Places{}, errors.New("disk on fire")
			}
			return loaded, nil
		}
	})
	for _, path := range []string{"/healthz", "/api/incidents?limit=5", "/api/stats", "/metrics", "/ogc/collections"} {
		resp, body := do(t, "GET", ts.URL+path, "")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s before the load: %d %s", path, resp.StatusCode, body)
		}
		if path == "/ogc/collections" && !strings.Contains(string(body), `"places"`) {
			t.Errorf("the collections do not list places before the load: %s", body)
		}
		if path == "/metrics" && strings.Contains(string(body), "mapd_gazetteer_places") {
			t.Errorf("metrics report the gazetteer's size before it loaded")
		}
	}
	if n := calls.Load(); n != 0 {
		t.Fatalf("requests that need no place loaded the gazetteer %d times", n)
	}
	resp, body := do(t, "GET", ts.URL+"/api/config", "")
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"place_labels":true`) {
		t.Errorf("config before the load: %d %s, want place_labels true", resp.StatusCode, body)
	}

	search := ts.URL + "/api/gazetteer/search?q=Raqqa"
	if resp, body := do(t, "GET", search, ""); resp.StatusCode != http.StatusInternalServerError || strings.Contains(string(body), "disk on fire") {
		t.Errorf("search when the load fails: %d %s, want 500 without the internal error", resp.StatusCode, body)
	}
	for range 2 {
		if resp, body := do(t, "GET", search, ""); resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "Ar Raqqah") {
			t.Fatalf("search after a failed load: %d %s, want Ar Raqqah", resp.StatusCode, body)
		}
	}
	if n := calls.Load(); n != 2 {
		t.Errorf("the loader was called %d times, want 2 (a failure, then one success kept)", n)
	}
	if resp, body := do(t, "GET", ts.URL+"/metrics", ""); !strings.Contains(string(body), "mapd_gazetteer_places 1") {
		t.Errorf("metrics after the load: %d, want mapd_gazetteer_places 1", resp.StatusCode)
	}
	// The loaded Places has no reverser and no extractor.
	if resp, _ := do(t, "GET", ts.URL+"/api/reverse?lat=35.9&lon=39", ""); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("reverse without a reverser: %d, want 503", resp.StatusCode)
	}
	if resp, _ := do(t, "POST", ts.URL+"/api/extract", "Fighting in Raqqa killed five people on Monday.", "Content-Type", "text/plain"); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("extract without an extractor: %d, want 503", resp.StatusCode)
	}
}
