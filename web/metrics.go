package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
)

// latencyBuckets are the upper bounds, in seconds, of the request latency
// histogram.
var latencyBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// metrics collects what /metrics exposes in the Prometheus text format. It
// needs no client library: counters and histograms are a few maps.
type metrics struct {
	mu        sync.Mutex
	requests  map[routeStatus]uint64
	latencies map[string]*histogram

	importsTotal    atomic.Uint64
	importReceived  atomic.Uint64
	importInserted  atomic.Uint64
	importUpdated   atomic.Uint64
	importRejected  atomic.Uint64
	rateLimited     atomic.Uint64
	concurrencyFull atomic.Uint64
}

type routeStatus struct {
	method, route string
	status        int
}

type histogram struct {
	counts []uint64 // one per bucket, not cumulative
	sum    float64
	count  uint64
}

func newMetrics() *metrics {
	return &metrics{requests: map[routeStatus]uint64{}, latencies: map[string]*histogram{}}
}

func (m *metrics) observe(method, route string, status int, d time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	secs := d.Seconds()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[routeStatus{method, route, status}]++
	h := m.latencies[route]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(latencyBuckets))}
		m.latencies[route] = h
	}
	for i, b := range latencyBuckets {
		if secs <= b {
			h.counts[i]++
			break
		}
	}
	h.sum += secs
	h.count++
}

// collectMetrics records every request's route, status and latency.
func (s *Server) collectMetrics(c *gin.Context) {
	start := time.Now()
	c.Next()
	s.metrics.observe(c.Request.Method, c.FullPath(), c.Writer.Status(), time.Since(start))
}

// serveMetrics writes the metrics in the Prometheus text exposition format.
// They are rendered into a buffer first, so that a client slow to read the
// response never holds the metrics' mutex, which every request takes.
func (s *Server) serveMetrics(c *gin.Context) error {
	var buf bytes.Buffer
	s.metrics.render(&buf)
	s.renderGauges(c.Request.Context(), &buf)
	c.Data(http.StatusOK, "text/plain; version=0.0.4; charset=utf-8", buf.Bytes())
	return nil
}

// render writes the request metrics and the import counters to w. It holds
// the mutex while it runs: w must not block (a buffer).
func (m *metrics) render(w *bytes.Buffer) {
	m.mu.Lock()
	keys := make([]routeStatus, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.route != b.route {
			return a.route < b.route
		}
		if a.method != b.method {
			return a.method < b.method
		}
		return a.status < b.status
	})
	fmt.Fprintln(w, "# HELP mapd_http_requests_total HTTP requests by route, method and status.")
	fmt.Fprintln(w, "# TYPE mapd_http_requests_total counter")
	for _, k := range keys {
		fmt.Fprintf(w, "mapd_http_requests_total{method=%q,route=%q,status=\"%d\"} %d\n", k.method, k.route, k.status, m.requests[k])
	}
	routes := make([]string, 0, len(m.latencies))
	for r := range m.latencies {
		routes = append(routes, r)
	}
	sort.Strings(routes)
	fmt.Fprintln(w, "# HELP mapd_http_request_duration_seconds HTTP request latency by route.")
	fmt.Fprintln(w, "# TYPE mapd_http_request_duration_seconds histogram")
	for _, r := range routes {
		h := m.latencies[r]
		var cum uint64
		for i, b := range latencyBuckets {
			cum += h.counts[i]
			fmt.Fprintf(w, "mapd_http_request_duration_seconds_bucket{route=%q,le=%q} %d\n", r, formatLe(b), cum)
		}
		fmt.Fprintf(w, "mapd_http_request_duration_seconds_bucket{route=%q,le=\"+Inf\"} %d\n", r, h.count)
		fmt.Fprintf(w, "mapd_http_request_duration_seconds_sum{route=%q} %g\n", r, h.sum)
		fmt.Fprintf(w, "mapd_http_request_duration_seconds_count{route=%q} %d\n", r, h.count)
	}
	m.mu.Unlock()

	counter(w, "mapd_imports_total", "Imports run over HTTP.", m.importsTotal.Load())
	counter(w, "mapd_import_records_received_total", "Records received by HTTP imports.", m.importReceived.Load())
	counter(w, "mapd_import_records_inserted_total", "Records inserted by HTTP imports.", m.importInserted.Load())
	counter(w, "mapd_import_records_updated_total", "Records updated by HTTP imports.", m.importUpdated.Load())
	counter(w, "mapd_import_records_rejected_total", "Records rejected by HTTP imports.", m.importRejected.Load())
	counter(w, "mapd_rate_limited_total", "Write requests refused with 429.", m.rateLimited.Load())
	counter(w, "mapd_concurrency_rejected_total", "Expensive requests refused because all slots were busy.", m.concurrencyFull.Load())
}

// renderGauges writes the gauges of the store and the gazetteer to w.
func (s *Server) renderGauges(ctx context.Context, w io.Writer) {
	ext, err := s.cfg.Store.Extent(ctx)
	if err == nil {
		gauge(w, "mapd_incidents", "Incidents stored.", float64(ext.Count))
	}
	if s.cfg.DBPath != "" {
		var size int64
		for _, suffix := range []string{"", "-wal"} {
			if fi, err := os.Stat(s.cfg.DBPath + suffix); err == nil {
				size += fi.Size()
			}
		}
		gauge(w, "mapd_db_size_bytes", "Size of the database file and its write-ahead log.", float64(size))
	}
	// A gazetteer that loads on first use is reported once it has loaded.
	if p := s.places.Load(); p != nil && p.Gazetteer != nil {
		gauge(w, "mapd_gazetteer_places", "Places in the gazetteer.", float64(p.Gazetteer.Len()))
	}
}

func counter(w io.Writer, name, help string, v uint64) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s counter\n%s %d\n", name, help, name, name, v)
}

func gauge(w io.Writer, name, help string, v float64) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s gauge\n%s %s\n", name, help, name, name, strconv.FormatFloat(v, 'g', -1, 64))
}

func formatLe(b float64) string {
	if math.IsInf(b, 1) {
		return "+Inf"
	}
	return strconv.FormatFloat(b, 'g', -1, 64)
}
