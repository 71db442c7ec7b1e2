package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mapd/mapd/incidents"
	"github.com/mapd/mapd/incidents/index"
)

// Import reads every record from dec, validates it, resolves places without
// coordinates, and upserts valid records by source_id in batched
// transactions: a record whose source_id exists updates it (or counts as
// unchanged), never duplicates it. With opts.Atomic the whole import is one
// transaction that is rolled back if any record is rejected. An import
// stopped half-way (context cancelled, process killed) leaves every
// committed batch intact; running it again completes it. An import into an
// empty table is a bulk load (see bulk.go): one transaction, so a stopped
// one stores nothing.
func (s *Store) Import(ctx context.Context, dec incidents.Decoder, opts incidents.ImportOptions) (incidents.ImportResult, error) {
	if opts.Now == nil {
		opts.Now = s.now
	}
	opts = opts.WithDefaults()
	return incidents.Import(ctx, dec, opts, &importer{store: s, opts: opts})
}

// Write implements incidents.ImportWriter.
func (imp *importer) Write(ctx context.Context, rec *incidents.CheckedRecord, res *incidents.ImportResult) error {
	imp.res = res
	return imp.add(ctx, rec)
}

// Flush implements incidents.ImportWriter.
func (imp *importer) Flush(ctx context.Context, res *incidents.ImportResult) error {
	imp.res = res
	return imp.flush(ctx)
}

// Finish implements incidents.ImportWriter: it commits the open
// transaction, or rolls it back and sets the counts to those of the
// committed batches.
func (imp *importer) Finish(ctx context.Context, commit bool, res *incidents.ImportResult) error {
	imp.res = res
	return imp.finish(ctx, commit)
}

type importer struct {
	store    *Store
	opts     incidents.ImportOptions
	res      *incidents.ImportResult // counts of what the writer did; Received is the reader's
	tx       *sql.Tx
	stmts    *importStmts
	pending  int // records written in the open transaction
	done     incidents.ImportResult
	indexed  int64     // incidents with a higher id are not yet in the full-text index
	inserted bool      // rows were inserted since the last indexNewFTS
	started  bool      // the import has written its first record
	bulk     *bulkLoad // non-nil during a bulk load into an empty table (see bulk.go)
	stampAt  int64     // the second of stamp, in Unix time
	stamp    string    // the timestamp of records written at that second
	last     int       // index of the last record written
	maxID    int64     // the highest id in the table
	queue    []incidents.CheckedRecord
	locked   bool    // holds the store's write lock (see lockWrites)
	firstNew int64   // rows of the open transaction with a higher id are new
	from     int64   // the data version when the open transaction began
	updated  []int64 // ids the open transaction updated
}

type importStmts struct {
	lookup, lookupID, insert, insertGroup, update *sql.Stmt
}

// insertGroup is how many records one INSERT statement writes when none of
// them is already stored; a statement per record costs about twice as
// much per record.
const insertGroup = 32

// add queues one checked record for writing, and writes the queue when it holds a group or
// reaches the end of a batch. In a bulk load it writes the record at once.
func (imp *importer) add(ctx context.Context, rec *incidents.CheckedRecord) error {
	if !imp.started {
		imp.started = true
		if err := imp.maybeBulk(ctx); err != nil {
			return err
		}
	}
	if imp.bulk != nil {
		return imp.bulkWrite(ctx, rec)
	}
	imp.queue = append(imp.queue, *rec)
	group := insertGroup
	if !imp.opts.Atomic {
		group = min(group, imp.opts.BatchSize-imp.pending)
	}
	if len(imp.queue) < group {
		return nil
	}
	return imp.flush(ctx)
}

// flush writes the queued records: a full group in one statement when
// none of them is stored yet, the others one by one.
func (imp *importer) flush(ctx context.Context) error {
	q := imp.queue
	imp.queue = imp.queue[:0]
	if len(q) == insertGroup {
		done, err := imp.writeGroup(ctx, q)
		if err != nil || done {
			return err
		}
	}
	for i := range q {
		imp.last = q[i].Index
		if err := imp.rejectWrite(&q[i], imp.write(ctx, &q[i].Incident)); err != nil {
			return err
		}
	}
	return nil
}

