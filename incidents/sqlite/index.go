package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/mapd/mapd/incidents"
	"github.com/mapd/mapd/incidents/index"
)

// The in-memory index (incidents/index) answers counts, statistics, tiles,
// heat maps, the extent and the choice of a page's rows once StartIndex
// has built it; the store then only fetches the rows of a page. Until the
// first build finishes, while another process's writes are being caught
// up with, and past the index's memory budget, the same methods answer
// from SQLite's own indexes.
//
// Feeding it: every write of this process holds writeMu from its BEGIN to
// its index.Apply, right after COMMIT, so that the index sees the writes
// in commit order and a caller reads its own write. A reader that finds
// the file's data version ahead of the snapshot's while no write of this
// process is in flight knows that another process wrote the file: it
// starts a new build (one at a time, on the store's own context, so that
// no caller going away fails it) and waits for it briefly.
type indexer struct {
	ix      *index.Index
	log     *slog.Logger
	writeMu sync.Mutex

	ctx    context.Context // the store's lifetime; cancelled by Close
	cancel context.CancelFunc
	wg     sync.WaitGroup

	buildMu sync.Mutex
	build   *buildCall // the running build, nil when none

	ftsMu sync.Mutex
	fts   map[string]ftsEntry

	features *featureCache // encoded features of listed pages
}

type buildCall struct {
	done chan struct{}
	err  error
}

// ftsEntry is the answer of the full-text index for one query at one data
// version.
type ftsEntry struct {
	version int64
	ids     []int64
}

// maxIndexWait bounds how long a read waits for a build after another
// process wrote the file, before it answers from SQLite instead.
const maxIndexWait = 3 * time.Second

// maxApplyRows is the most rows one import transaction reads back to apply
// to the index; a larger one (a bulk load, a big atomic import) has the
// index built again instead.
const maxApplyRows = 100_000

