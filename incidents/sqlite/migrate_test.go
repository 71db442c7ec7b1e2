package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mapd/mapd/geo"
	"github.com/mapd/mapd/incidents"
)

// openFirstRelease builds, at path, the database of mapd's first release
// from testdata/first_release.sql (see internal/genfixture).
func openFirstRelease(t *testing.T, path string) {
	t.Helper()
	script, err := os.ReadFile("testdata/first_release.sql")
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", dsn(path, ""))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(string(script)); err != nil {
		t.Fatalf("first release script: %v", err)
	}
}

// schema returns the tables, indexes and triggers of the database with
// their SQL (white space collapsed), and the cell levels it keeps.
func schema(t *testing.T, s *Store) map[string]string {
	t.Helper()
	rows, err := s.r.Query(`SELECT type || ' ' || name, coalesce(sql, '') FROM sqlite_master
		WHERE name NOT LIKE 'sqlite_%'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			t.Fatal(err)
		}
		out[k] = strings.Join(strings.Fields(v), " ")
	}
	for _, table := range []string{"tile_levels", "tile_month_levels"} {
		var levels string
		if err := s.r.QueryRow("SELECT group_concat(level, ',') FROM (SELECT level FROM " + table + " ORDER BY level)").Scan(&levels); err != nil {
			t.Fatal(err)
		}
		out["rows "+table] = levels
	}
	return out
}

type cellKey struct {
	table, period, eventType string
	level, cx, cy            int
}

type cellSum struct {
	n, fatalities  int
	sumLon, sumLat float64
}

// cells returns every row of tile_cells and tile_cells_monthly.
func cells(t *testing.T, s *Store) map[cellKey]cellSum {
	t.Helper()
	out := map[cellKey]cellSum{}
	for _, q := range []string{
		"SELECT 'cells', '', level, cx, cy, event_type, n, fatalities, sum_lon, sum_lat FROM tile_cells",
		"SELECT 'monthly', month, level, cx, cy, event_type, n, fatalities, sum_lon, sum_lat FROM tile_cells_monthly",
	} {
		rows, err := s.r.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var k cellKey
			var v cellSum
			if err := rows.Scan(&k.table, &k.period, &k.level, &k.cx, &k.cy, &k.eventType, &v.n, &v.fatalities, &v.sumLon, &v.sumLat); err != nil {
				t.Fatal(err)
			}
			out[k] = v
		}
		rows.Close()
	}
	return out
}

// checkSameCells fails unless a and b hold the same cells (sums of
// coordinates to rounding).
func checkSameCells(t *testing.T, got, want map[cellKey]cellSum) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d cells, want %d", len(got), len(want))
	}
	bad := 0
	for k, w := range want {
		g, ok := got[k]
		if !ok || g.n != w.n || g.fatalities != w.fatalities || math.Abs(g.sumLon-w.sumLon) > 1e-6 || math.Abs(g.sumLat-w.sumLat) > 1e-6 {
			if bad++; bad <= 5 {
				t.Errorf("cell %+v: got %+v (present %v), want %+v", k, g, ok, w)
			}
		}
	}
}

// TestUpgradeFromFirstRelease opens a database written by the first
// release (migrations 0001 and 0002 as released, before 0002 was edited)
// and checks that it reaches today's schema, every row of a database
// created today, with its incidents intact and its derived structures
// (tile cells, full-text and spatial indexes) what they would be had the
// incidents been imported today.
func TestUpgradeFromFirstRelease(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	oldPath := filepath.Join(dir, "first.db")
	openFirstRelease(t, oldPath)

	var before []incidents.Incident
	{
		db, err := sql.Open("sqlite", dsn(oldPath, ""))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := db.Query("SELECT " + selectColumns + " FROM incidents i ORDER BY i.id")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var in incidents.Incident
			if err := scanIncident(rows, &in); err != nil {
				t.Fatal(err)
			}
			before = append(before, in)
		}
		rows.Close()
		db.Close()
	}
	if len(before) != 200 {
		t.Fatalf("got %d incidents in the fixture, want 200", len(before))
	}

	old, err := Open(ctx, oldPath)
	if err != nil {
		t.Fatalf("opening the first release's database: %v", err)
	}
	defer old.Close()
	fresh, err := Open(ctx, filepath.Join(dir, "fresh.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()

	if got, want := schema(t, old), schema(t, fresh); !reflect.DeepEqual(got, want) {
		for k := range want {
			if got[k] != want[k] {
				t.Errorf("%s: got\n%s\nwant\n%s", k, got[k], want[k])
			}
		}
		for k := range got {
			if _, ok := want[k]; !ok {
				t.Errorf("%s: present after the upgrade, absent from a new database", k)
			}
		}
	}
	var unsummed int
	if err := old.r.QueryRow("SELECT count(*) FROM schema_migrations WHERE checksum IS NULL OR checksum = ''").Scan(&unsummed); err != nil {
		t.Fatal(err)
	}
	if unsummed != 0 {
		t.Errorf("got %d migrations without a checksum, want 0", unsummed)
	}

	var after []incidents.Incident
	if err := old.Export(ctx, incidents.Filter{}, func(in *incidents.Incident) error {
		after = append(after, *in)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(after, before) {
		t.Fatalf("got %d incidents after the upgrade, want the %d of the fixture unchanged", len(after), len(before))
	}

	// The same incidents imported into today's schema give the same cells.
	if res, err := fresh.Import(ctx, incidents.NewSliceDecoder(before), incidents.ImportOptions{Atomic: true}); err != nil || res.Inserted != len(before) {
		t.Fatalf("import: got %+v, %v, want %d inserted", res, err, len(before))
	}
	checkSameCells(t, cells(t, old), cells(t, fresh))
	if err := old.Check(ctx); err != nil {
		t.Fatal(err)
	}

	// Reads through the indexes agree between the two.
	for _, f := range []incidents.Filter{
		{Q: "convoy"}, {Q: "cafe"}, {Country: "UA"}, {BBox: bboxOf(35, 33, 41, 37)}, {BBox: bboxOf(179, -17, -179, -16)},
		{From: "2014-01-01", To: "2015-06-30", EventTypes: []string{"Battles", "Riots"}},
	} {
		ids := func(s *Store) []string {
			var out []string
			if _, err := s.List(ctx, f, func(in *incidents.Incident) error {
				out = append(out, in.SourceID+"|"+in.Date+"|"+in.Notes)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			return out
		}
		if got, want := ids(old), ids(fresh); !reflect.DeepEqual(got, want) || len(want) == 0 {
			t.Errorf("filter %v: got %d matches, want %d (and more than none)", f, len(got), len(want))
		}
	}

	// Writes after the upgrade keep the cells as today's triggers do.
	for _, s := range []*Store{old, fresh} {
		if err := s.Delete(ctx, 7); err != nil {
			t.Fatal(err)
		}
		in := before[3]
		in.ID, in.SourceID, in.Lat, in.Lon = 0, "new-1", ptrTo(36.5), ptrTo(37.25)
		if err := s.Create(ctx, &in, nil); err != nil {
			t.Fatal(err)
		}
	}
	checkSameCells(t, cells(t, old), cells(t, fresh))
}

func ptrTo[T any](v T) *T { return &v }

// TestMigrationChecksums checks that Open refuses a database whose
// recorded migrations differ from the embedded ones: an applied migration
// edited since, or one this binary does not have.
func TestMigrationChecksums(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name, edit, want string
	}{
		{"edited", "UPDATE schema_migrations SET checksum = 'c0ffee' WHERE version = 2", "0002_tiles.sql"},
		{"newer", "INSERT INTO schema_migrations VALUES (9999, '9999_future.sql', '2030-01-01T00:00:00Z', 'ab')", "9999_future.sql"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "m.db")
			s, err := Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.w.Exec(tc.edit); err != nil {
				t.Fatal(err)
			}
			s.Close()
			s, err = Open(ctx, path)
			if err == nil {
				s.Close()
				t.Fatal("got no error, want one matching incidents.ErrSchema")
			}
			if !errors.Is(err, incidents.ErrSchema) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error matching incidents.ErrSchema that names %s", err, tc.want)
			}
		})
	}
}

func bboxOf(minLon, minLat, maxLon, maxLat float64) *geo.BBox {
	return &geo.BBox{MinLon: minLon, MinLat: minLat, MaxLon: maxLon, MaxLat: maxLat}
}

// TestUpgradeBefore0005 opens a database that had every migration up to
// 0012 before 0005 and 0013 were added: they must leave it as a new one,
// its cells untouched.
func TestUpgradeBefore0005(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "m.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	items := make([]incidents.Incident, 50)
	for i := range items {
		items[i] = incidents.Incident{Date: "2016-05-01", EventType: "Battles", Lat: ptrTo(30 + float64(i)/10), Lon: ptrTo(40 - float64(i)/7), Fatalities: ptrTo(i)}
	}
	if _, err := s.Import(ctx, incidents.NewSliceDecoder(items), incidents.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	want := cells(t, s)
	wantSchema := schema(t, s)
	if _, err := s.w.Exec("DELETE FROM schema_migrations WHERE version IN (5, 13)"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err = Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := schema(t, s); !reflect.DeepEqual(got, wantSchema) {
		t.Errorf("got schema %v, want %v", got, wantSchema)
	}
	checkSameCells(t, cells(t, s), want)
}
