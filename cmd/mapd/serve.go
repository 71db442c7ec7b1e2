package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/mapd/mapd/incidents"
	"github.com/mapd/mapd/incidents/index"
	"github.com/mapd/mapd/web"
)

// Main is the serve command: ParseFlags, then Run, then Close. Tests start
// the whole program on 127.0.0.1:0 with a temporary database.
type Main struct {
	Addr         string
	DB           string
	Replicas     stringList
	Demo         bool
	TokenFile    string
	Tiles        string
	TilesAttrib  string
	Gazetteers   stringList
	LogFormat    string
	AllowRemote  bool
	MaxImportMiB int
	ReadToken    bool
	CORSOrigins  stringList
	WritesPerMin int
	// TileThreshold is the number of incidents in view above which the map
	// switches from GeoJSON to vector tiles.
	TileThreshold int
	// IndexMiB is the memory budget of the in-memory index; past it the
	// server answers from SQLite's indexes.
	IndexMiB int

	stdout, stderr io.Writer
	log            *slog.Logger
	store          incidents.Store
	listener       net.Listener
	srv            *http.Server
	readOnly       bool
	tokens         []string
	ready          chan struct{}
}

// indexedStore is a store that keeps the in-memory index (incidents/index)
// once started: the SQLite store.
type indexedStore interface {
	StartIndex(opts index.Options)
}

// NewMain returns a Main with the documented defaults.
func NewMain(stdout, stderr io.Writer) *Main {
	return &Main{Addr: "127.0.0.1:8080", DB: "mapd.db", Tiles: "none", LogFormat: "text", MaxImportMiB: 256,
		IndexMiB: int(index.DefaultMaxBytes >> 20), TileThreshold: web.DefaultTileThreshold, stdout: stdout, stderr: stderr, ready: make(chan struct{})}
}

// ParseFlags reads the serve flags and their MAPD_* environment twins.
func (m *Main) ParseFlags(args []string) (done bool, code int) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(m.stderr)
	fs.StringVar(&m.Addr, "addr", m.Addr, "address to listen on (MAPD_ADDR)")
	fs.StringVar(&m.DB, "db", m.DB, dbUsage)
	fs.Var(&m.Replicas, "db-replica", "postgres:// URL of a streaming replica of --db to read from; repeatable (MAPD_DB_REPLICA)")
	fs.BoolVar(&m.Demo, "demo", m.Demo, "load the built-in demo incidents into an empty database (MAPD_DEMO)")
	fs.StringVar(&m.TokenFile, "token-file", m.TokenFile, "file of bearer tokens, one per line, required for writes (MAPD_TOKEN_FILE)")
	fs.StringVar(&m.Tiles, "tiles", m.Tiles, "raster tile URL template for the map, or none (MAPD_TILES)")
	fs.StringVar(&m.TilesAttrib, "tiles-attribution", m.TilesAttrib, "attribution text of the tile provider (MAPD_TILES_ATTRIBUTION)")
	fs.Var(&m.Gazetteers, "gazetteer", "GeoNames file to add to the built-in gazetteer; repeatable (MAPD_GAZETTEER)")
	fs.StringVar(&m.LogFormat, "log-format", m.LogFormat, "log format: text or json (MAPD_LOG_FORMAT)")
	fs.BoolVar(&m.AllowRemote, "allow-remote-writes", m.AllowRemote, "allow writes without a token on a non-loopback address (MAPD_ALLOW_REMOTE_WRITES)")
	fs.IntVar(&m.MaxImportMiB, "max-import-mib", m.MaxImportMiB, "largest import body accepted over HTTP, in MiB (MAPD_MAX_IMPORT_MIB)")
	fs.BoolVar(&m.ReadToken, "read-token-required", m.ReadToken, "reads need a bearer token too (MAPD_READ_TOKEN_REQUIRED)")
	fs.Var(&m.CORSOrigins, "cors-origin", "browser origin allowed to call the API; repeatable; default none (MAPD_CORS_ORIGIN)")
	fs.IntVar(&m.WritesPerMin, "writes-per-minute", m.WritesPerMin, "write requests allowed per client per minute; -1 for no limit (MAPD_WRITES_PER_MINUTE)")
	fs.IntVar(&m.TileThreshold, "tile-threshold", m.TileThreshold, "incidents in view above which the map draws vector tiles instead of GeoJSON (MAPD_TILE_THRESHOLD)")
	fs.IntVar(&m.IndexMiB, "index-mib", m.IndexMiB, "memory budget of the in-memory index of the incidents, in MiB, about 47 bytes per incident; past it counts, statistics and tiles come from SQLite, slower (MAPD_INDEX_MIB)")
	fs.Usage = func() {
		fmt.Fprintln(m.stderr, "Usage: mapd serve [flags]\n\nServes the map, the API, OGC API - Features and vector tiles.\n\nFlags:")
		fs.PrintDefaults()
	}
	done, code = parseFlags(fs, args)
	if done {
		return done, code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(m.stderr, "mapd serve: unexpected argument %q\n", fs.Arg(0))
		return true, 2
	}
	if m.ReadToken && m.TokenFile == "" {
		fmt.Fprintf(m.stderr, "mapd serve: --read-token-required needs --token-file\n")
		return true, 2
	}
	if m.LogFormat != "text" && m.LogFormat != "json" {
		fmt.Fprintf(m.stderr, "mapd serve: --log-format must be text or json\n")
		return true, 2
	}
	if m.IndexMiB < 1 {
		fmt.Fprintf(m.stderr, "mapd serve: --index-mib must be 1 or more\n")
		return true, 2
	}
	if m.TileThreshold < 1 {
		fmt.Fprintf(m.stderr, "mapd serve: --tile-threshold must be 1 or more\n")
		return true, 2
	}
	return false, 0
}

