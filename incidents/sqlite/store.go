// Package sqlite is the embedded store of mapd: incidents in one SQLite
// file (modernc.org/sqlite), with an FTS5 full-text index, an R*Tree and,
// once StartIndex built it, the in-memory index of incidents/index. It
// implements incidents.Store.
package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	sqlite3 "modernc.org/sqlite" // also registers the "sqlite" driver
	sqlite3lib "modernc.org/sqlite/lib"

	"github.com/mapd/mapd/incidents"
	"github.com/mapd/mapd/incidents/index"
	"github.com/mapd/mapd/internal/flight"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Store keeps incidents in one SQLite file. Writes go through a single
// connection (SQLite has one writer), reads through a pool, so readers never
// wait for a writer in WAL mode.
type Store struct {
	path string
	w    *sql.DB // one connection, BEGIN IMMEDIATE
	r    *sql.DB // read pool
	now  func() time.Time

	extentMu      sync.Mutex
	extent        incidents.Extent
	extentVersion int64 // data version extent was computed at; -1 for none
	extentFlight  flight.Group[int64, incidents.Extent]

	idx *indexer // the in-memory index, nil until StartIndex
}

// dsn returns the connection string with the pragmas every pooled
// connection needs. synchronous(normal) in WAL mode never corrupts the
// database; a power cut can lose only the last transactions. Readers keep
// temporary tables and sorts in memory; the writer's big sorts (CREATE
// INDEX in a bulk load or a migration) spill to temporary files, which
// keeps the memory of a million-row import flat.
func dsn(path string, txlock string) string {
	q := url.Values{}
	q.Add("_pragma", "journal_mode(wal)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(normal)")
	if txlock != "" {
		q.Set("_txlock", txlock)
		q.Add("_pragma", "cache_size(-32000)")
		q.Add("_pragma", "temp_store(file)")
	} else {
		// Each reader of the pool keeps its own page cache, emptied by
		// every write anyway, and the operating system caches the file's
		// pages too. 12 MB each rather than 32 took 170 MiB off the
		// server's peak RSS under make bench's load at 1,000,000
		// incidents; 4 MB rather than 12 took 72 MB more off it after 16
		// concurrent 10,000-feature pages (494 -> 422 MB), with uncached
		// 1,000-feature city pages as fast within the noise (p50 of 20
		// distinct pages 20.9-28.8 ms against 22.4-28.6 ms, 4 rounds).
		q.Add("_pragma", "cache_size(-4000)")
		q.Add("_pragma", "temp_store(memory)")
	}
	return "file:" + path + "?" + q.Encode()
}

// Open opens (creating if needed) the database at path and applies every
// pending migration.
func Open(ctx context.Context, path string) (*Store, error) {
	if err := registerFunctions(); err != nil {
		return nil, fmt.Errorf("incidents: open %s: %w", path, err)
	}
	w, err := sql.Open("sqlite", dsn(path, "immediate"))
	if err != nil {
		return nil, fmt.Errorf("incidents: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("incidents: open %s: %w", path, err)
	}
	s := &Store{path: path, w: w, now: time.Now, extentVersion: -1}
	if err := s.migrate(ctx); err != nil {
		w.Close()
		return nil, err
	}
	r, err := sql.Open("sqlite", dsn(path, ""))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("incidents: open %s: %w", path, err)
	}
	n := max(4, runtime.GOMAXPROCS(0)*2)
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	s.r = r
	return s, nil
}

// Close checkpoints the write-ahead log and closes every connection.
func (s *Store) Close() error {
	s.closeIndex()
	var errs []error
	if s.r != nil {
		errs = append(errs, s.r.Close())
	}
	if s.w != nil {
		_, err := s.w.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
		errs = append(errs, err, s.w.Close())
	}
	return errors.Join(errs...)
}

// Path returns the database file name.
func (s *Store) Path() string { return s.path }

// migration is one embedded migration file.
type migration struct {
	version  int
	name     string // the file name, e.g. 0001_init.sql
	body     string
	checksum string // hex SHA-256 of body
}

// migrations returns the embedded migrations in version order.
func migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var ms []migration
	for _, name := range names {
		base := strings.TrimPrefix(name, "migrations/")
		numStr, _, _ := strings.Cut(base, "_")
		version, err := strconv.Atoi(numStr)
		if err != nil {
			return nil, fmt.Errorf("migration %s has no number prefix", base)
		}
		body, err := migrationFS.ReadFile(name)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(body)
		ms = append(ms, migration{version: version, name: base, body: string(body), checksum: hex.EncodeToString(sum[:])})
	}
	return ms, nil
}

