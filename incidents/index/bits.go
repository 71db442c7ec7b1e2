package index

import (
	"encoding/binary"
	"math/bits"

	"github.com/mapd/mapd/geo"
)

// A scan decides which rows of a block match as bitmap words, 64 rows to
// a word: bit i&63 of word i>>6 stands for row i of the segment, so that
// the dead rows and a full-text answer (bitsets over the same positions)
// are one AND-NOT or AND a word. Each condition then fills a word in one
// branch-free loop over its column, skipping the words no row of which
// passed the conditions before it, and a count is a popcount.

// blockWords is the most words a block of at most chunk rows spans.
const blockWords = chunk/64 + 1

// area is the spatial condition of a block's rows: none (nil rects and
// not on), or a point in one of rects; a polar point (its y clamped) is
// tested against exact instead, and never passes when exact is nil.
type area struct {
	on    bool
	rects []rect
	exact *geo.BBox
}

// queryArea is the query's box; tileArea a tile's rectangle, polar
// points left out.
func (q *Query) queryArea() area { return area{on: true, rects: q.rects, exact: q.box} }
func tileArea(r rect) area       { return area{on: true, rects: []rect{r}} }
func (a area) test(on bool) area { a.on = a.on && on; return a }

// match returns the words of the rows of seg in [a, end) (end-a at most
// chunk, a < end) that are live, lie in ar and pass the query's stages;
// the CQL2 expression is left to the caller. Word k of the result is
// word (a>>6)+k of the segment; bits outside [a, end) are clear.
func (q *Query) match(seg *segment, delta bool, a, end int, ar area, m *block) []uint64 {
	w0 := a >> 6
	words := m.words[:(end-1)>>6-w0+1]
	for k := range words {
		words[k] = ^uint64(0)
	}
	words[0] &= ^uint64(0) << (a & 63)
	if r := end & 63; r != 0 {
		words[len(words)-1] &= 1<<r - 1
	}
	if dead := seg.dead; dead != nil {
		for k := range words {
			if w := w0 + k; w < len(dead) {
				words[k] &^= dead[w]
			}
		}
	}
	if ar.on {
		for k, w := range words {
			if w != 0 {
				lo, hi := max(a, (w0+k)<<6), min(end, (w0+k+1)<<6)
				words[k] = w & (q.areaWord(seg, lo, hi, ar) << (lo & 63))
			}
		}
	}
	for _, x := range q.order {
		q.stageWords(x, seg, delta, a, end, words, m)
	}
	return words
}

// block is the scratch space of one block's match: its words, and a byte
// a row for the stage that fills them.
type block struct {
	words [blockWords]uint64
	t     [blockWords * 64]uint8
}

// popcountWords counts the set bits of words.
func popcountWords(words []uint64) int {
	n := 0
	for _, w := range words {
		n += bits.OnesCount64(w)
	}
	return n
}

// appendRows appends the positions of the set bits of words, the first
// of which is word w0 of its segment, to sel.
func appendRows(sel []int32, words []uint64, w0 int) []int32 {
	for k, w := range words {
		base := int32((w0 + k) << 6)
		for w != 0 {
			sel = append(sel, base+int32(bits.TrailingZeros64(w)))
			w &= w - 1
		}
	}
	return sel
}

// bit is 1 for true, as a word's bit.
func bit(b bool) uint64 { return uint64(b2i(b)) }

