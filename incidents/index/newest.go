package index

import (
	"cmp"
	"container/heap"
	"math"
	"slices"
	"sort"
)

// listedRows is how many of a base segment's rows its page order lists,
// the newest first; every row unless a test lowers it.
var listedRows = math.MaxInt

// pageOrder returns the positions of the rows of a base segment in page
// order (date descending, then id descending), cut to its listedRows
// first; ids is the segment's map of rows by id. A counting sort by day
// of the rows in id order: two passes over the rows, a counter a day.
func pageOrder(c *cols, ids *idMap) []uint32 {
	n := c.len()
	if n == 0 || listedRows == 0 {
		return nil
	}
	lo, hi := slices.Min(c.day), slices.Max(c.day)
	var list []uint32
	if span := int64(hi) - int64(lo) + 1; span > int64(n)+1<<16 {
		// Days too far apart for a counter each: sort.
		list = make([]uint32, n)
		for i := range list {
			list[i] = uint32(i)
		}
		day, id := c.day, &c.id
		slices.SortFunc(list, func(a, b uint32) int {
			return cmp.Or(cmp.Compare(day[b], day[a]), cmp.Compare(id.at(int(b)), id.at(int(a))))
		})
	} else {
		// next[hi-d] is, once the rows of each day are counted, the end
		// of day d's rows in the list, filled backwards with ascending
		// ids so that they come out descending.
		next := make([]int32, span)
		for _, d := range c.day {
			next[hi-d]++
		}
		sum := int32(0)
		for k, m := range next {
			sum += m
			next[k] = sum
		}
		list = make([]uint32, n)
		ids.ascending(func(p uint32) {
			k := hi - c.day[p]
			next[k]--
			list[next[k]] = p
		})
	}
	return slices.Clip(list[:min(n, listedRows)])
}

// listedBatch is how many listed rows pageFromOrder filters at a time.
const listedBatch = 1024

// listedCost is how many rows of a sequential scan cost as much as reading
// one listed row (a random read of each column).
const listedCost = 4

// pageFromOrder chooses the page Page describes by walking the base's
// rows in page order from the cursor (or the last day of the query's
// dates) and reading the delta, without scanning the base; ok is false
// when Page should scan instead: when the matches found so far say the
// walk would read more rows than the scan of the query's box. A query
// that matches few rows loses at most a batch.
func (q *Query) pageFromOrder(afterDay int32, afterID int64, limit int) (keys []pageKey, more, ok bool) {
	base := &q.s.base
	list := base.pageOrder
	want := limit + 1 // one more than the page says whether there is a next
	if q.none || len(list) == 0 {
		return nil, false, false
	}
	day, id := base.c.day, &base.c.id
	// The walk starts at the first listed row after the cursor and no
	// newer than the query's last day, and ends before the first older
	// than its first day.
	if q.hasDay && q.dayHi < afterDay {
		afterDay, afterID = q.dayHi, math.MaxInt64
	}
	from := firstListed(list, func(p uint32) bool { return (pageKey{day[p], id.at(int(p))}).before(afterDay, afterID) })
	end := len(list)
	if q.hasDay && q.dayLo != math.MinInt32 {
		end = max(from, firstListed(list, func(p uint32) bool { return day[p] < q.dayLo }))
	}
	rows, ok := q.walkListed(end-from, func(j int) uint32 { return list[from+j] }, want)
	if !ok {
		return nil, false, false
	}
	for _, p := range rows {
		keys = append(keys, pageKey{day[p], id.at(int(p))})
	}
	if len(keys) < want && end == len(list) && len(list) < base.c.len() {
		return nil, false, false // rows older than the list may match
	}
	// The delta's rows are few: read them all.
	h := &pageHeap{k: keys}
	heap.Init(h)
	if d := &q.s.delta; d.c.len() > 0 {
		sel := make([]int32, 0, chunk)
		q.scanRun(run{seg: d, delta: true, lo: 0, hi: d.c.len(), test: q.box != nil}, sel, func(seg *segment, sel []int32) {
			for _, i := range sel {
				if k := (pageKey{seg.c.day[i], seg.c.id.at(int(i))}); k.before(afterDay, afterID) {
					h.offer(k, want)
				}
			}
		}, nil, nil)
	}
	keys = h.k
	slices.SortFunc(keys, newestFirst)
	if len(keys) > limit {
		return keys[:limit], true, true
	}
	return keys, false, true
}

