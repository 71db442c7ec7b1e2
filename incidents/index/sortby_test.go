package index

import (
	"cmp"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/mapd/mapd/geo"
	"github.com/mapd/mapd/incidents"
)

// TestPageSorted pages through the matches of filters in every order,
// a few rows at a time, and checks that the pages, end to end, are the
// brute-force sorted matches: every row once, in order.
func TestPageSorted(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 2))
	w := world{}
	for id := int64(1); id <= 2000; id++ {
		row := randRow(r, id)
		if id%3 == 0 {
			row.Date = "2015-06-01" // ties on the date
		}
		w[id] = row
	}
	ix := New(Options{})
	build(t, ix, w, 1)
	var upsert []Row
	for range 100 {
		upsert = append(upsert, randRow(r, int64(1+r.IntN(2100))))
	}
	var del []int64
	for range 60 {
		del = append(del, int64(1+r.IntN(2000)))
	}
	applyWrite(t, ix, w, 2, upsert, del)
	checkSortedCases(t, ix.Current(), w, []sortCase{
		{"-date", incidents.Filter{}, 97},
		{"date", incidents.Filter{}, 101},
		{"date", incidents.Filter{}, 3},
		{"date", incidents.Filter{From: "2014-03-01", To: "2019-06-30"}, 13},
		{"date", incidents.Filter{From: "2015-06-01", To: "2015-06-01"}, 40},
		{"date", incidents.Filter{EventTypes: []string{"Battles"}, To: "2018-01-01"}, 9},
		{"date", incidents.Filter{BBox: &geo.BBox{MinLon: 36, MinLat: 30, MaxLon: 42, MaxLat: 36}}, 17},
		{"+date,+id", incidents.Filter{Country: "SY", From: "2012-01-01"}, 2},
		{"-fatalities", incidents.Filter{}, 50},
		{"fatalities", incidents.Filter{EventTypes: []string{"Battles"}}, 7},
		{"-injuries", incidents.Filter{}, 250},
		{"injuries,-date", incidents.Filter{MinFatalities: 1}, 33},
		{"id", incidents.Filter{}, 300},
		{"-id", incidents.Filter{Country: "SY"}, 10},
		{"-fatalities,date,-id", incidents.Filter{}, 64},
		{"date,-injuries,fatalities", incidents.Filter{}, 1},
		{"+fatalities", incidents.Filter{From: "2020-01-01"}, 5000},
	})
}

// checkSortedPages pages through the matches of filter in sortby's order,
// limit rows at a time, and checks that the pages, end to end, are the
// brute-force sorted matches of w: every row once, in order.
func checkSortedPages(t *testing.T, s *Snapshot, w world, sortby string, filter incidents.Filter, limit int) {
	t.Helper()
	value := func(row Row, field string) int64 {
		switch field {
		case "date":
			d, _ := parseDay(row.Date)
			return int64(d)
		case "fatalities":
			return int64(row.Fatalities)
		case "injuries":
			return int64(row.Injuries)
		}
		return row.ID
	}
	cursorValue := func(row Row, field string) any {
		if field == "date" {
			return row.Date
		}
		return value(row, field)
	}
	keys, err := incidents.ParseSortBy(sortby)
	if err != nil {
		t.Fatal(err)
	}
	keys = incidents.Filter{Sort: keys}.SortKeys()
	var want []int64
	for _, row := range w {
		if bruteMatch(filter, nil, row) {
			want = append(want, row.ID)
		}
	}
	slices.SortFunc(want, func(a, b int64) int {
		for _, k := range keys {
			c := cmp.Compare(value(w[a], k.Field), value(w[b], k.Field))
			if k.Desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return 0
	})
	q, err := s.Compile(filter, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	var after []any
	for pages := 0; ; pages++ {
		ids, last, err := q.PageSorted(keys, after, limit)
		more := last != nil
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) > limit || more && len(ids) < limit {
			t.Fatalf("sortby=%s: page %d has %d rows (limit %d), more %v", sortby, pages, len(ids), limit, more)
		}
		got = append(got, ids...)
		if !more {
			break
		}
		row := w[ids[len(ids)-1]]
		after = nil
		for _, k := range keys {
			after = append(after, cursorValue(row, k.Field))
		}
		if !reflect.DeepEqual(last, after) {
			t.Fatalf("sortby=%s: page %d ends at %v, want the last row's values %v", sortby, pages, last, after)
		}
		if pages > len(w) {
			t.Fatalf("sortby=%s: the pages do not end", sortby)
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("sortby=%s %v: got %d ids %v..., want %d %v...", sortby, filter, len(got), got[:min(len(got), 10)], len(want), want[:min(len(want), 10)])
	}
}

// TestPageDeadliest pages deadliest-first orders over a base of several
// blocks whose counts are mostly small, with a few large ones, unknown
// ones and ties, so that the block maxima leave most blocks out, and
// checks the pages against brute force; then again with writes in the
// delta and rows deleted from the base.
func TestPageDeadliest(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 3))
	w := world{}
	for id := int64(1); id <= 5*chunk+300; id++ {
		row := randRow(r, id)
		row.Fatalities, row.Injuries = r.IntN(4)-1, r.IntN(3)-1
		switch r.IntN(400) {
		case 0:
			row.Fatalities = 70_000 + r.IntN(10) // large: kept beside the columns
		case 1, 2:
			row.Fatalities = 40 + r.IntN(5)
		case 3:
			row.Injuries = 100 + r.IntN(3)
		}
		w[id] = row
	}
	ix := New(Options{})
	build(t, ix, w, 1)
	cases := []sortCase{
		{"-fatalities", incidents.Filter{}, 10},
		{"-fatalities", incidents.Filter{EventTypes: []string{"Protests"}, From: "2019-01-01"}, 1},
		{"-fatalities,date", incidents.Filter{EventTypes: []string{"Battles"}}, 4},
		{"-injuries", incidents.Filter{}, 7},
		{"-injuries,-id", incidents.Filter{From: "2016-01-01"}, 25},
		{"-fatalities", incidents.Filter{BBox: &geo.BBox{MinLon: 36, MinLat: 30, MaxLon: 42, MaxLat: 36}}, 3},
	}
	checkSortedCases(t, ix.Current(), w, cases)

	var upsert []Row
	for range 50 {
		row := randRow(r, int64(1+r.IntN(5*chunk+400)))
		row.Fatalities = 41 + r.IntN(3) // ties with the base's large counts
		upsert = append(upsert, row)
	}
	var del []int64
	for id := range w {
		if id%97 == 0 && w[id].Fatalities >= 40 {
			del = append(del, id)
		}
	}
	applyWrite(t, ix, w, 2, upsert, del)
	checkSortedCases(t, ix.Current(), w, cases)
}

