package incidents

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"

	"github.com/mapd/mapd/geo"
)

// TilePoint is an incident as a vector tile shows it.
type TilePoint struct {
	ID         int64
	Lon, Lat   float64
	Date       string
	EventType  string
	Fatalities *int
}

// Version returns the data version: a counter that every insert, update
// and delete of an incident increases, in the writing transaction, from
// any connection or process. Caches of derived data (such as encoded
// tiles) are valid while it stays the same.
func (s *Store) Version(ctx context.Context) (int64, error) {
	var v int64
	if err := s.r.QueryRowContext(ctx, "SELECT version FROM data_version WHERE id = 1").Scan(&v); err != nil {
		return 0, fmt.Errorf("incidents: version: %w", err)
	}
	return v, nil
}

// TilePoints returns the incidents matching f (its BBox, Limit and Cursor
// ignored) that lie in tile t, in no particular but stable order. It stops
// after limit points and then reports more = true when the tile holds
// further matches; limit <= 0 means no limit. When the precomputed cells
// show that the tile holds more than limit matches, it returns no points
// and more = true without reading the incidents.
func (s *Store) TilePoints(ctx context.Context, f Filter, t geo.Tile, limit int) (points []TilePoint, more bool, err error) {
	if limit > 0 && cellFriendly(f) {
		level, ok, err := s.cellLevel(ctx, t.Z)
		if err != nil {
			return nil, false, fmt.Errorf("incidents: tile points %s: %w", t, err)
		}
		if ok {
			n, err := s.cellCount(ctx, f, t, level)
			if err != nil {
				return nil, false, fmt.Errorf("incidents: tile points %s: %w", t, err)
			}
			if n > limit {
				return nil, true, nil
			}
		}
	}
	byDate, err := s.scanByDate(ctx, f, t)
	if err != nil {
		return nil, false, fmt.Errorf("incidents: tile points %s: %w", t, err)
	}
	query, args := tileScanQuery(f, t, byDate, "i.id, i.lon, i.lat, i.date, i.event_type, i.fatalities")
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, false, fmt.Errorf("incidents: tile points %s: %w", t, err)
	}
	defer rows.Close()
	for rows.Next() {
		var p TilePoint
		var fat sql.NullInt64
		if err := rows.Scan(&p.ID, &p.Lon, &p.Lat, &p.Date, &p.EventType, &fat); err != nil {
			return nil, false, fmt.Errorf("incidents: tile points %s: %w", t, err)
		}
		if !t.Contains(p.Lon, p.Lat) {
			continue
		}
		if limit > 0 && len(points) == limit {
			return points, true, nil
		}
		if fat.Valid {
			v := int(fat.Int64)
			p.Fatalities = &v
		}
		points = append(points, p)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("incidents: tile points %s: %w", t, err)
	}
	return points, false, nil
}

// TileClusters returns the clusters of the incidents matching f (its BBox,
// Limit and Cursor ignored) in tile t, on a grid of 2^depth by 2^depth
// cells aligned to the tile pyramid (see geo.Clusterer). With no filter
// but event types, and cells no deeper than the deepest precomputed level
// (17: tiles up to zoom 14 with depth 3), they come from tile_cells,
// reading a bounded number of rows whatever the size of the data (at most
// 4^(3+depth) cells per event type, levels being three apart); otherwise
// from the matching incidents in the tile.
func (s *Store) TileClusters(ctx context.Context, f Filter, t geo.Tile, depth int) ([]geo.Cluster, error) {
	c := geo.NewClusterer(t, depth)
	err := s.clusters(ctx, f, t, c)
	if err != nil {
		return nil, fmt.Errorf("incidents: tile clusters %s: %w", t, err)
	}
	return c.Clusters(), nil
}

func (s *Store) clusters(ctx context.Context, f Filter, t geo.Tile, c *geo.Clusterer) error {
	if cellFriendly(f) {
		level, ok, err := s.cellLevel(ctx, c.CellZoom())
		if err != nil {
			return err
		}
		if ok {
			return s.clustersFromCells(ctx, f, t, level, c)
		}
	}
	byDate, err := s.scanByDate(ctx, f, t)
	if err != nil {
		return err
	}
	return s.clustersFromScan(ctx, f, t, byDate, c)
}

