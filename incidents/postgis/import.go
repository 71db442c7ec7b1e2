package postgis

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mapd/mapd/incidents"
)

// Import reads every record from dec, validates it, resolves places
// without coordinates, and upserts valid records by source_id in
// transactions of opts.BatchSize records (one transaction for all with
// opts.Atomic): a record whose source_id exists updates it, or counts as
// unchanged, and never duplicates it. Records reach the database through
// COPY into a temporary table, from which one INSERT ... ON CONFLICT per
// group writes them. An import stopped half-way keeps every committed
// batch; running it again completes it.
func (s *Store) Import(ctx context.Context, dec incidents.Decoder, opts incidents.ImportOptions) (incidents.ImportResult, error) {
	if opts.Now == nil {
		opts.Now = s.now
	}
	opts = opts.WithDefaults()
	return incidents.Import(ctx, dec, opts, &importer{store: s, opts: opts, seen: map[string]bool{}})
}

// groupSize bounds the records one COPY sends in an atomic import, whose
// single transaction would otherwise hold every record in memory.
const groupSize = 5000

// importer is the incidents.ImportWriter of Store.Import. One import uses
// one connection, on which the temporary table import_stage lives.
type importer struct {
	store *Store
	opts  incidents.ImportOptions
	res   *incidents.ImportResult

	conn    *pgxpool.Conn
	tx      pgx.Tx
	staged  bool            // import_stage exists on conn
	queue   [][]any         // column values of the queued records
	seen    map[string]bool // source_ids in the queue
	pending int             // records written in the open transaction
	done    incidents.ImportResult
	last    int // index of the last record queued

	started bool      // the first transaction has begun
	bulk    *bulkLoad // non-nil during a bulk load into an empty table
	changed int64     // the data version the open transaction commits

	nowAt   time.Time // the clock, to the second, nowText is the RFC 3339 text of
	nowText string
}

// importColumns are the columns an import writes: writeColumns and the
// version of the write, which the import sets itself (see migration 0002).
var importColumns = append(writeColumns[:len(writeColumns):len(writeColumns)], "changed")

// Write implements incidents.ImportWriter.
func (imp *importer) Write(ctx context.Context, rec *incidents.CheckedRecord, res *incidents.ImportResult) error {
	imp.res = res
	in := &rec.Incident
	// The clock's text changes once a second: formatting it for every
	// record showed in a bulk load's profile.
	if now := imp.opts.Now().UTC().Truncate(time.Second); !now.Equal(imp.nowAt) || imp.nowText == "" {
		imp.nowAt, imp.nowText = now, now.Format(time.RFC3339)
	}
	in.CreatedAt, in.UpdatedAt = imp.nowText, imp.nowText
	vals, err := columnValues(in)
	var fe *incidents.FieldError
	if errors.As(err, &fe) {
		res.Reject(rec.Index, in.SourceID, fe, imp.opts.MaxErrors)
		return nil
	}
	if err != nil {
		return err
	}
	// One statement cannot write a source_id twice: a repeat goes to the
	// next group, after the first one is written.
	if in.SourceID != "" && imp.seen[in.SourceID] {
		if err := imp.flush(ctx); err != nil {
			return err
		}
	}
	if in.SourceID != "" {
		imp.seen[in.SourceID] = true
	}
	imp.queue = append(imp.queue, vals)
	imp.last = rec.Index
	if len(imp.queue) >= groupSize || !imp.opts.Atomic && imp.pending+len(imp.queue) >= imp.opts.BatchSize {
		return imp.flush(ctx)
	}
	return nil
}

// Flush implements incidents.ImportWriter.
func (imp *importer) Flush(ctx context.Context, res *incidents.ImportResult) error {
	imp.res = res
	return imp.flush(ctx)
}

// Finish implements incidents.ImportWriter: it commits the open
// transaction, or rolls it back and sets the counts to those of the
// committed batches, and gives the connection back to the pool.
func (imp *importer) Finish(ctx context.Context, commit bool, res *incidents.ImportResult) error {
	imp.res = res
	defer imp.release()
	if commit {
		err := imp.commit(ctx)
		if err != nil {
			// What the failed commit held is not stored: a bulk load's
			// COPY, for one, reports the server's refusal of a row here.
			imp.rollback()
			imp.keepCommitted(res)
		}
		imp.store.caughtUp(ctx)
		return err
	}
	imp.rollback()
	imp.keepCommitted(res)
	return nil
}

// keepCommitted sets res's counts to those of the committed transactions.
func (imp *importer) keepCommitted(res *incidents.ImportResult) {
	if imp.opts.Atomic {
		res.Inserted, res.Updated, res.Unchanged = 0, 0, 0
	} else {
		res.Inserted, res.Updated, res.Unchanged = imp.done.Inserted, imp.done.Updated, imp.done.Unchanged
	}
}

