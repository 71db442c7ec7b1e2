package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"runtime/trace"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/mapd/mapd/incidents"
	"github.com/mapd/mapd/incidents/sqlite"
)

// TestMain lets the test binary stand in for the mapd binary: with
// MAPD_TEST_RUN set, it runs those arguments as mapd would and exits, so
// tests can kill a real import process.
func TestMain(m *testing.M) {
	if args := os.Getenv("MAPD_TEST_RUN"); args != "" {
		os.Exit(run(context.Background(), strings.Split(args, "\x1f"), os.Stdin, io.Discard, os.Stderr))
	}
	os.Exit(m.Run())
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// writeNDJSON writes n valid incidents with source ids and coordinates.
func writeNDJSON(t *testing.T, path string, n int, seed uint64) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	rng := rand.New(rand.NewPCG(seed, 7))
	for i := 0; i < n; i++ {
		fmt.Fprintf(w, `{"source_id":"crash-%d","date":"2016-%02d-%02d","event_type":%q,"lat":%.5f,"lon":%.5f,"fatalities":%d,"notes":"record %d"}`+"\n",
			i, 1+rng.IntN(12), 1+rng.IntN(28), incidents.EventTypes[rng.IntN(6)], 32+rng.Float64()*5, 36+rng.Float64()*6, rng.IntN(30), i)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
}

// TestImportSurvivesKill imports a file in a child process and kills it with
// SIGKILL at random points, into an empty database (a bulk load: one
// transaction) and into one that already holds an incident (batches of
// 5,000 records). After each kill the database must pass its integrity
// checks and hold nothing of the file (bulk load) or only whole batches; a
// final run must complete the import with exactly the records of the file.
// MAPD_CRASH_N and MAPD_CRASH_RUNS make it longer (`make crash`).
func TestImportSurvivesKill(t *testing.T) {
	if testing.Short() {
		t.Skip("kills subprocesses; skipped with -short")
	}
	n := envInt("MAPD_CRASH_N", 10000)
	runs := envInt("MAPD_CRASH_RUNS", 5)
	const batch = 5000 // the store's default batch size
	file := filepath.Join(t.TempDir(), "in.ndjson")
	writeNDJSON(t, file, n, 1)
	for _, mode := range []struct {
		name    string
		present int // incidents in the database before the import
	}{
		{"bulk load", 0},
		{"batches", 1},
	} {
		t.Run(mode.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "crash.db")
			ctx := context.Background()
			s, err := sqlite.Open(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < mode.present; i++ {
				lat, lon := 35.3, 40.1
				in := incidents.Incident{SourceID: fmt.Sprintf("present-%d", i), Date: "2016-09-17", EventType: "Battles", Lat: &lat, Lon: &lon}
				if err := s.Create(ctx, &in, nil); err != nil {
					t.Fatal(err)
				}
			}
			s.Close()
			killImports(t, db, file, runs, func(count int) bool {
				stored := count - mode.present
				if mode.present == 0 {
					return stored == 0 || stored == n
				}
				return stored%batch == 0 || stored == n
			})
			code, res, out := mapdImport(t, "--db", db, file)
			if code != 0 || res.Received != n || res.Rejected != 0 {
				t.Fatalf("final import: exit %d, %+v, %s", code, res, out)
			}
			s, err = sqlite.Open(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if count, _ := s.Count(ctx, incidents.Filter{}); count != n+mode.present {
				t.Fatalf("got %d incidents after the final run, want %d", count, n+mode.present)
			}
			if err := s.Check(ctx); err != nil {
				t.Fatal(err)
			}
			t.Logf("final run: %+v", res)
		})
	}
}

// killImports runs `mapd import --db db file` in a child process runs
// times, killing it with SIGKILL at a random moment, and checks after each
// kill that the database passes its checks and that ok accepts the number
// of incidents stored.
func killImports(t *testing.T, db, file string, runs int, ok func(count int) bool) {
	t.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	for i := 0; i < runs; i++ {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "MAPD_TEST_RUN="+strings.Join([]string{"import", "--db", db, file}, "\x1f"))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		delay := time.Duration(200+rng.IntN(1800)) * time.Millisecond
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
			t.Logf("run %d finished before the kill at %v", i, delay)
		case <-time.After(delay):
			_ = cmd.Process.Signal(syscall.SIGKILL)
			<-done
		}
		s, err := sqlite.Open(ctx, db)
		if err != nil {
			t.Fatalf("run %d: reopen after kill: %v", i, err)
		}
		if err := s.Check(ctx); err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
		count, err := s.Count(ctx, incidents.Filter{})
		s.Close()
		if err != nil {
			t.Fatal(err)
		}
		if !ok(count) {
			t.Fatalf("run %d: %d incidents after the kill at %v", i, count, delay)
		}
		t.Logf("run %d: killed after %v with %d incidents stored", i, delay, count)
	}
}

