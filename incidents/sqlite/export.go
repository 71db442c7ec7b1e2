package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"unsafe"

	"github.com/mapd/mapd/incidents"
)

// exportRange is how many consecutive ids one query of a parallel export
// reads.
const exportRange = 2048

// Export calls fn with every incident matching f (Limit and Cursor are
// ignored), oldest id first, from one consistent snapshot. Walking the
// table in id order reads each page once, where the date order of List
// would look every row up through an index.
//
// Reading and scanning rows costs several times what encoding them does,
// so rows are read in other goroutines, ahead of fn: on a machine with
// several cores and a filter without bbox or q, two readers with their own
// connection take alternate ranges of ids. Their read transactions must see
// the same snapshot; if a write landed between their starts, one reader
// does it all. fn must not keep the pointer beyond the call.
func (s *Store) Export(ctx context.Context, f incidents.Filter, fn func(*incidents.Incident) error) error {
	if err := checkFilter(f); err != nil {
		return err
	}
	f = f.LiftBBox()
	conds, args := where(f)
	ranged := f.BBox == nil && ftsQuery(f.Q) == "" && runtime.GOMAXPROCS(0) > 1
	if f.BBox != nil {
		// The R*Tree and full-text conditions are subqueries that SQLite
		// would evaluate again for every range: one query reads them all.
		rc, rargs := rtreeCond(*f.BBox)
		bc, bargs := bboxCond(*f.BBox)
		conds = append(conds, rc, bc)
		args = append(append(args, rargs...), bargs...)
	}
	if ranged {
		conds = append(conds, "i.id > ? AND i.id <= ?")
	}
	query := "SELECT " + selectColumns + " FROM incidents i" + whereClause(conds) + " ORDER BY i.id"

	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	readers, maxID, err := s.exportSnapshots(ctx, ranged, f.Expr == nil && bindable(args))
	if err != nil {
		return err
	}
	defer func() {
		for _, er := range readers {
			er.close()
		}
	}()
	chans := make([]chan []incidents.Incident, len(readers))
	errs := make(chan error, len(readers))
	for r, er := range readers {
		chans[r] = make(chan []incidents.Incident, 2)
		er.query, er.args, er.out = query, args, chans[r]
		go func() {
			defer close(chans[r])
			if ranged {
				errs <- er.ranges(ctx, int64(r)*exportRange, int64(len(readers))*exportRange, maxID)
			} else {
				errs <- er.all(ctx)
			}
		}()
	}
	// Chunks come from the readers in turn, which keeps id order; the
	// first reader out of chunks at its turn means the end.
	var failure error
	for r := 0; failure == nil; r = (r + 1) % len(chans) {
		chunk, ok := <-chans[r]
		if !ok {
			break
		}
		for i := range chunk {
			if failure = ctx.Err(); failure != nil {
				break
			}
			if failure = fn(&chunk[i]); failure != nil {
				break
			}
		}
	}
	// Stop the readers still running (after a failure, or a reader that
	// failed), and report what stopped them unless it was this cancel.
	cancel()
	for range readers {
		err := <-errs
		if failure == nil && err != nil && (!errors.Is(err, context.Canceled) || parent.Err() != nil) {
			failure = err
		}
	}
	return failure
}

// exportSnapshots begins the read transactions of an export: two when
// ranged and both see the same data version, else one. It also returns
// the highest id. When direct, each reads through a scanConn of its own
// (SQLite's C API without a mutex; its text is copied once per row),
// which takes about half the CPU of database/sql's path; the query must
// then bind only what scanStmt.bind takes and call no function the driver
// registers (CQL2's mapd_intersects), and an export whose scanConn cannot
// open takes the database/sql path.
func (s *Store) exportSnapshots(ctx context.Context, ranged, direct bool) ([]*exportReader, int64, error) {
	if direct {
		if readers, maxID, err := s.directSnapshots(ranged); err == nil {
			return readers, maxID, nil
		}
	}
	n := 1
	if ranged {
		n = 2
	}
	var readers []*exportReader
	var versions []int64
	var maxID int64
	for range n {
		tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			break
		}
		var v int64
		// The first read fixes the transaction's snapshot.
		if err := tx.QueryRowContext(ctx, exportStartQuery).Scan(&v, &maxID); err != nil {
			tx.Rollback()
			break
		}
		readers, versions = append(readers, &exportReader{tx: tx}), append(versions, v)
	}
	if len(readers) == 0 {
		return nil, 0, fmt.Errorf("incidents: export: no read connection")
	}
	if len(readers) == 2 && versions[0] != versions[1] {
		readers[1].close()
		readers = readers[:1]
	}
	return readers, maxID, nil
}

// exportStartQuery reads the data version and the highest id; as a read
// transaction's first read, it fixes the transaction's snapshot.
const exportStartQuery = "SELECT (SELECT version FROM data_version WHERE id = 1), (SELECT coalesce(max(id), 0) FROM incidents)"

// directSnapshots is exportSnapshots through scanConns.
func (s *Store) directSnapshots(ranged bool) ([]*exportReader, int64, error) {
	c, err := openScanConn(s.path)
	if err != nil {
		return nil, 0, err
	}
	var v, maxID int64
	if err := c.exec("BEGIN"); err != nil {
		c.close()
		return nil, 0, err
	}
	if err := c.queryInt64s(exportStartQuery, &v, &maxID); err != nil {
		c.close()
		return nil, 0, err
	}
	readers := []*exportReader{{c: c}}
	if ranged {
		second, err := openAt(s.path, v)
		if err != nil {
			c.close()
			return nil, 0, err
		}
		if second != nil {
			readers = append(readers, &exportReader{c: second})
		}
	}
	return readers, maxID, nil
}

