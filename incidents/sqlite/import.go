package incidents

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strings"
	"time"
)

// Record is one decoded input record: an Incident or the error that made
// the record unusable.
type Record struct {
	Index    int      // 0-based position in the input
	Incident Incident // normalised, not yet validated
	Err      error    // a per-record problem; decoding goes on with the next record
}

// Decoder yields the records of an import stream one by one. Next returns
// io.EOF at the end, and any other error only when the stream itself is
// unusable, which stops the import.
type Decoder interface {
	Next() (Record, error)
}

// ImportOptions tune Store.Import.
type ImportOptions struct {
	Atomic    bool              // store nothing if any record is rejected
	Resolver  Resolver          // resolves places without coordinates; nil rejects them
	BatchSize int               // records per transaction when not atomic (default 5000)
	Progress  func(n int)       // called after each batch with the number of records read up to its last one
	Stage     func(what string) // called as a bulk load builds each index, with what it builds
	MaxErrors int               // errors kept in the result (default 10000); the count stays exact
	Limit     int               // reject the stream after this many records (0: no limit)
	Now       func() time.Time  // clock for timestamps (default time.Now)
}

// ImportError reports one rejected record.
type ImportError struct {
	Index    int    `json:"index"`
	SourceID string `json:"source_id,omitempty"`
	Field    string `json:"field"`
	Error    string `json:"error"`
}

// ImportResult is the import result object of the contract.
type ImportResult struct {
	Received        int           `json:"received"`
	Inserted        int           `json:"inserted"`
	Updated         int           `json:"updated"`
	Unchanged       int           `json:"unchanged"`
	Rejected        int           `json:"rejected"`
	Errors          []ImportError `json:"errors"`
	ErrorsTruncated bool          `json:"errors_truncated,omitempty"`
}

// ErrTooManyRecords is returned by Import when ImportOptions.Limit is exceeded.
var ErrTooManyRecords = errors.New("incidents: too many records")

// Import reads every record from dec, validates it, resolves places without
// coordinates, and upserts valid records by source_id in batched
// transactions: a record whose source_id exists updates it (or counts as
// unchanged), never duplicates it. With opts.Atomic the whole import is one
// transaction that is rolled back if any record is rejected. An import
// stopped half-way (context cancelled, process killed) leaves every
// committed batch intact; running it again completes it. An import into an
// empty table is a bulk load (see bulk.go): one transaction, so a stopped
// one stores nothing.
//
// Decoding and validation run in their own goroutine, one chunk of records
// ahead of the writer, so that the two share the machine's cores.
func (s *Store) Import(ctx context.Context, dec Decoder, opts ImportOptions) (ImportResult, error) {
	if opts.BatchSize <= 0 {
		opts.BatchSize = 5000
	}
	if opts.MaxErrors <= 0 {
		opts.MaxErrors = 10000
	}
	if opts.Now == nil {
		opts.Now = s.now
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	rd := &importReader{dec: dec, opts: opts, countries: map[string]int{}}
	chunks := make(chan []checkedRecord, 4)
	go rd.run(ctx, chunks)

	res := ImportResult{}
	imp := &importer{store: s, opts: opts, res: &res}
	defer imp.rollback()
	var failure error
	for chunk := range chunks {
		if failure != nil {
			continue // drain until the reader sees the cancellation
		}
		for i := range chunk {
			if err := imp.add(ctx, &chunk[i]); err != nil {
				failure = err
				cancel()
				break
			}
		}
	}
	if failure == nil && rd.err == nil && ctx.Err() == nil {
		failure = imp.flush(ctx)
	}
	// The reader is done: its fields are safe to read.
	res.Received = rd.received
	res.Rejected += rd.rejected
	res.Errors = mergeErrors(rd.errors, res.Errors, opts.MaxErrors)
	res.ErrorsTruncated = rd.truncated || imp.truncated || len(res.Errors) < res.Rejected
	if failure == nil {
		failure = rd.err
	}
	if failure == nil {
		failure = ctx.Err()
	}
	res, err := imp.finish(ctx, failure)
	if imp.bulk != nil {
		if cerr := imp.bulk.restoreCache(s.w); err == nil {
			err = cerr
		}
	}
	return res, err
}

// checkedRecord is a validated record ready to be written, or a rejection
// that the writer only counts (rejected is the number of records rejected
// by the reader so far, which stops an atomic import from writing).
type checkedRecord struct {
	index    int
	incident Incident
	rejected int
}

// importReader decodes, validates and resolves records for Import.
type importReader struct {
	dec       Decoder
	opts      ImportOptions
	countries map[string]int // country of each valid record so far, to steer resolution

	received, rejected int
	errors             []ImportError
	truncated          bool
	err                error // what stopped the stream, if anything
}

// readChunk is how many records go to the writer at once.
const readChunk = 256

func (rd *importReader) run(ctx context.Context, out chan<- []checkedRecord) {
	defer close(out)
	chunk := make([]checkedRecord, 0, readChunk)
	send := func() bool {
		select {
		case out <- chunk:
			chunk = make([]checkedRecord, 0, readChunk)
			return true
		case <-ctx.Done():
			return false
		}
	}
	for {
		if err := ctx.Err(); err != nil {
			return
		}
		rec, err := rd.dec.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			rd.err = fmt.Errorf("incidents: import: %w", err)
			break
		}
		rd.received++
		if rd.opts.Limit > 0 && rd.received > rd.opts.Limit {
			rd.err = fmt.Errorf("%w: more than %d in one import", ErrTooManyRecords, rd.opts.Limit)
			break
		}
		if err := rd.check(ctx, &rec); err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) {
				rd.err = err
				break
			}
			rd.reject(rec, fe)
			continue
		}
		chunk = append(chunk, checkedRecord{index: rec.Index, incident: rec.Incident, rejected: rd.rejected})
		if len(chunk) == readChunk && !send() {
			return
		}
	}
	if len(chunk) > 0 {
		send()
	}
}

