package cql2_test

import (
	"fmt"

	"github.com/paulmach/orb"

	"github.com/mapd/mapd/cql2"
)

// A filter is parsed, checked against the queryables (which rewrites the
// temporal function into date comparisons) and evaluated for one feature.
func Example() {
	q := cql2.Queryables{"event_type": cql2.TypeString, "fatalities": cql2.TypeInteger, "date": cql2.TypeDate, "geometry": cql2.TypeGeometry}
	e, err := cql2.ParseText("event_type = 'Battles' AND T_DURING(date, INTERVAL('2016-01-01', '2016-12-31')) AND S_INTERSECTS(geometry, BBOX(35, 32, 43, 38))")
	if err != nil {
		fmt.Println(err)
		return
	}
	checked, err := q.Check(e)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cql2.Text(checked))
	feature := map[string]cql2.Value{
		"event_type": {Type: cql2.TypeString, Str: "Battles"},
		"date":       {Type: cql2.TypeDate, Str: "2016-09-17"},
		"geometry":   {Type: cql2.TypeGeometry, Point: orb.Point{40.14, 35.34}},
	}
	fmt.Println(cql2.Eval(checked, func(name string) cql2.Value { return feature[name] }) == cql2.True)

	_, err = q.Check(must(cql2.ParseText("colour = 'red'")))
	fmt.Println(err)
	_, err = cql2.ParseText("fatalities >")
	fmt.Println(err)
	// Output:
	// ("event_type" = 'Battles' AND "date" > DATE('2016-01-01') AND "date" < DATE('2016-12-31') AND S_INTERSECTS("geometry", BBOX(35.0, 32.0, 43.0, 38.0)))
	// true
	// cql2: at byte offset 0: unknown property "colour"; the queryables are date, event_type, fatalities, geometry
	// cql2: at byte offset 12: expected a property or a value, found the end of the filter
}

func must(e cql2.Expr, err error) cql2.Expr {
	if err != nil {
		panic(err)
	}
	return e
}
