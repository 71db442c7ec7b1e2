package index

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
)

// summary counts, for each block of chunk rows of a base (rows
// [k*chunk, (k+1)*chunk)), its rows of each value of the columns a filter
// compares with one value or a range: event type, country, month,
// fatalities and the most frequent actors. A count of one such condition (with or without a box) then
// adds a few numbers a block instead of reading the block's rows. The
// counts include the rows marked dead later (a summary is built with its
// base and never changes), so Count subtracts the dead rows that match,
// reading only them.
type summary struct {
	// Each field holds blocks times its values counts: block k's count of
	// value v is at k*n+v. A field is nil when its column has too many
	// distinct values for the summary to stay small (see the max
	// constants).
	et, country, month, fat []uint16
	nET, nCountry, nMonth   int
	month0                  int // the month number of month index 0
	// actor holds, for the most frequent actors (topActors, at most
	// maxTopActors), each block's rows with that actor as actor1 or
	// actor2, then its rows with two distinct ones of them (pairSlot),
	// actorStride counts a block: a count for a set of them is the sum
	// of the first less the second, as a row has two actors at most.
	actor       []uint16
	topActors   []uint32
	actorStride int
}

// maxTopActors is the number of actors the summary counts.
const maxTopActors = 16

// pairSlot returns the index, in a block's actor counts, of the rows
// with the top actors i and j (i < j).
func pairSlot(i, j int) int { return maxTopActors + i*maxTopActors - i*(i+1)/2 + j - i - 1 }

// The most distinct values a summary counts per column; with them a
// summary takes at most 2*(64+64+384+32+136) bytes a block of 2048 rows,
// about two thirds of a byte a row.
const (
	maxSummaryValues = 64
	maxSummaryMonths = 384
	// fatBuckets counts the fatalities 0 to fatBuckets-2 one by one and
	// every larger known count in the last bucket: min_fatalities up to
	// fatBuckets-1 is a sum of buckets.
	fatBuckets = 32
)

// summarize returns the summary of the rows of c, a base.
func summarize(c *cols) *summary {
	n := c.len()
	nET, nCountry := 0, 0
	for i := range n {
		nET, nCountry = max(nET, int(c.et[i])+1), max(nCountry, int(c.country[i])+1)
	}
	blocks := (n + chunk - 1) / chunk
	s := &summary{}
	if nET <= maxSummaryValues {
		s.et, s.nET = make([]uint16, blocks*nET), nET
	}
	if nCountry <= maxSummaryValues {
		s.country, s.nCountry = make([]uint16, blocks*nCountry), nCountry
	}
	s.fat = make([]uint16, blocks*fatBuckets)
	summarizeActors(s, c)
	lo, hi := int32(math.MaxInt32), int32(math.MinInt32)
	for _, d := range c.day {
		lo, hi = min(lo, d), max(hi, d)
	}
	var monthIdx []uint16 // by day - lo
	if n > 0 {
		s.month0 = monthOf(lo)
		if nm := monthOf(hi) - s.month0 + 1; nm <= maxSummaryMonths {
			s.month, s.nMonth = make([]uint16, blocks*nm), nm
			monthIdx = make([]uint16, int(hi-lo)+1)
			for d := range monthIdx {
				monthIdx[d] = uint16(monthOf(lo+int32(d)) - s.month0)
			}
		}
	}
	for k := range blocks {
		a, b := k*chunk, min((k+1)*chunk, n)
		if s.et != nil {
			et := s.et[k*nET : (k+1)*nET]
			for _, v := range c.et[a:b] {
				et[v]++
			}
		}
		if s.country != nil {
			country := s.country[k*nCountry : (k+1)*nCountry]
			for _, v := range c.country[a:b] {
				country[v]++
			}
		}
		if s.month != nil {
			month := s.month[k*s.nMonth : (k+1)*s.nMonth]
			for _, d := range c.day[a:b] {
				month[monthIdx[d-lo]]++
			}
		}
		fat := s.fat[k*fatBuckets : (k+1)*fatBuckets]
		for _, f := range c.fat[a:b] {
			if f != countNull {
				fat[min(int(f), fatBuckets-1)]++
			}
		}
	}
	return s
}

