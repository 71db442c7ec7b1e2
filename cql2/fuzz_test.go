package cql2_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/mapd/mapd/cql2"
)

var fuzzSeeds = []string{
	"event_type = 'Battles' AND fatalities > 10",
	`"place" NOT LIKE '%Homs%' OR country IN ('SY', 'IQ')`,
	"fatalities BETWEEN 1 AND 5 AND injuries IS NOT NULL",
	"NOT (date < DATE('2016-01-01'))",
	"S_INTERSECTS(geometry, POLYGON((36 34, 38 34, 38 36, 36 36, 36 34)))",
	"S_INTERSECTS(geometry, BBOX(170, -10, -170, 10))",
	"T_DURING(date, INTERVAL('2016-01-01', '..'))",
	"T_AFTER(date, TIMESTAMP('2016-09-17T10:00:00Z'))",
	"S_DISJOINT(geometry, GEOMETRYCOLLECTION(POINT(1 2), MULTIPOINT((3 4))))",
	"fatalities < -1.5e2",
	"'a''b' = 'a''b'",
}

// fuzzRecord is a feature Eval runs on in the fuzz targets.
var fuzzRecord = record{
	"event_type": {Type: cql2.TypeString, Str: "Battles"},
	"place":      {Type: cql2.TypeString, Str: "Homs"},
	"date":       {Type: cql2.TypeDate, Str: "2016-09-17"},
	"fatalities": {Type: cql2.TypeInteger, Num: 12},
	"geometry":   {Type: cql2.TypeGeometry, Point: orb.Point{36.72, 34.73}},
}

// checkParsed asserts what every parse must hold: an error is an *Error
// inside the input, and a tree reads back from its text and checks,
// evaluates and prints again without panicking.
func checkParsed(t *testing.T, src string, e cql2.Expr, err error) {
	if err != nil {
		var ce *cql2.Error
		if !errors.As(err, &ce) {
			t.Fatalf("got error %T %v, want a *cql2.Error", err, err)
		}
		if ce.Pos < 0 || ce.Pos > len(src) {
			t.Fatalf("got error position %d, want one in [0, %d]", ce.Pos, len(src))
		}
		return
	}
	text := cql2.Text(e)
	again, err := cql2.ParseText(text)
	if err != nil {
		if strings.Contains(err.Error(), "nests deeper") {
			return // the text adds parentheses
		}
		t.Fatalf("the text %q of a parsed filter does not parse: %v", text, err)
	}
	if got := cql2.Text(again); got != text {
		t.Fatalf("got %q after a round trip, want %q", got, text)
	}
	checked, err := queryables.Check(e)
	if err != nil {
		return
	}
	cql2.Eval(checked, fuzzRecord.get)
	ctext := cql2.Text(checked)
	again, err = cql2.ParseText(ctext)
	if err != nil {
		if strings.Contains(err.Error(), "nests deeper") || strings.Contains(err.Error(), "more than") {
			return
		}
		t.Fatalf("the text %q of a checked filter does not parse: %v", ctext, err)
	}
	if _, err := queryables.Check(again); err != nil {
		t.Fatalf("the text %q of a checked filter does not check: %v", ctext, err)
	}
}

func FuzzParseText(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		e, err := cql2.ParseText(src)
		checkParsed(t, src, e, err)
	})
}

func FuzzParseJSON(f *testing.F) {
	for _, s := range []string{
		`{"op":"and","args":[{"op":"=","args":[{"property":"event_type"},"Battles"]},{"op":">","args":[{"property":"fatalities"},10]}]}`,
		`{"op":"s_intersects","args":[{"property":"geometry"},{"type":"Polygon","coordinates":[[[36,34],[38,34],[38,36],[36,34]]]}]}`,
		`{"op":"t_during","args":[{"property":"date"},{"interval":["2016-01-01",".."]}]}`,
		`{"op":"in","args":[{"property":"country"},["SY","IQ"]]}`,
		`{"op":"not","args":[{"op":"isNull","args":[{"property":"injuries"}]}]}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		e, err := cql2.ParseJSON(src)
		checkParsed(t, src, e, err)
	})
}
