package index

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/paulmach/orb"

	"github.com/mapd/mapd/cql2"
	"github.com/mapd/mapd/geo"
)

// ErrUnanswerable is returned by Compile for a filter whose CQL2
// expression names a property the index does not hold (source_id,
// date_precision, place, geonameid, notes): the store answers it.
var ErrUnanswerable = errors.New("index: the filter names a property the index does not hold")

// A CQL2 expression (checked, see cql2.Queryables.Check) is compiled
// against one snapshot into a tree of nodes that evaluate a chunk of rows
// at a time, each a tight loop over one column:
//
//   - a predicate on a text column (LIKE, =, <>, <, IN, BETWEEN...) is
//     evaluated once per entry of the column's dictionary, with cql2.Eval
//     itself, into a truth table the rows then index by their id;
//   - a predicate on a number or the date becomes a set of integer
//     intervals (x < 2.5 is x <= 2, NOT IN a complement), tested against
//     the column;
//   - S_INTERSECTS tests the grid position against the box, or against the
//     geometry's bounding box before the exact test;
//   - AND, OR and NOT combine the truth values of their arguments row by
//     row, in SQL's three-valued logic.
//
// So a CQL2 filter costs about what the native filter saying the same
// costs, whatever its operators.

// Truth values of a row, ordered so that Kleene's AND is the minimum, OR
// the maximum and NOT the difference from tTrue.
const (
	tFalse   uint8 = 0
	tUnknown uint8 = 1
	tTrue    uint8 = 2
)

// node evaluates a compiled expression: it writes the truth of the rows
// sel (positions in seg) into out, which has len(sel) entries.
type node interface {
	eval(x *scratch, seg *segment, sel []int32, out []uint8)
}

// exprFilter is a compiled CQL2 expression, split into its conjuncts,
// which filter a chunk one after another. boxed are the conjuncts the
// query's box says already (an S_INTERSECTS with the box it was given),
// which only a scan that ignores the box (a tile's) tests.
type exprFilter struct {
	conj, boxed []node
}

// filterer is a node that also filters: it keeps the rows of sel where it
// is true, in place, in one pass.
type filterer interface {
	filter(seg *segment, sel []int32) []int32
}

// setExpr compiles e into the query. When the query has no box, the
// bounding box of a spatial conjunct of e becomes its box, so that only
// the runs of rows that can lie in it are read (tiles, which ignore the
// query's box, still test the conjunct).
func (q *Query) setExpr(e cql2.Expr) error {
	s := q.s
	n, err := s.compileNode(e)
	if err != nil {
		return err
	}
	if c, ok := n.(constNode); ok {
		q.none = q.none || c != constNode(tTrue)
		return nil
	}
	conj := []node{n}
	if l, ok := n.(*logicNode); ok && !l.or {
		conj = l.args
	}
	if q.actor == nil {
		// "actor1 LIKE p OR actor2 LIKE p" is the native actor condition
		// with the dictionary ids p matches: its count and statistics can
		// come from the blocks' summaries.
		for k, c := range conj {
			if set, ok := actorEither(c); ok {
				q.actor = set
				q.none = q.none || set.empty()
				conj = slices.Delete(slices.Clone(conj), k, k+1)
				break
			}
		}
	}
	f := &exprFilter{}
	var boxFrom cql2.Scalar
	if q.box == nil {
		parts := []cql2.Expr{e}
		if and, ok := e.(*cql2.And); ok {
			parts = and.Args
		}
		for _, p := range parts {
			if b, ok := spatialBound(p); ok {
				q.setBox(b)
				boxFrom = p.(*cql2.Spatial).Right
				break
			}
		}
	}
	for _, c := range conj {
		if sp, ok := c.(*spatialNode); ok && sp.g == boxFrom {
			if !sp.exact {
				f.boxed = append(f.boxed, c)
				continue
			}
			// A geometry that gave the query its box: the box test goes
			// with the boxed conjuncts, the exact test stays, on rows
			// known to lie in the box.
			box := *sp
			box.exact = false
			exact := *sp
			exact.inRects = true
			f.boxed = append(f.boxed, &box)
			c = &exact
		}
		f.conj = append(f.conj, c)
	}
	if len(f.conj) > 0 || len(f.boxed) > 0 {
		q.expr = f
	}
	return nil
}