// summarizeActors fills the actor counts of s, the summary of c.
func summarizeActors(s *summary, c *cols) {
	n := c.len()
	var freq []int
	for i := range n {
		a1, a2 := int(c.a1[i]), int(c.a2[i])
		if m := max(a1, a2); m >= len(freq) {
			freq = append(freq, make([]int, m+1-len(freq))...)
		}
		freq[a1]++
		if a2 != a1 {
			freq[a2]++
		}
	}
	for id, f := range freq {
		if id == 0 || f == 0 { // the empty actor matches no pattern
			continue
		}
		s.topActors = append(s.topActors, uint32(id))
	}
	slices.SortFunc(s.topActors, func(a, b uint32) int { return cmp.Or(freq[b]-freq[a], cmp.Compare(a, b)) })
	s.topActors = s.topActors[:min(len(s.topActors), maxTopActors)]
	slot := make([]int8, len(freq)) // 1 + the top index; 0: not top
	for k, id := range s.topActors {
		slot[id] = int8(k + 1)
	}
	s.actorStride = pairSlot(maxTopActors-2, maxTopActors-1) + 1
	blocks := (n + chunk - 1) / chunk
	s.actor = make([]uint16, blocks*s.actorStride)
	for k := range blocks {
		cnt := s.actor[k*s.actorStride : (k+1)*s.actorStride]
		for i := k * chunk; i < min((k+1)*chunk, n); i++ {
			a1, a2 := c.a1[i], c.a2[i]
			t1, t2 := int(slot[a1])-1, int(slot[a2])-1
			if t1 >= 0 {
				cnt[t1]++
			}
			if a2 == a1 || t2 < 0 {
				continue
			}
			cnt[t2]++
			if t1 >= 0 {
				cnt[pairSlot(min(t1, t2), max(t1, t2))]++
			}
		}
	}
}

// summed is how a query's one condition is counted from a summary: the
// sum, in each block, of the counts of vals in col (n values a block),
// less those of neg.
type summed struct {
	col       []uint16
	n         int
	vals, neg []int
}

// summed returns how the summary of the base answers the query's count,
// or false when it cannot: the query must have exactly one condition
// besides its box, an event type, a country, an actor pattern matching
// only top actors, dates that begin and end with whole months or a
// minimum of fatalities below fatBuckets.
func (q *Query) summed() (summed, bool) {
	sum := q.s.base.sum
	if sum == nil || len(q.order) != 1 || q.expr != nil {
		return summed{}, false
	}
	switch q.order[0] {
	case stageEventType:
		if sum.et == nil {
			return summed{}, false
		}
		out := summed{col: sum.et, n: sum.nET}
		for v, in := range q.et {
			if in == 1 && v < sum.nET {
				out.vals = append(out.vals, v)
			}
		}
		return out, true
	case stageCountry:
		if sum.country == nil {
			return summed{}, false
		}
		out := summed{col: sum.country, n: sum.nCountry}
		if int(q.country) < sum.nCountry {
			out.vals = []int{int(q.country)}
		}
		return out, true
	case stageMinFat:
		if q.minFat >= fatBuckets {
			return summed{}, false
		}
		out := summed{col: sum.fat, n: fatBuckets}
		for v := q.minFat; v < fatBuckets; v++ {
			out.vals = append(out.vals, v)
		}
		return out, true
	case stageActor:
		// Every actor of the set must be a top one.
		var top []int
		for id, in := range q.actor {
			if in == 0 {
				continue
			}
			k := slices.Index(sum.topActors, uint32(id))
			if k < 0 {
				return summed{}, false
			}
			top = append(top, k)
		}
		out := summed{col: sum.actor, n: sum.actorStride, vals: top}
		for x, i := range top {
			for _, j := range top[x+1:] {
				out.neg = append(out.neg, pairSlot(min(i, j), max(i, j)))
			}
		}
		return out, true
	case stageDay:
		if sum.month == nil {
			return summed{}, false
		}
		first, last := 0, sum.nMonth-1
		if q.dayLo != math.MinInt32 {
			if _, _, d := civil(q.dayLo); d != 1 {
				return summed{}, false
			}
			first = max(first, monthOf(q.dayLo)-sum.month0)
		}
		if q.dayHi != math.MaxInt32 {
			if _, _, d := civil(q.dayHi + 1); d != 1 {
				return summed{}, false
			}
			last = min(last, monthOf(q.dayHi)-sum.month0)
		}
		out := summed{col: sum.month, n: sum.nMonth}
		for v := first; v <= last; v++ {
			out.vals = append(out.vals, v)
		}
		return out, true
	}
	return summed{}, false
}

// block returns the count of block k's rows, the dead ones included.
func (s *summed) block(k int) int {
	col := s.col[k*s.n : (k+1)*s.n]
	n := 0
	for _, v := range s.vals {
		n += int(col[v])
	}
	for _, v := range s.neg {
		n -= int(col[v])
	}
	return n
}

