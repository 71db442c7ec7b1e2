package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/mapd/mapd/geo"
	"github.com/mapd/mapd/incidents"
	"github.com/mapd/mapd/incidents/index"
)

// List calls fn for each incident of one page of the filter's matches, in
// date-descending, id-descending order, without holding the page in memory.
// Count and rows come from one read snapshot.
func (s *Store) List(ctx context.Context, f incidents.Filter, fn func(*incidents.Incident) error) (incidents.Page, error) {
	if err := checkFilter(f); err != nil {
		return incidents.Page{}, err
	}
	f = f.LiftBBox()
	if q, _, err := s.indexQuery(ctx, f); err != nil || q != nil {
		if err != nil {
			return incidents.Page{}, err
		}
		return s.listFromIndex(ctx, q, f, fn)
	}
	return s.listFromSQL(ctx, f, fn)
}

// ListFeatures lists the page List lists, but calls fn with each
// incident's GeoJSON Feature as incidents.Incident.AppendFeature encodes
// it (fn must not keep the bytes). For a page the index chooses, in any
// order, the features of incidents listed recently come from a cache of
// encoded features, and only the others are read from SQLite.
func (s *Store) ListFeatures(ctx context.Context, f incidents.Filter, fn func(feature []byte) error) (incidents.Page, error) {
	if err := checkFilter(f); err != nil {
		return incidents.Page{}, err
	}
	f = f.LiftBBox()
	var buf []byte
	encode := func(in *incidents.Incident) error {
		buf = in.AppendFeature(buf[:0])
		return fn(buf)
	}
	q, snap, err := s.indexQuery(ctx, f)
	switch {
	case err != nil:
		return incidents.Page{}, err
	case q == nil:
		return s.listFromSQL(ctx, f, encode)
	}
	ids, next, err := pageFromIndex(q, f)
	if err != nil {
		return incidents.Page{}, err
	}
	page := incidents.Page{Matched: q.Count(), Next: next}
	if len(ids) == 0 {
		return page, nil
	}
	version := snap.Version()
	cache := s.idx.features
	// The page is written a batch at a time, so that a large page (10,000
	// features, some 7 MB) is never held whole.
	feats := make([][]byte, min(len(ids), featureBatch))
	at := make(map[int64]int, len(feats)) // position in the batch
	var missing, readIDs []int64
	var read [][]byte
	for len(ids) > 0 {
		batch := ids[:min(len(ids), featureBatch)]
		ids = ids[len(batch):]
		feats := feats[:len(batch)]
		clear(feats)
		if found := cache.get(version, batch, feats); found < len(batch) {
			clear(at)
			missing, readIDs, read = missing[:0], readIDs[:0], read[:0]
			for i, id := range batch {
				if feats[i] == nil {
					at[id] = i
					missing = append(missing, id)
				}
			}
			err := s.fetchRows(ctx, missing, false, func(in *incidents.Incident) error {
				buf = in.AppendFeature(buf[:0])
				b := bytes.Clone(buf) // the cache's, never changed
				feats[at[in.ID]] = b
				readIDs, read = append(readIDs, in.ID), append(read, b)
				return nil
			})
			if err != nil {
				return incidents.Page{}, err
			}
			cache.put(version, readIDs, read)
		}
		for _, b := range feats {
			if b == nil {
				continue // deleted since the snapshot
			}
			if err := fn(b); err != nil {
				return incidents.Page{}, err
			}
			page.Returned++
		}
	}
	return page, nil
}

// featureBatch is the number of a page's features ListFeatures reads and
// writes at a time (a variable for the tests): a 1,000-feature page in one
// read (256 at a time cost about 8% more CPU on uncached city pages), a
// 10,000-feature page in ten.
var featureBatch = 1024

