package postgis

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mapd/mapd/incidents"
	"github.com/mapd/mapd/incidents/index"
)

// The in-memory index (incidents/index) answers counts, statistics, tiles,
// heat maps, the extent and the choice of a page's rows once StartIndex has
// built it, as in the SQLite store; the store then only fetches a page's
// rows. It is built from one COPY of its columns out of the database, and
// follows every write, this process's and other processes', the same way:
// each row carries the data version that last wrote it (migration 0002),
// deletes are recorded with theirs, and every write is announced on the
// channel mapd_incidents. One goroutine LISTENs on a connection of its own
// and, at each announcement, reads the rows changed since the index's
// version and applies them; this process's writes catch up the same way
// before they return, so that a caller reads its own writes. While the
// index is not built, or the listening connection is down (other
// processes' writes could be missed), reads use the database.
type indexer struct {
	ix  *index.Index
	log *slog.Logger

	ctx    context.Context // the store's lifetime; cancelled by Close
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu   sync.Mutex  // serialises builds and catch-ups
	live atomic.Bool // listening and caught up: reads may use the index

	firstOnce sync.Once
	first     chan struct{} // closed when the first build ends
	firstErr  error         // the first build's error, set before first closes

	ftsMu sync.Mutex
	fts   map[string]ftsEntry
}

// ftsEntry is the answer of the full-text index for one query at one data
// version.
type ftsEntry struct {
	version int64
	ids     []int64
}

// Follower timings: how long the listener waits for an announcement
// before it checks its connection and the version anyway, and how long it
// waits before connecting again after losing it.
const (
	pollEvery      = 2 * time.Second
	maxReconnect   = 5 * time.Second
	firstReconnect = 100 * time.Millisecond
)

// ListenerName is the application_name of the connection that listens for
// writes, as pg_stat_activity shows it.
const ListenerName = "mapd index listener"

// maxApplyRows is the most changed rows a catch-up applies; beyond it the
// index is built again from a full scan.
const maxApplyRows = 100_000

// StartIndex builds the in-memory index in the background and keeps it
// up to date from then on; reads use it as soon as it is built and
// following the database. opts.Logger receives the build's timings and
// why the index is off, when it is.
func (s *Store) StartIndex(opts index.Options) {
	if s.idx != nil {
		return
	}
	if opts.Logger == nil {
		opts.Logger = s.log
	}
	ctx, cancel := context.WithCancel(context.Background())
	x := &indexer{ix: index.New(opts), log: opts.Logger, ctx: ctx, cancel: cancel,
		first: make(chan struct{}), fts: map[string]ftsEntry{}}
	s.idx = x
	x.wg.Add(1)
	go x.follow(s)
}

