package index

import (
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strings"
	"sync/atomic"
	"unicode"

	"github.com/mapd/mapd/geo"
	"github.com/mapd/mapd/incidents"
)

// Query is a filter compiled against one snapshot: the runs of rows it can
// match and a predicate on the columns. It is cheap to build (the actor
// substring is matched once against the dictionary, not per row) and safe
// for concurrent use.
type Query struct {
	s    *Snapshot
	none bool // matches nothing

	hasDay        bool
	dayLo, dayHi  int32 // inclusive
	et            idSet // nil: any event type
	actor         idSet // nil: any actor; else actor1 or actor2 in it
	country       int32 // -1: any
	minFat        int   // 0: no constraint
	ids           bool
	idsBase       bitset // rows of the base among the ids
	idsDelta      bitset
	box           *geo.BBox
	rects         []rect  // the box on the grid, split at the antimeridian
	boxSpans      []span  // the runs of base rows the box can hold
	polarPossible bool    // the box reaches the grid's top or bottom row, where polar points lie
	order         []stage // the conditions filter applies, in this order

	expr *exprFilter // the CQL2 filter; nil: none

	// counted is one more than the number of matching rows once a scan
	// has counted them, 0 before: a page's scan also answers its
	// numberMatched.
	counted atomic.Int64
}

// idSet is a set of dictionary ids: 1 at the ids in it, 0 elsewhere, one
// byte an id so that a scan reads a row's membership in one load.
type idSet []uint8

func (s idSet) empty() bool { return !slices.Contains(s, 1) }

// rect is an inclusive rectangle of the grid.
type rect struct{ x0, x1, y0, y1 uint32 }

func (r rect) has(x, y uint32) bool { return x >= r.x0 && x <= r.x1 && y >= r.y0 && y <= r.y1 }

// span is a run [lo, hi) of base rows; test says whether its rows need the
// exact box test (the run's cell is not wholly inside the box).
type span struct {
	lo, hi int
	test   bool
}

// Compile builds the query of f on the snapshot; its Limit and Cursor are
// ignored (see Page). ids, used only when f.Q is not blank, are the ids of
// the incidents the store's full-text index matched for f.Q, in any order.
// The errors match incidents.ErrInvalid, or ErrUnanswerable for a CQL2
// expression (f.Expr) on a property the index does not hold.
func (s *Snapshot) Compile(f incidents.Filter, ids []int64) (*Query, error) {
	q := &Query{s: s, country: -1}
	if f.From != "" || f.To != "" {
		q.hasDay, q.dayLo, q.dayHi = true, math.MinInt32, math.MaxInt32
		if f.From != "" {
			d, err := parseDay(f.From)
			if err != nil {
				return nil, err
			}
			q.dayLo = d
		}
		if f.To != "" {
			d, err := parseDay(f.To)
			if err != nil {
				return nil, err
			}
			q.dayHi = d
		}
		if q.dayLo > q.dayHi {
			q.none = true
		}
	}
	if len(f.EventTypes) > 0 {
		q.et = make(idSet, len(s.et.vals))
		for _, t := range f.EventTypes {
			if id, ok := s.et.lookup(t); ok {
				q.et[id] = 1
			}
		}
		if q.et.empty() {
			q.none = true
		}
	}
	if f.Actor != "" {
		q.actor = make(idSet, len(s.actor.vals))
		pat := asciiLower(f.Actor)
		for i, v := range s.actor.lower {
			if strings.Contains(v, pat) {
				q.actor[i] = 1
			}
		}
		if q.actor.empty() {
			q.none = true
		}
	}
	if f.Country != "" {
		id, ok := s.country.lookup(f.Country)
		if !ok {
			q.none = true
		}
		q.country = int32(id)
	}
	if f.MinFatalities > 0 {
		q.minFat = f.MinFatalities
	}
	if strings.TrimSpace(f.Q) != "" && ftsWords(f.Q) {
		q.setIDs(ids)
	}
	if f.BBox != nil {
		if err := f.BBox.Validate(); err != nil {
			return nil, fmt.Errorf("%w: %v", incidents.ErrInvalid, err)
		}
		q.setBox(*f.BBox)
	}
	if f.Expr != nil {
		if err := q.setExpr(f.Expr); err != nil {
			return nil, err
		}
	}
	if !q.none {
		q.order = q.stages()
	}
	return q, nil
}