// listFromSQL lists a page from SQLite's own indexes, with its count and
// rows from one read snapshot.
func (s *Store) listFromSQL(ctx context.Context, f incidents.Filter, fn func(*incidents.Incident) error) (incidents.Page, error) {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return incidents.Page{}, fmt.Errorf("incidents: list: %w", err)
	}
	defer tx.Rollback()
	matched, err := count(ctx, tx, f)
	if err != nil {
		return incidents.Page{}, err
	}
	page := incidents.Page{Matched: matched}
	limit := f.PageLimit()
	total := 0
	if f.BBox != nil {
		if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM incidents").Scan(&total); err != nil {
			return incidents.Page{}, fmt.Errorf("incidents: list: %w", err)
		}
	}
	query, args, err := listQuery(f, limit+1, useRTree(f, matched, total, limit))
	if err != nil {
		return incidents.Page{}, err
	}
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return incidents.Page{}, fmt.Errorf("incidents: list: %w", err)
	}
	defer rows.Close()
	var in, last incidents.Incident
	for rows.Next() {
		if page.Returned == limit {
			page.Next = f.NextCursor(&last)
			break
		}
		in = incidents.Incident{}
		if err := scanIncident(rows, &in); err != nil {
			return incidents.Page{}, fmt.Errorf("incidents: list: %w", err)
		}
		if err := fn(&in); err != nil {
			return incidents.Page{}, err
		}
		last = in
		page.Returned++
	}
	if err := rows.Err(); err != nil {
		return incidents.Page{}, fmt.Errorf("incidents: list: %w", err)
	}
	return page, nil
}

// pageFromIndex returns the ids of the page of f that the index chooses,
// in the default order or sortby's, and the cursor of the next page ("":
// none).
func pageFromIndex(q *index.Query, f incidents.Filter) (ids []int64, next string, err error) {
	if len(f.Sort) == 0 {
		return q.Page(f.Cursor, f.PageLimit())
	}
	after, err := f.CursorValues()
	if err != nil {
		return nil, "", err
	}
	ids, last, err := q.PageSorted(f.SortKeys(), after, f.PageLimit())
	if err != nil || last == nil {
		return ids, "", err
	}
	// The next page continues after the last row's sort values, which
	// NextCursor reads from an incident.
	at := incidents.Incident{ID: ids[len(ids)-1]}
	for i, k := range f.SortKeys() {
		switch v := last[i].(type) {
		case string:
			at.Date = v
		case int64:
			n := int(v)
			switch {
			case k.Field == "id":
				at.ID = v
			case v < 0: // unknown
			case k.Field == "fatalities":
				at.Fatalities = &n
			case k.Field == "injuries":
				at.Injuries = &n
			}
		}
	}
	return ids, f.NextCursor(&at), nil
}

// listFromIndex lists the page the index chooses, in the default order
// or sortby's: it reads only those rows. A row deleted since the index's
// snapshot is left out.
func (s *Store) listFromIndex(ctx context.Context, q *index.Query, f incidents.Filter, fn func(*incidents.Incident) error) (incidents.Page, error) {
	ids, next, err := pageFromIndex(q, f)
	if err != nil {
		return incidents.Page{}, err
	}
	page := incidents.Page{Matched: q.Count(), Next: next}
	if len(ids) == 0 {
		return page, nil
	}
	err = s.fetchRows(ctx, ids, true, func(in *incidents.Incident) error {
		if err := fn(in); err != nil {
			return err
		}
		page.Returned++
		return nil
	})
	if err != nil {
		return incidents.Page{}, err
	}
	return page, nil
}

// fetchRows calls fn for each of the incidents ids, leaving out those no
// longer stored: in the order of ids when ordered, else in id order,
// which spares SQLite sorting the rows. fn must not keep the incident.
func (s *Store) fetchRows(ctx context.Context, ids []int64, ordered bool, fn func(*incidents.Incident) error) error {
	// The ids go as one JSON array: the statement's text is the same for
	// every page (placeholders for a thousand ids took a tenth of a
	// page's time to parse).
	list := make([]byte, 0, len(ids)*8+2)
	list = append(list, '[')
	for i, id := range ids {
		if i > 0 {
			list = append(list, ',')
		}
		list = strconv.AppendInt(list, id, 10)
	}
	list = append(list, ']')
	query := "SELECT " + fetchColumns + " FROM incidents i WHERE i.id IN (SELECT value FROM json_each(?))"
	if ordered {
		query = "SELECT " + fetchColumns + " FROM json_each(?) j CROSS JOIN incidents i ON i.id = j.value ORDER BY j.key"
	}
	rows, err := s.r.QueryContext(ctx, query, string(list))
	if err != nil {
		return fmt.Errorf("incidents: list: %w", err)
	}
	defer rows.Close()
	var in incidents.Incident
	for rows.Next() {
		in = incidents.Incident{}
		if err := scanPacked(rows, &in); err != nil {
			return fmt.Errorf("incidents: list: %w", err)
		}
		if err := fn(&in); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("incidents: list: %w", err)
	}
	return nil
}