// actorEither returns the set of actor ids of n when n is true exactly
// for the rows whose actor1 or actor2 is in it: one predicate on the
// actor dictionary asked of both columns.
func actorEither(n node) (idSet, bool) {
	md, ok := n.(*multiDictNode)
	if !ok || len(md.dicts) != 2 {
		return nil, false
	}
	a, b := md.dicts[0], md.dicts[1]
	if !(a.col == colActor1 && b.col == colActor2 || a.col == colActor2 && b.col == colActor1) || !slices.Equal(a.table, b.table) {
		return nil, false
	}
	set := make(idSet, len(a.table))
	for id, t := range a.table {
		set[id] = uint8(b2i(t == tTrue))
	}
	return set, true
}

// spatialBound returns the bounding box of a spatial predicate.
func spatialBound(e cql2.Expr) (geo.BBox, bool) {
	sp, ok := e.(*cql2.Spatial)
	if !ok {
		return geo.BBox{}, false
	}
	switch g := sp.Right.(type) {
	case *cql2.Envelope:
		return g.Box, true
	case *cql2.Geometry:
		b := g.G.Bound()
		clamp := func(v, lo, hi float64) float64 { return min(max(v, lo), hi) }
		return geo.BBox{MinLon: clamp(b.Min[0], -180, 180), MinLat: clamp(b.Min[1], -90, 90),
			MaxLon: clamp(b.Max[0], -180, 180), MaxLat: clamp(b.Max[1], -90, 90)}, true
	}
	return geo.BBox{}, false
}

// filter keeps the rows of sel where the expression is true, in place;
// inBox says that the caller tests the query's box itself. The boxed
// conjuncts go first: an exact spatial test may rely on the box.
func (f *exprFilter) filter(seg *segment, sel []int32, inBox bool) []int32 {
	x := scratchPool.Get().(*scratch)
	defer scratchPool.Put(x)
	if !inBox {
		sel = x.filter(f.boxed, seg, sel)
	}
	return x.filter(f.conj, seg, sel)
}

func (x *scratch) filter(conj []node, seg *segment, sel []int32) []int32 {
	for _, c := range conj {
		if len(sel) == 0 {
			break
		}
		if f, ok := c.(filterer); ok {
			sel = f.filter(seg, sel)
			continue
		}
		out := x.get(len(sel))
		c.eval(x, seg, sel, out)
		sel = keepTrue(sel, out)
		x.put()
	}
	return sel
}

// keepTrue keeps the rows of sel whose truth in out is tTrue.
func keepTrue(sel []int32, out []uint8) []int32 {
	n := 0
	for k, i := range sel {
		sel[n] = i
		n += int(out[k] >> 1) // 1 for tTrue only
	}
	return sel[:n]
}

// scratch holds the truth vectors of one evaluation, a stack of buffers.
type scratch struct {
	bufs [][]uint8
	n    int
}

var scratchPool = sync.Pool{New: func() any { return &scratch{} }}

func (x *scratch) get(n int) []uint8 {
	if x.n == len(x.bufs) {
		x.bufs = append(x.bufs, nil)
	}
	if cap(x.bufs[x.n]) < n {
		x.bufs[x.n] = make([]uint8, max(n, chunk))
	}
	b := x.bufs[x.n][:n]
	x.n++
	return b
}

func (x *scratch) put() { x.n-- }

// compileNode compiles one checked expression against the snapshot.
func (s *Snapshot) compileNode(e cql2.Expr) (node, error) {
	switch e := e.(type) {
	case *cql2.And:
		return s.compileAll(e.Args, false)
	case *cql2.Or:
		return s.compileAll(e.Args, true)
	case *cql2.Not:
		n, err := s.compileNode(e.Arg)
		if err != nil {
			return nil, err
		}
		if c, ok := n.(constNode); ok {
			return constNode(tTrue) - c, nil
		}
		return notNode{n}, nil
	case *cql2.Bool:
		if e.Value {
			return constNode(tTrue), nil
		}
		return constNode(tFalse), nil
	case *cql2.Spatial:
		return s.newSpatialNode(e)
	case *cql2.Comparison, *cql2.Like, *cql2.In, *cql2.Between, *cql2.IsNull:
		return s.compilePredicate(e)
	}
	return nil, fmt.Errorf("index: unchecked CQL2 expression %T", e)
}