// Run opens the database, loads the gazetteer, starts listening and serves
// until ctx is cancelled; then it drains in-flight requests.
func (m *Main) Run(ctx context.Context) error {
	if m.LogFormat == "json" {
		m.log = slog.New(slog.NewJSONHandler(m.stderr, nil))
	} else {
		m.log = slog.New(slog.NewTextHandler(m.stderr, nil))
	}
	if m.TokenFile != "" {
		tokens, err := readTokens(m.TokenFile)
		if err != nil {
			return err
		}
		m.tokens = tokens
	}
	// The gazetteer loads on first use (place search, labels, extraction,
	// a write that needs a place resolved): a server that only serves
	// incidents never holds it, and its load does not compete with the
	// index build. Its files are checked now so that a wrong path fails
	// at start.
	for _, f := range m.Gazetteers {
		fh, err := os.Open(f)
		if err != nil {
			return fmt.Errorf("load gazetteer: %w", err)
		}
		fh.Close()
	}
	ln, err := net.Listen("tcp", m.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", m.Addr, err)
	}
	m.listener = ln
	if len(m.tokens) == 0 && !isLoopback(ln.Addr()) && !m.AllowRemote {
		m.readOnly = true
		m.log.Warn("listening on a non-loopback address without --token-file: the server is read-only", "addr", ln.Addr().String())
	}
	store, err := openStoreReplicas(ctx, m.DB, m.Replicas, m.log)
	if err != nil {
		return err
	}
	m.store = store
	setServeGC()
	// The index builds in the background: /healthz answers at once, and
	// reads use SQLite until it is ready.
	if ix, ok := store.(indexedStore); ok {
		ix.StartIndex(index.Options{MaxBytes: int64(m.IndexMiB) << 20, Logger: m.log})
	}
	if m.Demo {
		n, err := incidents.LoadDemo(ctx, store)
		if err != nil {
			return err
		}
		if n > 0 {
			m.log.Info("loaded demo incidents", "count", n)
		}
	}
	resolver := &placeResolver{files: m.Gazetteers, log: m.log}
	tiles := m.Tiles
	if tiles == "none" {
		tiles = ""
	}
	attrib := m.TilesAttrib
	if tiles != "" && attrib == "" && strings.Contains(tiles, "openstreetmap.org") {
		attrib = "© OpenStreetMap contributors"
	}
	srv, err := web.New(web.Config{
		Store: store, Resolver: resolver, LoadPlaces: resolver.places, Logger: m.log,
		Tokens: m.tokens, ReadOnly: m.readOnly, TilesURL: tiles, TilesAttribution: attrib,
		MaxImportBytes: int64(m.MaxImportMiB) << 20, Version: version, DBPath: dbPath(m.DB),
		ReadTokenRequired: m.ReadToken, CORSOrigins: m.CORSOrigins, WritesPerMinute: m.WritesPerMin,
		TileThreshold: m.TileThreshold,
	})
	if err != nil {
		return err
	}
	m.srv = &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       10 * time.Minute, // imports can be large
		WriteTimeout:      10 * time.Minute, // exports stream
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    web.MaxHeaderBytes, // a filter that is too long gets a 400 saying so
	}
	m.log.Info("mapd listening", "url", "http://"+ln.Addr().String(), "db", redactURL(m.DB), "read_only", m.readOnly, "auth", len(m.tokens) > 0)
	errc := make(chan error, 1)
	go func() { errc <- m.srv.Serve(ln) }()
	close(m.ready)
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("serve: %w", err)
		}
		return nil
	case <-ctx.Done():
	}
	m.log.Info("shutting down: draining requests")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := m.srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// Ready is closed once the server accepts requests.