// rejectWrite counts a record that could not be written because of its
// content (a *FieldError) as rejected, and returns any other error.
func (imp *importer) rejectWrite(rec *incidents.CheckedRecord, err error) error {
	var fe *incidents.FieldError
	if !errors.As(err, &fe) {
		return err
	}
	imp.res.Reject(rec.Index, rec.Incident.SourceID, fe, imp.opts.MaxErrors)
	return nil
}

// writeGroup inserts a group of records in one statement, skipping those
// whose source_id is stored, and then updates the skipped ones in input
// order. It reports false, having written nothing, when the statement
// fails, so that the records are written one by one and the failure is
// pinned on one of them.
func (imp *importer) writeGroup(ctx context.Context, q []incidents.CheckedRecord) (bool, error) {
	if imp.tx == nil {
		if err := imp.begin(ctx); err != nil {
			return false, err
		}
	}
	if imp.stmts.insertGroup == nil {
		row := "(" + strings.Repeat("?, ", len(columnValues(&q[0].Incident))-1) + "?)"
		head, _, _ := strings.Cut(insertSQL, "VALUES")
		query := head + "VALUES " + strings.Repeat(row+", ", insertGroup-1) + row + " ON CONFLICT (source_id) DO NOTHING"
		st, err := imp.tx.PrepareContext(ctx, query)
		if err != nil {
			return false, fmt.Errorf("incidents: import: %w", err)
		}
		imp.stmts.insertGroup = st
	}
	now := imp.now()
	args := make([]any, 0, insertGroup*21)
	for i := range q {
		in := &q[i].Incident
		in.CreatedAt, in.UpdatedAt = now, now
		args = append(args, columnValues(in)...)
	}
	before := imp.maxID
	res, err := imp.stmts.insertGroup.ExecContext(ctx, args...)
	if err != nil {
		return false, nil
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("incidents: import: %w", err)
	}
	imp.maxID += n
	imp.inserted = imp.inserted || n > 0
	imp.last = q[len(q)-1].Index
	if int(n) == len(q) {
		imp.res.Inserted += len(q)
		return true, imp.maybeCommit(ctx, len(q))
	}
	// Some source_ids were stored before, or repeat within the group: the
	// first record of a source_id whose row is newer than the statement
	// was inserted by it; the others update the stored row in turn.
	seen := map[string]bool{}
	for i := range q {
		in := &q[i].Incident
		if in.SourceID == "" {
			imp.res.Inserted++
			continue
		}
		if !seen[in.SourceID] {
			seen[in.SourceID] = true
			var id int64
			if err := imp.stmts.lookupID.QueryRowContext(ctx, in.SourceID).Scan(&id); err != nil {
				return true, fmt.Errorf("incidents: import: source_id %q: %w", incidents.Clip(in.SourceID), err)
			}
			if id > before {
				imp.res.Inserted++
				continue
			}
		}
		if err := imp.rejectWrite(&q[i], imp.updateStored(ctx, in)); err != nil {
			return true, err
		}
	}
	return true, imp.maybeCommit(ctx, len(q))
}

func (imp *importer) begin(ctx context.Context) error {
	imp.store.lockWrites()
	imp.locked = true
	tx, err := imp.store.w.BeginTx(ctx, nil)
	if err != nil {
		imp.unlock()
		return fmt.Errorf("incidents: import: %w", err)
	}
	if imp.from, err = txVersion(ctx, tx); err != nil {
		tx.Rollback()
		imp.unlock()
		return err
	}
	st := &importStmts{}
	prepare := func(q string) *sql.Stmt {
		if err != nil {
			return nil
		}
		var s *sql.Stmt
		s, err = tx.PrepareContext(ctx, q)
		return s
	}
	st.lookup = prepare("SELECT " + selectColumns + " FROM incidents i WHERE i.source_id = ?")
	st.lookupID = prepare("SELECT id FROM incidents WHERE source_id = ?")
	st.insert = prepare(insertSQL + " ON CONFLICT (source_id) DO NOTHING")
	st.update = prepare(updateSQL)
	if err != nil {
		tx.Rollback()
		imp.unlock()
		return fmt.Errorf("incidents: import: %w", err)
	}
	if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM incidents").Scan(&imp.indexed); err != nil {
		tx.Rollback()
		imp.unlock()
		return fmt.Errorf("incidents: import: %w", err)
	}
	imp.maxID, imp.firstNew, imp.updated = imp.indexed, imp.indexed, imp.updated[:0]
	imp.tx, imp.stmts, imp.pending, imp.inserted = tx, st, 0, false
	imp.done = *imp.res
	return nil
}

