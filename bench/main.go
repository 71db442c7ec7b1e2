// Command bench measures mapd with a million incidents: it generates
// seeded, reproducible incidents clustered around real towns of Syria and
// Iraq, imports them through Store.Import, starts the real mapd binary on
// loopback and drives it with concurrent keep-alive clients, then prints
// one markdown table and writes it to bench/results.md.
//
//	go run ./bench            # 1,000,000 incidents
//	go run ./bench -quick     # 50,000 incidents, a smoke test
package main

import (
	"bufio"
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // to drop the tile triggers for the baseline import

	"github.com/mapd/mapd/gazetteer"
	"github.com/mapd/mapd/geo"
	"github.com/mapd/mapd/incidents"
)

type options struct {
	n        int
	seed     uint64
	quick    bool
	workers  int
	baseline int
	out      string
	bin      string
	build    bool
	keep     bool
}

func main() {
	var o options
	flag.IntVar(&o.n, "n", 1_000_000, "number of incidents to generate")
	flag.Uint64Var(&o.seed, "seed", 1, "random seed; the same seed generates the same incidents")
	flag.BoolVar(&o.quick, "quick", false, "smoke run: 50,000 incidents and fewer requests")
	flag.IntVar(&o.workers, "workers", 16, "concurrent HTTP clients")
	flag.IntVar(&o.baseline, "baseline", 100_000, "incidents imported without the tile triggers, to measure their cost (0: skip)")
	flag.StringVar(&o.out, "o", "bench/results.md", "markdown file the table is written to (\"\" for none)")
	flag.StringVar(&o.bin, "bin", "bin/mapd", "mapd binary to run")
	flag.BoolVar(&o.build, "build", true, "build the binary with go build -o BIN ./cmd/mapd first")
	flag.BoolVar(&o.keep, "keep", false, "keep the benchmark database")
	flag.Parse()
	if o.quick && !isFlagSet("n") {
		o.n = 50_000
	}
	o.baseline = min(o.baseline, o.n)
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

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

// row is one line of the results table.
type row struct {
	what     string
	n        int           // requests or operations measured
	p50, p99 time.Duration // zero when not a latency
	rate     string        // throughput
	bytes    string
	note     string
}

func run(ctx context.Context, o options) error {
	start := time.Now()
	dir, err := os.MkdirTemp("", "mapd-bench-")
	if err != nil {
		return err
	}
	if o.keep {
		logf("database kept in %s", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	var rows []row

	logf("generating %d incidents (seed %d)", o.n, o.seed)
	data := generate(o.n, o.seed)
	logf("generated %.0f MB of NDJSON", float64(len(data))/1e6)

	if o.baseline > 0 {
		r, err := importBaseline(ctx, filepath.Join(dir, "baseline.db"), data, o.baseline)
		if err != nil {
			return err
		}
		rows = append(rows, r)
	}
	dbPath := filepath.Join(dir, "bench.db")
	imp, err := importAll(ctx, dbPath, data, o.baseline)
	if err != nil {
		return err
	}
	rows = append(rows, imp...)
	data = nil

	rows = append(rows, benchGazetteer(ctx)...)

	if o.build {
		logf("building %s", o.bin)
		cmd := exec.CommandContext(ctx, "go", "build", "-o", o.bin, "./cmd/mapd")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("go build ./cmd/mapd: %w", err)
		}
	}
	srv, err := startServer(ctx, o.bin, dbPath, dir)
	if err != nil {
		return err
	}
	defer srv.stop()
	httpRows, err := benchHTTP(ctx, srv, o)
	if err != nil {
		return err
	}
	rows = append(rows, httpRows...)
	rss, err := srv.peakRSS()
	if err != nil {
		return err
	}
	rows = append(rows, row{what: "server peak RSS (VmHWM)", bytes: fmt.Sprintf("%.0f MiB", float64(rss)/(1<<20)), note: "after every HTTP measurement above"})

	table := render(o, rows, time.Since(start))
	fmt.Print(table)
	if o.out != "" {
		if err := os.WriteFile(o.out, []byte(table), 0o644); err != nil {
			return err
		}
		logf("wrote %s", o.out)
	}
	return nil
}

// --- data ---------------------------------------------------------------

type town struct {
	name     string
	country  string
	lon, lat float64
	weight   float64
}

// towns are real coordinates; weights are the share of incidents.
var towns = []town{
	{"Aleppo", "SY", 37.1612, 36.2021, 14},
	{"Damascus", "SY", 36.2765, 33.5138, 12},
	{"Baghdad", "IQ", 44.3661, 33.3152, 12},
	{"Mosul", "IQ", 43.1189, 36.3400, 10},
	{"Homs", "SY", 36.7237, 34.7308, 8},
	{"Idlib", "SY", 36.6339, 35.9306, 8},
	{"Raqqa", "SY", 39.0079, 35.9528, 7},
	{"Deir ez-Zor", "SY", 40.1408, 35.3359, 7},
	{"Hama", "SY", 36.7578, 35.1318, 5},
	{"Daraa", "SY", 36.1062, 32.6189, 5},
	{"Fallujah", "IQ", 43.7843, 33.3494, 4},
	{"Ramadi", "IQ", 43.3058, 33.4206, 4},
	{"Douma", "SY", 36.4017, 33.5722, 3},
	{"Al-Hasakah", "SY", 40.7487, 36.5024, 3},
	{"Tikrit", "IQ", 43.6793, 34.6071, 3},
	{"Kirkuk", "IQ", 44.3922, 35.4681, 3},
	{"Latakia", "SY", 35.7832, 35.5317, 2},
	{"Palmyra", "SY", 38.2684, 34.5601, 2},
	{"Qamishli", "SY", 41.2278, 37.0522, 2},
	{"Manbij", "SY", 37.9527, 36.5281, 2},
	{"Al-Bab", "SY", 37.5166, 36.3706, 2},
	{"Samarra", "IQ", 43.8756, 34.1959, 2},
	{"Baqubah", "IQ", 44.6550, 33.7466, 2},
	{"Basra", "IQ", 47.7804, 30.5085, 2},
	{"Kobani", "SY", 38.3571, 36.8903, 1},
	{"Erbil", "IQ", 44.0091, 36.1911, 1},
	{"Tal Afar", "IQ", 42.4506, 36.3765, 1},
	{"Hit", "IQ", 42.8262, 33.6416, 1},
	{"Haditha", "IQ", 42.3400, 34.1400, 1},
	{"Sinjar", "IQ", 41.8687, 36.3209, 1},
}

var eventTypes = []struct {
	name   string
	weight float64
	subs   []string
}{
	{"Battles", 30, []string{"Armed clash", "Government regains territory", "Non-state actor overtakes territory"}},
	{"Explosions/Remote violence", 35, []string{"Air/drone strike", "Shelling/artillery/missile attack", "Remote explosive/landmine/IED", "Suicide bomb"}},
	{"Violence against civilians", 15, []string{"Attack", "Abduction/forced disappearance"}},
	{"Protests", 10, []string{"Peaceful protest", "Protest with intervention"}},
	{"Riots", 3, []string{"Violent demonstration", "Mob violence"}},
	{"Strategic developments", 7, []string{"Headquarters or base established", "Looting/property destruction", "Agreement"}},
}

var actors = []string{
	"Military Forces of Syria", "Military Forces of Russia", "Military Forces of the United States",
	"Military Forces of Turkey", "Military Forces of Iraq", "Islamic State (Iraq and the Levant)",
	"Hayat Tahrir al-Sham", "Syrian Democratic Forces", "Popular Mobilization Forces",
	"Unidentified Armed Group (Syria)", "Civilians (Syria)", "Civilians (Iraq)", "Protesters (Iraq)",
}

var noteWords = []string{"market", "checkpoint", "convoy", "hospital", "school", "bridge", "village", "district",
	"airbase", "mosque", "bakery", "camp", "oil field", "highway", "outskirts", "old city", "neighbourhood", "farm"}

type record struct {
	SourceID     string   `json:"source_id"`
	Date         string   `json:"date"`
	EventType    string   `json:"event_type"`
	SubEventType string   `json:"sub_event_type"`
	Actor1       string   `json:"actor1"`
	Actor2       string   `json:"actor2,omitempty"`
	Fatalities   int      `json:"fatalities"`
	Place        string   `json:"place"`
	Country      string   `json:"country"`
	Lat          float64  `json:"lat"`
	Lon          float64  `json:"lon"`
	GeoPrecision int      `json:"geo_precision"`
	Notes        string   `json:"notes"`
	Sources      []string `json:"sources"`
}

// generate returns n incidents as NDJSON. Each town's incidents fall 70%
// in the town (sigma 3 km) and 30% in its surroundings (sigma 25 km).
func generate(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 0x6d617064))
	townCum := cumulative(len(towns), func(i int) float64 { return towns[i].weight })
	typeCum := cumulative(len(eventTypes), func(i int) float64 { return eventTypes[i].weight })
	first := time.Date(2012, 1, 1, 0, 0, 0, 0, time.UTC)
	days := int(time.Date(2023, 12, 31, 0, 0, 0, 0, time.UTC).Sub(first).Hours()/24) + 1
	var buf bytes.Buffer
	buf.Grow(n * 420)
	enc := json.NewEncoder(&buf)
	for i := range n {
		t := towns[pick(r, townCum)]
		sigma := 3.0
		if r.Float64() < 0.3 {
			sigma = 25
		}
		lat := t.lat + r.NormFloat64()*sigma/111.2
		lon := t.lon + r.NormFloat64()*sigma/(111.2*math.Cos(t.lat*math.Pi/180))
		et := eventTypes[pick(r, typeCum)]
		fat := 0
		if r.Float64() < 0.5 {
			fat = int(r.ExpFloat64() * 3)
		}
		a1 := actors[r.IntN(len(actors))]
		a2 := ""
		if r.Float64() < 0.6 {
			a2 = actors[r.IntN(len(actors))]
		}
		sub := et.subs[r.IntN(len(et.subs))]
		rec := record{
			SourceID:     "bench-" + strconv.Itoa(i),
			Date:         first.AddDate(0, 0, r.IntN(days)).Format(geo.DateLayout),
			EventType:    et.name,
			SubEventType: sub,
			Actor1:       a1,
			Actor2:       a2,
			Fatalities:   fat,
			Place:        t.name,
			Country:      t.country,
			Lat:          math.Round(lat*1e5) / 1e5,
			Lon:          math.Round(lon*1e5) / 1e5,
			GeoPrecision: 1 + int(sigma/25),
			Notes: fmt.Sprintf("%s near the %s of %s; %s reported", sub, noteWords[r.IntN(len(noteWords))], t.name,
				noteWords[r.IntN(len(noteWords))]),
			Sources: []string{[]string{"SOHR", "Reuters", "AFP", "Local media"}[r.IntN(4)]},
		}
		if err := enc.Encode(&rec); err != nil {
			panic(err) // a fixed struct always encodes
		}
	}
	return buf.Bytes()
}

