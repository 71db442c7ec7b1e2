package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/mapd/mapd/incidents/postgis"
	"github.com/mapd/mapd/incidents/sqlite"
)

// runBackup writes a consistent copy of the database while it may be in
// use by a running server.
func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", "mapd.db", "SQLite database file (MAPD_DB); for PostGIS use pg_dump")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: mapd backup [--db mapd.db] FILE\n\nWrites an online, consistent copy of the database to FILE (which must not exist).\nRestore by stopping mapd and copying FILE over the database file.\n\nFlags:")
		fs.PrintDefaults()
	}
	if done, code := parseFlags(fs, args); done {
		return code
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	if postgis.IsURL(*db) {
		fmt.Fprintf(stderr, "mapd backup: --db is a PostgreSQL database: back it up with PostgreSQL's own tools, for example\n  pg_dump --format=custom --file=mapd.dump '%s'\nand restore with pg_restore; mapd backup copies SQLite files\n", redactURL(*db))
		return 2
	}
	store, err := sqlite.Open(ctx, *db)
	if err != nil {
		fmt.Fprintf(stderr, "mapd backup: %v\n", err)
		return 2
	}
	defer store.Close()
	if err := store.Backup(ctx, fs.Arg(0)); err != nil {
		fmt.Fprintf(stderr, "mapd backup: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "backed up %s to %s\n", *db, fs.Arg(0))
	return 0
}
