package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/mapd/mapd/incidents"
	"github.com/mapd/mapd/incidents/sqlite"
	"github.com/mapd/mapd/incidents/storetest"
)

// TestConformance runs the suite every store passes.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) incidents.Store {
		s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "conformance.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}
