package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/mapd/mapd/incidents/sqlite"
)

// blockingWriter is a ResponseWriter whose first Write blocks until
// released, like the connection of a client that does not read.
type blockingWriter struct {
	header  http.Header
	entered chan struct{}
	release chan struct{}
	body    strings.Builder
}

func (w *blockingWriter) Header() http.Header { return w.header }
func (w *blockingWriter) WriteHeader(int)     {}
func (w *blockingWriter) Write(b []byte) (int, error) {
	if w.body.Len() == 0 {
		close(w.entered)
		<-w.release
	}
	return w.body.Write(b)
}

// TestMetricsWriteOutsideMutex serves /metrics to a client that does not
// read: while the response is stuck in Write, the metrics' mutex, which
// every request takes to record itself, must be free.
func TestMetricsWriteOutsideMutex(t *testing.T) {
	store, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	s, err := New(Config{Store: store})
	if err != nil {
		t.Fatal(err)
	}
	s.metrics.observe("GET", "/api/incidents", 200, time.Millisecond)
	w := &blockingWriter{header: http.Header{}, entered: make(chan struct{}), release: make(chan struct{})}
	c, _ := gin.CreateTestContext(w)
	c.Request = httptest.NewRequest("GET", "/metrics", nil)
	done := make(chan error, 1)
	go func() { done <- s.serveMetrics(c) }()
	<-w.entered
	free := s.metrics.mu.TryLock()
	if free {
		s.metrics.mu.Unlock()
	}
	close(w.release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !free {
		t.Fatal("got the metrics mutex held while the response was written, want it free")
	}
	if body := w.body.String(); !strings.Contains(body, `mapd_http_requests_total{method="GET",route="/api/incidents",status="200"} 1`) {
		t.Fatalf("got metrics %q, want the recorded request", body)
	}
}
