package web_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mapd/mapd/incidents/index"
	"github.com/mapd/mapd/incidents/sqlite"
	"github.com/mapd/mapd/web"
)

// BenchmarkBBoxPages requests the bench's bounding-box pages of
// /api/incidents (make bench: a 0.1° city box with limit=1000 and a 0.02°
// town box with limit=100, around the 12 busiest of bench/data.go's
// towns) from a server over an existing database, one client, gzip on,
// and reports the median latency of a page from request to the last byte
// of the compressed body. The database is MAPD_PAGE_DB, a copy of a
// database made by make bench (the benchmark opens it read-write, as mapd
// serve does, and builds the index first); without it the benchmark is
// skipped.
//
//	MAPD_PAGE_DB=/tmp/s1m.db go test ./web -run '^$' -bench BBoxPages -benchtime 200x
func BenchmarkBBoxPages(b *testing.B) {
	path := os.Getenv("MAPD_PAGE_DB")
	if path == "" {
		b.Skip("MAPD_PAGE_DB is not set")
	}
	ctx := context.Background()
	store, err := sqlite.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	store.StartIndex(index.Options{})
	if err := store.WaitIndex(ctx); err != nil {
		b.Fatal(err)
	}
	srv, err := web.New(web.Config{Store: store, Version: "page-bench"})
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	// The centres of bench/data.go's 12 busiest towns (lon, lat).
	centres := [][2]float64{
		{37.1612, 36.2021}, {36.2765, 33.5138}, {44.3661, 33.3152}, {43.1189, 36.3400},
		{36.7237, 34.7308}, {36.6339, 35.9306}, {39.0079, 35.9528}, {40.1408, 35.3359},
		{36.7578, 35.1318}, {36.1062, 32.6189}, {43.7843, 33.3494}, {43.3058, 33.4206},
	}
	// city-next continues each town's city listing by the next link of
	// its previous page, from the second page on, so that every page
	// lists rows no earlier page listed, as for a user panning over new
	// ground (its CPU time includes the client's gunzip to find the link).
	pages := []struct {
		name   string
		half   float64
		limit  int
		follow bool
	}{
		{"city", 0.1, 1000, false},
		{"town", 0.02, 100, false},
		{"city-next", 0.1, 1000, true},
	}
	get := func(b *testing.B, u string) (body []byte, took time.Duration) {
		req, err := http.NewRequest(http.MethodGet, u, nil)
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Accept-Encoding", "gzip")
		t := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		body, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		took = time.Since(t)
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatalf("GET %s: got %d, %v, want 200", u, resp.StatusCode, err)
		}
		return body, took
	}
	nextLink := regexp.MustCompile(`"href":"([^"]+)","rel":"next"`)
	next := func(b *testing.B, body []byte) string {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		plain, err := io.ReadAll(zr)
		if err != nil {
			b.Fatal(err)
		}
		m := nextLink.FindSubmatch(plain)
		if m == nil {
			b.Fatalf("a page without a next link: the box holds too few incidents")
		}
		return strings.ReplaceAll(string(m[1]), `\u0026`, "&")
	}
	for _, p := range pages {
		b.Run(p.name, func(b *testing.B) {
			r := rand.New(rand.NewPCG(1, 99))
			var urls []string
			for i := range 24 {
				c := centres[r.IntN(len(centres))]
				if p.follow {
					c = centres[i%len(centres)]
				}
				u := fmt.Sprintf("%s/api/incidents?bbox=%.4f,%.4f,%.4f,%.4f&limit=%d",
					ts.URL, c[0]-p.half, c[1]-p.half, c[0]+p.half, c[1]+p.half, p.limit)
				if p.follow {
					first, _ := get(b, u)
					u = next(b, first)
				}
				urls = append(urls, u)
			}
			if p.follow {
				urls = urls[:len(centres)]
			}
			var lat []time.Duration
			size := 0
			i := 0
			cpu0 := cpuTime(b)
			for b.Loop() {
				k := i % len(urls)
				i++
				body, took := get(b, urls[k])
				lat = append(lat, took)
				size += len(body)
				if p.follow {
					urls[k] = next(b, body)
				}
			}
			cpu := cpuTime(b) - cpu0
			slices.Sort(lat)
			b.ReportMetric(float64(cpu.Microseconds())/float64(len(lat)), "cpu-µs/page")
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
			b.ReportMetric(float64(size)/float64(len(lat)), "B/page")
		})
	}
}

// cpuTime returns the user and system CPU time the process has used: the
// server's and the client's, both in this process. Unlike a latency, it
// hardly moves with other processes' load.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