// StartIndex builds the in-memory index in the background and keeps it up
// to date from then on; reads use it as soon as the build finishes. log
// receives the build's timings and why the index is off, when it is.
func (s *Store) StartIndex(opts index.Options) {
	if s.idx != nil {
		return
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.idx = &indexer{ix: index.New(opts), log: opts.Logger, ctx: ctx, cancel: cancel, fts: map[string]ftsEntry{}, features: newFeatureCache(featureCacheBytes)}
	s.idx.startBuild(s)
}

// WaitIndex waits until the running build of the index, if any, ends, and
// returns its error.
func (s *Store) WaitIndex(ctx context.Context) error {
	if s.idx == nil {
		return nil
	}
	s.idx.buildMu.Lock()
	call := s.idx.build
	s.idx.buildMu.Unlock()
	if call == nil {
		return nil
	}
	select {
	case <-call.done:
		return call.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// startBuild starts a build unless one is running, and returns it.
func (x *indexer) startBuild(s *Store) *buildCall {
	x.buildMu.Lock()
	defer x.buildMu.Unlock()
	if x.build != nil {
		return x.build
	}
	call := &buildCall{done: make(chan struct{})}
	x.build = call
	x.wg.Add(1)
	go func() {
		defer x.wg.Done()
		start := time.Now()
		n, conns, err := s.buildIndex(x.ctx)
		switch {
		case err == nil:
			x.log.Info("index built", "incidents", n, "connections", conns, "took", time.Since(start).Round(time.Millisecond))
		case errors.Is(err, index.ErrOverBudget):
			// Index.disable logged it.
		case x.ctx.Err() == nil:
			x.ix.Disable(err)
		}
		call.err = err
		x.buildMu.Lock()
		x.build = nil
		x.buildMu.Unlock()
		close(call.done)
	}()
	return call
}

// rebuild builds the index again from a scan that starts after the
// caller's last commit, and waits for it: a build already running may have
// started before, so it waits for that one first.
func (x *indexer) rebuild(s *Store) {
	x.buildMu.Lock()
	running := x.build
	x.buildMu.Unlock()
	if running != nil {
		<-running.done
	}
	<-x.startBuild(s).done
}

// buildIndex reads every incident at one data version and makes them the
// index's contents; it returns their number and that of the connections
// it read them on (see scanIndex).
func (s *Store) buildIndex(ctx context.Context) (n, conns int, err error) {
	// Columns sized for the rows at once (with room for a few written
	// meanwhile) grow by no copying, which would leave as much garbage as
	// the columns hold.
	if err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM incidents").Scan(&n); err != nil {
		return 0, 0, fmt.Errorf("incidents: index: %w", err)
	}
	b := s.idx.ix.NewBuilder(n + n/64 + 64) // before the transaction: see index.Builder
	version, conns, err := s.scanIndex(ctx, b, n)
	if err != nil {
		b.Abort()
		if errors.Is(err, index.ErrOverBudget) {
			s.idx.ix.Disable(err)
		}
		return 0, 0, fmt.Errorf("incidents: index: %w", err)
	}
	n = b.Len()
	return n, conns, b.Finish(version)
}

// minSplitRows is the fewest incidents a build reads on two connections
// (a variable for the tests).
var minSplitRows = 50_000

// scanIndex reads every incident into b, of which there were about n
// when it started, and returns the data version it read and the number
// of connections it read on. It reads on
// scanConns of its own: on two at once, each with half of the id range,
// when there are two processors and the second connection's transaction
// starts at the first one's data version (SQLite's sqlite3_snapshot_open
// would share the first one's snapshot, but not while the write-ahead
// log is empty, as it is after a clean shutdown); on one otherwise, as
// when a write came between the two.
func (s *Store) scanIndex(ctx context.Context, b *index.Builder, n int) (version int64, conns int, err error) {
	c, err := openScanConn(s.path)
	if err != nil {
		return 0, 0, err
	}
	defer c.close()
	if err := c.exec("BEGIN"); err != nil {
		return 0, 0, err
	}
	defer c.exec("ROLLBACK")
	var lo, hi int64
	if err := c.queryInt64s(versionQuery, &version); err != nil {
		return 0, 0, err
	}
	if err := c.queryInt64s("SELECT coalesce((SELECT min(id) FROM incidents), 0), coalesce((SELECT max(id) FROM incidents), 0)", &lo, &hi); err != nil {
		return 0, 0, err
	}
	var second *scanConn
	if n >= minSplitRows && hi > lo && runtime.GOMAXPROCS(0) > 1 {
		if second, err = openAt(s.path, version); err != nil {
			return 0, 0, err
		}
	}
	if second == nil {
		return version, 1, scanRows(ctx, c, b.Add, lo, hi)
	}
	defer second.close()
	mid := lo + int64((uint64(hi)-uint64(lo))/2) // no overflow, whatever the ids
	p := b.NewPart(n/2 + n/64 + 64)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		err := scanRows(ctx, second, p.Add, mid+1, hi)
		if err != nil {
			cancel()
		}
		done <- err
	}()
	err = scanRows(ctx, c, b.Add, lo, mid)
	if err != nil {
		cancel()
	}
	if err := errors.Join(err, <-done); err != nil {
		return 0, 0, err
	}
	return version, 2, b.AddPart(p)
}

// scanRows hands add the incidents with ids from lo to hi, in ascending
// id order, read in c's transaction. The strings of the rows point into
// SQLite's memory until the next row, which index.Builder.Add allows.
func scanRows(ctx context.Context, c *scanConn, add func(*index.Row) error, lo, hi int64) error {
	st, err := c.prepare("SELECT " + indexColumns + " FROM incidents i WHERE i.id BETWEEN ?1 AND ?2 ORDER BY i.id")
	if err != nil {
		return err
	}
	defer st.close()
	if err := st.bindInt64(1, lo); err != nil {
		return err
	}
	if err := st.bindInt64(2, hi); err != nil {
		return err
	}
	var r index.Row
	for k := 0; ; k++ {
		if k%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		ok, err := st.step()
		if err != nil || !ok {
			return err
		}
		r = index.Row{ID: st.int64(0), Lon: st.float64(1), Lat: st.float64(2), Date: st.text(3),
			EventType: st.text(4), SubEventType: st.text(5), Actor1: st.text(6), Actor2: st.text(7),
			Country: st.text(8), Admin1: st.text(9), Fatalities: -1, Injuries: -1, GeoPrecision: int(st.int64(12))}
		if !st.isNull(10) {
			r.Fatalities = int(st.int64(10))
		}
		if !st.isNull(11) {
			r.Injuries = int(st.int64(11))
		}
		if err := add(&r); err != nil {
			return err
		}
	}
}

// indexColumns are the columns of an index.Row, in rowScanner's order.
const indexColumns = `i.id, i.lon, i.lat, i.date, i.event_type, i.sub_event_type, i.actor1, i.actor2,
	i.country, i.admin1, i.fatalities, i.injuries, i.geo_precision`

// rowScanner reads index rows without allocating their strings: they
// point into the driver's buffers until the next scan, which index.Add
// allows.
type rowScanner struct {
	row                   index.Row
	date, et, sub, a1, a2 sql.RawBytes
	country, admin1       sql.RawBytes
	fat, inj              sql.NullInt64
}

func (sc *rowScanner) scan(rows *sql.Rows) (*index.Row, error) {
	r := &sc.row
	if err := rows.Scan(&r.ID, &r.Lon, &r.Lat, &sc.date, &sc.et, &sc.sub, &sc.a1, &sc.a2, &sc.country, &sc.admin1,
		&sc.fat, &sc.inj, &r.GeoPrecision); err != nil {
		return nil, err
	}
	r.Date, r.EventType, r.SubEventType = unsafeString(sc.date), unsafeString(sc.et), unsafeString(sc.sub)
	r.Actor1, r.Actor2, r.Country, r.Admin1 = unsafeString(sc.a1), unsafeString(sc.a2), unsafeString(sc.country), unsafeString(sc.admin1)
	r.Fatalities, r.Injuries = -1, -1
	if sc.fat.Valid {
		r.Fatalities = int(sc.fat.Int64)
	}
	if sc.inj.Valid {
		r.Injuries = int(sc.inj.Int64)
	}
	return r, nil
}

func unsafeString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// indexRow is the index row of an incident as the store keeps it.
func indexRow(in *incidents.Incident) index.Row {
	r := index.RowOf(in)
	if r.GeoPrecision == 0 {
		r.GeoPrecision = 1 // columnValues' default
	}
	return r
}

// lockWrites is taken by every write from its BEGIN to its Apply.
func (s *Store) lockWrites() {
	if s.idx != nil {
		s.idx.writeMu.Lock()
	}
}

func (s *Store) unlockWrites() {
	if s.idx != nil {
		s.idx.writeMu.Unlock()
	}
}

// txVersion returns the data version inside a write transaction: the
// version the write commits.
func txVersion(ctx context.Context, tx *sql.Tx) (int64, error) {
	var v int64
	if err := tx.QueryRowContext(ctx, "SELECT version FROM data_version WHERE id = 1").Scan(&v); err != nil {
		return 0, fmt.Errorf("incidents: version: %w", err)
	}
	return v, nil
}

// apply hands one committed write to the index: from is the data version
// when the write's transaction began, version the one it committed. When
// the index is not at from, another process wrote the file since the
// index last caught up: applying this write alone would give the index
// this write's version without the other process's rows, so the index is
// built again instead, before the write returns (its caller holds the
// write lock, as an import's rebuild does).
func (s *Store) apply(from, version int64, upsert []index.Row, del []int64) {
	if s.idx == nil {
		return
	}
	if cur := s.idx.ix.Current(); cur != nil && cur.Version() != from {
		s.idx.rebuild(s)
		return
	}
	ids := make([]int64, 0, len(upsert)+len(del))
	for _, r := range upsert {
		ids = append(ids, r.ID)
	}
	ids = append(ids, del...)
	// Before the snapshot at version is current, so that no read at it
	// finds the cache behind (which would empty it).
	s.idx.features.carry(from, version, ids)
	// An error disabled the index with a log line; reads then use SQLite.
	if err := s.idx.ix.Apply(version, upsert, del); err != nil {
		return
	}
	s.carryFTS(from, version, ids)
}

// maxFTSCarry is the most written rows whose full-text matches are read
// again to carry the cached answers to the write's version; after a
// larger write the cached answers are dropped.
const maxFTSCarry = 500

// carryFTS carries the cached full-text answers at version from to
// version, the version of this process's write of the incidents ids (its
// caller holds the write lock): each answer keeps its other ids and takes
// the written ids the full-text index matches now. Answers at other
// versions stay as they are (no read uses them again). When SQLite is no
// longer at version after the reads (another process wrote), or a read
// fails, the carried answers are dropped.
func (s *Store) carryFTS(from, version int64, ids []int64) {
	x := s.idx
	x.ftsMu.Lock()
	var queries []string
	for q, e := range x.fts {
		if e.version == from {
			queries = append(queries, q)
		}
	}
	x.ftsMu.Unlock()
	if len(queries) == 0 {
		return
	}
	carried := make(map[string][]int64, len(queries))
	if len(ids) <= maxFTSCarry {
		for _, q := range queries {
			matched, err := s.ftsMatch(x.ctx, q, ids)
			if err != nil {
				carried = nil
				break
			}
			carried[q] = matched
		}
		if v, err := s.Version(x.ctx); err != nil || v != version {
			carried = nil
		}
	}
	x.ftsMu.Lock()
	defer x.ftsMu.Unlock()
	for _, q := range queries {
		e, ok := x.fts[q]
		if !ok || e.version != from {
			continue
		}
		matched, ok := carried[q]
		if !ok {
			delete(x.fts, q)
			continue
		}
		x.fts[q] = ftsEntry{version: version, ids: mergeIDs(e.ids, ids, matched)}
	}
}

// ftsMatch returns those of ids the full-text index matches for query, in
// ascending order.
func (s *Store) ftsMatch(ctx context.Context, query string, ids []int64) ([]int64, error) {
	args := []any{query}
	for _, id := range ids {
		args = append(args, id)
	}
	return s.ftsRowids(ctx, "SELECT rowid FROM incidents_fts WHERE incidents_fts MATCH ? AND rowid IN ("+placeholders(len(ids))+") ORDER BY rowid", args...)
}

// ftsRowids runs a full-text query that selects rowids and returns them in
// the order it gives (never nil).
func (s *Store) ftsRowids(ctx context.Context, query string, args ...any) ([]int64, error) {
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("incidents: full-text search: %w", err)
	}
	defer rows.Close()
	ids := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("incidents: full-text search: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("incidents: full-text search: %w", err)
	}
	return ids, nil
}

