package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/mapd/mapd/web"
)

func TestWriteRateLimit(t *testing.T) {
	ts, _ := newServer(t, func(c *web.Config) { c.WritesPerMinute = 6 })
	statuses := map[int]int{}
	var retry string
	for i := 0; i < 5; i++ {
		resp, _ := do(t, "DELETE", ts.URL+"/api/incidents/999999", "")
		statuses[resp.StatusCode]++
		if resp.StatusCode == 429 {
			retry = resp.Header.Get("Retry-After")
		}
	}
	// Burst is 1 for 6/min: the first write passes (404), the rest are refused.
	if statuses[404] != 1 || statuses[429] != 4 || retry == "" {
		t.Fatalf("got statuses %v, Retry-After %q; want 1x404 then 429s with Retry-After", statuses, retry)
	}
	if resp, _ := do(t, "GET", ts.URL+"/api/incidents", ""); resp.StatusCode != 200 {
		t.Fatalf("reads: got %d, want 200 (reads are not rate limited)", resp.StatusCode)
	}
}

func TestReadTokenRequired(t *testing.T) {
	const token = "read-and-write-token-1"
	ts, _ := newServer(t, func(c *web.Config) { c.Tokens = []string{token}; c.ReadTokenRequired = true })
	if resp, _ := do(t, "GET", ts.URL+"/api/incidents", ""); resp.StatusCode != 401 {
		t.Fatalf("no token: got %d, want 401", resp.StatusCode)
	}
	if resp, _ := do(t, "GET", ts.URL+"/api/incidents", "", "Authorization", "Bearer "+token); resp.StatusCode != 200 {
		t.Fatalf("token: got %d, want 200", resp.StatusCode)
	}
	for _, p := range []string{"/", "/healthz", "/api/config"} {
		if resp, _ := do(t, "GET", ts.URL+p, ""); resp.StatusCode != 200 {
			t.Fatalf("%s: got %d, want 200 without a token", p, resp.StatusCode)
		}
	}
}

func TestCORS(t *testing.T) {
	t.Run("off by default", func(t *testing.T) {
		ts, _ := newServer(t, nil)
		resp, _ := do(t, "GET", ts.URL+"/api/incidents", "", "Origin", "https://evil.example")
		if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "" {
			t.Fatalf("got Access-Control-Allow-Origin %q, want none", got)
		}
	})
	t.Run("allow-list", func(t *testing.T) {
		ts, _ := newServer(t, func(c *web.Config) { c.CORSOrigins = []string{"https://news.example"} })
		resp, _ := do(t, "GET", ts.URL+"/api/incidents", "", "Origin", "https://news.example")
		if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "https://news.example" {
			t.Fatalf("allowed origin: got %q", got)
		}
		resp, _ = do(t, "GET", ts.URL+"/api/incidents", "", "Origin", "https://evil.example")
		if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "" {
			t.Fatalf("other origin: got %q, want none", got)
		}
	})
}

func TestMetrics(t *testing.T) {
	ts, _ := newServer(t, func(c *web.Config) { c.DBPath = "" })
	do(t, "GET", ts.URL+"/api/incidents", "")
	do(t, "GET", ts.URL+"/api/incidents?bbox=x", "")
	resp, b := do(t, "GET", ts.URL+"/metrics", "")
	body := string(b)
	for _, want := range []string{
		`mapd_http_requests_total{method="GET",route="/api/incidents",status="200"} 1`,
		`mapd_http_requests_total{method="GET",route="/api/incidents",status="400"} 1`,
		`mapd_http_request_duration_seconds_count{route="/api/incidents"} 2`,
		"mapd_incidents 10",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("got %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}
