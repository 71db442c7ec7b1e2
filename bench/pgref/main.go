// Command pgref measures mapd against pg_featureserv on PostGIS for the
// same bounding-box pages, the reference named in issue 6 ("throughput at
// least 2x of pg_featureserv").
//
// It starts a throw-away PostgreSQL cluster with PostGIS in a temporary
// directory, loads the incidents of a mapd database into it (mapd export
// --format geojson, then ogr2ogr into a table with a GIST index, then
// VACUUM ANALYZE), starts pg_featureserv against that cluster and mapd
// serve against the database, all on loopback, checks that every server
// returns the expected features for every box, and then drives them in
// turn with the same concurrent keep-alive load generator over the same
// list of boxes. It prints one markdown table and writes it to
// bench/pg_results.md. Processes and temporary files are removed at the
// end, also on failure or Ctrl-C.
//
// It needs the Debian packages postgresql, postgis and gdal-bin
// (apt-get install -y postgresql postgis gdal-bin) and builds
// pg_featureserv from the Go module proxy into bin/pg_featureserv unless
// that file exists. Run it from the repository root:
//
//	go run ./bench/pgref                  # 1,000,000 incidents, made by go run ./bench -keep (make bench-pg)
//	go run ./bench/pgref -n 100000        # a smaller generated database
//	go run ./bench/pgref -db mapd.db      # an existing mapd database
//	go run ./bench/pgref -rounds 3 -o ''  # fewer rounds, no results file
//	go run ./bench/pgref -import-only -rounds 2  # mapd import rate against a raw COPY only
//
// As root, the PostgreSQL server runs as the user postgres (through
// runuser), which the postgresql package creates.
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"os/user"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/mapd/mapd/bench/internal/stat"
)

// pgfsModule is the pg_featureserv module and version built when
// -pgfs names no existing file.
const pgfsModule = "github.com/CrunchyData/pg_featureserv"

type options struct {
	db          string
	n           int
	bin         string
	build       bool
	pgfs        string
	pgfsVersion string
	pgfsConns   int
	pgBin       string
	pgStock     bool
	rounds      int
	requests    int
	clients     string
	seed        uint64
	out         string
	importOnly  bool
}

func main() {
	var o options
	flag.StringVar(&o.db, "db", "", "mapd database to serve and load into PostGIS (default: generate one with go run ./bench -n N -keep)")
	flag.IntVar(&o.n, "n", 1_000_000, "incidents to generate when -db is not given")
	flag.StringVar(&o.bin, "bin", "bin/mapd", "mapd binary")
	flag.BoolVar(&o.build, "build", true, "build -bin with go build ./cmd/mapd first")
	flag.StringVar(&o.pgfs, "pgfs", "bin/pg_featureserv", "pg_featureserv binary; built from the Go module proxy when the file does not exist")
	flag.StringVar(&o.pgfsVersion, "pgfs-version", "v1.3.1", "pg_featureserv version to build")
	flag.IntVar(&o.pgfsConns, "pgfs-conns", 4, "pg_featureserv's database pool size (DbPoolMaxConns; 4 is its default)")
	flag.StringVar(&o.pgBin, "pgbin", "", "directory holding initdb, pg_ctl and psql (default: found on PATH or under /usr/lib/postgresql)")
	flag.BoolVar(&o.pgStock, "pg-stock", false, "keep PostgreSQL's default JIT compilation and parallel query (by default both are off)")
	flag.IntVar(&o.rounds, "rounds", 5, "rounds; each round measures every server once per page kind and client count, in a rotating order")
	flag.IntVar(&o.requests, "requests", 96, "requests per measurement (one server, one page kind, one client count, one round)")
	flag.StringVar(&o.clients, "clients", "1,16", "comma-separated numbers of concurrent clients")
	flag.Uint64Var(&o.seed, "seed", 1, "random seed for the boxes")
	flag.StringVar(&o.out, "o", "bench/pg_results.md", "markdown file the table is written to (\"\" for none)")
	flag.BoolVar(&o.importOnly, "import-only", false, "only measure mapd import of -n generated incidents into an empty database against a raw COPY of the same rows, -rounds times")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	var err error
	if o.importOnly {
		err = runImportRate(ctx, o)
	} else {
		err = run(ctx, o)
	}
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "pgref:", err)
		os.Exit(1)
	}
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

