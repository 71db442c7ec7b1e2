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
// their SQL (white space collapsed).
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
	return out
}

// clusters returns the clusters of a few tiles over the fixture's data,
// as the store computes them.
func clusters(t *testing.T, s *Store) []geo.Cluster {
	t.Helper()
	var out []geo.Cluster
	for _, tile := range []geo.Tile{{Z: 0}, {Z: 3, X: 4, Y: 3}, {Z: 6, X: 38, Y: 25}} {
		cs, err := s.TileClusters(context.Background(), incidents.Filter{}, tile, geo.DefaultClusterDepth)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, cs...)
	}
	return out
}

// checkSameClusters fails unless got and want are the same clusters
// (centroids to rounding).
func checkSameClusters(t *testing.T, got, want []geo.Cluster) {
	t.Helper()
	if len(got) != len(want) || len(want) == 0 {
		t.Fatalf("got %d clusters, want %d (and more than none)", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Cell != w.Cell || g.Count != w.Count || g.Fatalities != w.Fatalities || g.EventType != w.EventType ||
			math.Abs(g.Lon-w.Lon) > 1e-6 || math.Abs(g.Lat-w.Lat) > 1e-6 {
			t.Errorf("cluster %d: got %+v, want %+v", i, g, w)
		}
	}
}

// TestUpgradeFromFirstRelease opens a database written by the first
// release (migrations 0001 and 0002 as released, before 0002 was edited)
// and checks that it reaches today's schema, every row of a database
// created today, with its incidents intact and its derived structures
// (clusters, full-text and spatial indexes) what they would be had the
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

	// The same incidents imported into today's schema give the same
	// clusters.
	if res, err := fresh.Import(ctx, incidents.NewSliceDecoder(before), incidents.ImportOptions{Atomic: true}); err != nil || res.Inserted != len(before) {
		t.Fatalf("import: got %+v, %v, want %d inserted", res, err, len(before))
	}
	checkSameClusters(t, clusters(t, old), clusters(t, fresh))
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

	// Writes after the upgrade change both alike.
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
	checkSameClusters(t, clusters(t, old), clusters(t, fresh))
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
	db, err := sql.Open("sqlite", dsn(path, ""))
	if err != nil {
		t.Fatal(err)
	}
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,
		applied_at TEXT NOT NULL, checksum TEXT)`); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.version == 5 || m.version == 13 || m.version > 13 {
			continue
		}
		if _, err := db.ExecContext(ctx, m.body); err != nil {
			t.Fatalf("%s: %v", m.name, err)
		}
		if _, err := db.ExecContext(ctx, "INSERT INTO schema_migrations VALUES (?, ?, '2026-01-01T00:00:00Z', ?)", m.version, m.name, m.checksum); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 50 {
		if _, err := db.ExecContext(ctx, `INSERT INTO incidents (date, event_type, fatalities, lat, lon, created_at, updated_at)
			VALUES ('2016-05-01', 'Battles', ?, ?, ?, '', '')`, i, 30+float64(i)/10, 40-float64(i)/7); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fresh, err := Open(ctx, filepath.Join(dir, "fresh.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	if got, want := schema(t, s), schema(t, fresh); !reflect.DeepEqual(got, want) {
		t.Errorf("got schema %v, want %v", got, want)
	}
	if n, err := s.Count(ctx, incidents.Filter{BBox: bboxOf(30, 29, 41, 36)}); err != nil || n != 50 {
		t.Errorf("got %d incidents in their box, %v, want 50", n, err)
	}
}