func cumulative(n int, w func(int) float64) []float64 {
	c := make([]float64, n)
	sum := 0.0
	for i := range n {
		sum += w(i)
		c[i] = sum
	}
	for i := range c {
		c[i] /= sum
	}
	return c
}

func pick(r *rand.Rand, cum []float64) int {
	i, _ := slices.BinarySearch(cum, r.Float64())
	return min(i, len(cum)-1)
}

// --- import -------------------------------------------------------------

func importInto(ctx context.Context, s *incidents.Store, data []byte, progress func(int)) (incidents.ImportResult, time.Duration, error) {
	dec, _, err := incidents.NewDecoder(bytes.NewReader(data), "ndjson")
	if err != nil {
		return incidents.ImportResult{}, 0, err
	}
	t0 := time.Now()
	res, err := s.Import(ctx, dec, incidents.ImportOptions{Progress: progress})
	d := time.Since(t0)
	if err == nil && res.Rejected > 0 {
		err = fmt.Errorf("import rejected %d records: %+v", res.Rejected, res.Errors[:min(3, len(res.Errors))])
	}
	return res, d, err
}

// firstLines returns the first n lines of NDJSON.
func firstLines(data []byte, n int) []byte {
	off := 0
	for range n {
		i := bytes.IndexByte(data[off:], '\n')
		if i < 0 {
			return data
		}
		off += i + 1
	}
	return data[:off]
}