func run(ctx context.Context, o options) error {
	start := time.Now()
	var clients []int
	for _, s := range strings.Split(o.clients, ",") {
		c, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || c < 1 {
			return fmt.Errorf("-clients %q: want positive integers separated by commas", o.clients)
		}
		clients = append(clients, c)
	}
	if o.rounds < 1 || o.requests < 1 {
		return errors.New("-rounds and -requests must be at least 1")
	}
	pgBin, err := findPGBin(o.pgBin)
	if err != nil {
		return err
	}
	ogr2ogr, err := exec.LookPath("ogr2ogr")
	if err != nil {
		return errors.New("ogr2ogr not found: apt-get install -y gdal-bin")
	}

	dir, err := os.MkdirTemp("", "mapd-pgref-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	logf("working in %s", dir)

	pgfsBin, pgfsAssets, err := pgFeatureserv(ctx, o)
	if err != nil {
		return err
	}
	if o.build {
		logf("building %s", o.bin)
		if err := runCmd(ctx, nil, "go", "build", "-o", o.bin, "./cmd/mapd"); err != nil {
			return fmt.Errorf("go build ./cmd/mapd: %w", err)
		}
	}

	dbPath := o.db
	n := 0
	if dbPath == "" {
		genDir, err := generateDB(ctx, o.bin, o.n, dir)
		if genDir != "" {
			defer os.RemoveAll(genDir)
		}
		if err != nil {
			return err
		}
		dbPath = filepath.Join(genDir, "bench.db")
	}

	pg, err := startPostgres(ctx, pgBin, filepath.Join(dir, "pg"), o.pgStock)
	if err != nil {
		return err
	}
	defer pg.stop()
	ogrTook, err := pg.load(ctx, o.bin, ogr2ogr, dbPath, dir)
	if err != nil {
		return err
	}
	if n, err = pg.count(ctx); err != nil {
		return err
	}
	pgURL, importTook, err := pg.loadMapd(ctx, o.bin, dbPath, dir)
	if err != nil {
		return err
	}

	fs, err := startFeatureserv(ctx, pgfsBin, pgfsAssets, pg, o.pgfsConns, dir)
	if err != nil {
		return err
	}
	defer fs.stop()
	md, err := startMapd(ctx, "mapd", o.bin, dbPath, dir)
	if err != nil {
		return err
	}
	defer md.stop()
	mdPG, err := startMapd(ctx, "mapd-postgis", o.bin, pgURL, dir)
	if err != nil {
		return err
	}
	defer mdPG.stop()
	for _, m := range []*process{md, mdPG} {
		if err := m.waitIndex(ctx); err != nil {
			return err
		}
		if matched, err := numberMatched(ctx, m.base+"/api/incidents?limit=1"); err != nil {
			return err
		} else if matched != n {
			return fmt.Errorf("%s holds %d incidents, PostGIS %d: the load is incomplete", m.name, matched, n)
		}
	}

	targets := []target{
		{name: "pg_featureserv", items: func(b box, limit int) string {
			return fmt.Sprintf("%s/collections/public.incidents/items?bbox=%s&limit=%d", fs.base, b, limit)
		}},
		{name: "pg_featureserv, sortby=-date", sorted: true, items: func(b box, limit int) string {
			return fmt.Sprintf("%s/collections/public.incidents/items?bbox=%s&limit=%d&sortby=-date", fs.base, b, limit)
		}},
		{name: "mapd OGC items", mapd: true, sorted: true, items: func(b box, limit int) string {
			return fmt.Sprintf("%s/ogc/collections/incidents/items?bbox=%s&limit=%d", md.base, b, limit)
		}},
		{name: "mapd /api/incidents", mapd: true, sorted: true, items: func(b box, limit int) string {
			return fmt.Sprintf("%s/api/incidents?bbox=%s&limit=%d", md.base, b, limit)
		}},
		{name: "mapd on PostGIS, OGC items", mapd: true, sorted: true, items: func(b box, limit int) string {
			return fmt.Sprintf("%s/ogc/collections/incidents/items?bbox=%s&limit=%d", mdPG.base, b, limit)
		}},
		{name: "mapd on PostGIS, /api/incidents", mapd: true, sorted: true, items: func(b box, limit int) string {
			return fmt.Sprintf("%s/api/incidents?bbox=%s&limit=%d", mdPG.base, b, limit)
		}},
	}
	r := rand.New(rand.NewPCG(o.seed, 0x7067))
	kinds := []pageKind{
		{name: "city box ±0.1°, limit=1000", half: 0.1, limit: 1000},
		{name: "town box ±0.02°, limit=100", half: 0.02, limit: 100},
	}
	for i := range kinds {
		kinds[i].boxes = boxes(r, kinds[i].half, o.requests)
		if kinds[i].inBox, err = pg.countInBoxes(ctx, kinds[i].boxes); err != nil {
			return err
		}
	}

	loadBefore := loadAvg()
	var notes []string
	for _, k := range kinds {
		logf("checking %s on every server", k.name)
		notes = append(notes, verify(ctx, k, targets)...)
	}
	res := measure(ctx, kinds, targets, clients, o.rounds)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	answers := measureAnswers(ctx, []*process{md, mdPG}, kinds[0].boxes, o.rounds)
	if ctx.Err() != nil {
		return ctx.Err()
	}

	env := environment{
		incidents:  n,
		postgres:   pg.version(ctx),
		gdal:       firstLine(output(ctx, ogr2ogr, "--version")),
		pgfs:       firstLine(output(ctx, pgfsBin, "--version")),
		loadBefore: loadBefore,
		loadAfter:  loadAvg(),
		total:      time.Since(start),
		ogrTook:    ogrTook,
		importTook: importTook,
	}
	table := render(o, env, kinds, targets, clients, res, notes) + renderAnswers(env, answers)
	fmt.Print(table)
	if o.out != "" {
		if err := os.WriteFile(o.out, []byte(table), 0o644); err != nil {
			return err
		}
		logf("wrote %s", o.out)
	}
	return nil
}

// --- tools ---------------------------------------------------------------

// findPGBin returns the directory of PostgreSQL's server programs: dir when
// given, else the directory of initdb on PATH, else the newest
// /usr/lib/postgresql/*/bin, where Debian installs them.
func findPGBin(dir string) (string, error) {
	if dir == "" {
		if p, err := exec.LookPath("initdb"); err == nil {
			if real, err := filepath.EvalSymlinks(p); err == nil {
				dir = filepath.Dir(real)
			}
		}
	}
	if dir == "" {
		found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
		slices.SortFunc(found, func(a, b string) int { return pgMajor(a) - pgMajor(b) })
		if len(found) > 0 {
			dir = filepath.Dir(found[len(found)-1])
		}
	}
	for _, prog := range []string{"initdb", "pg_ctl", "psql"} {
		if _, err := os.Stat(filepath.Join(dir, prog)); err != nil {
			return "", fmt.Errorf("no PostgreSQL %s found (apt-get install -y postgresql postgis, or -pgbin DIR)", prog)
		}
	}
	return dir, nil
}

// pgMajor returns the major version in /usr/lib/postgresql/N/bin/initdb.
func pgMajor(path string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(path))))
	return n
}

