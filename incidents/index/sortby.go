package index

import (
	"container/heap"
	"fmt"
	"math"
	"slices"

	"github.com/mapd/mapd/incidents"
)

// PageSorted chooses one page of the matches in the order keys gives
// (incidents.Filter.SortKeys: date, fatalities, injuries and id, each
// ascending or descending, id last; an unknown count sorts as -1, as
// incidents.SortValue has it): the ids of the first limit matches after
// the row whose sort values are after (incidents.Filter.CursorValues; nil
// for the first page), and, when more matches follow, the sort values of
// the page's last row, which the next page continues after (a date as
// "YYYY-MM-DD", the other fields as int64, an unknown count as -1), nil
// when none follow. The scan keeps only the best limit rows in a heap, so
// a page costs one pass over the matches whatever their number. limit <= 0
// means incidents.DefaultLimit.
func (q *Query) PageSorted(keys []incidents.SortKey, after []any, limit int) (ids []int64, last []any, err error) {
	if limit <= 0 {
		limit = incidents.DefaultLimit
	}
	if len(keys) == 0 || len(keys) > maxSortKeys || keys[len(keys)-1].Field != "id" {
		return nil, nil, fmt.Errorf("index: sort keys %v do not end with id", keys)
	}
	o := sortOrder{n: len(keys)}
	for i, k := range keys {
		switch k.Field {
		case "date":
			o.field[i] = sortDate
		case "fatalities":
			o.field[i] = sortFatalities
		case "injuries":
			o.field[i] = sortInjuries
		case "id":
			o.field[i] = sortID
		default:
			return nil, nil, fmt.Errorf("index: cannot sort by %q", k.Field)
		}
		o.desc[i] = k.Desc
	}
	var cursor orderKey
	hasCursor := after != nil
	if hasCursor {
		if len(after) != len(keys) {
			return nil, nil, fmt.Errorf("index: %d cursor values for %d sort keys", len(after), len(keys))
		}
		for i, v := range after {
			var x int64
			switch v := v.(type) {
			case string:
				d, err := parseDay(v)
				if err != nil {
					return nil, nil, err
				}
				x = int64(d)
			case int64:
				x = v
			default:
				return nil, nil, fmt.Errorf("index: cursor value %v (%T)", v, v)
			}
			cursor.v[i] = o.orient(i, x)
		}
	}
	h := &orderHeap{n: o.n}
	first := make([]int64, 0, chunk)
	more := false
	visit := func(seg *segment, sel []int32) {
		// Most rows lose on the first key alone, read for the whole
		// chunk in one loop over its column.
		first = q.s.orderValues(&o, 0, seg, sel, first[:0])
		for k, i := range sel {
			v0 := first[k]
			if hasCursor && (v0 < cursor.v[0] || v0 == cursor.v[0] && q.s.orderCompare(&o, seg, int(i), v0, &cursor) <= 0) {
				continue // at or before the cursor
			}
			if len(h.k) < limit {
				heap.Push(h, q.s.orderKeyOf(&o, seg, int(i)))
				continue
			}
			more = true
			if root := &h.k[0]; v0 < root.v[0] || v0 == root.v[0] && q.s.orderCompare(&o, seg, int(i), v0, root) < 0 {
				h.k[0] = q.s.orderKeyOf(&o, seg, int(i))
				heap.Fix(h, 0)
			}
		}
	}
	if !q.pageFromWalk(&o, hasCursor, cursor, limit, visit) {
		q.scanSkipping(visit, q.deadliestSkip(&o, h, limit))
	}
	page := h.k
	slices.SortFunc(page, func(a, b orderKey) int { return a.cmp(&b, o.n) })
	ids = make([]int64, len(page))
	for i, k := range page {
		ids[i] = k.id
	}
	if more && len(page) > 0 {
		last = o.values(&page[len(page)-1])
	}
	return ids, last, nil
}

// values returns the sort values of k in PageSorted's form.
func (o *sortOrder) values(k *orderKey) []any {
	vs := make([]any, o.n)
	for i := range o.n {
		x := o.orient(i, k.v[i]) // orient is its own inverse
		if o.field[i] == sortDate {
			vs[i] = formatDay(int32(x))
		} else {
			vs[i] = x
		}
	}
	return vs
}

// pageFromWalk gives visit the rows of a page in an order the base can
// walk without a scan: oldest first (sortby=date: date ascending, then id
// ascending), the page order backwards (oldestListed), and id order either
// way (idListed, through the base's map of rows by id). The walk yields
// the first limit+1 matching base rows after the cursor; then every
// matching row of the delta follows. It returns false, having visited
// nothing, for another order or when the walk would cost more than the
// scan.
func (q *Query) pageFromWalk(o *sortOrder, hasCursor bool, cursor orderKey, limit int, visit visitor) bool {
	var rows []int32
	var ok bool
	switch {
	case o.n == 2 && o.field[0] == sortDate && !o.desc[0] && o.field[1] == sortID && !o.desc[1]:
		afterDay, afterID := int32(math.MinInt32), int64(math.MinInt64)
		if hasCursor {
			afterDay, afterID = int32(cursor.v[0]), cursor.v[1]
		}
		rows, ok = q.oldestListed(afterDay, afterID, limit+1)
	case o.n == 1 && o.field[0] == sortID:
		after := int64(math.MinInt64)
		if o.desc[0] {
			after = math.MaxInt64
		}
		if hasCursor {
			after = o.orient(0, cursor.v[0]) // orient is its own inverse
		}
		rows, ok = q.idListed(after, o.desc[0], limit+1)
	default:
		return false
	}
	if !ok {
		return false
	}
	if len(rows) > 0 {
		visit(&q.s.base, rows)
	}
	if d := &q.s.delta; d.c.len() > 0 {
		q.scanRun(run{seg: d, delta: true, lo: 0, hi: d.c.len(), test: q.box != nil}, make([]int32, 0, chunk), visit, nil, nil)
	}
	return true
}