// packedColumns are the text columns fetchColumns packs into one, in
// order.
var packedColumns = []string{"source_id", "date", "date_precision", "event_type", "sub_event_type",
	"actor1", "actor2", "place", "country", "admin1", "notes", "sources", "tags", "created_at", "updated_at"}

// fetchColumns are the columns fetchRows selects: the numbers one by
// one, then every text column packed into one, each as its length in
// bytes, a colon and its text. The driver's cost is per column (the
// connection's mutex, a type check and a copy into a new string for each
// value): reading eight columns rather than twenty-two took 0.88x the
// time of a 1,000-row fetch at 1M (BenchmarkFetchRows, median of 11
// alternating runs), and the incident's strings share one copy.
var fetchColumns = func() string {
	var parts []string
	for _, c := range packedColumns {
		v := "coalesce(i." + c + ", '')"
		parts = append(parts, "octet_length("+v+"), ':', "+v)
	}
	return "i.id, i.fatalities, i.injuries, i.lat, i.lon, i.geo_precision, i.geonameid, concat(" + strings.Join(parts, ", ") + ")"
}()

// errPacked reports packed text columns that do not split as packed.
var errPacked = errors.New("packed text columns do not split")

// scanPacked scans a row of fetchColumns into in, as scanIncident scans
// one of selectColumns.
func scanPacked(sc scanner, in *incidents.Incident) error {
	var fat, inj, gid sql.NullInt64
	var packed, sources, tags string
	nums := new(incidentNumbers)
	if err := sc.Scan(&in.ID, &fat, &inj, &nums.lat, &nums.lon, &in.GeoPrecision, &gid, &packed); err != nil {
		return err
	}
	fields := [...]*string{&in.SourceID, &in.Date, &in.DatePrecision, &in.EventType, &in.SubEventType,
		&in.Actor1, &in.Actor2, &in.Place, &in.Country, &in.Admin1, &in.Notes, &sources, &tags, &in.CreatedAt, &in.UpdatedAt}
	rest := packed
	for _, dst := range fields {
		colon := strings.IndexByte(rest, ':')
		if colon < 0 {
			return errPacked
		}
		n, err := strconv.Atoi(rest[:colon])
		if err != nil || n < 0 || n > len(rest)-colon-1 {
			return errPacked
		}
		*dst, rest = rest[colon+1:colon+1+n], rest[colon+1+n:]
	}
	if rest != "" {
		return errPacked
	}
	return nums.finish(in, fat, inj, gid, sources, tags)
}

// Count returns the number of incidents matching the filter.
func (s *Store) Count(ctx context.Context, f incidents.Filter) (int, error) {
	if err := checkFilter(f); err != nil {
		return 0, err
	}
	f = f.LiftBBox()
	if q, _, err := s.indexQuery(ctx, f); err != nil || q != nil {
		if err != nil {
			return 0, err
		}
		return q.Count(), nil
	}
	return count(ctx, s.r, f)
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// count returns the number of incidents matching f, from the incidents
// and their indexes.
func count(ctx context.Context, q querier, f incidents.Filter) (int, error) {
	return countRows(ctx, q, f)
}

// countRows counts the incidents matching f from the incidents and their
// indexes.
func countRows(ctx context.Context, q querier, f incidents.Filter) (int, error) {
	conds, args := where(f)
	if f.BBox != nil {
		inBox, err := countBBox(ctx, q, *f.BBox)
		if err != nil || len(conds) == 0 {
			return inBox, err
		}
		bc, bargs := bboxCond(*f.BBox)
		if inBox <= rtreeJoinMax {
			rc, rargs := rtreeCond(*f.BBox)
			conds = append(conds, rc)
			args = append(args, rargs...)
		}
		conds = append(conds, bc)
		args = append(args, bargs...)
	}
	query := "SELECT count(*) FROM incidents i" + whereClause(conds)
	var n int
	if err := q.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("incidents: count: %w", err)
	}
	return n, nil
}

