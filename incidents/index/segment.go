package index

import (
	"math"
	"math/bits"
	"runtime"
	"strings"
	"sync"
)

// cols are the fixed-width columns of a segment, one entry per row.
type cols struct {
	x, y    []uint32 // Web Mercator grid position, see mercator
	day     []int32  // days since 1970-01-01
	id      idCol
	et, sub []uint16 // event type and sub-event type, dictionary ids
	a1, a2  []uint32 // actor1 and actor2, ids in the shared actor dictionary
	country []uint16
	admin1  []uint32
	fat     []uint16 // countNull, countLarge (see extra) or the value
	inj     []uint16
	gp      []uint8 // geo_precision, with polarBit
}

// rowBytes is the memory of one row in the columns (with 4-byte ids, see
// idCol), plus its entry in segment.ids (4 bytes a row, up to 5 for a
// dense table with gaps), plus its entry in the base's page order (4
// bytes, see pageOrder), plus one for the base's summaries (about two
// thirds of a byte a row, see summary and statSummary).
const rowBytes = 4 + 4 + 4 + 4 + 2 + 2 + 4 + 4 + 2 + 4 + 2 + 2 + 1 + 4 + 4 + 1

// idCol is a segment's id column. While every id is in [0, 1<<32), as a
// store's row ids are, it takes 4 bytes a row; a larger or negative id
// widens it to 8.
type idCol struct {
	narrow []uint32
	wide   []int64 // nil unless an id did not fit in narrow
}

// makeIDCol returns an empty column with room for n ids.
func makeIDCol(n int) idCol { return idCol{narrow: make([]uint32, 0, n)} }

// at returns the id of row i.
func (c *idCol) at(i int) int64 {
	if c.wide != nil {
		return c.wide[i]
	}
	return int64(c.narrow[i])
}

func (c *idCol) len() int { return max(len(c.narrow), len(c.wide)) }

// push appends id, widening the column when id does not fit in 4 bytes.
func (c *idCol) push(id int64) {
	if c.wide == nil && uint64(id) <= math.MaxUint32 {
		c.narrow = append(c.narrow, uint32(id))
		return
	}
	c.widen()
	c.wide = append(c.wide, id)
}

// widen turns a narrow column into a wide one; readers holding a view of
// it keep the old narrow values.
func (c *idCol) widen() {
	if c.wide != nil {
		return
	}
	c.wide = make([]int64, len(c.narrow), max(cap(c.narrow), 1))
	for i, v := range c.narrow {
		c.wide[i] = int64(v)
	}
	c.narrow = nil
}

// pushAll appends the ids of o.
func (c *idCol) pushAll(o *idCol) {
	if o.wide == nil && c.wide == nil {
		c.narrow = append(c.narrow, o.narrow...)
		return
	}
	for i := range o.len() {
		c.push(o.at(i))
	}
}

// view returns the column cut to its first n ids.
func (c *idCol) view(n int) idCol {
	if c.wide != nil {
		return idCol{wide: c.wide[:n:n]}
	}
	return idCol{narrow: c.narrow[:n:n]}
}

// permute returns the ids in the order of perm.
func (c *idCol) permute(perm []uint32) idCol {
	if c.wide != nil {
		return idCol{wide: permute(c.wide, perm)}
	}
	return idCol{narrow: permute(c.narrow, perm)}
}

func makeCols(n int) cols {
	return cols{
		x: make([]uint32, 0, n), y: make([]uint32, 0, n), day: make([]int32, 0, n), id: makeIDCol(n),
		et: make([]uint16, 0, n), sub: make([]uint16, 0, n), a1: make([]uint32, 0, n), a2: make([]uint32, 0, n),
		country: make([]uint16, 0, n), admin1: make([]uint32, 0, n), fat: make([]uint16, 0, n), inj: make([]uint16, 0, n),
		gp: make([]uint8, 0, n),
	}
}

func (c *cols) len() int { return c.id.len() }

// cell is one row's values, as the writer appends them.
type cell struct {
	x, y    uint32
	day     int32
	id      int64
	et, sub uint16
	a1, a2  uint32
	country uint16
	admin1  uint32
	fat     uint16
	inj     uint16
	gp      uint8
}

func (c *cols) append(r cell) {
	c.x, c.y, c.day = append(c.x, r.x), append(c.y, r.y), append(c.day, r.day)
	c.id.push(r.id)
	c.et, c.sub, c.a1, c.a2 = append(c.et, r.et), append(c.sub, r.sub), append(c.a1, r.a1), append(c.a2, r.a2)
	c.country, c.admin1 = append(c.country, r.country), append(c.admin1, r.admin1)
	c.fat, c.inj, c.gp = append(c.fat, r.fat), append(c.inj, r.inj), append(c.gp, r.gp)
}

