package web_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mapd/mapd/web"
)

// TestHostileInput sends what a hostile or broken client would and expects
// a 4xx JSON error or a harmless answer, never a 5xx.
func TestHostileInput(t *testing.T) {
	ts, store := newServer(t, func(c *web.Config) { c.MaxImportBytes = 1 << 20 })
	injections := []string{`' OR '1'='1`, `1; DROP TABLE incidents; --`, `" OR ""="`, `%' --`, `\`, "\x00", `)) UNION SELECT * FROM sqlite_master --`}
	for _, key := range []string{"q", "actor", "country", "event_type", "from", "to", "bbox", "cursor", "min_fatalities", "limit"} {
		for _, v := range injections {
			resp, b := do(t, "GET", ts.URL+"/api/incidents?"+key+"="+url.QueryEscape(v), "")
			if resp.StatusCode >= 500 {
				t.Errorf("%s=%q: got %d %s", key, v, resp.StatusCode, b)
			}
		}
	}
	for _, q := range []string{`"`, `NEAR(`, `a AND`, `*`, `notes:x`, `{a b}`, `^`, `NOT`, `a OR b`} {
		resp, b := do(t, "GET", ts.URL+"/api/incidents?q="+url.QueryEscape(q), "")
		if resp.StatusCode != 200 {
			t.Errorf("q=%q: got %d %s, want 200 (a literal search)", q, resp.StatusCode, b)
		}
	}
	bodies := map[string]string{
		"deeply nested":      strings.Repeat(`{"notes":`, 20000) + "1" + strings.Repeat("}", 20000),
		"deep array":         strings.Repeat("[", 20000) + strings.Repeat("]", 20000),
		"invalid utf-8":      "{\"date\":\"2016-09-17\",\"event_type\":\"\xff\xfe\",\"lat\":1,\"lon\":2}",
		"many-vertex point":  `{"type":"Feature","geometry":{"type":"Point","coordinates":[` + strings.Repeat("1.5,", 9999) + `1.5]},"properties":{"date":"2016-09-17","event_type":"Battles"}}`,
		"polygon":            `{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]},"properties":{"date":"2016-09-17","event_type":"Battles"}}`,
		"huge number":        `{"date":"2016-09-17","event_type":"Battles","lat":1e400,"lon":2}`,
		"huge fatalities":    `{"date":"2016-09-17","event_type":"Battles","lat":1,"lon":2,"fatalities":99999999999999999999999}`,
		"negative zero date": `{"date":"-001-01-01","event_type":"Battles","lat":1,"lon":2}`,
	}
	start := time.Now()
	before, _ := store.Count(t.Context(), emptyFilter())
	for name, body := range bodies {
		resp, b := do(t, "POST", ts.URL+"/api/incidents", body, "Content-Type", "application/json")
		if resp.StatusCode >= 500 || resp.StatusCode == 201 && name != "invalid utf-8" {
			t.Errorf("%s: got %d %s", name, resp.StatusCode, clip(b))
		}
		resp, b = do(t, "POST", ts.URL+"/api/incidents/import", body, "Content-Type", "application/json")
		if resp.StatusCode >= 500 {
			t.Errorf("%s import: got %d %s", name, resp.StatusCode, clip(b))
		}
	}
	t.Logf("bodies took %v", time.Since(start))
	start = time.Now()
	after, _ := store.Count(t.Context(), emptyFilter())
	if after-before > 2 { // only the invalid UTF-8 record (stored with U+FFFD) may land, once per endpoint
		t.Errorf("got %d new incidents from hostile bodies, want at most 2", after-before)
	}
	// A body far over the import limit is refused with 413 without reading it all.
	// Without a Content-Length (chunked), the limit is found while reading,
	// and nothing read before it is stored.
	big := io.MultiReader(strings.NewReader("["), &repeatReader{s: `{"date":"2016-09-17","event_type":"Battles","lat":1,"lon":2},`, n: 100 << 20})
	big = struct{ io.Reader }{big} // hide the length: sent chunked
	req, _ := http.NewRequest("POST", ts.URL+"/api/incidents/import", big)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var e struct{ Error string }
	t.Logf("big body took %v", time.Since(start))
	if resp.StatusCode != http.StatusRequestEntityTooLarge || json.Unmarshal(b, &e) != nil || e.Error == "" {
		t.Fatalf("100 MB import: got %d %s, want 413 with a JSON error", resp.StatusCode, clip(b))
	}
	if n, _ := store.Count(t.Context(), emptyFilter()); n != after {
		t.Fatalf("got %d incidents after a refused import, want %d", n, after)
	}
	// With a Content-Length over the limit, it is refused before reading.
	req, _ = http.NewRequest("POST", ts.URL+"/api/incidents/import", strings.NewReader(strings.Repeat(" ", 2<<20)))
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("declared 2 MiB: got %d, want 413", resp.StatusCode)
	}
}

func clip(b []byte) string {
	if len(b) > 200 {
		return string(b[:200]) + "..."
	}
	return string(b)
}

// repeatReader yields s repeatedly until n bytes were read.
type repeatReader struct {
	s   string
	n   int
	off int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, io.EOF
	}
	written := 0
	for written < len(p) && r.n > 0 {
		c := copy(p[written:], r.s[r.off:])
		r.off = (r.off + c) % len(r.s)
		written += c
		r.n -= c
	}
	return written, nil
}