func (m *Main) Ready() <-chan struct{} { return m.ready }

// ReadOnly reports whether the server refuses writes.
func (m *Main) ReadOnly() bool { return m.readOnly }

// URL returns the base URL the server listens on, once Ready is closed.
func (m *Main) URL() string {
	if m.listener == nil {
		return ""
	}
	return "http://" + m.listener.Addr().String()
}

// Close closes the database cleanly (checkpointing its WAL).
func (m *Main) Close() error {
	if m.store != nil {
		return m.store.Close()
	}
	if m.srv == nil && m.listener != nil {
		m.listener.Close()
	}
	return nil
}

func readTokens(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("token file: %w", err)
	}
	var tokens []string
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if len(line) < 16 {
			return nil, fmt.Errorf("token file %s: a token is shorter than 16 characters", path)
		}
		tokens = append(tokens, line)
	}
	if len(tokens) == 0 {
		return nil, fmt.Errorf("token file %s holds no token", path)
	}
	return tokens, nil
}

func isLoopback(a net.Addr) bool {
	tcp, ok := a.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	m := NewMain(stdout, stderr)
	if done, code := m.ParseFlags(args); done {
		return code
	}
	err := m.Run(ctx)
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		fmt.Fprintf(stderr, "mapd serve: %v\n", err)
		return 2
	}
	return 0
}

// serveGCPercent is the garbage collector's target of a server: its heap
// may grow to 1.35 times what is live rather than twice. Most of what a
// server keeps live (the gazetteer, the in-memory index) stays for its
// lifetime, so the default target let the heap grow by as much again in
// garbage. At 1,000,000 incidents (about 170 MB live once the gazetteer is
// loaded) 35 rather than 50 lowered the peak resident memory of make
// bench's sequence of requests from 367-387 to 337-344 MB, for a GC share
// of the CPU of 7% rather than 4% and no difference in page throughput
// within the noise (issue 16's target is 400 MB).
const serveGCPercent = 35

// setServeGC sets serveGCPercent, unless the environment sets GOGC or
// GOMEMLIMIT, which the Go runtime honours instead.
func setServeGC() {
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetGCPercent(serveGCPercent)
	}
}
