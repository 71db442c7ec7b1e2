// Command mapd is the incident-mapping server and its command-line tools:
// serve, import, export, geocode, extract and backup.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

const usage = `mapd maps incidents reported in the news.

Usage:
  mapd serve   [--addr 127.0.0.1:8080] [--db mapd.db] [--demo] [--token-file F] [--tiles URL|none] [--gazetteer FILE]...
  mapd import  [--db mapd.db] [--format auto|json|ndjson|geojson|csv|acled] [--atomic] [--json] FILE|-
  mapd export  [--db mapd.db] [--format geojson|ndjson|csv] [filters] [-o FILE]
  mapd geocode [--country CC] [--limit N] [--json] [--gazetteer FILE]... NAME... | -
  mapd extract [--date YYYY-MM-DD] [--country CC] [--source S] [--json] [--places] [--min-confidence X] FILE... | -
  mapd backup  [--db mapd.db] FILE
  mapd version

Every flag has an environment twin: --db is MAPD_DB, --token-file is
MAPD_TOKEN_FILE, and so on. Run "mapd COMMAND --help" for details.
Exit status: 0 success, 1 something was rejected or not found, 2 usage or
setup error.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run dispatches to a subcommand and returns the process exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return runServe(ctx, rest, stdout, stderr)
	case "import":
		return runImport(ctx, rest, stdin, stdout, stderr)
	case "export":
		return runExport(ctx, rest, stdin, stdout, stderr)
	case "geocode":
		return runGeocode(ctx, rest, stdin, stdout, stderr)
	case "extract":
		return runExtract(ctx, rest, stdin, stdout, stderr)
	case "backup":
		return runBackup(ctx, rest, stdout, stderr)
	case "version", "--version":
		fmt.Fprintln(stdout, "mapd", version)
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "mapd: unknown command %q\n\n%s", cmd, usage)
	return 2
}