// migrate checks the migrations recorded in schema_migrations against the
// embedded ones and applies those not recorded, in version order, each in
// its own transaction. Migrations are append-only: a recorded migration
// whose file changed since, or one this binary does not have (a newer
// mapd wrote the database), is an error matching incidents.ErrSchema, and
// nothing is applied.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return fmt.Errorf("incidents: migrate: %w", err)
	}
	if err := s.checkMigrations(ctx, ms); err != nil {
		return err
	}
	for _, m := range ms {
		if err := s.applyMigration(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

// checkMigrations creates schema_migrations or brings it to today's form
// and compares what it records with ms. A row recorded before checksums
// were (by a mapd older than the checksum column) takes the embedded
// file's checksum; 0013 repairs the one migration known to have been
// edited after its release.
func (s *Store) checkMigrations(ctx context.Context, ms []migration) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("incidents: migrate: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL, checksum TEXT)"); err != nil {
		return fmt.Errorf("incidents: migrate: %w", err)
	}
	var hasChecksum bool
	if err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pragma_table_info('schema_migrations') WHERE name = 'checksum')").Scan(&hasChecksum); err != nil {
		return fmt.Errorf("incidents: migrate: %w", err)
	}
	if !hasChecksum {
		if _, err := tx.ExecContext(ctx, "ALTER TABLE schema_migrations ADD COLUMN checksum TEXT"); err != nil {
			return fmt.Errorf("incidents: migrate: %w", err)
		}
	}
	byVersion := map[int]migration{}
	for _, m := range ms {
		byVersion[m.version] = m
	}
	rows, err := tx.QueryContext(ctx, "SELECT version, name, coalesce(checksum, '') FROM schema_migrations ORDER BY version")
	if err != nil {
		return fmt.Errorf("incidents: migrate: %w", err)
	}
	var legacy []int
	for rows.Next() {
		var version int
		var name, sum string
		if err := rows.Scan(&version, &name, &sum); err != nil {
			rows.Close()
			return fmt.Errorf("incidents: migrate: %w", err)
		}
		m, ok := byVersion[version]
		switch {
		case !ok:
			rows.Close()
			return fmt.Errorf("%w: %s has migration %s, which this mapd does not have: a newer mapd wrote it; run that version or newer",
				incidents.ErrSchema, s.path, name)
		case sum == "":
			legacy = append(legacy, version)
		case sum != m.checksum:
			rows.Close()
			return fmt.Errorf("%w: migration %s of %s was applied with checksum %.12s but this mapd embeds %.12s: an applied migration was edited; migrations are append-only, so restore the file and add a new migration instead",
				incidents.ErrSchema, m.name, s.path, sum, m.checksum)
		}
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("incidents: migrate: %w", err)
	}
	for _, v := range legacy {
		if _, err := tx.ExecContext(ctx, "UPDATE schema_migrations SET checksum = ? WHERE version = ?", byVersion[v].checksum, v); err != nil {
			return fmt.Errorf("incidents: migrate: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("incidents: migrate: %w", err)
	}
	return nil
}

// applyMigration applies m unless schema_migrations records it (another
// process may have applied it since checkMigrations).
func (s *Store) applyMigration(ctx context.Context, m migration) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("incidents: migrate: %w", err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations WHERE version = ?", m.version).Scan(&n); err != nil {
		return fmt.Errorf("incidents: migrate: %w", err)
	}
	if n > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.body); err != nil {
		return fmt.Errorf("incidents: migration %s: %w", m.name, err)
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at, checksum) VALUES (?, ?, ?, ?)",
		m.version, m.name, time.Now().UTC().Format(time.RFC3339), m.checksum); err != nil {
		return fmt.Errorf("incidents: migrate: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("incidents: migrate: %w", err)
	}
	return nil
}

// Columns in the order every query selects them; scanIncident reads them.
const selectColumns = `i.id, i.source_id, i.date, i.date_precision, i.event_type, i.sub_event_type,
	i.actor1, i.actor2, i.fatalities, i.injuries, i.place, i.country, i.admin1, i.lat, i.lon,
	i.geo_precision, i.geonameid, i.notes, i.sources, i.tags, i.created_at, i.updated_at`

type scanner interface{ Scan(dest ...any) error }

