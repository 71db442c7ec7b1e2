package web

import (
	"bytes"
	"container/list"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
	"github.com/klauspost/compress/gzip"

	"github.com/mapd/mapd/geo"
	"github.com/mapd/mapd/incidents"
	"github.com/mapd/mapd/internal/flight"
)

// Vector tile policy. Below ClusterMaxZoom every tile is clustered; from it
// on a tile shows one point per incident unless it holds more than
// MaxTilePoints matches, in which case it is clustered too.
const (
	ClusterMaxZoom = 9
	MaxTilePoints  = 2000
	tileLayer      = "incidents"
	tileExtent     = 4096
	mvtType        = "application/vnd.mapbox-vector-tile"
	// tileFormat changes when the encoding of tiles changes, so that
	// clients revalidating an old ETag get the new tiles.
	tileFormat = "mvt1"
	// tileCacheBytes bounds the encoded tiles kept in memory.
	tileCacheBytes = 64 << 20
)

// tileFilterKeys are the filter parameters a tile request accepts: those of
// /api/incidents except bbox (the tile is the box), limit and cursor.
var tileFilterKeys = []string{"from", "to", "event_type", "actor", "country", "q", "min_fatalities", "filter", "filter-lang"}

// TileStore is what vector tiles need from incident storage, beyond Store.
// The SQLite store satisfies it; a store that does not answers 501.
type TileStore interface {
	// Version returns a counter that changes whenever incidents change.
	Version(ctx context.Context) (int64, error)
	// TilePoints returns up to limit incidents of the filter in the tile,
	// and whether there are more.
	TilePoints(ctx context.Context, f incidents.Filter, t geo.Tile, limit int) ([]incidents.TilePoint, bool, error)
	// TileClusters returns the grid clusters of the filter's incidents in
	// the tile, 2^depth by 2^depth cells per tile.
	TileClusters(ctx context.Context, f incidents.Filter, t geo.Tile, depth int) ([]geo.Cluster, error)
}

// tileRoutes returns the vector tile routes under /tiles.
func (s *Server) tileRoutes() []route {
	h := newTileHandler(s)
	return []route{
		{method: "GET", path: "/tiles/incidents.json", h: h.tileJSON, gzip: true, doc: "TileJSON of the incidents vector tiles"},
		{method: "GET", path: "/tiles/incidents/*tile", h: h.serveTile, doc: "incidents as Mapbox Vector Tiles, layer incidents, clustered at low zoom"},
	}
}

// tileHandler serves vector tiles from an LRU cache of encoded tiles that
// is emptied whenever the store's data version moves.
type tileHandler struct {
	s     *Server
	nonce string // differs between processes, so ETags never survive a restart onto other data
	cache *tileCache
}

func newTileHandler(s *Server) *tileHandler {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return &tileHandler{s: s, nonce: hex.EncodeToString(b[:]), cache: newTileCache(tileCacheBytes)}
}

func (h *tileHandler) store() (TileStore, error) {
	ts, ok := h.s.cfg.Store.(TileStore)
	if !ok {
		return nil, httpError(http.StatusNotImplemented, "", "this server's store does not serve vector tiles")
	}
	return ts, nil
}

// serveTile answers GET /tiles/incidents/{z}/{x}/{y}.mvt: 200 with the
// tile (gzip-encoded when the client accepts it), 204 when the tile holds
// nothing, 304 when the client's ETag is current, 400 for a malformed path
// or filter.
func (h *tileHandler) serveTile(c *gin.Context) error {
	ts, err := h.store()
	if err != nil {
		return err
	}
	t, err := geo.ParseTilePath(strings.TrimPrefix(c.Param("tile"), "/"))
	if err != nil {
		return err // a *geo.Error on "tile": 400
	}
	q := c.Request.URL.Query()
	if err := checkParams(q, tileFilterKeys); err != nil {
		return err
	}
	f, err := incidents.ParseFilter(func(k string) []string { return q[k] })
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	version, err := ts.Version(ctx)
	if err != nil {
		return err
	}
	key := tileKey(t, f)
	etag := h.etag(version, key)
	hd := c.Writer.Header()
	hd.Set("ETag", etag)
	hd.Set("Cache-Control", "no-cache")
	hd.Set("Vary", "Accept-Encoding")
	if etagMatches(c.GetHeader("If-None-Match"), etag) {
		c.Status(http.StatusNotModified)
		return nil
	}
	tile, err := h.cache.get(ctx, version, key, func(ctx context.Context) (*cachedTile, error) {
		return renderTile(ctx, ts, f, t, MaxTilePoints)
	})
	if err != nil {
		return err
	}
	if tile.gz == nil {
		c.Status(http.StatusNoContent)
		return nil
	}
	body := tile.gz
	if acceptsGzip(c.GetHeader("Accept-Encoding")) {
		hd.Set("Content-Encoding", "gzip")
	} else if body, err = gunzip(tile.gz); err != nil {
		return fmt.Errorf("web: tile %s: %w", t, err)
	}
	c.Data(http.StatusOK, mvtType, body)
	return nil
}