// compileAll compiles the arguments of an AND (or an OR). Predicates on
// the same column merge into one: their integer sets intersect (or
// unite), their truth tables combine; the text predicates of an OR on
// different columns are looked up in one pass.
func (s *Snapshot) compileAll(args []cql2.Expr, or bool) (node, error) {
	ns := make([]node, 0, len(args))
	nums := map[int]*numNode{}
	dicts := map[int]*dictNode{}
	for _, a := range args {
		n, err := s.compileNode(a)
		if err != nil {
			return nil, err
		}
		switch n := n.(type) {
		case constNode:
			if or && n == constNode(tTrue) || !or && n == constNode(tFalse) {
				return n, nil // decides
			}
			if n != constNode(tUnknown) {
				continue // neutral
			}
		case *numNode:
			if m := nums[n.col]; m != nil && !n.isNull && !m.isNull {
				if or {
					m.set = newIntSet(append(slices.Clone(m.set.intervals()), n.set.intervals()...))
				} else {
					m.set = intersect(m.set, n.set)
				}
				continue
			}
			if !n.isNull {
				nums[n.col] = n
			}
		case *dictNode:
			if m := dicts[n.col]; m != nil {
				for id, t := range n.table {
					if or {
						m.table[id] = max(m.table[id], t)
					} else {
						m.table[id] = min(m.table[id], t)
					}
				}
				continue
			}
			dicts[n.col] = n
		}
		ns = append(ns, n)
	}
	if or && len(dicts) > 1 {
		// The text predicates, in one node.
		md := &multiDictNode{}
		rest := ns[:0]
		for _, n := range ns {
			if d, ok := n.(*dictNode); ok {
				md.dicts = append(md.dicts, d)
				continue
			}
			rest = append(rest, n)
		}
		ns = append(rest, md)
	}
	switch {
	case len(ns) == 0 && or:
		return constNode(tFalse), nil
	case len(ns) == 0:
		return constNode(tTrue), nil
	case len(ns) == 1:
		return ns[0], nil
	}
	return &logicNode{args: ns, or: or}, nil
}

// logicNode is an AND (the minimum of its arguments' truth) or an OR
// (the maximum).
type logicNode struct {
	args []node
	or   bool
}

func (n *logicNode) eval(x *scratch, seg *segment, sel []int32, out []uint8) {
	n.args[0].eval(x, seg, sel, out)
	tmp := x.get(len(sel))
	defer x.put()
	for _, a := range n.args[1:] {
		a.eval(x, seg, sel, tmp)
		if n.or {
			for k, t := range tmp {
				out[k] = max(out[k], t)
			}
		} else {
			for k, t := range tmp {
				out[k] = min(out[k], t)
			}
		}
	}
}

type notNode struct{ arg node }

func (n notNode) eval(x *scratch, seg *segment, sel []int32, out []uint8) {
	n.arg.eval(x, seg, sel, out)
	for k, t := range out {
		out[k] = tTrue - t
	}
}

// constNode is the same truth for every row.
type constNode uint8

func (c constNode) eval(_ *scratch, _ *segment, _ []int32, out []uint8) {
	for k := range out {
		out[k] = uint8(c)
	}
}

// The columns a predicate can test.
const (
	colEventType = iota
	colSubEventType
	colActor1
	colActor2
	colCountry
	colAdmin1
	colID
	colDay
	colFatalities
	colInjuries
	colGeoPrecision
)

var columnOf = map[string]int{
	"event_type": colEventType, "sub_event_type": colSubEventType, "actor1": colActor1, "actor2": colActor2,
	"country": colCountry, "admin1": colAdmin1, "id": colID, "date": colDay, "fatalities": colFatalities,
	"injuries": colInjuries, "geo_precision": colGeoPrecision,
}

