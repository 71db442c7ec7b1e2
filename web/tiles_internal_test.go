package web

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb/encoding/mvt"

	"github.com/mapd/mapd/geo"
	"github.com/mapd/mapd/incidents"
)

// TestCrowdedHighZoomTileIsClustered renders a tile at ClusterMaxZoom that
// holds more incidents than the point limit (lowered to keep the test
// fast): it must come as clusters summing to every incident, and as points
// once a filter brings it under the limit.
func TestCrowdedHighZoomTileIsClustered(t *testing.T) {
	ctx := context.Background()
	store, err := incidents.Open(ctx, filepath.Join(t.TempDir(), "crowded.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	var items []incidents.Incident
	for i := range 60 {
		lon, lat := 36.2765+float64(i%8)*0.004, 33.5138+float64(i/8)*0.004
		et := "Battles"
		if i%6 == 0 {
			et = "Riots"
		}
		items = append(items, incidents.Incident{Date: "2016-01-01", EventType: et, Lon: &lon, Lat: &lat, SourceID: fmt.Sprint(i)})
	}
	if _, err := store.Import(ctx, incidents.NewSliceDecoder(items), incidents.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	tile, _ := geo.TileAt(36.2765, 33.5138, ClusterMaxZoom)
	tests := []struct {
		name        string
		f           incidents.Filter
		wantCluster bool
		wantN       int
	}{
		{"over the limit", incidents.Filter{}, true, 60},
		{"filtered under it", incidents.Filter{EventTypes: []string{"Riots"}}, false, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ct, err := renderTile(ctx, store, tt.f, tile, 20)
			if err != nil {
				t.Fatal(err)
			}
			layers, err := mvt.UnmarshalGzipped(ct.gz)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, f := range layers[0].Features {
				if got := f.Properties["cluster"] == true; got != tt.wantCluster {
					t.Fatalf("got cluster=%v, want %v", got, tt.wantCluster)
				}
				if c, ok := f.Properties["point_count"].(float64); ok {
					n += int(c)
				} else {
					n++
				}
			}
			if n != tt.wantN {
				t.Fatalf("got %d incidents, want %d", n, tt.wantN)
			}
		})
	}
}