// TestLoad runs concurrent clients mixing reads and writes against the real
// server over loopback. MAPD_LOAD_SECONDS and MAPD_LOAD_CLIENTS make it
// longer (`make load`).
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load test; skipped with -short")
	}
	seconds := envInt("MAPD_LOAD_SECONDS", 4)
	clients := envInt("MAPD_LOAD_CLIENTS", 32)
	readsOnly := os.Getenv("MAPD_LOAD_MIX") == "reads" // default: 70% reads, 30% writes
	if dir := os.Getenv("MAPD_LOAD_PROFILE"); dir != "" {
		stop := startLoadProfiles(t, dir)
		defer stop()
	}
	m, cancel, errc := startMain(t, "--demo", "--writes-per-minute", "-1")
	defer func() { cancel(); <-errc; m.Close() }()
	base := m.URL()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}, Timeout: 30 * time.Second}

	// Seed some data and measure idle read latency.
	var seed strings.Builder
	for i := 0; i < 2000; i++ {
		fmt.Fprintf(&seed, `{"date":"2016-09-%02d","event_type":"Battles","lat":%.4f,"lon":%.4f,"notes":"seed"}`+"\n", 1+i%28, 33+float64(i%500)/100, 36+float64(i%700)/100)
	}
	resp, err := client.Post(base+"/api/incidents/import", "application/x-ndjson", strings.NewReader(seed.String()))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	reads := []string{
		"/api/incidents?bbox=36,33,40,36&limit=100",
		"/api/incidents?bbox=35,32,43,38&limit=500&event_type=Battles",
		"/api/incidents?q=seed&limit=50",
		"/tiles/incidents/6/39/25.mvt",
		"/tiles/incidents/10/620/405.mvt",
		"/api/stats",
	}
	get := func(path string) (int, time.Duration, error) {
		start := time.Now()
		resp, err := client.Get(base + path)
		if err != nil {
			return 0, 0, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, time.Since(start), nil
	}
	var idle []time.Duration
	for i := 0; i < 60; i++ {
		_, d, err := get(reads[i%len(reads)])
		if err != nil {
			t.Fatal(err)
		}
		idle = append(idle, d)
	}

	before := readLoadMetrics()
	var (
		mu                           sync.Mutex
		loaded                       []time.Duration
		byPath                       = map[string][]time.Duration{}
		requests, errors5xx, locked  atomic.Int64
		creates, deletes, otherFails atomic.Int64
	)
	deadline := time.Now().Add(time.Duration(seconds) * time.Second)
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(c), 3))
			var mine []string
			for time.Now().Before(deadline) {
				requests.Add(1)
				var status int
				var body []byte
				switch k := rng.IntN(10); {
				case k < 7 || readsOnly:
					path := reads[rng.IntN(len(reads))]
					s, d, err := get(path)
					if err != nil {
						otherFails.Add(1)
						continue
					}
					status = s
					mu.Lock()
					loaded = append(loaded, d)
					byPath[path] = append(byPath[path], d)
					mu.Unlock()
				case k < 9 || len(mine) == 0:
					resp, err := client.Post(base+"/api/incidents", "application/json", strings.NewReader(
						fmt.Sprintf(`{"date":"2016-09-17","event_type":"Riots","lat":%.4f,"lon":%.4f,"notes":"load %d"}`, 33+rng.Float64(), 37+rng.Float64(), c)))
					if err != nil {
						otherFails.Add(1)
						continue
					}
					body, _ = io.ReadAll(resp.Body)
					resp.Body.Close()
					status = resp.StatusCode
					if status == 201 {
						creates.Add(1)
						mine = append(mine, resp.Header.Get("Location"))
					}
				default:
					loc := mine[len(mine)-1]
					mine = mine[:len(mine)-1]
					req, _ := http.NewRequest("DELETE", base+loc, nil)
					resp, err := client.Do(req)
					if err != nil {
						otherFails.Add(1)
						continue
					}
					body, _ = io.ReadAll(resp.Body)
					resp.Body.Close()
					status = resp.StatusCode
					if status == 204 {
						deletes.Add(1)
					}
				}
				if status >= 500 {
					errors5xx.Add(1)
					if bytes.Contains(body, []byte("locked")) || bytes.Contains(body, []byte("busy")) {
						locked.Add(1)
					}
				}
			}
		}(c)
	}
	wg.Wait()
	t.Logf("during the load: %s", readLoadMetrics().since(before, requests.Load()))

	p := func(ds []time.Duration, q float64) time.Duration {
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		return ds[int(float64(len(ds)-1)*q)]
	}
	idleP99, loadP50, loadP99 := p(idle, 0.99), p(loaded, 0.5), p(loaded, 0.99)
	for _, path := range reads {
		if ds := byPath[path]; len(ds) > 0 {
			t.Logf("  %-60s %5d reads, p50 %v p99 %v", path, len(ds), p(ds, 0.5), p(ds, 0.99))
		}
	}
	mix := "mixed"
	if readsOnly {
		mix = "reads only"
	}
	t.Logf("%s, GOMAXPROCS %d: %d clients for %ds: %d requests, %d 5xx, %d locked, %d transport errors; reads p50 %v p99 %v (idle p99 %v); %d creates, %d deletes",
		mix, runtime.GOMAXPROCS(0), clients, seconds, requests.Load(), errors5xx.Load(), locked.Load(), otherFails.Load(), loadP50, loadP99, idleP99, creates.Load(), deletes.Load())
	if errors5xx.Load() > 0 || otherFails.Load() > 0 {
		t.Fatalf("got %d 5xx responses (%d database locked) and %d transport errors, want none", errors5xx.Load(), locked.Load(), otherFails.Load())
	}
	// The p99 bound is reported, not asserted: latency on a shared machine
	// is noise, and `make load` prints it for a human to judge.
	resp, err = client.Get(base + "/api/incidents?q=load&limit=1")
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		NumberMatched int64 `json:"numberMatched"`
	}
	json.NewDecoder(resp.Body).Decode(&fc)
	resp.Body.Close()
	if want := creates.Load() - deletes.Load(); fc.NumberMatched != want {
		t.Fatalf("got %d load incidents at the end, want creates-deletes = %d", fc.NumberMatched, want)
	}
}

