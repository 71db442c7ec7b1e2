package web_test

import (
	"io"
	"testing"
	"time"
)

// BenchmarkOGCItemsVsAPI compares a 1,000-feature page of
// /ogc/collections/incidents/items with the same page of /api/incidents,
// over real loopback HTTP and a real SQLite store of 50,000 synthetic
// incidents. The interleaved runs alternate the two requests, each going
// first every other time, and report both costs and their ratio, which
// drift on a busy machine affects least.
//
//	go test ./web -run '^$' -bench OGCItemsVsAPI -benchtime 100x
func BenchmarkOGCItemsVsAPI(b *testing.B) {
	fx := newOGCFixture(b, 50_000)
	client := fx.ts.Client()
	fetch := func(b *testing.B, path string) int64 {
		resp, err := client.Get(fx.ts.URL + path)
		if err != nil {
			b.Fatal(err)
		}
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 {
			b.Fatalf("GET %s: got %d, %v, want 200", path, resp.StatusCode, err)
		}
		return n
	}
	queries := []struct{ name, query string }{
		{"all", "limit=1000"},
		{"bbox+datetime", "limit=1000&bbox=-60,-30,60,30&from=2016-03-01&to=2016-10-31"},
	}
	for _, q := range queries {
		api := "/api/incidents?" + q.query
		ogc := "/ogc/collections/incidents/items?" + q.query
		if q.name != "all" {
			ogc = "/ogc/collections/incidents/items?limit=1000&bbox=-60,-30,60,30&datetime=2016-03-01/2016-10-31"
		}
		for _, side := range []struct{ name, path string }{{"api", api}, {"ogc", ogc}} {
			b.Run(q.name+"/"+side.name, func(b *testing.B) {
				var bytes int64
				for b.Loop() {
					bytes += fetch(b, side.path)
				}
				b.ReportMetric(float64(bytes)/float64(b.N), "B/page")
			})
		}
		b.Run(q.name+"/interleaved", func(b *testing.B) {
			var apiTime, ogcTime time.Duration
			odd := false
			for b.Loop() {
				// Alternate which goes first, so neither pays for the
				// other's garbage more often.
				odd = !odd
				for _, first := range []bool{odd, !odd} {
					path, total := ogc, &ogcTime
					if first {
						path, total = api, &apiTime
					}
					start := time.Now()
					fetch(b, path)
					*total += time.Since(start)
				}
			}
			b.ReportMetric(float64(apiTime.Nanoseconds())/float64(b.N), "api-ns/page")
			b.ReportMetric(float64(ogcTime.Nanoseconds())/float64(b.N), "ogc-ns/page")
			b.ReportMetric(float64(ogcTime)/float64(apiTime), "ogc/api")
		})
	}
}