// countSummed counts the rows of the base in [lo, hi) that match the
// query (its box aside) with the summary for the whole blocks and a scan
// of the rest.
func (q *Query) countSummed(sm *summed, lo, hi int) int {
	base := &q.s.base
	k0, k1 := (lo+chunk-1)/chunk, hi/chunk
	if k0 >= k1 {
		return q.countRows(base, false, lo, hi, area{})
	}
	n := q.countRows(base, false, lo, k0*chunk, area{}) + q.countRows(base, false, k1*chunk, hi, area{})
	var m block
	for k := k0; k < k1; k++ {
		n += sm.block(k) - q.countDeadMatches(k, &m)
	}
	return n
}

// countDeadMatches counts the dead rows of base block k that pass the
// query's stages.
func (q *Query) countDeadMatches(k int, m *block) int {
	base := &q.s.base
	w0 := k * chunk >> 6
	if w0 >= len(base.dead) {
		return 0
	}
	a, end := k*chunk, min((k+1)*chunk, base.c.len())
	words := m.words[:(end-1)>>6-w0+1]
	any := false
	for i := range words {
		words[i] = 0
		if w0+i < len(base.dead) {
			words[i] = base.dead[w0+i]
			any = any || words[i] != 0
		}
	}
	if !any {
		return 0
	}
	if q.order[0] != stageMinFat {
		q.stageWords(q.order[0], base, false, a, end, words, m)
		return popcountWords(words)
	}
	// A dead row's extra is gone (or is its replacement's): its large
	// count (countLarge) is in the last bucket, which every minimum the
	// summary answers takes, as the summary counted it.
	n := 0
	for i, w := range words {
		for ; w != 0; w &= w - 1 {
			f := base.c.fat[(w0+i)<<6+bits.TrailingZeros64(w)]
			n += b2i(f != countNull && int(f) >= q.minFat)
		}
	}
	return n
}

// statRows is the size of the blocks a base's statSummary describes: rows
// [k*statRows, (k+1)*statRows) make stats block k.
const statRows = 8 * chunk

// maxStatEntries bounds the entries of a stats block (its distinct event
// types, countries, admin1, actors and months): a block with more has no
// summary (its rows are read), so that summaries take at most about a
// third of a byte a row.
const maxStatEntries = 512

// The groups of a stats entry, in the top bits of its key.
const (
	statET = iota
	statCountry
	statAdmin1
	statActor
	statMonth
	statKeyBits = 29
)

// statSummary holds, for each stats block of a base, what /api/stats
// counts of its rows (the dead ones included, as in summary): the count
// and fatalities of each event type, country, admin1, actor and month
// present, and the first and last day.
type statSummary struct {
	off            []uint32 // block k's entries are [off[k], off[k+1])
	keys           []uint32 // group<<statKeyBits | dictionary id or month number
	n              []uint16
	fat            []uint32
	minDay, maxDay []int32 // minDay[k] > maxDay[k]: block k has no summary
}

