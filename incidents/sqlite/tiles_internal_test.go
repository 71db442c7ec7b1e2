package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/mapd/mapd/geo"
	"github.com/mapd/mapd/incidents"
)

// TestTileMigrationBackfills opens a database that has incidents but only
// the first migration: applying 0002_tiles.sql must aggregate them.
func TestTileMigrationBackfills(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", dsn(path, ""))
	if err != nil {
		t.Fatal(err)
	}
	body, err := migrationFS.ReadFile("migrations/0001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	stmts := []string{
		"CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
		string(body),
		"INSERT INTO schema_migrations VALUES (1, '0001_init.sql', '2026-01-01T00:00:00Z')",
		`INSERT INTO incidents (date, event_type, fatalities, lat, lon, created_at, updated_at) VALUES
			('2016-01-01', 'Battles', 3, 33.51, 36.27, '', ''),
			('2016-01-02', 'Battles', NULL, 33.52, 36.28, '', ''),
			('2016-01-03', 'Riots', 1, 35.33, 40.14, '', ''),
			('2016-01-04', 'Riots', 1, 89.5, 40.14, '', '')`,
	}
	for _, q := range stmts {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cellLevels := []int{5, 8, 9, 10, 11, 12, 13, 14, 15, 17}
	for _, level := range cellLevels {
		var n, fat int
		if err := s.r.QueryRowContext(ctx, "SELECT coalesce(sum(n), 0), coalesce(sum(fatalities), 0) FROM tile_cells WHERE level = ?", level).Scan(&n, &fat); err != nil {
			t.Fatal(err)
		}
		if n != 3 || fat != 4 {
			t.Errorf("level %d: got %d incidents and %d fatalities, want 3 and 4", level, n, fat)
		}
	}
	for _, level := range []int{5, 8, 9, 11, 13, 14} {
		var n, fat, months int
		for _, period := range []int{7, 4} { // month rows, year rows
			if err := s.r.QueryRowContext(ctx, "SELECT coalesce(sum(n), 0), coalesce(sum(fatalities), 0), count(DISTINCT month) FROM tile_cells_monthly WHERE level = ? AND length(month) = ?", level, period).Scan(&n, &fat, &months); err != nil {
				t.Fatal(err)
			}
			if n != 3 || fat != 4 || months != 1 {
				t.Errorf("monthly level %d, periods of %d characters: got %d incidents, %d fatalities and %d periods, want 3, 4 and 1", level, period, n, fat, months)
			}
		}
	}
	var levels int
	if err := s.r.QueryRowContext(ctx, "SELECT count(DISTINCT level) FROM tile_cells").Scan(&levels); err != nil {
		t.Fatal(err)
	}
	if levels != len(cellLevels) {
		t.Errorf("got %d levels in tile_cells, want %d", levels, len(cellLevels))
	}
}

// TestScanPathsAgree clusters date-filtered tiles through each access path
// (incidents_tile_points or the planner's choice, and incidents_tile_months
// by month), which must agree; small test data never picks the month path
// of low zooms by itself.
func TestScanPathsAgree(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "scan.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
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
		{incidents.Filter{From: "2016-03-01", To: "2016-09-30", Country: "SY"}, []int{4, 7, 9, 11}},
		{incidents.Filter{From: "2016-03-01", To: "2016-04-15", EventTypes: []string{incidents.EventTypes[2], incidents.EventTypes[3]}}, []int{4, 7, 9}},
	} {
		for _, z := range tc.zooms {
			checkScanPaths(t, s, tc.f, z)
		}
	}
}

func checkScanPaths(t *testing.T, s *Store, f incidents.Filter, z int) {
	t.Helper()
	ctx := context.Background()
	{
		tile, _ := geo.TileAt(36.4, 33.3, z)
		t.Run(f.From+"_"+f.To+"/"+tile.String(), func(t *testing.T) {
			var got [2][]geo.Cluster
			for i, months := range [][]string{nil, monthsBetween(f.From, f.To)} {
				c := geo.NewClusterer(tile, geo.DefaultClusterDepth)
				if err := s.clustersFromScan(ctx, f, tile, months, c); err != nil {
					t.Fatal(err)
				}
				got[i] = c.Clusters()
			}
			if len(got[0]) == 0 || len(got[0]) != len(got[1]) {
				t.Fatalf("got %d and %d clusters, want the same non-zero number", len(got[0]), len(got[1]))
			}
			for i := range got[0] {
				a, b := got[0][i], got[1][i]
				if a.Cell != b.Cell || a.Count != b.Count || a.Fatalities != b.Fatalities || a.EventType != b.EventType ||
					math.Abs(a.Lon-b.Lon) > 1e-9 || math.Abs(a.Lat-b.Lat) > 1e-9 {
					t.Fatalf("cluster %d: got %+v by tile, %+v by month", i, a, b)
				}
			}
		})
	}
}