// cellLevel returns the coarsest level of tile_cells at least as deep as z.
// The levels are read from the tile_levels table, so that a database
// migrated with other levels still gets correct answers.
func (s *Store) cellLevel(ctx context.Context, z int) (int, bool, error) {
	var level sql.NullInt64
	if err := s.r.QueryRowContext(ctx, "SELECT min(level) FROM tile_levels WHERE level >= ?", z).Scan(&level); err != nil {
		return 0, false, err
	}
	return int(level.Int64), level.Valid, nil
}

// cellFriendly reports whether tile_cells can answer the filter: it keeps
// event types apart but nothing else.
func cellFriendly(f Filter) bool {
	return f.From == "" && f.To == "" && f.Actor == "" && f.Country == "" && ftsQuery(f.Q) == "" && f.MinFatalities <= 0
}

// cellCount returns the number of incidents of the filter's event types in
// tile t, from the cells of a level at least as deep as t.Z.
func (s *Store) cellCount(ctx context.Context, f Filter, t geo.Tile, level int) (int, error) {
	where, args := cellRange(f, t, level)
	var n int
	err := s.r.QueryRowContext(ctx, "SELECT coalesce(sum(n), 0) FROM tile_cells WHERE "+where, args...).Scan(&n)
	return n, err
}

// cellRange returns the condition selecting the cells of level inside tile
// t with the filter's event types.
func cellRange(f Filter, t geo.Tile, level int) (string, []any) {
	shift := level - t.Z
	x0, y0 := t.X<<shift, t.Y<<shift
	x1, y1 := x0+(1<<shift)-1, y0+(1<<shift)-1
	// Listing the columns lets SQLite seek each column's rows of the tile
	// in the primary key, instead of walking the whole column strip from
	// pole to pole.
	where := "level = ? AND cx BETWEEN ? AND ? AND cy BETWEEN ? AND ?"
	args := []any{level, x0, x1, y0, y1}
	if cols := x1 - x0 + 1; cols <= 64 {
		where = "level = ? AND cx IN (" + placeholders(cols) + ") AND cy BETWEEN ? AND ?"
		args = []any{level}
		for x := x0; x <= x1; x++ {
			args = append(args, x)
		}
		args = append(args, y0, y1)
	}
	if len(f.EventTypes) > 0 {
		where += " AND event_type IN (" + placeholders(len(f.EventTypes)) + ")"
		for _, et := range f.EventTypes {
			args = append(args, et)
		}
	}
	return where, args
}

func (s *Store) clustersFromCells(ctx context.Context, f Filter, t geo.Tile, level int, c *geo.Clusterer) error {
	where, args := cellRange(f, t, level)
	rows, err := s.r.QueryContext(ctx, "SELECT cx, cy, event_type, n, fatalities, sum_lon, sum_lat FROM tile_cells WHERE "+where, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var cell geo.Tile
		var eventType string
		var n, fat int
		var sumLon, sumLat float64
		if err := rows.Scan(&cell.X, &cell.Y, &eventType, &n, &fat, &sumLon, &sumLat); err != nil {
			return err
		}
		cell.Z = level
		c.Add(cell, eventType, n, fat, sumLon, sumLat)
	}
	return rows.Err()
}

// clustersFromScan aggregates the matching incidents in the tile by
// cluster cell inside SQLite, with the cell formula of the tile_cells
// triggers, so only one row per cell and event type reaches Go.
func (s *Store) clustersFromScan(ctx context.Context, f Filter, t geo.Tile, byDate bool, c *geo.Clusterer) error {
	cz := c.CellZoom()
	inner, args := tileScanQuery(f, t, byDate, "i.lon, i.lat, i.event_type, coalesce(i.fatalities, 0) AS fatalities")
	n := float64(int64(1) << cz)
	query := `SELECT min(?1 - 1, max(0, CAST(floor((lon + 180.0) / 360.0 * ?1) AS INTEGER))) AS cx,
		min(?1 - 1, max(0, CAST(floor((1.0 - ln(tan(lat * pi() / 180.0) + 1.0 / cos(lat * pi() / 180.0)) / pi()) / 2.0 * ?1) AS INTEGER))) AS cy,
		event_type, count(*), sum(fatalities), sum(lon), sum(lat)
		FROM (` + inner + `) WHERE lat BETWEEN -85.05112877980659 AND 85.05112877980659 GROUP BY 1, 2, 3`
	rows, err := s.r.QueryContext(ctx, query, append([]any{n}, args...)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		cell := geo.Tile{Z: cz}
		var eventType string
		var count, fat int
		var sumLon, sumLat float64
		if err := rows.Scan(&cell.X, &cell.Y, &eventType, &count, &fat, &sumLon, &sumLat); err != nil {
			return err
		}
		c.Add(cell, eventType, count, fat, sumLon, sumLat)
	}
	return rows.Err()
}