// dictOf returns the dictionary of a text column.
func (s *Snapshot) dictOf(col int) *dictView {
	switch col {
	case colEventType:
		return &s.et
	case colSubEventType:
		return &s.sub
	case colActor1, colActor2:
		return &s.actor
	case colCountry:
		return &s.country
	}
	return &s.admin1
}

// compilePredicate compiles a comparison, LIKE, IN, BETWEEN or IS NULL.
func (s *Snapshot) compilePredicate(e cql2.Expr) (node, error) {
	p, ok := cql2.PredicateArg(e).(*cql2.Property)
	if !ok {
		return nil, fmt.Errorf("index: unchecked CQL2 expression at byte offset %d", e.Pos())
	}
	col, ok := columnOf[p.Name]
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrUnanswerable, p.Name)
	}
	if col < colID {
		// A text column, never null: the predicate's truth for each
		// dictionary entry.
		d := s.dictOf(col)
		table := make([]uint8, len(d.vals))
		var v cql2.Value
		get := func(string) cql2.Value { return v }
		for id, str := range d.vals {
			v = cql2.Value{Type: cql2.TypeString, Str: str}
			table[id] = truthByte(cql2.Eval(e, get))
		}
		return &dictNode{col: col, table: table}, nil
	}
	nullable := col == colFatalities || col == colInjuries
	if isNull, ok := e.(*cql2.IsNull); ok {
		if !nullable {
			return constNode(truthByte(cql2.Eval(isNull, func(string) cql2.Value { return cql2.Value{Type: cql2.TypeInteger} }))), nil
		}
		return &numNode{col: col, set: allInts, nullIs: !isNull.Not, isNull: true, extras: s.extras}, nil
	}
	set, err := intervalsOf(e)
	if err != nil {
		return nil, err
	}
	return &numNode{col: col, set: set, extras: s.extras}, nil
}

func truthByte(t cql2.Truth) uint8 {
	switch t {
	case cql2.True:
		return tTrue
	case cql2.False:
		return tFalse
	}
	return tUnknown
}

// dictNode looks the rows' dictionary ids up in a truth table.
type dictNode struct {
	col   int
	table []uint8
}

// ids returns the dictionary ids of the node's column in seg: one of the
// two slices, by the column's width.
func (n *dictNode) ids(seg *segment) ([]uint16, []uint32) {
	c := &seg.c
	switch n.col {
	case colEventType:
		return c.et, nil
	case colSubEventType:
		return c.sub, nil
	case colActor1:
		return nil, c.a1
	case colActor2:
		return nil, c.a2
	case colCountry:
		return c.country, nil
	}
	return nil, c.admin1
}

func (n *dictNode) eval(_ *scratch, seg *segment, sel []int32, out []uint8) {
	if ids16, ids32 := n.ids(seg); ids16 != nil {
		lookup(ids16, n.table, sel, out)
	} else {
		lookup(ids32, n.table, sel, out)
	}
}

func (n *dictNode) filter(seg *segment, sel []int32) []int32 {
	ids16, ids32 := n.ids(seg)
	if ids16 != nil {
		return keep(ids16, n.table, sel)
	}
	return keep(ids32, n.table, sel)
}

// orEval sets out to the maximum of out and the node's truth (OR).
func (n *dictNode) orEval(seg *segment, sel []int32, out []uint8) {
	if ids16, ids32 := n.ids(seg); ids16 != nil {
		orLookup(ids16, n.table, sel, out)
	} else {
		orLookup(ids32, n.table, sel, out)
	}
}

func lookup[T uint16 | uint32](col []T, table []uint8, sel []int32, out []uint8) {
	for k, i := range sel {
		out[k] = table[col[i]]
	}
}

func orLookup[T uint16 | uint32](col []T, table []uint8, sel []int32, out []uint8) {
	for k, i := range sel {
		out[k] = max(out[k], table[col[i]])
	}
}

func keep[T uint16 | uint32](col []T, table []uint8, sel []int32) []int32 {
	n := 0
	for _, i := range sel {
		sel[n] = i
		n += int(table[col[i]] >> 1)
	}
	return sel[:n]
}

// multiDictNode is the OR of text predicates on different columns.
type multiDictNode struct{ dicts []*dictNode }

