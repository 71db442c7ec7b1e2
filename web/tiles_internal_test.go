package web

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"

	"github.com/mapd/mapd/geo"
	"github.com/mapd/mapd/incidents"
	"github.com/mapd/mapd/incidents/sqlite"
)

// TestCrowdedHighZoomTileIsClustered renders a tile at ClusterMaxZoom that
// holds more incidents than the point limit (lowered to keep the test
// fast): it must come as clusters summing to every incident, and as points
// once a filter brings it under the limit.
func TestCrowdedHighZoomTileIsClustered(t *testing.T) {
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "crowded.db"))
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

// TestMVTLayerMatchesOrb encodes the same points and clusters with
// mvtLayer and with orb's encoding/mvt: decoded, the tiles must be equal.
func TestMVTLayerMatchesOrb(t *testing.T) {
	tile := geo.Tile{Z: 14, X: 9843, Y: 6569}
	b := tile.BBox()
	var pts []incidents.TilePoint
	for i := range 300 {
		p := incidents.TilePoint{
			ID:        int64(i*7919 + 1),
			Lon:       b.MinLon + (b.MaxLon-b.MinLon)*float64(i%17)/17,
			Lat:       b.MinLat + (b.MaxLat-b.MinLat)*float64(i%23)/23,
			Date:      fmt.Sprintf("2016-%02d-%02d", 1+i%12, 1+i%28),
			EventType: incidents.EventTypes[i%len(incidents.EventTypes)],
		}
		if i%3 > 0 {
			fat := i % 40
			p.Fatalities = &fat
		}
		pts = append(pts, p)
	}
	clusters := []geo.Cluster{
		{Lon: b.MinLon, Lat: b.MaxLat, Count: 1, Fatalities: 0, EventType: "Battles"},
		{Lon: (b.MinLon + b.MaxLon) / 2, Lat: (b.MinLat + b.MaxLat) / 2, Count: 123456, Fatalities: 789, EventType: "Riots"},
	}
	for _, tc := range []struct {
		name   string
		add    func(*mvtLayer)
		orbFts func() []*geojson.Feature
	}{
		{"points", func(l *mvtLayer) { addPointFeatures(l, tile, pts) }, func() []*geojson.Feature {
			var fs []*geojson.Feature
			for _, p := range pts {
				x, y := tile.Pixel(p.Lon, p.Lat, tileExtent)
				ft := geojson.NewFeature(orb.Point{float64(x), float64(y)})
				ft.ID = p.ID
				ft.Properties["id"] = p.ID
				ft.Properties["date"] = p.Date
				ft.Properties["event_type"] = p.EventType
				if p.Fatalities != nil {
					ft.Properties["fatalities"] = *p.Fatalities
				}
				fs = append(fs, ft)
			}
			return fs
		}},
		{"clusters", func(l *mvtLayer) { addClusterFeatures(l, tile, clusters) }, func() []*geojson.Feature {
			var fs []*geojson.Feature
			for _, cl := range clusters {
				x, y := tile.Pixel(cl.Lon, cl.Lat, tileExtent)
				ft := geojson.NewFeature(orb.Point{float64(x), float64(y)})
				ft.Properties["cluster"] = true
				ft.Properties["point_count"] = cl.Count
				ft.Properties["count"] = cl.Count
				ft.Properties["fatalities"] = cl.Fatalities
				ft.Properties["event_type"] = cl.EventType
				fs = append(fs, ft)
			}
			return fs
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := newMVTLayer(tileLayer, tileExtent)
			tc.add(l)
			got, err := mvt.Unmarshal(l.tile())
			if err != nil {
				t.Fatal(err)
			}
			raw, err := mvt.Marshal(mvt.Layers{{Name: tileLayer, Version: 2, Extent: tileExtent, Features: tc.orbFts()}})
			if err != nil {
				t.Fatal(err)
			}
			want, err := mvt.Unmarshal(raw)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[0].Name != want[0].Name || got[0].Version != want[0].Version || got[0].Extent != want[0].Extent {
				t.Fatalf("got layers %+v, want %+v", got, want)
			}
			g, w := got[0].Features, want[0].Features
			if len(g) != len(w) {
				t.Fatalf("got %d features, want %d", len(g), len(w))
			}
			for i := range g {
				if !reflect.DeepEqual(g[i].ID, w[i].ID) || !reflect.DeepEqual(g[i].Geometry, w[i].Geometry) || !reflect.DeepEqual(g[i].Properties, w[i].Properties) {
					t.Fatalf("feature %d: got %v %v %v, want %v %v %v", i, g[i].ID, g[i].Geometry, g[i].Properties, w[i].ID, w[i].Geometry, w[i].Properties)
				}
			}
		})
	}
}

// TestTileCacheKeepsNewerVersion checks that only a newer data version
// empties the tile cache: a request that read an older version (it raced a
// write) renders its own tile but leaves the cached tiles of the newer
// version in place.
func TestTileCacheKeepsNewerVersion(t *testing.T) {
	ctx := context.Background()
	tc := newTileCache(1 << 20)
	renders := 0
	render := func(context.Context) (*cachedTile, error) {
		renders++
		return &cachedTile{gz: []byte{byte(renders)}}, nil
	}
	steps := []struct {
		version     int64
		key         string
		wantRenders int
	}{
		{2, "a", 1}, // rendered and cached at version 2
		{2, "a", 1}, // from the cache
		{1, "b", 2}, // an older version: rendered, not cached, the cache kept
		{1, "a", 3}, // an older version never reads the newer tiles
		{2, "a", 3}, // still cached at version 2
		{3, "a", 4}, // a newer version empties the cache
		{3, "a", 4},
	}
	for i, st := range steps {
		if _, err := tc.get(ctx, st.version, st.key, render); err != nil {
			t.Fatal(err)
		}
		if renders != st.wantRenders {
			t.Fatalf("step %d (version %d, key %s): got %d renders, want %d", i, st.version, st.key, renders, st.wantRenders)
		}
	}
}