// walkListed filters n listed rows of the base, at(0), at(1), ..., in
// that order (noRow for none), against the query and returns the positions
// of the first want that match (fewer when the n rows hold fewer). ok is false when the
// walk would cost more than the scan of the query's box: a listed row is
// read at random, about listedCost times dearer than a row of the scan,
// so the walk gives up once the matches so far say it would read more
// than the scan's rows divided by listedCost.
func (q *Query) walkListed(n int, at func(j int) uint32, want int) (rows []int32, ok bool) {
	base := &q.s.base
	scanRows := base.c.len()
	if q.box != nil {
		scanRows = 0
		for _, sp := range q.boxSpans {
			scanRows += sp.hi - sp.lo
		}
	}
	budget := scanRows / listedCost // the listed rows worth reading
	if min(want, n) > budget {
		return nil, false // the page alone would cost more
	}
	sel := make([]int32, 0, listedBatch)
	read := 0
	for j := 0; j < n && len(rows) < want; {
		if read >= budget {
			return nil, false
		}
		sel = sel[:0]
		for m := min(listedBatch, budget-read); j < n && len(sel) < m; j++ {
			if p := at(j); p != noRow && !base.isDead(int(p)) {
				sel = append(sel, int32(p))
			}
		}
		read += len(sel)
		sel = q.matchListed(base, sel)
		rows = append(rows, sel[:min(len(sel), want-len(rows))]...)
		// At the rate of matches so far, would the rest of the walk hold
		// the page, and would reading it cost less than the scan?
		if len(rows) < want && j < n {
			if (len(rows)+1)*(n-j) < (want-len(rows))*read || listedCost*read*want > scanRows*(len(rows)+1) {
				return nil, false
			}
		}
	}
	return rows, true
}

// oldestListed returns the positions of the first want base rows that
// match the query in oldest-first order (date ascending, then id
// ascending: the page order backwards) after the cursor (afterDay,
// afterID), and from the first day of the query's dates; ok is false when
// the base does not list every row or a scan would cost less. The
// delta's rows are the caller's to add.
func (q *Query) oldestListed(afterDay int32, afterID int64, want int) (rows []int32, ok bool) {
	base := &q.s.base
	list := base.pageOrder
	if q.none || len(list) == 0 || len(list) < base.c.len() {
		return nil, false
	}
	day, id := base.c.day, &base.c.id
	if q.hasDay && q.dayLo > afterDay {
		afterDay, afterID = q.dayLo, math.MinInt64
	}
	// Rows at from and after in the list are at or before the cursor in
	// oldest-first order; the walk goes backwards from from-1 down to the
	// first row no newer than the query's last day.
	from := firstListed(list, func(p uint32) bool {
		k := pageKey{day[p], id.at(int(p))}
		return k.day < afterDay || k.day == afterDay && k.id <= afterID
	})
	stop := 0
	if q.hasDay && q.dayHi != math.MaxInt32 {
		stop = min(from, firstListed(list, func(p uint32) bool { return day[p] <= q.dayHi }))
	}
	return q.walkListed(from-stop, func(j int) uint32 { return list[from-1-j] }, want)
}

// idListed returns the positions of the first want base rows that match
// the query in id order, descending when desc, after the id after; ok is
// false when a scan would cost less. The delta's rows are the caller's to
// add.
func (q *Query) idListed(after int64, desc bool, want int) (rows []int32, ok bool) {
	base := &q.s.base
	m, col, n := &base.ids, &base.c.id, base.c.len()
	if q.none || n == 0 {
		return nil, false
	}
	if m.dense != nil {
		n, hi := len(m.dense), m.lo+int64(len(m.dense))-1
		if !desc {
			k0 := 0 // the first slot of an id after after
			switch {
			case after >= hi:
				k0 = n
			case after >= m.lo:
				k0 = int(after-m.lo) + 1
			}
			return q.walkListed(n-k0, func(j int) uint32 { return m.dense[k0+j] }, want)
		}
		k0 := n - 1 // the last slot of an id before after
		switch {
		case after <= m.lo:
			k0 = -1
		case after <= hi:
			k0 = int(after-m.lo) - 1
		}
		return q.walkListed(k0+1, func(j int) uint32 { return m.dense[k0-j] }, want)
	}
	idAt := func(k int) int64 { return col.at(int(m.byID[k])) }
	if !desc {
		k0 := sort.Search(n, func(k int) bool { return idAt(k) > after })
		return q.walkListed(n-k0, func(j int) uint32 { return m.byID[k0+j] }, want)
	}
	k1 := sort.Search(n, func(k int) bool { return idAt(k) >= after }) // ids before after: [0, k1)
	return q.walkListed(k1, func(j int) uint32 { return m.byID[k1-1-j] }, want)
}

// firstListed returns the index of the first row of list for which after,
// false for a prefix of list and true for the rest, holds.
func firstListed(list []uint32, after func(p uint32) bool) int {
	lo, hi := 0, len(list)
	for lo < hi {
		mid := int(uint(lo+hi) / 2)
		if after(list[mid]) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// matchListed keeps the rows of sel, live rows of the base in any order,
// that match the query, box included, in place and in their order. The
// rows are far apart, so each is tested on its own.
func (q *Query) matchListed(base *segment, sel []int32) []int32 {
	n := 0
	ar := q.queryArea()
	for _, i := range sel {
		ok := q.box == nil || q.areaWord(base, int(i), int(i)+1, ar) != 0
		for _, x := range q.order {
			if !ok {
				break
			}
			if x == stageIDs {
				ok = q.idsBase[i>>6]&(1<<(i&63)) != 0
			} else {
				ok = q.sparseWord(x, base, int(i), 1) != 0
			}
		}
		sel[n] = i
		n += b2i(ok)
	}
	sel = sel[:n]
	if q.expr != nil && len(sel) > 0 {
		sel = q.expr.filter(base, sel, true) // the box is tested: a CQL2 geometry's exact test relies on it
	}
	return sel
}