// importBaseline imports the first n incidents into a database whose tile
// triggers (cluster cells and data version) and tile index are dropped:
// the import rate before this feature.
func importBaseline(ctx context.Context, path string, data []byte, n int) (row, error) {
	s, err := incidents.Open(ctx, path)
	if err != nil {
		return row{}, err
	}
	s.Close()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		return row{}, err
	}
	for _, stmt := range []string{"DROP TRIGGER tile_cells_ai", "DROP TRIGGER tile_cells_au", "DROP TRIGGER tile_cells_ad",
		"DROP TRIGGER incidents_version_ai", "DROP TRIGGER incidents_version_au", "DROP TRIGGER incidents_version_ad",
		"DROP INDEX incidents_tile_scan"} {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			db.Close()
			return row{}, err
		}
	}
	db.Close()
	if s, err = incidents.Open(ctx, path); err != nil {
		return row{}, err
	}
	defer s.Close()
	logf("baseline import of %d incidents without tile triggers", n)
	res, d, err := importInto(ctx, s, firstLines(data, n), nil)
	if err != nil {
		return row{}, err
	}
	return row{what: fmt.Sprintf("import, tile triggers and index dropped (first %d)", n), n: res.Inserted,
		rate: fmt.Sprintf("%.0f records/s", float64(res.Inserted)/d.Seconds()), note: "baseline: what 0001 alone costs"}, nil
}

