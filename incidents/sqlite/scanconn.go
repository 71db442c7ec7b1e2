package sqlite

import (
	"errors"
	"fmt"
	"unsafe"

	"modernc.org/libc"
	"modernc.org/libc/sys/types"
	sqlite3lib "modernc.org/sqlite/lib"
)

// The index build reads every incident once. Through database/sql, each
// column of each row costs the driver two or three calls into SQLite, each
// taking the connection's mutex (the driver opens connections in
// serialized mode), then a copy of every text value and a conversion by
// reflection in Scan: at a million incidents that was most of the build's
// time, SQLite's own B-tree reading a fifth of it. A scanConn is a
// read-only connection of the build's own, opened through SQLite's C API
// without a mutex (it is used by one goroutine at a time), whose text
// values are read in place.

// errScan wraps the errors of a scanConn.
var errScan = errors.New("scan")

// scanConn is a read-only SQLite connection for one goroutine at a time.
type scanConn struct {
	tls *libc.TLS
	db  uintptr
}

// openScanConn opens the database file at path read-only.
func openScanConn(path string) (*scanConn, error) {
	return openConn(path, sqlite3lib.SQLITE_OPEN_READONLY)
}

// openConn opens the database file at path with the open flags flags
// (SQLITE_OPEN_READONLY or SQLITE_OPEN_READWRITE), without a mutex.
func openConn(path string, flags int32) (*scanConn, error) {
	tls := libc.NewTLS()
	name, err := libc.CString(path)
	if err != nil {
		tls.Close()
		return nil, fmt.Errorf("%w: %w", errScan, err)
	}
	defer libc.Xfree(tls, name)
	pdb := tls.Alloc(int(unsafe.Sizeof(uintptr(0))))
	defer tls.Free(int(unsafe.Sizeof(uintptr(0))))
	*(*uintptr)(cMem(pdb)) = 0
	rc := sqlite3lib.Xsqlite3_open_v2(tls, name, pdb, flags|sqlite3lib.SQLITE_OPEN_NOMUTEX, 0)
	c := &scanConn{tls: tls, db: *(*uintptr)(cMem(pdb))}
	if rc != sqlite3lib.SQLITE_OK {
		err := c.err(rc)
		c.close()
		return nil, err
	}
	sqlite3lib.Xsqlite3_busy_timeout(tls, c.db, 10_000) // as dsn's busy_timeout
	return c, nil
}

// close closes the connection, finalizing nothing: every statement must
// be finalized first.
func (c *scanConn) close() {
	if c.db != 0 {
		sqlite3lib.Xsqlite3_close_v2(c.tls, c.db)
		c.db = 0
	}
	c.tls.Close()
}

// err returns the error of result code rc with the connection's message.
func (c *scanConn) err(rc int32) error {
	msg := ""
	if c.db != 0 {
		msg = libc.GoString(sqlite3lib.Xsqlite3_errmsg(c.tls, c.db))
	}
	return fmt.Errorf("%w: %s (%d)", errScan, msg, rc)
}

// exec runs a statement that returns no rows.
func (c *scanConn) exec(query string) error {
	st, err := c.prepare(query)
	if err != nil {
		return err
	}
	defer st.close()
	for {
		ok, err := st.step()
		if err != nil || !ok {
			return err
		}
	}
}

// queryInt64s runs a query of one row and stores its columns in dst.
func (c *scanConn) queryInt64s(query string, dst ...*int64) error {
	st, err := c.prepare(query)
	if err != nil {
		return err
	}
	defer st.close()
	ok, err := st.step()
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("%w: %s: no row", errScan, query)
	}
	for i, d := range dst {
		*d = st.int64(i)
	}
	return nil
}

// openAt opens another connection to the database file at path in a
// read transaction at data version version, so that it reads what a
// transaction at that version reads (every write of the incidents moves
// the version in its own transaction). It returns nil and no error when
// the file's version is no longer version.
func openAt(path string, version int64) (*scanConn, error) {
	c, err := openScanConn(path)
	if err != nil {
		return nil, err
	}
	var v int64
	if err := c.exec("BEGIN"); err != nil {
		c.close()
		return nil, err
	}
	if err := c.queryInt64s(versionQuery, &v); err != nil || v != version {
		c.close() // which rolls back
		return nil, err
	}
	return c, nil
}

// versionQuery reads the data version.
const versionQuery = "SELECT version FROM data_version WHERE id = 1"

// scanStmt is a prepared statement of a scanConn.
type scanStmt struct {
	c    *scanConn
	stmt uintptr
}