// pgFeatureserv returns the pg_featureserv binary and its assets
// directory (HTML templates), building the binary from the module proxy
// when o.pgfs does not exist.
func pgFeatureserv(ctx context.Context, o options) (bin, assets string, err error) {
	// go install pg_featureserv@version would need the module's version
	// list, which the proxy may refuse; go mod download of one version
	// and go build in its directory need only that version and its
	// dependencies. It runs outside this module, whose go.mod and go.sum
	// stay as they are.
	cmd := exec.CommandContext(ctx, "go", "mod", "download", "-json", pgfsModule+"@"+o.pgfsVersion)
	cmd.Dir = os.TempDir()
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			err = fmt.Errorf("%w: %s%s", err, ee.Stderr, out)
		}
		return "", "", fmt.Errorf("go mod download %s@%s: %w", pgfsModule, o.pgfsVersion, err)
	}
	var mod struct{ Dir string }
	if err := json.Unmarshal(out, &mod); err != nil || mod.Dir == "" {
		return "", "", fmt.Errorf("go mod download %s@%s: no module directory in %s", pgfsModule, o.pgfsVersion, out)
	}
	bin, err = filepath.Abs(o.pgfs)
	if err != nil {
		return "", "", err
	}
	if _, err := os.Stat(bin); err != nil {
		logf("building pg_featureserv %s into %s", o.pgfsVersion, o.pgfs)
		env := append(os.Environ(), "CGO_ENABLED=0")
		if err := runCmd(ctx, env, "go", "build", "-C", mod.Dir, "-o", bin, "."); err != nil {
			return "", "", fmt.Errorf("building pg_featureserv: %w", err)
		}
	}
	return bin, filepath.Join(mod.Dir, "assets"), nil
}

// runCmd runs a program with its output on standard error.
func runCmd(ctx context.Context, env []string, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	return cmd.Run()
}

// output returns what a program prints, or "" when it fails.
func output(ctx context.Context, name string, args ...string) string {
	out, _ := exec.CommandContext(ctx, name, args...).CombinedOutput()
	return strings.TrimSpace(string(out))
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// freeAddr returns a loopback address with a port free right now.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// loadAvg returns the first three fields of /proc/loadavg.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	return strings.Join(f[:min(3, len(f))], " ")
}

// generateDB runs the bench generator (go run ./bench -n N -keep) and
// returns the directory it kept, which holds bench.db; the directory is
// returned as soon as it is known, also with an error, so the caller can
// remove it. The generator also runs make bench's own measurements.
func generateDB(ctx context.Context, bin string, n int, dir string) (string, error) {
	gen := filepath.Join(dir, "benchgen")
	if err := runCmd(ctx, nil, "go", "build", "-o", gen, "./bench"); err != nil {
		return "", fmt.Errorf("go build ./bench: %w", err)
	}
	logf("generating a mapd database of %d incidents with go run ./bench -n %d -keep -o '' (this runs make bench's measurements too)", n, n)
	cmd := exec.CommandContext(ctx, gen, "-n", strconv.Itoa(n), "-keep", "-o", "", "-bin", bin, "-build=false")
	// Its own process group, so that a cancel also ends the mapd server it starts.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.Stdout = io.Discard
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return "", err
	}
	if err := cmd.Start(); err != nil {
		return "", err
	}
	kept := ""
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		line := sc.Text()
		fmt.Fprintln(os.Stderr, "  bench: "+line)
		// "files kept in DIR" (earlier versions: "database kept in DIR").
		if _, after, ok := strings.Cut(line, " kept in "); ok && kept == "" {
			kept = strings.TrimSpace(after)
		}
	}
	if err := cmd.Wait(); err != nil {
		return kept, fmt.Errorf("go run ./bench: %w", err)
	}
	if kept == "" {
		return "", errors.New("go run ./bench -keep did not say where it kept the database")
	}
	return kept, nil
}

// --- PostgreSQL -----------------------------------------------------------

type postgres struct {
	bin     string // server programs
	data    string // cluster directory
	addr    string
	host    string
	port    string
	asUser  []string // runuser prefix when running as root
	started bool
}

