package index

import "slices"

// noRow marks an id of an idMap's dense range that no row has.
const noRow = ^uint32(0)

// idMap finds a base segment's rows by id. When the ids are dense (their
// range is at most denseSlack times the row count, as a store's row ids are
// until many rows are deleted), it is a table indexed by id - lo: one read
// per id, and a walk over ascending ids reads it in order. Otherwise it is
// the row positions in ascending id order, searched by bisection over the
// id column. Both take about 4 bytes a row.
type idMap struct {
	lo    int64
	dense []uint32 // dense[id-lo]: the row position, or noRow; nil when sparse
	byID  []uint32 // sparse: row positions in ascending id order
}

// denseSlack is how much larger than the row count the id range may be
// for the dense table (each unused id costs 4 bytes).
const denseSlack = 1.25

// newIDMap returns the map of a segment whose rows were reordered by perm
// (perm[new] = old) from ascending id order; col is the id column in the
// new order, and lo and hi are the smallest and largest id.
func newIDMap(col *idCol, perm []uint32, lo, hi int64) idMap {
	n := col.len()
	if n == 0 {
		return idMap{}
	}
	if span := hi - lo + 1; float64(span) <= denseSlack*float64(n) {
		m := idMap{lo: lo, dense: make([]uint32, span)}
		for i := range m.dense {
			m.dense[i] = noRow
		}
		for pos := range n {
			m.dense[col.at(pos)-lo] = uint32(pos)
		}
		return m
	}
	m := idMap{byID: make([]uint32, n)}
	for pos, old := range perm {
		m.byID[old] = uint32(pos)
	}
	return m
}

// find returns the position of the row with the given id, dead or alive;
// col is the segment's id column.
func (m *idMap) find(id int64, col *idCol) (int, bool) {
	if m.dense != nil {
		k := id - m.lo
		if k < 0 || k >= int64(len(m.dense)) || m.dense[k] == noRow {
			return 0, false
		}
		return int(m.dense[k]), true
	}
	k, ok := slices.BinarySearchFunc(m.byID, id, func(p uint32, id int64) int {
		switch v := col.at(int(p)); {
		case v < id:
			return -1
		case v > id:
			return 1
		}
		return 0
	})
	if !ok {
		return 0, false
	}
	return int(m.byID[k]), true
}

// ascending calls fn with the position of every row in ascending id order.
func (m *idMap) ascending(fn func(p uint32)) {
	if m.dense != nil {
		for _, p := range m.dense {
			if p != noRow {
				fn(p)
			}
		}
		return
	}
	for _, p := range m.byID {
		fn(p)
	}
}

// mark sets in b the position of every row whose id is in ids, which are
// sorted ascending; col is the segment's id column.
func (m *idMap) mark(ids []int64, col *idCol, b bitset) {
	if m.dense != nil {
		for _, id := range ids {
			if k := id - m.lo; k >= 0 && k < int64(len(m.dense)) {
				if p := m.dense[k]; p != noRow {
					b.set(int(p))
				}
			}
		}
		return
	}
	// Walk the rows' id order and the ids together, galloping over the
	// rows.
	by := m.byID
	k := 0
	for _, id := range ids {
		if k >= len(by) {
			break
		}
		if col.at(int(by[k])) < id {
			step := 1
			for k+step < len(by) && col.at(int(by[k+step])) < id {
				k += step
				step *= 2
			}
			hi := min(k+step, len(by)-1)
			for k < hi { // col.at(int(by[k])) < id <= col.at(int(by[hi])) or hi is the end
				mid := int(uint(k+hi) / 2)
				if col.at(int(by[mid])) < id {
					k = mid + 1
				} else {
					hi = mid
				}
			}
		}
		if k < len(by) && col.at(int(by[k])) == id {
			b.set(int(by[k]))
		}
	}
}