// rtreeJoinMax is the number of bbox candidates above which joining the
// R*Tree to the table costs more than scanning the table's other indexes.
const rtreeJoinMax = 50_000

// rtreeEdge is a margin, in degrees, wider than the rounding of the
// R*Tree's 32-bit floats anywhere on Earth.
const rtreeEdge = 1e-4

// countBBox counts the incidents in the box exactly while touching only the
// R*Tree for all but a thin band along the edges: points whose rounded box
// lies inside the box shrunk by rtreeEdge are surely in it; the few within
// rtreeEdge of an edge are checked against their exact coordinates.
func countBBox(ctx context.Context, q querier, b geo.BBox) (int, error) {
	total := 0
	for _, p := range b.Split() {
		inner := geo.BBox{MinLon: p.MinLon + rtreeEdge, MinLat: p.MinLat + rtreeEdge, MaxLon: p.MaxLon - rtreeEdge, MaxLat: p.MaxLat - rtreeEdge}
		var sure, edge int
		if inner.MinLon <= inner.MaxLon && inner.MinLat <= inner.MaxLat {
			err := q.QueryRowContext(ctx, `SELECT count(*) FROM incidents_rtree
				WHERE min_lon >= ? AND max_lon <= ? AND min_lat >= ? AND max_lat <= ?`,
				inner.MinLon, inner.MaxLon, inner.MinLat, inner.MaxLat).Scan(&sure)
			if err != nil {
				return 0, fmt.Errorf("incidents: count: %w", err)
			}
		} else {
			inner = geo.BBox{MinLon: 1, MaxLon: -1, MinLat: 1, MaxLat: -1} // contains nothing
		}
		// The points near an edge overlap one of four thin strips along the
		// edges; of those, count the ones in the box that the inner count
		// missed.
		e := rtreeEdge
		strips := []geo.BBox{
			{MinLon: p.MinLon - e, MaxLon: p.MinLon + e, MinLat: p.MinLat - e, MaxLat: p.MaxLat + e},
			{MinLon: p.MaxLon - e, MaxLon: p.MaxLon + e, MinLat: p.MinLat - e, MaxLat: p.MaxLat + e},
			{MinLon: p.MinLon - e, MaxLon: p.MaxLon + e, MinLat: p.MinLat - e, MaxLat: p.MinLat + e},
			{MinLon: p.MinLon - e, MaxLon: p.MaxLon + e, MinLat: p.MaxLat - e, MaxLat: p.MaxLat + e},
		}
		var parts []string
		var args []any
		for _, st := range strips {
			parts = append(parts, "SELECT id FROM incidents_rtree WHERE max_lon >= ? AND min_lon <= ? AND max_lat >= ? AND min_lat <= ?")
			args = append(args, st.MinLon, st.MaxLon, st.MinLat, st.MaxLat)
		}
		bc, bargs := bboxCond(p)
		args = append(args, inner.MinLon, inner.MaxLon, inner.MinLat, inner.MaxLat)
		args = append(args, bargs...)
		err := q.QueryRowContext(ctx, `SELECT count(*) FROM incidents_rtree r JOIN incidents i ON i.id = r.id
			WHERE r.id IN (`+strings.Join(parts, " UNION ")+`)
			AND NOT (r.min_lon >= ? AND r.max_lon <= ? AND r.min_lat >= ? AND r.max_lat <= ?) AND `+bc,
			args...).Scan(&edge)
		if err != nil {
			return 0, fmt.Errorf("incidents: count: %w", err)
		}
		total += sure + edge
	}
	return total, nil
}

// useRTree decides how to find a page of bbox matches. When the box holds
// few of the incidents, collecting its R*Tree candidates and sorting them is
// cheapest; when it holds many, walking the date index and testing each
// row's coordinates reaches a page's worth of matches sooner.
func useRTree(f incidents.Filter, matched, total, limit int) bool {
	if f.BBox == nil {
		return false
	}
	if matched == 0 || total == 0 {
		return true
	}
	// Index entries the date-index walk is expected to visit to fill the
	// page, against rows the R*Tree path reads and sorts. The walk tests
	// coordinates from the index itself (migration 0004), about 20 times
	// cheaper per row than the R*Tree path's table reads (measured at 1M).
	expectedScan := float64(limit) * float64(total) / float64(matched)
	return float64(matched)*20 <= expectedScan
}