func (c *scanConn) prepare(query string) (*scanStmt, error) {
	q, err := libc.CString(query)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errScan, err)
	}
	defer libc.Xfree(c.tls, q)
	pst := c.tls.Alloc(int(unsafe.Sizeof(uintptr(0))))
	defer c.tls.Free(int(unsafe.Sizeof(uintptr(0))))
	*(*uintptr)(cMem(pst)) = 0
	if rc := sqlite3lib.Xsqlite3_prepare_v2(c.tls, c.db, q, -1, pst, 0); rc != sqlite3lib.SQLITE_OK {
		return nil, c.err(rc)
	}
	return &scanStmt{c: c, stmt: *(*uintptr)(cMem(pst))}, nil
}

// bindInt64 binds parameter i (from 1) to v.
func (s *scanStmt) bindInt64(i int, v int64) error {
	if rc := sqlite3lib.Xsqlite3_bind_int64(s.c.tls, s.stmt, int32(i), v); rc != sqlite3lib.SQLITE_OK {
		return s.c.err(rc)
	}
	return nil
}

// bindText binds parameter i (from 1) to a copy of v.
func (s *scanStmt) bindText(i int, v string) error {
	p := libc.Xmalloc(s.c.tls, types.Size_t(max(len(v), 1)))
	if p == 0 {
		return fmt.Errorf("%w: out of memory binding %d bytes", errScan, len(v))
	}
	defer libc.Xfree(s.c.tls, p)
	copy(unsafe.Slice((*byte)(cMem(p)), len(v)), v)
	// SQLITE_TRANSIENT (-1): SQLite copies the value before returning.
	if rc := sqlite3lib.Xsqlite3_bind_text(s.c.tls, s.stmt, int32(i), p, int32(len(v)), ^uintptr(0)); rc != sqlite3lib.SQLITE_OK {
		return s.c.err(rc)
	}
	return nil
}

// bindFloat64 binds parameter i (from 1) to v.
func (s *scanStmt) bindFloat64(i int, v float64) error {
	if rc := sqlite3lib.Xsqlite3_bind_double(s.c.tls, s.stmt, int32(i), v); rc != sqlite3lib.SQLITE_OK {
		return s.c.err(rc)
	}
	return nil
}

// bindable reports whether bind takes every value of args.
func bindable(args []any) bool {
	for _, a := range args {
		switch a.(type) {
		case string, int, int64, float64:
		default:
			return false
		}
	}
	return true
}

// bind binds args to the parameters from 1 on; each must be a string, an
// int, an int64 or a float64 (bindable).
func (s *scanStmt) bind(args []any) error {
	for k, a := range args {
		var err error
		switch v := a.(type) {
		case string:
			err = s.bindText(k+1, v)
		case int:
			err = s.bindInt64(k+1, int64(v))
		case int64:
			err = s.bindInt64(k+1, v)
		case float64:
			err = s.bindFloat64(k+1, v)
		default:
			err = fmt.Errorf("%w: cannot bind %T", errScan, a)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// reset makes the statement ready to run again with new bindings.
func (s *scanStmt) reset() {
	sqlite3lib.Xsqlite3_reset(s.c.tls, s.stmt)
}

// step advances to the next row; false when there is none.
func (s *scanStmt) step() (bool, error) {
	switch rc := sqlite3lib.Xsqlite3_step(s.c.tls, s.stmt); rc {
	case sqlite3lib.SQLITE_ROW:
		return true, nil
	case sqlite3lib.SQLITE_DONE:
		return false, nil
	default:
		return false, s.c.err(rc)
	}
}

func (s *scanStmt) int64(i int) int64 {
	return sqlite3lib.Xsqlite3_column_int64(s.c.tls, s.stmt, int32(i))
}

func (s *scanStmt) float64(i int) float64 {
	return sqlite3lib.Xsqlite3_column_double(s.c.tls, s.stmt, int32(i))
}

func (s *scanStmt) isNull(i int) bool {
	return sqlite3lib.Xsqlite3_column_type(s.c.tls, s.stmt, int32(i)) == sqlite3lib.SQLITE_NULL
}

// text returns column i as a string that points into SQLite's memory: it
// is valid until the next step, reset or close of the statement.
func (s *scanStmt) text(i int) string {
	p := sqlite3lib.Xsqlite3_column_text(s.c.tls, s.stmt, int32(i))
	n := sqlite3lib.Xsqlite3_column_bytes(s.c.tls, s.stmt, int32(i))
	if p == 0 || n == 0 {
		return ""
	}
	return unsafe.String((*byte)(cMem(p)), n)
}

func (s *scanStmt) close() {
	if s.stmt != 0 {
		sqlite3lib.Xsqlite3_finalize(s.c.tls, s.stmt)
		s.stmt = 0
	}
}

// cMem returns the address p of memory that SQLite or libc allocated as
// an unsafe.Pointer. That memory lies outside Go's heap (libc maps its
// own), so the collector never moves or frees it: the conversion is
// sound, which vet's unsafeptr check cannot see from a plain
// unsafe.Pointer(p), hence the read through a pointer to p.
func cMem(p uintptr) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&p)) }
