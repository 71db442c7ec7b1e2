package main

import (
	"context"
	"fmt"
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
	if postgis.IsURL(db) {
		return postgis.Open(ctx, db)
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
