package sqlite_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/mapd/mapd/geo"
	"github.com/mapd/mapd/incidents"
)

// TestExportMatchesBruteForce checks that Export yields every match of
// each filter exactly once, in id order, with every field as stored.
func TestExportMatchesBruteForce(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	all := seed(t, s, 5000, rand.New(rand.NewPCG(5, 9))) // several ranges of a parallel export
	filters := []incidents.Filter{
		{},
		{BBox: &geo.BBox{MinLon: 37, MinLat: 33, MaxLon: 40, MaxLat: 35}},
		{BBox: &geo.BBox{MinLon: 179, MinLat: -18, MaxLon: -178, MaxLat: -15}},
		{From: "2016-03-01", To: "2016-06-30", EventTypes: []string{"Battles", "Riots"}},
		{Q: "convoy", MinFatalities: 10},
		{Actor: "islamic", Country: "SY"},
	}
	for i, f := range filters {
		var got []int64
		err := s.Export(ctx, f, func(in *incidents.Incident) error {
			want, err := s.Get(ctx, in.ID)
			if err != nil {
				return err
			}
			if !reflect.DeepEqual(*in, want) {
				t.Fatalf("filter %d: incident %d exported as %+v, stored as %+v", i, in.ID, *in, want)
			}
			got = append(got, in.ID)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		want := bruteForce(all, f)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("filter %d (%+v): exported %d incidents %v, want %d %v", i, f, len(got), head(got), len(want), head(want))
		}
		if len(want) == 0 {
			t.Errorf("filter %d matches nothing: a weak test", i)
		}
	}
}

// TestExportStops checks that an error from fn, or a cancelled context,
// ends the export with that error.
func TestExportStops(t *testing.T) {
	s := openStore(t)
	seed(t, s, 2000, rand.New(rand.NewPCG(6, 9)))
	stop := errors.New("stop")
	n := 0
	err := s.Export(context.Background(), incidents.Filter{}, func(*incidents.Incident) error {
		if n++; n == 700 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 700 {
		t.Fatalf("got %v after %d incidents, want %v after 700", err, n, stop)
	}
	ctx, cancel := context.WithCancel(context.Background())
	n = 0
	err = s.Export(ctx, incidents.Filter{}, func(*incidents.Incident) error {
		if n++; n == 300 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || n >= 2000 {
		t.Fatalf("got %v after %d incidents, want context.Canceled before the end", err, n)
	}
}
