package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strings"

	"github.com/mapd/mapd/incidents"
	"github.com/mapd/mapd/incidents/postgis"
	"github.com/mapd/mapd/incidents/sqlite"
)

// dbUsage documents --db for every command that opens the store.
const dbUsage = "SQLite database file, or a postgres:// or postgresql:// URL for PostGIS (MAPD_DB)"

// openStore opens the store that --db names: a postgres:// or
// postgresql:// URL is a PostGIS database, anything else an SQLite file.
func openStore(ctx context.Context, db string) (incidents.Store, error) {
	return openStoreReplicas(ctx, db, nil, nil)
}

// openStoreReplicas is openStore with the read replicas of --db-replica,
// which only a PostGIS database can have; log tells when one leaves or
// rejoins the read rotation.
func openStoreReplicas(ctx context.Context, db string, replicas []string, log *slog.Logger) (incidents.Store, error) {
	if postgis.IsURL(db) {
		return postgis.OpenOptions(ctx, db, postgis.Options{Replicas: replicas, Logger: log})
	}
	if len(replicas) > 0 {
		return nil, fmt.Errorf("--db-replica needs --db to be a postgres:// URL")
	}
	if scheme, _, ok := strings.Cut(db, "://"); ok && !strings.ContainsAny(scheme, "/\\") {
		return nil, fmt.Errorf("--db %s:// is not a database this mapd opens: give an SQLite file or a postgres:// URL", scheme)
	}
	return sqlite.Open(ctx, db)
}

// dbPath returns the SQLite file --db names, "" for PostGIS.
func dbPath(db string) string {
	if postgis.IsURL(db) {
		return ""
	}
	return db
}

// redactURL hides the password of a database URL, for logs.
func redactURL(db string) string {
	u, err := url.Parse(db)
	if err != nil || u.User == nil {
		return db
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
