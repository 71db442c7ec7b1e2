package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/mapd/mapd/incidents"
	"github.com/mapd/mapd/incidents/index"
	"github.com/mapd/mapd/incidents/sqlite"
	"github.com/mapd/mapd/incidents/storetest"
)

// TestConformance runs the suite every store passes, answering from
// SQLite alone and with the in-memory index.
func TestConformance(t *testing.T) {
	for _, indexed := range []bool{false, true} {
		t.Run(map[bool]string{false: "sql", true: "index"}[indexed], func(t *testing.T) {
			storetest.Run(t, func(t *testing.T) incidents.Store {
				s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "conformance.db"))
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { s.Close() })
				if indexed {
					s.StartIndex(index.Options{})
					if err := s.WaitIndex(context.Background()); err != nil {
						t.Fatal(err)
					}
				}
				return s
			})
		})
	}
}