// startPostgres creates a cluster in dir and starts it on a free loopback
// port. As root, the cluster belongs to the user postgres. Unless stock,
// JIT compilation and parallel query are off: with them, PostgreSQL 15
// spends 10-30 ms starting two workers for a 1 ms bbox query of
// pg_featureserv and up to 250 ms compiling a sorted one, which no one
// serving such pages would keep.
func startPostgres(ctx context.Context, bin, dir string, stock bool) (*postgres, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	host, port, _ := net.SplitHostPort(addr)
	pg := &postgres{bin: bin, data: filepath.Join(dir, "data"), addr: addr, host: host, port: port}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, fmt.Errorf("running as root needs the user postgres for the server (apt-get install -y postgresql creates it): %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			return nil, err
		}
		// The temporary directory above dir is private to root.
		if err := os.Chmod(filepath.Dir(dir), 0o755); err != nil {
			return nil, err
		}
		pg.asUser = []string{"runuser", "-u", "postgres", "--"}
	}
	logf("initdb %s", pg.data)
	if err := pg.server(ctx, "initdb", "-D", pg.data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"); err != nil {
		return nil, fmt.Errorf("initdb: %w", err)
	}
	// fsync and full-page writes only cost time during the load; the
	// measured reads never write.
	settings := []string{
		"-c listen_addresses=" + host,
		"-c port=" + port,
		"-c unix_socket_directories=" + dir,
		"-c shared_buffers=256MB",
		"-c fsync=off",
		"-c full_page_writes=off",
		"-c synchronous_commit=off",
	}
	if !stock {
		settings = append(settings, "-c jit=off", "-c max_parallel_workers_per_gather=0")
	}
	opts := strings.Join(settings, " ")
	logf("starting PostgreSQL on %s", addr)
	if err := pg.server(ctx, "pg_ctl", "-D", pg.data, "-l", filepath.Join(dir, "postgres.log"), "-o", opts, "-w", "-t", "60", "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "postgres.log"))
		return nil, fmt.Errorf("pg_ctl start: %w\n%s", err, log)
	}
	pg.started = true
	if _, err := pg.psql(ctx, "CREATE EXTENSION postgis"); err != nil {
		pg.stop()
		return nil, err
	}
	return pg, nil
}

// server runs one of PostgreSQL's server programs as the cluster's owner.
func (pg *postgres) server(ctx context.Context, prog string, args ...string) error {
	argv := append(slices.Clone(pg.asUser), filepath.Join(pg.bin, prog))
	argv = append(argv, args...)
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = os.TempDir() // the postgres user may not enter the current directory
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%w\n%s", err, out)
	}
	return nil
}

// stop stops the cluster; it does so even after ctx was cancelled.
func (pg *postgres) stop() {
	if !pg.started {
		return
	}
	if err := pg.server(context.Background(), "pg_ctl", "-D", pg.data, "-m", "fast", "-w", "-t", "30", "stop"); err != nil {
		logf("pg_ctl stop: %v", err)
	}
	pg.started = false
}

func (pg *postgres) url() string {
	return fmt.Sprintf("postgresql://postgres@%s/postgres?sslmode=disable", pg.addr)
}

// psql runs SQL in the database postgres and returns its unaligned,
// tuples-only output.
func (pg *postgres) psql(ctx context.Context, sql string) (string, error) {
	return pg.psqlIn(ctx, "postgres", sql)
}

// psqlIn is psql in database db.
func (pg *postgres) psqlIn(ctx context.Context, db, sql string) (string, error) {
	cmd := exec.CommandContext(ctx, filepath.Join(pg.bin, "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
		"-h", pg.host, "-p", pg.port, "-U", "postgres", "-d", db, "-c", sql)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("psql %.60q: %w: %s", sql, err, stderr.Bytes())
	}
	return strings.TrimSpace(string(out)), nil
}

// load exports the mapd database as GeoJSON and loads it with ogr2ogr
// into the table incidents, keeping mapd's ids as the primary key, with
// a GIST index on geom.
func (pg *postgres) load(ctx context.Context, mapd, ogr2ogr, db, dir string) (time.Duration, error) {
	file := filepath.Join(dir, "incidents.geojson")
	logf("exporting %s as GeoJSON", db)
	t := time.Now()
	if err := runCmd(ctx, nil, mapd, "export", "--db", db, "--format", "geojson", "-o", file); err != nil {
		return 0, fmt.Errorf("mapd export: %w", err)
	}
	logf("exported in %s; loading into PostGIS with ogr2ogr", time.Since(t).Round(time.Second))
	t = time.Now()
	dsn := fmt.Sprintf("PG:host=%s port=%s user=postgres dbname=postgres", pg.host, pg.port)
	if err := runCmd(ctx, nil, ogr2ogr, "-f", "PostgreSQL", dsn, file,
		"-nln", "incidents", "-nlt", "POINT", "-a_srs", "EPSG:4326", "-preserve_fid",
		"-lco", "GEOMETRY_NAME=geom", "-lco", "FID=id", "-lco", "SPATIAL_INDEX=GIST",
		"--config", "PG_USE_COPY", "YES"); err != nil {
		return 0, fmt.Errorf("ogr2ogr: %w", err)
	}
	took := time.Since(t)
	os.Remove(file)
	if _, err := pg.psql(ctx, "VACUUM ANALYZE incidents"); err != nil {
		return 0, err
	}
	logf("loaded in %s", took.Round(time.Second))
	return took, nil
}

