package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// proc is the outcome of a command run to completion.
type proc struct {
	wall    time.Duration
	cpu     time.Duration // user and system time
	peakRSS int64         // bytes; 0 when unknown
	code    int           // exit status; -1 when killed by a signal
	stdout  []byte
	stderr  []byte
}

// runCommand runs name with args as a user would from a shell, without a
// terminal (so no progress bar), and measures its wall time and peak
// resident set size. An exit status other than 0 is not an error; failing
// to start is.
func runCommand(ctx context.Context, name string, args ...string) (proc, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = cleanEnv()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	t0 := time.Now()
	err := cmd.Run()
	p := proc{wall: time.Since(t0), stdout: stdout.Bytes(), stderr: stderr.Bytes()}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		return p, fmt.Errorf("%s: %w", name, err)
	}
	p.code = cmd.ProcessState.ExitCode()
	p.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		p.peakRSS = ru.Maxrss << 10 // KiB on Linux
	}
	return p, nil
}

// cleanEnv is this process's environment without MAPD_* variables, so that
// only the flags given configure mapd.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MAPD_") {
			env = append(env, kv)
		}
	}
	return env
}

// tail returns the last few hundred bytes of b on one line, for notes.
func tail(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 300 {
		s = "…" + s[len(s)-300:]
	}
	return strings.Join(strings.Fields(s), " ")
}

// importResult is the part of mapd's import result object the bench reads.
type importResult struct {
	Received int `json:"received"`
	Inserted int `json:"inserted"`
	Updated  int `json:"updated"`
	Rejected int `json:"rejected"`
	Errors   []struct {
		Index int    `json:"index"`
		Field string `json:"field"`
		Error string `json:"error"`
	} `json:"errors"`
}

// mapdImport runs "mapd import --db db --json file" and decodes the
// result object it prints.
func mapdImport(ctx context.Context, bin, db, file string) (proc, importResult, error) {
	logf("%s import --db %s --json %s", bin, db, file)
	p, err := runCommand(ctx, bin, "import", "--db", db, "--json", file)
	if err != nil {
		return p, importResult{}, err
	}
	var res importResult
	if p.code > 1 {
		return p, res, fmt.Errorf("mapd import exited with %d: %s", p.code, tail(p.stderr))
	}
	if err := json.Unmarshal(p.stdout, &res); err != nil {
		return p, res, fmt.Errorf("mapd import --json printed no result object (%v): %s", err, tail(p.stderr))
	}
	return p, res, nil
}

// importRow measures the import of the n incidents with coordinates in
// file into the empty database db, and returns the rate in records/s.
func importRow(ctx context.Context, bin, db, file string, n int) (row, float64, error) {
	return importRowAs(ctx, bin, db, file, n, "`mapd import`, NDJSON with coordinates, empty database")
}

// importRowAs is importRow with the row's description what.
func importRowAs(ctx context.Context, bin, db, file string, n int, what string) (row, float64, error) {
	p, res, err := mapdImport(ctx, bin, db, file)
	if err != nil {
		return row{}, 0, err
	}
	if res.Inserted != n {
		return row{}, 0, fmt.Errorf("mapd import: %d inserted, want %d (rejected %d; first errors %+v)",
			res.Inserted, n, res.Rejected, res.Errors[:min(3, len(res.Errors))])
	}
	rate := float64(res.Inserted) / p.wall.Seconds()
	note := fmt.Sprintf("%.1f s wall, %.1f s CPU, %d inserted", p.wall.Seconds(), p.cpu.Seconds(), res.Inserted)
	if fi, err := os.Stat(db); err == nil {
		note += fmt.Sprintf("; database %s", megabytes(fi.Size()))
	}
	return row{
		what:   what,
		n:      res.Inserted,
		rate:   fmt.Sprintf("%s records/s", thousands(rate)),
		bytes:  "peak RSS " + megabytes(p.peakRSS),
		target: verdict(rate >= 150_000 && p.peakRSS <= 300e6, "≥ 150,000/s, RSS ≤ 300 MB"),
		note:   note,
	}, rate, nil
}

