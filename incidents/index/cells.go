package index

import "slices"

// cellSummary holds, for a base, the clusters of all its rows (dead ones
// included, polar ones left out) in the cells of one zoom level: for each
// cell and event type, the rows' count, fatalities and the sums of their
// grid x and latitude. The clusters of a tile whose cells are no deeper
// than the level (the map's low zooms, whose tiles hold most rows) are
// then sums of a few entries rather than a read of every row. Entries are
// in the order of the cells' Z-order keys, then by event type, so a
// tile's entries are one run.
type cellSummary struct {
	level  int
	cx, cy []uint16 // the cell at level
	et     []uint16
	n      []uint32
	fat    []int64
	sumX   []uint64
	sumLat []float64
}

// The levels a cell summary may take: it starts at maxCellLevel and
// coarsens until it has at most one entry per cellShare rows (about a
// quarter of a byte a row), or gives up below minCellLevel.
const (
	maxCellLevel = 12
	minCellLevel = 4
)

// cellShare is how many rows an entry of a cell summary must stand for at
// least; a variable for the tests.
var cellShare = 128

// cellKey is the Z-order key of cell (x, y) of zoom level.
func cellKey(x, y uint32, level int) uint64 {
	return zkey(x<<(32-level), y<<(32-level)) >> (64 - 2*level)
}

// summarizeCells returns the cell summary of c, a base whose large counts
// are in extras, or nil when the rows are too spread for one or there are
// too many event types.
func summarizeCells(c *cols, extras map[int64]extra) *cellSummary {
	n := c.len()
	nET := 0
	for _, v := range c.et {
		nET = max(nET, int(v)+1)
	}
	if n == 0 || nET > maxSummaryValues {
		return nil
	}
	lat := latTable()
	s := &cellSummary{level: maxCellLevel}
	type acc struct {
		n      uint32
		fat    int64
		sumX   uint64
		sumLat float64
	}
	accs := make([]acc, nET)
	var touched []uint16
	var cx, cy uint16
	flush := func() {
		slices.Sort(touched)
		for _, e := range touched {
			a := &accs[e]
			s.cx, s.cy, s.et = append(s.cx, cx), append(s.cy, cy), append(s.et, e)
			s.n, s.fat, s.sumX, s.sumLat = append(s.n, a.n), append(s.fat, a.fat), append(s.sumX, a.sumX), append(s.sumLat, a.sumLat)
			*a = acc{}
		}
		touched = touched[:0]
	}
	add := func(x, y uint16, e uint16, a acc) {
		if len(touched) > 0 && (x != cx || y != cy) {
			flush()
		}
		cx, cy = x, y
		t := &accs[e]
		if t.n == 0 {
			touched = append(touched, e)
		}
		t.n += a.n
		t.fat += a.fat
		t.sumX += a.sumX
		t.sumLat += a.sumLat
	}
	sh := uint(32 - maxCellLevel)
	for i := range n {
		if c.gp[i]&polarBit != 0 {
			continue // in no tile
		}
		f := int64(0)
		switch v := c.fat[i]; v {
		case countNull:
		case countLarge:
			f = int64(extras[c.id.at(i)].fat)
		default:
			f = int64(v)
		}
		x, y := c.x[i], c.y[i]
		add(uint16(x>>sh), uint16(y>>sh), c.et[i], acc{n: 1, fat: f, sumX: uint64(x), sumLat: latFast(lat, y)})
	}
	flush()
	// Coarsen: the cells of a level's parent are consecutive, as the
	// Z-order puts them.
	for len(s.n) > max(1, n/cellShare) {
		if s.level == minCellLevel {
			return nil
		}
		old := *s
		*s = cellSummary{level: old.level - 1}
		for k := range old.n {
			add(old.cx[k]>>1, old.cy[k]>>1, old.et[k], acc{n: old.n[k], fat: old.fat[k], sumX: old.sumX[k], sumLat: old.sumLat[k]})
		}
		flush()
	}
	s.cx, s.cy, s.et = slices.Clip(s.cx), slices.Clip(s.cy), slices.Clip(s.et)
	s.n, s.fat, s.sumX, s.sumLat = slices.Clip(s.n), slices.Clip(s.fat), slices.Clip(s.sumX), slices.Clip(s.sumLat)
	return s
}