// exportReader reads the rows of an export in one transaction, through
// database/sql (tx) or a scanConn of its own (c).
type exportReader struct {
	tx    *sql.Tx
	c     *scanConn
	st    *scanStmt // c's prepared query, once read has prepared it
	query string
	args  []any
	out   chan<- []incidents.Incident
}

// close ends the reader's transaction and closes its scanConn.
func (er *exportReader) close() {
	if er.tx != nil {
		er.tx.Rollback()
	}
	if er.c != nil {
		if er.st != nil {
			er.st.close()
		}
		er.c.close() // which rolls back
	}
}

// exportChunk is how many incidents an unranged reader sends at a time.
const exportChunk = 256

// all reads every row of the query and sends them in chunks.
func (er *exportReader) all(ctx context.Context) error {
	return er.read(ctx, er.args, exportChunk)
}

// ranges reads the ids in (first, first+exportRange], then the range step
// further on, and so on up to maxID, sending one chunk per range, empty
// ones included, so that the consumer can take chunks from the readers in
// turn.
func (er *exportReader) ranges(ctx context.Context, first, step, maxID int64) error {
	for lo := first; lo < maxID; lo += step {
		args := append(er.args[:len(er.args):len(er.args)], lo, lo+exportRange)
		if err := er.read(ctx, args, 0); err != nil {
			return err
		}
	}
	return nil
}

// read runs the query and sends its rows in chunks of size rows (0: one
// chunk, sent even when empty).
func (er *exportReader) read(ctx context.Context, args []any, size int) error {
	var next func() (bool, error)
	var scan func(*incidents.Incident) error
	if er.c != nil {
		if er.st == nil {
			st, err := er.c.prepare(er.query)
			if err != nil {
				return fmt.Errorf("incidents: export: %w", err)
			}
			er.st = st
		}
		st := er.st
		st.reset()
		if err := st.bind(args); err != nil {
			return fmt.Errorf("incidents: export: %w", err)
		}
		next = st.step
		scan = func(in *incidents.Incident) error { return scanIncidentDirect(st, in) }
	} else {
		rows, err := er.tx.QueryContext(ctx, er.query, args...)
		if err != nil {
			return fmt.Errorf("incidents: export: %w", err)
		}
		defer rows.Close()
		next = func() (bool, error) {
			if rows.Next() {
				return true, nil
			}
			return false, rows.Err()
		}
		scan = func(in *incidents.Incident) error { return scanIncident(rows, in) }
	}
	chunk := make([]incidents.Incident, 0, max(size, 64))
	send := func() error {
		select {
		case er.out <- chunk:
			chunk = make([]incidents.Incident, 0, max(size, 64))
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	for steps := 1; ; steps++ {
		ok, err := next()
		if err != nil {
			return fmt.Errorf("incidents: export: %w", err)
		}
		if !ok {
			break
		}
		if steps%4096 == 0 && ctx.Err() != nil {
			return ctx.Err() // a filter matching few rows sends rarely
		}
		chunk = append(chunk, incidents.Incident{})
		if err := scan(&chunk[len(chunk)-1]); err != nil {
			return fmt.Errorf("incidents: export: %w", err)
		}
		if size > 0 && len(chunk) == size {
			if err := send(); err != nil {
				return err
			}
		}
	}
	if size == 0 || len(chunk) > 0 {
		return send()
	}
	return nil
}

// directText lists the text columns of selectColumns by position.
var directText = [...]int{1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 17, 18, 19, 20, 21}

// scanIncidentDirect is scanIncident for the current row of st, a query
// of selectColumns. Its text is copied into one allocation per row.
func scanIncidentDirect(st *scanStmt, in *incidents.Incident) error {
	var texts [len(directText)]string
	n := 0
	for k, col := range directText {
		texts[k] = st.text(col)
		n += len(texts[k])
	}
	arena := make([]byte, 0, n)
	for k, t := range texts {
		start := len(arena)
		arena = append(arena, t...)
		texts[k] = unsafe.String(unsafe.SliceData(arena[start:]), len(t))
	}
	in.ID = st.int64(0)
	in.SourceID, in.Date, in.DatePrecision, in.EventType, in.SubEventType = texts[0], texts[1], texts[2], texts[3], texts[4]
	in.Actor1, in.Actor2, in.Place, in.Country, in.Admin1 = texts[5], texts[6], texts[7], texts[8], texts[9]
	in.Notes, in.CreatedAt, in.UpdatedAt = texts[10], texts[13], texts[14]
	nums := new(incidentNumbers)
	nums.lat, nums.lon = st.float64(13), st.float64(14)
	in.GeoPrecision = int(st.int64(15))
	nullable := func(col int) sql.NullInt64 {
		if st.isNull(col) {
			return sql.NullInt64{}
		}
		return sql.NullInt64{Int64: st.int64(col), Valid: true}
	}
	return nums.finish(in, nullable(8), nullable(9), nullable(16), texts[11], texts[12])
}