// mergeIDs returns the ascending ids of old without written, together with
// matched (ascending, a subset of written). It leaves old unchanged: readers
// may still hold it.
func mergeIDs(old, written, matched []int64) []int64 {
	drop := make(map[int64]bool, len(written))
	for _, id := range written {
		drop[id] = true
	}
	out := make([]int64, 0, len(old)+len(matched))
	i := 0
	for _, id := range old {
		if drop[id] {
			continue
		}
		for i < len(matched) && matched[i] < id {
			out = append(out, matched[i])
			i++
		}
		out = append(out, id)
	}
	return append(out, matched[i:]...)
}

// readRows returns the index rows of the incidents with an id above after
// or in ids, inside tx.
func readRows(ctx context.Context, tx *sql.Tx, after int64, ids []int64) ([]index.Row, error) {
	query := "SELECT " + indexColumns + " FROM incidents i WHERE i.id > ?"
	args := []any{after}
	if len(ids) > 0 {
		query += " OR i.id IN (" + placeholders(len(ids)) + ")"
		for _, id := range ids {
			args = append(args, id)
		}
	}
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("incidents: index: %w", err)
	}
	defer rows.Close()
	var out []index.Row
	var sc rowScanner
	for rows.Next() {
		r, err := sc.scan(rows)
		if err != nil {
			return nil, fmt.Errorf("incidents: index: %w", err)
		}
		out = append(out, *r)
		o := &out[len(out)-1]
		o.Date, o.EventType, o.SubEventType = strings.Clone(o.Date), strings.Clone(o.EventType), strings.Clone(o.SubEventType)
		o.Actor1, o.Actor2 = strings.Clone(o.Actor1), strings.Clone(o.Actor2)
		o.Country, o.Admin1 = strings.Clone(o.Country), strings.Clone(o.Admin1)
	}
	return out, rows.Err()
}