// tileEntries returns the entries [a, b) of the cells in the tile of zoom
// z whose grid position has its top left corner at (x0, y0); z is at most
// the summary's level.
func (s *cellSummary) tileEntries(z int, x0, y0 uint32) (int, int) {
	lo := cellKey(x0>>(32-s.level), y0>>(32-s.level), s.level)
	hi := lo + 1<<(2*(s.level-z))
	key := func(k int) uint64 { return cellKey(uint32(s.cx[k]), uint32(s.cy[k]), s.level) }
	a := searchInts(len(s.n), func(k int) bool { return key(k) >= lo })
	b := searchInts(len(s.n), func(k int) bool { return key(k) >= hi })
	return a, b
}

// clustersFromCells adds to the cluster grid of tile t (cells of zoom cz
// = t.Z+depth, no deeper than the summary's level) the base's rows in the
// tile, from the summary less its dead rows, through add; false when a
// dead row's count went with its extra (the caller then reads the rows).
// The query must have no condition but its box, which tiles ignore.
func (q *Query) clustersFromCells(t tileGrid, add func(k int, e uint16, n int, fat int64, sumX uint64, sumLat float64)) bool {
	s := q.s
	sum := s.base.cells
	base := &s.base
	lat := latTable()
	var dead []int32
	if base.dead != nil {
		a, b := base.keyRange(sortKey(t.x0, t.y0), sortKey(t.x1, t.y1))
		dead = base.deadRows(a, b, nil)
		for _, i := range dead {
			if base.c.fat[i] == countLarge {
				return false
			}
		}
	}
	a, b := sum.tileEntries(t.z, t.x0, t.y0)
	up := uint(sum.level - t.cz)
	for k := a; k < b; k++ {
		cell := t.cell(uint64(sum.cx[k]>>up), uint64(sum.cy[k]>>up))
		add(cell, sum.et[k], int(sum.n[k]), sum.fat[k], sum.sumX[k], sum.sumLat[k])
	}
	c := &base.c
	for _, i := range dead {
		if c.gp[i]&polarBit != 0 {
			continue
		}
		f := int64(0)
		if v := c.fat[i]; v != countNull {
			f = int64(v)
		}
		x, y := c.x[i], c.y[i]
		add(t.cell(uint64(x>>t.sh), uint64(y>>t.sh)), c.et[i], -1, -f, -uint64(x), -latFast(lat, y))
	}
	return true
}

// tileGrid is the grid of cells of zoom cz over a tile of zoom z whose
// grid positions run from (x0, y0) to (x1, y1).
type tileGrid struct {
	z, cz, depth   int
	x0, y0, x1, y1 uint32
	sh             uint   // a grid position's shift to its cell
	cx0, cy0       uint64 // the tile's first cell
}

func newTileGrid(z, x, y, depth int) tileGrid {
	g := tileGrid{z: z, cz: z + depth, depth: depth, sh: uint(32 - z - depth)}
	sh := uint(32 - z)
	if z > 0 {
		g.x0, g.y0 = uint32(x)<<sh, uint32(y)<<sh
	}
	g.x1, g.y1 = g.x0|uint32(uint64(1)<<sh-1), g.y0|uint32(uint64(1)<<sh-1)
	g.cx0, g.cy0 = uint64(x)<<depth, uint64(y)<<depth
	return g
}

// cell returns the index in the grid of cell (cx, cy) of zoom cz.
func (g *tileGrid) cell(cx, cy uint64) int { return int(cx-g.cx0) + int(cy-g.cy0)<<g.depth }
