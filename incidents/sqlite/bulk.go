package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// A bulk load is an import into an empty incidents table. It runs as one
// transaction that first drops the secondary indexes and every trigger on
// incidents, inserts the rows into the bare table, and then builds each
// derived structure once from the final table: the indexes (CREATE INDEX
// sorts instead of inserting a row at a time at scattered places), the
// R*Tree, the full-text index and the data version.
// Building a structure from the final table is correct because the table
// was empty at the start; it is several times faster than keeping every
// structure up to date row by row. Being one transaction, a bulk load
// stopped half-way leaves the table empty, and running it again completes
// it.

// schemaObject is an index or trigger on incidents, with the SQL that
// creates it.
type schemaObject struct {
	kind, name, sql string
}

// bulkLoad holds what beginBulk dropped, to be rebuilt by finish, and the
// writer's page cache size to restore afterwards.
type bulkLoad struct {
	indexes, triggers []schemaObject
	cacheSize         int64
}

// bulkCacheKiB is the writer's page cache during a bulk load. The load
// appends to the table and sorts to build the indexes, so a large cache
// does not make it faster; keeping it small keeps the memory of a
// million-row load near 200 MB.
const bulkCacheKiB = 32000

// tableEmpty reports whether the incidents table has no rows.
func tableEmpty(ctx context.Context, tx *sql.Tx) (bool, error) {
	var exists bool
	if err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM incidents)").Scan(&exists); err != nil {
		return false, fmt.Errorf("incidents: import: %w", err)
	}
	return !exists, nil
}

// beginBulk drops the secondary indexes and triggers of incidents inside
// tx and returns what it dropped. The UNIQUE index of source_id stays: the
// import needs it to find records repeated within the input.
func beginBulk(ctx context.Context, tx *sql.Tx) (*bulkLoad, error) {
	rows, err := tx.QueryContext(ctx, `SELECT type, name, sql FROM sqlite_master
		WHERE tbl_name = 'incidents' AND type IN ('index', 'trigger') AND sql IS NOT NULL
		ORDER BY type, name`)
	if err != nil {
		return nil, fmt.Errorf("incidents: bulk load: %w", err)
	}
	b := &bulkLoad{}
	for rows.Next() {
		var o schemaObject
		if err := rows.Scan(&o.kind, &o.name, &o.sql); err != nil {
			rows.Close()
			return nil, fmt.Errorf("incidents: bulk load: %w", err)
		}
		if o.kind == "index" {
			b.indexes = append(b.indexes, o)
		} else {
			b.triggers = append(b.triggers, o)
		}
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("incidents: bulk load: %w", err)
	}
	if err := tx.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&b.cacheSize); err != nil {
		return nil, fmt.Errorf("incidents: bulk load: %w", err)
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA cache_size = %d", -bulkCacheKiB)); err != nil {
		return nil, fmt.Errorf("incidents: bulk load: %w", err)
	}
	for _, o := range append(b.triggers, b.indexes...) {
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("DROP %s %q", o.kind, o.name)); err != nil {
			return nil, fmt.Errorf("incidents: bulk load: drop %s: %w", o.name, err)
		}
	}
	return b, nil
}

// finish builds every derived structure from the loaded table and puts the
// dropped indexes and triggers back, inside tx. stage, when not nil, is
// told what is being built.
func (b *bulkLoad) finish(ctx context.Context, tx *sql.Tx, stage func(string)) error {
	if stage == nil {
		stage = func(string) {}
	}
	type step struct {
		what string
		run  func() error
	}
	exec := func(what, query string) step {
		return step{what, func() error {
			if _, err := tx.ExecContext(ctx, query); err != nil {
				return fmt.Errorf("incidents: bulk load: %s: %w", what, err)
			}
			return nil
		}}
	}
	steps := []step{
		{"spatial index", func() error { return buildRTree(ctx, tx) }},
		exec("full-text index", "INSERT INTO incidents_fts (incidents_fts) VALUES ('rebuild')"),
		exec("data version", "UPDATE data_version SET version = version + 1 WHERE id = 1"),
	}
	for _, o := range b.indexes {
		steps = append(steps, exec("index "+o.name, o.sql))
	}
	for _, o := range b.triggers {
		steps = append(steps, exec("trigger "+o.name, o.sql))
	}
	for _, s := range steps {
		stage(s.what)
		if err := s.run(); err != nil {
			return err
		}
	}
	return nil
}

// restoreCache gives the writing connection back the page cache it had
// before the bulk load, after its transaction ended.
func (b *bulkLoad) restoreCache(db *sql.DB) error {
	if _, err := db.Exec(fmt.Sprintf("PRAGMA cache_size = %d", b.cacheSize)); err != nil {
		return fmt.Errorf("incidents: bulk load: %w", err)
	}
	return nil
}
