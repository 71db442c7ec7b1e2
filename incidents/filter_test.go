package incidents_test

import (
	"errors"
	"net/url"
	"testing"

	"github.com/mapd/mapd/incidents"
)

func TestParseFilter(t *testing.T) {
	cases := []struct {
		query string
		field string // "" when valid
	}{
		{"bbox=36,32,42,37&from=2016-09-01&to=2016-09-30&event_type=Battles,Riots&actor=x&country=sy&q=convoy&min_fatalities=3&limit=10", ""},
		{"event_type=Battles&event_type=Riots", ""},
		{"bbox=1,2,3", "bbox"},
		{"bbox=1,2,3,4&bbox=1,2,3,4", "bbox"},
		{"from=2016-02-30", "from"},
		{"from=2016-09-30&to=2016-09-01", "from"},
		{"country=SYR", "country"},
		{"min_fatalities=-1", "min_fatalities"},
		{"min_fatalities=1e3", "min_fatalities"},
		{"limit=0", "limit"},
		{"limit=-5", "limit"},
		{"limit=10001", "limit"},
		{"cursor=not-a-cursor", "cursor"},
		{"q=%27%20OR%201%3D1%3B%20DROP%20TABLE%20incidents%3B%20--", ""},
		{"actor=%25_%5C", ""},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			q, err := url.ParseQuery(tc.query)
			if err != nil {
				t.Fatal(err)
			}
			f, err := incidents.ParseFilter(func(k string) []string { return q[k] })
			var fe *incidents.FieldError
			switch {
			case tc.field == "" && err != nil:
				t.Fatalf("got %v, want no error", err)
			case tc.field != "" && (!errors.As(err, &fe) || fe.Field != tc.field):
				t.Fatalf("got %v, want an error on %q", err, tc.field)
			}
			if tc.field == "" && f.Country != "" && f.Country != "SY" {
				t.Fatalf("got country %q, want SY", f.Country)
			}
		})
	}
}

func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{"bbox=1,2,3,4", "from=2016-01-01&to=2016-02-01", "q=NEAR(", "limit=5&cursor=MjAxNi0wOS0xN3wx", "event_type=a,b,,c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := url.ParseQuery(s)
		if err != nil {
			return
		}
		flt, err := incidents.ParseFilter(func(k string) []string { return q[k] })
		if err != nil {
			var fe *incidents.FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("got %T %v, want a *FieldError", err, err)
			}
			return
		}
		if flt.Limit < 0 || flt.Limit > incidents.MaxLimit || flt.MinFatalities < 0 {
			t.Fatalf("accepted out-of-range values: %+v", flt)
		}
	})
}
