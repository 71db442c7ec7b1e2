package main

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"
)

// TestServeTileThreshold checks --tile-threshold and MAPD_TILE_THRESHOLD:
// the default, the flag, the environment twin, the flag winning over it,
// a refused value, and the value reaching the map through /api/config.
func TestServeTileThreshold(t *testing.T) {
	cases := []struct {
		name string
		env  string
		args []string
		want int
		code int // ParseFlags' exit code when it ends the command, else -1
	}{
		{"default", "", nil, 5000, -1},
		{"flag", "", []string{"--tile-threshold", "50"}, 50, -1},
		{"env", "70", nil, 70, -1},
		{"flag wins", "70", []string{"--tile-threshold=80"}, 80, -1},
		{"zero", "", []string{"--tile-threshold", "0"}, 0, 2},
		{"not a number", "", []string{"--tile-threshold", "many"}, 0, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("MAPD_TILE_THRESHOLD", tc.env)
			m := NewMain(io.Discard, io.Discard)
			done, code := m.ParseFlags(tc.args)
			if tc.code >= 0 {
				if !done || code != tc.code {
					t.Fatalf("got done %v code %d, want exit %d", done, code, tc.code)
				}
				return
			}
			if done {
				t.Fatalf("ParseFlags ended with code %d", code)
			}
			if m.TileThreshold != tc.want {
				t.Fatalf("got threshold %d, want %d", m.TileThreshold, tc.want)
			}
		})
	}

	t.Run("api config", func(t *testing.T) {
		t.Setenv("MAPD_TILE_THRESHOLD", "")
		m, cancel, errc := startMain(t, "--tile-threshold", "50")
		defer func() { cancel(); <-errc; m.Close() }()
		resp, err := http.Get(m.URL() + "/api/config")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var cfg struct {
			TileThreshold int `json:"tile_threshold"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&cfg); err != nil {
			t.Fatal(err)
		}
		if cfg.TileThreshold != 50 {
			t.Fatalf("got tile_threshold %d from /api/config, want 50", cfg.TileThreshold)
		}
	})
}