// WaitIndex waits until the first build of the index ends and returns its
// error; later, until the index follows the database again.
func (s *Store) WaitIndex(ctx context.Context) error {
	if s.idx == nil {
		return nil
	}
	select {
	case <-s.idx.first:
	case <-ctx.Done():
		return ctx.Err()
	}
	if s.idx.firstErr != nil {
		return s.idx.firstErr
	}
	for !s.idx.live.Load() {
		select {
		case <-time.After(10 * time.Millisecond):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

func (x *indexer) endFirst(err error) {
	x.firstOnce.Do(func() {
		x.firstErr = err
		close(x.first)
	})
}

// follow listens for other processes' writes for the store's lifetime,
// connecting again whenever the connection drops.
func (x *indexer) follow(s *Store) {
	defer x.wg.Done()
	defer x.endFirst(context.Canceled) // when closed before the first build
	wait := firstReconnect
	for {
		err := x.listen(s)
		x.live.Store(false)
		if x.ctx.Err() != nil {
			return
		}
		x.log.Warn("postgis: index: not following other processes' writes; reads use the database until it catches up again", "error", err)
		select {
		case <-time.After(wait):
		case <-x.ctx.Done():
			return
		}
		wait = min(2*wait, maxReconnect)
	}
}

// listen LISTENs on a connection of its own, catches up, and then catches
// up again at each announcement, until the connection fails.
func (x *indexer) listen(s *Store) error {
	cfg := s.pool.Config().ConnConfig.Copy()
	if cfg.RuntimeParams == nil {
		cfg.RuntimeParams = map[string]string{}
	}
	cfg.RuntimeParams["application_name"] = ListenerName
	conn, err := pgx.ConnectConfig(x.ctx, cfg)
	if err != nil {
		x.endFirstIfFatal(err)
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(x.ctx, "LISTEN mapd_incidents"); err != nil {
		return err
	}
	// Every commit from here on is announced; this catch-up covers those
	// before.
	if err := x.catchUp(x.ctx, s); err != nil {
		x.endFirstIfFatal(err)
		return err
	}
	x.endFirst(nil)
	x.live.Store(true)
	for {
		wctx, cancel := context.WithTimeout(x.ctx, pollEvery)
		_, err := conn.WaitForNotification(wctx)
		timedOut := wctx.Err() != nil && x.ctx.Err() == nil
		cancel()
		if x.ctx.Err() != nil {
			return x.ctx.Err()
		}
		if err != nil && !timedOut {
			return err
		}
		if timedOut {
			// No announcement for a while: make sure the connection
			// still works, since a silent network failure would
			// otherwise go unnoticed.
			pctx, cancel := context.WithTimeout(x.ctx, pollEvery)
			err := conn.Ping(pctx)
			cancel()
			if err != nil {
				return err
			}
		}
		if err := x.catchUp(x.ctx, s); err != nil {
			return err
		}
		x.live.Store(true)
	}
}

// endFirstIfFatal ends the first build with err when retrying cannot help
// (the index is over its memory budget); other errors are retried.
func (x *indexer) endFirstIfFatal(err error) {
	if errors.Is(err, index.ErrOverBudget) {
		x.endFirst(err)
	}
}

// caughtUp brings the index up to this process's last write, for its
// caller to read it; a failure leaves reads on the database until the
// listener catches up.
func (s *Store) caughtUp(ctx context.Context) {
	x := s.idx
	if x == nil || !x.live.Load() {
		return
	}
	if err := x.catchUp(context.WithoutCancel(ctx), s); err != nil {
		x.live.Store(false)
		x.log.Warn("postgis: index: could not read back a write; reads use the database until it catches up", "error", err)
	}
}

// catchUp applies the writes committed since the index's version, or
// builds the index when it has none yet, when the changes are too many,
// or when the database says a full scan is needed (rebuild_below).
func (x *indexer) catchUp(ctx context.Context, s *Store) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	snap := x.ix.Current()
	if snap == nil {
		if err := x.ix.Err(); errors.Is(err, index.ErrOverBudget) {
			return nil // disabled with a log line; reads use the database
		}
		return x.build(ctx, s)
	}
	tx, err := readTx(ctx, s.pool)
	if err != nil {
		return wrap("index", err)
	}
	defer tx.Rollback(context.Background())
	var v, below int64
	if err := tx.QueryRow(ctx, "SELECT version, rebuild_below FROM data_version WHERE id = 1").Scan(&v, &below); err != nil {
		return wrap("index", err)
	}
	last := snap.Version()
	if v == last {
		return nil
	}
	if v < last || last < below {
		tx.Rollback(context.Background())
		return x.build(ctx, s)
	}
	rows, err := readIndexRows(ctx, tx, "i.changed > $1 ORDER BY i.id LIMIT $2", last, maxApplyRows+1)
	if err != nil {
		return err
	}
	if len(rows) > maxApplyRows {
		tx.Rollback(context.Background())
		return x.build(ctx, s)
	}
	var del []int64
	drows, err := tx.Query(ctx, "SELECT id FROM incident_deletes WHERE version > $1", last)
	if err != nil {
		return wrap("index", err)
	}
	del, err = pgx.CollectRows(drows, pgx.RowTo[int64])
	if err != nil {
		return wrap("index", err)
	}
	// An error disabled the index with a log line; reads use the database.
	_ = x.ix.Apply(v, rows, del)
	return nil
}

// build reads every incident in one snapshot, through one binary COPY,
// and makes them the index's contents.
func (x *indexer) build(ctx context.Context, s *Store) error {
	start := time.Now()
	b := x.ix.NewBuilder(0) // before the transaction: see index.Builder
	n, err := s.scanIndex(ctx, b)
	if err != nil {
		b.Abort()
		if errors.Is(err, index.ErrOverBudget) {
			x.ix.Disable(err)
		}
		return err
	}
	x.log.Info("index built", "incidents", n, "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// scanIndex adds every incident to b and finishes it at the snapshot's
// data version.
func (s *Store) scanIndex(ctx context.Context, b *index.Builder) (int, error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return 0, wrap("index", err)
	}
	defer conn.Release()
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return 0, wrap("index", err)
	}
	defer tx.Rollback(context.Background())
	var v int64
	if err := tx.QueryRow(ctx, "SELECT version FROM data_version WHERE id = 1").Scan(&v); err != nil {
		return 0, wrap("index", err)
	}
	d := &copyDecoder{add: b.Add}
	if _, err := conn.Conn().PgConn().CopyTo(ctx, d, "COPY (SELECT "+indexColumns+" FROM incidents i ORDER BY i.id) TO STDOUT (FORMAT binary)"); err != nil {
		if d.err != nil {
			return 0, fmt.Errorf("postgis: index: %w", d.err)
		}
		return 0, wrap("index", err)
	}
	if err := d.end(); err != nil {
		return 0, fmt.Errorf("postgis: index: %w", err)
	}
	n := b.Len()
	if err := b.Finish(v); err != nil {
		return 0, fmt.Errorf("postgis: index: %w", err)
	}
	return n, nil
}

// indexColumns are the columns of an index.Row, in copyDecoder's and
// scanIndexRow's order.
const indexColumns = `i.id, i.lon, i.lat, i.date, i.event_type, i.sub_event_type, i.actor1, i.actor2,
	i.country, i.admin1, i.fatalities, i.injuries, i.geo_precision`

// readIndexRows returns the index rows of the incidents matching cond
// (SQL after WHERE, with args).
func readIndexRows(ctx context.Context, q interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}, cond string, args ...any) ([]index.Row, error) {
	rows, err := q.Query(ctx, "SELECT "+indexColumns+" FROM incidents i WHERE "+cond, args...)
	if err != nil {
		return nil, wrap("index", err)
	}
	defer rows.Close()
	var out []index.Row
	for rows.Next() {
		var r index.Row
		if err := scanIndexRow(rows, &r); err != nil {
			return nil, wrap("index", err)
		}
		out = append(out, r)
	}
	return out, wrap("index", rows.Err())
}

func scanIndexRow(rows pgx.Rows, r *index.Row) error {
	var date time.Time
	var fat, inj *int32
	var gp int16
	if err := rows.Scan(&r.ID, &r.Lon, &r.Lat, &date, &r.EventType, &r.SubEventType, &r.Actor1, &r.Actor2,
		&r.Country, &r.Admin1, &fat, &inj, &gp); err != nil {
		return err
	}
	r.Date = date.Format(time.DateOnly)
	r.Fatalities, r.Injuries, r.GeoPrecision = count(fat), count(inj), int(gp)
	return nil
}

// count is an index row's count: -1 when unknown.
func count(v *int32) int {
	if v == nil {
		return -1
	}
	return int(*v)
}

// snapshot returns the index snapshot a read should use, nil when it
// should read the database instead.
func (s *Store) snapshot() *index.Snapshot {
	if s.idx == nil || !s.idx.live.Load() {
		return nil
	}
	return s.idx.ix.Current()
}

// indexQuery compiles f against the current snapshot, with the full-text
// index's answer for f.Q; nil when the read should use the database (no
// index, or a CQL2 expression on a property the index does not hold).
func (s *Store) indexQuery(ctx context.Context, f incidents.Filter) (*index.Query, error) {
	snap := s.snapshot()
	if snap == nil {
		return nil, nil
	}
	var ids []int64
	if w := searchQuery(f.Q); w != "" {
		var err error
		if ids, err = s.ftsIDs(ctx, w, snap.Version()); err != nil {
			return nil, err
		}
	}
	q, err := snap.Compile(f, ids)
	if errors.Is(err, index.ErrUnanswerable) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return q, nil
}

// maxFTSEntries bounds the full-text answers kept for reuse.
const maxFTSEntries = 16

// ftsIDs returns the ids the full-text index matches for the tsquery w,
// reusing the answer of an earlier call at the same data version.
func (s *Store) ftsIDs(ctx context.Context, w string, version int64) ([]int64, error) {
	x := s.idx
	x.ftsMu.Lock()
	e, ok := x.fts[w]
	x.ftsMu.Unlock()
	if ok && e.version == version {
		return e.ids, nil
	}
	var ids []int64
	err := s.read(ctx, nil, func(db *pgxpool.Pool) error {
		rows, err := db.Query(ctx, "SELECT id FROM incidents WHERE search @@ $1::tsquery", w)
		if err != nil {
			return err
		}
		ids, err = pgx.CollectRows(rows, pgx.RowTo[int64])
		return err
	})
	if err != nil {
		return nil, wrap("full-text search", err)
	}
	x.ftsMu.Lock()
	if len(x.fts) >= maxFTSEntries {
		for k := range x.fts {
			delete(x.fts, k)
			break
		}
	}
	x.fts[w] = ftsEntry{version: version, ids: ids}
	x.ftsMu.Unlock()
	return ids, nil
}

// closeIndex stops the follower and waits for it.
func (s *Store) closeIndex() {
	if s.idx != nil {
		s.idx.cancel()
		s.idx.wg.Wait()
	}
}
