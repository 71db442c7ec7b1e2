package incidents

import (
	"context"
	"errors"
	"testing"
)

// pointResolver answers one place for every point, at a given distance.
type pointResolver struct{ km float64 }

func (pointResolver) ResolvePlace(context.Context, string, string, []string) (Resolution, bool, error) {
	return Resolution{}, false, nil
}

func (p pointResolver) ResolvePoint(context.Context, float64, float64) (PointResolution, bool, error) {
	return PointResolution{Place: "Deir ez-Zor", Country: "SY", Admin1: "Deir ez-Zor", DistanceKm: p.km}, true, nil
}

func TestResolvePoint(t *testing.T) {
	lat, lon := 35.3, 40.1
	tests := []struct {
		name                   string
		in                     Incident
		km                     float64
		place, country, admin1 string
	}{
		{"empty fields filled", Incident{}, 5, "Deir ez-Zor", "SY", "Deir ez-Zor"},
		{"far town keeps no name", Incident{}, 60, "", "SY", "Deir ez-Zor"},
		{"too far for anything", Incident{}, 300, "", "", ""},
		{"given fields kept", Incident{Place: "the airport", Country: "SY", Admin1: "X"}, 5, "the airport", "SY", "X"},
		{"another country keeps its admin1 empty", Incident{Country: "IQ"}, 5, "Deir ez-Zor", "IQ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			in.Lat, in.Lon = &lat, &lon
			if err := resolve(context.Background(), &in, pointResolver{tt.km}, nil); err != nil {
				t.Fatal(err)
			}
			if in.Place != tt.place || in.Country != tt.country || in.Admin1 != tt.admin1 {
				t.Errorf("got place %q country %q admin1 %q, want %q %q %q", in.Place, in.Country, in.Admin1, tt.place, tt.country, tt.admin1)
			}
		})
	}
}

// countingResolver answers from its table, counting the calls, and fails
// for the place "fail".
type countingResolver struct {
	places map[string]Resolution
	calls  int
}

func (c *countingResolver) ResolvePlace(_ context.Context, place, country string, countries []string) (Resolution, bool, error) {
	c.calls++
	if place == "fail" {
		return Resolution{}, false, errors.New("the gazetteer went away")
	}
	res, ok := c.places[place]
	if ok && country == "" && len(countries) > 0 {
		res.Country = countries[0] // the context changes the answer
	}
	return res, ok, nil
}

// TestMemoResolver checks that an import's resolver asks its gazetteer
// once per distinct name, country and context, answers as the gazetteer
// does, and never remembers an error.
func TestMemoResolver(t *testing.T) {
	ctx := context.Background()
	inner := &countingResolver{places: map[string]Resolution{"Aleppo": {Lat: 36.2, Lon: 37.15, Country: "SY"}}}
	m := newMemoResolver(inner)
	tests := []struct {
		place, country string
		countries      []string
		wantOK         bool
		wantCountry    string
		wantCalls      int
	}{
		{"Aleppo", "", nil, true, "SY", 1},
		{"Aleppo", "", nil, true, "SY", 1}, // remembered
		{"Aleppo", "", []string{"TR"}, true, "TR", 2},
		{"Aleppo", "", []string{"TR"}, true, "TR", 2},
		{"Aleppo", "SY", nil, true, "SY", 3},
		{"Nowhere", "", nil, false, "", 4},
		{"Nowhere", "", nil, false, "", 4}, // "no match" is remembered too
		{"Aleppo\x00", "", nil, false, "", 5},
	}
	for i, tt := range tests {
		res, ok, err := m.ResolvePlace(ctx, tt.place, tt.country, tt.countries)
		if err != nil || ok != tt.wantOK || res.Country != tt.wantCountry || inner.calls != tt.wantCalls {
			t.Errorf("%d: %q %q %v: got %+v, %v, %v after %d calls, want ok %v, country %q after %d", i, tt.place, tt.country, tt.countries,
				res, ok, err, inner.calls, tt.wantOK, tt.wantCountry, tt.wantCalls)
		}
	}
	for range 2 {
		if _, _, err := m.ResolvePlace(ctx, "fail", "", nil); err == nil {
			t.Fatal("an error was not passed on")
		}
	}
	if inner.calls != 7 {
		t.Errorf("errors were remembered: %d calls, want 7", inner.calls)
	}
	if _, ok, _ := m.ResolvePoint(ctx, 35, 40); ok {
		t.Error("ResolvePoint answered for a resolver that cannot")
	}
	if p, ok, _ := newMemoResolver(pointResolver{km: 3}).ResolvePoint(ctx, 35, 40); !ok || p.Place != "Deir ez-Zor" {
		t.Errorf("ResolvePoint through a PointResolver: got %+v, %v", p, ok)
	}
}