// loadMapd imports the mapd database's incidents into the empty database
// mapd of the same cluster with mapd import (a bulk load through COPY),
// and returns its URL and the import's wall time. VACUUM afterwards, as
// for ogr2ogr's table, is not timed.
func (pg *postgres) loadMapd(ctx context.Context, mapd, db, dir string) (string, time.Duration, error) {
	if _, err := pg.psql(ctx, "CREATE DATABASE mapd"); err != nil {
		return "", 0, err
	}
	url := fmt.Sprintf("postgresql://postgres@%s/mapd?sslmode=disable", pg.addr)
	file := filepath.Join(dir, "incidents.ndjson")
	if err := runCmd(ctx, nil, mapd, "export", "--db", db, "--format", "ndjson", "-o", file); err != nil {
		return "", 0, fmt.Errorf("mapd export: %w", err)
	}
	defer os.Remove(file)
	logf("importing into PostGIS with mapd import")
	t := time.Now()
	if err := runCmd(ctx, environ("MAPD_"), mapd, "import", "--db", url, file); err != nil {
		return "", 0, fmt.Errorf("mapd import: %w", err)
	}
	took := time.Since(t)
	logf("imported in %s", took.Round(time.Second))
	if _, err := pg.psqlIn(ctx, "mapd", "VACUUM incidents"); err != nil {
		return "", 0, err
	}
	return url, took, nil
}

func (pg *postgres) count(ctx context.Context) (int, error) {
	out, err := pg.psql(ctx, "SELECT count(*) FROM incidents")
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(out)
}

// countInBoxes returns how many incidents each box holds, by the GIST
// index (geom && box, boundaries included).
func (pg *postgres) countInBoxes(ctx context.Context, bs []box) ([]int, error) {
	var values []string
	for i, b := range bs {
		values = append(values, fmt.Sprintf("(%d,%s)", i, b))
	}
	out, err := pg.psql(ctx, "SELECT (SELECT count(*) FROM incidents WHERE geom && ST_MakeEnvelope(x1, y1, x2, y2, 4326)) FROM (VALUES "+
		strings.Join(values, ",")+") AS b(i, x1, y1, x2, y2) ORDER BY i")
	if err != nil {
		return nil, err
	}
	var counts []int
	for _, f := range strings.Fields(out) {
		c, err := strconv.Atoi(f)
		if err != nil {
			return nil, fmt.Errorf("box counts: %w", err)
		}
		counts = append(counts, c)
	}
	if len(counts) != len(bs) {
		return nil, fmt.Errorf("box counts: got %d, want %d", len(counts), len(bs))
	}
	return counts, nil
}

func (pg *postgres) version(ctx context.Context) string {
	v, _ := pg.psql(ctx, "SELECT current_setting('server_version') || ', PostGIS ' || postgis_lib_version()")
	return "PostgreSQL " + v
}

// --- HTTP servers ---------------------------------------------------------

// process is a server started by this program.
type process struct {
	name string
	cmd  *exec.Cmd
	base string
	log  string
	done chan error
}

// startProcess starts a server, with its output in a log file in dir, and
// waits until GET base+ready answers 200.
func startProcess(ctx context.Context, name, base, ready, dir string, cmd *exec.Cmd) (*process, error) {
	p := &process{name: name, cmd: cmd, base: base, log: filepath.Join(dir, name+".log"), done: make(chan error, 1)}
	lf, err := os.Create(p.log)
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = lf, lf
	if err := cmd.Start(); err != nil {
		lf.Close()
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	go func() { p.done <- cmd.Wait(); lf.Close() }()
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		select {
		case err := <-p.done:
			p.cmd.Process = nil
			return nil, fmt.Errorf("%s exited: %v\n%s", name, err, p.tail())
		default:
		}
		if resp, err := http.Get(base + ready); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p, nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	p.stop()
	return nil, fmt.Errorf("%s did not answer %s in time\n%s", name, ready, p.tail())
}

func (p *process) tail() string {
	b, _ := os.ReadFile(p.log)
	return string(b[max(0, len(b)-2000):])
}

// stop interrupts the server and kills it if it has not exited after 10 s.
func (p *process) stop() {
	if p.cmd.Process == nil {
		return
	}
	_ = p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
	p.cmd.Process = nil
}

// environ returns the environment without variables starting with any of
// the prefixes.
func environ(prefixes ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !slices.ContainsFunc(prefixes, func(p string) bool { return strings.HasPrefix(kv, p) }) {
			env = append(env, kv)
		}
	}
	return env
}