func (imp *importer) begin(ctx context.Context) error {
	if imp.conn == nil {
		c, err := imp.store.pool.Acquire(ctx)
		if err != nil {
			return wrap("import", err)
		}
		imp.conn = c
	}
	if !imp.staged {
		// The staging table has the written columns, and ord keeps the
		// input order when the rows are inserted (ids follow it).
		_, err := imp.conn.Exec(ctx, `CREATE TEMP TABLE IF NOT EXISTS import_stage AS
			SELECT 0::integer AS ord, `+strings.Join(importColumns, ", ")+` FROM incidents WITH NO DATA`)
		if err != nil {
			return wrap("import", err)
		}
		imp.staged = true
	}
	tx, err := imp.conn.Begin(ctx)
	if err != nil {
		return wrap("import", err)
	}
	imp.tx, imp.pending, imp.done = tx, 0, *imp.res
	if !imp.started {
		imp.started = true
		if imp.bulk, err = beginBulk(ctx, tx); err != nil {
			return err
		}
	}
	// The lock of data_version's row, held to the commit, keeps other
	// writers from committing a version in between (see migration 0002).
	// Every writer locks the table before that row, so that two writers
	// never wait for each other.
	if imp.bulk == nil {
		if _, err := tx.Exec(ctx, "LOCK TABLE incidents IN ROW EXCLUSIVE MODE"); err != nil {
			return wrap("import", err)
		}
	}
	var v int64
	if err := tx.QueryRow(ctx, "SELECT version FROM data_version WHERE id = 1 FOR UPDATE").Scan(&v); err != nil {
		return wrap("import", err)
	}
	imp.changed = v + 1
	return nil
}

// upsertSQL writes the staged rows: new source_ids (and rows without one)
// are inserted in input order, known ones updated when their content
// differs, and it counts which were which.
var upsertSQL = func() string {
	var sets, old, exc []string
	for _, c := range importColumns {
		if c != "created_at" {
			sets = append(sets, c+" = excluded."+c)
		}
	}
	for _, c := range contentColumns {
		old = append(old, "incidents."+c)
		exc = append(exc, "excluded."+c)
	}
	cols := strings.Join(importColumns, ", ")
	return `WITH w AS (
		INSERT INTO incidents (` + cols + `) SELECT ` + cols + ` FROM import_stage ORDER BY ord
		ON CONFLICT (source_id) DO UPDATE SET ` + strings.Join(sets, ", ") + `
		WHERE (` + strings.Join(old, ", ") + `) IS DISTINCT FROM (` + strings.Join(exc, ", ") + `)
		RETURNING (xmax = 0) AS inserted)
	SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM w`
}()

// flush writes the queued records: COPY into import_stage, then one
// upsert. It commits when the batch is full.
func (imp *importer) flush(ctx context.Context) error {
	if len(imp.queue) == 0 {
		return nil
	}
	if imp.tx == nil {
		if err := imp.begin(ctx); err != nil {
			return err
		}
	}
	for i := range imp.queue {
		imp.queue[i] = append(imp.queue[i], imp.changed)
	}
	var inserted, updated int
	var err error
	n := len(imp.queue)
	if imp.bulk != nil && imp.bulk.fresh(imp.queue) {
		inserted, err = imp.bulk.copy(ctx, imp.tx, imp.queue)
		imp.queue = nil // the COPY owns it now
	} else {
		if imp.bulk != nil {
			if err = imp.bulk.endCopy(false); err == nil {
				err = imp.bulk.restoreUnique(ctx, imp.tx)
			}
		}
		if err == nil {
			inserted, updated, err = imp.upsert(ctx)
		}
		if err == nil && imp.bulk != nil {
			imp.bulk.wrote(imp.queue)
		}
		imp.queue = imp.queue[:0]
	}
	if err != nil {
		return err
	}
	imp.res.Inserted += inserted
	imp.res.Updated += updated
	imp.res.Unchanged += n - inserted - updated
	imp.pending += n
	clear(imp.seen)
	if !imp.opts.Atomic && imp.pending >= imp.opts.BatchSize {
		// A bulk load is one transaction: its batches only report progress.
		if imp.bulk != nil {
			imp.pending = 0
		} else if err := imp.commit(ctx); err != nil {
			return err
		}
		if imp.opts.Progress != nil {
			imp.opts.Progress(imp.last + 1)
		}
	}
	return nil
}

// upsert writes the queue through import_stage with upsertSQL.
func (imp *importer) upsert(ctx context.Context) (inserted, updated int, err error) {
	rows := make([][]any, len(imp.queue))
	for i, vals := range imp.queue {
		rows[i] = append([]any{int32(i)}, vals...)
	}
	cols := append([]string{"ord"}, importColumns...)
	if _, err := imp.tx.CopyFrom(ctx, pgx.Identifier{"import_stage"}, cols, pgx.CopyFromRows(rows)); err != nil {
		return 0, 0, wrap("import: copy", err)
	}
	if err := imp.tx.QueryRow(ctx, upsertSQL).Scan(&inserted, &updated); err != nil {
		return 0, 0, wrap("import", err)
	}
	if _, err := imp.tx.Exec(ctx, "TRUNCATE import_stage"); err != nil {
		return 0, 0, wrap("import", err)
	}
	return inserted, updated, nil
}

func (imp *importer) commit(ctx context.Context) error {
	if imp.tx == nil {
		return nil
	}
	if imp.bulk != nil {
		if err := imp.bulk.finish(ctx, imp.tx, imp.changed, imp.opts.Stage); err != nil {
			return err
		}
	}
	err := imp.tx.Commit(ctx)
	imp.tx = nil
	if err != nil {
		return wrap("import: commit", err)
	}
	imp.store.noteWrite(ctx)
	imp.done = *imp.res
	return nil
}

func (imp *importer) rollback() {
	if imp.bulk != nil {
		_ = imp.bulk.endCopy(true)
	}
	if imp.tx != nil {
		imp.tx.Rollback(context.Background())
		imp.tx = nil
	}
}

func (imp *importer) release() {
	imp.rollback()
	if imp.conn != nil {
		imp.conn.Release()
		imp.conn = nil
	}
}
