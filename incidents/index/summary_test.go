package index

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/mapd/mapd/geo"
	"github.com/mapd/mapd/incidents"
)

// TestSummaryCounts compares the counts the block summaries answer (one
// event type, country, whole months or minimum of fatalities, with and
// without a box) with brute force: after the build, after deletions and
// replacements that leave dead rows in summarised blocks, and after the
// merge into a new base.
func TestSummaryCounts(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	w := world{}
	for id := int64(1); id <= 4*chunk+100; id++ {
		w[id] = randRow(r, id)
	}
	ix := New(Options{})
	build(t, ix, w, 1)
	region := &geo.BBox{MinLon: 36, MinLat: 30, MaxLon: 46, MaxLat: 37}
	filters := []incidents.Filter{
		{EventTypes: []string{"Battles"}},
		{EventTypes: []string{"Riots", "Protests", "No such type"}},
		{Country: "IQ"},
		{Country: "TR"},
		{From: "2013-03-01", To: "2015-06-30"},
		{From: "2016-01-01"},
		{To: "2012-02-29"},
		{From: "2030-01-01"},
		{MinFatalities: 1},
		{MinFatalities: 5},
		{MinFatalities: fatBuckets - 1},
		{Actor: "islamic state"},
		{Actor: "syria"}, // three actors, often two of them in a row
		{Actor: "military"},
	}
	for _, f := range filters[:len(filters):len(filters)] {
		f.BBox = region
		filters = append(filters, f)
	}
	checkCounts := func(t *testing.T, s *Snapshot) {
		t.Helper()
		for _, f := range filters {
			q, err := s.Compile(f, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := q.summed(); !ok {
				t.Fatalf("%+v: the summary does not answer it", f)
			}
			if got, want := q.Count(), len(brutePage(w, f, nil)); got != want {
				t.Fatalf("Count %+v: got %d, want %d", f, got, want)
			}
		}
	}
	checkCounts(t, ix.Current())
	next := int64(len(w) + 1)
	for round, n := range []int{300, 3000, 9000} {
		next = applyRandomWrites(t, r, ix, w, int64(round+2), n, next)
		s := ix.Current()
		if round == 0 && countDead(s.base.dead, 0, s.base.c.len()) == 0 {
			t.Fatal("no dead rows in the base after the first writes")
		}
		t.Run(fmt.Sprintf("after %d writes", n), func(t *testing.T) { checkCounts(t, s) })
	}
}

// TestSummaryDeclines checks the queries a summary cannot answer.
func TestSummaryDeclines(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	w := world{}
	for id := int64(1); id <= 3000; id++ {
		w[id] = randRow(r, id)
		if id <= maxTopActors+1 {
			row := w[id]
			row.Actor2 = fmt.Sprintf("Rare actor %d", id)
			w[id] = row
		}
	}
	ix := New(Options{})
	build(t, ix, w, 1)
	for _, f := range []incidents.Filter{
		{Actor: "rare actor"}, // more than the top actors
		{From: "2013-03-02"},
		{To: "2013-03-30"},
		{MinFatalities: fatBuckets},
		{EventTypes: []string{"Battles"}, Country: "SY"},
	} {
		q, err := ix.Current().Compile(f, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := q.summed(); ok {
			t.Errorf("%+v: the summary answers it", f)
		}
		if got, want := q.Count(), len(brutePage(w, f, nil)); got != want {
			t.Errorf("Count %+v: got %d, want %d", f, got, want)
		}
	}
}

// TestSummaryStats compares the statistics the stats blocks' summaries
// answer (no filter, boxes) with brute force: after the build, after
// deletions and replacements that leave dead rows (some with large
// counts) in summarised blocks, and after the merge into a new base.
func TestSummaryStats(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	w := world{}
	for id := int64(1); id <= 3*statRows+500; id++ {
		w[id] = randRow(r, id)
	}
	ix := New(Options{})
	build(t, ix, w, 1)
	filters := []incidents.Filter{
		{},
		{BBox: &geo.BBox{MinLon: 36, MinLat: 30, MaxLon: 46, MaxLat: 37}},
		{BBox: &geo.World},
		{BBox: &geo.BBox{MinLon: 160, MinLat: -40, MaxLon: -170, MaxLat: 0}},
	}
	checkStats := func(t *testing.T, s *Snapshot) {
		t.Helper()
		summarised := 0
		for _, f := range filters {
			q, err := s.Compile(f, nil)
			if err != nil {
				t.Fatal(err)
			}
			// Every match is visited once or lies in a block whole takes,
			// whichever blocks it declines.
			want := len(brutePage(w, f, nil))
			for _, take := range []func(k int) bool{
				func(int) bool { return true },
				func(k int) bool { return k%2 == 1 },
				func(int) bool { return false },
			} {
				n := 0
				q.scanSummarised(func(_ *segment, sel []int32) { n += len(sel) }, func(k int) bool {
					if !take(k) {
						return false
					}
					summarised++
					n += statRows - countDead(s.base.dead, k*statRows, (k+1)*statRows)
					return true
				})
				if n != want {
					t.Fatalf("scanSummarised %+v: %d rows, want %d", f, n, want)
				}
			}
			if got, want := q.Stats(), bruteStats(w, f, nil); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("Stats %+v:\ngot  %+v\nwant %+v", f, got, want)
			}
		}
		if summarised == 0 {
			t.Fatal("no stats block answered from its summary")
		}
	}
	checkStats(t, ix.Current())
	next := int64(len(w) + 1)
	for round, n := range []int{500, 14000} {
		next = applyRandomWrites(t, r, ix, w, int64(round+2), n, next)
		t.Run(fmt.Sprintf("after %d writes", n), func(t *testing.T) { checkStats(t, ix.Current()) })
	}
}

// TestSummaryStatsDeadMonth deletes the one incident of a month from a
// summarised block: the month must leave the statistics.
func TestSummaryStatsDeadMonth(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	w := world{}
	for id := int64(1); id <= 2*statRows; id++ {
		w[id] = randRow(r, id)
	}
	lone := w[100]
	lone.Date = "2030-05-05"
	w[100] = lone
	ix := New(Options{})
	build(t, ix, w, 1)
	delete(w, 100)
	if err := ix.Apply(2, nil, []int64{100}); err != nil {
		t.Fatal(err)
	}
	q, err := ix.Current().Compile(incidents.Filter{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := q.Stats(), bruteStats(w, incidents.Filter{}, nil); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("Stats:\ngot  %+v\nwant %+v", got, want)
	}
}

// applyRandomWrites applies n random writes to ix at version and to w, the
// rows it should hold: new rows from id next on (30%), replaced rows (40%)
// and deletes, some of ids that are gone (30%). It returns the next new id.
func applyRandomWrites(t *testing.T, r *rand.Rand, ix *Index, w world, version int64, n int, next int64) int64 {
	t.Helper()
	var ups []Row
	var dels []int64
	for range n {
		switch p := r.IntN(10); {
		case p < 3:
			ups = append(ups, randRow(r, next))
			next++
		case p < 7:
			ups = append(ups, randRow(r, 1+r.Int64N(next-1)))
		default:
			dels = append(dels, 1+r.Int64N(next-1))
		}
	}
	for _, id := range dels {
		delete(w, id)
	}
	for _, row := range ups {
		w[row.ID] = row
	}
	if err := ix.Apply(version, ups, dels); err != nil {
		t.Fatal(err)
	}
	return next
}