// check normalises, validates and resolves one record. A *FieldError
// rejects the record; any other error stops the import.
func (rd *importReader) check(ctx context.Context, rec *Record) error {
	if rec.Err != nil {
		var fe *FieldError
		if !errors.As(rec.Err, &fe) {
			return &FieldError{Msg: rec.Err.Error()}
		}
		return rec.Err
	}
	in := &rec.Incident
	in.Normalize()
	if err := in.Validate(); err != nil {
		return err
	}
	if !in.HasPoint() && in.Place != "" {
		if err := resolve(ctx, in, rd.opts.Resolver, topCountries(rd.countries)); err != nil {
			return err
		}
	}
	if err := in.ValidateStored(); err != nil {
		return err
	}
	if in.Country != "" {
		rd.countries[in.Country]++
	}
	return nil
}

func (rd *importReader) reject(rec Record, fe *FieldError) {
	rd.rejected++
	if len(rd.errors) >= rd.opts.MaxErrors {
		rd.truncated = true
		return
	}
	rd.errors = append(rd.errors, ImportError{Index: rec.Index, SourceID: rec.Incident.SourceID, Field: fe.Field, Error: fe.Msg})
}

// mergeErrors merges two lists of errors sorted by index, keeping at most
// max.
func mergeErrors(a, b []ImportError, max int) []ImportError {
	out := make([]ImportError, 0, min(len(a)+len(b), max))
	for len(out) < max && (len(a) > 0 || len(b) > 0) {
		if len(b) == 0 || (len(a) > 0 && a[0].Index <= b[0].Index) {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	return out
}

type importer struct {
	store     *Store
	opts      ImportOptions
	res       *ImportResult // counts of what the writer did; Received is the reader's
	tx        *sql.Tx
	stmts     *importStmts
	pending   int // records written in the open transaction
	done      ImportResult
	indexed   int64     // incidents with a higher id are not yet in the full-text index
	inserted  bool      // rows were inserted since the last indexNewFTS
	started   bool      // the first transaction has begun
	bulk      *bulkLoad // non-nil during a bulk load into an empty table (see bulk.go)
	last      int       // index of the last record written
	truncated bool      // writer errors were dropped beyond MaxErrors
	maxID     int64     // the highest id in the table
	queue     []checkedRecord
}

type importStmts struct {
	lookup, lookupID, insert, insertGroup, update *sql.Stmt
}

// insertGroup is how many records one INSERT statement writes when none of
// them is already stored; a statement per record costs about twice as
// much per record.
const insertGroup = 32

// add queues one checked record for writing, unless an atomic import has
// already rejected one, and writes the queue when it holds a group or
// reaches the end of a batch.
func (imp *importer) add(ctx context.Context, rec *checkedRecord) error {
	if imp.opts.Atomic && rec.rejected+imp.res.Rejected > 0 {
		return nil // nothing will be stored
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
		imp.last = q[i].index
		if err := imp.rejectWrite(&q[i], imp.write(ctx, &q[i].incident)); err != nil {
			return err
		}
	}
	return nil
}

// rejectWrite counts a record that could not be written because of its
// content (a *FieldError) as rejected, and returns any other error.
func (imp *importer) rejectWrite(rec *checkedRecord, err error) error {
	var fe *FieldError
	if !errors.As(err, &fe) {
		return err
	}
	imp.res.Rejected++
	if len(imp.res.Errors) >= imp.opts.MaxErrors {
		imp.truncated = true
		return nil
	}
	imp.res.Errors = append(imp.res.Errors, ImportError{Index: rec.index, SourceID: rec.incident.SourceID, Field: fe.Field, Error: fe.Msg})
	return nil
}

// writeGroup inserts a group of records in one statement, skipping those
// whose source_id is stored, and then updates the skipped ones in input
// order. It reports false, having written nothing, when the statement
// fails, so that the records are written one by one and the failure is
// pinned on one of them.
func (imp *importer) writeGroup(ctx context.Context, q []checkedRecord) (bool, error) {
	if imp.tx == nil {
		if err := imp.begin(ctx); err != nil {
			return false, err
		}
	}
	if imp.stmts.insertGroup == nil {
		row := "(" + strings.Repeat("?, ", len(columnValues(&q[0].incident))-1) + "?)"
		head, _, _ := strings.Cut(insertSQL, "VALUES")
		query := head + "VALUES " + strings.Repeat(row+", ", insertGroup-1) + row + " ON CONFLICT (source_id) DO NOTHING"
		st, err := imp.tx.PrepareContext(ctx, query)
		if err != nil {
			return false, fmt.Errorf("incidents: import: %w", err)
		}
		imp.stmts.insertGroup = st
	}
	now := imp.opts.Now().UTC().Format(time.RFC3339)
	args := make([]any, 0, insertGroup*21)
	for i := range q {
		in := &q[i].incident
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
	imp.last = q[len(q)-1].index
	if int(n) == len(q) {
		imp.res.Inserted += len(q)
		return true, imp.maybeCommit(ctx, len(q))
	}
	// Some source_ids were stored before, or repeat within the group: the
	// first record of a source_id whose row is newer than the statement
	// was inserted by it; the others update the stored row in turn.
	seen := map[string]bool{}
	for i := range q {
		in := &q[i].incident
		if in.SourceID == "" {
			imp.res.Inserted++
			continue
		}
		if !seen[in.SourceID] {
			seen[in.SourceID] = true
			var id int64
			if err := imp.stmts.lookupID.QueryRowContext(ctx, in.SourceID).Scan(&id); err != nil {
				return true, fmt.Errorf("incidents: import: source_id %q: %w", clip(in.SourceID), err)
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

// topCountries returns up to three countries seen most often so far.
func topCountries(countries map[string]int) []string {
	if len(countries) == 0 {
		return nil
	}
	cs := make([]string, 0, len(countries))
	for c := range countries {
		cs = append(cs, c)
	}
	sort.Slice(cs, func(i, j int) bool {
		if countries[cs[i]] != countries[cs[j]] {
			return countries[cs[i]] > countries[cs[j]]
		}
		return cs[i] < cs[j]
	})
	if len(cs) > 3 {
		cs = cs[:3]
	}
	return cs
}

func (imp *importer) begin(ctx context.Context) error {
	tx, err := imp.store.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("incidents: import: %w", err)
	}
	if !imp.started {
		imp.started = true
		if err := imp.maybeBulk(ctx, tx); err != nil {
			tx.Rollback()
			return err
		}
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
		return fmt.Errorf("incidents: import: %w", err)
	}
	if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM incidents").Scan(&imp.indexed); err != nil {
		tx.Rollback()
		return fmt.Errorf("incidents: import: %w", err)
	}
	imp.maxID = imp.indexed
	imp.tx, imp.stmts, imp.pending, imp.inserted = tx, st, 0, false
	imp.done = *imp.res
	return nil
}

// maybeBulk turns the import into a bulk load when the incidents table is
// empty: one transaction, with the derived structures built at the end.
func (imp *importer) maybeBulk(ctx context.Context, tx *sql.Tx) error {
	empty, err := tableEmpty(ctx, tx)
	if err != nil || !empty {
		return err
	}
	imp.bulk, err = beginBulk(ctx, tx)
	return err
}

// indexFTS brings the full-text index up to date with the rows inserted in
// the open transaction.
func (imp *importer) indexFTS(ctx context.Context) error {
	if !imp.inserted || imp.bulk != nil {
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
func (imp *importer) write(ctx context.Context, in *Incident) error {
	if imp.tx == nil {
		if err := imp.begin(ctx); err != nil {
			return err
		}
	}
	now := imp.opts.Now().UTC().Format(time.RFC3339)
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
func (imp *importer) updateStored(ctx context.Context, in *Incident) error {
	var old Incident
	if err := scanIncident(imp.stmts.lookup.QueryRowContext(ctx, in.SourceID), &old); err != nil {
		return fmt.Errorf("incidents: import: source_id %q: %w", clip(in.SourceID), err)
	}
	in.ID, in.CreatedAt = old.ID, old.CreatedAt
	if sameContent(&old, in) {
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
	if imp.tx == nil {
		return nil
	}
	if err := imp.indexFTS(ctx); err != nil {
		return err
	}
	if imp.bulk != nil {
		if err := imp.bulk.finish(ctx, imp.tx, imp.opts.Stage); err != nil {
			return err
		}
	}
	err := imp.tx.Commit()
	imp.tx, imp.stmts = nil, nil
	if err != nil {
		return fmt.Errorf("incidents: import: commit: %w", err)
	}
	return nil
}

func (imp *importer) rollback() {
	if imp.tx != nil {
		imp.tx.Rollback()
		imp.tx, imp.stmts = nil, nil
	}
}

// finish commits or rolls back the open transaction and returns the result.
// On failure the counts are those of the committed batches.
func (imp *importer) finish(ctx context.Context, failure error) (ImportResult, error) {
	atomicReject := imp.opts.Atomic && imp.res.Rejected > 0
	if failure != nil || atomicReject {
		imp.rollback()
		if imp.opts.Atomic {
			imp.res.Inserted, imp.res.Updated, imp.res.Unchanged = 0, 0, 0
		} else {
			imp.res.Inserted, imp.res.Updated, imp.res.Unchanged = imp.done.Inserted, imp.done.Updated, imp.done.Unchanged
		}
		return *imp.res, failure
	}
	if err := imp.commit(ctx); err != nil {
		return *imp.res, err
	}
	if imp.opts.Progress != nil {
		imp.opts.Progress(imp.res.Received)
	}
	return *imp.res, nil
}

// sameContent reports whether two incidents hold the same data, ignoring
// id and timestamps.
func sameContent(a, b *Incident) bool {
	x, y := *a, *b
	x.ID, y.ID = 0, 0
	x.CreatedAt, y.CreatedAt, x.UpdatedAt, y.UpdatedAt = "", "", "", ""
	if x.GeoPrecision == 0 {
		x.GeoPrecision = 1
	}
	if y.GeoPrecision == 0 {
		y.GeoPrecision = 1
	}
	return reflect.DeepEqual(x, y)
}