func importAll(ctx context.Context, path string, data []byte, baseline int) ([]row, error) {
	s, err := incidents.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	logf("importing every incident through Store.Import")
	t0 := time.Now()
	var atBaseline time.Duration
	lastLog := t0
	res, d, err := importInto(ctx, s, data, func(n int) {
		if atBaseline == 0 && baseline > 0 && n >= baseline {
			atBaseline = time.Since(t0)
		}
		if time.Since(lastLog) > 10*time.Second {
			lastLog = time.Now()
			logf("  %d imported", n)
		}
	})
	if err != nil {
		return nil, err
	}
	var rows []row
	if baseline > 0 && atBaseline > 0 {
		rows = append(rows, row{what: fmt.Sprintf("import, with tile triggers (first %d)", baseline), n: baseline,
			rate: fmt.Sprintf("%.0f records/s", float64(baseline)/atBaseline.Seconds()), note: "same records as the baseline"})
	}
	rows = append(rows, row{what: "import, all (NDJSON via incidents.NewDecoder)", n: res.Inserted,
		rate: fmt.Sprintf("%.0f records/s", float64(res.Inserted)/d.Seconds()), note: fmt.Sprintf("%.1f s, batches of 5000", d.Seconds())})
	if fi, err := os.Stat(path); err == nil {
		rows[len(rows)-1].bytes = fmt.Sprintf("%.0f MB db", float64(fi.Size())/1e6)
	}
	return rows, nil
}

// --- gazetteer ----------------------------------------------------------

func benchGazetteer(ctx context.Context) []row {
	logf("loading the default gazetteer")
	runtime.GC()
	t0 := time.Now()
	g, err := gazetteer.Default(ctx)
	load := time.Since(t0)
	if err != nil {
		return []row{{what: "gazetteer cold load", note: "failed: " + err.Error()}}
	}
	rows := []row{{what: "gazetteer cold load (gazetteer.Default)", n: 1, p50: load, note: fmt.Sprintf("%d places", g.Len())}}
	exact := []string{"Deir ez-Zor", "Raqqa", "Aleppo", "Damascus", "Homs", "Hama", "Idlib", "Palmyra", "Manbij", "Kobani",
		"Daraa", "Latakia", "Mosul", "Baghdad", "Fallujah", "Ramadi", "Tikrit", "Kirkuk", "Samarra", "Basra", "Erbil", "Qamishli"}
	fuzzy := []string{"Deir Ezzzor", "Dayr az Zawr", "Deir el-Zour", "Raqqqa", "Alepo", "Damascuss", "Homms", "Hamah", "Idleb",
		"Palmira", "Manbej", "Kobane", "Deraa", "Lattakia", "Mossul", "Bagdad", "Falluja", "Ramadie", "Tikreet", "Kerkuk", "Samara", "Basrah"}
	for _, set := range []struct {
		name  string
		names []string
	}{{"exact", exact}, {"fuzzy (misspelt)", fuzzy}} {
		var lat []time.Duration
		matched := 0
		deadline := time.Now().Add(2 * time.Second)
		for i := 0; time.Now().Before(deadline); i++ {
			name := set.names[i%len(set.names)]
			t := time.Now()
			res, err := g.Resolve(ctx, gazetteer.Query{Name: name})
			lat = append(lat, time.Since(t))
			if err == nil && res.Match != nil && i < len(set.names) {
				matched++
			}
		}
		total := time.Duration(0)
		for _, d := range lat {
			total += d
		}
		p50, p99 := percentiles(lat)
		rows = append(rows, row{what: "gazetteer Resolve, " + set.name, n: len(lat), p50: p50, p99: p99,
			rate: fmt.Sprintf("%.0f resolutions/s", float64(len(lat))/total.Seconds()),
			note: fmt.Sprintf("%d/%d names matched; 1 goroutine", matched, len(set.names))})
	}
	return rows
}

