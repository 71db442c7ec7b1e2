package incidents

import (
	"context"
	"database/sql"
	"fmt"
)

// exportChunk is how many incidents the reading goroutine of Export hands
// over at a time.
const exportChunk = 256

// Export calls fn with every incident matching f (Limit and Cursor are
// ignored), oldest id first, from one consistent snapshot. Reading and
// scanning the rows runs in its own goroutine, a few chunks ahead of fn,
// so that reading and encoding share the machine's cores. Walking the
// table in id order reads each page once, where the date order of List
// would look every row up through an index. fn must not keep the pointer
// beyond the call.
func (s *Store) Export(ctx context.Context, f Filter, fn func(*Incident) error) error {
	conds, args := f.where()
	if f.BBox != nil {
		rc, rargs := rtreeCond(*f.BBox)
		bc, bargs := bboxCond(*f.BBox)
		conds = append(conds, rc, bc)
		args = append(append(args, rargs...), bargs...)
	}
	query := "SELECT " + selectColumns + " FROM incidents i" + whereClause(conds) + " ORDER BY i.id"

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	chunks := make(chan []Incident, 4)
	free := make(chan []Incident, 6) // chunks fn is done with, reused by the reader
	errc := make(chan error, 1)
	go func() {
		defer close(chunks)
		errc <- s.readExport(ctx, query, args, chunks, free)
	}()
	var failure error
	for chunk := range chunks {
		if failure == nil {
			for i := range chunk {
				if err := fn(&chunk[i]); err != nil {
					failure = err
					cancel()
					break
				}
			}
		}
		select {
		case free <- chunk:
		default:
		}
	}
	if err := <-errc; failure == nil && err != nil {
		failure = err
	}
	return failure
}

// readExport runs query in a read-only transaction and sends the incidents
// in chunks.
func (s *Store) readExport(ctx context.Context, query string, args []any, out chan<- []Incident, free <-chan []Incident) error {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("incidents: export: %w", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("incidents: export: %w", err)
	}
	defer rows.Close()
	next := func() []Incident {
		select {
		case c := <-free:
			return c[:0]
		default:
			return make([]Incident, 0, exportChunk)
		}
	}
	chunk := next()
	send := func() error {
		select {
		case out <- chunk:
			chunk = next()
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	for rows.Next() {
		chunk = append(chunk, Incident{})
		if err := scanIncident(rows, &chunk[len(chunk)-1]); err != nil {
			return fmt.Errorf("incidents: export: %w", err)
		}
		if len(chunk) == exportChunk {
			if err := send(); err != nil {
				return err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("incidents: export: %w", err)
	}
	if len(chunk) > 0 {
		return send()
	}
	return nil
}