// startLoadProfiles records a runtime trace and mutex and block profiles
// of TestLoad in dir, for `go tool trace` and `go tool pprof`.
func startLoadProfiles(t *testing.T, dir string) (stop func()) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, "trace.out"))
	if err != nil {
		t.Fatal(err)
	}
	if err := trace.Start(f); err != nil {
		t.Fatal(err)
	}
	runtime.SetMutexProfileFraction(10)
	runtime.SetBlockProfileRate(int(100 * time.Microsecond))
	return func() {
		trace.Stop()
		f.Close()
		for _, name := range []string{"mutex", "block"} {
			out, err := os.Create(filepath.Join(dir, name+".pprof"))
			if err != nil {
				t.Error(err)
				continue
			}
			pprof.Lookup(name).WriteTo(out, 0)
			out.Close()
		}
		runtime.SetMutexProfileFraction(0)
		runtime.SetBlockProfileRate(0)
	}
}

// loadMetrics is a reading of the runtime's metrics that tell queueing
// (goroutines waiting to run) from stalls (garbage collection pauses,
// waits for locks).
type loadMetrics struct {
	sched, gcPauses *metrics.Float64Histogram
	mutexWait       float64 // seconds spent blocked on sync.Mutex and RWMutex
	gcCycles        uint64
	cpu             time.Duration // user and system CPU time of the process
}

func readLoadMetrics() loadMetrics {
	samples := []metrics.Sample{
		{Name: "/sched/latencies:seconds"},
		{Name: "/sched/pauses/stopping/gc:seconds"},
		{Name: "/sync/mutex/wait/total:seconds"},
		{Name: "/gc/cycles/total:gc-cycles"},
	}
	metrics.Read(samples)
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return loadMetrics{
		cpu:       time.Duration(ru.Utime.Nano() + ru.Stime.Nano()),
		sched:     samples[0].Value.Float64Histogram(),
		gcPauses:  samples[1].Value.Float64Histogram(),
		mutexWait: samples[2].Value.Float64(),
		gcCycles:  samples[3].Value.Uint64(),
	}
}

// since describes what happened between before and m, for n requests.
func (m loadMetrics) since(before loadMetrics, n int64) string {
	return fmt.Sprintf("CPU %v per request (clients and server); run queue wait p50 %v p99 %v max %v; %d GC cycles, stop-the-world pauses p99 %v max %v; %.2f s blocked on mutexes",
		(m.cpu-before.cpu)/time.Duration(max(n, 1)),
		histQuantile(m.sched, before.sched, 0.5), histQuantile(m.sched, before.sched, 0.99), histQuantile(m.sched, before.sched, 1),
		m.gcCycles-before.gcCycles, histQuantile(m.gcPauses, before.gcPauses, 0.99), histQuantile(m.gcPauses, before.gcPauses, 1),
		m.mutexWait-before.mutexWait)
}

// histQuantile returns the q quantile of the observations a holds beyond
// those b holds (upper bucket bounds, rounded).
func histQuantile(a, b *metrics.Float64Histogram, q float64) time.Duration {
	var total uint64
	for i := range a.Counts {
		total += a.Counts[i] - b.Counts[i]
	}
	if total == 0 {
		return 0
	}
	want := uint64(q * float64(total))
	var cum uint64
	for i := range a.Counts {
		cum += a.Counts[i] - b.Counts[i]
		if cum >= want && cum > 0 {
			up := a.Buckets[i+1]
			if up > 1e9 {
				up = a.Buckets[i]
			}
			return time.Duration(up * 1e9).Round(time.Microsecond)
		}
	}
	return 0
}
