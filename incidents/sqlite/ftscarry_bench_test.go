package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/mapd/mapd/incidents"
	"github.com/mapd/mapd/incidents/index"
)

// BenchmarkCountQAfterWrite measures a q count after a write each round:
// "carried" with the cached answer carried across the write, "dropped"
// with it dropped first (a full read of the FTS rowids), "write only"
// the write alone.
func BenchmarkCountQAfterWrite(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(b.TempDir(), "b.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Import(ctx, incidents.NewSliceDecoder(benchIncidents(200_000)), incidents.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	s.StartIndex(index.Options{})
	if err := s.WaitIndex(ctx); err != nil {
		b.Fatal(err)
	}
	f := incidents.Filter{Q: "market"}
	for _, mode := range []string{"write only", "dropped", "carried", "write only", "dropped", "carried"} {
		b.Run(mode, func(b *testing.B) {
			for b.Loop() {
				in := benchIncidents(1)[0]
				if err := s.Create(ctx, &in, nil); err != nil {
					b.Fatal(err)
				}
				if mode == "dropped" {
					s.idx.ftsMu.Lock()
					clear(s.idx.fts)
					s.idx.ftsMu.Unlock()
				}
				if mode == "write only" {
					continue
				}
				if _, err := s.Count(ctx, f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// benchIncidents returns n incidents, a third of them noting a market.
func benchIncidents(n int) []incidents.Incident {
	out := make([]incidents.Incident, n)
	for i := range out {
		lat, lon := float64(i%170)-85, float64(i%350)-175
		out[i] = incidents.Incident{Date: "2016-01-01", EventType: "Battles", Lat: &lat, Lon: &lon,
			Notes: fmt.Sprintf("%s %d", []string{"airstrike on a market", "shelling near the hospital", "convoy ambushed"}[i%3], i)}
	}
	return out
}
