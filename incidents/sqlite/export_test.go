package sqlite_test

import (
	"context"
	"errors"
	"maps"
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

// TestExportIsOneSnapshot writes while an export of many id ranges
// runs (deleting, changing and adding incidents ahead of what the export
// has read) and checks that the export gives the table as it was when it
// began, every incident once with its fields then.
func TestExportIsOneSnapshot(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	// Nine ranges of a parallel export: its readers, a few ranges ahead of
	// the consumer at most, have not read the last when the writes land.
	all := seed(t, s, 9*2048-100, rand.New(rand.NewPCG(7, 9)))
	before := map[int64]incidents.Incident{}
	for _, in := range all {
		got, err := s.Get(ctx, in.ID)
		if err != nil {
			t.Fatal(err)
		}
		before[in.ID] = got
	}
	maxID := slices.Max(slices.Collect(maps.Keys(before)))
	n := 0
	var exported []int64
	err := s.Export(ctx, incidents.Filter{}, func(in *incidents.Incident) error {
		if n++; n == 1 {
			for id := maxID; id > maxID-50; id-- {
				if err := s.Delete(ctx, id); err != nil {
					return err
				}
			}
			changed := before[maxID-100]
			changed.Notes = "changed during the export"
			if err := s.Replace(ctx, changed.ID, &changed, nil); err != nil {
				return err
			}
			added := before[1]
			added.ID, added.SourceID = 0, ""
			if err := s.Create(ctx, &added, nil); err != nil {
				return err
			}
		}
		if want, ok := before[in.ID]; !ok || !reflect.DeepEqual(*in, want) {
			t.Errorf("incident %d exported as %+v, was %+v when the export began", in.ID, *in, want)
		}
		exported = append(exported, in.ID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := slices.Sorted(maps.Keys(before))
	if !slices.Equal(exported, want) {
		t.Fatalf("exported %d incidents %v, want the %d there when it began", len(exported), head(exported), len(want))
	}
}
