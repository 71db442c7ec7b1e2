package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/mapd/mapd/incidents"
)

// A bulk load is an import into an empty incidents table. It runs as one
// transaction on a connection of its own (see writeconn.go) that first
// drops the secondary indexes and every trigger on incidents, inserts the
// rows into the bare table, and then builds each derived structure once:
// the indexes (CREATE INDEX sorts instead of inserting a row at a time at
// scattered places), the full-text index, the data version and the R*Tree,
// packed in Go from the cells kept while inserting (see rtreeload.go) as
// SQLite builds the others.
// Building a structure from the final table is correct because the table
// was empty at the start; it is several times faster than keeping every
// structure up to date row by row. Being one transaction, a bulk load
// stopped half-way, or failed at any step, leaves the table empty, and
// running it again completes it.

// schemaObject is an index or trigger on incidents, with the SQL that
// creates it.
type schemaObject struct {
	kind, name, sql string
}

// bulkLoad is a bulk load in progress.
type bulkLoad struct {
	conn *writeConn
	// held is the store's own write connection, taken from its pool for
	// the duration of the load, so that the store's other writes wait for
	// it to end as they wait for any write transaction.
	held                   *sql.Conn
	indexes, triggers      []schemaObject // dropped, to be created again
	insert, lookup, update *rowStmt
	cells                  []rtEntry // the R*Tree cell of every inserted row, by id
}

// bulkCacheKiB is the page cache of a bulk load's connection. The load
// appends to the table and sorts to build the indexes, so a large cache
// does not make it faster; keeping it small keeps the peak memory of a
// million-row load near 240 MB, the R*Tree cells kept for packing the
// tree included.
const bulkCacheKiB = 32000

// bulkOutcome is what a bulk load did with one record.
type bulkOutcome int

const (
	bulkInserted bulkOutcome = iota
	bulkUpdated
	bulkUnchanged
)

// beginBulk starts a bulk load into s's incidents table if it is empty,
// and returns nil without an error if it is not. The caller holds the
// store's write lock (see lockWrites).
func beginBulk(ctx context.Context, s *Store) (*bulkLoad, error) {
	held, err := s.w.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("incidents: bulk load: %w", err)
	}
	conn, err := openWriteConn(ctx, s.path)
	if err != nil {
		held.Close()
		return nil, fmt.Errorf("incidents: bulk load: %w", err)
	}
	b := &bulkLoad{conn: conn, held: held}
	empty, err := b.start()
	if err != nil || !empty {
		b.close()
		return nil, err
	}
	return b, nil
}

// start begins the load's transaction and, when the table is empty,
// drops its secondary indexes and triggers and prepares the statements.
// The UNIQUE index of source_id stays: the load needs it to find records
// repeated within the input.
func (b *bulkLoad) start() (empty bool, err error) {
	c := b.conn
	if err := c.exec("BEGIN IMMEDIATE"); err != nil {
		return false, fmt.Errorf("incidents: bulk load: %w", err)
	}
	var exists int64
	if err := c.queryInt64s("SELECT EXISTS (SELECT 1 FROM incidents)", &exists); err != nil || exists == 1 {
		return false, err
	}
	st, err := c.prepare(`SELECT type, name, sql FROM sqlite_master
		WHERE tbl_name = 'incidents' AND type IN ('index', 'trigger') AND sql IS NOT NULL
		ORDER BY type, name`)
	if err != nil {
		return false, fmt.Errorf("incidents: bulk load: %w", err)
	}
	defer st.close()
	for {
		ok, err := st.step()
		if err != nil {
			return false, fmt.Errorf("incidents: bulk load: %w", err)
		}
		if !ok {
			break
		}
		o := schemaObject{kind: strings.Clone(st.text(0)), name: strings.Clone(st.text(1)), sql: strings.Clone(st.text(2))}
		if o.kind == "index" {
			b.indexes = append(b.indexes, o)
		} else {
			b.triggers = append(b.triggers, o)
		}
	}
	for _, o := range append(slices.Clip(b.triggers), b.indexes...) {
		if err := c.exec(fmt.Sprintf("DROP %s %q", o.kind, o.name)); err != nil {
			return false, fmt.Errorf("incidents: bulk load: drop %s: %w", o.name, err)
		}
	}
	for _, p := range []struct {
		st    **rowStmt
		query string
	}{
		{&b.insert, insertSQL + " ON CONFLICT (source_id) DO NOTHING"},
		{&b.lookup, "SELECT " + selectColumns + " FROM incidents i WHERE i.source_id = ?"},
		{&b.update, updateSQL},
	} {
		if *p.st, err = c.prepareRow(p.query); err != nil {
			return false, fmt.Errorf("incidents: bulk load: %w", err)
		}
	}
	return true, nil
}

