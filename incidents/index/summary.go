package index

import (
	"math"
	"math/bits"
)

// summary counts, for each block of chunk rows of a base (rows
// [k*chunk, (k+1)*chunk)), its rows of each value of the columns a filter
// compares with one value or a range: event type, country, month and
// fatalities. A count of one such condition (with or without a box) then
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
}

// The most distinct values a summary counts per column; with them a
// summary takes at most 2*(64+64+384+32) bytes a block of 2048 rows,
// about half a byte a row.
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

// summed is how a query's one condition is counted from a summary: the
// sum, in each block, of the counts of vals in col (n values a block).
type summed struct {
	col  []uint16
	n    int
	vals []int
}

// summed returns how the summary of the base answers the query's count,
// or false when it cannot: the query must have exactly one condition
// besides its box, an event type, a country, dates that begin and end
// with whole months or a minimum of fatalities below fatBuckets.
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