// ftsWords reports whether the text holds a word the store's full-text
// query keeps (a letter or digit); text without one matches everything,
// as the store does.
func ftsWords(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return isWordRune(r) }) >= 0
}

func (q *Query) setIDs(ids []int64) {
	s := q.s
	q.ids = true
	sorted := slices.IsSorted(ids)
	if !sorted {
		ids = slices.Clone(ids)
		slices.Sort(ids)
	}
	q.idsBase = newBitset(s.base.c.len())
	s.base.ids.mark(ids, &s.base.c.id, q.idsBase)
	q.idsDelta = newBitset(s.delta.c.len())
	for i := range s.delta.c.len() {
		if _, ok := slices.BinarySearch(ids, s.delta.c.id.at(i)); ok {
			q.idsDelta.set(i)
		}
	}
	if len(ids) == 0 {
		q.none = true
	}
}

// maxSpans bounds the runs a box is cut into.
const maxSpans = 128

func (q *Query) setBox(b geo.BBox) {
	q.box = &b
	q.rects = boxRects(b)
	// A polar point's y is clamped to the grid's top or bottom row, so a
	// box reaching either row may hold one, even when its edge is the
	// Mercator limit itself and every polar point lies outside it.
	for _, r := range q.rects {
		q.polarPossible = q.polarPossible || r.y0 == 0 || r.y1 == math.MaxUint32
	}
	for _, r := range q.rects {
		q.boxSpans = append(q.boxSpans, q.s.rectSpans(r, maxSpans/len(q.rects), q.polarPossible)...)
	}
}

// rectSpans covers r with cells of the Z-order quadtree, refining the
// cells along its edges while the count stays under limit, and returns the
// runs of base rows of those cells. Runs of cells wholly inside r need no
// per-row test (unless polar points may lie in them: their y is clamped).
func (s *Snapshot) rectSpans(r rect, limit int, polar bool) []span {
	return s.cellSpans(func(cx0, cy0, cx1, cy1 uint64) (in, overlap bool) {
		overlap = cx1 >= uint64(r.x0) && cx0 <= uint64(r.x1) && cy1 >= uint64(r.y0) && cy0 <= uint64(r.y1)
		in = cx0 >= uint64(r.x0) && cx1 <= uint64(r.x1) && cy0 >= uint64(r.y0) && cy1 <= uint64(r.y1)
		return in, overlap
	}, limit, polar)
}

// cellSpans is rectSpans for any region: classify tells whether the grid
// rectangle [cx0, cx1] x [cy0, cy1] lies wholly inside the region (in) and
// whether it meets it at all (overlap).
func (s *Snapshot) cellSpans(classify func(cx0, cy0, cx1, cy1 uint64) (in, overlap bool), limit int, polar bool) []span {
	type qcell struct {
		z    int
		x, y uint32 // the cell's column and row at zoom z
	}
	inside := func(c qcell) (in, overlap bool) {
		sh := uint(32 - c.z)
		cx0, cy0 := uint64(c.x)<<sh, uint64(c.y)<<sh
		return classify(cx0, cy0, cx0+(1<<sh)-1, cy0+(1<<sh)-1)
	}
	var done []qcell // wholly inside
	edge := []qcell{{}}
	// Cells deeper than sortBits/2 are not runs of the sort order.
	for z := 0; z < sortBits/2 && len(edge) > 0; z++ {
		if len(done)+len(edge)*4 > limit && z > 0 {
			break
		}
		var next []qcell
		for _, c := range edge {
			for i := range uint32(4) {
				k := qcell{z: c.z + 1, x: c.x<<1 | i&1, y: c.y<<1 | i>>1}
				in, ov := inside(k)
				switch {
				case in:
					done = append(done, k)
				case ov:
					next = append(next, k)
				}
			}
		}
		edge = next
	}
	var out []span
	add := func(c qcell, test bool) {
		sh := uint(32 - c.z)
		lo := sortKey(c.x<<sh, c.y<<sh)
		hi := sortKey(c.x<<sh|(1<<sh-1), c.y<<sh|(1<<sh-1))
		if c.z == 0 {
			lo, hi = 0, sortKey(math.MaxUint32, math.MaxUint32)
		}
		a, b := s.base.keyRange(lo, hi)
		if a < b {
			out = append(out, span{lo: a, hi: b, test: test || polar})
		}
	}
	for _, c := range done {
		add(c, false)
	}
	for _, c := range edge {
		add(c, true)
	}
	slices.SortFunc(out, func(a, b span) int { return a.lo - b.lo })
	// Merge adjacent runs of the same kind.
	merged := out[:0]
	for _, sp := range out {
		if n := len(merged); n > 0 && merged[n-1].hi == sp.lo && merged[n-1].test == sp.test {
			merged[n-1].hi = sp.hi
			continue
		}
		merged = append(merged, sp)
	}
	return merged
}

