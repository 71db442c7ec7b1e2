package incidents

import (
	"context"
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