// maybeBulk turns the import into a bulk load when the incidents table is
// empty: one transaction, with the derived structures built at the end.
// The bulk load holds the store's write lock until it ends.
func (imp *importer) maybeBulk(ctx context.Context) error {
	imp.store.lockWrites()
	imp.locked = true
	// A cheap look first, so that an import into a table with rows opens
	// no connection; beginBulk looks again inside its transaction.
	var exists bool
	err := imp.store.w.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM incidents)").Scan(&exists)
	if err == nil && !exists {
		imp.bulk, err = beginBulk(ctx, imp.store)
	}
	if err != nil || imp.bulk == nil {
		imp.unlock()
		if err != nil {
			return fmt.Errorf("incidents: import: %w", err)
		}
	}
	imp.done = *imp.res
	return nil
}

// bulkWrite writes one record of a bulk load.
func (imp *importer) bulkWrite(ctx context.Context, rec *incidents.CheckedRecord) error {
	imp.last = rec.Index
	in := &rec.Incident
	now := imp.now()
	in.CreatedAt, in.UpdatedAt = now, now
	outcome, err := imp.bulk.write(ctx, in)
	if err != nil {
		return err
	}
	switch outcome {
	case bulkInserted:
		imp.res.Inserted++
	case bulkUpdated:
		imp.res.Updated++
	case bulkUnchanged:
		imp.res.Unchanged++
	}
	return imp.maybeCommit(ctx, 1)
}

// now returns the timestamp of a record written now, formatted once a
// second.
func (imp *importer) now() string {
	t := imp.opts.Now()
	if sec := t.Unix(); sec != imp.stampAt || imp.stamp == "" {
		imp.stampAt, imp.stamp = sec, t.UTC().Format(time.RFC3339)
	}
	return imp.stamp
}

// indexFTS brings the full-text index up to date with the rows inserted in
// the open transaction.
func (imp *importer) indexFTS(ctx context.Context) error {
	if !imp.inserted {
		return nil
	}
	if err := indexNewFTS(ctx, imp.tx, imp.indexed); err != nil {
		return err
	}
	if err := imp.tx.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM incidents").Scan(&imp.indexed); err != nil {
		return fmt.Errorf("incidents: import: %w", err)
	}
	imp.inserted = false
	return nil
}