// keyRange returns the run [a, b) of base rows whose sortKey lies in
// [lo, hi].
func (s *segment) keyRange(lo, hi uint64) (int, int) {
	key := func(i int) uint64 { return sortKey(s.c.x[i], s.c.y[i]) }
	n := s.c.len()
	a := searchInts(n, func(i int) bool { return key(i) >= lo })
	b := searchInts(n, func(i int) bool { return key(i) > hi })
	return a, b
}

func searchInts(n int, f func(int) bool) int {
	lo, hi := 0, n
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if !f(m) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// chunk is the number of rows a scan filters at a time: the predicates
// run one after another over a chunk's words (see match), each a tight
// loop over one column.
const chunk = 2048

// visitor receives the matching rows of a scan, a chunk at a time, as
// positions in seg.
type visitor func(seg *segment, sel []int32)

// b2i is 1 for true; the compiler turns it into a flag move, so the
// filters below do not branch on the data.
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// stage is one condition of a query's filter, applied to a chunk's
// words in one tight loop over its column (see stageWord).
type stage uint8

const (
	stageDay stage = iota
	stageEventType
	stageCountry
	stageMinFat
	stageActor
	stageIDs
)

// stages returns the query's conditions (its box and CQL2 expression
// aside), those that keep the fewest rows of a sample of the base first,
// so that the later ones test fewer words.
func (q *Query) stages() []stage {
	var st []stage
	for _, c := range []struct {
		on bool
		s  stage
	}{{q.hasDay, stageDay}, {q.et != nil, stageEventType}, {q.country >= 0, stageCountry},
		{q.minFat > 0, stageMinFat}, {q.actor != nil, stageActor}, {q.ids, stageIDs}} {
		if c.on {
			st = append(st, c.s)
		}
	}
	base := &q.s.base
	n := base.c.len()
	if len(st) < 2 || n < 2*sampleWords*64 {
		return st
	}
	kept := make(map[stage]int, len(st))
	for _, x := range st {
		for k := range sampleWords {
			lo := k * (n / sampleWords) &^ 63
			kept[x] += bits.OnesCount64(q.stageWord(x, lo, lo+64))
		}
	}
	slices.SortStableFunc(st, func(a, b stage) int { return kept[a] - kept[b] })
	return st
}

// sampleWords is the number of words of rows, spread over the base, that
// order a query's stages.
const sampleWords = 16

// scan calls visit for every row matching the query, the box included,
// and counts them for Count.
func (q *Query) scan(visit visitor) {
	q.scanSkipping(visit, nil)
}

// run is a range [lo, hi) of a segment's rows to scan; test says whether
// its rows need the box test.
type run struct {
	seg    *segment
	delta  bool
	lo, hi int
	test   bool
}

// scanSkipping is scan, but it leaves out each block of base rows that
// skip rejects (nil: none), called with the block's number (rows
// [k*chunk, (k+1)*chunk)), and returns the runs it left out. Only a scan
// that left nothing out counts the matches for Count.
func (q *Query) scanSkipping(visit visitor, skip func(block int) bool) (skipped []run) {
	if q.none {
		return nil
	}
	s := q.s
	n := 0
	counting := func(seg *segment, sel []int32) {
		n += len(sel)
		visit(seg, sel)
	}
	sel := make([]int32, 0, chunk)
	if q.box == nil {
		skipped = q.scanRun(run{seg: &s.base, lo: 0, hi: s.base.c.len()}, sel, counting, skip, skipped)
	} else {
		for _, sp := range q.boxSpans {
			skipped = q.scanRun(run{seg: &s.base, lo: sp.lo, hi: sp.hi, test: sp.test}, sel, counting, skip, skipped)
		}
	}
	q.scanRun(run{seg: &s.delta, delta: true, lo: 0, hi: s.delta.c.len(), test: q.box != nil}, sel, counting, nil, nil)
	if len(skipped) == 0 {
		q.counted.Store(int64(n) + 1)
	}
	return skipped
}

// scanRun visits the matching rows of r a block of base rows (chunk rows,
// aligned) at a time, leaving out the blocks skip rejects, which it
// appends to skipped.
func (q *Query) scanRun(r run, sel []int32, visit visitor, skip func(block int) bool, skipped []run) []run {
	seg := r.seg
	var m block
	for a := r.lo; a < r.hi; {
		end := min((a/chunk+1)*chunk, r.hi)
		if skip != nil && skip(a/chunk) {
			skipped = append(skipped, run{seg: seg, delta: r.delta, lo: a, hi: end, test: r.test})
			a = end
			continue
		}
		sel = q.rows(seg, r.delta, a, end, q.queryArea().test(r.test), true, &m, sel)
		if len(sel) > 0 {
			visit(seg, sel)
		}
		a = end
	}
	return skipped
}

// scanTile calls visit for every row matching the query (its box ignored)
// that lies in tile t.
func (q *Query) scanTile(t geo.Tile, visit visitor) {
	if q.none || !t.Valid() {
		return
	}
	s := q.s
	sh := uint(32 - t.Z)
	var x0, y0 uint32
	if t.Z > 0 {
		x0, y0 = uint32(t.X)<<sh, uint32(t.Y)<<sh
	}
	x1, y1 := x0|uint32(uint64(1)<<sh-1), y0|uint32(uint64(1)<<sh-1)
	r := rect{x0: x0, x1: x1, y0: y0, y1: y1}
	a, b := s.base.keyRange(sortKey(x0, y0), sortKey(x1, y1))
	// The run holds only the tile's rows when the tile is no deeper than
	// the sort, but the tiles of the top and bottom rows may hold polar
	// points, whose y is clamped.
	test := t.Z > sortBits/2 || y0 == 0 || y1 == math.MaxUint32
	sel := make([]int32, 0, chunk)
	var m block
	ar := tileArea(r).test(test)
	for lo := a; lo < b; lo += chunk {
		sel = q.rows(&s.base, false, lo, min(lo+chunk, b), ar, false, &m, sel)
		if len(sel) > 0 {
			visit(&s.base, sel)
		}
	}
	q.scanTileDelta(t, visit)
}

// scanTileDelta is scanTile for the delta's rows alone.
func (q *Query) scanTileDelta(t geo.Tile, visit visitor) {
	if q.none || !t.Valid() {
		return
	}
	s := q.s
	g := newTileGrid(t.Z, t.X, t.Y, 0)
	r := rect{x0: g.x0, x1: g.x1, y0: g.y0, y1: g.y1}
	sel := make([]int32, 0, chunk)
	var m block
	for lo := 0; lo < s.delta.c.len(); lo += chunk {
		sel = q.rows(&s.delta, true, lo, min(lo+chunk, s.delta.c.len()), tileArea(r), false, &m, sel)
		if len(sel) > 0 {
			visit(&s.delta, sel)
		}
	}
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
