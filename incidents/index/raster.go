package index

import (
	"math/bits"

	"github.com/paulmach/orb"

	"github.com/mapd/mapd/cql2"
)

// A raster divides the grid rectangle of a polygon's bounding box into
// cells and tells for each whether all the rows in it lie inside the
// polygon, all outside, or whether one of the polygon's edges passes
// through it. Only the rows of edge cells then need the exact test, so
// that a polygon filter costs about what its bounding box costs.
//
// A cell is an edge cell when an edge touches the rectangle that holds the
// exact-test points of all its rows (lonOf(x+0.5), latFast(y)), widened by
// rasterMargin; every other cell is wholly on one side of every edge, so
// one exact test at one of its points answers for the cell. A run of
// non-edge cells along a row of cells is on one side too and is tested
// once.
type raster struct {
	r        rect
	sx, sy   uint32 // cell size in grid units, a power of two
	shx, shy uint   // their logarithms
	n        int    // cells per side, at most
	cells    []uint8
	// in and out are summed-area tables of the inside and outside cells:
	// in[(j)*(n+1)+i] counts the inside cells of columns < i, rows < j.
	in, out []int32
}

// Cell kinds; cellIn is tTrue so that a lookup is the row's truth.
const (
	cellOut  uint8 = tFalse
	cellEdge uint8 = tUnknown
	cellIn   uint8 = tTrue
)

// rasterMargin widens a cell's rectangle, in degrees, beyond any rounding
// of the coordinates the exact test sees.
const rasterMargin = 1e-9

// maxRasterWork bounds the cell-edge tests a raster's build may make: a
// polygon with more edges gets coarser cells, or none.
const maxRasterWork = 200_000

// newRaster returns the raster of shape over r, nil when the shape has
// lines or points, or too many edges for a useful raster.
func newRaster(shape *cql2.Shape, r rect) *raster {
	if !shape.Areal() {
		return nil
	}
	edges := 0
	shape.Edges(func(_, _ orb.Point) bool { edges++; return true })
	if edges == 0 {
		return nil
	}
	n := 64
	for n > 4 && edges*n > maxRasterWork/8 {
		n /= 2
	}
	if edges*n > maxRasterWork/8 {
		return nil
	}
	w, h := uint64(r.x1-r.x0)+1, uint64(r.y1-r.y0)+1
	g := &raster{r: r, n: n, cells: make([]uint8, n*n),
		shx: uint(bits.Len64((w+uint64(n)-1)/uint64(n) - 1)), shy: uint(bits.Len64((h+uint64(n)-1)/uint64(n) - 1))}
	if g.shx > 31 || g.shy > 31 {
		return nil
	}
	g.sx, g.sy = 1<<g.shx, 1<<g.shy
	lat := latTable()
	work := 0
	shape.Edges(func(a, b orb.Point) bool {
		i0, j0 := g.cellOf(min(a[0], b[0]), max(a[1], b[1]))
		i1, j1 := g.cellOf(max(a[0], b[0]), min(a[1], b[1]))
		for j := max(j0-1, 0); j <= min(j1+1, n-1); j++ {
			for i := max(i0-1, 0); i <= min(i1+1, n-1); i++ {
				work++
				if g.cells[j*n+i] == cellEdge {
					continue
				}
				minLon, minLat, maxLon, maxLat := g.cellBounds(lat, i, j)
				if segmentTouches(a, b, minLon-rasterMargin, minLat-rasterMargin, maxLon+rasterMargin, maxLat+rasterMargin) {
					g.cells[j*n+i] = cellEdge
				}
			}
		}
		return work <= maxRasterWork
	})
	if work > maxRasterWork {
		return nil
	}
	// Runs of non-edge cells between edge cells along a row are on one
	// side of every edge: one exact test each.
	for j := range n {
		for i := 0; i < n; {
			if g.cells[j*n+i] == cellEdge {
				i++
				continue
			}
			k := i
			for k < n && g.cells[j*n+k] != cellEdge {
				k++
			}
			x, y := g.r.x0+uint32(i)*g.sx, g.r.y0+uint32(j)*g.sy
			kind := cellOut
			if shape.Intersects(orb.Point{lonOf(float64(x) + 0.5), latFast(lat, y)}) {
				kind = cellIn
			}
			for ; i < k; i++ {
				g.cells[j*n+i] = kind
			}
		}
	}
	w1 := n + 1
	g.in, g.out = make([]int32, w1*w1), make([]int32, w1*w1)
	for j := range n {
		for i := range n {
			k := (j+1)*w1 + i + 1
			in, out := int32(b2i(g.cells[j*n+i] == cellIn)), int32(b2i(g.cells[j*n+i] == cellOut))
			g.in[k] = in + g.in[k-1] + g.in[k-w1] - g.in[k-w1-1]
			g.out[k] = out + g.out[k-1] + g.out[k-w1] - g.out[k-w1-1]
		}
	}
	return g
}

