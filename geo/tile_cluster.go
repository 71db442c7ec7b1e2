package geo

import (
	"cmp"
	"math"
	"slices"
)

// DefaultClusterDepth divides a tile into 2^3 by 2^3 = 64 cluster cells:
// 32 pixels square on a 256-pixel tile, 64 on a 512-pixel one.
const DefaultClusterDepth = 3

// Cluster is the aggregate of the points in one grid cell of a tile. The
// cells are the tiles of zoom tile.Z + depth, so clusters are aligned to the
// tile pyramid: they never straddle two tiles, and zooming in splits a
// cluster into the clusters of its four sub-cells.
type Cluster struct {
	Cell       Tile    // the grid cell: a tile of zoom tile.Z + depth
	Lon, Lat   float64 // centroid of the points, always inside Cell
	Count      int     // number of points
	Fatalities int     // sum of the points' fatalities
	EventType  string  // the event type with the most points; ties go to the first in byte order
}

// Clusterer groups points, or partial aggregates of points, into the
// cluster cells of one tile.
type Clusterer struct {
	tile  Tile
	depth int
	cells map[Tile]*cellAcc
}

type cellAcc struct {
	n, fatalities  int
	sumLon, sumLat float64
	byType         map[string]int
}

// NewClusterer returns a Clusterer for tile t whose cells are the tiles of
// zoom t.Z + depth.
func NewClusterer(t Tile, depth int) *Clusterer {
	return &Clusterer{tile: t, depth: depth, cells: map[Tile]*cellAcc{}}
}

// CellZoom returns the zoom of the cluster cells.
func (c *Clusterer) CellZoom() int { return c.tile.Z + c.depth }

// AddPoint adds one point. It returns false, adding nothing, when the point
// lies outside the tile.
func (c *Clusterer) AddPoint(lon, lat float64, eventType string, fatalities int) bool {
	cell, ok := TileAt(lon, lat, c.CellZoom())
	if !ok {
		return false
	}
	return c.Add(cell, eventType, 1, fatalities, lon, lat)
}

// Add adds an aggregate of n points of one event type that lie in cell, a
// tile of zoom CellZoom() or deeper: their total fatalities and the sums
// of their longitudes and latitudes. It returns false, adding nothing,
// when the cell lies outside the tile or is coarser than the grid.
func (c *Clusterer) Add(cell Tile, eventType string, n, fatalities int, sumLon, sumLat float64) bool {
	cz := c.CellZoom()
	if cell.Z < cz || n <= 0 {
		return false
	}
	cell = cell.Parent(cz)
	if cell.Parent(c.tile.Z) != c.tile {
		return false
	}
	a := c.cells[cell]
	if a == nil {
		a = &cellAcc{byType: map[string]int{}}
		c.cells[cell] = a
	}
	a.n += n
	a.fatalities += fatalities
	a.sumLon += sumLon
	a.sumLat += sumLat
	a.byType[eventType] += n
	return true
}

// Len returns the number of non-empty cells.
func (c *Clusterer) Len() int { return len(c.cells) }

// Clusters returns one Cluster per non-empty cell, ordered by row then
// column, so that equal input gives equal output.
func (c *Clusterer) Clusters() []Cluster {
	out := make([]Cluster, 0, len(c.cells))
	for cell, a := range c.cells {
		b := cell.BBox()
		lon := clampFloat(a.sumLon/float64(a.n), b.MinLon, b.MaxLon)
		lat := clampFloat(a.sumLat/float64(a.n), b.MinLat, b.MaxLat)
		// Keep the centroid off the cell's eastern and southern edges,
		// which belong to the neighbouring cells.
		if !cell.Contains(lon, lat) {
			lon, lat = (b.MinLon+b.MaxLon)/2, mercatorLat((float64(cell.Y)+0.5)/float64(int(1)<<cell.Z))
		}
		out = append(out, Cluster{
			Cell: cell, Lon: lon, Lat: lat, Count: a.n, Fatalities: a.fatalities,
			EventType: dominant(a.byType),
		})
	}
	slices.SortFunc(out, func(x, y Cluster) int {
		return cmp.Or(cmp.Compare(x.Cell.Y, y.Cell.Y), cmp.Compare(x.Cell.X, y.Cell.X))
	})
	return out
}

// dominant returns the key with the largest count, the smallest key on ties.
func dominant(counts map[string]int) string {
	best, bestN := "", -1
	for k, n := range counts {
		if n > bestN || n == bestN && k < best {
			best, bestN = k, n
		}
	}
	return best
}

func clampFloat(v, lo, hi float64) float64 {
	if math.IsNaN(v) {
		return (lo + hi) / 2
	}
	return math.Min(math.Max(v, lo), hi)
}