// deadliestSkip returns, for an order whose first key is fatalities or
// injuries descending ("deadliest first"), the test that leaves out a
// block of base rows once the page is full and even the block's largest
// count would sort after the page's last row; nil for other orders. Most
// blocks hold no count as large as the page's.
func (q *Query) deadliestSkip(o *sortOrder, h *orderHeap, limit int) func(block int) bool {
	if !o.desc[0] || o.field[0] != sortFatalities && o.field[0] != sortInjuries {
		return nil
	}
	maxima := q.s.base.blockMaxFat
	if o.field[0] == sortInjuries {
		maxima = q.s.base.blockMaxInj
	}
	if maxima == nil {
		return nil
	}
	return func(b int) bool {
		// Oriented values ascend along the page, so the block's best is
		// its complemented maximum; ties on the first key may still win
		// on the next, hence the strict comparison.
		return len(h.k) == limit && o.orient(0, int64(maxima[b])) > h.k[0].v[0]
	}
}

// maxSortKeys is the number of distinct sort fields.
const maxSortKeys = 4

// The fields a listing sorts by.
const (
	sortDate = iota
	sortFatalities
	sortInjuries
	sortID
)

// sortOrder is a listing's order: n keys, each a field and a direction.
type sortOrder struct {
	n     int
	field [maxSortKeys]uint8
	desc  [maxSortKeys]bool
}

// orient turns the value of key i into one that sorts ascending: a
// descending key's values are complemented (^x reverses the order of
// every int64 without overflow).
func (o *sortOrder) orient(i int, x int64) int64 {
	if o.desc[i] {
		return ^x
	}
	return x
}

// orderKey is a row's sort values, oriented so that the listing is in
// ascending order of v, and its id.
type orderKey struct {
	v  [maxSortKeys]int64
	id int64
}

func (a *orderKey) cmp(b *orderKey, n int) int {
	for i := range n {
		switch {
		case a.v[i] < b.v[i]:
			return -1
		case a.v[i] > b.v[i]:
			return 1
		}
	}
	return 0
}

func (a *orderKey) less(b *orderKey, n int) bool { return a.cmp(b, n) < 0 }

// orderKeyOf returns the order key of row i of seg.
func (s *Snapshot) orderKeyOf(o *sortOrder, seg *segment, i int) orderKey {
	k := orderKey{id: seg.c.id.at(i)}
	for j := range o.n {
		k.v[j] = o.orient(j, s.orderValue(o.field[j], seg, i))
	}
	return k
}

// orderCompare orders row i of seg, whose first oriented value is v0,
// against key b, reading the row's later keys only while the earlier
// ones tie.
func (s *Snapshot) orderCompare(o *sortOrder, seg *segment, i int, v0 int64, b *orderKey) int {
	switch {
	case v0 < b.v[0]:
		return -1
	case v0 > b.v[0]:
		return 1
	}
	for j := 1; j < o.n; j++ {
		v := o.orient(j, s.orderValue(o.field[j], seg, i))
		switch {
		case v < b.v[j]:
			return -1
		case v > b.v[j]:
			return 1
		}
	}
	return 0
}

// orderValue returns the value of a sort field of row i of seg: an
// unknown count is -1.
func (s *Snapshot) orderValue(field uint8, seg *segment, i int) int64 {
	c := &seg.c
	switch field {
	case sortDate:
		return int64(c.day[i])
	case sortFatalities:
		return int64(s.fatalities(seg, i))
	case sortInjuries:
		return int64(s.injuries(seg, i))
	}
	return c.id.at(i)
}

// orderValues appends the oriented values of sort key j of the rows sel
// to out.
func (s *Snapshot) orderValues(o *sortOrder, j int, seg *segment, sel []int32, out []int64) []int64 {
	c := &seg.c
	var flip int64 // ^x is x ^ -1
	if o.desc[j] {
		flip = -1
	}
	switch o.field[j] {
	case sortDate:
		for _, i := range sel {
			out = append(out, int64(c.day[i])^flip)
		}
	case sortID:
		for _, i := range sel {
			out = append(out, c.id.at(int(i))^flip)
		}
	default:
		col := c.inj
		if o.field[j] == sortFatalities {
			col = c.fat
		}
		for _, i := range sel {
			x := int64(col[i])
			if col[i] >= countLarge {
				x = s.orderValue(o.field[j], seg, int(i))
			}
			out = append(out, x^flip)
		}
	}
	return out
}

// orderHeap is a max-heap of the page so far: its root is the row the
// listing reaches last, the first to leave when a better row comes.
type orderHeap struct {
	k []orderKey
	n int // the number of sort keys
}

func (h *orderHeap) Len() int           { return len(h.k) }
func (h *orderHeap) Less(i, j int) bool { return h.k[j].less(&h.k[i], h.n) }
func (h *orderHeap) Swap(i, j int)      { h.k[i], h.k[j] = h.k[j], h.k[i] }
func (h *orderHeap) Push(x any)         { h.k = append(h.k, x.(orderKey)) }
func (h *orderHeap) Pop() any {
	x := h.k[len(h.k)-1]
	h.k = h.k[:len(h.k)-1]
	return x
}