// filter keeps the rows of sel where one of the predicates is true, in
// place: for two columns (actor1 OR actor2, the common case) in one pass
// over both, as the native actor filter does.
func (n *multiDictNode) filter(seg *segment, sel []int32) []int32 {
	if len(n.dicts) == 2 {
		a, b := n.dicts[0], n.dicts[1]
		a16, a32 := a.ids(seg)
		b16, b32 := b.ids(seg)
		switch {
		case a32 != nil && b32 != nil:
			return keepEither(a32, a.table, b32, b.table, sel)
		case a32 != nil:
			return keepEither(a32, a.table, b16, b.table, sel)
		case b32 != nil:
			return keepEither(a16, a.table, b32, b.table, sel)
		}
		return keepEither(a16, a.table, b16, b.table, sel)
	}
	var buf [chunk]uint8
	if len(sel) > chunk {
		// Scans hand over at most a chunk of rows at a time.
		panic("index: a selection larger than a chunk")
	}
	out := buf[:len(sel)]
	n.eval(nil, seg, sel, out)
	return keepTrue(sel, out)
}

// keepEither keeps the rows of sel where ta[a[i]] or tb[b[i]] is tTrue.
func keepEither[A, B uint16 | uint32](a []A, ta []uint8, b []B, tb []uint8, sel []int32) []int32 {
	n := 0
	for _, i := range sel {
		sel[n] = i
		n += int((ta[a[i]] | tb[b[i]]) >> 1) // 1 when either is tTrue (2)
	}
	return sel[:n]
}

func (n *multiDictNode) eval(_ *scratch, seg *segment, sel []int32, out []uint8) {
	n.dicts[0].eval(nil, seg, sel, out)
	for _, d := range n.dicts[1:] {
		d.orEval(seg, sel, out)
	}
}

// numNode tests an integer column (the date as a day number) against a
// set of intervals; a null count is Unknown, or, for IS NULL, nullIs.
type numNode struct {
	col    int
	set    intSet
	isNull bool // IS [NOT] NULL: the truth is nullIs for a null, !nullIs otherwise
	nullIs bool
	extras map[int64]extra // the snapshot's, for counts of countLarge or more
}

func (n *numNode) eval(_ *scratch, seg *segment, sel []int32, out []uint8) {
	c := &seg.c
	set := &n.set
	switch n.col {
	case colID:
		for k, i := range sel {
			out[k] = uint8(b2i(set.has(c.id.at(int(i))))) << 1
		}
	case colDay:
		for k, i := range sel {
			out[k] = uint8(b2i(set.has(int64(c.day[i])))) << 1
		}
	case colGeoPrecision:
		for k, i := range sel {
			out[k] = uint8(b2i(set.has(int64(c.gp[i]&^polarBit)))) << 1
		}
	default:
		null, notNull := tUnknown, tTrue
		if n.isNull {
			null, notNull = uint8(b2i(n.nullIs))<<1, uint8(b2i(!n.nullIs))<<1
		}
		for k, i := range sel {
			x, known := n.count(c, int(i))
			switch {
			case !known:
				out[k] = null
			case set.has(x):
				out[k] = notNull
			default:
				out[k] = tFalse
			}
		}
	}
}