func listQuery(f incidents.Filter, limit int, rtree bool) (string, []any, error) {
	conds, args := where(f)
	if f.BBox != nil {
		if rtree {
			rc, rargs := rtreeCond(*f.BBox)
			conds = append(conds, rc)
			args = append(args, rargs...)
		}
		bc, bargs := bboxCond(*f.BBox)
		conds = append(conds, bc)
		args = append(args, bargs...)
	}
	order := "i.date DESC, i.id DESC"
	switch {
	case len(f.Sort) > 0:
		var after string
		var afterArgs []any
		var err error
		if order, after, afterArgs, err = sortSQL(f); err != nil {
			return "", nil, err
		}
		if after != "" {
			conds = append(conds, after)
			args = append(args, afterArgs...)
		}
	case f.Cursor != "":
		date, id, err := incidents.DecodeCursor(f.Cursor)
		if err != nil {
			return "", nil, err
		}
		conds = append(conds, "(i.date < ? OR (i.date = ? AND i.id < ?))")
		args = append(args, date, date, id)
	}
	from := "incidents i"
	if f.BBox != nil && !rtree && len(f.Sort) == 0 {
		// Walk the date index; the planner would otherwise be tempted by the
		// R*Tree-free coordinate ranges.
		from = "incidents i INDEXED BY incidents_date"
	}
	query := "SELECT " + selectColumns + " FROM " + from + whereClause(conds) + " ORDER BY " + order
	if limit > 0 {
		query += " LIMIT ?"
		args = append(args, limit)
	}
	return query, args, nil
}

func whereClause(conds []string) string {
	if len(conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(conds, " AND ")
}

// Stats returns counts and fatalities by event type, month, country,
// admin1 and actor for the filter (Limit and Cursor ignored).
func (s *Store) Stats(ctx context.Context, f incidents.Filter) (incidents.Stats, error) {
	if err := checkFilter(f); err != nil {
		return incidents.Stats{}, err
	}
	f = f.LiftBBox()
	f.Limit, f.Cursor = 0, ""
	if q, _, err := s.indexQuery(ctx, f); err != nil || q != nil {
		if err != nil {
			return incidents.Stats{}, err
		}
		return q.Stats(), nil
	}
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return incidents.Stats{}, fmt.Errorf("incidents: stats: %w", err)
	}
	defer tx.Rollback()
	conds, args := where(f)
	if f.BBox != nil {
		inBox, err := countBBox(ctx, tx, *f.BBox)
		if err != nil {
			return incidents.Stats{}, err
		}
		if inBox <= rtreeJoinMax {
			rc, rargs := rtreeCond(*f.BBox)
			conds = append(conds, rc)
			args = append(args, rargs...)
		}
		bc, bargs := bboxCond(*f.BBox)
		conds = append(conds, bc)
		args = append(args, bargs...)
	}
	where := whereClause(conds)
	st := incidents.NewStats()
	var minDate, maxDate sql.NullString
	err = tx.QueryRowContext(ctx, "SELECT count(*), coalesce(sum(i.fatalities), 0), min(i.date), max(i.date) FROM incidents i"+where, args...).
		Scan(&st.Count, &st.Fatalities, &minDate, &maxDate)
	if err != nil {
		return incidents.Stats{}, fmt.Errorf("incidents: stats: %w", err)
	}
	st.MinDate, st.MaxDate = minDate.String, maxDate.String
	and := func(cond string) string { return whereClause(append(slices.Clip(conds), cond)) }
	byActor := "SELECT k, count(*), sum(f) FROM (" +
		"SELECT i.actor1 AS k, coalesce(i.fatalities, 0) AS f FROM incidents i" + and("i.actor1 <> ''") +
		" UNION ALL SELECT i.actor2, coalesce(i.fatalities, 0) FROM incidents i" + and("i.actor2 <> '' AND i.actor2 <> i.actor1") +
		fmt.Sprintf(") GROUP BY k ORDER BY count(*) DESC, k LIMIT %d", incidents.TopActors)
	group := func(expr, where, order string) string {
		return "SELECT " + expr + " AS k, count(*), coalesce(sum(i.fatalities), 0) FROM incidents i" + where + " GROUP BY k ORDER BY " + order
	}
	groups := []struct {
		query string
		args  []any
		dst   *[]incidents.StatBucket
	}{
		{group("i.event_type", where, "count(*) DESC, k"), args, &st.ByEventType},
		{group("substr(i.date, 1, 7)", where, "k"), args, &st.ByMonth},
		{group("i.country", where, "count(*) DESC, k"), args, &st.ByCountry},
		{group("i.admin1", and("i.admin1 <> ''"), fmt.Sprintf("count(*) DESC, k LIMIT %d", incidents.TopAdmin1)), args, &st.ByAdmin1},
		{byActor, append(slices.Clip(args), args...), &st.ByActor},
	}
	for _, g := range groups {
		rows, err := tx.QueryContext(ctx, g.query, g.args...)
		if err != nil {
			return incidents.Stats{}, fmt.Errorf("incidents: stats: %w", err)
		}
		for rows.Next() {
			var b incidents.StatBucket
			if err := rows.Scan(&b.Key, &b.Count, &b.Fatalities); err != nil {
				rows.Close()
				return incidents.Stats{}, fmt.Errorf("incidents: stats: %w", err)
			}
			*g.dst = append(*g.dst, b)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return incidents.Stats{}, fmt.Errorf("incidents: stats: %w", err)
		}
	}
	return st, nil
}

