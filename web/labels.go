package web

import (
	"bytes"
	"container/list"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/mapd/mapd/gazetteer"
	"github.com/mapd/mapd/geo"
)

// Place labels: the map's offline town and region names, by tile, from the
// gazetteer. A tile holds at most maxTileLabels labels, most important
// first; the map drops those that would overlap.
const (
	maxTileLabels = 120
	// labelFormat changes when the labels' encoding or selection changes,
	// so that clients revalidating an old ETag get the new tiles.
	labelFormat = "lab1"
	// labelCacheTiles bounds the encoded label tiles kept in memory (a
	// tile is a few kilobytes).
	labelCacheTiles = 4096
	geojsonType     = "application/geo+json"
)

// LabelSource is what place labels need from the gazetteer, beyond
// Gazetteer. The gazetteer package satisfies it; without it the labels
// endpoint answers 503.
type LabelSource interface {
	Labels() *gazetteer.Labels
}

// labelRoutes returns the place label routes.
func (s *Server) labelRoutes() []route {
	h := &labelHandler{s: s, cache: map[string]*list.Element{}, lru: list.New()}
	var b [4]byte
	_, _ = rand.Read(b[:])
	h.nonce = hex.EncodeToString(b[:])
	return []route{
		// Public like the map's other assets: GeoNames data, no incident.
		{method: "GET", path: "/tiles/places/*tile", h: h.serve, gzip: true, public: true,
			doc: "place labels from the gazetteer as GeoJSON by tile: capitals and cities at low zoom, towns by population as the zoom grows, region names; ?lang=TAG (BCP 47) names them in that language where the gazetteer knows the name"},
	}
}

// labelHandler serves label tiles from an LRU cache, rebuilt whenever the
// gazetteer's size changes (more data loaded).
type labelHandler struct {
	s     *Server
	nonce string

	mu    sync.Mutex
	idx   *gazetteer.Labels
	cache map[string]*list.Element // tile path -> element of lru holding *labelTile
	lru   *list.List
}

type labelTile struct {
	key  string
	body []byte
	etag string
}

// index returns the label index, built on first use and again when the
// gazetteer has grown or shrunk since.
func (h *labelHandler) index(ctx context.Context) (*gazetteer.Labels, error) {
	unavailable := httpError(http.StatusServiceUnavailable, "", "this server has no gazetteer for place labels")
	if !h.s.hasPlaces() {
		return nil, unavailable
	}
	places, err := h.s.placeData(ctx)
	if err != nil {
		return nil, err
	}
	src, ok := places.Gazetteer.(LabelSource)
	if !ok || places.Gazetteer == nil {
		return nil, unavailable
	}
	n := places.Gazetteer.Len()
	h.mu.Lock()
	idx := h.idx
	h.mu.Unlock()
	if idx != nil && idx.Places() == n {
		return idx, nil
	}
	// Built outside the lock: a concurrent request may build one too, and
	// the last one kept is as good as the other.
	idx = src.Labels()
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.idx == nil || h.idx.Places() != idx.Places() {
		h.idx = idx
		h.cache = map[string]*list.Element{}
		h.lru.Init()
	}
	return h.idx, nil
}

// serve answers GET /tiles/places/{z}/{x}/{y}.geojson: a FeatureCollection
// of Point features with name, kind (capital, city, town, region),
// population, country and min_zoom; 304 when the client's ETag is current.
func (h *labelHandler) serve(c *gin.Context) error {
	p := strings.TrimPrefix(c.Param("tile"), "/")
	rest, ok := strings.CutSuffix(p, ".geojson")
	if !ok {
		return httpError(http.StatusBadRequest, "tile", "tile path must be z/x/y.geojson")
	}
	t, err := geo.ParseTilePath(rest + ".mvt")
	if err != nil {
		msg := strings.TrimPrefix(err.Error(), "geo: invalid value: ")
		return httpError(http.StatusBadRequest, "tile", strings.ReplaceAll(msg, "z/x/y.mvt", "z/x/y.geojson"))
	}
	lang, err := labelLang(c.Query("lang"))
	if err != nil {
		return err
	}
	idx, err := h.index(c.Request.Context())
	if err != nil {
		return err
	}
	tile := h.get(idx, t, lang)
	hd := c.Writer.Header()
	hd.Set("ETag", tile.etag)
	hd.Set("Cache-Control", "no-cache")
	if etagMatches(c.GetHeader("If-None-Match"), tile.etag) {
		c.Status(http.StatusNotModified)
		return nil
	}
	c.Data(http.StatusOK, geojsonType, tile.body)
	return nil
}