func scanIncident(sc scanner, in *incidents.Incident) error {
	var sourceID sql.NullString
	var fat, inj, gid sql.NullInt64
	var sources, tags string
	nums := new(incidentNumbers)
	if err := sc.Scan(&in.ID, &sourceID, &in.Date, &in.DatePrecision, &in.EventType, &in.SubEventType,
		&in.Actor1, &in.Actor2, &fat, &inj, &in.Place, &in.Country, &in.Admin1, &nums.lat, &nums.lon,
		&in.GeoPrecision, &gid, &in.Notes, &sources, &tags, &in.CreatedAt, &in.UpdatedAt); err != nil {
		return err
	}
	in.SourceID = sourceID.String
	return nums.finish(in, fat, inj, gid, sources, tags)
}

// incidentNumbers holds the numbers a scanned incident points to, in
// one allocation.
type incidentNumbers struct {
	lat, lon float64
	fat, inj int
}

// finish sets in's pointed-to numbers, its geonameid and its decoded
// sources and tags from the scanned columns.
func (nums *incidentNumbers) finish(in *incidents.Incident, fat, inj, gid sql.NullInt64, sources, tags string) error {
	in.Fatalities, in.Injuries = nil, nil
	if fat.Valid {
		nums.fat = int(fat.Int64)
		in.Fatalities = &nums.fat
	}
	if inj.Valid {
		nums.inj = int(inj.Int64)
		in.Injuries = &nums.inj
	}
	in.Lat, in.Lon = &nums.lat, &nums.lon
	in.GeonameID = gid.Int64
	in.Sources, in.Tags = nil, nil
	var err error
	if in.Sources, err = decodeStrings(sources); err != nil {
		return fmt.Errorf("sources column: %w", err)
	}
	if in.Tags, err = decodeStrings(tags); err != nil {
		return fmt.Errorf("tags column: %w", err)
	}
	return nil
}

// decodeStrings decodes a sources or tags column, a JSON array of strings
// (nil for "[]"). The form the store writes, strings without escapes,
// control characters or invalid UTF-8 and no spaces, is split directly;
// anything else goes through encoding/json, so the answer is always the
// one json.Unmarshal gives.
func decodeStrings(col string) ([]string, error) {
	if col == "[]" {
		return nil, nil
	}
	if vs, ok := splitPlainStrings(col); ok {
		return vs, nil
	}
	var vs []string
	if err := json.Unmarshal([]byte(col), &vs); err != nil {
		return nil, err
	}
	return vs, nil
}

// splitPlainStrings splits `["a","b"]` when no string needs decoding;
// ok is false for any other text.
func splitPlainStrings(col string) (vs []string, ok bool) {
	if len(col) < 4 || col[0] != '[' || col[len(col)-1] != ']' {
		return nil, false
	}
	rest := col[1 : len(col)-1]
	for {
		if len(rest) < 2 || rest[0] != '"' {
			return nil, false
		}
		end := strings.IndexByte(rest[1:], '"') + 1
		if end == 0 {
			return nil, false
		}
		v := rest[1:end]
		ascii := true
		for i := 0; i < len(v); i++ {
			switch c := v[i]; {
			case c < 0x20 || c == '\\':
				return nil, false
			case c >= utf8.RuneSelf:
				ascii = false
			}
		}
		if !ascii && !utf8.ValidString(v) {
			return nil, false
		}
		vs = append(vs, v)
		rest = rest[end+1:]
		if rest == "" {
			return vs, true
		}
		if rest[0] != ',' {
			return nil, false
		}
		rest = rest[1:]
	}
}

// Get returns the incident with the given id, or ErrNotFound.
func (s *Store) Get(ctx context.Context, id int64) (incidents.Incident, error) {
	var in incidents.Incident
	err := scanIncident(s.r.QueryRowContext(ctx, "SELECT "+selectColumns+" FROM incidents i WHERE i.id = ?", id), &in)
	if errors.Is(err, sql.ErrNoRows) {
		return incidents.Incident{}, fmt.Errorf("incident %d: %w", id, incidents.ErrNotFound)
	}
	if err != nil {
		return incidents.Incident{}, fmt.Errorf("incidents: get %d: %w", id, err)
	}
	return in, nil
}

