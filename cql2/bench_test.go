package cql2_test

import (
	"testing"

	"github.com/mapd/mapd/cql2"
)

// BenchmarkParseSimple parses and checks simple expressions, one
// comparison each, the kind a map or GDAL sends; the target is at least
// 1,000,000 a second (under 1 µs each).
func BenchmarkParseSimple(b *testing.B) {
	exprs := []string{
		"fatalities > 10",
		"event_type = 'Battles'",
		"date >= DATE('2016-09-01')",
		"country IN ('SY', 'IQ')",
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		e, err := cql2.ParseText(exprs[i%len(exprs)])
		if err != nil {
			b.Fatal(err)
		}
		if _, err := queryables.Check(e); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseCompound parses a filter of five predicates.
func BenchmarkParseCompound(b *testing.B) {
	src := "event_type IN ('Battles', 'Explosions/Remote violence') AND fatalities >= 5 AND T_INTERSECTS(date, INTERVAL('2016-01-01', '2016-12-31')) AND S_INTERSECTS(geometry, BBOX(35, 32, 43, 38)) AND actor1 LIKE '%Syria%'"
	b.ReportAllocs()
	for b.Loop() {
		e, err := cql2.ParseText(src)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := queryables.Check(e); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseJSONSimple parses one comparison in cql2-json.
func BenchmarkParseJSONSimple(b *testing.B) {
	src := `{"op":">","args":[{"property":"fatalities"},10]}`
	b.ReportAllocs()
	for b.Loop() {
		if _, err := cql2.ParseJSON(src); err != nil {
			b.Fatal(err)
		}
	}
}
