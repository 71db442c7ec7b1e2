package gazetteer

import (
	"context"
	"math"
	"slices"
	"sync/atomic"

	"github.com/mapd/mapd/internal/flight"
)

// ReverseIndex answers the gazetteer's other direction: the populated place
// nearest to a point, with its first-level region and country. It indexes
// the places of a Gazetteer in a grid of revCell degrees, built by Build
// (which a server calls in the background at start) or else on first use,
// and rebuilt when places have been loaded since. It is safe for
// concurrent use.
type ReverseIndex struct {
	g      *Gazetteer
	builds flight.Group[int, *revGrid] // keyed by the number of records indexed
	cur    atomic.Pointer[revGrid]
}

// revCell is the grid's cell size in degrees (about 11 km of latitude).
const revCell = 0.1

// maxReverseRings bounds the search: no place within 45 rings (some 500
// km) is no answer, which keeps a point in mid-ocean cheap.
const maxReverseRings = 45

// revGrid is the grid: record numbers sorted by cell, and where each cell
// starts.
type revGrid struct {
	n     int     // g.recs length it was built from
	recs  []int32 // records by cell
	cells map[int32]cellSpan
	lat   []float32 // per entry of recs, for fast distance checks
	lon   []float32
}

type cellSpan struct{ start, end int32 }

// NewReverseIndex returns a reverse geocoder over g.
func NewReverseIndex(g *Gazetteer) *ReverseIndex { return &ReverseIndex{g: g} }

// Reversed is the answer to a reverse lookup: the nearest populated place
// (whose Admin1 and Country are the region and country) and its distance.
type Reversed struct {
	Place
	DistanceKm float64 `json:"distance_km"`
}

// Nearest returns the populated place nearest to (lat, lon), or false
// when the gazetteer holds none within about 500 km or the point is not
// on the globe.
func (r *ReverseIndex) Nearest(lat, lon float64) (Reversed, bool) {
	if math.IsNaN(lat) || math.IsNaN(lon) || lat < -90 || lat > 90 || lon < -180 || lon > 180 {
		return Reversed{}, false
	}
	g := r.g
	var grid *revGrid
	for {
		// This caller cannot go away, so the build it waits for fails
		// only by panicking, which PanicError reports.
		var err error
		if grid, err = r.ready(context.Background()); err != nil {
			panic(err)
		}
		g.mu.RLock()
		if grid.n == len(g.recs) {
			break
		}
		g.mu.RUnlock() // places were loaded meanwhile
	}
	defer g.mu.RUnlock()
	ci, cj := cellOf(lat, lon)
	best, bestD := int32(-1), math.Inf(1)
	coslat := math.Cos(lat * math.Pi / 180)
	// Columns are narrower away from the equator: a ring of r rows spans
	// cols(r) columns so that it reaches as far east and west as north and
	// south.
	cols := func(ring int) int {
		if ring < 0 {
			return -1
		}
		c := int(math.Ceil(float64(ring) / max(coslat, 1e-3)))
		return min(c, revCols/2)
	}
	for ring := 0; ring <= maxReverseRings; ring++ {
		rj, inner := cols(ring), cols(ring-1)
		for di := -ring; di <= ring; di++ {
			for dj := -rj; dj <= rj; dj++ {
				if abs(di) < ring && abs(dj) <= inner {
					dj = inner // skip the inside, visited by earlier rings
					continue
				}
				sp, ok := grid.cells[cellKey(ci+di, wrapCol(cj+dj))]
				if !ok {
					continue
				}
				for k := sp.start; k < sp.end; k++ {
					dy := float64(grid.lat[k]) - lat
					dx := lonDiff(float64(grid.lon[k]), lon) * coslat
					if d := dx*dx + dy*dy; d < bestD {
						best, bestD = grid.recs[k], d
					}
				}
			}
		}
		// Any place outside the block searched is at least as far as the
		// block's nearest edge.
		if best >= 0 {
			south := lat - (float64(ci-ring)*revCell - 90)
			north := (float64(ci+ring+1)*revCell - 90) - lat
			west := (lon - (float64(cj-rj)*revCell - 180)) * coslat
			east := ((float64(cj+rj+1)*revCell - 180) - lon) * coslat
			reach := min(south, north, west, east)
			if rj >= revCols/2 {
				reach = min(south, north)
			}
			if bestD <= reach*reach {
				break
			}
		}
	}
	if best < 0 {
		return Reversed{}, false
	}
	p := g.place(best)
	return Reversed{Place: p, DistanceKm: math.Round(haversineKm(lat, lon, p.Lat, p.Lon)*100) / 100}, true
}

