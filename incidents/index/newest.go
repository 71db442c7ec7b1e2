package index

import (
	"cmp"
	"container/heap"
	"slices"
)

// newestRows is how many of a base segment's newest rows it lists in page
// order (about 256 KB); none when 0. A variable for the tests.
var newestRows = 1 << 16

// newestWindow bounds the days newestList counts: rows more than this many
// days older than the newest are never listed.
const newestWindow = 1 << 16

// newestList returns the positions of the newest rows of a base segment in
// page order (date descending, then id descending): at least the
// newestRows newest when there are that many within newestWindow days of
// the newest, and every row within those days otherwise. The list is
// always a prefix of the page order of every row of the segment.
func newestList(c *cols) []uint32 {
	n := c.len()
	if n == 0 || newestRows == 0 {
		return nil
	}
	maxDay := slices.Max(c.day)
	lo := int64(maxDay) - newestWindow + 1
	// Count the rows of each day of the window, newest first, to find the
	// oldest day the list needs.
	counts := make([]int32, newestWindow)
	for _, d := range c.day {
		if k := int64(maxDay) - int64(d); k < newestWindow {
			counts[k]++
		}
	}
	from, total := int64(lo), 0
	for k, m := range counts {
		total += int(m)
		if total >= newestRows {
			from = int64(maxDay) - int64(k)
			break
		}
	}
	list := make([]uint32, 0, total)
	for p, d := range c.day {
		if int64(d) >= from {
			list = append(list, uint32(p))
		}
	}
	day, id := c.day, c.id
	slices.SortFunc(list, func(a, b uint32) int {
		return cmp.Or(cmp.Compare(day[b], day[a]), cmp.Compare(id[b], id[a]))
	})
	return list
}

// newestBatch is how many listed rows pageFromNewest filters at a time.
const newestBatch = 1024

// listedCost is how many rows of a sequential scan cost as much as reading
// one listed row (a random read of each column).
const listedCost = 4

// pageFromNewest chooses the page Page describes from the base's newest
// rows and the delta, without scanning the base; ok is false when the
// listed rows may not hold the page (too few of them match), and Page must
// scan. It gives up as soon as the matches found so far say the list will
// not hold the page, so a query that matches few rows loses at most a
// batch.
func (q *Query) pageFromNewest(afterDay int32, afterID int64, limit int) (keys []pageKey, more, ok bool) {
	base := &q.s.base
	list := base.newest
	want := limit + 1 // one more than the page says whether there is a next
	if q.none || len(list) == 0 {
		return nil, false, false
	}
	day, id := base.c.day, base.c.id
	// A cursor or a date filter older than every listed row leaves none
	// of them to read.
	if oldest := day[list[len(list)-1]]; afterDay < oldest || q.hasDay && q.dayHi < oldest {
		return nil, false, false
	}
	// The scan Page falls back to reads the rows of the box's runs
	// sequentially; a listed row is read at random, about listedCost times
	// dearer.
	scanRows := base.c.len()
	if q.box != nil {
		scanRows = 0
		for _, sp := range q.boxSpans {
			scanRows += sp.hi - sp.lo
		}
	}
	budget := scanRows / listedCost // the listed rows worth reading
	if want > budget {
		return nil, false, false
	}
	sel := make([]int32, 0, newestBatch)
	read := 0
	for i := 0; i < len(list) && len(keys) < want; {
		if read >= budget {
			return nil, false, false
		}
		sel = sel[:0]
		for n := min(newestBatch, budget-read); i < len(list) && len(sel) < n; i++ {
			p := list[i]
			if !(pageKey{day[p], id[p]}).before(afterDay, afterID) || base.isDead(int(p)) {
				continue
			}
			sel = append(sel, int32(p))
		}
		read += len(sel)
		sel = q.matchListed(base, sel)
		for _, p := range sel {
			if len(keys) == want {
				break
			}
			keys = append(keys, pageKey{day[p], id[p]})
		}
		// At the rate of matches so far, would the rest of the list hold
		// the page, and would reading it cost less than the scan?
		if len(keys) < want && i < len(list) {
			if (len(keys)+1)*(len(list)-i) < (want-len(keys))*read || listedCost*read*want > scanRows*(len(keys)+1) {
				return nil, false, false
			}
		}
	}
	if len(keys) < want && len(list) < base.c.len() {
		return nil, false, false // rows older than the list may match
	}
	// The delta's rows are few: read them all.
	h := &pageHeap{k: keys}
	heap.Init(h)
	if d := &q.s.delta; d.c.len() > 0 {
		sel := make([]int32, 0, chunk)
		q.scanRun(run{seg: d, delta: true, lo: 0, hi: d.c.len(), test: q.box != nil}, sel, func(seg *segment, sel []int32) {
			for _, i := range sel {
				if k := (pageKey{seg.c.day[i], seg.c.id[i]}); k.before(afterDay, afterID) {
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