// Create validates and stores a new incident, resolving its place through
// r when it has no coordinates (r may be nil). It fills in.ID and the
// timestamps. A source_id already present is ErrConflict.
func (s *Store) Create(ctx context.Context, in *incidents.Incident, r incidents.Resolver) error {
	if err := incidents.PrepareWrite(ctx, in, r); err != nil {
		return err
	}
	s.lockWrites()
	defer s.unlockWrites()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("incidents: create: %w", err)
	}
	defer tx.Rollback()
	from, err := txVersion(ctx, tx)
	if err != nil {
		return err
	}
	now := s.now().UTC().Format(time.RFC3339)
	in.CreatedAt, in.UpdatedAt = now, now
	id, err := insertIncident(ctx, tx, in)
	if err != nil {
		return err
	}
	in.ID = id
	v, err := txVersion(ctx, tx)
	if err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("incidents: create: %w", err)
	}
	s.apply(from, v, []index.Row{indexRow(in)}, nil)
	return nil
}

// Replace validates the record and replaces every field of incident id with
// it, keeping id and created_at. A source_id used by another incident is
// ErrConflict; a missing id is ErrNotFound.
func (s *Store) Replace(ctx context.Context, id int64, in *incidents.Incident, r incidents.Resolver) error {
	if err := incidents.PrepareWrite(ctx, in, r); err != nil {
		return err
	}
	s.lockWrites()
	defer s.unlockWrites()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("incidents: replace: %w", err)
	}
	defer tx.Rollback()
	from, err := txVersion(ctx, tx)
	if err != nil {
		return err
	}
	var created string
	err = tx.QueryRowContext(ctx, "SELECT created_at FROM incidents WHERE id = ?", id).Scan(&created)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("incident %d: %w", id, incidents.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("incidents: replace: %w", err)
	}
	in.ID = id
	in.CreatedAt = created
	in.UpdatedAt = s.now().UTC().Format(time.RFC3339)
	if err := updateIncident(ctx, tx, in); err != nil {
		return err
	}
	v, err := txVersion(ctx, tx)
	if err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("incidents: replace: %w", err)
	}
	s.apply(from, v, []index.Row{indexRow(in)}, nil)
	return nil
}

// Delete removes incident id, or returns ErrNotFound.
func (s *Store) Delete(ctx context.Context, id int64) error {
	s.lockWrites()
	defer s.unlockWrites()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("incidents: delete %d: %w", id, err)
	}
	defer tx.Rollback()
	from, err := txVersion(ctx, tx)
	if err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, "DELETE FROM incidents WHERE id = ?", id)
	if err != nil {
		return fmt.Errorf("incidents: delete %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("incident %d: %w", id, incidents.ErrNotFound)
	}
	v, err := txVersion(ctx, tx)
	if err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("incidents: delete %d: %w", id, err)
	}
	s.apply(from, v, nil, []int64{id})
	return nil
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

const insertSQL = `INSERT INTO incidents (source_id, date, date_precision, event_type, sub_event_type,
	actor1, actor2, fatalities, injuries, place, country, admin1, lat, lon, geo_precision, geonameid,
	notes, sources, tags, created_at, updated_at)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

const updateSQL = `UPDATE incidents SET source_id = ?, date = ?, date_precision = ?, event_type = ?,
	sub_event_type = ?, actor1 = ?, actor2 = ?, fatalities = ?, injuries = ?, place = ?, country = ?,
	admin1 = ?, lat = ?, lon = ?, geo_precision = ?, geonameid = ?, notes = ?, sources = ?, tags = ?,
	created_at = ?, updated_at = ? WHERE id = ?`

// columnValues returns the values of insertSQL's columns, in order.
func columnValues(in *incidents.Incident) []any {
	var sourceID, fat, inj, gid any
	if in.SourceID != "" {
		sourceID = in.SourceID
	}
	if in.Fatalities != nil {
		fat = *in.Fatalities
	}
	if in.Injuries != nil {
		inj = *in.Injuries
	}
	if in.GeonameID != 0 {
		gid = in.GeonameID
	}
	gp := in.GeoPrecision
	if gp == 0 {
		gp = 1
	}
	return []any{sourceID, in.Date, in.DatePrecision, in.EventType, in.SubEventType,
		in.Actor1, in.Actor2, fat, inj, in.Place, in.Country, in.Admin1, *in.Lat, *in.Lon, gp, gid,
		in.Notes, jsonList(in.Sources), jsonList(in.Tags), in.CreatedAt, in.UpdatedAt}
}

// jsonList returns xs as a JSON array, as json.Marshal writes it. Strings
// of printable ASCII that json.Marshal leaves as they are (the common
// case: a source's name) are written directly, which costs an import of a
// million records a third of json.Marshal's time.
func jsonList(xs []string) string {
	if len(xs) == 0 {
		return "[]"
	}
	n := 1
	for _, x := range xs {
		if !jsonPlain(x) {
			b, _ := json.Marshal(xs)
			return string(b)
		}
		n += len(x) + 3
	}
	b := make([]byte, 0, n)
	for i, x := range xs {
		b = append(b, ',', '"')
		if i == 0 {
			b[0] = '['
		}
		b = append(b, x...)
		b = append(b, '"')
	}
	return string(append(b, ']'))
}

// jsonPlain reports whether json.Marshal writes s between quotes as it is.
func jsonPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c > 0x7e, c == '"', c == '\\', c == '<', c == '>', c == '&':
			return false
		}
	}
	return true
}

func insertIncident(ctx context.Context, tx execer, in *incidents.Incident) (int64, error) {
	res, err := tx.ExecContext(ctx, insertSQL, columnValues(in)...)
	if err != nil {
		return 0, sqlError("insert", in, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("incidents: insert: %w", err)
	}
	if err := indexNewFTS(ctx, tx, id-1); err != nil {
		return 0, err
	}
	return id, nil
}

// indexNewFTS adds the incidents with an id above after to the full-text
// index, in one statement. Every insert into incidents must be followed by
// it in the same transaction, before any update of the new rows (see
// migration 0003).
func indexNewFTS(ctx context.Context, tx execer, after int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO incidents_fts (rowid, notes, place, actor1, actor2)
		SELECT id, notes, place, actor1, actor2 FROM incidents WHERE id > ?`, after)
	if err != nil {
		return fmt.Errorf("incidents: full-text index: %w", err)
	}
	return nil
}

