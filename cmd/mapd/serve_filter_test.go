package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// testLongFilters checks, on a running server, that a filter above the
// 1 MiB limit (and one nesting 10,000 parentheses) is a JSON 400 on the
// filter, not the transport's 431, and that only a request line beyond
// web.MaxHeaderBytes gets net/http's 431.
func testLongFilters(t *testing.T, base string) {
	t.Helper()
	items := base + "/ogc/collections/incidents/items?"
	for _, tc := range []struct {
		name, filter, msg string
	}{
		{"1 MiB", "place = '" + strings.Repeat("x", 1<<20) + "'", "longer than 1048576 bytes"},
		{"1 MiB of quotes", "place = '" + strings.Repeat("''", 1<<19) + "'", "longer than 1048576 bytes"},
		{"10,000 parentheses", strings.Repeat("(", 10000) + "fatalities = 1" + strings.Repeat(")", 10000), "nests deeper than 64"},
	} {
		start := time.Now()
		resp, err := http.Get(items + url.Values{"filter": {tc.filter}}.Encode())
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		var body struct{ Error, Field string }
		err = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || err != nil || body.Field != "filter" || !strings.Contains(body.Error, tc.msg) {
			t.Errorf("%s: got %d %+v (%v), want 400 on filter saying %q", tc.name, resp.StatusCode, body, err, tc.msg)
		}
		t.Logf("%s filter refused in %v", tc.name, time.Since(start))
	}
	resp, err := http.Get(items + "filter=" + strings.Repeat("x", 5<<20))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("5 MiB request line: got %d, want 431", resp.StatusCode)
	}
}
