package cql2_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/mapd/mapd/cql2"
)

// queryables of the tests: the shape of mapd's incidents.
var queryables = cql2.Queryables{
	"id":             cql2.TypeInteger,
	"date":           cql2.TypeDate,
	"event_type":     cql2.TypeString,
	"sub_event_type": cql2.TypeString,
	"actor1":         cql2.TypeString,
	"country":        cql2.TypeString,
	"place":          cql2.TypeString,
	"fatalities":     cql2.TypeInteger,
	"injuries":       cql2.TypeInteger,
	"geometry":       cql2.TypeGeometry,
	"verified":       cql2.TypeBoolean,
}

// parseCheck parses text and checks it against the test queryables.
func parseCheck(lang, src string) (cql2.Expr, error) {
	var e cql2.Expr
	var err error
	if lang == "json" {
		e, err = cql2.ParseJSON(src)
	} else {
		e, err = cql2.ParseText(src)
	}
	if err != nil {
		return nil, err
	}
	return queryables.Check(e)
}

// TestParseText reads expressions of every kind the package covers, in the
// spirit of the examples of the CQL2 standard, and compares the checked
// tree written back as text.
func TestParseText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"equal string", "event_type = 'Battles'", `"event_type" = 'Battles'`},
		{"keywords in any case", "event_type = 'Riots' and fatalities >= 3", `("event_type" = 'Riots' AND "fatalities" >= 3)`},
		{"quoted property and doubled quote", `"place" <> 'Ma''arrat al-Nu''man'`, `"place" <> 'Ma''arrat al-Nu''man'`},
		{"literal on the left flips", "10 < fatalities", `"fatalities" > 10`},
		{"negative and decimal numbers", "injuries > -1 AND fatalities <= 2.5", `("injuries" > -1 AND "fatalities" <= 2.5)`},
		{"exponent", "fatalities < 1e3", `"fatalities" < 1000.0`},
		{"or binds looser than and", "country = 'SY' OR country = 'IQ' AND fatalities > 5",
			`("country" = 'SY' OR ("country" = 'IQ' AND "fatalities" > 5))`},
		{"parentheses", "(country = 'SY' OR country = 'IQ') AND fatalities > 5",
			`(("country" = 'SY' OR "country" = 'IQ') AND "fatalities" > 5)`},
		{"not", "NOT event_type = 'Protests'", `NOT ("event_type" = 'Protests')`},
		{"double not", "NOT NOT fatalities = 1", `NOT (NOT ("fatalities" = 1))`},
		{"like", "actor1 LIKE 'Military Forces of %'", `"actor1" LIKE 'Military Forces of %'`},
		{"not like", "place NOT LIKE '_oms'", `"place" NOT LIKE '_oms'`},
		{"in", "country IN ('SY', 'IQ', 'YE')", `"country" IN ('SY', 'IQ', 'YE')`},
		{"not in numbers", "fatalities NOT IN (0, 1)", `"fatalities" NOT IN (0, 1)`},
		{"between", "fatalities BETWEEN 10 AND 20", `"fatalities" BETWEEN 10 AND 20`},
		{"not between dates", "date NOT BETWEEN DATE('2016-01-01') AND DATE('2016-06-30')",
			`"date" NOT BETWEEN DATE('2016-01-01') AND DATE('2016-06-30')`},
		{"is null", "injuries IS NULL", `"injuries" IS NULL`},
		{"is not null", "injuries IS NOT NULL", `"injuries" IS NOT NULL`},
		{"date compared with a string", "date >= '2016-09-01'", `"date" >= DATE('2016-09-01')`},
		{"date compared with a timestamp", "date < TIMESTAMP('2016-09-01T23:30:00-02:00')", `"date" < DATE('2016-09-02')`},
		{"boolean property", "verified = TRUE", `"verified" = TRUE`},
		{"true alone", "TRUE", `TRUE`},
		{"constant folding", "1 = 1 AND fatalities > 0", `"fatalities" > 0`},
		{"false folds the and", "1 = 2 AND fatalities > 0", `FALSE`},
		{"bbox", "S_INTERSECTS(geometry, BBOX(35.5, 32, 42.5, 37.5))", `S_INTERSECTS("geometry", BBOX(35.5, 32.0, 42.5, 37.5))`},
		{"bbox with heights", "S_INTERSECTS(geometry, BBOX(35, 32, 0, 43, 38, 100))", `S_INTERSECTS("geometry", BBOX(35.0, 32.0, 43.0, 38.0))`},
		{"geometry second or first", "s_intersects(POINT(36.7 34.7), geometry)", `S_INTERSECTS("geometry", POINT(36.7 34.7))`},
		{"polygon", "S_INTERSECTS(geometry, POLYGON((36 34, 38 34, 38 36, 36 36, 36 34)))",
			`S_INTERSECTS("geometry", POLYGON((36 34, 38 34, 38 36, 36 36, 36 34)))`},
		{"polygon with a hole", "S_INTERSECTS(geometry, POLYGON((0 0, 10 0, 10 10, 0 10, 0 0), (4 4, 6 4, 6 6, 4 6, 4 4)))",
			`S_INTERSECTS("geometry", POLYGON((0 0, 10 0, 10 10, 0 10, 0 0), (4 4, 6 4, 6 6, 4 6, 4 4)))`},
		{"multipoint both styles", "S_INTERSECTS(geometry, MULTIPOINT((1 2), 3 4))", `S_INTERSECTS("geometry", MULTIPOINT(1 2, 3 4))`},
		{"linestring with z", "S_INTERSECTS(geometry, LINESTRING Z (1 2 3, 4 5 6))", `S_INTERSECTS("geometry", LINESTRING(1 2, 4 5))`},
		{"collection", "S_INTERSECTS(geometry, GEOMETRYCOLLECTION(POINT(1 2), LINESTRING(0 0, 1 1)))",
			`S_INTERSECTS("geometry", GEOMETRYCOLLECTION(POINT(1 2), LINESTRING(0 0, 1 1)))`},
		{"disjoint", "S_DISJOINT(geometry, BBOX(0, 0, 1, 1))", `NOT (S_INTERSECTS("geometry", BBOX(0.0, 0.0, 1.0, 1.0)))`},
		{"t_intersects interval", "T_INTERSECTS(date, INTERVAL('2016-09-01', '2016-09-30'))",
			`("date" <= DATE('2016-09-30') AND "date" >= DATE('2016-09-01'))`},
		{"t_intersects open start", "T_INTERSECTS(date, INTERVAL('..', '2016-09-30'))",
			`("date" <= DATE('2016-09-30') AND "date" IS NOT NULL)`},
		{"t_during", "T_DURING(date, INTERVAL(DATE('2016-01-01'), DATE('2016-12-31')))",
			`("date" > DATE('2016-01-01') AND "date" < DATE('2016-12-31'))`},
		{"t_during open end", "T_DURING(date, INTERVAL('2016-01-01', '..'))",
			`("date" > DATE('2016-01-01') AND "date" IS NOT NULL)`},
		{"t_after date", "T_AFTER(date, DATE('2016-09-17'))", `"date" > DATE('2016-09-17')`},
		{"t_before timestamp", "T_BEFORE(date, TIMESTAMP('2016-09-17T10:00:00Z'))", `"date" < DATE('2016-09-17')`},
		{"t_before reversed", "T_BEFORE(DATE('2016-09-17'), date)", `"date" > DATE('2016-09-17')`},
		{"t_equals", "T_EQUALS(date, DATE('2016-09-17'))", `("date" = DATE('2016-09-17') AND "date" = DATE('2016-09-17'))`},
		{"t_overlaps is never true of a day", "T_OVERLAPS(date, INTERVAL('2016-01-01', '2016-02-01'))",
			`("date" < DATE('2016-01-01') AND "date" > DATE('2016-01-01') AND "date" < DATE('2016-02-01'))`},
		{"t_disjoint", "T_DISJOINT(date, INTERVAL('2016-01-01', '2016-01-31'))",
			`("date" > DATE('2016-01-31') OR "date" < DATE('2016-01-01'))`},
		{"t_contains of an instant", "T_CONTAINS(INTERVAL('2016-01-01', '2016-01-31'), date)",
			`("date" > DATE('2016-01-01') AND "date" < DATE('2016-01-31'))`},
		{"t_meets", "T_MEETS(date, DATE('2016-01-01'))", `"date" = DATE('2016-01-01')`},
		{"white space anywhere", "\n\tfatalities\n>\t10 ", `"fatalities" > 10`},
		{"unicode string", "place = 'Дейр-эз-Зор'", `"place" = 'Дейр-эз-Зор'`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := parseCheck("text", tt.in)
			if err != nil {
				t.Fatalf("got error %v, want %s", err, tt.want)
			}
			if got := cql2.Text(e); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

// TestParseJSON reads cql2-json filters and compares them with the text
// they mean.
func TestParseJSON(t *testing.T) {
	tests := []struct{ name, in, text string }{
		{"comparison", `{"op":"=","args":[{"property":"event_type"},"Battles"]}`, "event_type = 'Battles'"},
		{"and or not", `{"op":"and","args":[{"op":">","args":[{"property":"fatalities"},10]},
			{"op":"not","args":[{"op":"or","args":[{"op":"=","args":[{"property":"country"},"SY"]},{"op":"=","args":[{"property":"country"},"IQ"]}]}]}]}`,
			"fatalities > 10 AND NOT (country = 'SY' OR country = 'IQ')"},
		{"like", `{"op":"like","args":[{"property":"actor1"},"%Syria%"]}`, "actor1 LIKE '%Syria%'"},
		{"in", `{"op":"in","args":[{"property":"country"},["SY","IQ"]]}`, "country IN ('SY', 'IQ')"},
		{"between", `{"op":"between","args":[{"property":"fatalities"},1,9]}`, "fatalities BETWEEN 1 AND 9"},
		{"is null", `{"op":"isNull","args":[{"property":"injuries"}]}`, "injuries IS NULL"},
		{"date", `{"op":">=","args":[{"property":"date"},{"date":"2016-09-01"}]}`, "date >= DATE('2016-09-01')"},
		{"timestamp", `{"op":"<","args":[{"property":"date"},{"timestamp":"2016-09-01T10:00:00Z"}]}`, "date < TIMESTAMP('2016-09-01T10:00:00Z')"},
		{"bbox", `{"op":"s_intersects","args":[{"property":"geometry"},{"bbox":[35,32,43,38]}]}`, "S_INTERSECTS(geometry, BBOX(35, 32, 43, 38))"},
		{"point", `{"op":"s_intersects","args":[{"property":"geometry"},{"type":"Point","coordinates":[36.7,34.7]}]}`, "S_INTERSECTS(geometry, POINT(36.7 34.7))"},
		{"polygon", `{"op":"s_intersects","args":[{"property":"geometry"},{"type":"Polygon","coordinates":[[[36,34],[38,34],[38,36],[36,36],[36,34]]]}]}`,
			"S_INTERSECTS(geometry, POLYGON((36 34, 38 34, 38 36, 36 36, 36 34)))"},
		{"multipolygon", `{"op":"s_intersects","args":[{"property":"geometry"},{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]]]}]}`,
			"S_INTERSECTS(geometry, MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0))))"},
		{"collection", `{"op":"s_intersects","args":[{"property":"geometry"},{"type":"GeometryCollection","geometries":[{"type":"LineString","coordinates":[[0,0],[1,1]]},{"type":"MultiPoint","coordinates":[[1,2]]}]}]}`,
			"S_INTERSECTS(geometry, GEOMETRYCOLLECTION(LINESTRING(0 0, 1 1), MULTIPOINT(1 2)))"},
		{"interval", `{"op":"t_intersects","args":[{"property":"date"},{"interval":["2016-09-01",".."]}]}`, "T_INTERSECTS(date, INTERVAL('2016-09-01', '..'))"},
		{"interval of dates", `{"op":"t_during","args":[{"property":"date"},{"interval":[{"date":"2016-01-01"},{"timestamp":"2016-12-31T00:00:00Z"}]}]}`,
			"T_DURING(date, INTERVAL('2016-01-01', '2016-12-31'))"},
		{"boolean literal", `true`, "TRUE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseCheck("json", tt.in)
			if err != nil {
				t.Fatalf("got error %v", err)
			}
			want, err := parseCheck("text", tt.text)
			if err != nil {
				t.Fatalf("the text %q: %v", tt.text, err)
			}
			if g, w := cql2.Text(got), cql2.Text(want); g != w {
				t.Errorf("got %s, want %s", g, w)
			}
		})
	}
}