// --- server -------------------------------------------------------------

type server struct {
	cmd  *exec.Cmd
	base string
	log  string
	done chan error
}

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
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MAPD_") {
			env = append(env, kv)
		}
	}
	cmd.Env = env
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
	for range min(l.workers, len(urls)) {
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
					n = count(plain)
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

func numberReturned(b []byte) int {
	i := bytes.LastIndex(b, []byte(`"numberReturned":`))
	if i < 0 {
		return 0
	}
	rest := b[i+len(`"numberReturned":`):]
	j := 0
	for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
		j++
	}
	n, _ := strconv.Atoi(string(rest[:j]))
	return n
}

func percentiles(d []time.Duration) (p50, p99 time.Duration) {
	if len(d) == 0 {
		return 0, 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)*50/100], s[min(len(s)-1, len(s)*99/100)]
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

func benchHTTP(ctx context.Context, srv *server, o options) ([]row, error) {
	l := newLoader(o.workers)
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
		res, err := l.run(ctx, urls, nil, numberReturned)
		if err != nil {
			return nil, err
		}
		p50, p99 := percentiles(res.lat)
		rows = append(rows, row{what: p.name, n: len(res.lat), p50: p50, p99: p99,
			rate:  fmt.Sprintf("%.0f features/s", float64(res.items)/res.elapsed.Seconds()),
			bytes: fmt.Sprintf("%.0f KB gz", float64(median(res.sizes))/1e3),
			note:  fmt.Sprintf("%.0f features/page; %s", float64(res.items)/float64(max(1, len(res.lat))), statusNote(res.status))})
		if p.limit == 1000 {
			// The same pages one at a time: latency without queueing.
			one := &loader{client: l.client, workers: 1}
			res, err := one.run(ctx, urls[:min(len(urls), 24)], nil, numberReturned)
			if err != nil {
				return nil, err
			}
			p50, p99 := percentiles(res.lat)
			rows = append(rows, row{what: p.name + ", 1 client", n: len(res.lat), p50: p50, p99: p99,
				rate: fmt.Sprintf("%.0f features/s", float64(res.items)/res.elapsed.Seconds()), note: statusNote(res.status)})
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
			res, err := l.run(ctx, urls, map[string]string{"Accept": "application/geo+json"}, numberReturned)
			if err != nil {
				return nil, err
			}
			p50, p99 := percentiles(res.lat)
			rows = append(rows, row{what: u.name, n: len(res.lat), p50: p50, p99: p99,
				rate:  fmt.Sprintf("%.0f features/s", float64(res.items)/res.elapsed.Seconds()),
				bytes: fmt.Sprintf("%.0f KB gz", float64(median(res.sizes))/1e3), note: statusNote(res.status)})
		}
	} else {
		logf("no OGC items endpoint: skipped")
	}

	// Vector tiles. Dense: the tiles holding the busiest towns; empty:
	// tiles over the sea. Cold tiles are measured right after a write
	// (which empties the server's tile cache), several rounds.
	empties := [][2]float64{{-30, 10}, {-140, 20}, {80, -40}, {-20, -30}, {160, -20}, {-60, 40}}
	rounds := 8 / min(scale, 2)
	var cachedLat, revalLat []time.Duration
	for _, z := range []int{4, 6, 8, 10, 14} {
		dense := tileURLs(srv.base, z, towns[:12], nil, "")
		empty := tileURLs(srv.base, z, nil, empties, "")
		sets := []struct {
			name string
			urls []string
		}{{fmt.Sprintf("tile z=%d dense (%d tiles), cold", z, len(dense)), dense}, {fmt.Sprintf("tile z=%d empty (%d tiles), cold", z, len(empty)), empty}}
		if z == 6 || z == 10 {
			sets = append(sets, struct {
				name string
				urls []string
			}{fmt.Sprintf("tile z=%d dense, filter from/to 2016, cold", z), tileURLs(srv.base, z, towns[:12], nil, "from=2016-01-01&to=2016-12-31")})
		}
		for i, set := range sets {
			var all result
			all.status = map[int]int{}
			n := rounds
			if i == 2 {
				n = 2 // filtered tiles scan incidents: a couple of rounds tell enough
			}
			for range n {
				if err := l.bump(ctx, srv.base); err != nil {
					return nil, err
				}
				res, err := l.run(ctx, set.urls, nil, nil)
				if err != nil {
					return nil, err
				}
				all.lat = append(all.lat, res.lat...)
				all.sizes = append(all.sizes, res.sizes...)
				for k, v := range res.status {
					all.status[k] += v
				}
			}
			logf("%s: %d requests", set.name, len(all.lat))
			p50, p99 := percentiles(all.lat)
			rows = append(rows, row{what: set.name, n: len(all.lat), p50: p50, p99: p99,
				bytes: fmt.Sprintf("%d B gz", median(all.sizes)), note: statusNote(all.status)})
		}
		// Warm: the same dense tiles again, from the LRU, and revalidated.
		res, err := l.run(ctx, slices.Repeat(dense, 20), nil, nil)
		if err != nil {
			return nil, err
		}
		cachedLat = append(cachedLat, res.lat...)
		resp, err := l.client.Get(dense[0])
		if err != nil {
			return nil, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		res, err = l.run(ctx, slices.Repeat(dense[:1], 50), map[string]string{"If-None-Match": resp.Header.Get("ETag")}, nil)
		if err != nil {
			return nil, err
		}
		if res.status[http.StatusNotModified] != len(res.lat) {
			return nil, fmt.Errorf("revalidation: got %s, want only 304", statusNote(res.status))
		}
		revalLat = append(revalLat, res.lat...)
	}
	p50, p99 := percentiles(cachedLat)
	rows = append(rows, row{what: "tile, cached (LRU hit), z=4..14 dense", n: len(cachedLat), p50: p50, p99: p99})
	p50, p99 = percentiles(revalLat)
	rows = append(rows, row{what: "tile, If-None-Match → 304", n: len(revalLat), p50: p50, p99: p99})
	return rows, nil
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

// --- output -------------------------------------------------------------

func render(o options, rows []row, total time.Duration) string {
	var b strings.Builder
	cmdline := "go run ./bench"
	if len(os.Args) > 1 {
		cmdline += " " + strings.Join(os.Args[1:], " ")
	}
	fmt.Fprintf(&b, "# mapd benchmark\n\n")
	fmt.Fprintf(&b, "`%s` (make bench) on %s, %d incidents, seed %d, %d CPUs (GOMAXPROCS %d), %s %s/%s, %d HTTP workers over loopback with keep-alive; total %s.\n\n",
		cmdline, time.Now().UTC().Format("2006-01-02 15:04 UTC"), o.n, o.seed, runtime.NumCPU(), runtime.GOMAXPROCS(0),
		runtime.Version(), runtime.GOOS, runtime.GOARCH, o.workers, total.Round(time.Second))
	b.WriteString("| measurement | n | p50 | p99 | throughput | size | notes |\n|---|---:|---:|---:|---:|---:|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n", r.what, intOrDash(r.n), dur(r.p50), dur(r.p99), dash(r.rate), dash(r.bytes), r.note)
	}
	b.WriteString("\nLatencies are client-side (request sent to body read) with every worker busy at once, so they include queueing on the 2 shared cores that the server and this client share. " +
		"Cold tiles are requested right after a write, which empties the server's tile cache. Sizes are medians of the gzip-encoded bodies.\n")
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