func (h *tileHandler) etag(version int64, key string) string {
	sum := fnv.New64a()
	io.WriteString(sum, key)
	return fmt.Sprintf(`W/"%s-%s-%d-%016x"`, tileFormat, h.nonce, version, sum.Sum64())
}

// etagMatches implements the weak comparison of If-None-Match.
func etagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	want := strings.TrimPrefix(etag, "W/")
	for _, part := range strings.Split(header, ",") {
		part = strings.TrimSpace(part)
		if part == "*" || strings.TrimPrefix(part, "W/") == want {
			return true
		}
	}
	return false
}

// tileKey identifies a tile and filter; filters meaning the same give the
// same key.
func tileKey(t geo.Tile, f incidents.Filter) string {
	f.EventTypes = slices.Compact(slices.Sorted(slices.Values(f.EventTypes)))
	f.BBox, f.Limit, f.Cursor = nil, 0, ""
	return t.String() + "?" + url.Values(f.Values()).Encode()
}

// renderTile computes and encodes one tile, clustering it when it is
// below ClusterMaxZoom or holds more than maxPoints matches. An empty tile
// has a nil gz.
func renderTile(ctx context.Context, ts TileStore, f incidents.Filter, t geo.Tile, maxPoints int) (*cachedTile, error) {
	layer := newMVTLayer(tileLayer, tileExtent)
	cluster := t.Z < ClusterMaxZoom
	if !cluster {
		pts, more, err := ts.TilePoints(ctx, f, t, maxPoints)
		if err != nil {
			return nil, err
		}
		cluster = more
		if !more {
			addPointFeatures(layer, t, pts)
		}
	}
	if cluster {
		cs, err := ts.TileClusters(ctx, f, t, geo.DefaultClusterDepth)
		if err != nil {
			return nil, err
		}
		addClusterFeatures(layer, t, cs)
	}
	if layer.empty() {
		return &cachedTile{}, nil
	}
	gz, err := gzipTile(layer.tile())
	if err != nil {
		return nil, fmt.Errorf("web: encode tile %s: %w", t, err)
	}
	return &cachedTile{gz: gz}, nil
}

// gzipTile compresses an encoded tile with a pooled writer at BestSpeed:
// a point tile compresses several times faster than at the default level
// (mvt.MarshalGzipped), for a body a few per cent larger.
func gzipTile(raw []byte) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(len(raw)/2 + 64)
	zw := gzipPool.Get().(*gzip.Writer)
	defer gzipPool.Put(zw)
	zw.Reset(&buf)
	if _, err := zw.Write(raw); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// addPointFeatures adds one feature per incident, its id the incident's,
// with the properties in key order.
func addPointFeatures(layer *mvtLayer, t geo.Tile, pts []incidents.TilePoint) {
	props := make([]mvtProp, 0, 4)
	for _, p := range pts {
		x, y := t.Pixel(p.Lon, p.Lat, tileExtent)
		props = append(props[:0], mvtProp{"date", mvtString(p.Date)}, mvtProp{"event_type", mvtString(p.EventType)})
		if p.Fatalities != nil {
			props = append(props, mvtProp{"fatalities", mvtInt(*p.Fatalities)})
		}
		props = append(props, mvtProp{"id", mvtInt(int(p.ID))})
		layer.addPoint(uint64(p.ID), p.ID >= 0, x, y, props)
	}
}

// addClusterFeatures adds one feature per cluster, at its centroid, with
// the properties in key order.
func addClusterFeatures(layer *mvtLayer, t geo.Tile, cs []geo.Cluster) {
	for _, cl := range cs {
		x, y := t.Pixel(cl.Lon, cl.Lat, tileExtent)
		layer.addPoint(0, false, x, y, []mvtProp{
			{"cluster", mvtBool(true)},
			{"count", mvtInt(cl.Count)},
			{"event_type", mvtString(cl.EventType)},
			{"fatalities", mvtInt(cl.Fatalities)},
			{"point_count", mvtInt(cl.Count)},
		})
	}
}