func updateIncident(ctx context.Context, tx execer, in *incidents.Incident) error {
	_, err := tx.ExecContext(ctx, updateSQL, append(columnValues(in), in.ID)...)
	if err != nil {
		return sqlError("update", in, err)
	}
	return nil
}

// sqlError wraps a failed write of in. A UNIQUE violation can only be the
// source_id's (the incidents table has no other UNIQUE column, and the
// primary key is assigned by SQLite), so it becomes the domain's conflict.
func sqlError(op string, in *incidents.Incident, err error) error {
	var se *sqlite3.Error
	if errors.As(err, &se) && se.Code() == sqlite3lib.SQLITE_CONSTRAINT_UNIQUE {
		return incidents.ConflictError(in.SourceID)
	}
	return fmt.Errorf("incidents: %s: %w", op, err)
}

// Backup writes a consistent copy of the database to path with VACUUM
// INTO, without blocking readers or writers for long. path must not exist.
func (s *Store) Backup(ctx context.Context, path string) error {
	if _, err := s.r.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		return fmt.Errorf("incidents: backup to %s: %w", path, err)
	}
	return nil
}

// Check verifies the database file (PRAGMA integrity_check) and that the
// full-text index agrees with the incidents it indexes.
func (s *Store) Check(ctx context.Context) error {
	var res string
	if err := s.w.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res); err != nil {
		return fmt.Errorf("incidents: integrity check: %w", err)
	}
	if res != "ok" {
		return fmt.Errorf("incidents: integrity check: %s", res)
	}
	if _, err := s.w.ExecContext(ctx, "INSERT INTO incidents_fts (incidents_fts, rank) VALUES ('integrity-check', 1)"); err != nil {
		return fmt.Errorf("incidents: full-text index check: %w", err)
	}
	var n, m int
	if err := s.w.QueryRowContext(ctx, "SELECT (SELECT count(*) FROM incidents), (SELECT count(*) FROM incidents_rtree)").Scan(&n, &m); err != nil {
		return fmt.Errorf("incidents: check: %w", err)
	}
	if n != m {
		return fmt.Errorf("incidents: check: %d incidents but %d in the spatial index", n, m)
	}
	return nil
}

// SetWriteCache sets the page cache of the writing connection, in MiB. A
// bulk import inserts into several indexes at scattered places and gains
// from a large cache (+17-21% at 300,000 records with 256 MiB); a server keeps
// the default to bound its memory.
func (s *Store) SetWriteCache(ctx context.Context, mib int) error {
	if _, err := s.w.ExecContext(ctx, fmt.Sprintf("PRAGMA cache_size = %d", -mib*1024)); err != nil {
		return fmt.Errorf("incidents: write cache: %w", err)
	}
	return nil
}
