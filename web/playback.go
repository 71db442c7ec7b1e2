package web

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/mapd/mapd/geo"
	"github.com/mapd/mapd/incidents"
)

// Playback frames: what the map's time slider draws while it plays, for
// many windows of time in one request, so that a frame is drawn from
// memory instead of from a round of tile, totals and list requests.
const (
	// maxPlaybackWindows bounds the windows of one request.
	maxPlaybackWindows = 100
	// maxPlaybackCover is the most tiles per side of the covering the
	// clusters are computed on: the view's tiles are merged into their
	// parents (with a deeper grid, so the cells stay the same) until at
	// most 2 by 2 tiles cover it.
	maxPlaybackCover = 2
	// maxPlaybackMerge bounds how many zoom levels the covering is raised
	// by, which bounds its grid (2^(3+5) = 256 cells a side).
	maxPlaybackMerge = 5
	playbackHelp     = "windows must be 1 to 100 comma-separated FROM/TO date pairs, e.g. 2016-01-01/2016-01-31"
)

// playbackFilterKeys are the parameters of /api/playback: the filters of
// the vector tiles but the dates, which the windows give, plus the view.
var playbackFilterKeys = []string{"bbox", "zoom", "windows", "event_type", "actor", "country", "q", "min_fatalities", "filter", "filter-lang"}

// playbackFrame is one window's totals in the view and its clusters, each
// [lon, lat, count, fatalities, index of the dominant event type in
// playbackAnswer.EventTypes].
type playbackFrame struct {
	From       string       `json:"from"`
	To         string       `json:"to"`
	Count      int          `json:"count"`
	Fatalities int          `json:"fatalities"`
	Clusters   [][5]float64 `json:"clusters"`
}

type playbackAnswer struct {
	Zoom       int             `json:"zoom"`
	CellZoom   int             `json:"cell_zoom"`
	EventTypes []string        `json:"event_types"`
	Frames     []playbackFrame `json:"frames"`
}

// playback answers GET /api/playback?bbox=...&zoom=Z&windows=F/T,...: for
// each window (inclusive dates) the count and fatalities of the filters'
// matches in bbox, as /api/stats gives them, and their clusters on the
// grid of the vector tiles of zoom Z (cells of zoom Z+3), for the cells
// around bbox.
func (s *Server) playback(c *gin.Context) error {
	ts, ok := s.cfg.Store.(TileStore)
	if !ok {
		return httpError(http.StatusNotImplemented, "", "this server's store does not serve vector tiles, which playback draws from")
	}
	q := c.Request.URL.Query()
	if err := checkParams(q, playbackFilterKeys); err != nil {
		return err
	}
	f, err := incidents.ParseFilter(func(k string) []string { return q[k] })
	if err != nil {
		return err
	}
	if f.BBox == nil {
		return httpError(http.StatusBadRequest, "bbox", "bbox is required: the view, minLon,minLat,maxLon,maxLat")
	}
	zoom, err := strconv.Atoi(q.Get("zoom"))
	if err != nil || zoom < 0 || zoom > geo.MaxTileZoom {
		return httpError(http.StatusBadRequest, "zoom", fmt.Sprintf("zoom must be an integer in [0, %d]", geo.MaxTileZoom))
	}
	windows, err := parseWindows(q, f)
	if err != nil {
		return err
	}
	view := *f.BBox
	if view.CrossesAntimeridian() {
		view.MinLon, view.MaxLon = -180, 180
	}
	cover, depth := playbackCover(view, zoom)
	keep := padBBox(view, 0.25)

	ans := playbackAnswer{Zoom: zoom, CellZoom: zoom + geo.DefaultClusterDepth, EventTypes: []string{}, Frames: make([]playbackFrame, len(windows))}
	types := map[string]int{}
	var mu sync.Mutex // guards types and ans.EventTypes
	typeIndex := func(t string) float64 {
		mu.Lock()
		defer mu.Unlock()
		i, ok := types[t]
		if !ok {
			i = len(ans.EventTypes)
			types[t] = i
			ans.EventTypes = append(ans.EventTypes, t)
		}
		return float64(i)
	}
	ctx := c.Request.Context()
	err = forEachParallel(ctx, len(windows), func(ctx context.Context, i int) error {
		wf := windows[i]
		st, err := s.cfg.Store.Stats(ctx, wf)
		if err != nil {
			return err
		}
		fr := playbackFrame{From: wf.From, To: wf.To, Count: st.Count, Fatalities: st.Fatalities, Clusters: [][5]float64{}}
		tf := wf
		tf.BBox = nil
		for _, t := range cover {
			cs, err := ts.TileClusters(ctx, tf, t, depth)
			if err != nil {
				return err
			}
			for _, cl := range cs {
				if !keep.Contains(cl.Lon, cl.Lat) {
					continue
				}
				fr.Clusters = append(fr.Clusters, [5]float64{round6(cl.Lon), round6(cl.Lat), float64(cl.Count), float64(cl.Fatalities), typeIndex(cl.EventType)})
			}
		}
		ans.Frames[i] = fr
		return nil
	})
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "no-cache")
	c.JSON(http.StatusOK, ans)
	return nil
}

