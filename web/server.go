// Package web is mapd's HTTP layer: the gin router with the /api endpoints,
// OGC API - Features, vector tiles and the embedded Leaflet map. Handlers
// return errors; one adapter (handle) turns them into JSON responses.
package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync/atomic"

	"github.com/gin-gonic/gin"

	"github.com/mapd/mapd/extract"
	"github.com/mapd/mapd/gazetteer"
	"github.com/mapd/mapd/incidents"
)

// Store is what the handlers need from incident storage. The SQLite store
// satisfies it; another backend can be added beside it without touching the
// handlers.
type Store interface {
	Get(ctx context.Context, id int64) (incidents.Incident, error)
	Create(ctx context.Context, in *incidents.Incident, r incidents.Resolver) error
	Replace(ctx context.Context, id int64, in *incidents.Incident, r incidents.Resolver) error
	Delete(ctx context.Context, id int64) error
	List(ctx context.Context, f incidents.Filter, fn func(*incidents.Incident) error) (incidents.Page, error)
	Export(ctx context.Context, f incidents.Filter, fn func(*incidents.Incident) error) error
	Import(ctx context.Context, dec incidents.Decoder, opts incidents.ImportOptions) (incidents.ImportResult, error)
	Stats(ctx context.Context, f incidents.Filter) (incidents.Stats, error)
	Extent(ctx context.Context) (incidents.Extent, error)
}

// Gazetteer is what the handlers need from the gazetteer.
type Gazetteer interface {
	Search(ctx context.Context, q gazetteer.Query) ([]gazetteer.Match, error)
	Within(minLon, minLat, maxLon, maxLat float64, name string, limit, offset int) (places []gazetteer.Place, matched int)
	Len() int
}

// Extractor finds candidate incidents in news text.
type Extractor interface {
	Extract(ctx context.Context, text string, opts extract.Options) (extract.Result, error)
}

// Reverser names the populated place nearest to a point.
type Reverser interface {
	Nearest(lat, lon float64) (gazetteer.Reversed, bool)
}

// Places is the gazetteer and what is built on it.
type Places struct {
	Gazetteer Gazetteer // place search, the places collection and labels
	Extractor Extractor // POST /api/extract
	Reverser  Reverser  // GET /api/reverse
}

// Config holds everything the server is built from.
type Config struct {
	Store     Store
	Gazetteer Gazetteer          // may be nil: gazetteer search answers 503
	Resolver  incidents.Resolver // resolves places of written incidents; may be nil
	Extractor Extractor          // POST /api/extract; may be nil (503)
	Reverser  Reverser           // GET /api/reverse; may be nil (503)
	// LoadPlaces, when set, supplies the gazetteer, extractor and reverser
	// on first use instead of the three fields above, so that the server
	// starts without loading the gazetteer. Requests that need a place call
	// it until one call succeeds. It must share one load between concurrent
	// callers, and a caller that goes away must not fail the others. Its
	// gazetteer is expected to be a LabelSource: the map is told that place
	// labels exist before the load.
	LoadPlaces func(ctx context.Context) (Places, error)
	Logger     *slog.Logger

	// Tokens, when any, are required as "Authorization: Bearer TOKEN" on writes.
	Tokens []string
	// ReadOnly refuses every write with 403.
	ReadOnly bool
	// TilesURL is a raster tile URL template for the map, "" for none.
	TilesURL         string
	TilesAttribution string
	// MaxBodyBytes bounds a single incident body; MaxImportBytes an import body.
	MaxBodyBytes   int64
	MaxImportBytes int64
	// MaxImportRecords bounds the records of one HTTP import (0: 1,000,000).
	MaxImportRecords int
	Version          string
	// DBPath, when set, lets /metrics report the database size.
	DBPath string
	// CORSOrigins lists the origins allowed to call the API from a browser;
	// empty (the default) disables CORS.
	CORSOrigins []string
	// ReadTokenRequired makes reads need a bearer token too.
	ReadTokenRequired bool
	// WritesPerMinute bounds each client's write requests (0: 600, <0: no limit).
	WritesPerMinute int
	// MaxHeavy bounds concurrent exports, imports and tile renders (0: 4).
	MaxHeavy int
	// TileThreshold is the number of incidents in view above which the map
	// draws them from vector tiles instead of GeoJSON (0: DefaultTileThreshold).
	TileThreshold int
}

