package postgis

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mapd/mapd/geo"
	"github.com/mapd/mapd/incidents"
)

// selectColumns are the columns every query reads, in scanIncident's
// order.
const selectColumns = `i.id, i.source_id, i.date, i.date_precision, i.event_type, i.sub_event_type,
	i.actor1, i.actor2, i.fatalities, i.injuries, i.place, i.country, i.admin1, i.lat, i.lon,
	i.geo_precision, i.geonameid, i.notes, i.sources, i.tags, i.created_at, i.updated_at`

func scanIncident(row pgx.Row, in *incidents.Incident) error {
	var sourceID *string
	var fat, inj *int32
	var gid *int64
	var gp int16
	var lat, lon float64
	var date pgtype.Date
	var created, updated time.Time
	if err := row.Scan(&in.ID, &sourceID, &date, &in.DatePrecision, &in.EventType, &in.SubEventType,
		&in.Actor1, &in.Actor2, &fat, &inj, &in.Place, &in.Country, &in.Admin1, &lat, &lon,
		&gp, &gid, &in.Notes, &in.Sources, &in.Tags, &created, &updated); err != nil {
		return err
	}
	in.Date = formatDate(date)
	in.SourceID = ""
	if sourceID != nil {
		in.SourceID = *sourceID
	}
	in.Fatalities, in.Injuries = intPtr(fat), intPtr(inj)
	in.Lat, in.Lon = &lat, &lon
	in.GeoPrecision = int(gp)
	in.GeonameID = 0
	if gid != nil {
		in.GeonameID = *gid
	}
	if len(in.Sources) == 0 {
		in.Sources = nil
	}
	if len(in.Tags) == 0 {
		in.Tags = nil
	}
	in.CreatedAt = created.UTC().Format(time.RFC3339)
	in.UpdatedAt = updated.UTC().Format(time.RFC3339)
	return nil
}

// formatDate writes a date as YYYY-MM-DD, as to_char(date, 'YYYY-MM-DD')
// would (a date of another program's writing may be infinite). Reading
// the binary date and formatting it here costs a fraction of to_char on
// the server, a good part of a 1,000-incident page.
func formatDate(d pgtype.Date) string {
	switch d.InfinityModifier {
	case pgtype.Infinity:
		return "infinity"
	case pgtype.NegativeInfinity:
		return "-infinity"
	}
	return d.Time.Format(time.DateOnly)
}

func intPtr(v *int32) *int {
	if v == nil {
		return nil
	}
	n := int(*v)
	return &n
}

// query accumulates the conditions and arguments of a statement; every
// value is a bound parameter.
type query struct {
	conds []string
	args  []any
}

// arg adds a value and returns its placeholder.
func (q *query) arg(v any) string {
	q.args = append(q.args, v)
	return "$" + strconv.Itoa(len(q.args))
}

