package web

import (
	"encoding/base64"
	"fmt"
	"testing"
)

func TestOGCPrefersHTML(t *testing.T) {
	tests := []struct {
		accept string
		want   bool
	}{
		{"", false},
		{"*/*", false},
		{"text/html", true},
		{"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", true},
		{"application/geo+json, application/json", false},
		{"application/json;q=0.5, text/html;q=0.4", false},
		{"application/json;q=0.4, text/html;q=0.5", true},
		{"text/html;q=0.5, */*", false},
		{"garbage;;", false},
	}
	for _, tt := range tests {
		t.Run(tt.accept, func(t *testing.T) {
			if got := prefersHTML(tt.accept); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// testCursor makes a cursor in the store's format for page n.
func testCursor(n int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("2016-01-01|%d", 100000-n)))
}

func TestOGCBackStack(t *testing.T) {
	var b backStack
	for i := range maxBack + 5 {
		b = b.push(testCursor(i))
	}
	if len(b.cursors) != maxBack || !b.lost {
		t.Fatalf("got %d cursors, lost %v, want %d and lost", len(b.cursors), b.lost, maxBack)
	}
	if got, want := b.cursors[maxBack-1], testCursor(maxBack+4); got != want {
		t.Errorf("top: got %s, want %s", got, want)
	}
	round, err := parseBack(b.String(), "")
	if err != nil || round.String() != b.String() || !round.lost {
		t.Errorf("round trip: got %q lost %v (%v), want %q", round.String(), round.lost, err, b.String())
	}
	for _, bad := range []string{"x", testCursor(1) + "..", "~.~", testCursor(1) + ".%%"} {
		if _, err := parseBack(bad, ""); err == nil {
			t.Errorf("parseBack(%q): got no error, want one", bad)
		}
	}
}

func TestOGCOpenAPIPath(t *testing.T) {
	tests := []struct{ in, path, id string }{
		{"/", "/", "getRoot"},
		{"/api/incidents/:id", "/api/incidents/{id}", "getApiIncidentsId"},
		{"/static/*file", "/static/{file}", "getStaticFile"},
		{"/tiles/incidents/:z/:x/:y.mvt", "/tiles/incidents/{z}/{x}/{y}.mvt", "getTilesIncidentsZXYMvt"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := openAPIPath(tt.in); got != tt.path {
				t.Errorf("path: got %q, want %q", got, tt.path)
			}
			if got := operationID("GET", tt.in); got != tt.id {
				t.Errorf("operationId: got %q, want %q", got, tt.id)
			}
		})
	}
}