func startFeatureserv(ctx context.Context, bin, assets string, pg *postgres, conns int, dir string) (*process, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	host, port, _ := net.SplitHostPort(addr)
	conf := fmt.Sprintf(`[Server]
HttpHost = %q
HttpPort = %s
AssetsPath = %q
WriteTimeoutSec = 120

[Database]
DbConnection = %q
DbPoolMaxConns = %d
TableIncludes = ["public.incidents"]

[Paging]
LimitDefault = 100
LimitMax = 10000
`, host, port, assets, pg.url(), conns)
	confPath := filepath.Join(dir, "pg_featureserv.toml")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "--config", confPath)
	cmd.Dir = dir
	cmd.Env = environ("DATABASE_URL=", "PGFS_")
	logf("starting pg_featureserv on %s", addr)
	return startProcess(ctx, "pg_featureserv", "http://"+addr, "/collections/public.incidents", dir, cmd)
}

func startMapd(ctx context.Context, name, bin, db, dir string) (*process, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "serve", "--db", db, "--addr", addr, "--writes-per-minute", "-1", "--log-format", "json")
	cmd.Env = environ("MAPD_")
	logf("starting %s serve --db %s on %s", bin, db, addr)
	return startProcess(ctx, name, "http://"+addr, "/healthz", dir, cmd)
}

// waitIndex waits until a mapd server logs that its in-memory index is
// built, so that what is measured is the index's answers.
func (p *process) waitIndex(ctx context.Context) error {
	deadline := time.Now().Add(5 * time.Minute)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		b, _ := os.ReadFile(p.log)
		if bytes.Contains(b, []byte(`"msg":"index built"`)) {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("%s did not build its index in 5 minutes\n%s", p.name, p.tail())
}

// numberMatched returns numberMatched of a mapd page.
func numberMatched(ctx context.Context, url string) (int, error) {
	body, _, err := get(ctx, http.DefaultClient, url)
	if err != nil {
		return 0, err
	}
	var page struct {
		NumberMatched *int `json:"numberMatched"`
	}
	if err := json.Unmarshal(body, &page); err != nil || page.NumberMatched == nil {
		return 0, fmt.Errorf("GET %s: no numberMatched in the answer", url)
	}
	return *page.NumberMatched, nil
}

// --- pages ----------------------------------------------------------------

// centres are the twelve busiest towns of the bench generator, where make
// bench centres its bbox pages too.
var centres = [][2]float64{
	{37.1612, 36.2021}, // Aleppo
	{36.2765, 33.5138}, // Damascus
	{44.3661, 33.3152}, // Baghdad
	{43.1189, 36.3400}, // Mosul
	{36.7237, 34.7308}, // Homs
	{36.6339, 35.9306}, // Idlib
	{39.0079, 35.9528}, // Raqqa
	{40.1408, 35.3359}, // Deir ez-Zor
	{36.7578, 35.1318}, // Hama
	{36.1062, 32.6189}, // Daraa
	{43.7843, 33.3494}, // Fallujah
	{43.3058, 33.4206}, // Ramadi
}

// box is minLon, minLat, maxLon, maxLat.
type box [4]float64

// String formats the box as a bbox parameter (and as SQL values).
func (b box) String() string {
	return fmt.Sprintf("%.4f,%.4f,%.4f,%.4f", b[0], b[1], b[2], b[3])
}

// boxes returns n boxes of half-size half around the centres, each moved
// by up to half/2 so that no two requests are quite alike.
func boxes(r *rand.Rand, half float64, n int) []box {
	bs := make([]box, n)
	for i := range bs {
		c := centres[r.IntN(len(centres))]
		lon := c[0] + (r.Float64()-0.5)*half
		lat := c[1] + (r.Float64()-0.5)*half
		bs[i] = box{lon - half, lat - half, lon + half, lat + half}
	}
	return bs
}

// pageKind is one kind of bbox page: its boxes and how many incidents
// each box holds.
type pageKind struct {
	name  string
	half  float64
	limit int
	boxes []box
	inBox []int
}

// expected is the number of features a page of box i must hold.
func (k pageKind) expected(i int) int { return min(k.limit, k.inBox[i]) }

// target is one server endpoint answering bbox pages.
type target struct {
	name   string
	mapd   bool
	sorted bool // newest first
	items  func(b box, limit int) string
}

// --- checking ---------------------------------------------------------------

// feature is what the checks read of a GeoJSON feature.
type feature struct {
	ID         json.RawMessage `json:"id"`
	Properties struct {
		Date string `json:"date"`
	} `json:"properties"`
}

// verify fetches every page of k once from every target (which also warms
// their caches) and returns a note for each kind of disagreement: a
// feature count other than min(limit, incidents in the box), a
// numberReturned that is not the count, different dates between the
// newest-first targets, or different ids where the box fits in one page.
func verify(ctx context.Context, k pageKind, targets []target) []string {
	type page struct {
		ids   []string
		dates []string
		err   error
	}
	pages := make([][]page, len(targets))
	for t, tg := range targets {
		pages[t] = make([]page, len(k.boxes))
		for i, b := range k.boxes {
			p := &pages[t][i]
			body, status, err := get(ctx, http.DefaultClient, tg.items(b, k.limit))
			if err == nil && status != http.StatusOK {
				err = fmt.Errorf("status %d: %.200s", status, body)
			}
			var fc struct {
				Features       []feature `json:"features"`
				NumberReturned *int      `json:"numberReturned"`
			}
			if err == nil {
				err = json.Unmarshal(body, &fc)
			}
			if err == nil && (fc.NumberReturned == nil || *fc.NumberReturned != len(fc.Features)) {
				err = fmt.Errorf("numberReturned %v for %d features", fc.NumberReturned, len(fc.Features))
			}
			if err == nil && len(fc.Features) != k.expected(i) {
				err = fmt.Errorf("%d features, want %d (the box holds %d)", len(fc.Features), k.expected(i), k.inBox[i])
			}
			for _, f := range fc.Features {
				p.ids = append(p.ids, strings.Trim(string(f.ID), `"`))
				p.dates = append(p.dates, f.Properties.Date)
			}
			slices.Sort(p.ids)
			slices.Sort(p.dates)
			p.err = err
		}
	}
	var notes []string
	for t, tg := range targets {
		bad, example := 0, ""
		for i := range k.boxes {
			if err := pages[t][i].err; err != nil {
				if bad == 0 {
					example = fmt.Sprintf("bbox=%s: %v", k.boxes[i], err)
				}
				bad++
			}
		}
		if bad > 0 {
			notes = append(notes, fmt.Sprintf("%s, %s: %d of %d pages wrong, e.g. %s", k.name, tg.name, bad, len(k.boxes), example))
		}
	}
	// Compare every target with the first sorted one (dates) and with the
	// first one (ids of boxes that fit in a page).
	ref := slices.IndexFunc(targets, func(t target) bool { return t.sorted })
	for t, tg := range targets {
		dateDiff, idDiff, example := 0, 0, ""
		for i, b := range k.boxes {
			if pages[t][i].err != nil {
				continue
			}
			if tg.sorted && t != ref && pages[ref][i].err == nil && !slices.Equal(pages[t][i].dates, pages[ref][i].dates) {
				dateDiff++
				example = cmpOr(example, "bbox="+b.String())
			}
			if t > 0 && k.inBox[i] <= k.limit && pages[0][i].err == nil && !slices.Equal(pages[t][i].ids, pages[0][i].ids) {
				idDiff++
				example = cmpOr(example, "bbox="+b.String())
			}
		}
		if dateDiff > 0 {
			notes = append(notes, fmt.Sprintf("%s, %s: the dates of %d pages differ from %s's, e.g. %s", k.name, tg.name, dateDiff, targets[ref].name, example))
		}
		if idDiff > 0 {
			notes = append(notes, fmt.Sprintf("%s, %s: %d whole boxes hold other ids than in %s, e.g. %s", k.name, tg.name, idDiff, targets[0].name, example))
		}
	}
	return notes
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// get fetches url with Accept-Encoding: gzip and returns the decompressed
// body and the status.
func get(ctx context.Context, client *http.Client, url string) ([]byte, int, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set("Accept", "application/geo+json")
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := client.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	var body io.Reader = resp.Body
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			return nil, resp.StatusCode, err
		}
		body = zr
	}
	b, err := io.ReadAll(body)
	return b, resp.StatusCode, err
}

