package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"

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
	txs, maxID, err := s.exportSnapshots(ctx, ranged)
	if err != nil {
		return err
	}
	defer func() {
		for _, tx := range txs {
			tx.Rollback()
		}
	}()
	chans := make([]chan []incidents.Incident, len(txs))
	errs := make(chan error, len(txs))
	for r, tx := range txs {
		chans[r] = make(chan []incidents.Incident, 2)
		go func() {
			defer close(chans[r])
			er := exportReader{tx: tx, query: query, args: args, out: chans[r]}
			if ranged {
				errs <- er.ranges(ctx, int64(r)*exportRange, int64(len(txs))*exportRange, maxID)
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
	for range txs {
		err := <-errs
		if failure == nil && err != nil && (!errors.Is(err, context.Canceled) || parent.Err() != nil) {
			failure = err
		}
	}
	return failure
}

// exportSnapshots begins the read transactions of an export: two when
// ranged and both see the same data version, else one. It also returns
// the highest id.
func (s *Store) exportSnapshots(ctx context.Context, ranged bool) ([]*sql.Tx, int64, error) {
	n := 1
	if ranged {
		n = 2
	}
	var txs []*sql.Tx
	var versions []int64
	var maxID int64
	for range n {
		tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			break
		}
		var v int64
		// The first read fixes the transaction's snapshot.
		if err := tx.QueryRowContext(ctx, "SELECT (SELECT version FROM data_version), (SELECT coalesce(max(id), 0) FROM incidents)").Scan(&v, &maxID); err != nil {
			tx.Rollback()
			break
		}
		txs, versions = append(txs, tx), append(versions, v)
	}
	if len(txs) == 0 {
		return nil, 0, fmt.Errorf("incidents: export: no read connection")
	}
	if len(txs) == 2 && versions[0] != versions[1] {
		txs[1].Rollback()
		txs = txs[:1]
	}
	return txs, maxID, nil
}

// exportReader reads the rows of an export in one transaction.
type exportReader struct {
	tx    *sql.Tx
	query string
	args  []any
	out   chan<- []incidents.Incident
}

// exportChunk is how many incidents an unranged reader sends at a time.
const exportChunk = 256

// all reads every row of the query and sends them in chunks.
func (er exportReader) all(ctx context.Context) error {
	return er.read(ctx, er.args, exportChunk)
}

// ranges reads the ids in (first, first+exportRange], then the range step
// further on, and so on up to maxID, sending one chunk per range, empty
// ones included, so that the consumer can take chunks from the readers in
// turn.
func (er exportReader) ranges(ctx context.Context, first, step, maxID int64) error {
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
func (er exportReader) read(ctx context.Context, args []any, size int) error {
	rows, err := er.tx.QueryContext(ctx, er.query, args...)
	if err != nil {
		return fmt.Errorf("incidents: export: %w", err)
	}
	defer rows.Close()
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
	for rows.Next() {
		chunk = append(chunk, incidents.Incident{})
		if err := scanIncident(rows, &chunk[len(chunk)-1]); err != nil {
			return fmt.Errorf("incidents: export: %w", err)
		}
		if size > 0 && len(chunk) == size {
			if err := send(); err != nil {
				return err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("incidents: export: %w", err)
	}
	if size == 0 || len(chunk) > 0 {
		return send()
	}
	return nil
}