// areaWord returns the rows [lo, hi) of seg (at most 64) in ar: bit j for
// row lo+j.
func (q *Query) areaWord(seg *segment, lo, hi int, ar area) uint64 {
	c := &seg.c
	xs := c.x[lo:hi]
	ys, gp := c.y[lo:hi], c.gp[lo:hi]
	ys, gp = ys[:len(xs)], gp[:len(xs)]
	var in, polar uint64
	for _, r := range ar.rects {
		if r.x0 > r.x1 || r.y0 > r.y1 {
			continue // empty; the tests below need x0 <= x1 and y0 <= y1
		}
		x0, dx, y0, dy := r.x0, r.x1-r.x0, r.y0, r.y1-r.y0
		for j, x := range xs {
			in |= bit(x-x0 <= dx) & bit(ys[j]-y0 <= dy) << (uint(j) & 63)
		}
	}
	for j, g := range gp {
		polar |= uint64(g>>7) << (uint(j) & 63) // polarBit
	}
	in &^= polar
	if ar.exact != nil {
		for p := polar; p != 0; p &= p - 1 {
			j := bits.TrailingZeros64(p)
			if e := q.s.extras[c.id.at(lo+j)]; ar.exact.Contains(e.lon, e.lat) {
				in |= 1 << j
			}
		}
	}
	return in
}

// stageWords clears the bits of words (those of the rows [a, end) of
// seg, see match) whose rows fail stage x. Each loop sets one byte a row
// of m.t for the words that still have a bit set, which pack then
// gathers into the words: cheaper than shifting each row's bit into place
// by a variable amount.
func (q *Query) stageWords(x stage, seg *segment, delta bool, a, end int, words []uint64, m *block) {
	c := &seg.c
	w0 := a >> 6
	base := w0 << 6
	// A word with few rows left tests them one by one; the others go
	// through the loops below, whose words dense marks.
	var dense uint64
	if x != stageIDs {
		for k, w := range words {
			switch n := bits.OnesCount64(w); {
			case n == 0:
			case n <= sparseRows:
				words[k] = q.sparseWord(x, seg, (w0+k)<<6, w)
			default:
				dense |= 1 << k
			}
		}
		if dense == 0 {
			return
		}
	}
	// each calls fill(lo, hi, t) for the rows [lo, hi) of every dense
	// word, t being their bytes.
	each := func(fill func(lo, hi int, t []uint8)) {
		for k := range words {
			if dense>>k&1 != 0 {
				lo, hi := max(a, (w0+k)<<6), min(end, (w0+k+1)<<6)
				fill(lo, hi, m.t[lo-base:hi-base])
			}
		}
	}
	switch x {
	case stageDay:
		dlo, span := int64(q.dayLo), uint64(int64(q.dayHi)-int64(q.dayLo))
		each(func(lo, hi int, t []uint8) {
			days := c.day[lo:hi]
			t = t[:len(days)]
			for j, d := range days {
				t[j] = uint8(b2i(uint64(int64(d)-dlo) <= span))
			}
		})
	case stageEventType:
		set := q.et
		each(func(lo, hi int, t []uint8) {
			ets := c.et[lo:hi]
			t = t[:len(ets)]
			for j, e := range ets {
				t[j] = set[e]
			}
		})
	case stageCountry:
		want := uint16(q.country)
		each(func(lo, hi int, t []uint8) {
			vs := c.country[lo:hi]
			t = t[:len(vs)]
			for j, v := range vs {
				t[j] = uint8(b2i(v == want))
			}
		})
	case stageMinFat:
		// An unknown count (countNull) is above countLarge and never
		// matches; a large one is looked up (rare, so predictable).
		minFat := q.minFat
		each(func(lo, hi int, t []uint8) {
			fat := c.fat[lo:hi]
			t = t[:len(fat)]
			for j, f := range fat {
				ok := b2i(int(f) >= minFat) & b2i(f < countLarge)
				if f == countLarge {
					ok = b2i(q.s.extras[c.id.at(lo+j)].fat >= minFat)
				}
				t[j] = uint8(ok)
			}
		})
	case stageActor:
		// Every actor id is below the dictionary's length, which the set
		// covers.
		set := q.actor
		each(func(lo, hi int, t []uint8) {
			a1 := c.a1[lo:hi]
			a2 := c.a2[lo:hi]
			a2, t = a2[:len(a1)], t[:len(a1)]
			for j, x := range a1 {
				t[j] = set[x] | set[a2[j]]
			}
		})
	case stageIDs:
		set := q.idsBase
		if delta {
			set = q.idsDelta
		}
		for k := range words {
			words[k] &= set[w0+k]
		}
		return
	}
	for k, w := range words {
		if dense>>k&1 != 0 {
			words[k] = w & pack((*[64]uint8)(m.t[k*64:]))
		}
	}
}