func (n *numNode) filter(seg *segment, sel []int32) []int32 {
	if n.isNull {
		return n.filterNull(seg, sel)
	}
	c := &seg.c
	set := &n.set
	if !set.one {
		k := 0
		for _, i := range sel {
			ok := false
			switch n.col {
			case colID:
				ok = set.has(c.id.at(int(i)))
			case colDay:
				ok = set.has(int64(c.day[i]))
			case colGeoPrecision:
				ok = set.has(int64(c.gp[i] &^ polarBit))
			default:
				x, known := n.count(c, int(i))
				ok = known && set.has(x)
			}
			sel[k] = i
			k += b2i(ok)
		}
		return sel[:k]
	}
	// One interval: x - lo <= hi - lo, unsigned, with wrapping arithmetic.
	lo, span := uint64(set.lo), uint64(set.hi)-uint64(set.lo)
	k := 0
	switch n.col {
	case colID:
		for _, i := range sel {
			sel[k] = i
			k += b2i(uint64(c.id.at(int(i)))-lo <= span)
		}
	case colDay:
		for _, i := range sel {
			sel[k] = i
			k += b2i(uint64(int64(c.day[i]))-lo <= span)
		}
	case colGeoPrecision:
		for _, i := range sel {
			sel[k] = i
			k += b2i(uint64(c.gp[i]&^polarBit)-lo <= span)
		}
	default:
		col := c.inj
		if n.col == colFatalities {
			col = c.fat
		}
		// The interval cut to the small counts, so that one comparison
		// leaves out the unknown and the large ones.
		smallLo, smallSpan := lo, uint64(min(set.hi, countLarge-1))-lo
		if set.hi < set.lo || min(set.hi, countLarge-1) < set.lo {
			smallLo, smallSpan = countNull+1, 0 // no small count
		}
		for _, i := range sel {
			v := col[i]
			ok := uint64(v)-smallLo <= smallSpan
			if v == countLarge {
				x, _ := n.count(c, int(i))
				ok = uint64(x)-lo <= span
			}
			sel[k] = i
			k += b2i(ok)
		}
	}
	return sel[:k]
}

// count returns row i's count, fatalities or injuries, and false for an
// unknown one.
func (n *numNode) count(c *cols, i int) (int64, bool) {
	v := c.inj[i]
	if n.col == colFatalities {
		v = c.fat[i]
	}
	switch v {
	case countNull:
		return 0, false
	case countLarge:
		e := n.extras[c.id.at(i)]
		if n.col == colFatalities {
			return int64(e.fat), true
		}
		return int64(e.inj), true
	}
	return int64(v), true
}

func (n *numNode) filterNull(seg *segment, sel []int32) []int32 {
	col := seg.c.inj
	if n.col == colFatalities {
		col = seg.c.fat
	}
	k := 0
	for _, i := range sel {
		sel[k] = i
		k += b2i((col[i] == countNull) == n.nullIs)
	}
	return sel[:k]
}

// ival is an inclusive interval of integers.
type ival struct{ lo, hi int64 }

// intSet is a set of integers: one interval [lo, hi] when one is set,
// else the sorted, disjoint intervals of many (none: the empty set).
type intSet struct {
	one    bool
	lo, hi int64
	many   []ival
}

var allInts = intSet{one: true, lo: math.MinInt64, hi: math.MaxInt64}

func (s *intSet) has(x int64) bool {
	if s.one {
		// Wrapping arithmetic: x - lo <= hi - lo, unsigned.
		return uint64(x)-uint64(s.lo) <= uint64(s.hi)-uint64(s.lo)
	}
	return s.hasMany(x)
}

func (s *intSet) hasMany(x int64) bool {
	if len(s.many) <= 8 {
		for _, v := range s.many {
			if x >= v.lo && x <= v.hi {
				return true
			}
		}
		return false
	}
	k, _ := slices.BinarySearchFunc(s.many, x, func(v ival, x int64) int {
		switch {
		case v.hi < x:
			return -1
		case v.lo > x:
			return 1
		}
		return 0
	})
	return k < len(s.many) && x >= s.many[k].lo && x <= s.many[k].hi
}

// newIntSet normalises intervals (any order, possibly overlapping or
// empty) into a set.
func newIntSet(vs []ival) intSet {
	vs = slices.DeleteFunc(slices.Clone(vs), func(v ival) bool { return v.lo > v.hi })
	slices.SortFunc(vs, func(a, b ival) int {
		switch {
		case a.lo < b.lo:
			return -1
		case a.lo > b.lo:
			return 1
		}
		return 0
	})
	var out []ival
	for _, v := range vs {
		if n := len(out); n > 0 && (v.lo <= out[n-1].hi || out[n-1].hi != math.MaxInt64 && v.lo == out[n-1].hi+1) {
			out[n-1].hi = max(out[n-1].hi, v.hi)
			continue
		}
		out = append(out, v)
	}
	if len(out) == 1 {
		return intSet{one: true, lo: out[0].lo, hi: out[0].hi}
	}
	return intSet{many: out}
}

func (s intSet) intervals() []ival {
	if s.one {
		return []ival{{s.lo, s.hi}}
	}
	return s.many
}

