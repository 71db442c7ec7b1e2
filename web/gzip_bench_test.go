package web_test

import (
	stdgzip "compress/gzip"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
)

// BenchmarkGzipPage compresses a 1,000-feature /api/incidents page at
// BestSpeed with compress/gzip and with github.com/klauspost/compress/gzip
// (which the gzip middleware uses), alternating the two, and reports each
// one's time per page and compressed size.
//
//	go test ./web -run '^$' -bench GzipPage -benchtime 200x
func BenchmarkGzipPage(b *testing.B) {
	fx := newOGCFixture(b, 5_000)
	req, err := http.NewRequest(http.MethodGet, fx.ts.URL+"/api/incidents?limit=1000", nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Accept-Encoding", "identity")
	resp, err := fx.ts.Client().Do(req)
	if err != nil {
		b.Fatal(err)
	}
	page, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		b.Fatalf("GET page: got %d, %v, want 200", resp.StatusCode, err)
	}
	std, _ := stdgzip.NewWriterLevel(io.Discard, stdgzip.BestSpeed)
	fast, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed)
	var stdTime, fastTime time.Duration
	var stdSize, fastSize countWriter
	for b.Loop() {
		t0 := time.Now()
		stdSize = 0
		std.Reset(&stdSize)
		std.Write(page)
		std.Close()
		t1 := time.Now()
		fastSize = 0
		fast.Reset(&fastSize)
		fast.Write(page)
		fast.Close()
		fastTime += time.Since(t1)
		stdTime += t1.Sub(t0)
	}
	b.ReportMetric(float64(stdTime.Microseconds())/float64(b.N), "std-µs/page")
	b.ReportMetric(float64(fastTime.Microseconds())/float64(b.N), "klauspost-µs/page")
	b.ReportMetric(float64(len(page)), "B/page")
	b.ReportMetric(float64(stdSize), "std-B/gz")
	b.ReportMetric(float64(fastSize), "klauspost-B/gz")
}

// countWriter counts the bytes written to it.
type countWriter int

func (c *countWriter) Write(p []byte) (int, error) {
	*c += countWriter(len(p))
	return len(p), nil
}
