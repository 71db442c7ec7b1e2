package sqlite

import (
	"context"
	"database/sql"
	"fmt"

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
	query, args := tileScanQuery(f, t, "i.id, i.lon, i.lat, i.date, i.event_type, i.fatalities")
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
	if err := s.clustersFromScan(ctx, f, t, c); err != nil {
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
// reaches Go. The cell is computed as the index computes it from its
// Mercator grid (scaling by a power of two is exact, so every zoom's cell
// is the level-17 cell shifted).
func (s *Store) clustersFromScan(ctx context.Context, f incidents.Filter, t geo.Tile, c *geo.Clusterer) error {
	inner, innerArgs := tileScanQuery(f, t, "i.lon, i.lat, i.event_type, coalesce(i.fatalities, 0) AS fatalities")
	query := `SELECT min(?1 - 1, max(0, CAST(floor((lon + 180.0) / 360.0 * ?1) AS INTEGER))) AS cx,
		min(?1 - 1, max(0, CAST(floor((1.0 - ln(tan(lat * pi() / 180.0) + 1.0 / cos(lat * pi() / 180.0)) / pi()) / 2.0 * ?1) AS INTEGER))) AS cy,
		event_type, count(*), sum(fatalities), sum(lon), sum(lat)
		FROM (` + inner + `) WHERE lat BETWEEN -85.05112877980659 AND 85.05112877980659 GROUP BY 1, 2, 3`
	args := append([]any{float64(int64(1) << c.CellZoom())}, innerArgs...)
	return addCells(ctx, s.r, c, query, args)
}

// rtreeMinZoom is the zoom from which tile scans take their candidates
// from incidents_rtree. Larger tiles hold a large share of the incidents,
// which the filter's own indexes (the full-text index for q) or a table
// scan reach faster.
const rtreeMinZoom = 9

// tileScanQuery selects cols from the incidents matching f whose
// coordinates fall in t's bounding box, widened by a hair so that points on
// its edges are not lost to rounding; callers keep those t.Contains. From
// rtreeMinZoom on the candidates come from the R*Tree; below, SQLite
// chooses. Tiles read SQLite only while the in-memory index is not there.
func tileScanQuery(f incidents.Filter, t geo.Tile, cols string) (string, []any) {
	const pad = 1e-7
	b := t.BBox()
	b.MinLon, b.MinLat, b.MaxLon, b.MaxLat = b.MinLon-pad, b.MinLat-pad, b.MaxLon+pad, b.MaxLat+pad
	conds, args := where(f)
	if t.Z >= rtreeMinZoom {
		rc, rargs := rtreeCond(b)
		conds, args = append([]string{rc}, conds...), append(rargs, args...)
	}
	conds = append(conds, "i.lon BETWEEN ? AND ? AND i.lat BETWEEN ? AND ?")
	args = append(args, b.MinLon, b.MaxLon, b.MinLat, b.MaxLat)
	return "SELECT " + cols + " FROM incidents i" + whereClause(conds), args
}