func TestSplitDates(t *testing.T) {
	const first, last = "2015-03-10", "2017-06-20"
	tests := []struct {
		from, to string
		want     dateSplit
	}{
		{"", "", dateSplit{whole: true}},
		{"2010-01-01", "2020-01-01", dateSplit{whole: true}},
		{"2016-01-01", "2016-03-31", dateSplit{months: []string{"2016-01", "2016-02", "2016-03"}}},
		{"2016-01-05", "2016-03-20", dateSplit{months: []string{"2016-02"}, edges: [][2]string{{"2016-01-05", "2016-01-31"}, {"2016-03-01", "2016-03-20"}}}},
		{"2016-02-02", "2016-02-29", dateSplit{edges: [][2]string{{"2016-02-02", "2016-02-29"}}}},
		{"2016-02-01", "2016-02-28", dateSplit{edges: [][2]string{{"2016-02-01", "2016-02-28"}}}},
		{"2016-02-15", "2016-03-14", dateSplit{edges: [][2]string{{"2016-02-15", "2016-02-29"}, {"2016-03-01", "2016-03-14"}}}},
		// The first and last stored dates make their months whole.
		{"", "2015-04-30", dateSplit{months: []string{"2015-03", "2015-04"}}},
		{"2017-05-02", "", dateSplit{months: []string{"2017-06"}, edges: [][2]string{{"2017-05-02", "2017-05-31"}}}},
		{"2015-03-11", "2015-03-31", dateSplit{edges: [][2]string{{"2015-03-11", "2015-03-31"}}}},
		{"2018-01-01", "", dateSplit{}},
		{"", "2014-12-31", dateSplit{}},
	}
	for _, tc := range tests {
		t.Run(tc.from+"_"+tc.to, func(t *testing.T) {
			got, ok := splitDates(tc.from, tc.to, first, last)
			if !ok || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v, %v; want %+v", got, ok, tc.want)
			}
		})
	}
	if _, ok := splitDates("2016-13-01", "", first, last); ok {
		t.Error("got ok for month 13, want false")
	}
}

func TestYearPeriods(t *testing.T) {
	months := func(from string, n int) []string {
		var out []string
		m, _ := time.Parse("2006-01", from)
		for range n {
			out = append(out, m.Format("2006-01"))
			m = m.AddDate(0, 1, 0)
		}
		return out
	}
	tests := []struct {
		months []string
		want   []string
	}{
		{months("2016-01", 12), []string{"2016"}},
		{months("2016-02", 11), months("2016-02", 11)},
		{months("2015-11", 26), []string{"2015-11", "2015-12", "2016", "2017"}},
		{months("2015-11", 15), []string{"2015-11", "2015-12", "2016", "2017-01"}},
		{months("2014-01", 36), []string{"2014", "2015", "2016"}},
		{months("2016-01", 11), months("2016-01", 11)},
		{nil, nil},
	}
	for _, tc := range tests {
		if got := yearPeriods(tc.months); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("yearPeriods(%v): got %v, want %v", tc.months, got, tc.want)
		}
	}
}

func TestMonthsBetween(t *testing.T) {
	tests := []struct {
		from, to string
		want     []string
	}{
		{"2016-01-31", "2016-02-01", []string{"2016-01", "2016-02"}},
		{"2015-12-15", "2016-01-15", []string{"2015-12", "2016-01"}},
		{"2016-03-05", "2016-03-05", []string{"2016-03"}},
		{"2016-03-05", "2016-03-04", nil},
		{"2016-03-05", "bad", nil},
	}
	for _, tc := range tests {
		if got := monthsBetween(tc.from, tc.to); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("monthsBetween(%s, %s): got %v, want %v", tc.from, tc.to, got, tc.want)
		}
	}
}
