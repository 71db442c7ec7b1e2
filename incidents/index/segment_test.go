package index

import (
	"math"
	"slices"
	"testing"
)

// TestIDCol checks that the id column keeps every id, narrow or widened
// by an id that does not fit in 4 bytes, and that a view taken before the
// widening still reads its ids.
func TestIDCol(t *testing.T) {
	for _, c := range []struct {
		name string
		ids  []int64
		wide bool
	}{
		{"narrow", []int64{1, 2, 3, math.MaxUint32}, false},
		{"large id last", []int64{1, 2, math.MaxUint32 + 1}, true},
		{"negative id first", []int64{-5, 7, 9}, true},
		{"large id amid", []int64{4, 1 << 40, 6}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			col := makeIDCol(0)
			col.push(c.ids[0])
			early := col.view(1)
			for _, id := range c.ids[1:] {
				col.push(id)
			}
			if got := (col.wide != nil); got != c.wide {
				t.Errorf("wide = %v, want %v", got, c.wide)
			}
			var got []int64
			for i := range col.len() {
				got = append(got, col.at(i))
			}
			if !slices.Equal(got, c.ids) {
				t.Errorf("ids %v, want %v", got, c.ids)
			}
			if early.len() != 1 || early.at(0) != c.ids[0] {
				t.Errorf("early view holds %d ids, first %d; want 1, %d", early.len(), early.at(0), c.ids[0])
			}
			perm := []uint32{uint32(len(c.ids) - 1), 0}
			p := col.permute(perm)
			if p.at(0) != c.ids[len(c.ids)-1] || p.at(1) != c.ids[0] {
				t.Errorf("permuted %d, %d", p.at(0), p.at(1))
			}
			var all idCol
			all.pushAll(&early)
			all.pushAll(&col)
			if all.len() != 1+len(c.ids) || all.at(all.len()-1) != c.ids[len(c.ids)-1] {
				t.Errorf("pushAll: %d ids, last %d", all.len(), all.at(all.len()-1))
			}
		})
	}
}

// TestPageOrder checks the base's page order against a sort, for days
// close enough for the counting sort and too far apart for it.
func TestPageOrder(t *testing.T) {
	for _, c := range []struct {
		name string
		days []int32
	}{
		{"one day", []int32{100, 100, 100, 100}},
		{"close days", []int32{17000, 16990, 17000, 16000, 16990, 17100}},
		{"far apart", []int32{-700000, 2900000, 17000, -700000, 17000, 0}},
	} {
		t.Run(c.name, func(t *testing.T) {
			cs := makeCols(len(c.days))
			for i, d := range c.days {
				cs.append(cell{day: d, id: int64(10 + 3*i)})
			}
			perm := make([]uint32, len(c.days))
			for i := range perm {
				perm[i] = uint32(i)
			}
			ids := newIDMap(&cs.id, perm, 10, int64(10+3*(len(c.days)-1)))
			got := pageOrder(&cs, &ids)
			want := slices.Clone(perm)
			slices.SortFunc(want, func(a, b uint32) int {
				return newestFirst(pageKey{cs.day[a], cs.id.at(int(a))}, pageKey{cs.day[b], cs.id.at(int(b))})
			})
			if !slices.Equal(got, want) {
				t.Errorf("page order %v, want %v", got, want)
			}
		})
	}
}