// Extent returns the bounding box and date range of every incident. The
// answer is cached until the data version changes, since computing it reads
// every row; concurrent callers share one computation (package flight),
// which a caller that goes away does not cancel for the others, and only
// an answer for a newer version replaces the cached one.
func (s *Store) Extent(ctx context.Context) (incidents.Extent, error) {
	if snap, err := s.snapshot(ctx); err != nil || snap != nil {
		if err != nil {
			return incidents.Extent{}, err
		}
		return s.extentFromIndex(ctx, snap)
	}
	v, err := s.Version(ctx)
	if err != nil {
		return incidents.Extent{}, err
	}
	s.extentMu.Lock()
	e, cached := s.extent, v == s.extentVersion
	s.extentMu.Unlock()
	if cached {
		return e, nil
	}
	return s.extentFlight.Do(ctx, v, func(ctx context.Context) (incidents.Extent, error) {
		e, err := s.computeExtent(ctx)
		if err != nil {
			return incidents.Extent{}, err
		}
		s.extentMu.Lock()
		if v > s.extentVersion {
			s.extent, s.extentVersion = e, v
		}
		s.extentMu.Unlock()
		return e, nil
	})
}

func (s *Store) computeExtent(ctx context.Context) (incidents.Extent, error) {
	var e incidents.Extent
	var minLon, minLat, maxLon, maxLat sql.NullFloat64
	var minDate, maxDate sql.NullString
	err := s.r.QueryRowContext(ctx, `SELECT count(*), min(lon), min(lat), max(lon), max(lat), min(date), max(date) FROM incidents`).
		Scan(&e.Count, &minLon, &minLat, &maxLon, &maxLat, &minDate, &maxDate)
	if err != nil {
		return incidents.Extent{}, fmt.Errorf("incidents: extent: %w", err)
	}
	e.MinLon, e.MinLat, e.MaxLon, e.MaxLat = minLon.Float64, minLat.Float64, maxLon.Float64, maxLat.Float64
	e.MinDate, e.MaxDate = minDate.String, maxDate.String
	return e, nil
}

// extentFromIndex returns the index's extent with the exact coordinates of
// the incidents at its edges.
func (s *Store) extentFromIndex(ctx context.Context, snap *index.Snapshot) (incidents.Extent, error) {
	e := snap.Extent()
	ids := snap.ExtentIDs()
	if len(ids) == 0 {
		return e, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	var minLon, minLat, maxLon, maxLat sql.NullFloat64
	err := s.r.QueryRowContext(ctx, "SELECT min(lon), min(lat), max(lon), max(lat) FROM incidents WHERE id IN ("+placeholders(len(ids))+")", args...).
		Scan(&minLon, &minLat, &maxLon, &maxLat)
	if err != nil {
		return incidents.Extent{}, fmt.Errorf("incidents: extent: %w", err)
	}
	if minLon.Valid {
		e.MinLon, e.MinLat, e.MaxLon, e.MaxLat = minLon.Float64, minLat.Float64, maxLon.Float64, maxLat.Float64
	}
	return e, nil
}
