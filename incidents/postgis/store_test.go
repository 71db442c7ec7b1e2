package postgis_test

import (
	"context"
	"errors"
	"testing"

	"github.com/mapd/mapd/incidents"
	"github.com/mapd/mapd/incidents/postgis"
	"github.com/mapd/mapd/incidents/postgis/pgtest"
	"github.com/mapd/mapd/incidents/storetest"
)

func openStore(t testing.TB, c *pgtest.Cluster) *postgis.Store {
	t.Helper()
	s, err := postgis.Open(context.Background(), c.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestConformance runs the suite every store passes.
func TestConformance(t *testing.T) {
	c := pgtest.Start(t)
	storetest.Run(t, func(t *testing.T) incidents.Store { return openStore(t, c) })
}

// TestRefusesWhatItCannotTranslate checks that a CQL2 sort this store does
// not translate yet is a *FieldError (400), never silently ignored.
func TestRefusesWhatItCannotTranslate(t *testing.T) {
	c := pgtest.Start(t)
	s := openStore(t, c)
	ctx := context.Background()
	f := incidents.Filter{Sort: make([]incidents.SortKey, 1)}
	_, err := s.List(ctx, f, func(*incidents.Incident) error { return nil })
	var fe *incidents.FieldError
	if !errors.As(err, &fe) || fe.Field != "sortby" {
		t.Fatalf("got %v, want a *FieldError on sortby", err)
	}
	if _, err := s.Count(ctx, f); !errors.As(err, &fe) {
		t.Fatalf("count: got %v, want a *FieldError", err)
	}
}