// TestErrors checks that bad filters are refused with the byte offset of
// the problem and a message saying what it is.
func TestErrors(t *testing.T) {
	tests := []struct {
		name, lang, in string
		pos            int
		msg, property  string
	}{
		{"empty", "text", "  ", 0, "empty", ""},
		{"unknown property", "text", "fatalities > 1 AND colour = 'red'", 19, `unknown property "colour"`, "colour"},
		{"unknown property in json", "json", `{"op":"=","args":[{"property":"colour"},"red"]}`, 18, `unknown property "colour"`, "colour"},
		{"missing operand", "text", "fatalities >", 12, "expected a property or a value, found the end", ""},
		{"unclosed string", "text", "place = 'Homs", 8, "never closed", ""},
		{"unclosed parenthesis", "text", "(fatalities > 1", 15, "expected AND, OR or )", ""},
		{"trailing garbage", "text", "fatalities > 1 fatalities", 15, "expected AND, OR or the end", ""},
		{"bad character", "text", "fatalities ! 1", 11, "unexpected character '!'", ""},
		{"string against number", "text", "fatalities = 'ten'", 0, "fatalities is a number property", "fatalities"},
		{"number against string", "text", "country = 5", 0, "country is a string property", "country"},
		{"bad date", "text", "date = DATE('2016-02-30')", 12, "not a real calendar date", ""},
		{"bad timestamp", "text", "T_AFTER(date, TIMESTAMP('yesterday'))", 24, "not an RFC 3339 timestamp", ""},
		{"reversed interval", "text", "T_DURING(date, INTERVAL('2016-02-01', '2016-01-01'))", 15, "ends before it starts", ""},
		{"two properties", "text", "fatalities > injuries", 13, "comparing two properties", ""},
		{"like on a number", "text", "fatalities LIKE '1%'", 0, "LIKE needs a string property", "fatalities"},
		{"spatial on a string", "text", "S_INTERSECTS(place, BBOX(0,0,1,1))", 13, "needs a geometry property", "place"},
		{"temporal on a number", "text", "T_AFTER(fatalities, DATE('2016-01-01'))", 8, "needs a date property", "fatalities"},
		{"latitude out of range", "text", "S_INTERSECTS(geometry, POINT(10 95))", 29, "latitude 95 is outside", ""},
		{"ring not closed", "text", "S_INTERSECTS(geometry, POLYGON((0 0, 1 0, 1 1, 0 1)))", 31, "must end where it starts", ""},
		{"bbox of three numbers", "text", "S_INTERSECTS(geometry, BBOX(0, 0, 1))", 23, "4 or 6 numbers", ""},
		{"bbox upside down", "text", "S_INTERSECTS(geometry, BBOX(0, 10, 1, 5))", 23, "greater than maxLat", ""},
		{"unknown function", "text", "CASEI(place) = 'homs'", 0, "unknown function CASEI", ""},
		{"keyword as property", "text", "AND = 1", 0, "found the keyword AND", ""},
		{"not without like", "text", "place NOT = 'x'", 10, "LIKE, BETWEEN or IN after NOT", ""},
		{"json malformed", "json", `{"op":"=","args":[{"property":"place"} "x"]}`, 39, "malformed", ""},
		{"json unknown op", "json", `{"op":"near","args":[]}`, 6, `unknown or unsupported operator "near"`, ""},
		{"json wrong arity", "json", `{"op":"between","args":[{"property":"fatalities"},1]}`, 23, "between takes 3 arguments", ""},
		{"json trailing data", "json", `true false`, 5, "unexpected data", ""},
		{"json not an expression", "json", `{"property":"place"}`, 0, "expected an expression", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseCheck(tt.lang, tt.in)
			var ce *cql2.Error
			if !errors.As(err, &ce) {
				t.Fatalf("got %v, want a *cql2.Error", err)
			}
			if !errors.Is(err, cql2.ErrInvalid) {
				t.Errorf("got an error that is not ErrInvalid")
			}
			if ce.Pos != tt.pos || !strings.Contains(ce.Msg, tt.msg) || ce.Property != tt.property {
				t.Errorf("got (%d, %q, property %q), want (%d, containing %q, property %q)", ce.Pos, ce.Msg, ce.Property, tt.pos, tt.msg, tt.property)
			}
		})
	}
}

