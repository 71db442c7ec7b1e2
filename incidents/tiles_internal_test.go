package incidents

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
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
	cellLevels := []int{5, 8, 11, 14, 17}
	for _, level := range cellLevels {
		var n, fat int
		if err := s.r.QueryRowContext(ctx, "SELECT coalesce(sum(n), 0), coalesce(sum(fatalities), 0) FROM tile_cells WHERE level = ?", level).Scan(&n, &fat); err != nil {
			t.Fatal(err)
		}
		if n != 3 || fat != 4 {
			t.Errorf("level %d: got %d incidents and %d fatalities, want 3 and 4", level, n, fat)
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
