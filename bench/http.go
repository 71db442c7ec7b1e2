package main

import (
	"bufio"
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mapd/mapd/bench/internal/stat"
	"github.com/mapd/mapd/geo"
)

// server is a running "mapd serve".
type server struct {
	cmd  *exec.Cmd
	base string
	log  string
	done chan error
}

// startServer starts "mapd serve" on a free loopback port with db, its
// log in dir, and waits until /healthz answers.
func startServer(ctx context.Context, bin, db, dir string) (*server, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	l.Close()
	logPath := filepath.Join(dir, "server.log")
	lf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, bin, "serve", "--db", db, "--addr", addr, "--writes-per-minute", "-1", "--log-format", "json")
	cmd.Stdout, cmd.Stderr = lf, lf
	cmd.Env = cleanEnv()
	logf("starting %s serve --db %s --addr %s", bin, db, addr)
	if err := cmd.Start(); err != nil {
		lf.Close()
		return nil, err
	}
	s := &server{cmd: cmd, base: "http://" + addr, log: logPath, done: make(chan error, 1)}
	go func() { s.done <- cmd.Wait(); lf.Close() }()
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-s.done:
			return nil, fmt.Errorf("mapd serve exited: %v\n%s", err, s.tail())
		default:
		}
		resp, err := http.Get(s.base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.stop()
	return nil, fmt.Errorf("mapd serve did not answer /healthz within 90 s\n%s", s.tail())
}