// writeCollection writes the Features of the GeoJSONSeq file seq (one per
// line) as one GeoJSON FeatureCollection to path, as QGIS or ogr2ogr
// would export them.
func writeCollection(seq, path string) error {
	in, err := os.Open(seq)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(out, 1<<20)
	w.WriteString(`{"type":"FeatureCollection","name":"incidents","features":[` + "\n")
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	first := true
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		if !first {
			w.WriteString(",\n")
		}
		first = false
		w.Write(line)
	}
	if err := sc.Err(); err != nil {
		out.Close()
		return err
	}
	w.WriteString("\n]}\n")
	if err := w.Flush(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// placesRow measures the import of a file of place names only into the
// empty database db, then exports it to count how many records landed
// within 15 km of the town they were written for.
func placesRow(ctx context.Context, bin, db, file string, want []*town, invented int) (row, error) {
	p, res, err := mapdImport(ctx, bin, db, file)
	if err != nil {
		return row{}, err
	}
	stored := res.Inserted + res.Updated
	rate := float64(res.Received) / p.wall.Seconds()
	r := row{
		what:   "`mapd import`, NDJSON with place names only, empty database",
		n:      res.Received,
		rate:   fmt.Sprintf("%s records/s", thousands(rate)),
		bytes:  "peak RSS " + megabytes(p.peakRSS),
		target: verdict(rate >= 50_000, "≥ 50,000/s"),
		note: fmt.Sprintf("%.1f s wall, %.1f s CPU (gazetteer load included); %d resolved, %d rejected (%d names invented on purpose)",
			p.wall.Seconds(), p.cpu.Seconds(), stored, res.Rejected, invented),
	}
	if len(res.Errors) > 0 {
		r.note += fmt.Sprintf("; first rejection: %s: %s", res.Errors[0].Field, res.Errors[0].Error)
	}
	near, far, err := placesNearTowns(ctx, bin, db, want)
	if err != nil {
		r.note += "; checking the coordinates failed: " + err.Error()
		return r, nil
	}
	r.note += fmt.Sprintf("; %d of the resolved within 15 km of the intended town, %d farther", near, far)
	return r, nil
}

// placesNearTowns exports the resolved place records of db as NDJSON and
// counts those within 15 km of the town they were written for.
func placesNearTowns(ctx context.Context, bin, db string, want []*town) (near, far int, err error) {
	p, err := runCommand(ctx, bin, "export", "--db", db, "--format", "ndjson")
	if err != nil {
		return 0, 0, err
	}
	if p.code != 0 {
		return 0, 0, fmt.Errorf("mapd export exited with %d: %s", p.code, tail(p.stderr))
	}
	dec := json.NewDecoder(bytes.NewReader(p.stdout))
	for {
		var in struct {
			SourceID string  `json:"source_id"`
			Lat      float64 `json:"lat"`
			Lon      float64 `json:"lon"`
		}
		if err := dec.Decode(&in); err == io.EOF {
			break
		} else if err != nil {
			return near, far, err
		}
		var i int
		if _, err := fmt.Sscanf(in.SourceID, "place-%d", &i); err != nil || i < 0 || i >= len(want) || want[i] == nil {
			far++
			continue
		}
		if distanceKm(in.Lat, in.Lon, want[i].lat, want[i].lon) <= 15 {
			near++
		} else {
			far++
		}
	}
	return near, far, nil
}

// distanceKm is the great-circle distance between two points.
func distanceKm(lat1, lon1, lat2, lon2 float64) float64 {
	const rad = math.Pi / 180
	dlat, dlon := (lat2-lat1)*rad, (lon2-lon1)*rad
	a := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dlon/2)*math.Sin(dlon/2)
	return 2 * 6371 * math.Asin(math.Sqrt(a))
}

// exportRows runs "mapd export" of the whole database db into dir once per
// format, and checks the number of features written.
func exportRows(ctx context.Context, bin, db, dir string, n int) []row {
	var rows []row
	for _, format := range []string{"geojson", "ndjson", "csv"} {
		out := filepath.Join(dir, "export."+format)
		logf("%s export --db %s --format %s -o %s", bin, db, format, out)
		p, err := runCommand(ctx, bin, "export", "--db", db, "--format", format, "-o", out)
		r := row{what: "`mapd export --format " + format + " -o FILE`", n: n}
		if format == "geojson" {
			r.target = "≥ 300,000 features/s"
		}
		switch {
		case err != nil:
			r.note = "failed: " + err.Error()
		case p.code != 0:
			r.note = fmt.Sprintf("failed: exit %d: %s", p.code, tail(p.stderr))
		default:
			count, size, err := countFile(out, format)
			os.Remove(out)
			if err != nil {
				r.note = "reading the output failed: " + err.Error()
				break
			}
			rate := float64(count) / p.wall.Seconds()
			r.rate = fmt.Sprintf("%s features/s", thousands(rate))
			r.bytes = megabytes(size) + " file"
			r.note = fmt.Sprintf("%.1f s wall, %.1f s CPU; peak RSS %s", p.wall.Seconds(), p.cpu.Seconds(), megabytes(p.peakRSS))
			if count != n {
				r.note += fmt.Sprintf("; %d features in the file, want %d", count, n)
			}
			if format == "geojson" {
				r.target = verdict(rate >= 300_000, r.target)
			}
		}
		rows = append(rows, r)
	}
	return rows
}

