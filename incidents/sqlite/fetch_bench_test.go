package sqlite

import (
	"context"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/mapd/mapd/incidents"
)

// BenchmarkFetchRows reads pages of 1,000 random incidents by id from
// MAPD_PAGE_DB (a copy of a database make bench made; skipped without
// it) as fetchRows does, text columns packed into one, and with one
// column per value as selectColumns reads them, alternating the two in
// each round (each page its own ids, so that neither reads pages the
// other just brought into SQLite's page cache), and reports each one's
// time per page and their ratio.
//
//	MAPD_PAGE_DB=/tmp/s1m.db go test ./incidents/sqlite -run '^$' -bench FetchRows -benchtime 200x
func BenchmarkFetchRows(b *testing.B) {
	ctx := context.Background()
	s := openBenchDB(b)
	var maxID int64
	if err := s.r.QueryRowContext(ctx, "SELECT max(id) FROM incidents").Scan(&maxID); err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	// columns reads the rows with one column per value.
	columns := func(list string, fn func(*incidents.Incident) error) error {
		rows, err := s.r.QueryContext(ctx, "SELECT "+selectColumns+" FROM incidents i WHERE i.id IN (SELECT value FROM json_each(?))", list)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var in incidents.Incident
			if err := scanIncident(rows, &in); err != nil {
				return err
			}
			if err := fn(&in); err != nil {
				return err
			}
		}
		return rows.Err()
	}
	fetch := func(packed bool) time.Duration {
		ids := make([]int64, 1000)
		list := "["
		for i := range ids {
			ids[i] = 1 + r.Int64N(maxID)
			if i > 0 {
				list += ","
			}
			list += strconv.FormatInt(ids[i], 10)
		}
		list += "]"
		t := time.Now()
		n := 0
		count := func(*incidents.Incident) error {
			n++
			return nil
		}
		var err error
		if packed {
			err = s.fetchRows(ctx, ids, false, count)
		} else {
			err = columns(list, count)
		}
		if err != nil || n == 0 {
			b.Fatalf("fetch: %d rows, %v", n, err)
		}
		return time.Since(t)
	}
	var packedTime, columnsTime time.Duration
	odd := false
	for b.Loop() {
		odd = !odd
		if odd {
			packedTime += fetch(true)
			columnsTime += fetch(false)
		} else {
			columnsTime += fetch(false)
			packedTime += fetch(true)
		}
	}
	b.ReportMetric(float64(packedTime.Microseconds())/float64(b.N), "packed-µs/page")
	b.ReportMetric(float64(columnsTime.Microseconds())/float64(b.N), "columns-µs/page")
	b.ReportMetric(float64(packedTime)/float64(columnsTime), "packed/columns")
}

// openBenchDB opens the database MAPD_PAGE_DB names (a copy of one make
// bench made: Open migrates it) for a benchmark, closed when it ends, and
// skips the benchmark without it.
func openBenchDB(b *testing.B) *Store {
	b.Helper()
	path := os.Getenv("MAPD_PAGE_DB")
	if path == "" {
		b.Skip("MAPD_PAGE_DB is not set")
	}
	s, err := Open(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}
