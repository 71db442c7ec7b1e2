// Package postgis is the scale-out store of mapd: incidents in a
// PostgreSQL database with PostGIS, through a pgx connection pool. It
// implements incidents.Store with the same answers as incidents/sqlite
// (the conformance suite incidents/storetest checks both): the same
// filters, the same keyset pagination and cursors, the same import counts.
// Several mapd processes can share one database; each write is one
// transaction.
package postgis

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mapd/mapd/incidents"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// IsURL reports whether a --db value names a PostgreSQL database rather
// than an SQLite file.
func IsURL(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// Store keeps incidents in PostgreSQL/PostGIS.
type Store struct {
	pool *pgxpool.Pool // the primary
	now  func() time.Time
	log  *slog.Logger

	replicas   []*replica
	next       atomic.Uint64 // round robin over replicas
	written    atomic.Int64  // primary's WAL position after this process's last write
	stopHealth context.CancelFunc
	healthDone sync.WaitGroup

	extentMu      sync.Mutex
	extent        incidents.Extent
	extentVersion int64 // data version extent was computed at; -1 for none

	idx *indexer // nil until StartIndex
}

// Open connects to the database at url (postgres:// or postgresql://),
// checks that PostGIS is available (creating the extensions postgis and
// unaccent when they are not yet) and applies every pending migration.
// A URL that does not parse, a server that cannot be reached, a database
// without PostGIS and a schema newer than this binary are errors that say
// so.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgis: the database URL does not parse: %w", redact(err))
	}
	if cfg.MaxConns < 8 {
		cfg.MaxConns = 8
	}
	cfg.ConnConfig.ConnectTimeout = 10 * time.Second
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgis: %w", err)
	}
	s := &Store{pool: pool, now: time.Now, extentVersion: -1, log: slog.New(slog.DiscardHandler)}
	if err := s.setup(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// redact keeps a password out of a DSN parse error.
func redact(err error) error {
	var pe *pgconn.ParseConfigError
	if errors.As(err, &pe) {
		return errors.New(pe.Error())
	}
	return err
}

func (s *Store) setup(ctx context.Context) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("postgis: connect: %w", classify(err))
	}
	defer conn.Release()
	if err := ensureExtensions(ctx, conn.Conn()); err != nil {
		return err
	}
	return migrate(ctx, conn.Conn())
}

// ensureExtensions creates postgis and unaccent when missing and says
// plainly when it cannot.
func ensureExtensions(ctx context.Context, conn *pgx.Conn) error {
	for _, ext := range []string{"postgis", "unaccent"} {
		var have bool
		if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = $1)", ext).Scan(&have); err != nil {
			return fmt.Errorf("postgis: %w", classify(err))
		}
		if have {
			continue
		}
		if _, err := conn.Exec(ctx, "CREATE EXTENSION IF NOT EXISTS "+ext); err != nil {
			return fmt.Errorf("%w: the database has no %s extension and it could not be created (%v): install PostGIS on the server (Debian: apt-get install postgis) and run CREATE EXTENSION %s as a superuser",
				incidents.ErrSchema, ext, err, ext)
		}
	}
	return nil
}

// migration is one embedded migration file.
type migration struct {
	version    int
	name, body string
	checksum   string // hex SHA-256 of body
}

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
			return nil, fmt.Errorf("postgis: migration %s has no number prefix", base)
		}
		body, err := migrationFS.ReadFile(name)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(body)
		ms = append(ms, migration{version, base, string(body), hex.EncodeToString(sum[:])})
	}
	return ms, nil
}

// migrationLock is the advisory lock that serialises the migrations of
// several mapd processes starting at once.
const migrationLock = 0x6d617064 // "mapd"

// migrate applies the pending migrations in one transaction, under an
// advisory lock. Migrations are append-only: a recorded migration that
// this binary does not embed (a newer mapd migrated the database) or
// whose checksum differs is an error matching incidents.ErrSchema.
func migrate(ctx context.Context, conn *pgx.Conn) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	tx, err := conn.Begin(ctx)
	if err != nil {
		return fmt.Errorf("postgis: migrate: %w", classify(err))
	}
	defer tx.Rollback(context.Background())
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", migrationLock); err != nil {
		return fmt.Errorf("postgis: migrate: %w", classify(err))
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL, checksum text NOT NULL)`); err != nil {
		return fmt.Errorf("postgis: migrate: %w", classify(err))
	}
	applied := map[int]string{}
	rows, err := tx.Query(ctx, "SELECT version, name, checksum FROM schema_migrations ORDER BY version")
	if err != nil {
		return fmt.Errorf("postgis: migrate: %w", classify(err))
	}
	byVersion := map[int]migration{}
	for _, m := range ms {
		byVersion[m.version] = m
	}
	for rows.Next() {
		var v int
		var name, sum string
		if err := rows.Scan(&v, &name, &sum); err != nil {
			return fmt.Errorf("postgis: migrate: %w", classify(err))
		}
		m, ok := byVersion[v]
		if !ok {
			rows.Close()
			return fmt.Errorf("%w: the database has migration %s, which this mapd does not have: a newer mapd wrote it; run that version or newer", incidents.ErrSchema, name)
		}
		if sum != m.checksum {
			rows.Close()
			return fmt.Errorf("%w: migration %s was applied with checksum %.12s but this mapd embeds %.12s: an applied migration was edited; migrations are append-only", incidents.ErrSchema, m.name, sum, m.checksum)
		}
		applied[v] = sum
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("postgis: migrate: %w", classify(err))
	}
	for _, m := range ms {
		if _, ok := applied[m.version]; ok {
			continue
		}
		if _, err := tx.Exec(ctx, m.body); err != nil {
			return fmt.Errorf("postgis: migration %s: %w", m.name, classify(err))
		}
		if _, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version, name, applied_at, checksum) VALUES ($1, $2, now(), $3)",
			m.version, m.name, m.checksum); err != nil {
			return fmt.Errorf("postgis: migrate: %w", classify(err))
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("postgis: migrate: %w", classify(err))
	}
	return nil
}

// Close stops the index's follower and the replica checks and closes
// every connection.
func (s *Store) Close() error {
	s.closeIndex()
	if s.stopHealth != nil {
		s.stopHealth()
		s.healthDone.Wait()
	}
	for _, r := range s.replicas {
		r.pool.Close()
	}
	s.pool.Close()
	return nil
}

// classify wraps errors that mean the database cannot be reached for now
// (refused or lost connections, a server shutting down or starting) so
// that they match incidents.ErrUnavailable; callers answer those with 503
// and Retry-After. Other errors are returned as they are.
func classify(err error) error {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// Class 08: connection exception; 57P01-57P03: the server is
		// shutting down, crashed or not yet accepting connections.
		if strings.HasPrefix(pgErr.Code, "08") || pgErr.Code == "57P01" || pgErr.Code == "57P02" || pgErr.Code == "57P03" {
			return fmt.Errorf("%w: %v", incidents.ErrUnavailable, err)
		}
		return err
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	var oe *net.OpError
	if errors.As(err, &ce) || errors.As(err, &ne) || errors.As(err, &oe) || pgconn.SafeToRetry(err) ||
		errors.Is(err, net.ErrClosed) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return fmt.Errorf("%w: %v", incidents.ErrUnavailable, err)
	}
	return err
}

// wrap prefixes an error with the operation and classifies it.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var fe *incidents.FieldError
	if errors.As(err, &fe) || errors.Is(err, incidents.ErrNotFound) {
		return err
	}
	return fmt.Errorf("postgis: %s: %w", op, classify(err))
}
