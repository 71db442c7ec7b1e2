package geo

import (
	"errors"
	"math"
	"testing"
)

func TestParseBBox(t *testing.T) {
	cases := []struct {
		in      string
		want    BBox
		wantErr bool
	}{
		{in: "36,32,42,37", want: BBox{36, 32, 42, 37}},
		{in: " 36 , 32 , 42 , 37 ", want: BBox{36, 32, 42, 37}},
		{in: "179,-18,-179,-16", want: BBox{179, -18, -179, -16}},
		{in: "1,2,3", wantErr: true},
		{in: "1,2,3,4,5", wantErr: true},
		{in: "a,b,c,d", wantErr: true},
		{in: "NaN,1,2,3", wantErr: true},
		{in: "1,Inf,2,3", wantErr: true},
		{in: "0,10,1,5", wantErr: true},
		{in: "-181,0,1,1", wantErr: true},
		{in: "0,-91,1,1", wantErr: true},
		{in: "", wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseBBox(tc.in)
			if tc.wantErr {
				if !errors.Is(err, ErrInvalid) {
					t.Fatalf("got %v, %v; want an ErrInvalid error", got, err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

func TestBBoxContainsAntimeridian(t *testing.T) {
	b := BBox{MinLon: 179, MinLat: -18, MaxLon: -179, MaxLat: -16}
	cases := []struct {
		lon, lat float64
		want     bool
	}{
		{179.5, -17, true}, {-179.5, -17, true}, {180, -17, true}, {0, -17, false}, {178.9, -17, false}, {179.5, -15, false},
	}
	for _, tc := range cases {
		if got := b.Contains(tc.lon, tc.lat); got != tc.want {
			t.Errorf("Contains(%v, %v) = %v, want %v", tc.lon, tc.lat, got, tc.want)
		}
	}
	if parts := b.Split(); len(parts) != 2 || parts[0].MaxLon != 180 || parts[1].MinLon != -180 {
		t.Fatalf("got split %v, want two boxes meeting at the antimeridian", parts)
	}
}

func TestDistance(t *testing.T) {
	// Damascus to Aleppo is about 310 km in a straight line.
	d := Distance(33.5138, 36.2765, 36.2021, 37.1343)
	if math.Abs(d-310) > 10 {
		t.Fatalf("got %.1f km, want about 310", d)
	}
	if d := Distance(10, 20, 10, 20); d != 0 {
		t.Fatalf("got %v for the same point, want 0", d)
	}
}

func TestParseDate(t *testing.T) {
	for in, ok := range map[string]bool{"2016-09-17": true, "2016-02-29": true, "2015-02-29": false, "2016-13-01": false, "17 September 2016": false, "2016-9-17": false} {
		if _, err := ParseDate(in); (err == nil) != ok {
			t.Errorf("ParseDate(%q) error %v, want ok=%v", in, err, ok)
		}
	}
}

func TestParseInterval(t *testing.T) {
	cases := []struct {
		in      string
		want    Interval
		wantErr bool
	}{
		{in: "2016-09-17", want: Interval{"2016-09-17", "2016-09-17"}},
		{in: "2016-09-01/2016-09-30", want: Interval{"2016-09-01", "2016-09-30"}},
		{in: "../2016-09-30", want: Interval{"", "2016-09-30"}},
		{in: "2016-09-01/..", want: Interval{"2016-09-01", ""}},
		{in: "2016-09-01/", want: Interval{"2016-09-01", ""}},
		{in: "2016-09-17T10:00:00Z", want: Interval{"2016-09-17", "2016-09-17"}},
		{in: "../..", wantErr: true},
		{in: "2016-09-30/2016-09-01", wantErr: true},
		{in: "yesterday", wantErr: true},
		{in: "a/b/c", wantErr: true},
	}
	for _, tc := range cases {
		got, err := ParseInterval(tc.in)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("ParseInterval(%q) = %v, %v; want %v, err=%v", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}

func FuzzParseBBox(f *testing.F) {
	for _, s := range []string{"1,2,3,4", "179,-18,-179,-16", "a,b,c,d", "NaN,0,0,0", ",,,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := ParseBBox(s)
		if err == nil && b.Validate() != nil {
			t.Fatalf("ParseBBox(%q) accepted an invalid box %v", s, b)
		}
	})
}

func FuzzParseInterval(f *testing.F) {
	for _, s := range []string{"2016-09-17", "../2016-09-30", "2016-09-01/..", "x/y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		iv, err := ParseInterval(s)
		if err == nil && iv.From != "" && iv.To != "" && iv.From > iv.To {
			t.Fatalf("ParseInterval(%q) = %v, an interval that ends before it starts", s, iv)
		}
	})
}

// TestErrorsAreTyped checks that every parser's error is an *Error naming
// the value that was wrong, with a message that does not repeat the
// package's prefix, so callers never need to read Error's text.
func TestErrorsAreTyped(t *testing.T) {
	tests := []struct {
		name      string
		err       error
		wantField string
		wantMsg   string
	}{
		{"latitude", CheckLat(91), "lat", "latitude 91 is outside [-90, 90]"},
		{"longitude", CheckLon(math.NaN()), "lon", "longitude must be a finite number"},
		{"bbox arity", second(ParseBBox("1,2,3")), "bbox", "bbox needs 4 numbers: minLon,minLat,maxLon,maxLat"},
		{"bbox corner", second(ParseBBox("-181,0,1,1")), "bbox", "longitude -181 is outside [-180, 180]"},
		{"date", second(ParseDate("2016-02-30")), "date", `date "2016-02-30" is not a real calendar date in the form YYYY-MM-DD`},
		{"interval end", second(ParseInterval("2016-01-01/2016-13-01")), "datetime", `date "2016-13-01" is not a real calendar date in the form YYYY-MM-DD`},
		{"interval", second(ParseInterval("../..")), "datetime", `datetime interval "../.." is open at both ends`},
		{"tile", second(ParseTilePath("1/2/3.mvt")), "tile", "tile 1/2/3 is outside the pyramid: x and y must be in [0, 1] at zoom 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var e *Error
			if !errors.As(tt.err, &e) {
				t.Fatalf("got %T %v, want an *Error", tt.err, tt.err)
			}
			if e.Field != tt.wantField || e.Msg != tt.wantMsg {
				t.Fatalf("got field %q message %q, want %q %q", e.Field, e.Msg, tt.wantField, tt.wantMsg)
			}
			if !errors.Is(tt.err, ErrInvalid) {
				t.Fatalf("got %v, want it to match ErrInvalid", tt.err)
			}
		})
	}
}

func second[T any](_ T, err error) error { return err }