func (q *query) where() string {
	if len(q.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(q.conds, " AND ")
}

// filterQuery returns the conditions of every constraint of f, its CQL2
// expression included, but the cursor. withBBox false leaves the bbox out
// (tiles, which have their own).
func filterQuery(f incidents.Filter, withBBox bool) (*query, error) {
	q := &query{}
	if f.BBox != nil && withBBox {
		q.bbox(*f.BBox)
	}
	if f.From != "" {
		q.conds = append(q.conds, "i.date >= "+q.arg(f.From)+"::date")
	}
	if f.To != "" {
		q.conds = append(q.conds, "i.date <= "+q.arg(f.To)+"::date")
	}
	if len(f.EventTypes) > 0 {
		q.conds = append(q.conds, "i.event_type = ANY("+q.arg(f.EventTypes)+"::text[])")
	}
	if f.Actor != "" {
		p := q.arg("%" + escapeLike(f.Actor) + "%")
		q.conds = append(q.conds, "(i.actor1 ILIKE "+p+" OR i.actor2 ILIKE "+p+")")
	}
	if f.Country != "" {
		q.conds = append(q.conds, "i.country = "+q.arg(f.Country))
	}
	if w := searchQuery(f.Q); w != "" {
		q.conds = append(q.conds, "i.search @@ "+q.arg(w)+"::tsquery")
	}
	if f.MinFatalities > 0 {
		q.conds = append(q.conds, "i.fatalities >= "+q.arg(f.MinFatalities))
	}
	if f.Expr != nil {
		c, err := q.expr(f.Expr)
		if err != nil {
			return nil, err
		}
		q.conds = append(q.conds, c)
	}
	return q, nil
}

// bbox adds the condition of a box: the GIST index finds the candidates
// of a box grown by a hair, the exact coordinates decide, as in the SQLite
// store. A box crossing the antimeridian is two.
func (q *query) bbox(b geo.BBox) {
	const pad = 1e-9
	var parts []string
	for _, p := range b.Split() {
		env := fmt.Sprintf("i.geom && ST_MakeEnvelope(%s, %s, %s, %s, 4326)",
			q.arg(p.MinLon-pad), q.arg(p.MinLat-pad), q.arg(p.MaxLon+pad), q.arg(p.MaxLat+pad))
		parts = append(parts, env)
	}
	lat := "i.lat BETWEEN " + q.arg(b.MinLat) + " AND " + q.arg(b.MaxLat)
	var lon string
	if b.CrossesAntimeridian() {
		lon = "(i.lon >= " + q.arg(b.MinLon) + " OR i.lon <= " + q.arg(b.MaxLon) + ")"
	} else {
		lon = "i.lon BETWEEN " + q.arg(b.MinLon) + " AND " + q.arg(b.MaxLon)
	}
	q.conds = append(q.conds, "("+strings.Join(parts, " OR ")+")", lat, lon)
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// readTx begins a read-only transaction that sees one snapshot.
func readTx(ctx context.Context, db *pgxpool.Pool) (pgx.Tx, error) {
	return db.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
}

// Get returns the incident with the given id, or ErrNotFound.
func (s *Store) get(ctx context.Context, db *pgxpool.Pool, id int64) (incidents.Incident, error) {
	var in incidents.Incident
	err := scanIncident(db.QueryRow(ctx, "SELECT "+selectColumns+" FROM incidents i WHERE i.id = $1", id), &in)
	if errors.Is(err, pgx.ErrNoRows) {
		return incidents.Incident{}, fmt.Errorf("incident %d: %w", id, incidents.ErrNotFound)
	}
	if err != nil {
		return incidents.Incident{}, wrap(fmt.Sprintf("get %d", id), err)
	}
	return in, nil
}

// List calls fn for each incident of one page of the filter's matches, in
// the filter's order (newest first unless f.Sort says otherwise). Count and
// rows come from one snapshot; the page is the keyset after f.Cursor, with
// the SQLite store's cursors.
func (s *Store) list(ctx context.Context, db *pgxpool.Pool, f incidents.Filter, fn func(*incidents.Incident) error) (incidents.Page, error) {
	f = f.LiftBBox()
	q, err := filterQuery(f, true)
	if err != nil {
		return incidents.Page{}, err
	}
	tx, err := readTx(ctx, db)
	if err != nil {
		return incidents.Page{}, wrap("list", err)
	}
	defer tx.Rollback(context.Background())
	var page incidents.Page
	if err := tx.QueryRow(ctx, "SELECT count(*) FROM incidents i"+q.where(), q.args...).Scan(&page.Matched); err != nil {
		return incidents.Page{}, wrap("list", err)
	}
	order, after, err := q.sortSQL(f)
	if err != nil {
		return incidents.Page{}, err
	}
	if after != "" {
		q.conds = append(q.conds, after)
	}
	limit := f.PageLimit()
	rows, err := tx.Query(ctx, "SELECT "+selectColumns+" FROM incidents i"+q.where()+
		" ORDER BY "+order+" LIMIT "+q.arg(limit+1), q.args...)
	if err != nil {
		return incidents.Page{}, wrap("list", err)
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
			return incidents.Page{}, wrap("list", err)
		}
		if err := fn(&in); err != nil {
			return incidents.Page{}, err
		}
		last = in
		page.Returned++
	}
	if err := rows.Err(); err != nil {
		return incidents.Page{}, wrap("list", err)
	}
	return page, nil
}

// Count returns the number of incidents matching the filter.
func (s *Store) count(ctx context.Context, db *pgxpool.Pool, f incidents.Filter) (int, error) {
	f = f.LiftBBox()
	q, err := filterQuery(f, true)
	if err != nil {
		return 0, err
	}
	var n int
	if err := db.QueryRow(ctx, "SELECT count(*) FROM incidents i"+q.where(), q.args...).Scan(&n); err != nil {
		return 0, wrap("count", err)
	}
	return n, nil
}

// Export calls fn with every incident matching f (Limit and Cursor
// ignored), in ascending id order, from one snapshot, streaming the rows.
func (s *Store) export(ctx context.Context, db *pgxpool.Pool, f incidents.Filter, fn func(*incidents.Incident) error) error {
	f = f.LiftBBox()
	tx, err := readTx(ctx, db)
	if err != nil {
		return wrap("export", err)
	}
	defer tx.Rollback(context.Background())
	q, err := filterQuery(f, true)
	if err != nil {
		return err
	}
	rows, err := tx.Query(ctx, "SELECT "+selectColumns+" FROM incidents i"+q.where()+" ORDER BY i.id", q.args...)
	if err != nil {
		return wrap("export", err)
	}
	defer rows.Close()
	var in incidents.Incident
	for rows.Next() {
		in = incidents.Incident{}
		if err := scanIncident(rows, &in); err != nil {
			return wrap("export", err)
		}
		if err := fn(&in); err != nil {
			return err
		}
	}
	return wrap("export", rows.Err())
}

// Stats returns counts and fatalities by event type, month and country for
// the filter (Limit and Cursor ignored), from one snapshot.
func (s *Store) stats(ctx context.Context, db *pgxpool.Pool, f incidents.Filter) (incidents.Stats, error) {
	f = f.LiftBBox()
	tx, err := readTx(ctx, db)
	if err != nil {
		return incidents.Stats{}, wrap("stats", err)
	}
	defer tx.Rollback(context.Background())
	q, err := filterQuery(f, true)
	if err != nil {
		return incidents.Stats{}, err
	}
	where := q.where()
	st := incidents.NewStats()
	var minDate, maxDate *string
	if err := tx.QueryRow(ctx, "SELECT count(*), coalesce(sum(i.fatalities), 0), to_char(min(i.date), 'YYYY-MM-DD'), to_char(max(i.date), 'YYYY-MM-DD') FROM incidents i"+where, q.args...).
		Scan(&st.Count, &st.Fatalities, &minDate, &maxDate); err != nil {
		return incidents.Stats{}, wrap("stats", err)
	}
	if minDate != nil {
		st.MinDate, st.MaxDate = *minDate, *maxDate
	}
	and := func(cond string) string {
		if where == "" {
			return " WHERE " + cond
		}
		return where + " AND " + cond
	}
	// COLLATE "C" orders keys by bytes, as SQLite does.
	group := func(expr, where, order string) string {
		return "SELECT " + expr + ` COLLATE "C" AS k, count(*), coalesce(sum(i.fatalities), 0) FROM incidents i` +
			where + " GROUP BY k ORDER BY " + order
	}
	// An incident with the same actor on both sides counts once.
	byActor := `SELECT k COLLATE "C" AS k, count(*), sum(f) FROM (
		SELECT i.actor1 AS k, coalesce(i.fatalities, 0) AS f FROM incidents i` + and("i.actor1 <> ''") + `
		UNION ALL SELECT i.actor2, coalesce(i.fatalities, 0) FROM incidents i` + and("i.actor2 <> '' AND i.actor2 <> i.actor1") + `
	) a GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT ` + strconv.Itoa(incidents.TopActors)
	groups := []struct {
		sql string
		dst *[]incidents.StatBucket
	}{
		{group("i.event_type", where, "count(*) DESC, k"), &st.ByEventType},
		{group("to_char(i.date, 'YYYY-MM')", where, "k"), &st.ByMonth},
		{group("i.country", where, "count(*) DESC, k"), &st.ByCountry},
		{group("i.admin1", and("i.admin1 <> ''"), "count(*) DESC, k LIMIT "+strconv.Itoa(incidents.TopAdmin1)), &st.ByAdmin1},
		{byActor, &st.ByActor},
	}
	for _, g := range groups {
		rows, err := tx.Query(ctx, g.sql, q.args...)
		if err != nil {
			return incidents.Stats{}, wrap("stats", err)
		}
		for rows.Next() {
			var b incidents.StatBucket
			if err := rows.Scan(&b.Key, &b.Count, &b.Fatalities); err != nil {
				rows.Close()
				return incidents.Stats{}, wrap("stats", err)
			}
			*g.dst = append(*g.dst, b)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return incidents.Stats{}, wrap("stats", err)
		}
	}
	return st, nil
}

// Extent returns the bounding box and date range of every incident,
// cached until the data version changes.
func (s *Store) Extent(ctx context.Context) (incidents.Extent, error) {
	if snap := s.snapshot(); snap != nil {
		return s.extentFromIndex(ctx, snap)
	}
	v, err := s.Version(ctx)
	if err != nil {
		return incidents.Extent{}, err
	}
	s.extentMu.Lock()
	defer s.extentMu.Unlock()
	if v == s.extentVersion {
		return s.extent, nil
	}
	var e incidents.Extent
	var minLon, minLat, maxLon, maxLat *float64
	var minDate, maxDate *string
	err = s.read(ctx, nil, func(db *pgxpool.Pool) error {
		return db.QueryRow(ctx, `SELECT count(*), min(lon), min(lat), max(lon), max(lat),
			to_char(min(date), 'YYYY-MM-DD'), to_char(max(date), 'YYYY-MM-DD') FROM incidents`).
			Scan(&e.Count, &minLon, &minLat, &maxLon, &maxLat, &minDate, &maxDate)
	})
	if err != nil {
		return incidents.Extent{}, wrap("extent", err)
	}
	if e.Count > 0 {
		e.MinLon, e.MinLat, e.MaxLon, e.MaxLat = *minLon, *minLat, *maxLon, *maxLat
		e.MinDate, e.MaxDate = *minDate, *maxDate
	}
	s.extent, s.extentVersion = e, v
	return e, nil
}

// Version returns the data version: a counter that every write statement
// on incidents increases, in its transaction, from any process.
func (s *Store) version(ctx context.Context, db *pgxpool.Pool) (int64, error) {
	var v int64
	if err := db.QueryRow(ctx, "SELECT version FROM data_version WHERE id = 1").Scan(&v); err != nil {
		return 0, wrap("version", err)
	}
	return v, nil
}
