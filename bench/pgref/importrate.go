package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// importColumns are the columns mapd import writes (see
// incidents/postgis/write.go), those the raw COPY reference copies.
const importColumns = "source_id, date, date_precision, event_type, sub_event_type, actor1, actor2, fatalities, injuries, " +
	"place, country, admin1, lat, lon, geo_precision, geonameid, notes, sources, tags, created_at, updated_at, search, changed"

// importRound is one round of -import-only.
type importRound struct {
	mapd, mapdCPU, raw time.Duration
}

// runImportRate measures mapd import of -n generated incidents into an
// empty PostGIS database, a whole run of the command (decoding, checks,
// COPY, the indexes and statistics), against a raw COPY of the same rows
// in the same run: psql's \copy of the rows mapd stored, in COPY's binary
// format, into a table with the same columns and no index, constraint,
// trigger or generated column. Rounds alternate the two.
func runImportRate(ctx context.Context, o options) error {
	pgBin, err := findPGBin(o.pgBin)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "mapd-pgimport-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if o.build {
		logf("building %s", o.bin)
		if err := runCmd(ctx, nil, "go", "build", "-o", o.bin, "./cmd/mapd"); err != nil {
			return fmt.Errorf("go build ./cmd/mapd: %w", err)
		}
	}
	file := filepath.Join(dir, "incidents.ndjson")
	gen := filepath.Join(dir, "benchgen")
	if err := runCmd(ctx, nil, "go", "build", "-o", gen, "./bench"); err != nil {
		return fmt.Errorf("go build ./bench: %w", err)
	}
	logf("writing %d incidents to %s", o.n, file)
	if err := runCmd(ctx, nil, gen, "-n", strconv.Itoa(o.n), "-gen", file); err != nil {
		return fmt.Errorf("bench -gen: %w", err)
	}
	pg, err := startPostgres(ctx, pgBin, filepath.Join(dir, "pg"), o.pgStock)
	if err != nil {
		return err
	}
	defer pg.stop()
	rows := filepath.Join(dir, "rows.bin")
	loadBefore := loadAvg()
	var rounds []importRound
	for r := range o.rounds {
		db := fmt.Sprintf("mapd_%d", r)
		if _, err := pg.psql(ctx, "CREATE DATABASE "+db); err != nil {
			return err
		}
		url := fmt.Sprintf("postgresql://postgres@%s/%s?sslmode=disable", pg.addr, db)
		logf("round %d: mapd import", r+1)
		cmd := exec.CommandContext(ctx, o.bin, "import", "--db", url, file)
		cmd.Env = environ("MAPD_")
		cmd.Stderr = os.Stderr
		start := time.Now()
		out, err := cmd.Output()
		if err != nil {
			return fmt.Errorf("mapd import: %w", err)
		}
		var ir importRound
		ir.mapd = time.Since(start)
		ir.mapdCPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		if want := fmt.Sprintf("%d inserted", o.n); !strings.Contains(string(out), want) {
			return fmt.Errorf("mapd import: %q, want %s", strings.TrimSpace(string(out)), want)
		}
		if r == 0 {
			if _, err := pg.psqlIn(ctx, db, "\\copy (SELECT "+importColumns+" FROM incidents ORDER BY id) TO '"+rows+"' (FORMAT binary)"); err != nil {
				return err
			}
		}
		if _, err := pg.psql(ctx, "DROP DATABASE "+db); err != nil {
			return err
		}
		logf("round %d: raw COPY", r+1)
		if _, err := pg.psql(ctx, `DROP TABLE IF EXISTS raw; CREATE TABLE raw (source_id text, date date, date_precision text,
			event_type text, sub_event_type text, actor1 text, actor2 text, fatalities integer, injuries integer, place text,
			country text, admin1 text, lat double precision, lon double precision, geo_precision smallint, geonameid bigint,
			notes text, sources text[], tags text[], created_at timestamptz, updated_at timestamptz, search tsvector, changed bigint)`); err != nil {
			return err
		}
		start = time.Now()
		if _, err := pg.psql(ctx, "\\copy raw FROM '"+rows+"' (FORMAT binary)"); err != nil {
			return err
		}
		ir.raw = time.Since(start)
		rounds = append(rounds, ir)
		logf("round %d: mapd import %s (CPU %s), raw COPY %s", r+1, ir.mapd.Round(time.Millisecond), ir.mapdCPU.Round(time.Millisecond), ir.raw.Round(time.Millisecond))
	}
	fmt.Print(renderImportRate(o, pg.version(ctx), loadBefore, loadAvg(), rounds))
	return nil
}

func renderImportRate(o options, version, loadBefore, loadAfter string, rounds []importRound) string {
	var b strings.Builder
	rate := func(d time.Duration) float64 { return float64(o.n) / d.Seconds() }
	fmt.Fprintf(&b, "mapd import of %d generated incidents (go run ./bench -gen) into an empty PostGIS database, %s; load %s before, %s after\n\n",
		o.n, version, loadBefore, loadAfter)
	fmt.Fprintln(&b, "| round | mapd import | records/s | mapd CPU (user+sys) | raw \\copy | records/s | import / raw |")
	fmt.Fprintln(&b, "|---|---|---|---|---|---|---|")
	var ratios, mapdRates, rawRates []float64
	for i, r := range rounds {
		ratio := r.raw.Seconds() / r.mapd.Seconds()
		ratios = append(ratios, ratio)
		mapdRates = append(mapdRates, rate(r.mapd))
		rawRates = append(rawRates, rate(r.raw))
		fmt.Fprintf(&b, "| %d | %.2f s | %.0f | %.2f s | %.2f s | %.0f | %.2fx |\n", i+1, r.mapd.Seconds(), rate(r.mapd),
			r.mapdCPU.Seconds(), r.raw.Seconds(), rate(r.raw), ratio)
	}
	fmt.Fprintf(&b, "| median | | %.0f | | | %.0f | %.2fx |\n", median(mapdRates), median(rawRates), median(ratios))
	return b.String()
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