// complement returns the integers not in s.
func (s intSet) complement() intSet {
	var out []ival
	next := int64(math.MinInt64) // the smallest integer not yet covered
	done := false
	for _, v := range s.intervals() {
		if v.lo > next {
			out = append(out, ival{next, v.lo - 1})
		}
		if v.hi == math.MaxInt64 {
			done = true
			break
		}
		next = v.hi + 1
	}
	if !done {
		out = append(out, ival{next, math.MaxInt64})
	}
	return newIntSet(out)
}

// two63 is 2^63, the first float64 above every int64.
const two63 = float64(1 << 63)

// compareSet returns the integers x for which "x op lit" holds, comparing
// as cql2.Eval does (as float64).
func compareSet(op cql2.CompareOp, lit float64) intSet {
	none := intSet{}
	if math.IsNaN(lit) {
		// Eval orders nothing against NaN: it compares as equal.
		if op == cql2.Eq || op == cql2.Le || op == cql2.Ge {
			return allInts
		}
		return none
	}
	lo, hi := math.Floor(lit), math.Ceil(lit)
	switch op {
	case cql2.Eq:
		if lo != lit || lit >= two63 || lit < -two63 {
			return none
		}
		return intSet{one: true, lo: int64(lit), hi: int64(lit)}
	case cql2.Ne:
		return compareSet(cql2.Eq, lit).complement()
	case cql2.Lt: // x <= ceil(lit) - 1
		switch {
		case hi >= two63:
			return allInts
		case hi <= -two63:
			return none
		}
		return intSet{one: true, lo: math.MinInt64, hi: int64(hi) - 1}
	case cql2.Le: // x <= floor(lit)
		switch {
		case lo >= two63:
			return allInts
		case lo < -two63:
			return none
		}
		return intSet{one: true, lo: math.MinInt64, hi: int64(lo)}
	case cql2.Gt: // x >= floor(lit) + 1
		switch {
		case lo >= two63:
			return none
		case lo < -two63:
			return allInts
		}
		return intSet{one: true, lo: int64(lo) + 1, hi: math.MaxInt64}
	}
	// Ge: x >= ceil(lit)
	switch {
	case hi >= two63:
		return none
	case hi < -two63:
		return allInts
	}
	return intSet{one: true, lo: int64(hi), hi: math.MaxInt64}
}

func intersect(a, b intSet) intSet {
	var out []ival
	for _, x := range a.intervals() {
		for _, y := range b.intervals() {
			out = append(out, ival{max(x.lo, y.lo), min(x.hi, y.hi)})
		}
	}
	return newIntSet(out)
}

// numberOf returns a checked literal of a number or date property as a
// float64 (a date as its day number).
func numberOf(s cql2.Scalar) (float64, error) {
	switch s := s.(type) {
	case *cql2.Number:
		return s.Value, nil
	case *cql2.Date:
		d, err := parseDay(s.Value)
		return float64(d), err
	}
	return 0, fmt.Errorf("index: unchecked CQL2 literal %T", s)
}

// intervalsOf returns the integers for which a comparison, IN or BETWEEN
// on an integer property holds.
func intervalsOf(e cql2.Expr) (intSet, error) {
	switch e := e.(type) {
	case *cql2.Comparison:
		lit, err := numberOf(e.Right)
		if err != nil {
			return intSet{}, err
		}
		return compareSet(e.Op, lit), nil
	case *cql2.Between:
		lo, err := numberOf(e.Low)
		if err != nil {
			return intSet{}, err
		}
		hi, err := numberOf(e.High)
		if err != nil {
			return intSet{}, err
		}
		set := intersect(compareSet(cql2.Ge, lo), compareSet(cql2.Le, hi))
		if e.Not {
			set = set.complement()
		}
		return set, nil
	case *cql2.In:
		var vs []ival
		for _, x := range e.List {
			lit, err := numberOf(x)
			if err != nil {
				return intSet{}, err
			}
			vs = append(vs, compareSet(cql2.Eq, lit).intervals()...)
		}
		set := newIntSet(vs)
		if e.Not {
			set = set.complement()
		}
		return set, nil
	}
	return intSet{}, fmt.Errorf("index: %T on a number", e)
}

