package postgis

import (
	"context"
	"hash/maphash"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

// A bulk load is an import into an empty incidents table, as in the SQLite
// store: one transaction that drops the secondary indexes (GIST, GIN and
// B-trees) and the unique constraint on source_id (the primary key
// stays), COPYs the rows straight into the table and builds each index
// once at the end, several times faster than keeping them up to date row
// by row. The load itself keeps source_ids unique until the constraint is
// back: a group that repeats one goes through the upsert, which needs the
// constraint and restores it first. Being one
// transaction, a bulk load stopped half-way leaves the table empty.
// Dropping an index takes the table's ACCESS EXCLUSIVE lock: other
// processes' reads and writes of incidents wait for the load to end. A
// load needs it only into an empty table, whose readers would find no
// row anyway; an import into a table with rows takes only the ROW
// EXCLUSIVE lock of any INSERT, and readers never wait for it.
type bulkLoad struct {
	indexes []string // CREATE INDEX statements of the dropped indexes
	unique  []string // statements that add the dropped unique constraints
	// written holds a hash of each source_id written so far: a hash
	// shared by two source_ids only sends a group to the upsert, and a
	// set of integers is one the garbage collector need not scan.
	written map[uint64]struct{}
	seed    maphash.Seed
	stream  *copyStream // the running COPY, nil when none
}

// beginBulk starts a bulk load in tx when the incidents table is empty,
// and returns nil otherwise.
func beginBulk(ctx context.Context, tx pgx.Tx) (*bulkLoad, error) {
	// Into a table with rows the import is an ordinary one, which takes
	// no lock here: other processes' reads go on beside it (see
	// TestImportLocks).
	empty, err := tableEmpty(ctx, tx)
	if err != nil || !empty {
		return nil, err
	}
	// Writers of other processes wait from here; whether the table is
	// empty cannot change before the end of tx.
	if _, err := tx.Exec(ctx, "LOCK TABLE incidents IN SHARE ROW EXCLUSIVE MODE"); err != nil {
		return nil, wrap("import: bulk load", err)
	}
	if empty, err = tableEmpty(ctx, tx); err != nil || !empty {
		return nil, err
	}
	rows, err := tx.Query(ctx, `SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x
		JOIN pg_class i ON i.oid = x.indexrelid
		WHERE x.indrelid = 'incidents'::regclass AND NOT x.indisprimary AND NOT x.indisunique
		ORDER BY i.relname`)
	if err != nil {
		return nil, wrap("import: bulk load", err)
	}
	var names []string
	b := &bulkLoad{written: map[uint64]struct{}{}, seed: maphash.MakeSeed()}
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			return nil, wrap("import: bulk load", err)
		}
		names = append(names, name)
		b.indexes = append(b.indexes, def)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("import: bulk load", err)
	}
	for _, n := range names {
		if _, err := tx.Exec(ctx, "DROP INDEX "+pgx.Identifier{n}.Sanitize()); err != nil {
			return nil, wrap("import: bulk load", err)
		}
	}
	// Keeping the unique index on source_id up to date row by row cost a
	// third of the COPY's time on the server.
	rows, err = tx.Query(ctx, `SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
		WHERE conrelid = 'incidents'::regclass AND contype = 'u' ORDER BY conname`)
	if err != nil {
		return nil, wrap("import: bulk load", err)
	}
	names = names[:0]
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			return nil, wrap("import: bulk load", err)
		}
		names = append(names, name)
		b.unique = append(b.unique, "ALTER TABLE incidents ADD CONSTRAINT "+pgx.Identifier{name}.Sanitize()+" "+def)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("import: bulk load", err)
	}
	for _, n := range names {
		if _, err := tx.Exec(ctx, "ALTER TABLE incidents DROP CONSTRAINT "+pgx.Identifier{n}.Sanitize()); err != nil {
			return nil, wrap("import: bulk load", err)
		}
	}
	// The rows carry their search and version (see migration 0002), and
	// finish moves the data version once.
	if _, err := tx.Exec(ctx, "ALTER TABLE incidents DISABLE TRIGGER USER"); err != nil {
		return nil, wrap("import: bulk load", err)
	}
	return b, nil
}

// tableEmpty reports whether incidents holds no row that tx sees.
func tableEmpty(ctx context.Context, tx pgx.Tx) (bool, error) {
	var empty bool
	if err := tx.QueryRow(ctx, "SELECT NOT EXISTS (SELECT 1 FROM incidents)").Scan(&empty); err != nil {
		return false, wrap("import: bulk load", err)
	}
	return empty, nil
}