// DefaultTileThreshold is the TileThreshold of a Config that sets none.
const DefaultTileThreshold = 5000

// Server is mapd's HTTP server.
type Server struct {
	cfg          Config
	log          *slog.Logger
	router       *gin.Engine
	static       *staticFiles
	metrics      *metrics
	writeLimiter *rateLimiter
	heavy        chan struct{}
	places       atomic.Pointer[Places] // nil until LoadPlaces succeeded
}

// New builds the server and its routes.
func New(cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	if cfg.MaxImportBytes <= 0 {
		cfg.MaxImportBytes = 256 << 20
	}
	if cfg.MaxImportRecords <= 0 {
		cfg.MaxImportRecords = 1_000_000
	}
	st, err := loadStatic()
	if err != nil {
		return nil, err
	}
	if cfg.MaxHeavy <= 0 {
		cfg.MaxHeavy = 4
	}
	if cfg.TileThreshold <= 0 {
		cfg.TileThreshold = DefaultTileThreshold
	}
	s := &Server{cfg: cfg, log: cfg.Logger, static: st, metrics: newMetrics(), heavy: make(chan struct{}, cfg.MaxHeavy)}
	if cfg.LoadPlaces == nil {
		s.places.Store(&Places{Gazetteer: cfg.Gazetteer, Extractor: cfg.Extractor, Reverser: cfg.Reverser})
	}
	switch {
	case cfg.WritesPerMinute == 0:
		s.writeLimiter = newRateLimiter(600, 60)
	case cfg.WritesPerMinute > 0:
		s.writeLimiter = newRateLimiter(cfg.WritesPerMinute, max(1, cfg.WritesPerMinute/10))
	}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.Use(s.requestID, s.logRequests, s.collectMetrics, s.recoverPanics, s.securityHeaders, s.cors)
	r.NoRoute(s.handle(func(c *gin.Context) error { return httpError(http.StatusNotFound, "", "no such endpoint") }))
	r.NoMethod(s.handle(func(c *gin.Context) error {
		return httpError(http.StatusMethodNotAllowed, "", "method "+c.Request.Method+" is not allowed here")
	}))
	for _, rt := range s.routes() {
		handlers := []gin.HandlerFunc{}
		if rt.write {
			handlers = append(handlers, s.requireWrite, s.limitWrites)
		} else if !rt.public {
			handlers = append(handlers, s.requireRead)
		}
		if rt.heavy {
			handlers = append(handlers, s.limitConcurrency)
		}
		if rt.gzip {
			handlers = append(handlers, gzipMiddleware)
		}
		handlers = append(handlers, s.handle(rt.h))
		r.Handle(rt.method, rt.path, handlers...)
	}
	s.router = r
	return s, nil
}

// Handler returns the root HTTP handler.
func (s *Server) Handler() http.Handler { return s.router }

type route struct {
	method, path string
	h            handlerFunc
	write        bool // needs write access
	public       bool // readable without a token even when reads need one
	heavy        bool // expensive: counts against the concurrency bound
	gzip         bool // compress the response when the client accepts it
	doc          string
}

