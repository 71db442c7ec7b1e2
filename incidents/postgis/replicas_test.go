package postgis_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/mapd/mapd/incidents"
	"github.com/mapd/mapd/incidents/postgis"
	"github.com/mapd/mapd/incidents/postgis/pgtest"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (w *syncBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *syncBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// TestReplicas reads through a streaming replica (pg_basebackup -R):
// every write is read back at once (read-your-writes), reads reach the
// replica, and once the replica stops reads go on from the primary with
// a log line and no error.
func TestReplicas(t *testing.T) {
	ctx := context.Background()
	c := pgtest.Start(t)
	url := c.NewDatabase(t)
	if url != c.URL("mapd_test_1") {
		t.Fatalf("got database %s, want the cluster's first", url)
	}
	// Create the schema before the base backup so the replica has it.
	s0, err := postgis.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	s0.Close()
	r := c.Replica(t)
	var logs syncBuffer
	s, err := postgis.OpenOptions(ctx, url, postgis.Options{
		Replicas: []string{r.URL("mapd_test_1")},
		Logger:   slog.New(slog.NewTextHandler(&logs, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := range 20 {
		in := incidents.Incident{Date: "2016-09-17", EventType: "Battles", Lat: ptr(35.3), Lon: ptr(40.1), Notes: "replica"}
		if err := s.Create(ctx, &in, nil); err != nil {
			t.Fatal(err)
		}
		// Read-your-writes: the new incident is there at once.
		if _, err := s.Get(ctx, in.ID); err != nil {
			t.Fatalf("write %d: got %v reading it back, want it", i, err)
		}
		if n, err := s.Count(ctx, incidents.Filter{}); err != nil || n != i+1 {
			t.Fatalf("write %d: got count %d (%v), want %d", i, n, err, i+1)
		}
	}
	// Once the replica has caught up, reads go to it.
	for range 200 {
		if s.ReplicaReads()[0] > 0 {
			break
		}
		if _, err := s.Count(ctx, incidents.Filter{}); err != nil {
			t.Fatal(err)
		}
		sleep()
	}
	if s.ReplicaReads()[0] == 0 {
		t.Fatal("got no read from the replica, want reads to reach it once it has replayed the writes")
	}
	if err := r.Halt(); err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		if n, err := s.Count(ctx, incidents.Filter{Q: "replica"}); err != nil || n != 20 {
			t.Fatalf("read %d with the replica down: got %d, %v, want 20 and no error", i, n, err)
		}
	}
	for i := 0; i < 100 && !strings.Contains(logs.String(), "replica dropped from the read rotation"); i++ {
		sleep()
	}
	if !strings.Contains(logs.String(), "replica dropped from the read rotation") {
		t.Fatalf("got logs %q, want a line saying the replica was dropped", logs.String())
	}
}
