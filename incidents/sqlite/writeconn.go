package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"unsafe"

	"modernc.org/libc"
	sqlite3lib "modernc.org/sqlite/lib"

	"github.com/mapd/mapd/incidents"
)

// A bulk load inserts every record of the input with one statement per
// record. Through database/sql each of them boxed its 21 values in
// interfaces, and the driver copied every text value into memory of its
// own, allocated and freed once per value, taking the connection's mutex
// around each call into SQLite: at a million records that cost more CPU
// than SQLite's own inserts. A writeConn is a connection of the bulk load's
// own, opened through SQLite's C API without a mutex (one goroutine uses
// it), and a rowStmt binds an incident's columns straight from the decoded
// Incident, copying its text into one C buffer that every row reuses.

// writeConn is a read-write SQLite connection for one goroutine. The
// statements it runs are interrupted once the context given to
// openWriteConn is done.
type writeConn struct {
	*scanConn
	mu   sync.Mutex  // guards scanConn.db between close and the interrupt
	stop func() bool // stops the interrupt's registration on the context
}

// openWriteConn opens the database file at path for writing, with the
// pragmas of the store's writer (see dsn), and ties the connection to ctx.
func openWriteConn(ctx context.Context, path string) (*writeConn, error) {
	c, err := openConn(path, sqlite3lib.SQLITE_OPEN_READWRITE)
	if err != nil {
		return nil, err
	}
	w := &writeConn{scanConn: c}
	for _, p := range []string{
		"PRAGMA synchronous = NORMAL",
		"PRAGMA foreign_keys = ON",
		"PRAGMA temp_store = FILE",
		fmt.Sprintf("PRAGMA cache_size = %d", -bulkCacheKiB),
	} {
		if err := c.exec(p); err != nil {
			w.close()
			return nil, err
		}
	}
	w.stop = context.AfterFunc(ctx, w.interrupt)
	return w, nil
}

// interrupt makes the statement running on the connection, if any, fail
// with SQLITE_INTERRUPT. It runs on the goroutine that watches the
// context, concurrently with the connection's own, so it uses a TLS of its
// own: a libc.TLS is not safe for concurrent use.
func (w *writeConn) interrupt() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.db == 0 {
		return
	}
	tls := libc.NewTLS()
	defer tls.Close()
	sqlite3lib.Xsqlite3_interrupt(tls, w.db)
}

