package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

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
	queries := map[string]string{
		"schema":    "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'incidents' ORDER BY name",
		"rtree":     "SELECT id, min_lon, max_lon, min_lat, max_lat FROM incidents_rtree ORDER BY id",
		"rtreetest": "SELECT rtreecheck('incidents_rtree')",
		"fts":       "SELECT rowid FROM incidents_fts WHERE incidents_fts MATCH 'convoy OR market' ORDER BY rowid",
	}
	return dumpQueries(t, path, queries)
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
		if a["rtreetest"] != rtreeOK {
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

// variedFixture returns n incidents that use every column: text in
// several scripts and with characters JSON escapes, absent and zero
// numbers, no source_id, the extreme coordinates, and source_ids repeated
// both with new content and with the same content.
func variedFixture(n int) []incidents.Incident {
	r := rand.New(rand.NewPCG(5, 8))
	words := []string{"حلب", "Deir ez-Zor", "café", "Ñandú", "日本語", "quote \" and \\ backslash", "<b>&amp;</b>", "tab\there", "emoji 🙂", ""}
	pick := func() string { return words[r.IntN(len(words))] }
	coords := [][2]float64{{90, 180}, {-90, -180}, {0, 0}, {89.999999, -179.999999}, {-0.000001, 0.000001}}
	items := make([]incidents.Incident, 0, n)
	for i := range n {
		in := incidents.Incident{
			SourceID:      fmt.Sprintf("v-%d", i),
			Date:          fmt.Sprintf("20%02d-%02d-%02d", 10+r.IntN(14), 1+r.IntN(12), 1+r.IntN(28)),
			DatePrecision: []string{"", "day", "month", "year"}[r.IntN(4)],
			EventType:     incidents.EventTypes[r.IntN(len(incidents.EventTypes))],
			SubEventType:  pick(),
			Actor1:        pick(),
			Actor2:        pick(),
			Place:         pick(),
			Country:       []string{"", "SY", "IQ", "TR"}[r.IntN(4)],
			Admin1:        pick(),
			Lat:           ptr(-90 + 180*r.Float64()),
			Lon:           ptr(-180 + 360*r.Float64()),
			GeoPrecision:  r.IntN(4),
			Notes:         pick() + " " + pick() + " convoy",
		}
		if i%5 == 0 {
			c := coords[r.IntN(len(coords))]
			in.Lat, in.Lon = ptr(c[0]), ptr(c[1])
		}
		switch r.IntN(3) {
		case 0:
			in.Fatalities, in.Injuries = ptr(r.IntN(100)), ptr(0)
		case 1:
			in.Fatalities = ptr(0)
		}
		if r.IntN(2) == 0 {
			in.GeonameID = int64(r.IntN(1_000_000))
		}
		for range r.IntN(3) {
			in.Sources = append(in.Sources, pick())
			in.Tags = append(in.Tags, pick())
		}
		switch {
		case i%13 == 7:
			in.SourceID = "" // no source_id: never matched
		case i%11 == 10:
			in.SourceID = fmt.Sprintf("v-%d", r.IntN(i)) // a correction of an earlier record
		case i%17 == 16:
			in = items[r.IntN(i)] // the same record again
		}
		items = append(items, in)
	}
	return items
}

// dumpRows returns every row of incidents, every R*Tree entry and the
// answers of full-text queries, as text.
func dumpRows(t *testing.T, path string) map[string]string {
	t.Helper()
	queries := map[string]string{
		"rows":      "SELECT *, typeof(source_id), typeof(fatalities), typeof(injuries), typeof(geonameid), typeof(notes) FROM incidents ORDER BY id",
		"rtree":     "SELECT * FROM incidents_rtree ORDER BY id",
		"rtreetest": "SELECT rtreecheck('incidents_rtree')",
	}
	for i, q := range []string{"convoy", "cafe", "حلب", "日本語", "backslash OR emoji", "Deir AND convoy", "ñandu"} {
		queries[fmt.Sprintf("fts%d", i)] = fmt.Sprintf("SELECT rowid FROM incidents_fts WHERE incidents_fts MATCH '%s' ORDER BY rowid", q)
	}
	return dumpQueries(t, path, queries)
}

// TestBulkLoadMatchesRowByRow imports the same varied records into an
// empty database (a bulk load) and into one holding a placeholder row of
// id 0, so that the rows get the same ids row by row, deleted afterwards;
// the two must hold the same rows, R*Tree entries and full-text answers,
// and report the same counts.
func TestBulkLoadMatchesRowByRow(t *testing.T) {
	ctx := context.Background()
	items := variedFixture(2500)
	clock := func() time.Time { return time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC) }
	dir := t.TempDir()
	var dumps []map[string]string
	var results []incidents.ImportResult
	for _, name := range []string{"bulk", "rows"} {
		path := filepath.Join(dir, name+".db")
		s, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		if name == "rows" {
			db, err := sql.Open("sqlite", path)
			if err != nil {
				t.Fatal(err)
			}
			_, err = db.Exec(`INSERT INTO incidents (id, date, event_type, lat, lon, created_at, updated_at)
				VALUES (0, '2020-01-01', 'Riots', 1, 1, '', '')`)
			db.Close()
			if err != nil {
				t.Fatal(err)
			}
		}
		var stages []string
		res, err := s.Import(ctx, incidents.NewSliceDecoder(slices.Clone(items)), incidents.ImportOptions{
			BatchSize: 700, Now: clock, Stage: func(what string) { stages = append(stages, what) }})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if bulk := name == "bulk"; bulk != slices.Contains(stages, "spatial index") {
			t.Fatalf("%s: stages %q: the import was not the kind of load the test needs", name, stages)
		}
		if name == "rows" {
			if err := s.Delete(ctx, 0); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Check(ctx); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		results = append(results, res)
		dumps = append(dumps, dumpRows(t, path))
	}
	if results[0].Updated == 0 || results[0].Unchanged == 0 || results[0].Rejected != 0 {
		t.Fatalf("bulk load %+v: want updates and unchanged records, none rejected", results[0])
	}
	if fmt.Sprint(results[0]) != fmt.Sprint(results[1]) {
		t.Errorf("results differ:\nbulk %+v\nrows %+v", results[0], results[1])
	}
	for name, bulk := range dumps[0] {
		if rows := dumps[1][name]; bulk != rows {
			b, r := strings.Split(bulk, "\n"), strings.Split(rows, "\n")
			for i := range min(len(b), len(r)) {
				if b[i] != r[i] {
					t.Errorf("%s differs at line %d (of %d and %d):\nbulk %s\nrows %s", name, i, len(b), len(r), b[i], r[i])
					break
				}
			}
			if len(b) != len(r) {
				t.Errorf("%s: %d lines in the bulk load, %d row by row", name, len(b), len(r))
			}
		}
	}
	if dumps[0]["rtreetest"] != rtreeOK {
		t.Errorf("rtreecheck: %s", dumps[0]["rtreetest"])
	}
	for _, name := range []string{"rows", "fts0", "fts1", "fts2"} {
		if strings.Count(dumps[0][name], "\n") < 10 {
			t.Errorf("%s: nearly empty: %q", name, dumps[0][name])
		}
	}
}

// cancellingDecoder cancels its context when it has given after records.
type cancellingDecoder struct {
	incidents.Decoder
	after  int
	n      int
	cancel context.CancelFunc
}

func (d *cancellingDecoder) Next() (incidents.Record, error) {
	if d.n++; d.n == d.after {
		d.cancel()
	}
	return d.Decoder.Next()
}

// TestBulkLoadCancelledStoresNothing cancels bulk loads while they insert
// and while they build each derived structure: each must return the
// context's error, report nothing stored and leave the table empty with
// its indexes and triggers, and the next import must complete.
func TestBulkLoadCancelledStoresNothing(t *testing.T) {
	items := bulkFixture(3000)
	for _, at := range []string{"insert", "full-text index", "index incidents_date", "spatial index", "trigger incidents_version_au"} {
		t.Run(at, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "cancel.db")
			s, err := sqlite.Open(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			before := dumpDerived(t, path)["schema"]
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var dec incidents.Decoder = incidents.NewSliceDecoder(items)
			stages := 0
			opts := incidents.ImportOptions{BatchSize: 500, Stage: func(what string) {
				if what == at {
					stages++
					cancel()
				}
			}}
			if at == "insert" {
				dec = &cancellingDecoder{Decoder: dec, after: 1500, cancel: cancel}
			}
			res, err := s.Import(ctx, dec, opts)
			if !errors.Is(err, context.Canceled) {
				t.Errorf("error %v, want context.Canceled", err)
			}
			if res.Inserted+res.Updated+res.Unchanged != 0 {
				t.Errorf("result %+v: want nothing reported stored", res)
			}
			if at != "insert" && stages != 1 {
				t.Fatalf("stage %q announced %d times, want once", at, stages)
			}
			if n, err := s.Count(context.Background(), incidents.Filter{}); err != nil || n != 0 {
				t.Fatalf("%d incidents stored (%v), want 0", n, err)
			}
			if after := dumpDerived(t, path)["schema"]; after != before {
				t.Fatalf("schema changed by a cancelled bulk load:\nbefore %s\nafter %s", before, after)
			}
			res, err = s.Import(context.Background(), incidents.NewSliceDecoder(items), incidents.ImportOptions{})
			if err != nil || res.Inserted == 0 {
				t.Fatalf("next import: %+v, %v", res, err)
			}
			if err := s.Check(context.Background()); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// rtreeOK is rtreecheck's answer for a sound R*Tree, as dumpQueries
// writes it.
const rtreeOK = "[]interface {}{\"ok\"}\n"

// dumpQueries runs each query on the database at path, read-only, and
// returns its rows as text, each value with its Go type, by the query's
// name.
func dumpQueries(t *testing.T, path string, queries map[string]string) map[string]string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
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
			fmt.Fprintf(&b, "%#v\n", vals)
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
		out[name] = b.String()
	}
	return out
}