// write stores in, whose timestamps are set: inserted when its source_id
// is new, else over the row inserted earlier in the load with that
// source_id, or not at all when that row holds the same content.
func (b *bulkLoad) write(ctx context.Context, in *incidents.Incident) (bulkOutcome, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("incidents: import: %w", err)
	}
	sources, tags := jsonList(in.Sources), jsonList(in.Tags)
	if err := b.insert.bindIncident(in, sources, tags); err != nil {
		return 0, fmt.Errorf("incidents: import: %w", err)
	}
	if err := b.insert.exec(); err != nil {
		return 0, fmt.Errorf("incidents: import: %w", err)
	}
	if b.conn.changes() == 1 {
		b.cells = append(b.cells, pointEntry(b.conn.lastInsertID(), *in.Lon, *in.Lat))
		return bulkInserted, nil
	}
	// The source_id is stored: the record takes the update path of an
	// import into a table that holds rows.
	old, err := b.stored(in.SourceID)
	if err != nil {
		return 0, fmt.Errorf("incidents: import: source_id %q: %w", incidents.Clip(in.SourceID), err)
	}
	in.ID, in.CreatedAt = old.ID, old.CreatedAt
	if incidents.SameContent(&old, in) {
		return bulkUnchanged, nil
	}
	if err := b.update.bindIncident(in, sources, tags); err != nil {
		return 0, fmt.Errorf("incidents: import: %w", err)
	}
	b.update.int(22, in.ID)
	if err := b.update.exec(); err != nil {
		return 0, fmt.Errorf("incidents: import: %w", err)
	}
	i, found := slices.BinarySearchFunc(b.cells, in.ID, func(e rtEntry, id int64) int { return cmp.Compare(e.id, id) })
	if !found {
		return 0, fmt.Errorf("incidents: import: row %d updated but not inserted by the bulk load", in.ID)
	}
	b.cells[i] = pointEntry(in.ID, *in.Lon, *in.Lat)
	return bulkUpdated, nil
}

// stored returns the stored incident with source_id sourceID.
func (b *bulkLoad) stored(sourceID string) (incidents.Incident, error) {
	var in incidents.Incident
	st := b.lookup
	if err := st.row(len(sourceID)); err != nil {
		return in, err
	}
	st.text(1, sourceID)
	if st.firstErr != nil {
		return in, st.firstErr
	}
	defer st.reset()
	ok, err := st.step()
	if err != nil {
		return in, err
	}
	if !ok {
		return in, sql.ErrNoRows
	}
	return in, readIncident(st.scanStmt, &in)
}

// finish builds every derived structure, puts the dropped indexes and
// triggers back and commits. stage, when not nil, is told what is being
// built. The R*Tree is packed in Go meanwhile.
func (b *bulkLoad) finish(ctx context.Context, stage func(string)) error {
	if stage == nil {
		stage = func(string) {}
	}
	c := b.conn
	nodeSize, capacity, err := rtreeCapacity(c)
	if err != nil {
		return err
	}
	packed := make(chan *packedTree, 1)
	go func() { packed <- packTree(b.cells, capacity) }()
	var tree *packedTree
	wait := func() *packedTree {
		if tree == nil {
			tree = <-packed
		}
		return tree
	}
	defer wait() // the packing reads b.cells: it ends before the load does

	type step struct {
		what string
		run  func() error
	}
	exec := func(what, query string) step {
		return step{what, func() error { return c.exec(query) }}
	}
	steps := []step{
		exec("full-text index", "INSERT INTO incidents_fts (incidents_fts) VALUES ('rebuild')"),
		exec("data version", "UPDATE data_version SET version = version + 1 WHERE id = 1"),
	}
	for _, o := range b.indexes {
		steps = append(steps, exec("index "+o.name, o.sql))
	}
	steps = append(steps, step{"spatial index", func() error { return wait().write(c, nodeSize) }})
	for _, o := range b.triggers {
		steps = append(steps, exec("trigger "+o.name, o.sql))
	}
	for _, s := range steps {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("incidents: bulk load: %w", err)
		}
		stage(s.what)
		if err := s.run(); err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("incidents: bulk load: %s: %w", s.what, ctx.Err())
			}
			return fmt.Errorf("incidents: bulk load: %s: %w", s.what, err)
		}
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("incidents: bulk load: %w", err)
	}
	if err := c.exec("COMMIT"); err != nil {
		return fmt.Errorf("incidents: bulk load: commit: %w", err)
	}
	return nil
}

// close ends the load, rolling back its transaction unless finish
// committed it, and gives the store its write connection back.
func (b *bulkLoad) close() {
	for _, st := range []*rowStmt{b.insert, b.lookup, b.update} {
		if st != nil {
			st.close()
		}
	}
	b.conn.close()
	b.held.Close()
	b.cells = nil
}