// classify tells whether the grid rectangle [cx0, cx1] x [cy0, cy1] lies
// wholly inside the polygon (every raster cell it meets is inside, and it
// lies in the raster's rectangle) and whether it may meet the polygon at
// all (it meets the rectangle and a cell that is not outside).
func (g *raster) classify(cx0, cy0, cx1, cy1 uint64) (in, overlap bool) {
	r := g.r
	if cx1 < uint64(r.x0) || cx0 > uint64(r.x1) || cy1 < uint64(r.y0) || cy0 > uint64(r.y1) {
		return false, false
	}
	within := cx0 >= uint64(r.x0) && cx1 <= uint64(r.x1) && cy0 >= uint64(r.y0) && cy1 <= uint64(r.y1)
	cx0, cx1 = max(cx0, uint64(r.x0)), min(cx1, uint64(r.x1))
	cy0, cy1 = max(cy0, uint64(r.y0)), min(cy1, uint64(r.y1))
	i0, i1 := min(int((cx0-uint64(r.x0))>>g.shx), g.n-1), min(int((cx1-uint64(r.x0))>>g.shx), g.n-1)
	j0, j1 := min(int((cy0-uint64(r.y0))>>g.shy), g.n-1), min(int((cy1-uint64(r.y0))>>g.shy), g.n-1)
	cells := int32((i1 - i0 + 1) * (j1 - j0 + 1))
	w1 := g.n + 1
	sum := func(t []int32) int32 {
		return t[(j1+1)*w1+i1+1] - t[j0*w1+i1+1] - t[(j1+1)*w1+i0] + t[j0*w1+i0]
	}
	return within && sum(g.in) == cells, sum(g.out) < cells
}

// cellOf returns the cell holding the point (lon, lat), clamped to the
// raster.
func (g *raster) cellOf(lon, lat float64) (i, j int) {
	x, y, _ := mercator(lon, lat)
	clamp := func(v, lo, hi uint32, size uint32) int {
		v = min(max(v, lo), hi)
		return int((v - lo) / size)
	}
	return min(clamp(x, g.r.x0, g.r.x1, g.sx), g.n-1), min(clamp(y, g.r.y0, g.r.y1, g.sy), g.n-1)
}

// cellBounds returns a rectangle holding the exact-test points of cell
// (i, j)'s rows and reaching half a grid unit beyond them on every side,
// so that the rectangles of neighbouring cells overlap: an edge that
// passes between two cells touches one of them.
func (g *raster) cellBounds(lat []float64, i, j int) (minLon, minLat, maxLon, maxLat float64) {
	x0 := g.r.x0 + uint32(i)*g.sx
	x1 := uint32(min(uint64(x0)+uint64(g.sx)-1, uint64(g.r.x1)))
	y0 := g.r.y0 + uint32(j)*g.sy
	y1 := uint32(min(uint64(y0)+uint64(g.sy)-1, uint64(g.r.y1)))
	north, south := y0, y1
	if north > 0 {
		north--
	}
	if south < ^uint32(0) {
		south++
	}
	return lonOf(float64(x0) - 0.5), latFast(lat, south), lonOf(float64(x1) + 1.5), latFast(lat, north)
}

// at returns the kind of the cell of grid point (x, y), which lies in the
// raster's rectangle.
func (g *raster) at(x, y uint32) uint8 {
	i := min(int((x-g.r.x0)>>g.shx), g.n-1)
	j := min(int((y-g.r.y0)>>g.shy), g.n-1)
	return g.cells[j*g.n+i]
}

// segmentTouches reports whether the segment from a to b meets the closed
// rectangle, by clipping the segment's parameter range to each side's
// half-plane (Liang and Barsky's method).
func segmentTouches(a, b orb.Point, minX, minY, maxX, maxY float64) bool {
	t0, t1 := 0.0, 1.0
	dx, dy := b[0]-a[0], b[1]-a[1]
	// clip keeps the t with p*t <= q.
	clip := func(p, q float64) bool {
		if p == 0 {
			return q >= 0
		}
		t := q / p
		if p < 0 {
			if t > t1 {
				return false
			}
			t0 = max(t0, t)
		} else {
			if t < t0 {
				return false
			}
			t1 = min(t1, t)
		}
		return true
	}
	return clip(-dx, a[0]-minX) && clip(dx, maxX-a[0]) && clip(-dy, a[1]-minY) && clip(dy, maxY-a[1])
}
