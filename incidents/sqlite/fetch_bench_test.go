package sqlite

import (
	"context"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/mapd/mapd/incidents"
)

// BenchmarkFetchRows reads pages of 1,000 random incidents by id from
// MAPD_PAGE_DB (a copy of a database make bench made; skipped without
// it) in page order and in id order (each page its own ids), alternating
// the two in each round,
// and reports each one's time per page and their ratio.
//
//	MAPD_PAGE_DB=/tmp/s1m.db go test ./incidents/sqlite -run '^$' -bench FetchRows -benchtime 200x
func BenchmarkFetchRows(b *testing.B) {
	path := os.Getenv("MAPD_PAGE_DB")
	if path == "" {
		b.Skip("MAPD_PAGE_DB is not set")
	}
	ctx := context.Background()
	s, err := Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	var maxID int64
	if err := s.r.QueryRowContext(ctx, "SELECT max(id) FROM incidents").Scan(&maxID); err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	// Each page draws its own ids, so that neither order reads pages the
	// other just brought into SQLite's page cache.
	fetch := func(ordered bool) time.Duration {
		ids := make([]int64, 1000)
		for i := range ids {
			ids[i] = 1 + r.Int64N(maxID)
		}
		t := time.Now()
		n := 0
		err := s.fetchRows(ctx, ids, ordered, func(*incidents.Incident) error {
			n++
			return nil
		})
		if err != nil || n == 0 {
			b.Fatalf("fetchRows: %d rows, %v", n, err)
		}
		return time.Since(t)
	}
	var inOrder, byID time.Duration
	odd := false
	for b.Loop() {
		odd = !odd
		if odd {
			inOrder += fetch(true)
			byID += fetch(false)
		} else {
			byID += fetch(false)
			inOrder += fetch(true)
		}
	}
	b.ReportMetric(float64(inOrder.Microseconds())/float64(b.N), "ordered-µs/page")
	b.ReportMetric(float64(byID.Microseconds())/float64(b.N), "idorder-µs/page")
	b.ReportMetric(float64(byID)/float64(inOrder), "idorder/ordered")
}
