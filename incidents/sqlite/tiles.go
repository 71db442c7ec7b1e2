package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/mapd/mapd/geo"
	"github.com/mapd/mapd/incidents"
	"github.com/mapd/mapd/incidents/index"
)

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
// further matches; limit <= 0 means no limit. From the index, coordinates
// are within 1e-7 degrees of the stored ones.
func (s *Store) TilePoints(ctx context.Context, f incidents.Filter, t geo.Tile, limit int) (points []incidents.TilePoint, more bool, err error) {
	if err := checkFilter(f); err != nil {
		return nil, false, err
	}
	if q, _, err := s.indexQuery(ctx, f); err != nil || q != nil {
		if err != nil {
			return nil, false, fmt.Errorf("incidents: tile points %s: %w", t, err)
		}
		points, more := q.TilePoints(t, limit)
		return points, more, nil
	}
	months, err := s.scanMonths(ctx, f, t)
	if err != nil {
		return nil, false, fmt.Errorf("incidents: tile points %s: %w", t, err)
	}
	query, args := tileScanQuery(f, t, months, "i.id, i.lon, i.lat, i.date, i.event_type, i.fatalities")
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, false, fmt.Errorf("incidents: tile points %s: %w", t, err)
	}
	defer rows.Close()
	for rows.Next() {
		var p incidents.TilePoint
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
// cells aligned to the tile pyramid (see geo.Clusterer): from the index,
// else from the matching incidents in the tile.
func (s *Store) TileClusters(ctx context.Context, f incidents.Filter, t geo.Tile, depth int) ([]geo.Cluster, error) {
	if err := checkFilter(f); err != nil {
		return nil, err
	}
	if q, _, err := s.indexQuery(ctx, f); err != nil || q != nil {
		if err != nil {
			return nil, fmt.Errorf("incidents: tile clusters %s: %w", t, err)
		}
		return q.Clusters(t, depth), nil
	}
	c := geo.NewClusterer(t, depth)
	months, err := s.scanMonths(ctx, f, t)
	if err == nil {
		err = s.clustersFromScan(ctx, f, t, months, c)
	}
	if err != nil {
		return nil, fmt.Errorf("incidents: tile clusters %s: %w", t, err)
	}
	return c.Clusters(), nil
}

// Heat returns the incidents matching f (in its BBox) aggregated into the
// tiles of zoom z, one point per non-empty cell, coarser when that gives
// more than maxPoints (see index.Query.Heat): from the index, else from
// the matching incidents.
func (s *Store) Heat(ctx context.Context, f incidents.Filter, z, maxPoints int) ([]incidents.HeatPoint, error) {
	if err := checkFilter(f); err != nil {
		return nil, err
	}
	f = f.LiftBBox()
	if q, _, err := s.indexQuery(ctx, f); err != nil || q != nil {
		if err != nil {
			return nil, fmt.Errorf("incidents: heat: %w", err)
		}
		return q.Heat(z, maxPoints), nil
	}
	// Without the index, aggregate the matches in Go on a throw-away
	// index of them: the answer is the same.
	conds, args := where(f)
	if f.BBox != nil {
		bc, bargs := bboxCond(*f.BBox)
		conds, args = append(conds, bc), append(args, bargs...)
	}
	rows, err := s.r.QueryContext(ctx, "SELECT "+indexColumns+" FROM incidents i"+whereClause(conds)+" ORDER BY i.id", args...)
	if err != nil {
		return nil, fmt.Errorf("incidents: heat: %w", err)
	}
	defer rows.Close()
	ix := index.New(index.Options{})
	b := ix.NewBuilder(0)
	var sc rowScanner
	for rows.Next() {
		r, err := sc.scan(rows)
		if err == nil {
			err = b.Add(r)
		}
		if err != nil {
			b.Abort()
			return nil, fmt.Errorf("incidents: heat: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		b.Abort()
		return nil, fmt.Errorf("incidents: heat: %w", err)
	}
	if err := b.Finish(0); err != nil {
		return nil, fmt.Errorf("incidents: heat: %w", err)
	}
	q, err := ix.Current().Compile(incidents.Filter{}, nil)
	if err != nil {
		return nil, err
	}
	return q.Heat(z, maxPoints), nil
}

// addCells runs query, which selects cx, cy, event_type, n, fatalities,
// sum_lon and sum_lat of cells of c's zoom, and adds each row to c.
func addCells(ctx context.Context, q querier, c *geo.Clusterer, query string, args []any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		cell := geo.Tile{Z: c.CellZoom()}
		var eventType string
		var n, fat int
		var sumLon, sumLat float64
		if err := rows.Scan(&cell.X, &cell.Y, &eventType, &n, &fat, &sumLon, &sumLat); err != nil {
			return err
		}
		c.Add(cell, eventType, n, fat, sumLon, sumLat)
	}
	return rows.Err()
}

// clustersFromScan aggregates the matching incidents in the tile by
// cluster cell inside SQLite, so only one row per cell and event type
// reaches Go. Cells no
// deeper than 17 are shifted from the level-17 cell that both scan
// indexes carry (migration 0007), which SQLite reads from the index
// instead of computing it.
func (s *Store) clustersFromScan(ctx context.Context, f incidents.Filter, t geo.Tile, months []string, c *geo.Clusterer) error {
	cz := c.CellZoom()
	var query string
	var args []any
	if cz <= 17 {
		cols := fmt.Sprintf("%s >> %d AS cx, %s >> %d AS cy, i.event_type, coalesce(i.fatalities, 0) AS fatalities, i.lon, i.lat",
			cellXSQL, 17-cz, cellYSQL, 17-cz)
		inner, innerArgs := tileScanQuery(f, t, months, cols)
		query = `SELECT cx, cy, event_type, count(*), sum(fatalities), sum(lon), sum(lat)
			FROM (` + inner + `) WHERE lat BETWEEN -85.05112877980659 AND 85.05112877980659 GROUP BY 1, 2, 3`
		args = innerArgs
	} else {
		inner, innerArgs := tileScanQuery(f, t, months, "i.lon, i.lat, i.event_type, coalesce(i.fatalities, 0) AS fatalities")
		query = `SELECT min(?1 - 1, max(0, CAST(floor((lon + 180.0) / 360.0 * ?1) AS INTEGER))) AS cx,
			min(?1 - 1, max(0, CAST(floor((1.0 - ln(tan(lat * pi() / 180.0) + 1.0 / cos(lat * pi() / 180.0)) / pi()) / 2.0 * ?1) AS INTEGER))) AS cy,
			event_type, count(*), sum(fatalities), sum(lon), sum(lat)
			FROM (` + inner + `) WHERE lat BETWEEN -85.05112877980659 AND 85.05112877980659 GROUP BY 1, 2, 3`
		args = append([]any{float64(int64(1) << cz)}, innerArgs...)
	}
	return addCells(ctx, s.r, c, query, args)
}

// cellXSQL and cellYSQL compute the level-17 cell of an incident i, as the
// migrations 0007 and 0012 wrote them and as incidents_tile_months and
// incidents_tile_points store it: SQLite reads the value from those indexes
// when the expression is written exactly so.
const (
	cellXSQL = "min(131071, max(0, CAST(floor((i.lon + 180.0) / 360.0 * 131072) AS INTEGER)))"
	cellYSQL = "min(131071, max(0, CAST(floor((1.0 - ln(tan(i.lat * pi() / 180.0) + 1.0 / cos(i.lat * pi() / 180.0)) / pi()) / 2.0 * 131072) AS INTEGER)))"
)

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

// maxMonthSeeks bounds the months times columns a scan of a tile of zoom
// pointIndexMinZoom or more seeks in incidents_tile_months.
const maxMonthSeeks = 2048

// scanMonths returns the months ("YYYY-MM") whose runs of
// incidents_tile_months a scan of tile t for f should read, nil when it
// should not use that index: when f has no dates, when they span more than
// maxListedMonths months of stored incidents, when a tile of zoom
// pointIndexMinZoom or more would need more than maxMonthSeeks seeks, and
// for a tile of lower zoom.
func (s *Store) scanMonths(ctx context.Context, f incidents.Filter, t geo.Tile) ([]string, error) {
	if f.From == "" && f.To == "" {
		return nil, nil
	}
	first, last, err := s.dateBounds(ctx)
	if err != nil || first == "" {
		return nil, err
	}
	months := monthsBetween(max(f.From, first), min(cmp.Or(f.To, last), last))
	if len(months) == 0 || len(months) > maxListedMonths {
		return nil, nil
	}
	if t.Z >= pointIndexMinZoom {
		b := t.BBox()
		if len(months)*(pointColumn(b.MaxLon)-pointColumn(b.MinLon)+1) > maxMonthSeeks {
			return nil, nil
		}
		return months, nil
	}
	return nil, nil
}

// maxListedMonths is the number of months up to which a tile scan lists
// them, so that SQLite seeks each month's run of incidents_tile_months.
const maxListedMonths = 120

// monthsBetween returns the months from that of date from to that of date
// to, nil when from is after to or a date does not parse.
func monthsBetween(from, to string) []string {
	lo, err := time.Parse(geo.DateLayout, from)
	if err != nil {
		return nil
	}
	hi, err := time.Parse(geo.DateLayout, to)
	if err != nil || hi.Before(lo) {
		return nil
	}
	var months []string
	for m := time.Date(lo.Year(), lo.Month(), 1, 0, 0, 0, 0, time.UTC); !m.After(hi); m = m.AddDate(0, 1, 0) {
		months = append(months, m.Format("2006-01"))
	}
	return months
}

// tileScanQuery selects cols from the incidents matching f whose
// coordinates fall in t's bounding box, widened by a hair so that points on
// its edges are not lost to rounding; callers keep those t.Contains. With
// months (see scanMonths) it reads incidents_tile_months: for each month,
// the run of each of the tile's columns within its latitudes from
// pointIndexMinZoom on, the span of its columns below. Otherwise it walks
// incidents_tile_points from pointIndexMinZoom on and leaves the choice to
// SQLite below.
func tileScanQuery(f incidents.Filter, t geo.Tile, months []string, cols string) (string, []any) {
	const pad = 1e-7
	b := t.BBox()
	b.MinLon, b.MinLat, b.MaxLon, b.MaxLat = b.MinLon-pad, b.MinLat-pad, b.MaxLon+pad, b.MaxLat+pad
	conds, args := where(f)
	x0, x1 := pointColumn(b.MinLon), pointColumn(b.MaxLon)
	var colCond string
	var colArgs []any
	if t.Z >= pointIndexMinZoom {
		// Listing the columns makes SQLite seek the latitude range of each
		// column instead of walking whole columns from pole to pole.
		colCond = pointColumnExpr + " IN (" + placeholders(x1-x0+1) + ") AND i.lat BETWEEN ? AND ?"
		for x := x0; x <= x1; x++ {
			colArgs = append(colArgs, x)
		}
		colArgs = append(colArgs, b.MinLat, b.MaxLat)
	}
	from := "incidents i"
	switch {
	case months != nil:
		from = "incidents i INDEXED BY incidents_tile_months"
		if colCond == "" {
			colCond, colArgs = pointColumnExpr+" BETWEEN ? AND ?", []any{x0, x1}
		}
		monthArgs := make([]any, 0, len(months)+len(colArgs))
		for _, m := range months {
			monthArgs = append(monthArgs, m)
		}
		conds = slices.Insert(conds, 0, "substr(i.date, 1, 7) IN ("+placeholders(len(months))+") AND "+colCond)
		args = slices.Insert(args, 0, append(monthArgs, colArgs...)...)
	case colCond != "":
		from = "incidents i INDEXED BY incidents_tile_points"
		conds = slices.Insert(conds, 0, colCond)
		args = slices.Insert(args, 0, colArgs...)
	}
	conds = append(conds, "i.lon BETWEEN ? AND ? AND i.lat BETWEEN ? AND ?")
	args = append(args, b.MinLon, b.MaxLon, b.MinLat, b.MaxLat)
	return "SELECT " + cols + " FROM " + from + whereClause(conds), args
}

// dateBounds returns the first and last dates of the incidents, "" when
// there are none.
func (s *Store) dateBounds(ctx context.Context) (first, last string, err error) {
	var lo, hi sql.NullString
	err = s.r.QueryRowContext(ctx, "SELECT (SELECT min(date) FROM incidents), (SELECT max(date) FROM incidents)").Scan(&lo, &hi)
	return lo.String, hi.String, err
}