// fresh reports whether no record of the group has a source_id written
// before in this load, so that the group can be copied straight into the
// table (a group never repeats a source_id: see importer.Write).
func (b *bulkLoad) fresh(group [][]any) bool {
	for _, vals := range group {
		if id, ok := vals[0].(string); ok {
			if _, dup := b.written[maphash.String(b.seed, id)]; dup {
				return false
			}
		}
	}
	return true
}

// wrote notes the source_ids of a group written to the table.
func (b *bulkLoad) wrote(group [][]any) {
	for _, vals := range group {
		if id, ok := vals[0].(string); ok {
			b.written[maphash.String(b.seed, id)] = struct{}{}
		}
	}
}

// restoreUnique adds the dropped unique constraints back, once: their
// indexes are built from the rows copied so far.
func (b *bulkLoad) restoreUnique(ctx context.Context, tx pgx.Tx) error {
	for _, def := range b.unique {
		if _, err := tx.Exec(ctx, def); err != nil {
			return wrap("import: bulk load", err)
		}
	}
	b.unique = nil
	return nil
}

// copy hands a fresh group to the load's COPY into incidents, starting
// it on the first group, and returns how many rows it will write. The
// group is encoded here, in COPY's binary format, and sent while the
// importer prepares the next ones; the caller must call endCopy before
// any other statement on tx.
func (b *bulkLoad) copy(ctx context.Context, tx pgx.Tx, group [][]any) (int, error) {
	buf := make([]byte, 0, len(group)*400)
	for _, vals := range group {
		var err error
		if buf, err = appendCopyRow(buf, vals); err != nil {
			return 0, err
		}
	}
	if b.stream == nil {
		st := &copyStream{chunks: make(chan []byte, 2), done: make(chan error, 1), abort: make(chan struct{})}
		sql := "COPY incidents (" + strings.Join(importColumns, ", ") + ") FROM STDIN (FORMAT binary)"
		r := &chunkReader{chunks: st.chunks, abort: st.abort}
		go func() {
			_, err := tx.Conn().PgConn().CopyFrom(ctx, r, sql)
			st.done <- err
		}()
		b.stream = st
	}
	select {
	case b.stream.chunks <- buf:
	case err := <-b.stream.done: // the COPY failed
		close(b.stream.abort)
		b.stream = nil
		return 0, wrap("import: bulk load", err)
	}
	b.wrote(group)
	return len(group), nil
}

// endCopy ends the running COPY, if any, once it has sent every group
// (abort: at once, for a rollback), and returns its error.
func (b *bulkLoad) endCopy(abort bool) error {
	st := b.stream
	if st == nil {
		return nil
	}
	b.stream = nil
	if abort {
		close(st.abort)
	}
	close(st.chunks)
	return wrap("import: bulk load", <-st.done)
}

// copyStream is the COPY of a bulk load, fed with encoded groups of rows.
type copyStream struct {
	chunks chan []byte
	done   chan error
	abort  chan struct{}
}

// finish builds the dropped indexes and the planner's statistics in tx,
// and moves the data version to changed, the version of the load's rows,
// telling every process to scan them (rebuild_below) rather than read
// them as changes.
func (b *bulkLoad) finish(ctx context.Context, tx pgx.Tx, changed int64, stage func(string)) error {
	if err := b.endCopy(false); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "ALTER TABLE incidents ENABLE TRIGGER USER"); err != nil {
		return wrap("import: bulk load", err)
	}
	if _, err := tx.Exec(ctx, "UPDATE data_version SET version = $1, rebuild_below = $1 WHERE id = 1", changed); err != nil {
		return wrap("import: bulk load", err)
	}
	if _, err := tx.Exec(ctx, "SELECT pg_notify('mapd_incidents', $1)", strconv.FormatInt(changed, 10)); err != nil {
		return wrap("import: bulk load", err)
	}
	if _, err := tx.Exec(ctx, "SET LOCAL maintenance_work_mem = '512MB'"); err != nil {
		return wrap("import: bulk load", err)
	}
	if stage != nil && len(b.unique) > 0 {
		stage("unique index")
	}
	if err := b.restoreUnique(ctx, tx); err != nil {
		return err
	}
	for _, def := range b.indexes {
		if stage != nil {
			stage("index " + def[len("CREATE INDEX "):min(len(def), len("CREATE INDEX ")+30)])
		}
		if _, err := tx.Exec(ctx, def); err != nil {
			return wrap("import: bulk load", err)
		}
	}
	if stage != nil {
		stage("statistics")
	}
	if _, err := tx.Exec(ctx, "ANALYZE incidents"); err != nil {
		return wrap("import: bulk load", err)
	}
	return nil
}
