package index

import (
	"testing"
	"time"

	"github.com/mapd/mapd/incidents"
)

// cql2Pairs are native filters and the CQL2 filters that say the same,
// given to the index as expressions (not absorbed into the native fields,
// as incidents.ParseFilter would), so that the compiled expression does
// all the work.
var cql2Pairs = []struct {
	name   string
	native incidents.Filter
	cql    string
}{
	{"actor_like", incidents.Filter{Actor: "Syria"}, "actor1 LIKE '%Syria%' OR actor2 LIKE '%Syria%'"},
	{"event_type_in", incidents.Filter{EventTypes: []string{"Battles", "Riots"}}, "event_type IN ('Battles', 'Riots')"},
	{"fatalities_gt", incidents.Filter{MinFatalities: 5}, "fatalities > 4"},
	{"t_intersects", incidents.Filter{From: "2016-01-01", To: "2016-12-31"}, "T_INTERSECTS(date, INTERVAL('2016-01-01', '2016-12-31'))"},
	{"s_intersects", incidents.Filter{BBox: cityBox}, "S_INTERSECTS(geometry, BBOX(36.9, 36.0, 37.4, 36.4))"},
	{"combined", incidents.Filter{EventTypes: []string{"Battles"}, MinFatalities: 1, Actor: "Forces"},
		"event_type = 'Battles' AND fatalities >= 1 AND (actor1 LIKE '%Forces%' OR actor2 LIKE '%Forces%')"},
}

// BenchmarkCQL2Page answers the first page of 100 and the count (what a
// listing asks of the index) for each native filter and its CQL2 twin,
// alternately in each iteration, and reports both times and their ratio
// (the target: at most 1.2).
func BenchmarkCQL2Page(b *testing.B) {
	s := benchIndex(b)
	for _, p := range cql2Pairs {
		expr, err := incidents.ParseCQL2(p.cql, "")
		if err != nil {
			b.Fatal(err)
		}
		cf := incidents.Filter{Expr: expr}
		b.Run(p.name, func(b *testing.B) {
			var native, cql time.Duration
			page := func(f incidents.Filter) (int, time.Duration) {
				t0 := time.Now()
				q, err := s.Compile(f, nil)
				if err != nil {
					b.Fatal(err)
				}
				if _, _, err := q.Page("", 100); err != nil {
					b.Fatal(err)
				}
				return q.Count(), time.Since(t0)
			}
			for b.Loop() {
				n1, d1 := page(p.native)
				n2, d2 := page(cf)
				if n1 != n2 {
					b.Fatalf("native %d matches, CQL2 %d", n1, n2)
				}
				native += d1
				cql += d2
			}
			b.ReportMetric(float64(native.Nanoseconds())/float64(b.N), "native-ns/op")
			b.ReportMetric(float64(cql.Nanoseconds())/float64(b.N), "cql2-ns/op")
			b.ReportMetric(float64(cql)/float64(native), "ratio")
		})
	}
}

// BenchmarkPageSorted chooses the first page of 100 of every incident in
// sortby orders, beside the default order (Page) in the same iterations.
func BenchmarkPageSorted(b *testing.B) {
	s := benchIndex(b)
	q, err := s.Compile(incidents.Filter{}, nil)
	if err != nil {
		b.Fatal(err)
	}
	for _, sortby := range []string{"-date", "-fatalities", "date", "injuries,-date", "id"} {
		keys, err := incidents.ParseSortBy(sortby)
		if err != nil {
			b.Fatal(err)
		}
		keys = incidents.Filter{Sort: keys}.SortKeys()
		b.Run(sortby, func(b *testing.B) {
			var native, sorted time.Duration
			for b.Loop() {
				t0 := time.Now()
				if _, _, err := q.Page("", 100); err != nil {
					b.Fatal(err)
				}
				t1 := time.Now()
				if _, _, err := q.PageSorted(keys, nil, 100); err != nil {
					b.Fatal(err)
				}
				native += t1.Sub(t0)
				sorted += time.Since(t1)
			}
			b.ReportMetric(float64(native.Nanoseconds())/float64(b.N), "default-ns/op")
			b.ReportMetric(float64(sorted.Nanoseconds())/float64(b.N), "sorted-ns/op")
			b.ReportMetric(float64(sorted)/float64(native), "ratio")
		})
	}
}