// countFile counts the incidents in an export file and returns its size.
func countFile(path, format string) (int, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	c := &recordCounter{format: format}
	size, err := io.Copy(c, f)
	return c.count(), size, err
}

// recordCounter counts the records of an export stream written to it
// without decoding it: mapd writes each GeoJSON Feature on a line of its
// own ("\n{"), each NDJSON incident and each CSV row on one line (the
// first CSV line is the header).
type recordCounter struct {
	format string
	lines  int
	starts int  // lines starting with '{'
	prev   byte // last byte written
}

func (c *recordCounter) Write(p []byte) (int, error) {
	for i, b := range p {
		if b == '\n' {
			c.lines++
			if i+1 < len(p) && p[i+1] == '{' {
				c.starts++
			}
		}
	}
	if len(p) > 0 && c.prev == '\n' && p[0] == '{' {
		c.starts++
	}
	if len(p) > 0 {
		c.prev = p[len(p)-1]
	}
	return len(p), nil
}

func (c *recordCounter) count() int {
	switch c.format {
	case "geojson":
		return c.starts
	case "csv":
		return max(0, c.lines-1)
	}
	return c.lines
}

// ogrInput is a file ogr2ogr reads, with the open options it needs.
type ogrInput struct {
	format string // as shown in the table
	path   string
	args   []string
}

// ogrRow loads in.path into a new GeoPackage with GDAL's ogr2ogr as a
// reference for the import rate and the database size, and returns the
// rate and the GeoPackage's size; or it says why it could not.
func ogrRow(ctx context.Context, dir string, in ogrInput, n int) (row, float64, int64) {
	r := row{what: "reference: `ogr2ogr -f GPKG` from " + in.format + " (same records)"}
	bin, err := exec.LookPath("ogr2ogr")
	if err != nil {
		r.note = "ogr2ogr is not installed (apt-get install gdal-bin): skipped"
		return r, 0, 0
	}
	out := filepath.Join(dir, "ogr.gpkg")
	args := append([]string{"-f", "GPKG", out, in.path}, in.args...)
	logf("%s %s", bin, strings.Join(args, " "))
	p, err := runCommand(ctx, bin, args...)
	defer os.Remove(out)
	switch {
	case err != nil:
		r.note = "failed: " + err.Error()
		return r, 0, 0
	case p.code != 0:
		r.note = fmt.Sprintf("failed: exit %d: %s", p.code, tail(p.stderr))
		return r, 0, 0
	}
	rate := float64(n) / p.wall.Seconds()
	r.n = n
	r.rate = fmt.Sprintf("%s records/s", thousands(rate))
	r.bytes = "peak RSS " + megabytes(p.peakRSS)
	r.note = fmt.Sprintf("%.1f s wall, %.1f s CPU", p.wall.Seconds(), p.cpu.Seconds())
	if len(in.args) > 0 {
		r.note += "; " + strings.Join(in.args, " ")
	}
	var size int64
	if fi, err := os.Stat(out); err == nil {
		size = fi.Size()
		r.note += "; GeoPackage " + megabytes(size)
	}
	if v, err := exec.CommandContext(ctx, bin, "--version").Output(); err == nil {
		r.note += "; " + strings.TrimSpace(string(v))
	}
	return r, rate, size
}

// megabytes formats a byte count in MB (10^6 bytes), the unit of the
// targets.
func megabytes(n int64) string {
	return fmt.Sprintf("%.0f MB", float64(n)/1e6)
}

// thousands formats x rounded to an integer with comma separators.
func thousands(x float64) string {
	s := fmt.Sprintf("%.0f", x)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 && s[i-1] != '-' {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// verdict appends "met" or "missed" to a target.
func verdict(ok bool, target string) string {
	if ok {
		return target + ": met"
	}
	return target + ": **missed**"
}
