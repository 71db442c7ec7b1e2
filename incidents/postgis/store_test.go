package postgis_test

import (
	"context"
	"testing"
	"time"

	"github.com/mapd/mapd/incidents"
	"github.com/mapd/mapd/incidents/index"
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

// openIndexed is openStore with the in-memory index built and following.
func openIndexed(t testing.TB, url string) *postgis.Store {
	t.Helper()
	s, err := postgis.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	s.StartIndex(index.Options{})
	if err := s.WaitIndex(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestConformance runs the suite every store passes, answering from
// PostGIS alone and with the in-memory index.
func TestConformance(t *testing.T) {
	c := pgtest.Start(t)
	t.Run("sql", func(t *testing.T) {
		storetest.Run(t, func(t *testing.T) incidents.Store { return openStore(t, c) })
	})
	t.Run("index", func(t *testing.T) {
		storetest.Run(t, func(t *testing.T) incidents.Store { return openIndexed(t, c.NewDatabase(t)) })
	})
}

func ptr[T any](v T) *T { return &v }

func sleep() { time.Sleep(20 * time.Millisecond) }