// spatialNode tests the rows' points against a box or a geometry. The
// grid rectangles hold every point of the box (or of the geometry's
// bounding box), within a grid cell, about 1e-7 degrees; a geometry's
// points then get the exact test at the centre of their cell (its
// latitude interpolated, within 1e-7 degrees, see latFast). Polar points
// are tested at their exact coordinates.
type spatialNode struct {
	rects  []rect
	g      cql2.Scalar // the *cql2.Envelope or *cql2.Geometry
	shape  *cql2.Shape // g prepared for the exact test
	exact  bool        // a geometry: rows in the rects need the exact test
	raster *raster     // for an exact test: the cells that do not need it; nil: all do
	// inRects says that the rows given lie in rects already (the scan
	// tested the query's box, which is the geometry's bounding box).
	inRects bool
	extras  map[int64]extra
}

func (s *Snapshot) newSpatialNode(e *cql2.Spatial) (node, error) {
	b, ok := spatialBound(e)
	if !ok {
		return nil, fmt.Errorf("index: unchecked spatial argument %T", e.Right)
	}
	_, exact := e.Right.(*cql2.Geometry)
	n := &spatialNode{rects: boxRects(b), g: e.Right, shape: cql2.Prepare(e.Right), exact: exact, extras: s.extras}
	if exact && len(n.rects) == 1 {
		n.raster = newRaster(n.shape, n.rects[0])
	}
	return n, nil
}

// boxRects returns the box on the grid, split at the antimeridian.
func boxRects(b geo.BBox) []rect {
	var rs []rect
	for _, p := range b.Split() {
		x0, _, _ := mercator(p.MinLon, 0)
		x1, _, _ := mercator(p.MaxLon, 0)
		_, y0, _ := mercator(0, min(p.MaxLat, 90))
		_, y1, _ := mercator(0, max(p.MinLat, -90))
		rs = append(rs, rect{x0: x0, x1: x1, y0: y0, y1: y1})
	}
	return rs
}

func (n *spatialNode) eval(_ *scratch, seg *segment, sel []int32, out []uint8) {
	lat := latTable()
	for k, i := range sel {
		out[k] = uint8(b2i(n.has(seg, i, lat))) << 1
	}
}

// filter keeps the rows of sel on the shape, in place.
func (n *spatialNode) filter(seg *segment, sel []int32) []int32 {
	lat := latTable()
	k := 0
	if g := n.raster; n.inRects && g != nil {
		// The rows lie in the raster's rectangle: most are answered by
		// their cell, in this loop.
		c := &seg.c
		x0, y0, shx, shy, last := g.r.x0, g.r.y0, g.shx, g.shy, g.n-1
		for _, i := range sel {
			var kind uint8
			if c.gp[i]&polarBit != 0 {
				kind = cellEdge
			} else {
				kind = g.cells[min(int((c.y[i]-y0)>>shy), last)*g.n+min(int((c.x[i]-x0)>>shx), last)]
			}
			if kind == cellEdge {
				kind = uint8(b2i(n.has(seg, i, lat))) << 1
			}
			sel[k] = i
			k += int(kind >> 1)
		}
		return sel[:k]
	}
	for _, i := range sel {
		sel[k] = i
		k += b2i(n.has(seg, i, lat))
	}
	return sel[:k]
}

// has reports whether row i of seg lies on the shape.
func (n *spatialNode) has(seg *segment, i int32, lat []float64) bool {
	c := &seg.c
	if c.gp[i]&polarBit != 0 {
		e := n.extras[c.id.at(int(i))]
		return n.shape.Intersects(orb.Point{e.lon, e.lat})
	}
	x, y := c.x[i], c.y[i]
	if !n.inRects {
		in := false
		for _, r := range n.rects {
			in = in || r.has(x, y)
		}
		if !in || !n.exact {
			return in
		}
	}
	if n.raster != nil {
		if kind := n.raster.at(x, y); kind != cellEdge {
			return kind == cellIn
		}
	}
	return n.shape.Intersects(orb.Point{lonOf(float64(x) + 0.5), latFast(lat, y)})
}