// labelLang returns the label language that serves the lang parameter
// (see gazetteer.LabelLanguage): "" for none given or none known.
func labelLang(lang string) (string, error) {
	if lang == "" {
		return "", nil
	}
	if len(lang) > 35 || strings.Trim(lang, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != "" {
		return "", httpError(http.StatusBadRequest, "lang", "lang must be a BCP 47 language tag such as ar or pt-BR")
	}
	l, err := gazetteer.LabelLanguage(lang)
	if err != nil {
		return "", fmt.Errorf("place labels: %w", err)
	}
	return l, nil
}

// get returns the encoded tile t with names in lang from the cache,
// encoding it when absent.
func (h *labelHandler) get(idx *gazetteer.Labels, t geo.Tile, lang string) *labelTile {
	key := t.String()
	if lang != "" {
		key += "@" + lang
	}
	h.mu.Lock()
	if e, ok := h.cache[key]; ok && h.idx == idx {
		h.lru.MoveToFront(e)
		h.mu.Unlock()
		return e.Value.(*labelTile)
	}
	h.mu.Unlock()
	body := encodeLabels(idx, t, lang)
	tile := &labelTile{key: key, body: body,
		etag: `"` + labelFormat + "-" + h.nonce + "-" + strconv.Itoa(idx.Places()) + "-" + key + `"`}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.idx != idx {
		return tile
	}
	if e, ok := h.cache[key]; ok {
		return e.Value.(*labelTile)
	}
	h.cache[key] = h.lru.PushFront(tile)
	for h.lru.Len() > labelCacheTiles {
		old := h.lru.Back()
		h.lru.Remove(old)
		delete(h.cache, old.Value.(*labelTile).key)
	}
	return tile
}

type labelFeature struct {
	Type       string          `json:"type"`
	ID         int64           `json:"id"`
	Geometry   labelGeometry   `json:"geometry"`
	Properties labelProperties `json:"properties"`
}

type labelGeometry struct {
	Type        string     `json:"type"`
	Coordinates [2]float64 `json:"coordinates"`
}

type labelProperties struct {
	Name       string `json:"name"`
	Kind       string `json:"kind"`
	Population int64  `json:"population"`
	Country    string `json:"country"`
	MinZoom    int    `json:"min_zoom"`
	Rank       int    `json:"rank"` // 0 for the most important label of the tile
}

// encodeLabels writes the labels of tile t as a GeoJSON FeatureCollection,
// named in lang where the gazetteer knows the name (else by GeoNames).
func encodeLabels(idx *gazetteer.Labels, t geo.Tile, lang string) []byte {
	b := t.BBox()
	ls := idx.In(t.Z, b.MinLon, b.MinLat, b.MaxLon, b.MaxLat, maxTileLabels)
	fc := struct {
		Type     string         `json:"type"`
		Features []labelFeature `json:"features"`
	}{Type: "FeatureCollection", Features: make([]labelFeature, 0, len(ls))}
	for i, l := range ls {
		if lang != "" {
			if n := gazetteer.LocalName(lang, l.GeonameID); n != "" {
				l.Name = n
			}
		}
		fc.Features = append(fc.Features, labelFeature{
			Type: "Feature", ID: l.GeonameID,
			Geometry:   labelGeometry{Type: "Point", Coordinates: [2]float64{round5(l.Lon), round5(l.Lat)}},
			Properties: labelProperties{Name: l.Name, Kind: l.Kind, Population: l.Population, Country: l.Country, MinZoom: l.MinZoom, Rank: i},
		})
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(fc) // only strings and numbers: cannot fail
	return buf.Bytes()
}

func round5(v float64) float64 {
	f, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'f', 5, 64), 64)
	return f
}
