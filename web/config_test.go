package web_test

import (
	"encoding/json"
	"net/http"
	"slices"
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

// TestConfigCountryNameLanguages checks that /api/config lists the
// languages of the base map's country names, and that each listed file is
// served and names the countries in that language.
func TestConfigCountryNameLanguages(t *testing.T) {
	ts, _ := newServer(t, nil)
	_, body := do(t, "GET", ts.URL+"/api/config", "")
	var cfg struct {
		Languages []string `json:"country_name_languages"`
	}
	if err := json.Unmarshal(body, &cfg); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"ar", "de", "ru", "zh"} {
		if !slices.Contains(cfg.Languages, want) {
			t.Errorf("country_name_languages %v lacks %s", cfg.Languages, want)
		}
	}
	if slices.Contains(cfg.Languages, "en") {
		t.Errorf("country_name_languages %v holds en (the base map's own names)", cfg.Languages)
	}
	syria := map[string]string{"ar": "سوريا", "de": "Syrien", "ru": "Сирия", "fr": "Syrie"}
	for _, lang := range cfg.Languages {
		resp, body := do(t, "GET", ts.URL+"/static/basemap/names/"+lang+".json", "")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: got %d", lang, resp.StatusCode)
		}
		var names map[string]string
		if err := json.Unmarshal(body, &names); err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		if len(names) < 200 {
			t.Errorf("%s: %d names, want the base map's countries", lang, len(names))
		}
		if want, ok := syria[lang]; ok && names["760"] != want {
			t.Errorf("%s: Syria (760) is %q, want %q", lang, names["760"], want)
		}
	}
}