// Build builds the index for the places loaded so far unless it is built
// already, so that no lookup waits for it. A lookup that comes while it runs
// waits for it rather than starting its own. It returns ctx's error when ctx
// is done first; the build goes on while a lookup still waits for it.
func (r *ReverseIndex) Build(ctx context.Context) error {
	_, err := r.ready(ctx)
	return err
}

// ready returns the grid for the places loaded now, building it (once
// however many callers ask at the same time) when they have changed. It must
// be called without g.mu held: the build takes it.
func (r *ReverseIndex) ready(ctx context.Context) (*revGrid, error) {
	g := r.g
	g.mu.RLock()
	n := len(g.recs)
	g.mu.RUnlock()
	if t := r.cur.Load(); t != nil && t.n == n {
		return t, nil
	}
	return r.builds.Do(ctx, n, func(ctx context.Context) (*revGrid, error) {
		g.mu.RLock()
		defer g.mu.RUnlock()
		if t := r.cur.Load(); t != nil && t.n == len(g.recs) {
			return t, nil
		}
		t, err := buildGrid(ctx, g.recs)
		if err != nil {
			return nil, err
		}
		r.cur.Store(t)
		return t, nil
	})
}

// buildGrid indexes the live populated places of recs. It gives up with
// ctx's error when ctx is done.
func buildGrid(ctx context.Context, recs []record) (*revGrid, error) {
	type entry struct {
		key int32
		rec int32
	}
	es := make([]entry, 0, len(recs))
	for i := range recs {
		if i%(1<<16) == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		rc := &recs[i]
		if rc.dead || rc.noPoint || isAdminCode(rc.fcode) || len(rc.fcode) < 3 || rc.fcode[:3] != "PPL" {
			continue
		}
		ci, cj := cellOf(rc.lat, rc.lon)
		es = append(es, entry{cellKey(ci, cj), int32(i)})
	}
	slices.SortFunc(es, func(a, b entry) int {
		if a.key != b.key {
			return int(a.key - b.key)
		}
		return int(a.rec - b.rec)
	})
	t := &revGrid{n: len(recs), recs: make([]int32, len(es)), cells: map[int32]cellSpan{},
		lat: make([]float32, len(es)), lon: make([]float32, len(es))}
	for k, e := range es {
		t.recs[k] = e.rec
		t.lat[k], t.lon[k] = float32(recs[e.rec].lat), float32(recs[e.rec].lon)
		sp, ok := t.cells[e.key]
		if !ok {
			sp.start = int32(k)
		}
		sp.end = int32(k + 1)
		t.cells[e.key] = sp
	}
	return t, nil
}

const revCols = int(360 / revCell)

func cellOf(lat, lon float64) (int, int) {
	i := int(math.Floor((lat + 90) / revCell))
	j := int(math.Floor((lon + 180) / revCell))
	return i, wrapCol(j)
}

func wrapCol(j int) int { return ((j % revCols) + revCols) % revCols }

func cellKey(i, j int) int32 { return int32(i*revCols + j) }

func lonDiff(a, b float64) float64 {
	d := math.Abs(a - b)
	if d > 180 {
		d = 360 - d
	}
	return d
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// haversineKm is the great-circle distance in kilometres.
func haversineKm(lat1, lon1, lat2, lon2 float64) float64 {
	const rad = math.Pi / 180
	dLat := (lat2 - lat1) * rad
	dLon := (lon2 - lon1) * rad
	a := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 6371.0088 * 2 * math.Atan2(math.Sqrt(a), math.Sqrt(1-a))
}
