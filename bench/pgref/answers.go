package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/mapd/mapd/bench/internal/stat"
	"github.com/mapd/mapd/geo"
)

// An answerKind is a request mapd answers from its in-memory index
// whichever its store: statistics, and vector tiles that are not in its
// tile cache (every request of a run asks with another from date, all
// before the data, so the same incidents but another cache key).
type answerKind struct {
	name string
	url  func(base string, b box, n int) string // n: the request's number in the run
}

// uncached is a from date before every incident, distinct for each n.
func uncached(n int) string {
	return time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n).Format(time.DateOnly)
}

var answerKinds = []answerKind{
	{"stats of a city box (/api/stats?bbox=)", func(base string, b box, _ int) string {
		return fmt.Sprintf("%s/api/stats?bbox=%s", base, b)
	}},
	{"uncached z9 tile at a city box's centre", func(base string, b box, n int) string {
		t, _ := geo.TileAt((b[0]+b[2])/2, (b[1]+b[3])/2, 9)
		return fmt.Sprintf("%s/tiles/incidents/%d/%d/%d.mvt?from=%s", base, t.Z, t.X, t.Y, uncached(n))
	}},
	{"uncached z5 tile at a city box's centre", func(base string, b box, n int) string {
		t, _ := geo.TileAt((b[0]+b[2])/2, (b[1]+b[3])/2, 5)
		return fmt.Sprintf("%s/tiles/incidents/%d/%d/%d.mvt?from=%s", base, t.Z, t.X, t.Y, uncached(n))
	}},
}

// answerCell gathers one server's latencies for one answer kind.
type answerCell struct {
	lat    []time.Duration
	failed int
}

// measureAnswers requests every answer kind for every box from each mapd
// server in turn, one client, the servers' order rotating by round.
func measureAnswers(ctx context.Context, servers []*process, boxes []box, rounds int) map[[2]int]*answerCell {
	cells := map[[2]int]*answerCell{}
	client := &http.Client{Timeout: 2 * time.Minute}
	for round := range rounds {
		for ki, k := range answerKinds {
			for j := range servers {
				si := (j + round) % len(servers)
				cl := cells[[2]int{ki, si}]
				if cl == nil {
					cl = &answerCell{}
					cells[[2]int{ki, si}] = cl
				}
				for i, b := range boxes {
					if ctx.Err() != nil {
						return cells
					}
					t := time.Now()
					_, status, err := get(ctx, client, k.url(servers[si].base, b, round*len(boxes)+i))
					cl.lat = append(cl.lat, time.Since(t))
					if err != nil || status != http.StatusOK {
						cl.failed++
					}
				}
			}
		}
		logf("round %d/%d: stats and tiles", round+1, rounds)
	}
	return cells
}

// renderAnswers is the table of measureAnswers, servers[0] (mapd on
// SQLite) the reference, and the import rates.
func renderAnswers(env environment, cells map[[2]int]*answerCell) string {
	var b strings.Builder
	b.WriteString("\n## Statistics and tiles: mapd on PostGIS against mapd on SQLite\n\n")
	b.WriteString("Both answer from the in-memory index (built before the measurements); one client, the same 96 city boxes, every round in a rotating order.\n\n")
	b.WriteString("| request | server | requests | failed | p50 | p99 | p50 × SQLite's |\n|---|---|---:|---:|---:|---:|---:|\n")
	names := []string{"mapd on SQLite", "mapd on PostGIS"}
	for ki, k := range answerKinds {
		ref, _ := stat.Percentiles(cells[[2]int{ki, 0}].lat)
		for si, name := range names {
			cl := cells[[2]int{ki, si}]
			if cl == nil {
				continue
			}
			p50, p99 := stat.Percentiles(cl.lat)
			fmt.Fprintf(&b, "| %s | %s | %d | %d | %s | %s | %.2f |\n", k.name, name, len(cl.lat), cl.failed, ms(p50), ms(p99), float64(p50)/float64(ref))
		}
	}
	b.WriteString("\n## Import into an empty database\n\n")
	b.WriteString("| loader | incidents | wall | records/s |\n|---|---:|---:|---:|\n")
	for _, l := range []struct {
		name string
		took time.Duration
	}{
		{"`mapd import --db postgresql://…` (NDJSON; COPY, indexes built after)", env.importTook},
		{"reference: `ogr2ogr -f PostgreSQL` with PG_USE_COPY (GeoJSON; GIST index only)", env.ogrTook},
	} {
		fmt.Fprintf(&b, "| %s | %d | %s | %.0f |\n", l.name, env.incidents, l.took.Round(100*time.Millisecond), float64(env.incidents)/l.took.Seconds())
	}
	b.WriteString("\nmapd's import decodes, validates and upserts by source_id, and builds the GIST, GIN (full text) and B-tree indexes after the COPY; ogr2ogr's table has the point and its GIST index only. Both run in the same cluster in this run.\n")
	return b.String()
}