// TestLimits checks that hostile filters are refused: deep nesting, a
// filter above 1 MiB, an IN list too long, too many predicates.
func TestLimits(t *testing.T) {
	tests := []struct {
		name, lang, in, msg string
	}{
		{"10,000 parentheses", "text", strings.Repeat("(", 10000) + "fatalities = 1" + strings.Repeat(")", 10000), "nests deeper than 64"},
		{"10,000 NOTs", "text", strings.Repeat("NOT ", 10000) + "fatalities = 1", "nests deeper than 64"},
		{"10,000 nested json arrays", "json", strings.Repeat("[", 10000) + strings.Repeat("]", 10000), "nests deeper than 64"},
		{"1 MiB", "text", "place = '" + strings.Repeat("x", cql2.MaxInput) + "'", "longer than 1048576 bytes"},
		{"1 MiB of json", "json", `"` + strings.Repeat("x", cql2.MaxInput) + `"`, "longer than 1048576 bytes"},
		{"IN list", "text", "fatalities IN (" + strings.Repeat("1, ", cql2.MaxList) + "1)", "more than 1000 values"},
		{"empty IN list in json", "json", `{"op":"in","args":[{"property":"fatalities"},[]]}`, "IN list is empty"},
		{"IN list in json", "json", `{"op":"in","args":[{"property":"fatalities"},[` + strings.Repeat("1,", cql2.MaxList) + `1]]}`, "more than 1000 values"},
		{"predicates", "text", strings.Repeat("fatalities = 1 OR ", cql2.MaxPredicates) + "fatalities = 1", "more than 1000 predicates"},
		{"values", "text", strings.Repeat("fatalities IN ("+strings.Repeat("1,", 999)+"1) OR ", 11) + "TRUE", "more than 10000 values"},
		{"vertices", "text", "S_INTERSECTS(geometry, LINESTRING(" + strings.Repeat("1 1, ", cql2.MaxVertices) + "1 1))", "more than 20000 coordinates"},
		{"json values", "json", `[` + strings.Repeat("1,", 200000) + `1]`, "more than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseCheck(tt.lang, tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("got %v, want an error containing %q", err, tt.msg)
			}
		})
	}
}