// TestPageByID pages in id order, both ways, over bases whose map of rows
// by id is a dense table (ids one apart, with holes from deletions) and a
// sparse one (ids three apart), with writes in the delta, against brute
// force.
func TestPageByID(t *testing.T) {
	for _, stride := range []int64{1, 3} {
		r := rand.New(rand.NewPCG(16, uint64(stride)))
		w := world{}
		for k := int64(1); k <= 3000; k++ {
			w[k*stride] = randRow(r, k*stride)
		}
		ix := New(Options{})
		build(t, ix, w, 1)
		var upsert []Row
		for range 40 {
			upsert = append(upsert, randRow(r, stride*int64(1+r.IntN(3100))))
		}
		var del []int64
		for id := range w {
			if id%7 == 0 {
				del = append(del, id)
			}
		}
		applyWrite(t, ix, w, 2, upsert, del)
		checkSortedCases(t, ix.Current(), w, []sortCase{
			{"id", incidents.Filter{}, 7},
			{"-id", incidents.Filter{}, 100},
			{"id", incidents.Filter{EventTypes: []string{"Battles"}}, 13},
			{"-id", incidents.Filter{Country: "IQ", From: "2015-01-01"}, 1},
			{"-id", incidents.Filter{BBox: &geo.BBox{MinLon: 36, MinLat: 30, MaxLon: 42, MaxLat: 36}}, 29},
		})
	}
}

// sortCase is a listing that checkSortedCases pages through.
type sortCase struct {
	sortby string
	filter incidents.Filter
	limit  int
}

// checkSortedCases runs checkSortedPages for each case.
func checkSortedCases(t *testing.T, s *Snapshot, w world, cases []sortCase) {
	t.Helper()
	for _, tc := range cases {
		checkSortedPages(t, s, w, tc.sortby, tc.filter, tc.limit)
	}
}

// applyWrite upserts and deletes rows in ix at version and in w, leaving
// out of del the ids that upsert writes: one write does not do both.
func applyWrite(t *testing.T, ix *Index, w world, version int64, upsert []Row, del []int64) {
	t.Helper()
	del = slices.DeleteFunc(slices.Clone(del), func(id int64) bool {
		return slices.ContainsFunc(upsert, func(row Row) bool { return row.ID == id })
	})
	for _, row := range upsert {
		w[row.ID] = row
	}
	for _, id := range del {
		delete(w, id)
	}
	if err := ix.Apply(version, upsert, del); err != nil {
		t.Fatal(err)
	}
}