// waitIndex waits until the server's log says its index is built and
// returns how long the build took by that line.
func (s *server) waitIndex(ctx context.Context, timeout time.Duration) (time.Duration, error) {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		b, err := os.ReadFile(s.log)
		if err != nil {
			return 0, err
		}
		for _, line := range bytes.Split(b, []byte("\n")) {
			var l struct {
				Msg  string
				Took json.RawMessage // nanoseconds in slog's JSON
			}
			if json.Unmarshal(line, &l) != nil || l.Msg != "index built" {
				continue
			}
			var ns int64
			if err := json.Unmarshal(l.Took, &ns); err != nil {
				return 0, fmt.Errorf("index built: took %s: %w", l.Took, err)
			}
			return time.Duration(ns), nil
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	return 0, fmt.Errorf("mapd serve logged no \"index built\" within %s\n%s", timeout, s.tail())
}

func (s *server) tail() string {
	b, _ := os.ReadFile(s.log)
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

func (s *server) stop() {
	if s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

// peakRSS reads VmHWM, the resident set high-water mark, of the server.
func (s *server) peakRSS() (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	return 0, errors.New("no VmHWM in /proc status")
}

// --- load generation ----------------------------------------------------

type result struct {
	clients int // requests in flight at once
	lat     []time.Duration
	sizes   []int
	status  map[int]int
	items   int64 // features returned, when counted
	elapsed time.Duration
}

type loader struct {
	client  *http.Client
	workers int
}

func newLoader(workers int) *loader {
	tr := &http.Transport{MaxIdleConns: 4 * workers, MaxIdleConnsPerHost: 4 * workers, DisableCompression: true, IdleConnTimeout: time.Minute}
	return &loader{client: &http.Client{Transport: tr, Timeout: 2 * time.Minute}, workers: workers}
}

// run requests every URL once, spread over the workers, with
// Accept-Encoding: gzip as browsers send it. count, when set, returns the
// number of features in a (decompressed) body.
func (l *loader) run(ctx context.Context, urls []string, header map[string]string, count func([]byte) int) (result, error) {
	res := result{status: map[int]int{}}
	var mu sync.Mutex
	var next atomic.Int64
	var firstErr error
	var wg sync.WaitGroup
	t0 := time.Now()
	res.clients = min(l.workers, len(urls))
	for range res.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(urls) {
					return
				}
				req, err := http.NewRequestWithContext(ctx, "GET", urls[i], nil)
				if err != nil {
					mu.Lock()
					firstErr = cmp.Or(firstErr, err)
					mu.Unlock()
					return
				}
				req.Header.Set("Accept-Encoding", "gzip")
				for k, v := range header {
					req.Header.Set(k, v)
				}
				t := time.Now()
				resp, err := l.client.Do(req)
				var body []byte
				if err == nil {
					body, err = io.ReadAll(resp.Body)
					resp.Body.Close()
				}
				d := time.Since(t)
				if err != nil {
					mu.Lock()
					firstErr = cmp.Or(firstErr, err)
					mu.Unlock()
					return
				}
				n := 0
				if count != nil && resp.StatusCode == http.StatusOK {
					plain := body
					if resp.Header.Get("Content-Encoding") == "gzip" {
						if zr, err := gzip.NewReader(bytes.NewReader(body)); err == nil {
							plain, _ = io.ReadAll(zr)
						}
					}
					n = max(0, count(plain))
				}
				mu.Lock()
				res.lat = append(res.lat, d)
				res.sizes = append(res.sizes, len(body))
				res.status[resp.StatusCode]++
				res.items += int64(n)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(t0)
	return res, firstErr
}

func (l *loader) status(ctx context.Context, url string) int {
	req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
	resp, err := l.client.Do(req)
	if err != nil {
		return 0
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// bump changes the server's data version (and so empties its tile cache)
// without changing the data: it creates an incident and deletes it.
func (l *loader) bump(ctx context.Context, base string) error {
	body := `{"date":"2020-01-01","event_type":"Protests","lat":-60,"lon":-150,"notes":"bench cache buster"}`
	req, _ := http.NewRequestWithContext(ctx, "POST", base+"/api/incidents", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := l.client.Do(req)
	if err != nil {
		return err
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		return fmt.Errorf("POST /api/incidents: %d %s", resp.StatusCode, b)
	}
	var created struct {
		ID         int64 `json:"id"`
		Properties struct {
			ID int64 `json:"id"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(b, &created); err != nil {
		return err
	}
	id := cmp.Or(created.ID, created.Properties.ID)
	req, _ = http.NewRequestWithContext(ctx, "DELETE", fmt.Sprintf("%s/api/incidents/%d", base, id), nil)
	if resp, err = l.client.Do(req); err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		return fmt.Errorf("DELETE /api/incidents/%d: %d", id, resp.StatusCode)
	}
	return nil
}

func median(xs []int) int {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

func statusNote(st map[int]int) string {
	var parts []string
	for _, code := range slices.Sorted(func(yield func(int) bool) {
		for k := range st {
			if !yield(k) {
				return
			}
		}
	}) {
		parts = append(parts, fmt.Sprintf("%d×%d", st[code], code))
	}
	return strings.Join(parts, " ")
}

// benchHTTP drives the running server: bounding-box and OGC pages, the
// export endpoint and vector tiles.
func benchHTTP(ctx context.Context, srv *server, o options) ([]row, error) {
	l := newLoader(o.workers)
	one := &loader{client: l.client, workers: 1}
	scale := 1
	if o.quick {
		scale = 4
	}
	r := rand.New(rand.NewPCG(o.seed, 99))
	var rows []row

	// Bounding-box pages through /api/incidents.
	pages := []struct {
		name  string
		half  float64 // half-size of the box around a town, degrees; 0 for the country
		limit int
		reqs  int
	}{
		{"bbox page ~100 (town, 0.02°, limit=100)", 0.02, 100, 160},
		{"bbox page ~1,000 (city, 0.1°, limit=1000)", 0.1, 1000, 96},
		{"bbox page ~10,000 (Syria, limit=10000)", 0, 10000, 16},
	}
	for _, p := range pages {
		var urls []string
		for range p.reqs / scale {
			bbox := "35.6,32.3,42.4,37.4"
			if p.half > 0 {
				t := towns[r.IntN(12)]
				bbox = fmt.Sprintf("%.4f,%.4f,%.4f,%.4f", t.lon-p.half, t.lat-p.half, t.lon+p.half, t.lat+p.half)
			}
			urls = append(urls, fmt.Sprintf("%s/api/incidents?bbox=%s&limit=%d", srv.base, bbox, p.limit))
		}
		logf("%s: %d requests", p.name, len(urls))
		res, err := l.run(ctx, urls, nil, stat.NumberReturned)
		if err != nil {
			return nil, err
		}
		p50, p99 := stat.Percentiles(res.lat)
		rows = append(rows, row{what: p.name, clients: res.clients, n: len(res.lat), p50: p50, p99: p99,
			rate:  thousands(float64(res.items)/res.elapsed.Seconds()) + " features/s",
			bytes: fmt.Sprintf("%.0f KB gz", float64(median(res.sizes))/1e3),
			note:  fmt.Sprintf("%.0f features/page; %s", float64(res.items)/float64(max(1, len(res.lat))), statusNote(res.status))})
		if p.limit <= 1000 {
			// The same pages one at a time: latency without queueing.
			res, err := one.run(ctx, urls[:min(len(urls), 24)], nil, stat.NumberReturned)
			if err != nil {
				return nil, err
			}
			p50, p99 := stat.Percentiles(res.lat)
			rows = append(rows, row{what: p.name, clients: res.clients, n: len(res.lat), p50: p50, p99: p99,
				rate:   thousands(float64(res.items)/res.elapsed.Seconds()) + " features/s",
				target: verdict(p50 <= pageTarget(p.limit), "p50 ≤ "+dur(pageTarget(p.limit))), note: statusNote(res.status)})
		}
	}

	// OGC items against /api/incidents, pages of 1000.
	ogc := srv.base + "/ogc/collections/incidents/items?limit=1000"
	if l.status(ctx, ogc) == http.StatusOK {
		for _, u := range []struct{ name, url string }{
			{"OGC items page of 1000", ogc},
			{"/api/incidents page of 1000", srv.base + "/api/incidents?limit=1000"},
		} {
			urls := slices.Repeat([]string{u.url}, 64/scale)
			logf("%s: %d requests", u.name, len(urls))
			res, err := l.run(ctx, urls, map[string]string{"Accept": "application/geo+json"}, stat.NumberReturned)
			if err != nil {
				return nil, err
			}
			p50, p99 := stat.Percentiles(res.lat)
			rows = append(rows, row{what: u.name, clients: res.clients, n: len(res.lat), p50: p50, p99: p99,
				rate:  thousands(float64(res.items)/res.elapsed.Seconds()) + " features/s",
				bytes: fmt.Sprintf("%.0f KB gz", float64(median(res.sizes))/1e3), note: statusNote(res.status)})
		}
	} else {
		logf("no OGC items endpoint: skipped")
	}

	counts, err := benchCounts(ctx, one, srv.base, scale)
	if err != nil {
		return nil, err
	}
	rows = append(rows, counts...)

	sorted, err := benchSorted(ctx, one, srv.base, scale)
	if err != nil {
		return nil, err
	}
	rows = append(rows, sorted...)

	cql, err := benchCQL2(ctx, one, srv.base, scale)
	if err != nil {
		return nil, err
	}
	rows = append(rows, cql...)

	exp, err := exportHTTP(ctx, l.client, srv.base, o.n)
	if err != nil {
		return nil, err
	}
	rows = append(rows, exp)

	tiles, err := benchTiles(ctx, l, srv.base, scale)
	if err != nil {
		return nil, err
	}
	return append(rows, tiles...), nil
}

// pageTarget is the p50 target for a bbox page of limit features
// with one client: 2 ms for a 100-feature town page, 8 ms for a
// 1,000-feature city page.
func pageTarget(limit int) time.Duration {
	if limit <= 100 {
		return 2 * time.Millisecond
	}
	return 8 * time.Millisecond
}

// exportHTTP downloads GET /api/export?format=geojson once, as curl would
// (no Accept-Encoding, so not compressed), and counts the features.
func exportHTTP(ctx context.Context, client *http.Client, base string, n int) (row, error) {
	r := row{what: "`GET /api/export?format=geojson`, identity encoding", clients: 1, target: "≥ 300,000 features/s"}
	logf("GET %s/api/export?format=geojson", base)
	req, err := http.NewRequestWithContext(ctx, "GET", base+"/api/export?format=geojson", nil)
	if err != nil {
		return r, err
	}
	t0 := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return r, err
	}
	c := &recordCounter{format: "geojson"}
	size, err := io.Copy(c, resp.Body)
	resp.Body.Close()
	d := time.Since(t0)
	if err != nil {
		return r, err
	}
	if resp.StatusCode != http.StatusOK {
		r.note = fmt.Sprintf("failed: status %d", resp.StatusCode)
		return r, nil
	}
	rate := float64(c.count()) / d.Seconds()
	r.n = c.count()
	r.rate = fmt.Sprintf("%s features/s", thousands(rate))
	r.bytes = megabytes(size) + " body"
	r.target = verdict(rate >= 300_000, r.target)
	r.note = fmt.Sprintf("%.1f s from request to last byte", d.Seconds())
	if c.count() != n {
		r.note += fmt.Sprintf("; %d features, want %d", c.count(), n)
	}
	return r, nil
}

// tileSet is a list of tile URLs measured together.
type tileSet struct {
	name         string
	urls         []string
	rounds       int // cold rounds with every tile requested at once
	singleRounds int // cold rounds with one client
}

// benchTiles measures vector tiles at each zoom. Dense: the tiles holding
// the busiest towns; empty: tiles over the sea. Cold tiles are measured
// right after a write (which empties the server's tile cache), in rounds;
// cached ones by asking for the dense tiles again. Each set is measured
// with every tile of a round requested at once (up to the loader's
// clients) and with one client requesting them one after another.
func benchTiles(ctx context.Context, l *loader, base string, scale int) ([]row, error) {
	one := &loader{client: l.client, workers: 1}
	empties := [][2]float64{{-30, 10}, {-140, 20}, {80, -40}, {-20, -30}, {160, -20}, {-60, 40}}
	rounds := 8 / min(scale, 2)
	minSamples := 48 / scale
	// Cold tiles with one client: issue 16's p50 <= 10 ms and p99 <= 40
	// ms; with several at once the earlier p50 <= 15 ms and p99 <= 60 ms,
	// stricter than issue 16's p99 <= 100 ms.
	target, oneTarget := "p50 ≤ 15 ms, p99 ≤ 60 ms", "p50 ≤ 10 ms, p99 ≤ 40 ms"
	var rows []row
	var revalLat []time.Duration
	for _, z := range []int{4, 6, 8, 10, 14} {
		dense := tileURLs(base, z, towns[:12], nil, "")
		empty := tileURLs(base, z, nil, empties, "")
		// A single client's p99 needs some samples: its rounds are more
		// when a set has few tiles. Filtered tiles scan incidents: a
		// couple of rounds tell enough.
		single := func(urls []string) int { return max(rounds, min(40, ceilDiv(minSamples, len(urls)))) }
		sets := []tileSet{
			{fmt.Sprintf("tile z=%d dense (%s), cold", z, plural(len(dense), "tile")), dense, rounds, single(dense)},
			{fmt.Sprintf("tile z=%d empty (%s), cold", z, plural(len(empty), "tile")), empty, rounds, single(empty)},
		}
		for _, f := range countFilters[1:] {
			if strings.HasPrefix(f.query, "bbox=") {
				continue // a tile is its own box: tiles refuse bbox
			}
			filtered := tileURLs(base, z, towns[:12], nil, f.query)
			sets = append(sets, tileSet{fmt.Sprintf("tile z=%d dense, %s, cold", z, f.name), filtered,
				2, max(2, ceilDiv(minSamples/4, len(filtered)))})
		}
		for _, set := range sets {
			runs := []struct {
				ld     *loader
				rounds int
			}{{l, set.rounds}, {one, set.singleRounds}}
			if len(set.urls) == 1 {
				runs = runs[1:] // one tile: the concurrent row would be the same
			}
			for _, run := range runs {
				res, err := coldTiles(ctx, run.ld, base, set.urls, run.rounds)
				if err != nil {
					return nil, err
				}
				logf("%s, %d clients: %d requests", set.name, res.clients, len(res.lat))
				p50, p99 := stat.Percentiles(res.lat)
				tv := verdict(p50 <= 15*time.Millisecond && p99 <= 60*time.Millisecond, target)
				if res.clients == 1 {
					tv = verdict(p50 <= 10*time.Millisecond && p99 <= 40*time.Millisecond, oneTarget)
				}
				rows = append(rows, row{what: set.name, clients: res.clients, n: len(res.lat), p50: p50, p99: p99,
					bytes: fmt.Sprintf("%d B gz", median(res.sizes)), target: tv, note: statusNote(res.status)})
			}
		}

		// Cached: the same dense tiles again, from the server's cache, then
		// revalidated.
		if _, err := one.run(ctx, dense, nil, nil); err != nil {
			return nil, err
		}
		for _, ld := range []*loader{l, one} {
			res, err := ld.run(ctx, slices.Repeat(dense, max(20/scale, ceilDiv(minSamples*2, len(dense)))), nil, nil)
			if err != nil {
				return nil, err
			}
			p50, p99 := stat.Percentiles(res.lat)
			rows = append(rows, row{what: fmt.Sprintf("tile z=%d dense, cached", z), clients: res.clients, n: len(res.lat), p50: p50, p99: p99,
				target: verdict(p50 <= 15*time.Millisecond && p99 <= 60*time.Millisecond, target), note: statusNote(res.status)})
		}
		resp, err := l.client.Get(dense[0])
		if err != nil {
			return nil, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		res, err := l.run(ctx, slices.Repeat(dense[:1], 50), map[string]string{"If-None-Match": resp.Header.Get("ETag")}, nil)
		if err != nil {
			return nil, err
		}
		if res.status[http.StatusNotModified] != len(res.lat) {
			return nil, fmt.Errorf("revalidation: got %s, want only 304", statusNote(res.status))
		}
		revalLat = append(revalLat, res.lat...)
	}
	p50, p99 := stat.Percentiles(revalLat)
	rows = append(rows, row{what: "tile, If-None-Match → 304, z=4..14", clients: l.workers, n: len(revalLat), p50: p50, p99: p99})
	return rows, nil
}

// coldTiles requests urls in rounds, each right after a write that empties
// the server's tile cache.
func coldTiles(ctx context.Context, l *loader, base string, urls []string, rounds int) (result, error) {
	all := result{status: map[int]int{}}
	for range rounds {
		if err := l.bump(ctx, base); err != nil {
			return all, err
		}
		res, err := l.run(ctx, urls, nil, nil)
		if err != nil {
			return all, err
		}
		all.clients = res.clients
		all.lat = append(all.lat, res.lat...)
		all.sizes = append(all.sizes, res.sizes...)
		for k, v := range res.status {
			all.status[k] += v
		}
	}
	return all, nil
}

func ceilDiv(a, b int) int { return (a + b - 1) / max(1, b) }

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// tileURLs returns the distinct tiles of zoom z holding the towns and the
// points.
func tileURLs(base string, z int, ts []town, pts [][2]float64, query string) []string {
	seen := map[geo.Tile]bool{}
	var urls []string
	add := func(lon, lat float64) {
		t, ok := geo.TileAt(lon, lat, z)
		if !ok || seen[t] {
			return
		}
		seen[t] = true
		u := base + "/tiles/incidents/" + t.String() + ".mvt"
		if query != "" {
			u += "?" + query
		}
		urls = append(urls, u)
	}
	for _, t := range ts {
		add(t.lon, t.lat)
	}
	for _, p := range pts {
		add(p[0], p[1])
	}
	return urls
}

// polygonOf returns the ring of a "minLon,minLat,maxLon,maxLat" box in
// WKT, so that a CQL2 filter can say the box as a polygon.
func polygonOf(box string) string {
	c := strings.Split(box, ",")
	return strings.Join([]string{c[0] + " " + c[1], c[2] + " " + c[1], c[2] + " " + c[3], c[0] + " " + c[3], c[0] + " " + c[1]}, ", ")
}

// benchCQL2 measures pages of OGC items (limit=100, one client) through a
// CQL2 filter against the native filter that says the same, the two
// interleaved so that both meet the same machine. The target is a CQL2
// page within 1.2x of the native page.
func benchCQL2(ctx context.Context, one *loader, base string, scale int) ([]row, error) {
	items := base + "/ogc/collections/incidents/items?limit=100&"
	if one.status(ctx, items+"filter=TRUE") != http.StatusOK {
		logf("no CQL2 filter: skipped")
		return nil, nil
	}
	aleppo := towns[0]
	box := fmt.Sprintf("%.4f,%.4f,%.4f,%.4f", aleppo.lon-0.1, aleppo.lat-0.1, aleppo.lon+0.1, aleppo.lat+0.1)
	pairs := []struct{ name, native, cql string }{
		{"event type and year", "event_type=Battles&datetime=2016-01-01/2016-12-31",
			"event_type = 'Battles' AND T_INTERSECTS(date, INTERVAL('2016-01-01', '2016-12-31'))"},
		{"city bbox", "bbox=" + box, "S_INTERSECTS(geometry, BBOX(" + strings.ReplaceAll(box, ",", ", ") + "))"},
		{"country and fatalities", "country=IQ&min_fatalities=5", "country = 'IQ' AND fatalities >= 5"},
		{"actor (LIKE, not absorbed)", "actor=Syria", "actor1 LIKE '%Syria%' OR actor2 LIKE '%Syria%'"},
		{"event type IN", "event_type=Battles,Riots", "event_type IN ('Battles', 'Riots')"},
		{"fatalities >", "min_fatalities=5", "fatalities > 4"},
		{"date T_INTERSECTS", "datetime=2016-01-01/2016-12-31", "T_INTERSECTS(date, INTERVAL('2016-01-01', '2016-12-31'))"},
		{"S_INTERSECTS polygon (not absorbed)", "bbox=" + box, "S_INTERSECTS(geometry, POLYGON((" + polygonOf(box) + ")))"},
	}
	var rows []row
	for _, p := range pairs {
		var native, cql2 []time.Duration
		for range 4 {
			for i, u := range []string{items + p.native, items + url.Values{"filter": {p.cql}}.Encode()} {
				res, err := one.run(ctx, slices.Repeat([]string{u}, max(2, 12/scale)), nil, nil)
				if err != nil {
					return nil, err
				}
				if res.status[http.StatusOK] != len(res.lat) {
					return nil, fmt.Errorf("CQL2 %s: %s", p.name, statusNote(res.status))
				}
				if i == 0 {
					native = append(native, res.lat...)
				} else {
					cql2 = append(cql2, res.lat...)
				}
			}
		}
		n50, _ := stat.Percentiles(native)
		c50, c99 := stat.Percentiles(cql2)
		ratio := float64(c50) / float64(max(1, n50))
		logf("CQL2 %s: %s against %s native", p.name, c50, n50)
		rows = append(rows, row{what: "CQL2 filter: " + p.name + " (page of 100)", clients: 1, n: len(cql2), p50: c50, p99: c99,
			target: verdict(ratio <= 1.2, "≤ 1.2× native"), note: fmt.Sprintf("%.2f× the native filter's p50 %s", ratio, n50.Round(10*time.Microsecond))})
	}
	return rows, nil
}

// countFilters are the filters /api/stats and numberMatched are measured
// with: none, and each single filter the issue names.
var countFilters = []struct{ name, query string }{
	{"no filter", ""},
	{"bbox (Syria and Iraq)", "bbox=35.6,29.0,48.8,37.4"},
	{"dates (2016)", "from=2016-01-01&to=2016-12-31"},
	{"event type (Battles)", "event_type=Battles"},
	{"actor (Islamic State)", "actor=Islamic%20State"},
	{"q (market)", "q=market"},
	{"min_fatalities=5", "min_fatalities=5"},
}

// benchCounts measures GET /api/stats and numberMatched (an OGC items
// page of one feature, whose time is the count's and choosing the newest
// match) with one client, for no filter and each single filter. Each
// round follows a write, so that no answer is reused from an earlier
// round (the server keeps the unfiltered statistics per data version).
func benchCounts(ctx context.Context, one *loader, base string, scale int) ([]row, error) {
	const statsTarget, countTarget = 20 * time.Millisecond, 5 * time.Millisecond
	rounds := max(3, 12/scale)
	var rows []row
	for _, ep := range []struct {
		name, path string
		target     time.Duration
	}{
		{"`GET /api/stats`", "/api/stats?", statsTarget},
		{"numberMatched (`/ogc/collections/incidents/items?limit=1`)", "/ogc/collections/incidents/items?limit=1&", countTarget},
	} {
		lat := make([][]time.Duration, len(countFilters))
		for range rounds {
			if err := one.bump(ctx, base); err != nil {
				return nil, err
			}
			for i, f := range countFilters {
				res, err := one.run(ctx, []string{base + ep.path + f.query}, map[string]string{"Accept": "application/geo+json"}, nil)
				if err != nil {
					return nil, err
				}
				if res.status[http.StatusOK] != 1 {
					return nil, fmt.Errorf("%s%s: %s", ep.path, f.query, statusNote(res.status))
				}
				lat[i] = append(lat[i], res.lat...)
			}
		}
		for i, f := range countFilters {
			p50, p99 := stat.Percentiles(lat[i])
			logf("%s, %s: p50 %s", ep.name, f.name, p50)
			rows = append(rows, row{what: ep.name + ", " + f.name, clients: 1, n: len(lat[i]), p50: p50, p99: p99,
				target: verdict(p50 <= ep.target, "p50 ≤ "+dur(ep.target)), note: "after a write each round"})
		}
	}
	return rows, nil
}

// benchSorted measures OGC items pages of 100 in the orders an analyst
// asks for (oldest first, deadliest first, least deadly first) beside the
// default newest-first order, one client, each round after a write (which
// empties the feature cache). They have no target of their own; the note
// gives each order's p50 as a multiple of the default's.
func benchSorted(ctx context.Context, one *loader, base string, scale int) ([]row, error) {
	rounds := max(3, 12/scale)
	orders := []string{"", "date", "-fatalities", "fatalities"}
	lat := make([][]time.Duration, len(orders))
	for range rounds {
		if err := one.bump(ctx, base); err != nil {
			return nil, err
		}
		for i, o := range orders {
			u := base + "/ogc/collections/incidents/items?limit=100"
			if o != "" {
				u += "&sortby=" + o
			}
			res, err := one.run(ctx, []string{u}, map[string]string{"Accept": "application/geo+json"}, stat.NumberReturned)
			if err != nil {
				return nil, err
			}
			if res.status[http.StatusOK] != 1 || res.items != 100 {
				return nil, fmt.Errorf("%s: %s, %d features", u, statusNote(res.status), res.items)
			}
			lat[i] = append(lat[i], res.lat...)
		}
	}
	def, _ := stat.Percentiles(lat[0])
	var rows []row
	for i, o := range orders {
		p50, p99 := stat.Percentiles(lat[i])
		name := "OGC items page of 100, sortby=" + o
		if o == "" {
			name = "OGC items page of 100, default order (-date)"
		}
		logf("%s: p50 %s", name, p50)
		rows = append(rows, row{what: name, clients: 1, n: len(lat[i]), p50: p50, p99: p99, target: "–",
			note: fmt.Sprintf("%.1f× the default order's p50; after a write each round", float64(p50)/float64(def))})
	}
	return rows, nil
}
