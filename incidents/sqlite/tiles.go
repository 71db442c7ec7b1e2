package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/mapd/mapd/geo"
	"github.com/mapd/mapd/incidents"
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
// further matches; limit <= 0 means no limit. When the precomputed cells
// show that the tile holds more than limit matches, it returns no points
// and more = true without reading the incidents.
func (s *Store) TilePoints(ctx context.Context, f incidents.Filter, t geo.Tile, limit int) (points []incidents.TilePoint, more bool, err error) {
	if err := checkFilter(f); err != nil {
		return nil, false, err
	}
	if limit > 0 {
		n, ok, err := s.precount(ctx, f, t)
		if err != nil {
			return nil, false, fmt.Errorf("incidents: tile points %s: %w", t, err)
		}
		if ok && n > limit {
			return nil, true, nil
		}
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
// cells aligned to the tile pyramid (see geo.Clusterer). With no filter
// but event types, and cells no deeper than the deepest precomputed level
// (17: tiles up to zoom 14 with depth 3), they come from tile_cells,
// reading a bounded number of rows whatever the size of the data (the
// levels, listed in tile_levels, are at most three apart). With dates too,
// and cells no deeper than level 14 (tiles up to zoom 11), they come from
// tile_cells_monthly for the whole months and from the incidents for the
// days of partial months. Otherwise they come from the matching incidents
// in the tile.
func (s *Store) TileClusters(ctx context.Context, f incidents.Filter, t geo.Tile, depth int) ([]geo.Cluster, error) {
	if err := checkFilter(f); err != nil {
		return nil, err
	}
	c := geo.NewClusterer(t, depth)
	err := s.clusters(ctx, f, t, c)
	if err != nil {
		return nil, fmt.Errorf("incidents: tile clusters %s: %w", t, err)
	}
	return c.Clusters(), nil
}

func (s *Store) clusters(ctx context.Context, f incidents.Filter, t geo.Tile, c *geo.Clusterer) error {
	ok, err := s.clustersFromPrecomputed(ctx, f, t, c)
	if err != nil || ok {
		return err
	}
	months, err := s.scanMonths(ctx, f, t)
	if err != nil {
		return err
	}
	return s.clustersFromScan(ctx, f, t, months, c)
}

// precount returns a lower bound of the number of incidents matching f
// in tile t, and true, when the precomputed cells can tell one without
// reading incidents: the exact number for a filter on event types alone,
// that of the whole months for a filter on dates too (the days of partial
// months would need reading the incidents, which the caller does anyway
// when the bound is below its limit).
func (s *Store) precount(ctx context.Context, f incidents.Filter, t geo.Tile) (int, bool, error) {
	c := geo.NewClusterer(t, 0)
	var ok bool
	var err error
	switch {
	case cellFriendly(f):
		ok, err = s.clustersFromPrecomputed(ctx, f, t, c)
	case monthFriendly(f):
		ok, err = s.clustersFromMonths(ctx, f, t, c, false)
	}
	if err != nil || !ok {
		return 0, false, err
	}
	n := 0
	for _, cl := range c.Clusters() {
		n += cl.Count
	}
	return n, true, nil
}

// clustersFromPrecomputed adds the incidents matching f in tile t to c
// from precomputed cells, and reports whether it could: tile_cells answers
// filters on event types alone, tile_cells_monthly those on dates and event
// types, when they hold a level as deep as c's cells.
func (s *Store) clustersFromPrecomputed(ctx context.Context, f incidents.Filter, t geo.Tile, c *geo.Clusterer) (bool, error) {
	switch {
	case cellFriendly(f):
		level, ok, err := s.cellLevel(ctx, c.CellZoom())
		if err != nil || !ok {
			return false, err
		}
		return true, s.clustersFromCells(ctx, f, t, level, c)
	case monthFriendly(f):
		return s.clustersFromMonths(ctx, f, t, c, true)
	}
	return false, nil
}

// cellLevel returns the coarsest level of tile_cells at least as deep as z.
// The levels are read from the tile_levels table, so that a database
// migrated with other levels still gets correct answers.
func (s *Store) cellLevel(ctx context.Context, z int) (int, bool, error) {
	return s.levelIn(ctx, "tile_levels", z)
}

// levelIn returns the smallest level at least z in table, one of
// tile_levels and tile_month_levels.
func (s *Store) levelIn(ctx context.Context, table string, z int) (int, bool, error) {
	var level sql.NullInt64
	if err := s.r.QueryRowContext(ctx, "SELECT min(level) FROM "+table+" WHERE level >= ?", z).Scan(&level); err != nil {
		return 0, false, err
	}
	return int(level.Int64), level.Valid, nil
}

// cellFriendly reports whether tile_cells can answer the filter: it keeps
// event types apart but nothing else.
func cellFriendly(f incidents.Filter) bool {
	return f.From == "" && f.To == "" && monthFriendly(f)
}

// monthFriendly reports whether tile_cells_monthly can answer the filter,
// with the incidents of partial months: it keeps event types and months
// apart but nothing else.
func monthFriendly(f incidents.Filter) bool {
	return f.Actor == "" && f.Country == "" && ftsQuery(f.Q) == "" && f.MinFatalities <= 0 && f.Expr == nil
}

// cellCount returns the number of incidents of the filter's event types in
// tile t, from the cells of a level at least as deep as t.Z.
func (s *Store) cellCount(ctx context.Context, f incidents.Filter, t geo.Tile, level int) (int, error) {
	where, args := cellRange(f, t, level)
	var n int
	err := s.r.QueryRowContext(ctx, "SELECT coalesce(sum(n), 0) FROM tile_cells WHERE "+where, args...).Scan(&n)
	return n, err
}

// cellRange returns the condition selecting the cells of level inside tile
// t with the filter's event types.
func cellRange(f incidents.Filter, t geo.Tile, level int) (string, []any) {
	where, args := cellSquare(t, level, true)
	where = "level = ? AND " + where
	args = append([]any{level}, args...)
	et, etArgs := cellEventTypes(f)
	return where + et, append(args, etArgs...)
}

// cellSquare returns the condition selecting the cells of level inside
// tile t by their cx and cy.
func cellSquare(t geo.Tile, level int, listColumns bool) (string, []any) {
	shift := level - t.Z
	x0, y0 := t.X<<shift, t.Y<<shift
	x1, y1 := x0+(1<<shift)-1, y0+(1<<shift)-1
	if !listColumns {
		return "cx BETWEEN ? AND ? AND cy BETWEEN ? AND ?", []any{x0, x1, y0, y1}
	}
	return cellRect(x0, x1, y0, y1)
}

// cellRect returns the condition selecting the cells with cx in [x0, x1]
// and cy in [y0, y1]. Listing the columns lets SQLite seek each column's
// rows in the primary key, instead of walking the whole column strip from
// pole to pole.
func cellRect(x0, x1, y0, y1 int) (string, []any) {
	cols := x1 - x0 + 1
	if cols > 64 {
		return "cx BETWEEN ? AND ? AND cy BETWEEN ? AND ?", []any{x0, x1, y0, y1}
	}
	args := make([]any, 0, cols+2)
	for x := x0; x <= x1; x++ {
		args = append(args, x)
	}
	return "cx IN (" + placeholders(cols) + ") AND cy BETWEEN ? AND ?", append(args, y0, y1)
}

// cellEventTypes returns the condition, starting with AND, keeping the
// cells of the filter's event types.
func cellEventTypes(f incidents.Filter) (string, []any) {
	if len(f.EventTypes) == 0 {
		return "", nil
	}
	args := make([]any, 0, len(f.EventTypes))
	for _, et := range f.EventTypes {
		args = append(args, et)
	}
	return " AND event_type IN (" + placeholders(len(f.EventTypes)) + ")", args
}

// clustersFromCells adds the cells of level (at least as deep as c's) in
// tile t with f's event types to c. SQLite sums them up into c's cells, so
// that at most one row per cluster cell and event type reaches Go.
func (s *Store) clustersFromCells(ctx context.Context, f incidents.Filter, t geo.Tile, level int, c *geo.Clusterer) error {
	where, args := cellRange(f, t, level)
	shift := level - c.CellZoom()
	query := `SELECT cx >> ?, cy >> ?, event_type, sum(n), sum(fatalities), sum(sum_lon), sum(sum_lat)
		FROM tile_cells WHERE ` + where + " GROUP BY 1, 2, 3"
	return addCells(ctx, s.r, c, query, append([]any{shift, shift}, args...))
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
// cluster cell inside SQLite, with the cell formula of the tile_cells
// triggers, so only one row per cell and event type reaches Go. Cells no
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
// tile_cells triggers do and as incidents_tile_months and
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

// crowdedTile is the number of incidents above which a date-filtered scan
// of a tile of zoom below pointIndexMinZoom walks incidents_tile_months
// over the filter's months, rather than leaving the choice to SQLite.
const crowdedTile = 5000

// maxMonthSeeks bounds the months times columns a scan of a tile of zoom
// pointIndexMinZoom or more seeks in incidents_tile_months.
const maxMonthSeeks = 2048

// scanMonths returns the months ("YYYY-MM") whose runs of
// incidents_tile_months a scan of tile t for f should read, nil when it
// should not use that index: when f has no dates, when they span more than
// maxListedMonths months of stored incidents, when a tile of zoom
// pointIndexMinZoom or more would need more than maxMonthSeeks seeks, and
// for a tile of lower zoom that is not crowded.
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
	level, ok, err := s.cellLevel(ctx, t.Z)
	if err != nil || !ok {
		return months, err
	}
	n, err := s.cellCount(ctx, incidents.Filter{}, t, level)
	if err != nil || n <= crowdedTile {
		return nil, err
	}
	return months, nil
}

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

// clustersFromMonths adds the incidents matching f, a filter on dates and
// event types, in tile t to c: those of the whole months of f's date range
// from tile_cells_monthly and, with edges, those of partial months at
// either end from the incidents, a month at most each. It reports false,
// adding nothing, when tile_cells_monthly holds no level as deep as c's
// cells or f's dates do not parse.
func (s *Store) clustersFromMonths(ctx context.Context, f incidents.Filter, t geo.Tile, c *geo.Clusterer, edges bool) (bool, error) {
	level, ok, err := s.levelIn(ctx, "tile_month_levels", c.CellZoom())
	if err != nil || !ok {
		return false, err
	}
	first, last, err := s.dateBounds(ctx)
	if err != nil || first == "" {
		return err == nil, err
	}
	split, ok := splitDates(f.From, f.To, first, last)
	if !ok {
		return false, nil
	}
	if split.whole {
		g := f
		g.From, g.To = "", ""
		return s.clustersFromPrecomputed(ctx, g, t, c)
	}
	if len(split.months) > 0 {
		where, args := monthRange(f, t, level, split.months)
		shift := level - c.CellZoom()
		query := `SELECT cx >> ?, cy >> ?, event_type, sum(n), sum(fatalities), sum(sum_lon), sum(sum_lat)
			FROM tile_cells_monthly WHERE ` + where + " GROUP BY 1, 2, 3"
		if err := addCells(ctx, s.r, c, query, append([]any{shift, shift}, args...)); err != nil {
			return false, err
		}
	}
	if !edges {
		split.edges = nil
	}
	for _, e := range split.edges {
		g := f
		g.From, g.To = e[0], e[1]
		months, err := s.scanMonths(ctx, g, t)
		if err != nil {
			return false, err
		}
		if err := s.clustersFromScan(ctx, g, t, months, c); err != nil {
			return false, err
		}
	}
	return true, nil
}

// maxListedMonths is the number of periods up to which a query of
// tile_cells_monthly lists them, so that SQLite seeks each period's run of
// cells; beyond, it reads the runs of every month in between.
const maxListedMonths = 120

// monthRange returns the condition selecting the cells of level inside
// tile t of the given months with the filter's event types. Calendar
// years whose twelve months are all given are read from their year rows.
func monthRange(f incidents.Filter, t geo.Tile, level int, months []string) (string, []any) {
	// The month rows alone, between the first and the last.
	where := "level = ? AND month BETWEEN ? AND ? AND length(month) = 7"
	args := []any{level, months[0], months[len(months)-1]}
	periods := yearPeriods(months)
	listed := len(periods) <= maxListedMonths
	if listed {
		where = "level = ? AND month IN (" + placeholders(len(periods)) + ")"
		args = []any{level}
		for _, p := range periods {
			args = append(args, p)
		}
	}
	// Seeking each column of each period pays while the seeks are few.
	cols := 1 << (level - t.Z)
	sq, sqArgs := cellSquare(t, level, listed && cols*len(periods) <= 1024)
	et, etArgs := cellEventTypes(f)
	args = append(append(args, sqArgs...), etArgs...)
	return where + " AND " + sq + et, args
}

// yearPeriods returns the months ("YYYY-MM", in order), each calendar
// year whose twelve months are all there replaced by the year ("YYYY"),
// which tile_cells_monthly also holds.
func yearPeriods(months []string) []string {
	var out []string
	for i := 0; i < len(months); {
		m := months[i]
		if strings.HasSuffix(m, "-01") && i+11 < len(months) && months[i+11] == m[:4]+"-12" {
			out = append(out, m[:4])
			i += 12
			continue
		}
		out = append(out, m)
		i++
	}
	return out
}

// dateBounds returns the first and last dates of the incidents, "" when
// there are none.
func (s *Store) dateBounds(ctx context.Context) (first, last string, err error) {
	var lo, hi sql.NullString
	err = s.r.QueryRowContext(ctx, "SELECT (SELECT min(date) FROM incidents), (SELECT max(date) FROM incidents)").Scan(&lo, &hi)
	return lo.String, hi.String, err
}

// dateSplit is an inclusive date range split into whole months and the
// date ranges of partial months.
type dateSplit struct {
	whole  bool        // the range holds every stored date: it filters nothing
	months []string    // whole months, "YYYY-MM", in order
	edges  [][2]string // inclusive date ranges of partial months
}

// splitDates splits the date range [from, to] ("" for open ends) over
// incidents dated from first to last. A month is whole when the range
// holds all of it or all of its part between first and last. It returns
// false when a date does not parse.
func splitDates(from, to, first, last string) (dateSplit, bool) {
	if from == "" || from < first {
		from = first
	}
	if to == "" || to > last {
		to = last
	}
	if from == first && to == last {
		return dateSplit{whole: true}, true
	}
	if from > to {
		return dateSplit{}, true
	}
	lo, err := time.Parse(geo.DateLayout, from)
	if err != nil {
		return dateSplit{}, false
	}
	hi, err := time.Parse(geo.DateLayout, to)
	if err != nil {
		return dateSplit{}, false
	}
	loMonth := time.Date(lo.Year(), lo.Month(), 1, 0, 0, 0, 0, time.UTC)
	hiMonth := time.Date(hi.Year(), hi.Month(), 1, 0, 0, 0, 0, time.UTC)
	loPartial := from != first && lo.Day() != 1
	hiPartial := to != last && hi.AddDate(0, 0, 1).Day() != 1
	var sp dateSplit
	if loMonth.Equal(hiMonth) && (loPartial || hiPartial) {
		sp.edges = [][2]string{{from, to}}
		return sp, true
	}
	if loPartial {
		sp.edges = append(sp.edges, [2]string{from, loMonth.AddDate(0, 1, -1).Format(geo.DateLayout)})
		loMonth = loMonth.AddDate(0, 1, 0)
	}
	if hiPartial {
		sp.edges = append(sp.edges, [2]string{hiMonth.Format(geo.DateLayout), to})
		hiMonth = hiMonth.AddDate(0, -1, 0)
	}
	for m := loMonth; !m.After(hiMonth); m = m.AddDate(0, 1, 0) {
		sp.months = append(sp.months, m.Format("2006-01"))
	}
	return sp, true
}

// rebuildMonthlyCells recomputes tile_cells_monthly from the incidents
// table, set-based, for a bulk load that inserted rows with the triggers
// dropped. The finest level is aggregated from the incidents, computing
// each point's cell as the triggers of migration 0007 do; every coarser
// level from the level below it.
func rebuildMonthlyCells(ctx context.Context, tx *sql.Tx) error {
	if err := rebuildCellLevels(ctx, tx, "tile_month_levels", "tile_cells_monthly", finestMonthlyCellsSQL, coarserMonthlyCellsSQL); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, yearlyCellsSQL); err != nil {
		return fmt.Errorf("incidents: yearly tile cells: %w", err)
	}
	return nil
}

// yearlyCellsSQL adds the year rows of tile_cells_monthly (migration 0011)
// from its month rows.
const yearlyCellsSQL = `INSERT INTO tile_cells_monthly (level, month, cx, cy, event_type, n, fatalities, sum_lon, sum_lat)
    SELECT level, substr(month, 1, 4), cx, cy, event_type, sum(n), sum(fatalities), sum(sum_lon), sum(sum_lat)
    FROM tile_cells_monthly WHERE length(month) = 7
    GROUP BY 1, 2, 3, 4, 5`

// finestMonthlyCellsSQL aggregates the incidents into the monthly cells of
// one level (parameters: level, and 17 - level twice).
const finestMonthlyCellsSQL = `INSERT INTO tile_cells_monthly (level, month, cx, cy, event_type, n, fatalities, sum_lon, sum_lat)
    SELECT ?, substr(i.date, 1, 7),
           min(131071, max(0, CAST(floor((i.lon + 180.0) / 360.0 * 131072) AS INTEGER))) >> ?,
           min(131071, max(0, CAST(floor((1.0 - ln(tan(i.lat * pi() / 180.0) + 1.0 / cos(i.lat * pi() / 180.0)) / pi()) / 2.0 * 131072) AS INTEGER))) >> ?,
           i.event_type, count(*), sum(coalesce(i.fatalities, 0)), sum(i.lon), sum(i.lat)
    FROM incidents i
    WHERE i.lat BETWEEN -85.05112877980659 AND 85.05112877980659
    GROUP BY 2, 3, 4, 5`

// coarserMonthlyCellsSQL aggregates the monthly cells of one level into
// those of a coarser one (parameters: the coarser level, the shift between
// the two twice, and the finer level).
const coarserMonthlyCellsSQL = `INSERT INTO tile_cells_monthly (level, month, cx, cy, event_type, n, fatalities, sum_lon, sum_lat)
    SELECT ?, month, cx >> ?, cy >> ?, event_type, sum(n), sum(fatalities), sum(sum_lon), sum(sum_lat)
    FROM tile_cells_monthly WHERE level = ?
    GROUP BY 2, 3, 4, 5`