// sparseRows is the most rows left in a word that stageWords tests one by
// one rather than in a loop over the word's 64 rows.
const sparseRows = 16

// sparseWord returns the rows of w, a word of rows of seg from row base
// on, that pass stage x (not stageIDs).
func (q *Query) sparseWord(x stage, seg *segment, base int, w uint64) uint64 {
	c := &seg.c
	out := w
	for ; w != 0; w &= w - 1 {
		j := bits.TrailingZeros64(w)
		i := base + j
		var ok bool
		switch x {
		case stageDay:
			ok = c.day[i] >= q.dayLo && c.day[i] <= q.dayHi
		case stageEventType:
			ok = q.et[c.et[i]] == 1
		case stageCountry:
			ok = c.country[i] == uint16(q.country)
		case stageMinFat:
			f := c.fat[i]
			ok = int(f) >= q.minFat && f < countLarge || f == countLarge && q.s.extras[c.id.at(i)].fat >= q.minFat
		case stageActor:
			ok = q.actor[c.a1[i]]|q.actor[c.a2[i]] == 1
		}
		if !ok {
			out &^= 1 << j
		}
	}
	return out
}

// stageWord returns the rows [lo, hi) of the base (at most 64, within
// one word) that pass stage x: bit j for row lo+j.
func (q *Query) stageWord(x stage, lo, hi int) uint64 {
	var m block
	words := m.words[:1]
	words[0] = (^uint64(0) >> (64 - (hi - lo))) << (lo & 63)
	q.stageWords(x, &q.s.base, false, lo, hi, words, &m)
	return words[0] >> (lo & 63)
}

// pack returns the word whose bit j is t[j], 0 or 1.
func pack(t *[64]uint8) uint64 {
	// Multiplying eight 0/1 bytes by this constant moves byte k's bit to
	// bit 56+k, with no carries between the partial products.
	const gather = 0x0102040810204080
	var w uint64
	for k := range 8 {
		v := binary.LittleEndian.Uint64(t[8*k:])
		w |= (v * gather >> 56) << (8 * k)
	}
	return w
}

// rows appends to sel the rows of seg in [a, end) (at most chunk, within
// one aligned block for a base) that match the query, its box when ar is
// on; inBox says that ar is the query's box (see exprFilter.filter).
func (q *Query) rows(seg *segment, delta bool, a, end int, ar area, inBox bool, m *block, sel []int32) []int32 {
	sel = sel[:0]
	if !ar.on && len(q.order) == 0 && countDead(seg.dead, a, end) == 0 {
		// Every row matches, as far as the words go.
		for i := a; i < end; i++ {
			sel = append(sel, int32(i))
		}
	} else {
		sel = appendRows(sel, q.match(seg, delta, a, end, ar, m), a>>6)
	}
	if q.expr != nil && len(sel) > 0 {
		sel = q.expr.filter(seg, sel, inBox)
	}
	return sel
}

// countRows counts the rows of seg in [lo, hi) that match the query, its
// box when ar is on, a block at a time.
func (q *Query) countRows(seg *segment, delta bool, lo, hi int, ar area) int {
	var m block
	var sel []int32
	if q.expr != nil {
		sel = make([]int32, 0, chunk)
	}
	n := 0
	for a := lo; a < hi; {
		end := min((a/chunk+1)*chunk, hi)
		if q.expr != nil {
			sel = q.rows(seg, delta, a, end, ar, true, &m, sel)
			n += len(sel)
		} else {
			n += popcountWords(q.match(seg, delta, a, end, ar, &m))
		}
		a = end
	}
	return n
}