// pointIndexMinZoom is the zoom from which tile scans walk
// incidents_tile_points (migration 0006), one run per level-14 column the
// tile spans. Larger tiles hold a large share of the incidents, which the
// filter's own indexes (the full-text index for q, the country index) or a
// table scan reach faster.
const pointIndexMinZoom = 9

// pointColumnZoom is the zoom of the tile columns incidents_tile_points is
// ordered by; pointColumnExpr computes a point's column as that index does.
const (
	pointColumnZoom = 14
	pointColumnExpr = "CAST(floor((i.lon + 180.0) / 360.0 * 16384) AS INTEGER)"
)

// pointColumn returns the level-14 column of longitude lon, computed as
// pointColumnExpr does, so that Go and SQLite agree (the formula is
// monotonic, so the columns of a longitude range lie between those of its
// ends).
func pointColumn(lon float64) int {
	return int(math.Floor((lon + 180.0) / 360.0 * (1 << pointColumnZoom)))
}

// crowdedTile is the number of incidents above which a date-filtered scan
// of a tile reads the date range of incidents_tile_scan, which holds every
// column a tile needs, rather than the incidents of the tile one by one.
const crowdedTile = 5000

// scanByDate reports whether a scan of tile t for f should walk the
// incidents_tile_scan index over f's date range: when f has one and the
// precomputed cells show a crowded tile.
func (s *Store) scanByDate(ctx context.Context, f Filter, t geo.Tile) (bool, error) {
	if f.From == "" && f.To == "" {
		return false, nil
	}
	level, ok, err := s.cellLevel(ctx, t.Z)
	if err != nil || !ok {
		return t.Z < pointIndexMinZoom, err
	}
	n, err := s.cellCount(ctx, Filter{}, t, level)
	if err != nil || n <= crowdedTile {
		return false, err
	}
	// A database migrated by an early version of 0002_tiles.sql lacks the
	// index; it then scans the other way.
	var has int
	err = s.r.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'incidents_tile_scan'").Scan(&has)
	return has > 0, err
}

// tileScanQuery selects cols from the incidents matching f whose
// coordinates fall in t's bounding box, widened by a hair so that points on
// its edges are not lost to rounding; callers keep those t.Contains. With
// byDate it walks incidents_tile_scan over f's date range; otherwise it
// walks incidents_tile_points from pointIndexMinZoom on and leaves the
// choice to SQLite below.
func tileScanQuery(f Filter, t geo.Tile, byDate bool, cols string) (string, []any) {
	const pad = 1e-7
	b := t.BBox()
	b.MinLon, b.MinLat, b.MaxLon, b.MaxLat = b.MinLon-pad, b.MinLat-pad, b.MaxLon+pad, b.MaxLat+pad
	conds, args := f.where()
	from := "incidents i"
	switch {
	case byDate:
		from = "incidents i INDEXED BY incidents_tile_scan"
	case t.Z >= pointIndexMinZoom:
		// Listing the columns makes SQLite seek the latitude range of each
		// column instead of walking whole columns from pole to pole.
		from = "incidents i INDEXED BY incidents_tile_points"
		x0, x1 := pointColumn(b.MinLon), pointColumn(b.MaxLon)
		colArgs := make([]any, 0, x1-x0+3)
		for x := x0; x <= x1; x++ {
			colArgs = append(colArgs, x)
		}
		colArgs = append(colArgs, b.MinLat, b.MaxLat)
		conds = slices.Insert(conds, 0, pointColumnExpr+" IN ("+placeholders(x1-x0+1)+") AND i.lat BETWEEN ? AND ?")
		args = slices.Insert(args, 0, colArgs...)
	}
	conds = append(conds, "i.lon BETWEEN ? AND ? AND i.lat BETWEEN ? AND ?")
	args = append(args, b.MinLon, b.MaxLon, b.MinLat, b.MaxLat)
	return "SELECT " + cols + " FROM " + from + whereClause(conds), args
}