// snapshot returns the index snapshot a read should use, nil when it
// should read SQLite instead.
func (s *Store) snapshot(ctx context.Context) (*index.Snapshot, error) {
	if s.idx == nil {
		return nil, nil
	}
	snap := s.idx.ix.Current()
	if snap == nil {
		return nil, nil
	}
	v, err := s.Version(ctx)
	if err != nil {
		return nil, err
	}
	if v == snap.Version() {
		return snap, nil
	}
	if !s.idx.writeMu.TryLock() {
		// A write of this process is between its BEGIN and its Apply:
		// the snapshot is the state just before it.
		return snap, nil
	}
	v, err = s.Version(ctx)
	s.idx.writeMu.Unlock()
	if err != nil {
		return nil, err
	}
	if cur := s.idx.ix.Current(); cur == nil || cur.Version() == v {
		return cur, nil
	}
	// Another process wrote the file.
	call := s.idx.startBuild(s)
	t := time.NewTimer(maxIndexWait)
	defer t.Stop()
	select {
	case <-call.done:
		return s.idx.ix.Current(), nil
	case <-t.C:
		return nil, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// indexQuery compiles f against the current snapshot, with the full-text
// index's answer for f.Q; nil when the read should use SQLite (no index,
// or a CQL2 expression on a property the index does not hold).
func (s *Store) indexQuery(ctx context.Context, f incidents.Filter) (*index.Query, *index.Snapshot, error) {
	snap, err := s.snapshot(ctx)
	if err != nil || snap == nil {
		return nil, nil, err
	}
	var ids []int64
	if fq := ftsQuery(f.Q); fq != "" {
		if ids, err = s.ftsIDs(ctx, fq, snap.Version()); err != nil {
			return nil, nil, err
		}
	}
	q, err := snap.Compile(f, ids)
	if errors.Is(err, index.ErrUnanswerable) {
		return nil, nil, nil // a CQL2 property only SQLite holds
	}
	if err != nil {
		return nil, nil, err
	}
	return q, snap, nil
}

// maxFTSEntries bounds the full-text answers kept for reuse.
const maxFTSEntries = 16

// ftsIDs returns the ids the full-text index matches for query, reusing
// the answer of an earlier call at the same data version.
func (s *Store) ftsIDs(ctx context.Context, query string, version int64) ([]int64, error) {
	x := s.idx
	x.ftsMu.Lock()
	e, ok := x.fts[query]
	x.ftsMu.Unlock()
	if ok && e.version == version {
		return e.ids, nil
	}
	ids, err := s.ftsRowids(ctx, "SELECT rowid FROM incidents_fts WHERE incidents_fts MATCH ? ORDER BY rowid", query)
	if err != nil {
		return nil, err
	}
	x.ftsMu.Lock()
	if len(x.fts) >= maxFTSEntries {
		for k := range x.fts {
			delete(x.fts, k)
			break
		}
	}
	x.fts[query] = ftsEntry{version: version, ids: ids}
	x.ftsMu.Unlock()
	return ids, nil
}

// closeIndex stops the running build and waits for it.
func (s *Store) closeIndex() {
	if s.idx != nil {
		s.idx.cancel()
		s.idx.wg.Wait()
	}
}