func (c *cols) row(i int) cell {
	return cell{x: c.x[i], y: c.y[i], day: c.day[i], id: c.id.at(i), et: c.et[i], sub: c.sub[i], a1: c.a1[i], a2: c.a2[i],
		country: c.country[i], admin1: c.admin1[i], fat: c.fat[i], inj: c.inj[i], gp: c.gp[i]}
}

// view returns the columns cut to their first n rows, so that a reader
// never sees rows the writer appends later.
func (c *cols) view() cols {
	n := c.len()
	return cols{x: c.x[:n:n], y: c.y[:n:n], day: c.day[:n:n], id: c.id.view(n), et: c.et[:n:n], sub: c.sub[:n:n],
		a1: c.a1[:n:n], a2: c.a2[:n:n], country: c.country[:n:n], admin1: c.admin1[:n:n],
		fat: c.fat[:n:n], inj: c.inj[:n:n], gp: c.gp[:n:n]}
}

// segment is a set of rows: the base, sorted along the Z-order curve, or
// the delta, in the order the writes came.
type segment struct {
	c      cols
	dead   []uint64 // bit i set: row i was deleted or replaced; nil when none
	ids    idMap    // base only: the rows by id
	sorted bool
	// blockLatest is, for the base, the latest day of each block of chunk
	// rows (rows [k*chunk, (k+1)*chunk)); nil for the delta. Deleting rows
	// leaves it an upper bound.
	blockLatest []int32
	// blockMaxFat and blockMaxInj are, for the base, the largest
	// fatalities and injuries of each block (-1 when none is known);
	// nil for the delta. Deleting rows leaves them upper bounds.
	blockMaxFat, blockMaxInj []int32
	// pageOrder is, for the base, its rows in page order (see pageOrder);
	// nil for the delta.
	pageOrder []uint32
	sum       *summary     // base only: the counts of its blocks' values
	stats     *statSummary // base only: the statistics of its blocks
	cells     *cellSummary // base only: its clusters at a low zoom; nil when none
}

func (s *segment) isDead(i int) bool {
	w := i >> 6
	return w < len(s.dead) && s.dead[w]&(1<<(i&63)) != 0
}

// withDead returns a copy of s with row i marked dead; the dead bitset is
// copied so that readers of s never see the change.
func (s *segment) markDead(i int, copied *bool) {
	if !*copied {
		d := make([]uint64, (s.c.len()+63)/64+1)
		copy(d, s.dead)
		s.dead = d
		*copied = true
	}
	if i>>6 >= len(s.dead) {
		s.dead = append(s.dead, make([]uint64, i>>6-len(s.dead)+1)...)
	}
	s.dead[i>>6] |= 1 << (i & 63)
}

// find returns the position of the live row with the given id in a base
// segment.
func (s *segment) find(id int64) (int, bool) {
	p, ok := s.ids.find(id, &s.c.id)
	if !ok || s.isDead(p) {
		return 0, false
	}
	return p, true
}

// zkey is the Z-order (Morton) key of a grid position: the bits of x and
// y interleaved, x first, so that the rows of a tile of zoom z share the
// key's first 2z bits and lie in one run of a sorted segment.
func zkey(x, y uint32) uint64 { return spread(x)<<1 | spread(y) }

func spread(v uint32) uint64 {
	x := uint64(v)
	x = (x | x<<16) & 0x0000FFFF0000FFFF
	x = (x | x<<8) & 0x00FF00FF00FF00FF
	x = (x | x<<4) & 0x0F0F0F0F0F0F0F0F
	x = (x | x<<2) & 0x3333333333333333
	x = (x | x<<1) & 0x5555555555555555
	return x
}

// sortBits is how many leading bits of the key a base is sorted by: cells
// of zoom 24 (about 2 m), inside which rows keep their input order.
const sortBits = 48

// sortKey is the part of the key a base is sorted by.
func sortKey(x, y uint32) uint64 { return zkey(x, y) >> (64 - sortBits) }