// close closes the connection, rolling back an open transaction. Every
// statement must be closed first.
func (w *writeConn) close() {
	if w.stop != nil {
		w.stop()
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.scanConn.close()
}

// changes returns the number of rows the last statement inserted, updated
// or deleted.
func (w *writeConn) changes() int {
	return int(sqlite3lib.Xsqlite3_changes(w.tls, w.db))
}

// lastInsertID returns the rowid of the last row inserted.
func (w *writeConn) lastInsertID() int64 {
	return sqlite3lib.Xsqlite3_last_insert_rowid(w.tls, w.db)
}

// rowStmt is a prepared statement that is run once per row. Its text and
// blob parameters point into one buffer of C memory that the statement
// owns, bound with SQLITE_STATIC: SQLite reads them in place during the
// step, and the next row overwrites them after the statement's reset.
type rowStmt struct {
	*scanStmt
	buf      uintptr // C memory for the parameters of one row
	size     int     // bytes allocated at buf
	used     int     // bytes of buf holding the current row's parameters
	firstErr error   // the first error binding the current row
}

// prepareRow prepares query for running once per row.
func (w *writeConn) prepareRow(query string) (*rowStmt, error) {
	st, err := w.prepare(query)
	if err != nil {
		return nil, err
	}
	return &rowStmt{scanStmt: st}, nil
}

// close finalizes the statement and then frees its buffer.
func (s *rowStmt) close() {
	s.scanStmt.close()
	if s.buf != 0 {
		libc.Xfree(s.c.tls, s.buf)
		s.buf, s.size = 0, 0
	}
}

// row starts binding a new row whose text and blob parameters take n
// bytes in all, growing the buffer if needed. The buffer is allocated
// even for n = 0: SQLite binds a text at address 0 as NULL.
func (s *rowStmt) row(n int) error {
	s.used, s.firstErr = 0, nil
	if n <= s.size && s.buf != 0 {
		return nil
	}
	size := max(n, 2*s.size, 1024)
	if s.buf != 0 {
		libc.Xfree(s.c.tls, s.buf)
		s.buf, s.size = 0, 0
	}
	p := libc.Xmalloc(s.c.tls, libc.Tsize_t(size))
	if p == 0 {
		return fmt.Errorf("%w: out of memory for %d bytes of parameters", errScan, size)
	}
	s.buf, s.size = p, size
	return nil
}

// bound records the result code of binding parameter i.
func (s *rowStmt) bound(i int, rc int32) {
	if rc != sqlite3lib.SQLITE_OK && s.firstErr == nil {
		s.firstErr = fmt.Errorf("parameter %d: %w", i, s.c.err(rc))
	}
}

// place copies b into the buffer and returns its address there. The
// buffer must have room (see row).
func (s *rowStmt) place(b []byte) uintptr {
	p := s.buf + uintptr(s.used)
	copy(unsafe.Slice((*byte)(cMem(p)), len(b)), b)
	s.used += len(b)
	return p
}

// text binds parameter i (from 1) to v, a text value even when empty.
func (s *rowStmt) text(i int, v string) {
	p := s.place(unsafe.Slice(unsafe.StringData(v), len(v)))
	s.bound(i, sqlite3lib.Xsqlite3_bind_text(s.c.tls, s.stmt, int32(i), p, int32(len(v)), 0))
}

// blob binds parameter i to v.
func (s *rowStmt) blob(i int, v []byte) {
	p := s.place(v)
	s.bound(i, sqlite3lib.Xsqlite3_bind_blob(s.c.tls, s.stmt, int32(i), p, int32(len(v)), 0))
}

// int binds parameter i to v.
func (s *rowStmt) int(i int, v int64) {
	s.bound(i, sqlite3lib.Xsqlite3_bind_int64(s.c.tls, s.stmt, int32(i), v))
}

// double binds parameter i to v.
func (s *rowStmt) double(i int, v float64) {
	s.bound(i, sqlite3lib.Xsqlite3_bind_double(s.c.tls, s.stmt, int32(i), v))
}

// null binds parameter i to NULL.
func (s *rowStmt) null(i int) {
	s.bound(i, sqlite3lib.Xsqlite3_bind_null(s.c.tls, s.stmt, int32(i)))
}

// exec runs the bound row to completion and resets the statement for the
// next one.
func (s *rowStmt) exec() error {
	if s.firstErr != nil {
		return s.firstErr
	}
	_, err := s.step()
	if rc := sqlite3lib.Xsqlite3_reset(s.c.tls, s.stmt); err == nil && rc != sqlite3lib.SQLITE_OK {
		err = s.c.err(rc)
	}
	return err
}

// reset ends a row read with step, keeping the bindings.
func (s *rowStmt) reset() {
	sqlite3lib.Xsqlite3_reset(s.c.tls, s.stmt)
}

// bindIncident binds the columns of insertSQL, in its order, from in
// (the values columnValues gives database/sql), with the JSON lists
// sources and tags; parameter 22, updateSQL's id, is left to the caller.
func (s *rowStmt) bindIncident(in *incidents.Incident, sources, tags string) error {
	texts := [...]string{in.SourceID, in.Date, in.DatePrecision, in.EventType, in.SubEventType,
		in.Actor1, in.Actor2, in.Place, in.Country, in.Admin1, in.Notes, sources, tags,
		in.CreatedAt, in.UpdatedAt}
	n := 0
	for _, t := range texts {
		n += len(t)
	}
	if err := s.row(n); err != nil {
		return err
	}
	if in.SourceID != "" {
		s.text(1, in.SourceID)
	} else {
		s.null(1)
	}
	s.text(2, in.Date)
	s.text(3, in.DatePrecision)
	s.text(4, in.EventType)
	s.text(5, in.SubEventType)
	s.text(6, in.Actor1)
	s.text(7, in.Actor2)
	s.optionalInt(8, in.Fatalities)
	s.optionalInt(9, in.Injuries)
	s.text(10, in.Place)
	s.text(11, in.Country)
	s.text(12, in.Admin1)
	s.double(13, *in.Lat)
	s.double(14, *in.Lon)
	gp := in.GeoPrecision
	if gp == 0 {
		gp = 1
	}
	s.int(15, int64(gp))
	if in.GeonameID != 0 {
		s.int(16, in.GeonameID)
	} else {
		s.null(16)
	}
	s.text(17, in.Notes)
	s.text(18, sources)
	s.text(19, tags)
	s.text(20, in.CreatedAt)
	s.text(21, in.UpdatedAt)
	return s.firstErr
}

// optionalInt binds parameter i to *v, or NULL when v is nil.
func (s *rowStmt) optionalInt(i int, v *int) {
	if v == nil {
		s.null(i)
		return
	}
	s.int(i, int64(*v))
}

// readIncident reads the current row of st, of the columns selectColumns
// lists, into in, copying its text out of SQLite's memory.
func readIncident(st *scanStmt, in *incidents.Incident) error {
	text := func(i int) string { return strings.Clone(st.text(i)) }
	nullable := func(i int) sql.NullInt64 {
		if st.isNull(i) {
			return sql.NullInt64{}
		}
		return sql.NullInt64{Int64: st.int64(i), Valid: true}
	}
	in.ID = st.int64(0)
	in.SourceID = text(1)
	in.Date, in.DatePrecision, in.EventType, in.SubEventType = text(2), text(3), text(4), text(5)
	in.Actor1, in.Actor2 = text(6), text(7)
	in.Place, in.Country, in.Admin1 = text(10), text(11), text(12)
	nums := &incidentNumbers{lat: st.float64(13), lon: st.float64(14)}
	in.GeoPrecision = int(st.int64(15))
	in.Notes = text(17)
	in.CreatedAt, in.UpdatedAt = text(20), text(21)
	return nums.finish(in, nullable(8), nullable(9), nullable(16), text(18), text(19))
}
