// Command bench measures mapd with a million incidents the way a user
// meets it. It generates seeded, reproducible incidents clustered around
// real towns of Syria and Iraq and writes them to files; it then runs the
// real mapd binary as a user would: "mapd import" of the NDJSON file into
// an empty database and of a file of place names only, "mapd export" in
// each format, and "mapd serve" on loopback driven by concurrent and
// single keep-alive clients (pages, vector tiles, the export endpoint). It
// loads the same incidents with GDAL's ogr2ogr as a reference, when
// installed, and prints one markdown table, also written to
// bench/results.md.
//
//	go run ./bench            # 1,000,000 incidents
//	go run ./bench -quick     # 50,000 incidents, a smoke test
package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

type options struct {
	n       int
	places  int
	seed    uint64
	quick   bool
	workers int
	out     string
	bin     string
	build   bool
	keep    bool
	data    string
	gen     string
}

func main() {
	var o options
	flag.IntVar(&o.n, "n", 1_000_000, "number of incidents with coordinates to generate, import and export")
	flag.IntVar(&o.places, "places", 0, "number of incidents with place names only to import (default: n/10)")
	flag.Uint64Var(&o.seed, "seed", 1, "random seed; the same seed generates the same incidents")
	flag.BoolVar(&o.quick, "quick", false, "smoke run: 50,000 incidents and fewer requests")
	flag.IntVar(&o.workers, "workers", 16, "concurrent HTTP clients")
	flag.StringVar(&o.out, "o", "bench/results.md", "markdown file the table is written to (\"\" for none)")
	flag.StringVar(&o.bin, "bin", "bin/mapd", "mapd binary to run")
	flag.BoolVar(&o.build, "build", true, "build the binary with go build -o BIN ./cmd/mapd first")
	flag.BoolVar(&o.keep, "keep", false, "keep the generated files and databases")
	flag.StringVar(&o.gen, "gen", "", "only write the -n incidents as mapd NDJSON to this file and exit (the data of make bench-map-1m)")
	flag.StringVar(&o.data, "data", spreadData, "dataset: spread (70% around 20 towns, 30% evenly over Syria and Iraq, 2011-2024) or towns (all around 30 towns, 2012-2023)")
	flag.Parse()
	if o.quick && !isFlagSet("n") {
		o.n = 50_000
	}
	if o.places <= 0 {
		o.places = max(1, o.n/10)
	}
	if o.gen != "" {
		if err := writeNDJSON(o.gen, o.n, o.seed, o.data); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		return
	}
	ctx := context.Background()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func isFlagSet(name string) bool {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// importRounds is how many times make bench runs each import and the
// JSON reference, alternating; the rows give the median.
const importRounds = 3

// rated is a command's row and its rate.
type rated struct {
	r    row
	rate float64
}

// medianRun returns the run of median rate (the lower middle one of an
// even number), with the rates of all runs in its note.
func medianRun(runs []rated) (row, float64) {
	sorted := slices.Clone(runs)
	slices.SortFunc(sorted, func(a, b rated) int { return cmp.Compare(a.rate, b.rate) })
	m := sorted[(len(sorted)-1)/2]
	if len(runs) > 1 {
		var rates []string
		for _, r := range runs {
			rates = append(rates, thousands(r.rate))
		}
		m.r.note = fmt.Sprintf("median of %d alternating runs (%s records/s); %s", len(runs), strings.Join(rates, ", "), m.r.note)
	}
	return m.r, m.rate
}

// removeDB removes an SQLite database and its WAL files.
func removeDB(path string) {
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(path + suffix)
	}
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

// row is one line of the results table.
type row struct {
	what     string
	clients  int           // concurrent HTTP clients; 0 when not HTTP
	n        int           // requests or records measured
	p50, p99 time.Duration // zero when not a latency
	rate     string        // throughput
	bytes    string
	target   string // the target and whether it was met
	note     string
}

func run(ctx context.Context, o options) error {
	start := time.Now()
	loadStart := loadAverage()
	dir, err := os.MkdirTemp("", "mapd-bench-")
	if err != nil {
		return err
	}
	if o.keep {
		logf("files kept in %s", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	var rows []row

	if o.build {
		logf("building %s", o.bin)
		cmd := exec.CommandContext(ctx, "go", "build", "-o", o.bin, "./cmd/mapd")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("go build ./cmd/mapd: %w", err)
		}
	}
	bin, err := filepath.Abs(o.bin)
	if err != nil {
		return err
	}

	// The input files; writing them is not timed.
	ndjson := filepath.Join(dir, "incidents.ndjson")
	seq := filepath.Join(dir, "incidents.geojsonl")
	csvFile := filepath.Join(dir, "incidents.csv")
	placesFile := filepath.Join(dir, "places.ndjson")
	logf("writing %d incidents (%s data) to %s, %s and %s (seed %d)", o.n, o.data, ndjson, seq, csvFile, o.seed)
	if o.data != spreadData && o.data != townsData {
		return fmt.Errorf("-data %q: want %s or %s", o.data, spreadData, townsData)
	}
	if err := writeIncidents(ndjson, seq, csvFile, o.n, o.seed, o.data); err != nil {
		return err
	}
	logf("writing %d incidents with place names only to %s", o.places, placesFile)
	want, invented, err := writePlaces(placesFile, o.places, o.seed)
	if err != nil {
		return err
	}

	// Imports through the binary into empty databases: the NDJSON file and
	// the same records as one GeoJSON FeatureCollection (what QGIS and
	// ogr2ogr export), alternating, importRounds times each; each row is
	// the run of median rate. The last NDJSON database is the one the
	// exports and the server read.
	dbPath := filepath.Join(dir, "bench.db")
	collection := filepath.Join(dir, "incidents.geojson")
	if err := writeCollection(seq, collection); err != nil {
		return err
	}
	gjDB := filepath.Join(dir, "geojson.db")
	rounds := importRounds
	if o.quick {
		rounds = 1
	}
	var imps, gjs []rated
	for range rounds {
		removeDB(dbPath)
		imp, rate, err := importRow(ctx, bin, dbPath, ndjson, o.n)
		if err != nil {
			return err
		}
		imps = append(imps, rated{imp, rate})
		removeDB(gjDB)
		gj, rate, err := importRowAs(ctx, bin, gjDB, collection, o.n, "`mapd import`, GeoJSON FeatureCollection with coordinates, empty database")
		if err != nil {
			return err
		}
		gjs = append(gjs, rated{gj, rate})
	}
	imp, impRate := medianRun(imps)
	if fi, err := os.Stat(ndjson); err == nil {
		imp.note += "; input " + megabytes(fi.Size())
	}
	rows = append(rows, imp)
	gj, gjRate := medianRun(gjs)
	gj.target = verdict(impRate/gjRate <= 1.2, "time ≤ 1.2× NDJSON's")
	gj.note = fmt.Sprintf("time %.2f× NDJSON's; %s", impRate/gjRate, gj.note)
	rows = append(rows, gj)
	if !o.keep {
		os.Remove(collection)
		removeDB(gjDB)
	}
	pl, err := placesRow(ctx, bin, filepath.Join(dir, "places.db"), placesFile, want, invented)
	if err != nil {
		return err
	}
	rows = append(rows, pl)

	// The reference: the same records into a GeoPackage with ogr2ogr,
	// from line-delimited GeoJSON (JSON like mapd's input) and from CSV
	// (GDAL's quickest reader).
	for _, in := range []ogrInput{
		{format: "GeoJSONSeq", path: seq},
		{format: "CSV", path: csvFile, args: []string{"-oo", "X_POSSIBLE_NAMES=lon", "-oo", "Y_POSSIBLE_NAMES=lat",
			"-oo", "AUTODETECT_TYPE=YES", "-a_srs", "EPSG:4326"}},
	} {
		// The JSON reference, which the targets compare with, runs as
		// many times as mapd's imports, and its row is the median's.
		var runs []rated
		var gpkgSize int64
		times := 1
		if in.format == "GeoJSONSeq" {
			times = rounds
		}
		for range times {
			r, rate, size := ogrRow(ctx, dir, in, o.n)
			runs, gpkgSize = append(runs, rated{r, rate}), size
			if rate == 0 {
				break // not installed, or failed
			}
		}
		ogr, ogrRate := medianRun(runs)
		if ogrRate > 0 {
			ogr.note = fmt.Sprintf("mapd's import rate is %.2f× this (from the FeatureCollection %.2f×); %s", impRate/ogrRate, gjRate/ogrRate, ogr.note)
		}
		if fi, err := os.Stat(dbPath); err == nil && gpkgSize > 0 && in.format == "GeoJSONSeq" {
			// The targets: an import at least twice as fast as
			// ogr2ogr's of the same JSON, a database at most 1.5 times
			// the GeoPackage.
			sizeRatio := float64(fi.Size()) / float64(gpkgSize)
			ogr.target = verdict(impRate >= 2*ogrRate && sizeRatio <= 1.5, "mapd import ≥ 2× this, database ≤ 1.5× this GeoPackage")
			ogr.note = fmt.Sprintf("mapd's database is %.2f× this GeoPackage; %s", sizeRatio, ogr.note)
		}
		rows = append(rows, ogr)
	}
	if !o.keep {
		// Free the disk before the exports write as much again.
		os.Remove(ndjson)
		os.Remove(seq)
		os.Remove(csvFile)
	}

	rows = append(rows, exportRows(ctx, bin, dbPath, dir, o.n)...)
	rows = append(rows, benchGazetteer(ctx)...)
	rows = append(rows, benchCQL2Parse()...)

	srv, err := startServer(ctx, bin, dbPath, dir)
	if err != nil {
		return err
	}
	defer srv.stop()
	// The index is built in the background while /healthz already
	// answers; what is measured below is the server with its index.
	took, err := srv.waitIndex(ctx, 2*time.Minute)
	if err != nil {
		return err
	}
	rows = append(rows, row{what: "index build at `mapd serve` start (background; the gazetteer loads on first use)", n: o.n,
		p50: took, target: verdict(o.n < 1_000_000 || took <= 1500*time.Millisecond, "≤ 1.5 s at 1M"),
		note: "from the server's \"index built\" log line"})
	httpRows, err := benchHTTP(ctx, srv, o)
	if err != nil {
		return err
	}
	rows = append(rows, httpRows...)
	rss, err := srv.peakRSS()
	if err != nil {
		return err
	}
	rows = append(rows, row{what: "server peak RSS (VmHWM)", bytes: megabytes(rss),
		target: verdict(rss <= 400e6, "≤ 400 MB"), note: "after every HTTP measurement above; the gazetteer is loaded by then (the writes' reverse geocoding)"})

	table := render(o, rows, time.Since(start), commit(ctx), loadStart, loadAverage())
	fmt.Print(table)
	if o.out != "" {
		if err := os.WriteFile(o.out, []byte(table), 0o644); err != nil {
			return err
		}
		logf("wrote %s", o.out)
	}
	return nil
}

// --- output -------------------------------------------------------------

// commit describes the checked-out commit of the working directory, or
// returns "" outside a git checkout.
func commit(ctx context.Context) string {
	out, err := exec.CommandContext(ctx, "git", "describe", "--always", "--dirty").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// loadAverage returns the one-minute load average of the machine, or "?".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	first, _, _ := strings.Cut(string(b), " ")
	return first
}

func render(o options, rows []row, total time.Duration, commit, loadStart, loadEnd string) string {
	var b strings.Builder
	cmdline := "go run ./bench"
	if len(os.Args) > 1 {
		cmdline += " " + strings.Join(os.Args[1:], " ")
	}
	fmt.Fprintf(&b, "# mapd benchmark\n\n")
	fmt.Fprintf(&b, "`%s` (make bench) on %s", cmdline, time.Now().UTC().Format("2006-01-02 15:04 UTC"))
	if commit != "" {
		fmt.Fprintf(&b, " at %s", commit)
	}
	fmt.Fprintf(&b, ", %d incidents with coordinates (%s data) and %d with place names only, seed %d, %d CPUs (GOMAXPROCS %d), %s %s/%s; "+
		"total %s; load average %s at the start and %s at the end.\n\n",
		o.n, o.data, o.places, o.seed, runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(), runtime.GOOS, runtime.GOARCH,
		total.Round(time.Second), loadStart, loadEnd)
	b.WriteString("| measurement | clients | n | p50 | p99 | throughput | size | target | notes |\n|---|---:|---:|---:|---:|---:|---:|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", r.what, intOrDash(r.clients), intOrDash(r.n),
			dur(r.p50), dur(r.p99), dash(r.rate), dash(r.bytes), dash(r.target), r.note)
	}
	b.WriteString("\nCommands (`mapd import`, `mapd export`, `ogr2ogr`) run as subprocesses without a terminal; their rate is records over wall time " +
		"including start-up, CPU is the child's user and system time (on a busy machine wall time exceeds it), and their peak RSS is the child's ru_maxrss. The input files are written before and not timed. " +
		"HTTP latencies are client-side (request sent to body read) over loopback with keep-alive; `clients` is how many requests were in flight at once, " +
		"so with several clients they include queueing on the cores that the server and this client share. " +
		"Cold tiles are requested right after a write, which empties the server's tile cache. Sizes of HTTP bodies are medians of the gzip-encoded bodies. " +
		"MB are 10^6 bytes.\n")
	return b.String()
}

func dur(d time.Duration) string {
	switch {
	case d == 0:
		return "–"
	case d < time.Millisecond:
		return fmt.Sprintf("%.1f µs", float64(d)/1e3)
	case d < 10*time.Second:
		return fmt.Sprintf("%.1f ms", float64(d)/1e6)
	}
	return d.Round(100 * time.Millisecond).String()
}

func dash(s string) string { return cmp.Or(s, "–") }

func intOrDash(n int) string {
	if n == 0 {
		return "–"
	}
	return strconv.Itoa(n)
}