// write stores one record: inserted when its source_id is new, else as an
// update of the stored incident.
func (imp *importer) write(ctx context.Context, in *incidents.Incident) error {
	if imp.tx == nil {
		if err := imp.begin(ctx); err != nil {
			return err
		}
	}
	now := imp.now()
	in.CreatedAt, in.UpdatedAt = now, now
	// Try the insert first: a new source_id (the common case in a bulk
	// load) then costs one statement; a known one inserts nothing and
	// takes the update path.
	res, err := imp.stmts.insert.ExecContext(ctx, columnValues(in)...)
	if err != nil {
		return sqlError("import", in, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("incidents: import: %w", err)
	} else if n == 1 {
		imp.maxID++
		imp.inserted = true
		imp.res.Inserted++
		return imp.maybeCommit(ctx, 1)
	}
	if err := imp.updateStored(ctx, in); err != nil {
		return err
	}
	return imp.maybeCommit(ctx, 1)
}

// updateStored writes a record whose source_id is stored over the stored
// incident, or counts it as unchanged.
func (imp *importer) updateStored(ctx context.Context, in *incidents.Incident) error {
	var old incidents.Incident
	if err := scanIncident(imp.stmts.lookup.QueryRowContext(ctx, in.SourceID), &old); err != nil {
		return fmt.Errorf("incidents: import: source_id %q: %w", incidents.Clip(in.SourceID), err)
	}
	in.ID, in.CreatedAt = old.ID, old.CreatedAt
	if incidents.SameContent(&old, in) {
		imp.res.Unchanged++
		return nil
	}
	// The update trigger removes the old text from the full-text index, so a
	// row inserted earlier in this transaction must be in it first.
	if err := imp.indexFTS(ctx); err != nil {
		return err
	}
	if _, err := imp.stmts.update.ExecContext(ctx, append(columnValues(in), in.ID)...); err != nil {
		return sqlError("import", in, err)
	}
	if imp.store.idx != nil && len(imp.updated) <= maxApplyRows {
		imp.updated = append(imp.updated, in.ID)
	}
	imp.res.Updated++
	return nil
}

// maybeCommit counts n more records written and ends the batch when it is
// full.
func (imp *importer) maybeCommit(ctx context.Context, n int) error {
	imp.pending += n
	if imp.opts.Atomic || imp.pending < imp.opts.BatchSize {
		return nil
	}
	if imp.bulk != nil {
		imp.pending = 0
	} else if err := imp.commit(ctx); err != nil {
		return err
	}
	if imp.opts.Progress != nil {
		imp.opts.Progress(imp.last + 1)
	}
	return nil
}

func (imp *importer) commit(ctx context.Context) error {
	if imp.bulk != nil {
		return imp.commitBulk(ctx)
	}
	if imp.tx == nil {
		return nil
	}
	if err := imp.indexFTS(ctx); err != nil {
		return err
	}
	// The rows the transaction wrote, for the index; too many are cheaper
	// to read by building the index again.
	var rows []index.Row
	var version int64
	rebuild := false
	if imp.store.idx != nil {
		if imp.maxID-imp.firstNew+int64(len(imp.updated)) > maxApplyRows {
			rebuild = true
		} else {
			var err error
			if version, err = txVersion(ctx, imp.tx); err != nil {
				return err
			}
			if rows, err = readRows(ctx, imp.tx, imp.firstNew, imp.updated); err != nil {
				return err
			}
		}
	}
	err := imp.tx.Commit()
	imp.tx, imp.stmts = nil, nil
	if err != nil {
		imp.unlock()
		return fmt.Errorf("incidents: import: commit: %w", err)
	}
	if rebuild {
		// Build while still holding the write lock, so that the import
		// returns once its rows are in the index; reads meanwhile use the
		// snapshot from before the import.
		imp.store.idx.rebuild(imp.store)
	} else if len(rows) > 0 {
		imp.store.apply(imp.from, version, rows, nil)
	}
	imp.unlock()
	return nil
}

// commitBulk ends the bulk load: it builds the derived structures and
// commits, or leaves the table empty.
func (imp *importer) commitBulk(ctx context.Context) error {
	err := imp.bulk.finish(ctx, imp.opts.Stage)
	imp.bulk.close()
	imp.bulk = nil
	if err == nil && imp.store.idx != nil {
		// Build while still holding the write lock, so that the import
		// returns once its rows are in the index; reads meanwhile use the
		// snapshot from before the import.
		imp.store.idx.rebuild(imp.store)
	}
	imp.unlock()
	return err
}

func (imp *importer) rollback() {
	if imp.bulk != nil {
		imp.bulk.close()
		imp.bulk = nil
	}
	if imp.tx != nil {
		imp.tx.Rollback()
		imp.tx, imp.stmts = nil, nil
	}
	imp.unlock()
}

// unlock releases the store's write lock if the importer holds it.
func (imp *importer) unlock() {
	if imp.locked {
		imp.locked = false
		imp.store.unlockWrites()
	}
}

// finish commits or rolls back the open transaction. On rollback, or
// when the commit fails, the counts become those of the committed
// batches: none in an atomic import or a bulk load.
func (imp *importer) finish(ctx context.Context, commit bool) error {
	var err error
	if commit {
		if err = imp.commit(ctx); err == nil {
			return nil
		}
	}
	imp.rollback()
	if imp.opts.Atomic {
		imp.res.Inserted, imp.res.Updated, imp.res.Unchanged = 0, 0, 0
	} else {
		imp.res.Inserted, imp.res.Updated, imp.res.Unchanged = imp.done.Inserted, imp.done.Updated, imp.done.Unchanged
	}
	return err
}
