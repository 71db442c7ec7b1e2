package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mapd/mapd/incidents"
	"github.com/mapd/mapd/incidents/sqlite"
)

// bulkFixture returns n incidents around a few towns, a handful of them
// repeating an earlier source_id (the later one wins) and two beyond the
// Mercator limit or across the antimeridian.
func bulkFixture(n int) []incidents.Incident {
	r := rand.New(rand.NewPCG(11, 3))
	items := make([]incidents.Incident, 0, n+2)
	for i := range n {
		sid := fmt.Sprintf("b-%d", i)
		if i%97 == 96 {
			sid = fmt.Sprintf("b-%d", r.IntN(i)) // a correction of an earlier record
		}
		in := incidents.Incident{
			SourceID:  sid,
			Date:      fmt.Sprintf("20%02d-%02d-%02d", 12+r.IntN(8), 1+r.IntN(12), 1+r.IntN(28)),
			EventType: incidents.EventTypes[r.IntN(len(incidents.EventTypes))],
			Actor1:    []string{"Military Forces of Syria", "Islamic State", "Rebel groups"}[r.IntN(3)],
			Notes:     []string{"airstrike on a market", "shelling near the hospital", "convoy ambushed"}[r.IntN(3)],
			Lat:       ptr(34 + r.NormFloat64()),
			Lon:       ptr(38 + r.NormFloat64()),
			Country:   "SY",
		}
		if r.IntN(3) > 0 {
			in.Fatalities = ptr(r.IntN(60))
		}
		items = append(items, in)
	}
	return append(items,
		incidents.Incident{SourceID: "pole", Date: "2016-01-01", EventType: "Riots", Lat: ptr(89.5), Lon: ptr(0.0)},
		incidents.Incident{SourceID: "far", Date: "2016-01-01", EventType: "Riots", Lat: ptr(-40.0), Lon: ptr(-179.9)},
	)
}

// dumpDerived returns every structure a bulk load builds, as text: the
// schema of incidents' indexes and triggers, the R*Tree and its check and
// full-text matches.
func dumpDerived(t *testing.T, path string) map[string]string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	queries := map[string]string{
		"schema":    "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'incidents' ORDER BY name",
		"rtree":     "SELECT id, min_lon, max_lon, min_lat, max_lat FROM incidents_rtree ORDER BY id",
		"rtreetest": "SELECT rtreecheck('incidents_rtree')",
		"fts":       "SELECT rowid FROM incidents_fts WHERE incidents_fts MATCH 'convoy OR market' ORDER BY rowid",
	}
	out := map[string]string{}
	for name, q := range queries {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		cols, _ := rows.Columns()
		var b strings.Builder
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(&b, vals...)
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
		out[name] = b.String()
	}
	return out
}

// TestBulkLoadMatchesIncrementalWrites imports the same records into an
// empty database (a bulk load) and into one that already holds a record
// (row-by-row maintenance by triggers), and compares every derived
// structure; then it edits both the same way and compares again, which
// shows the bulk load put back working triggers.
func TestBulkLoadMatchesIncrementalWrites(t *testing.T) {
	ctx := context.Background()
	items := bulkFixture(3000)
	dir := t.TempDir()
	paths := []string{filepath.Join(dir, "bulk.db"), filepath.Join(dir, "rows.db")}
	var stores []*sqlite.Store
	for i, path := range paths {
		s, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		rest := items
		if i == 1 {
			first := items[0]
			if err := s.Create(ctx, &first, nil); err != nil {
				t.Fatal(err)
			}
			rest = items[1:]
		}
		var stages []string
		res, err := s.Import(ctx, incidents.NewSliceDecoder(rest), incidents.ImportOptions{BatchSize: 500,
			Stage: func(what string) { stages = append(stages, what) }})
		if err != nil || res.Rejected != 0 {
			t.Fatalf("%s: %v %+v", path, err, res)
		}
		if bulk := i == 0; bulk != slices.Contains(stages, "spatial index") || bulk != slices.Contains(stages, "full-text index") {
			t.Errorf("%s: stages %q; want the spatial and full-text index stages only for the bulk load", path, stages)
		}
		if err := s.Check(ctx); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		stores = append(stores, s)
	}
	compare := func(stage string) {
		t.Helper()
		a, b := dumpDerived(t, paths[0]), dumpDerived(t, paths[1])
		for name := range a {
			if a[name] != b[name] {
				t.Errorf("%s: %s differs between the bulk load and row-by-row writes:\nbulk: %.600s\nrows: %.600s", stage, name, a[name], b[name])
			}
		}
		if a["rtreetest"] != "ok\n" {
			t.Errorf("%s: rtreecheck: %s", stage, a["rtreetest"])
		}
		if strings.Count(a["rtree"], "\n") < 2900 || a["fts"] == "" {
			t.Fatalf("%s: the derived structures are nearly empty", stage)
		}
	}
	compare("after import")

	for _, s := range stores {
		in, err := s.Get(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		in.Lat, in.Lon, in.EventType, in.Notes = ptr(36.2), ptr(37.15), "Protests", "convoy moved"
		if err := s.Replace(ctx, in.ID, &in, nil); err != nil {
			t.Fatal(err)
		}
		if err := s.Delete(ctx, 20); err != nil {
			t.Fatal(err)
		}
		extra := validIncident()
		if err := s.Create(ctx, &extra, nil); err != nil {
			t.Fatal(err)
		}
		if err := s.Check(ctx); err != nil {
			t.Fatal(err)
		}
	}
	compare("after edits")
}

// TestBulkLoadAtomicRejectStoresNothing checks that an atomic bulk load
// with a bad record leaves the empty table and its schema as they were.
func TestBulkLoadAtomicRejectStoresNothing(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "atomic.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	before := dumpDerived(t, path)["schema"]
	items := bulkFixture(50)
	items[30].Date = "2016-02-30"
	res, err := s.Import(ctx, incidents.NewSliceDecoder(items), incidents.ImportOptions{Atomic: true})
	if err != nil || res.Rejected != 1 || res.Inserted != 0 {
		t.Fatalf("got %+v, %v; want 1 rejected and nothing inserted", res, err)
	}
	if n, _ := s.Count(ctx, incidents.Filter{}); n != 0 {
		t.Fatalf("%d incidents stored, want 0", n)
	}
	if after := dumpDerived(t, path)["schema"]; after != before {
		t.Fatalf("schema changed by a rolled-back bulk load:\nbefore %s\nafter %s", before, after)
	}
	// The next import is a bulk load again and completes.
	items[30].Date = "2016-02-28"
	res, err = s.Import(ctx, incidents.NewSliceDecoder(items), incidents.ImportOptions{Atomic: true})
	if err != nil || res.Rejected != 0 || res.Inserted+res.Updated == 0 {
		t.Fatalf("second run: %+v, %v", res, err)
	}
	if err := s.Check(ctx); err != nil {
		t.Fatal(err)
	}
}