// zorder returns the permutation that sorts the rows of c by sortKey,
// stable, with an LSD radix sort on 16-bit digits.
func zorder(c *cols) []uint32 {
	n := c.len()
	keys := make([]uint64, n)
	perm := make([]uint32, n)
	for i := range n {
		keys[i] = sortKey(c.x[i], c.y[i])
		perm[i] = uint32(i)
	}
	if n < 2 {
		return perm
	}
	tmpK := make([]uint64, n)
	tmpP := make([]uint32, n)
	var count [1 << 16]int
	for shift := 0; shift < sortBits; shift += 16 {
		clear(count[:])
		for _, k := range keys {
			count[(k>>shift)&0xFFFF]++
		}
		if count[(keys[0]>>shift)&0xFFFF] == n {
			continue // every key has this digit
		}
		sum := 0
		for i, c := range count {
			count[i], sum = sum, sum+c
		}
		for i, k := range keys {
			d := (k >> shift) & 0xFFFF
			tmpK[count[d]], tmpP[count[d]] = k, perm[i]
			count[d]++
		}
		keys, tmpK = tmpK, keys
		perm, tmpP = tmpP, perm
	}
	return perm
}

// gather returns the rows of c in the order of perm, in columns of exact
// capacity. It consumes c: each of its columns is dropped as soon as it is
// gathered, so that a build holds one extra column at a time (two, when
// it gathers on two processors) rather than a second copy of every row.
func gather(c *cols, perm []uint32) cols {
	var out cols
	first := func() {
		out.x, c.x = permute(c.x, perm), nil
		out.y, c.y = permute(c.y, perm), nil
		out.day, c.day = permute(c.day, perm), nil
		out.id, c.id = c.id.permute(perm), idCol{}
		out.et, c.et = permute(c.et, perm), nil
		out.sub, c.sub = permute(c.sub, perm), nil
	}
	second := func() {
		out.a1, c.a1 = permute(c.a1, perm), nil
		out.a2, c.a2 = permute(c.a2, perm), nil
		out.country, c.country = permute(c.country, perm), nil
		out.admin1, c.admin1 = permute(c.admin1, perm), nil
		out.fat, c.fat = permute(c.fat, perm), nil
		out.inj, c.inj = permute(c.inj, perm), nil
		out.gp, c.gp = permute(c.gp, perm), nil
	}
	if len(perm) < minParallelGather || runtime.GOMAXPROCS(0) < 2 {
		first()
		second()
		return out
	}
	var wg sync.WaitGroup
	wg.Go(second)
	first()
	wg.Wait()
	return out
}

// minParallelGather is the fewest rows gather shares between two
// goroutines.
const minParallelGather = 1 << 16

// permute returns src's values in the order of perm.
func permute[T any](src []T, perm []uint32) []T {
	dst := make([]T, len(perm))
	for i, p := range perm {
		dst[i] = src[p]
	}
	return dst
}

// dict maps the distinct values of one text column to small ids; id 0 is
// the empty string. Values only ever get added, so a reader holding a
// shorter view of vals stays consistent.
type dict struct {
	vals  []string
	lower []string // ASCII-lowered vals, for substring matching; only for actors
	ids   map[string]uint32
	fold  bool
}

func newDict(fold bool) *dict {
	d := &dict{vals: []string{""}, ids: map[string]uint32{"": 0}, fold: fold}
	if fold {
		d.lower = []string{""}
	}
	return d
}

// id returns the id of v, adding it when new.
func (d *dict) id(v string) uint32 {
	if id, ok := d.ids[v]; ok {
		return id
	}
	v = strings.Clone(v)
	id := uint32(len(d.vals))
	d.vals = append(d.vals, v)
	if d.fold {
		d.lower = append(d.lower, asciiLower(v))
	}
	d.ids[v] = id
	return id
}

// merge adds the values of o to d and returns, for each id of o, the id
// of its value in d.
func (d *dict) merge(o *dict) []uint32 {
	m := make([]uint32, len(o.vals))
	for i, v := range o.vals {
		m[i] = d.id(v)
	}
	return m
}

// dictView is what a snapshot reads of a dictionary.
type dictView struct {
	vals, lower []string
	ids         map[string]uint32 // nil: readers use lookup, which scans vals
}

func (d *dict) view() dictView {
	n := len(d.vals)
	v := dictView{vals: d.vals[:n:n]}
	if d.fold {
		v.lower = d.lower[:n:n]
	}
	return v
}

// lookup returns the id of v in the view.
func (v *dictView) lookup(s string) (uint32, bool) {
	for i, x := range v.vals {
		if x == s {
			return uint32(i), true
		}
	}
	return 0, false
}

// asciiLower lowers ASCII letters only, as SQLite's LIKE compares.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; c >= 'A' && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// bitset is a set of small integers.
type bitset []uint64

func newBitset(n int) bitset    { return make(bitset, (n+63)/64) }
func (b bitset) set(i int)      { b[i>>6] |= 1 << (i & 63) }
func (b bitset) has(i int) bool { return i>>6 < len(b) && b[i>>6]&(1<<(i&63)) != 0 }
func (b bitset) count() (n int) {
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}