// --- measuring ------------------------------------------------------------

// key names one measurement cell: page kind, client count, target.
type key struct{ kind, clients, target int }

// cell gathers the rounds of one measurement.
type cell struct {
	lat      []time.Duration // every request of every round
	rates    []float64       // features/s of each round
	features int64
	requests int
	failed   map[string]int // wrong status or feature count, by kind
}

// measure runs rounds × kinds × client counts × targets; within a round
// and a (kind, clients) pair, the targets take turns in an order that
// rotates from round to round, so that a slow patch of the shared machine
// does not fall on one server only.
func measure(ctx context.Context, kinds []pageKind, targets []target, clients []int, rounds int) map[key]*cell {
	cells := map[key]*cell{}
	httpClients := map[int]*http.Client{}
	for _, c := range clients {
		tr := &http.Transport{MaxIdleConns: 4 * c, MaxIdleConnsPerHost: 4 * c, DisableCompression: true, IdleConnTimeout: time.Minute}
		httpClients[c] = &http.Client{Transport: tr, Timeout: 2 * time.Minute}
	}
	for round := range rounds {
		for ki, k := range kinds {
			for ci, c := range clients {
				for j := range targets {
					ti := (j + round) % len(targets)
					if ctx.Err() != nil {
						return cells
					}
					urls := make([]string, len(k.boxes))
					for i, b := range k.boxes {
						urls[i] = targets[ti].items(b, k.limit)
					}
					cl := cells[key{ki, ci, ti}]
					if cl == nil {
						cl = &cell{failed: map[string]int{}}
						cells[key{ki, ci, ti}] = cl
					}
					load(ctx, httpClients[c], c, urls, func(i int) int { return k.expected(i) }, cl)
				}
				logf("round %d/%d: %s, %d clients", round+1, rounds, k.name, c)
			}
		}
	}
	return cells
}

