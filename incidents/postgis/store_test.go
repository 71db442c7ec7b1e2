package postgis_test

import (
	"context"
	"testing"
	"time"

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

func ptr[T any](v T) *T { return &v }

func sleep() { time.Sleep(20 * time.Millisecond) }