// summarizeStats returns the stats summary of the rows of c, a base
// whose large counts are in extras.
func summarizeStats(c *cols, extras map[int64]extra) *statSummary {
	n := c.len()
	blocks := (n + statRows - 1) / statRows
	s := &statSummary{off: make([]uint32, 1, blocks+1), minDay: make([]int32, blocks), maxDay: make([]int32, blocks)}
	var groups [statMonth + 1]statGroup
	size := func(ids int) int { return ids + 1 }
	var nET, nCountry, nAdmin1, nActor int
	dayLo, dayHi := int32(math.MaxInt32), int32(math.MinInt32)
	for i := range n {
		nET, nCountry = max(nET, size(int(c.et[i]))), max(nCountry, size(int(c.country[i])))
		nAdmin1, nActor = max(nAdmin1, size(int(c.admin1[i]))), max(nActor, size(int(c.a1[i])), size(int(c.a2[i])))
		dayLo, dayHi = min(dayLo, c.day[i]), max(dayHi, c.day[i])
	}
	if n == 0 {
		return s
	}
	month0 := monthOf(dayLo)
	if monthOf(dayHi)-month0 >= 1<<16 || nActor >= 1<<statKeyBits || nAdmin1 >= 1<<statKeyBits {
		// Too wide to summarise: every block is read.
		for k := range blocks {
			s.minDay[k], s.maxDay[k] = math.MaxInt32, math.MinInt32
			s.off = append(s.off, 0)
		}
		return s
	}
	monthIdx := make([]uint32, int(dayHi-dayLo)+1) // by day - dayLo
	for d := range monthIdx {
		monthIdx[d] = uint32(monthOf(dayLo+int32(d)) - month0)
	}
	for g, size := range []int{nET, nCountry, nAdmin1, nActor, monthOf(dayHi) - month0 + 1} {
		groups[g].accs = make([]statAcc, size)
	}
	for k := range blocks {
		a, b := k*statRows, min((k+1)*statRows, n)
		lo, hi := int32(math.MaxInt32), int32(math.MinInt32)
		for i := a; i < b; i++ {
			f := int64(0)
			switch v := c.fat[i]; v {
			case countNull:
			case countLarge:
				f = int64(extras[c.id.at(i)].fat)
			default:
				f = int64(v)
			}
			d := c.day[i]
			lo, hi = min(lo, d), max(hi, d)
			groups[statET].add(uint32(c.et[i]), f)
			groups[statCountry].add(uint32(c.country[i]), f)
			groups[statAdmin1].add(c.admin1[i], f)
			groups[statActor].add(c.a1[i], f)
			if c.a2[i] != c.a1[i] {
				groups[statActor].add(c.a2[i], f)
			}
			groups[statMonth].add(monthIdx[d-dayLo], f)
		}
		entries, ok := 0, true
		for g := range groups {
			entries += len(groups[g].touched)
			for _, id := range groups[g].touched {
				ok = ok && groups[g].accs[id].fat <= math.MaxUint32
			}
		}
		s.minDay[k], s.maxDay[k] = math.MaxInt32, math.MinInt32
		if ok = ok && entries <= maxStatEntries; ok {
			s.minDay[k], s.maxDay[k] = lo, hi
		}
		for g := range groups {
			gr := &groups[g]
			for _, id := range gr.touched {
				if ok {
					key := id
					if g == statMonth {
						key += uint32(month0)
					}
					e := gr.accs[id]
					s.keys, s.n, s.fat = append(s.keys, uint32(g)<<statKeyBits|key), append(s.n, uint16(e.n)), append(s.fat, uint32(e.fat))
				}
				gr.accs[id] = statAcc{}
			}
			gr.touched = gr.touched[:0]
		}
		s.off = append(s.off, uint32(len(s.keys)))
	}
	return s
}

// statAcc and statGroup accumulate one group of a stats block.
type statAcc struct{ n, fat int64 }

type statGroup struct {
	accs    []statAcc
	touched []uint32 // the ids of accs that are not zero
}

func (g *statGroup) add(id uint32, f int64) {
	a := &g.accs[id]
	if a.n == 0 {
		g.touched = append(g.touched, id)
	}
	a.n++
	a.fat += f
}

// scanSummarised is scan for a query with no condition but its box (see
// plain): it calls whole(k) instead of visiting the rows of each stats
// block k of the base that has a summary and lies wholly in a run of
// the box's inside cells (or anywhere, without a box), and visit for
// every other matching row. When whole(k) returns false, the caller did
// not use the summary, and the block's rows are visited.
func (q *Query) scanSummarised(visit visitor, whole func(k int) bool) {
	if q.none {
		return
	}
	s := q.s
	sum := s.base.stats
	spans := q.boxSpans
	if q.box == nil {
		spans = []span{{lo: 0, hi: s.base.c.len()}}
	}
	sel := make([]int32, 0, chunk)
	for _, sp := range spans {
		lo := sp.lo
		if !sp.test {
			for k := (sp.lo + statRows - 1) / statRows; (k+1)*statRows <= sp.hi; k++ {
				if sum.minDay[k] > sum.maxDay[k] {
					continue
				}
				q.scanRun(run{seg: &s.base, lo: lo, hi: k * statRows}, sel, visit, nil, nil)
				lo = k * statRows
				if whole(k) {
					lo = (k + 1) * statRows
				}
			}
		}
		q.scanRun(run{seg: &s.base, lo: lo, hi: sp.hi, test: sp.test}, sel, visit, nil, nil)
	}
	q.scanRun(run{seg: &s.delta, delta: true, lo: 0, hi: s.delta.c.len(), test: q.box != nil}, sel, visit, nil, nil)
}

// deadRows appends the dead rows of the base in [lo, hi) to sel.
func (s *segment) deadRows(lo, hi int, sel []int32) []int32 {
	for i := lo; i < hi; {
		w := i >> 6
		if w >= len(s.dead) {
			break
		}
		if s.dead[w] == 0 {
			i = (w + 1) << 6
			continue
		}
		if s.isDead(i) {
			sel = append(sel, int32(i))
		}
		i++
	}
	return sel
}