// load requests every URL once over workers concurrent keep-alive clients
// and adds latencies, features and failures to cl; want(i) is the number
// of features the page of URL i must hold.
func load(ctx context.Context, client *http.Client, workers int, urls []string, want func(int) int, cl *cell) {
	var mu sync.Mutex
	var next atomic.Int64
	var features int64
	var wg sync.WaitGroup
	t0 := time.Now()
	for range min(workers, len(urls)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(urls) || ctx.Err() != nil {
					return
				}
				t := time.Now()
				body, status, err := get(ctx, client, urls[i])
				d := time.Since(t)
				n := stat.NumberReturned(body)
				mu.Lock()
				cl.lat = append(cl.lat, d)
				cl.requests++
				switch {
				case err != nil:
					cl.failed[err.Error()]++
				case status != http.StatusOK:
					cl.failed[fmt.Sprintf("status %d", status)]++
				case n != want(i):
					cl.failed["wrong feature count"]++
				default:
					features += int64(n)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(t0)
	cl.features += features
	cl.rates = append(cl.rates, float64(features)/elapsed.Seconds())
}

// --- report -----------------------------------------------------------------

type environment struct {
	incidents             int
	postgres, gdal, pgfs  string
	loadBefore, loadAfter string
	total                 time.Duration
	// ogrTook is ogr2ogr's load of the GeoJSON into PostGIS (PG_USE_COPY),
	// importTook mapd import's of the NDJSON into an empty database.
	ogrTook, importTook time.Duration
}

func medianRate(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func ms(d time.Duration) string {
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}

func render(o options, env environment, kinds []pageKind, targets []target, clients []int, cells map[key]*cell, notes []string) string {
	var b strings.Builder
	b.WriteString("# mapd against pg_featureserv on PostGIS\n\n")
	fmt.Fprintf(&b, "`go run ./bench/pgref` (make bench-pg) on %s, %d incidents, %d CPUs, %s %s/%s; %s; %s; %s. "+
		"%d rounds of %d requests per server, page kind and client count; load average %s before the measurements and %s after (other work shared the 2 cores); total %s.\n\n",
		time.Now().UTC().Format("2006-01-02 15:04 UTC"), env.incidents, runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH,
		env.postgres, env.pgfs, env.gdal, o.rounds, o.requests, env.loadBefore, env.loadAfter, env.total.Round(time.Second))
	b.WriteString("| pages | clients | server | requests | p50 | p99 | features/s (median of rounds) | × pg_featureserv | × pg_featureserv sortby=-date |\n")
	b.WriteString("|---|---:|---|---:|---:|---:|---:|---:|---:|\n")
	for ki, k := range kinds {
		for ci, c := range clients {
			base := medianRate(cells[key{ki, ci, 0}].rates)
			sorted := medianRate(cells[key{ki, ci, 1}].rates)
			for ti, t := range targets {
				cl := cells[key{ki, ci, ti}]
				if cl == nil {
					continue
				}
				p50, p99 := stat.Percentiles(cl.lat)
				rate := medianRate(cl.rates)
				ratio := func(ref float64) string {
					if ref == 0 {
						return "–"
					}
					return fmt.Sprintf("%.2f", rate/ref)
				}
				fmt.Fprintf(&b, "| %s | %d | %s | %d | %s | %s | %.0f | %s | %s |\n",
					k.name, c, t.name, cl.requests, ms(p50), ms(p99), rate, ratio(base), ratio(sorted))
				for what, n := range cl.failed {
					notes = append(notes, fmt.Sprintf("%s, %d clients, %s: %d requests failed: %s", k.name, c, t.name, n, what))
				}
			}
		}
	}
	b.WriteString("\n")
	for _, k := range kinds {
		in := slices.Clone(k.inBox)
		slices.Sort(in)
		fmt.Fprintf(&b, "%s: %d boxes around the twelve busiest towns of the generator, holding %d to %d incidents (median %d).\n",
			k.name, len(k.boxes), in[0], in[len(in)-1], in[len(in)/2])
	}
	pgSettings := "jit and parallel query off (they cost short queries 10-250 ms each)"
	if o.pgStock {
		pgSettings = "jit and parallel query as PostgreSQL ships them (-pg-stock)"
	}
	b.WriteString("\npg_featureserv serves /collections/public.incidents/items?bbox=...&limit=... from a table loaded with ogr2ogr from `mapd export --format geojson` " +
		"(mapd's ids as primary key, GIST index on the point, VACUUM ANALYZE; shared_buffers 256MB, " + pgSettings + "; pool of " + strconv.Itoa(o.pgfsConns) + " connections). " +
		"Without sortby it returns the first features the index yields; mapd always returns the newest first (date, then id), as does pg_featureserv with sortby=-date (ties in any order). " +
		"mapd serve runs with its defaults. Every request sends Accept-Encoding: gzip and both servers compress. " +
		"Latencies are client-side (request sent to body read and decompressed) and include queueing on the 2 cores that the servers, PostgreSQL and this client share. " +
		"features/s is the median over rounds of the features received divided by the wall time of the round; the ratios divide it by pg_featureserv's for the same pages and clients.\n")
	b.WriteString("\nChecks (every box once on every server before the rounds: feature count = min(limit, incidents in the box by PostGIS), numberReturned, dates of newest-first pages, ids of boxes that fit in one page): ")
	if len(notes) == 0 {
		b.WriteString("all passed.\n")
	} else {
		b.WriteString("\n\n")
		for _, n := range notes {
			fmt.Fprintf(&b, "- %s\n", n)
		}
	}
	return b.String()
}