func gunzip(b []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}

// tileJSON describes the tile set (TileJSON 3.0.0) for map libraries.
func (h *tileHandler) tileJSON(c *gin.Context) error {
	if _, err := h.store(); err != nil {
		return err
	}
	c.Header("Cache-Control", "no-cache")
	c.JSON(http.StatusOK, gin.H{
		"tilejson": "3.0.0",
		"name":     "mapd incidents",
		"tiles":    []string{absURL(c, "/tiles/incidents/", nil) + "{z}/{x}/{y}.mvt"},
		"minzoom":  0,
		"maxzoom":  geo.MaxTileZoom,
		"vector_layers": []gin.H{{
			"id": tileLayer,
			"description": fmt.Sprintf("Incidents: below zoom %d, and where a tile holds more than %d, clusters of an %dx%d grid per tile "+
				"(cluster, point_count, count, fatalities, event_type = the most frequent); otherwise one point per incident "+
				"(id, date, event_type, fatalities when known).", ClusterMaxZoom, MaxTilePoints, 1<<geo.DefaultClusterDepth, 1<<geo.DefaultClusterDepth),
			"minzoom": 0,
			"maxzoom": geo.MaxTileZoom,
			"fields": gin.H{
				"id":          "Number: incident id (points)",
				"date":        "String: YYYY-MM-DD (points)",
				"event_type":  "String: event type (points), most frequent event type (clusters)",
				"fatalities":  "Number: fatalities (points, when known), total fatalities (clusters)",
				"cluster":     "Boolean: true on clusters",
				"point_count": "Number: incidents in the cluster",
				"count":       "Number: incidents in the cluster",
			},
		}},
	})
	return nil
}

// cachedTile is an encoded tile; gz is nil for an empty tile.
type cachedTile struct {
	gz []byte
}

// tileCache is an LRU of encoded tiles, all of one data version: a request
// seeing a newer version empties it, a request that read an older one
// neither empties nor reads it. Concurrent requests for the same missing
// tile render it once, on a context that lives while any of them still
// waits (see package flight), so a client that goes away never fails the
// others.
type tileCache struct {
	mu       sync.Mutex
	version  int64
	maxBytes int
	bytes    int
	lru      *list.List // of *cacheEntry, most recently used first
	entries  map[string]*list.Element
	flight   flight.Group[tileCall, *cachedTile]
}

type cacheEntry struct {
	key  string
	tile *cachedTile
}

// tileCall identifies one render: a tile and filter at a data version.
type tileCall struct {
	version int64
	key     string
}

func newTileCache(maxBytes int) *tileCache {
	return &tileCache{maxBytes: maxBytes, lru: list.New(), entries: map[string]*list.Element{}}
}

// get returns the tile for key at data version, rendering it when it is
// not cached. Only a version newer than the cache's empties it: versions
// only grow, so a request that read an older one (it raced a write) must
// not throw away the tiles of the newer data. A rendered tile is kept only
// if the cache is still at its version.
func (tc *tileCache) get(ctx context.Context, version int64, key string, render func(ctx context.Context) (*cachedTile, error)) (*cachedTile, error) {
	tc.mu.Lock()
	if version > tc.version {
		tc.lru.Init()
		clear(tc.entries)
		tc.bytes = 0
		tc.version = version
	}
	if el, ok := tc.entries[key]; ok && version == tc.version {
		tc.lru.MoveToFront(el)
		tc.mu.Unlock()
		return el.Value.(*cacheEntry).tile, nil
	}
	tc.mu.Unlock()
	return tc.flight.Do(ctx, tileCall{version, key}, func(ctx context.Context) (*cachedTile, error) {
		t, err := render(ctx)
		if err != nil {
			return nil, err
		}
		tc.mu.Lock()
		if version == tc.version {
			tc.add(key, t)
		}
		tc.mu.Unlock()
		return t, nil
	})
}

func (tc *tileCache) add(key string, t *cachedTile) {
	size := len(t.gz) + len(key) + 64
	if size > tc.maxBytes {
		return
	}
	if _, ok := tc.entries[key]; ok {
		return
	}
	tc.entries[key] = tc.lru.PushFront(&cacheEntry{key: key, tile: t})
	tc.bytes += size
	for tc.bytes > tc.maxBytes {
		el := tc.lru.Back()
		e := el.Value.(*cacheEntry)
		tc.lru.Remove(el)
		delete(tc.entries, e.key)
		tc.bytes -= len(e.tile.gz) + len(e.key) + 64
	}
}