// routes is the one table of every endpoint.
func (s *Server) routes() []route {
	rs := []route{
		{method: "GET", path: "/", h: s.index, public: true, doc: "the Leaflet map"},
		{method: "GET", path: "/static/*file", h: s.serveStatic, public: true, gzip: true, doc: "map assets"},
		{method: "GET", path: "/healthz", h: s.healthz, public: true, doc: "liveness"},
		{method: "GET", path: "/metrics", h: s.serveMetrics, public: true, doc: "Prometheus metrics"},
		{method: "GET", path: "/api/config", h: s.config, public: true, doc: "what the map needs to know about this server"},
		{method: "GET", path: "/api/incidents", h: s.listIncidents, gzip: true, doc: "incidents as a GeoJSON FeatureCollection"},
		{method: "POST", path: "/api/incidents", h: s.createIncident, write: true, doc: "create an incident"},
		{method: "POST", path: "/api/incidents/import", h: s.importIncidents, write: true, heavy: true, gzip: true, doc: "bulk import"},
		{method: "GET", path: "/api/incidents/:id", h: s.getIncident, gzip: true, doc: "one incident as a Feature"},
		{method: "PUT", path: "/api/incidents/:id", h: s.replaceIncident, write: true, doc: "replace an incident"},
		{method: "DELETE", path: "/api/incidents/:id", h: s.deleteIncident, write: true, doc: "delete an incident"},
		{method: "GET", path: "/api/export", h: s.export, heavy: true, gzip: true, doc: "every match of the filters, streamed"},
		{method: "GET", path: "/api/stats", h: s.stats, gzip: true, doc: "counts and fatalities by event type, month, country, admin1 and actor"},
		{method: "GET", path: "/api/playback", h: s.playback, gzip: true, doc: "the time slider's playback: for many windows of dates at once, the totals in the view and the clusters of the vector tiles of its zoom"},
		{method: "GET", path: "/api/heatmap", h: s.heatmap, gzip: true, doc: "the matches as weighted heat map points, one per cell of the tiles of zoom+5"},
		{method: "POST", path: "/api/extract", h: s.extractIncidents, heavy: true, gzip: true, doc: "candidate incidents in a news report; stores nothing"},
		{method: "GET", path: "/api/reverse", h: s.reverseGeocode, doc: "the populated place nearest to a point, its admin1 and country"},
		{method: "GET", path: "/api/gazetteer/search", h: s.gazetteerSearch, gzip: true, doc: "candidate places, best first"},
	}
	rs = append(rs, s.ogcRoutes()...)
	rs = append(rs, s.tileRoutes()...)
	rs = append(rs, s.labelRoutes()...)
	return rs
}

// hasPlaces reports whether the server has a gazetteer, loaded or not.
func (s *Server) hasPlaces() bool {
	return s.cfg.Gazetteer != nil || s.cfg.LoadPlaces != nil
}

// placeData returns the gazetteer and what is built on it, loading them
// through Config.LoadPlaces on the first call that needs them.
func (s *Server) placeData(ctx context.Context) (Places, error) {
	if p := s.places.Load(); p != nil {
		return *p, nil
	}
	p, err := s.cfg.LoadPlaces(ctx)
	if err != nil {
		return Places{}, fmt.Errorf("load the gazetteer: %w", err)
	}
	s.places.Store(&p)
	return p, nil
}

func (s *Server) healthz(c *gin.Context) error {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
	return nil
}

// config tells the map about this server. tile_threshold is 0 when the
// store cannot serve vector tiles: the map then always draws GeoJSON.
func (s *Server) config(c *gin.Context) error {
	_, labels := s.cfg.Gazetteer.(LabelSource)
	labels = labels || s.cfg.LoadPlaces != nil
	threshold := s.cfg.TileThreshold
	if _, ok := s.cfg.Store.(TileStore); !ok {
		threshold = 0
	}
	c.Header("Cache-Control", "no-cache")
	c.JSON(http.StatusOK, gin.H{
		"writable":           !s.cfg.ReadOnly,
		"auth_required":      len(s.cfg.Tokens) > 0,
		"read_auth_required": s.cfg.ReadTokenRequired && len(s.cfg.Tokens) > 0,
		"tiles_url":          s.cfg.TilesURL,
		"tiles_attribution":  s.cfg.TilesAttribution,
		"version":            s.cfg.Version,
		"event_types":        incidents.EventTypes,
		"event_colors":       eventColors,
		"place_labels":       labels,
		// The map names countries in one of these languages when the
		// reader's is one (else in English): /static/basemap/names/TAG.json.
		"country_name_languages": s.static.countryNameLanguages,
		"tile_threshold":         threshold,
	})
	return nil
}

// eventColors are the map's colours of ACLED's event types, from the
// Okabe-Ito palette, which stays distinguishable under the common
// colour-vision deficiencies; the map draws other types in grey.
var eventColors = map[string]string{
	"Battles":                    "#D55E00",
	"Explosions/Remote violence": "#E69F00",
	"Violence against civilians": "#CC79A7",
	"Protests":                   "#0072B2",
	"Riots":                      "#F0E442",
	"Strategic developments":     "#009E73",
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
