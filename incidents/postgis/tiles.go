package postgis

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mapd/mapd/geo"
	"github.com/mapd/mapd/incidents"
)

// tileQuery returns the conditions of the filter f (its BBox ignored) and
// of tile t's bounding box, grown by a hair so that points on its edges
// are not lost to rounding; callers keep those t.Contains.
func tileQuery(f incidents.Filter, t geo.Tile) (*query, error) {
	const pad = 1e-7
	b := t.BBox()
	q, err := filterQuery(f, false)
	if err != nil {
		return nil, err
	}
	q.conds = append(q.conds, fmt.Sprintf("i.geom && ST_MakeEnvelope(%s, %s, %s, %s, 4326)",
		q.arg(b.MinLon-pad), q.arg(b.MinLat-pad), q.arg(b.MaxLon+pad), q.arg(b.MaxLat+pad)))
	return q, nil
}

// TilePoints returns the incidents matching f (its BBox, Limit and Cursor
// ignored) that lie in tile t, in id order. It stops after limit points
// and then reports more = true when the tile holds further matches;
// limit <= 0 means no limit.
func (s *Store) tilePoints(ctx context.Context, db *pgxpool.Pool, f incidents.Filter, t geo.Tile, limit int) (points []incidents.TilePoint, more bool, err error) {
	q, err := tileQuery(f, t)
	if err != nil {
		return nil, false, err
	}
	sql := "SELECT i.id, i.lon, i.lat, to_char(i.date, 'YYYY-MM-DD'), i.event_type, i.fatalities FROM incidents i" + q.where() + " ORDER BY i.id"
	rows, err := db.Query(ctx, sql, q.args...)
	if err != nil {
		return nil, false, wrap("tile points "+t.String(), err)
	}
	defer rows.Close()
	for rows.Next() {
		var p incidents.TilePoint
		var fat *int32
		if err := rows.Scan(&p.ID, &p.Lon, &p.Lat, &p.Date, &p.EventType, &fat); err != nil {
			return nil, false, wrap("tile points "+t.String(), err)
		}
		if !t.Contains(p.Lon, p.Lat) {
			continue
		}
		if limit > 0 && len(points) == limit {
			return points, true, nil
		}
		p.Fatalities = intPtr(fat)
		points = append(points, p)
	}
	if err := rows.Err(); err != nil {
		return nil, false, wrap("tile points "+t.String(), err)
	}
	return points, false, nil
}

// TileClusters returns the clusters of the incidents matching f (its
// BBox, Limit and Cursor ignored) in tile t, on a grid of 2^depth by
// 2^depth cells (see geo.Clusterer), aggregated by PostgreSQL: one row per
// cell and event type.
func (s *Store) tileClusters(ctx context.Context, db *pgxpool.Pool, f incidents.Filter, t geo.Tile, depth int) ([]geo.Cluster, error) {
	c := geo.NewClusterer(t, depth)
	q, err := tileQuery(f, t)
	if err != nil {
		return nil, err
	}
	n := q.arg(float64(int64(1) << c.CellZoom()))
	// The cell of a point is computed as the SQLite store's cell columns
	// and geo.TileAt compute it.
	sql := `SELECT cx, cy, event_type, count(*), sum(fatalities), sum(lon), sum(lat) FROM (
		SELECT least(` + n + ` - 1, greatest(0, floor((i.lon + 180.0) / 360.0 * ` + n + `)))::bigint AS cx,
			least(` + n + ` - 1, greatest(0, floor((1.0 - ln(tan(i.lat * pi() / 180.0) + 1.0 / cos(i.lat * pi() / 180.0)) / pi()) / 2.0 * ` + n + `)))::bigint AS cy,
			i.event_type, coalesce(i.fatalities, 0) AS fatalities, i.lon, i.lat
		FROM incidents i` + q.where() + ` AND i.lat BETWEEN -85.05112877980659 AND 85.05112877980659) c
		GROUP BY 1, 2, 3`
	rows, err := db.Query(ctx, sql, q.args...)
	if err != nil {
		return nil, wrap("tile clusters "+t.String(), err)
	}
	defer rows.Close()
	for rows.Next() {
		var cx, cy int64
		var et string
		var cnt, fat int64
		var sumLon, sumLat float64
		if err := rows.Scan(&cx, &cy, &et, &cnt, &fat, &sumLon, &sumLat); err != nil {
			return nil, wrap("tile clusters "+t.String(), err)
		}
		c.Add(geo.Tile{Z: c.CellZoom(), X: int(cx), Y: int(cy)}, et, int(cnt), int(fat), sumLon, sumLat)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("tile clusters "+t.String(), err)
	}
	return c.Clusters(), nil
}
