package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"path/filepath"
	"testing"

	"github.com/mapd/mapd/geo"
	"github.com/mapd/mapd/incidents"
	"github.com/mapd/mapd/incidents/index"
)

// migratedTo returns a database at path with the migrations before
// version applied and recorded, as a mapd of that time left it.
func migratedTo(t *testing.T, path string, version int) *sql.DB {
	t.Helper()
	ctx := context.Background()
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
		if m.version >= version {
			break
		}
		if _, err := db.ExecContext(ctx, m.body); err != nil {
			t.Fatalf("%s: %v", m.name, err)
		}
		if _, err := db.ExecContext(ctx, "INSERT INTO schema_migrations VALUES (?, ?, '2026-01-01T00:00:00Z', ?)", m.version, m.name, m.checksum); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

// TestTileCellsDropped opens a database that has incidents and the tile
// cells of migrations 0002 to 0013: migration 0014 drops the cells, their
// levels and triggers, and keeps the incidents.
func TestTileCellsDropped(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db := migratedTo(t, path, 14)
	if _, err := db.ExecContext(ctx, `INSERT INTO incidents (date, event_type, fatalities, lat, lon, created_at, updated_at) VALUES
		('2016-01-01', 'Battles', 3, 33.51, 36.27, '', ''), ('2016-01-03', 'Riots', 1, 35.33, 40.14, '', '')`); err != nil {
		t.Fatal(err)
	}
	var cells int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM tile_cells").Scan(&cells); err != nil || cells == 0 {
		t.Fatalf("before 0014: got %d tile cells, %v, want some", cells, err)
	}
	db.Close()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var left int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE name LIKE 'tile_cells%' OR name LIKE 'tile_%levels'`).Scan(&left); err != nil {
		t.Fatal(err)
	}
	if left != 0 {
		t.Errorf("after 0014: got %d tile cell tables and triggers, want 0", left)
	}
	if n, err := s.Count(ctx, incidents.Filter{}); err != nil || n != 2 {
		t.Errorf("after 0014: got %d incidents, %v, want 2", n, err)
	}
	// Writes no longer touch the cells.
	in := incidents.Incident{Date: "2016-02-01", EventType: "Battles", Lat: ptrTo(33.0), Lon: ptrTo(36.0)}
	if err := s.Create(ctx, &in, nil); err != nil {
		t.Fatal(err)
	}
}

// TestRedundantIndexesDropped opens a database that has incidents, the
// tile and listing indexes and the full-text index of 0001 to 0015:
// migration 0016 drops the indexes, and the full-text index it rebuilds
// finds the old incidents' words and, through the triggers, the new ones'.
func TestRedundantIndexesDropped(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db := migratedTo(t, path, 16)
	if _, err := db.ExecContext(ctx, `INSERT INTO incidents (date, event_type, lat, lon, notes, actor1, created_at, updated_at) VALUES
		('2016-01-01', 'Battles', 33.51, 36.27, 'shelling near the bridge', 'Militia A', '', ''),
		('2016-01-03', 'Riots', 35.33, 40.14, 'protest at the market', 'Rioters', '', '')`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO incidents_fts (incidents_fts) VALUES ('rebuild')`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var left int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE name IN
		('incidents_tile_points', 'incidents_tile_months', 'incidents_event_type', 'incidents_country')`).Scan(&left); err != nil {
		t.Fatal(err)
	}
	if left != 0 {
		t.Errorf("after 0016: %d of the dropped indexes are left, want 0", left)
	}
	in := incidents.Incident{Date: "2016-02-01", EventType: "Battles", Lat: ptrTo(33.0), Lon: ptrTo(36.0), Notes: "airstrike on the bridge"}
	if err := s.Create(ctx, &in, nil); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		q    string
		want int
	}{{"bridge", 2}, {"market", 1}, {"militia", 1}, {"airstrike bridge", 1}, {"tank", 0}} {
		if n, err := s.Count(ctx, incidents.Filter{Q: tc.q}); err != nil || n != tc.want {
			t.Errorf("q=%s: got %d, %v, want %d", tc.q, n, err, tc.want)
		}
	}
	in.Notes = "convoy"
	if err := s.Replace(ctx, in.ID, &in, nil); err != nil {
		t.Fatal(err)
	}
	if n, err := s.Count(ctx, incidents.Filter{Q: "bridge"}); err != nil || n != 1 {
		t.Errorf("q=bridge after an update: got %d, %v, want 1", n, err)
	}
	if err := s.Check(ctx); err != nil {
		t.Error(err)
	}
}

// TestScanPathsAgree clusters date-filtered tiles through each access path
// (the planner's choice below rtreeMinZoom, the R*Tree from it, and the
// in-memory index), which must agree.
func TestScanPathsAgree(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "scan.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.StartIndex(index.Options{})
	var items []incidents.Incident
	for i := range 400 {
		lon, lat := 36.0+float64(i%20)*0.05, 33.0+float64(i/20)*0.04
		fat := i % 7
		items = append(items, incidents.Incident{Date: fmt.Sprintf("2016-%02d-01", 1+i%12), EventType: incidents.EventTypes[i%4],
			Lon: &lon, Lat: &lat, Fatalities: &fat, Country: "SY"})
	}
	if _, err := s.Import(ctx, incidents.NewSliceDecoder(items), incidents.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		f     incidents.Filter
		zooms []int
	}{
		{incidents.Filter{From: "2016-03-01", To: "2016-09-30", Country: "SY"}, []int{4, 7, rtreeMinZoom, 11}},
		{incidents.Filter{From: "2016-03-01", To: "2016-04-15", EventTypes: []string{incidents.EventTypes[2], incidents.EventTypes[3]}}, []int{4, 7, rtreeMinZoom}},
	} {
		for _, z := range tc.zooms {
			checkScanPaths(t, s, tc.f, z)
		}
	}
}

func checkScanPaths(t *testing.T, s *Store, f incidents.Filter, z int) {
	t.Helper()
	ctx := context.Background()
	tile, _ := geo.TileAt(36.4, 33.3, z)
	t.Run(f.From+"_"+f.To+"/"+tile.String(), func(t *testing.T) {
		c := geo.NewClusterer(tile, geo.DefaultClusterDepth)
		if err := s.clustersFromScan(ctx, f, tile, c); err != nil {
			t.Fatal(err)
		}
		scan := c.Clusters()
		q, _, err := s.indexQuery(ctx, f)
		if err != nil || q == nil {
			t.Fatalf("index: got %v, %v, want a query", q, err)
		}
		fromIndex := q.Clusters(tile, geo.DefaultClusterDepth)
		if len(scan) == 0 || len(scan) != len(fromIndex) {
			t.Fatalf("got %d clusters by scan and %d by the index, want the same non-zero number", len(scan), len(fromIndex))
		}
		for i := range scan {
			a, b := scan[i], fromIndex[i]
			if a.Cell != b.Cell || a.Count != b.Count || a.Fatalities != b.Fatalities || a.EventType != b.EventType ||
				math.Abs(a.Lon-b.Lon) > 1e-6 || math.Abs(a.Lat-b.Lat) > 1e-6 {
				t.Fatalf("cluster %d: got %+v by scan, %+v by the index", i, a, b)
			}
		}
	})
}