// record is a feature for TestEval.
type record map[string]cql2.Value

func (r record) get(name string) cql2.Value { return r[name] }

func TestEval(t *testing.T) {
	homs := record{
		"event_type": {Type: cql2.TypeString, Str: "Battles"},
		"place":      {Type: cql2.TypeString, Str: "Homs"},
		"actor1":     {Type: cql2.TypeString, Str: "Military Forces of Syria (2000-)"},
		"date":       {Type: cql2.TypeDate, Str: "2016-09-17"},
		"fatalities": {Type: cql2.TypeInteger, Num: 12},
		"geometry":   {Type: cql2.TypeGeometry, Point: orb.Point{36.72, 34.73}},
		// injuries is null
	}
	tests := []struct {
		in   string
		want cql2.Truth
	}{
		{"fatalities = 12", cql2.True},
		{"fatalities > 12", cql2.False},
		{"injuries > 0", cql2.Unknown},
		{"NOT injuries > 0", cql2.Unknown},
		{"injuries > 0 OR fatalities = 12", cql2.True},
		{"injuries > 0 AND fatalities = 13", cql2.False},
		{"injuries IS NULL", cql2.True},
		{"fatalities IS NOT NULL", cql2.True},
		{"place LIKE 'H_m%'", cql2.True},
		{"place LIKE 'h%'", cql2.False},
		{"actor1 LIKE '%(2000-)'", cql2.True},
		{"actor1 LIKE '%\\%%'", cql2.False},
		{"place NOT LIKE '%s'", cql2.False},
		{"fatalities IN (1, 12)", cql2.True},
		{"fatalities NOT IN (1, 12)", cql2.False},
		{"injuries IN (1)", cql2.Unknown},
		{"fatalities BETWEEN 12 AND 12", cql2.True},
		{"date BETWEEN '2016-09-01' AND '2016-09-16'", cql2.False},
		{"T_DURING(date, INTERVAL('2016-09-01', '2016-09-30'))", cql2.True},
		{"T_DURING(date, INTERVAL('2016-09-17', '2016-09-30'))", cql2.False},
		{"T_INTERSECTS(date, INTERVAL('2016-09-17', '..'))", cql2.True},
		{"T_AFTER(date, DATE('2016-09-16'))", cql2.True},
		{"T_BEFORE(date, DATE('2016-09-17'))", cql2.False},
		{"S_INTERSECTS(geometry, BBOX(36, 34, 37, 35))", cql2.True},
		{"S_INTERSECTS(geometry, BBOX(170, -10, -170, 10))", cql2.False},
		{"S_INTERSECTS(geometry, POLYGON((36 34, 37 34, 37 35, 36 35, 36 34)))", cql2.True},
		{"S_INTERSECTS(geometry, POLYGON((30 30, 40 30, 40 40, 30 40, 30 30), (36 34, 37 34, 37 35, 36 35, 36 34)))", cql2.False},
		{"S_INTERSECTS(geometry, LINESTRING(36.72 30, 36.72 40))", cql2.True},
		{"S_INTERSECTS(geometry, POINT(36.72 34.73))", cql2.True},
		{"S_DISJOINT(geometry, POINT(36.72 34.73))", cql2.False},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			e, err := parseCheck("text", tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := cql2.Eval(e, homs.get); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestMatch(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"", "", true},
		{"%", "", true},
		{"_", "", false},
		{"_", "é", true},
		{"a%b%c", "aXbYc", true},
		{"a%b%c", "aXbY", false},
		{"%%%a", "bba", true},
		{`100\%`, "100%", true},
		{`100\%`, "1000", false},
		{`a\_b`, "a_b", true},
		{`a\_b`, "axb", false},
		{"%a%a%a%a%a%a%a%b", strings.Repeat("a", 5000), false},
	}
	for _, tt := range tests {
		if got := cql2.Match(tt.pattern, tt.s); got != tt.want {
			t.Errorf("Match(%q, %q): got %v, want %v", tt.pattern, clip(tt.s), got, tt.want)
		}
	}
}

func clip(s string) string {
	if len(s) > 20 {
		return s[:20] + "..."
	}
	return s
}