// parseWindows reads the windows parameter into one filter per window: f
// with the window's dates, checked as /api/incidents checks from and to.
func parseWindows(q map[string][]string, f incidents.Filter) ([]incidents.Filter, error) {
	vs := q["windows"]
	if len(vs) != 1 || strings.TrimSpace(vs[0]) == "" {
		return nil, httpError(http.StatusBadRequest, "windows", playbackHelp)
	}
	parts := strings.Split(vs[0], ",")
	if len(parts) > maxPlaybackWindows {
		return nil, httpError(http.StatusBadRequest, "windows", playbackHelp)
	}
	out := make([]incidents.Filter, 0, len(parts))
	for _, p := range parts {
		from, to, ok := strings.Cut(strings.TrimSpace(p), "/")
		if !ok || from == "" || to == "" {
			return nil, httpError(http.StatusBadRequest, "windows", playbackHelp)
		}
		d, err := incidents.ParseFilter(func(k string) []string {
			switch k {
			case "from":
				return []string{from}
			case "to":
				return []string{to}
			}
			return nil
		})
		if err != nil {
			return nil, httpError(http.StatusBadRequest, "windows", fmt.Sprintf("window %q: %v", clipText(p), err))
		}
		if d.From > d.To {
			return nil, httpError(http.StatusBadRequest, "windows", fmt.Sprintf("window %q ends before it starts", clipText(p)))
		}
		wf := f
		wf.From, wf.To = d.From, d.To
		out = append(out, wf)
	}
	return out, nil
}

// playbackCover returns the tiles the clusters of a view of zoom z over b
// are computed on and the depth of their grid: the tiles of zoom z that b
// touches, merged into their parents while more than maxPlaybackCover
// span a side, the grid deepened as much, so that the cells are those of
// the vector tiles of zoom z whatever the covering.
func playbackCover(b geo.BBox, z int) ([]geo.Tile, int) {
	zc := z
	for {
		x0, y0, x1, y1 := tileSpan(b, zc)
		if zc == 0 || z-zc >= maxPlaybackMerge || x1-x0 < maxPlaybackCover && y1-y0 < maxPlaybackCover {
			var out []geo.Tile
			for y := y0; y <= y1; y++ {
				for x := x0; x <= x1; x++ {
					out = append(out, geo.Tile{Z: zc, X: x, Y: y})
				}
			}
			return out, geo.DefaultClusterDepth + z - zc
		}
		zc--
	}
}

// tileSpan returns the columns and rows of the tiles of zoom z that b
// touches, its latitudes clamped to the Web Mercator range.
func tileSpan(b geo.BBox, z int) (x0, y0, x1, y1 int) {
	clamp := func(lat float64) float64 { return max(-geo.MaxMercatorLat, min(geo.MaxMercatorLat, lat)) }
	nw, _ := geo.TileAt(max(-180, b.MinLon), clamp(b.MaxLat), z)
	se, _ := geo.TileAt(min(180, b.MaxLon), clamp(b.MinLat), z)
	return nw.X, nw.Y, se.X, se.Y
}

// padBBox widens b by frac of its size on every side, within the world.
func padBBox(b geo.BBox, frac float64) geo.BBox {
	dx, dy := (b.MaxLon-b.MinLon)*frac, (b.MaxLat-b.MinLat)*frac
	return geo.BBox{MinLon: max(-180, b.MinLon-dx), MinLat: max(-90, b.MinLat-dy), MaxLon: min(180, b.MaxLon+dx), MaxLat: min(90, b.MaxLat+dy)}
}

// forEachParallel runs fn for 0..n-1 on up to GOMAXPROCS goroutines and
// returns the first error; after one, the remaining calls are skipped.
func forEachParallel(ctx context.Context, n int, fn func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	next := make(chan int)
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	for range min(n, runtime.GOMAXPROCS(0)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := fn(ctx, i); err != nil {
					select {
					case errs <- err:
					default:
					}
					cancel()
				}
			}
		}()
	}
	for i := range n {
		select {
		case next <- i:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
	}
	close(next)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return ctx.Err()
	}
}
