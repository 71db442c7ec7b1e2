package incidents

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sort"
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
	Atomic    bool             // store nothing if any record is rejected
	Resolver  Resolver         // resolves places without coordinates; nil rejects them
	BatchSize int              // records per transaction when not atomic (default 5000)
	Progress  func(n int)      // called with the number of records read so far, after each batch
	MaxErrors int              // errors kept in the result (default 10000); the count stays exact
	Limit     int              // reject the stream after this many records (0: no limit)
	Now       func() time.Time // clock for timestamps (default time.Now)
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
// committed batch intact; running it again completes it.
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
	res := ImportResult{Errors: []ImportError{}}
	imp := &importer{store: s, opts: opts, res: &res, countries: map[string]int{}}
	defer imp.rollback()
	for {
		if err := ctx.Err(); err != nil {
			return imp.finish(ctx, err)
		}
		rec, err := dec.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return imp.finish(ctx, fmt.Errorf("incidents: import: %w", err))
		}
		res.Received++
		if opts.Limit > 0 && res.Received > opts.Limit {
			return imp.finish(ctx, fmt.Errorf("%w: more than %d in one import", ErrTooManyRecords, opts.Limit))
		}
		if err := imp.add(ctx, rec); err != nil {
			return imp.finish(ctx, err)
		}
	}
	return imp.finish(ctx, nil)
}

type importer struct {
	store     *Store
	opts      ImportOptions
	res       *ImportResult
	countries map[string]int // country of each stored record so far, to steer resolution
	tx        *sql.Tx
	stmts     *importStmts
	pending   int // records written in the open transaction
	done      ImportResult
	indexed   int64 // incidents with a higher id are not yet in the full-text index
	inserted  bool  // rows were inserted since the last indexNewFTS
}

type importStmts struct {
	lookup, insert, update *sql.Stmt
}

func (imp *importer) reject(rec Record, err error) error {
	var fe *FieldError
	if !errors.As(err, &fe) {
		return err
	}
	imp.res.Rejected++
	if len(imp.res.Errors) >= imp.opts.MaxErrors {
		imp.res.ErrorsTruncated = true
		return nil
	}
	imp.res.Errors = append(imp.res.Errors, ImportError{Index: rec.Index, SourceID: rec.Incident.SourceID, Field: fe.Field, Error: fe.Msg})
	return nil
}

func (imp *importer) add(ctx context.Context, rec Record) error {
	if rec.Err != nil {
		var fe *FieldError
		if !errors.As(rec.Err, &fe) {
			rec.Err = &FieldError{Msg: rec.Err.Error()}
		}
		return imp.reject(rec, rec.Err)
	}
	in := &rec.Incident
	in.Normalize()
	if err := in.Validate(); err != nil {
		return imp.reject(rec, err)
	}
	if err := resolve(ctx, in, imp.opts.Resolver, imp.topCountries()); err != nil {
		return imp.reject(rec, err)
	}
	if err := in.ValidateStored(); err != nil {
		return imp.reject(rec, err)
	}
	if in.Country != "" {
		imp.countries[in.Country]++
	}
	if imp.opts.Atomic && imp.res.Rejected > 0 {
		return nil // nothing will be stored; keep validating to report every error
	}
	if err := imp.write(ctx, in); err != nil {
		var fe *FieldError
		if errors.As(err, &fe) {
			return imp.reject(rec, err)
		}
		return err
	}
	return nil
}

// topCountries returns up to three countries seen most often so far.
func (imp *importer) topCountries() []string {
	if len(imp.countries) == 0 {
		return nil
	}
	cs := make([]string, 0, len(imp.countries))
	for c := range imp.countries {
		cs = append(cs, c)
	}
	sort.Slice(cs, func(i, j int) bool {
		if imp.countries[cs[i]] != imp.countries[cs[j]] {
			return imp.countries[cs[i]] > imp.countries[cs[j]]
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
	imp.tx, imp.stmts, imp.pending, imp.inserted = tx, st, 0, false
	imp.done = *imp.res
	return nil
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
		imp.inserted = true
		imp.res.Inserted++
		return imp.maybeCommit(ctx)
	}
	var old Incident
	if err := scanIncident(imp.stmts.lookup.QueryRowContext(ctx, in.SourceID), &old); err != nil {
		return fmt.Errorf("incidents: import: source_id %q: %w", clip(in.SourceID), err)
	}
	in.ID, in.CreatedAt = old.ID, old.CreatedAt
	if sameContent(&old, in) {
		imp.res.Unchanged++
		return imp.maybeCommit(ctx)
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
	return imp.maybeCommit(ctx)
}

func (imp *importer) maybeCommit(ctx context.Context) error {
	imp.pending++
	if imp.opts.Atomic || imp.pending < imp.opts.BatchSize {
		return nil
	}
	if err := imp.commit(ctx); err != nil {
		return err
	}
	if imp.opts.Progress != nil {
		imp.opts.Progress(imp.res.Received)
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
