package web_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/mapd/mapd/web"
)

// TestConfigTileThreshold checks that /api/config tells the map the
// configured tile threshold, the default when none is set, and 0 when the
// store cannot serve vector tiles.
func TestConfigTileThreshold(t *testing.T) {
	cases := []struct {
		name string
		edit func(*web.Config)
		want int
	}{
		{"default", nil, web.DefaultTileThreshold},
		{"configured", func(c *web.Config) { c.TileThreshold = 50 }, 50},
		// A store with only the methods of web.Store serves no tiles.
		{"no tile store", func(c *web.Config) { c.TileThreshold = 50; c.Store = struct{ web.Store }{c.Store} }, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ts, _ := newServer(t, tc.edit)
			resp, body := do(t, "GET", ts.URL+"/api/config", "")
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("got %d, want 200: %s", resp.StatusCode, body)
			}
			var cfg struct {
				TileThreshold *int `json:"tile_threshold"`
			}
			if err := json.Unmarshal(body, &cfg); err != nil {
				t.Fatal(err)
			}
			if cfg.TileThreshold == nil || *cfg.TileThreshold != tc.want {
				t.Fatalf("got tile_threshold %v in %s, want %d", cfg.TileThreshold, body, tc.want)
			}
		})
	}
}
