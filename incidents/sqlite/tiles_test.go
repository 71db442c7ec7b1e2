package sqlite_test

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	"github.com/mapd/mapd/geo"
	"github.com/mapd/mapd/incidents"
	"github.com/mapd/mapd/incidents/sqlite"
)

func openTileStore(t testing.TB) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "tiles.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// tileFixture imports n incidents scattered around a few towns of Syria,
// plus a couple on the far side of the world and beyond the Mercator limit.
func tileFixture(t testing.TB, s *sqlite.Store, n int, seed uint64) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 7))
	towns := [][2]float64{{36.2765, 33.5138}, {37.1612, 36.2021}, {40.1408, 35.3359}, {39.0, 35.95}}
	var items []incidents.Incident
	for i := range n {
		town := towns[r.IntN(len(towns))]
		in := incidents.Incident{
			SourceID:  fmt.Sprintf("t-%d", i),
			Date:      fmt.Sprintf("2016-%02d-%02d", 1+r.IntN(12), 1+r.IntN(28)),
			EventType: incidents.EventTypes[r.IntN(3)],
			Lon:       ptr(town[0] + r.NormFloat64()*0.3),
			Lat:       ptr(town[1] + r.NormFloat64()*0.2),
			Actor1:    []string{"Military Forces of Syria", "Islamic State"}[r.IntN(2)],
		}
		if r.IntN(4) > 0 {
			in.Fatalities = ptr(r.IntN(10))
		}
		items = append(items, in)
	}
	items = append(items,
		incidents.Incident{SourceID: "far", Date: "2016-01-01", EventType: "Riots", Lon: ptr(-179.5), Lat: ptr(-40.0)},
		incidents.Incident{SourceID: "polar", Date: "2016-01-01", EventType: "Riots", Lon: ptr(10.0), Lat: ptr(89.0)},
	)
	res, err := s.Import(context.Background(), incidents.NewSliceDecoder(items), incidents.ImportOptions{BatchSize: 500})
	if err != nil || res.Rejected > 0 {
		t.Fatalf("import: %v, %+v", err, res.Errors)
	}
}

// bruteClusters clusters every stored incident matching f with geo's
// Clusterer, the reference for Store.TileClusters.
func bruteClusters(t *testing.T, all []incidents.Incident, tile geo.Tile) []geo.Cluster {
	t.Helper()
	c := geo.NewClusterer(tile, geo.DefaultClusterDepth)
	for _, in := range all {
		fat := 0
		if in.Fatalities != nil {
			fat = *in.Fatalities
		}
		c.AddPoint(*in.Lon, *in.Lat, in.EventType, fat)
	}
	return c.Clusters()
}

func matching(t *testing.T, s *sqlite.Store, f incidents.Filter) []incidents.Incident {
	t.Helper()
	var all []incidents.Incident
	if err := s.Export(context.Background(), f, func(in *incidents.Incident) error {
		all = append(all, *in)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return all
}

func sameClusters(t *testing.T, got, want []geo.Cluster) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d clusters, want %d", len(got), len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.Cell != w.Cell || g.Count != w.Count || g.Fatalities != w.Fatalities || g.EventType != w.EventType {
			t.Fatalf("cluster %d: got %+v, want %+v", i, g, w)
		}
		if math.Abs(g.Lon-w.Lon) > 1e-6 || math.Abs(g.Lat-w.Lat) > 1e-6 {
			t.Fatalf("cluster %d centroid: got %v,%v, want %v,%v", i, g.Lon, g.Lat, w.Lon, w.Lat)
		}
	}
}

// checkTiles compares TileClusters with brute force over the tiles of
// every zoom from 0 to 16 that hold the fixture's towns, for a few filters.
func checkTiles(t *testing.T, s *sqlite.Store) {
	t.Helper()
	ctx := context.Background()
	filters := []incidents.Filter{
		{},
		{EventTypes: []string{"Battles", "Riots"}},
		{From: "2016-03-01", To: "2016-08-31"},
		{Actor: "islamic", MinFatalities: 2},
		// Dates with partial months at either end, alone and with event
		// types, open at one end, within one month, and holding every
		// incident.
		{From: "2016-03-05", To: "2016-08-20"},
		{From: "2016-02-29", To: "2016-11-01", EventTypes: []string{"Battles"}},
		{From: "2016-05-10"},
		{To: "2016-02-14"},
		{From: "2016-04-03", To: "2016-04-27"},
		{From: "2016-04-01", To: "2016-04-30", EventTypes: []string{"Riots", "Battles"}},
		{From: "2010-01-01", To: "2030-12-31"},
		// Whole years (from year rows, once the writes below add
		// incidents from 2014 to 2018) and months around them.
		{From: "2015-01-01", To: "2017-06-30"},
		{From: "2014-11-20", To: "2017-12-31", EventTypes: []string{"Battles", "Protests"}},
	}
	for fi, f := range filters {
		all := matching(t, s, f)
		for z := 0; z <= 16; z++ {
			seen := map[geo.Tile]bool{}
			for _, p := range [][2]float64{{36.2765, 33.5138}, {40.1408, 35.3359}, {-179.5, -40}} {
				tile, _ := geo.TileAt(p[0], p[1], z)
				if seen[tile] {
					continue
				}
				seen[tile] = true
				got, err := s.TileClusters(ctx, f, tile, geo.DefaultClusterDepth)
				if err != nil {
					t.Fatal(err)
				}
				t.Run(fmt.Sprintf("filter%d/%s", fi, tile), func(t *testing.T) {
					sameClusters(t, got, bruteClusters(t, all, tile))
				})
			}
		}
	}
}

func TestTileClustersMatchBruteForce(t *testing.T) {
	ctx := context.Background()
	s := openTileStore(t)
	tileFixture(t, s, 800, 1)
	checkTiles(t, s)
	if t.Failed() {
		return
	}

	// Writes keep the clusters right: move, retype, change and
	// clear fatalities, delete.
	all := matching(t, s, incidents.Filter{})
	r := rand.New(rand.NewPCG(9, 9))
	for i, in := range all[:300] {
		switch i % 5 {
		case 0:
			*in.Lon += r.NormFloat64() * 0.5
			*in.Lat += r.NormFloat64() * 0.5
		case 1:
			in.EventType = "Protests"
			in.Date = fmt.Sprintf("2016-%02d-15", 1+r.IntN(12))
		case 2:
			in.Fatalities = ptr(r.IntN(50))
		case 3:
			in.Fatalities = nil
		case 4:
			if err := s.Delete(ctx, in.ID); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := s.Replace(ctx, in.ID, &in, nil); err != nil {
			t.Fatal(err)
		}
	}
	// New incidents go through the insert triggers.
	for i := range 40 {
		in := incidents.Incident{Date: fmt.Sprintf("201%d-%02d-%02d", 4+i%5, 1+i%12, 1+i%28), EventType: incidents.EventTypes[i%3],
			Lon: ptr(36.2765 + r.NormFloat64()*0.3), Lat: ptr(33.5138 + r.NormFloat64()*0.2), Fatalities: ptr(i % 5)}
		if err := s.Create(ctx, &in, nil); err != nil {
			t.Fatal(err)
		}
	}
	// Re-importing with changes goes through the import's update path.
	var again []incidents.Incident
	for _, in := range all[300:400] {
		in.ID, in.CreatedAt, in.UpdatedAt = 0, "", ""
		*in.Lat -= 0.25
		again = append(again, in)
	}
	if res, err := s.Import(ctx, incidents.NewSliceDecoder(again), incidents.ImportOptions{}); err != nil || res.Updated != 100 {
		t.Fatalf("re-import: got %+v, %v; want 100 updated", res, err)
	}
	checkTiles(t, s)
}

func TestTilePoints(t *testing.T) {
	ctx := context.Background()
	s := openTileStore(t)
	tileFixture(t, s, 800, 2)
	all := matching(t, s, incidents.Filter{})
	f := incidents.Filter{EventTypes: []string{"Battles"}}
	battles := matching(t, s, f)
	dated := incidents.Filter{From: "2016-06-01"}
	recent := matching(t, s, dated)
	partial := incidents.Filter{From: "2016-03-12", To: "2016-10-20", EventTypes: []string{"Battles", "Riots"}}
	partials := matching(t, s, partial)
	for _, tile := range []geo.Tile{{Z: 0}, {Z: 5, X: 19, Y: 12}, {Z: 9, X: 307, Y: 205}, {Z: 10, X: 614, Y: 410}, {Z: 14, X: 9825, Y: 6568}, {Z: 3, X: 0, Y: 5}} {
		t.Run(tile.String(), func(t *testing.T) {
			for _, tc := range []struct {
				f   incidents.Filter
				all []incidents.Incident
			}{{incidents.Filter{}, all}, {f, battles}, {dated, recent}, {partial, partials}} {
				var want []int64
				for _, in := range tc.all {
					if tile.Contains(*in.Lon, *in.Lat) {
						want = append(want, in.ID)
					}
				}
				pts, more, err := s.TilePoints(ctx, tc.f, tile, 0)
				if err != nil {
					t.Fatal(err)
				}
				var got []int64
				for _, p := range pts {
					got = append(got, p.ID)
				}
				slices.Sort(got)
				slices.Sort(want)
				if more || !slices.Equal(got, want) {
					t.Fatalf("got %d points (more %v), want %d", len(got), more, len(want))
				}
				// Over a limit the store either stops at it or, knowing
				// the count from its cells, returns nothing.
				for _, limit := range []int{2, len(want) - 1, len(want), len(want) + 1} {
					if limit < 1 {
						continue
					}
					pts, more, err := s.TilePoints(ctx, tc.f, tile, limit)
					wantMore := len(want) > limit
					if err != nil || more != wantMore || !wantMore && len(pts) != len(want) || wantMore && len(pts) != limit && len(pts) != 0 {
						t.Fatalf("limit %d: got %d points, more %v, %v; want more=%v", limit, len(pts), more, err, wantMore)
					}
				}
			}
		})
	}
}

func TestVersionBumpsOnEveryWrite(t *testing.T) {
	ctx := context.Background()
	s := openTileStore(t)
	last := int64(-1)
	step := func(name string, write func() error) {
		t.Helper()
		if err := write(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		v, err := s.Version(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if v <= last {
			t.Fatalf("%s: got version %d, want more than %d", name, v, last)
		}
		last = v
	}
	in := incidents.Incident{Date: "2016-01-01", EventType: "Battles", Lon: ptr(36.0), Lat: ptr(33.0)}
	step("start", func() error { return nil })
	step("create", func() error { return s.Create(ctx, &in, nil) })
	step("replace notes only", func() error { in.Notes = "x"; return s.Replace(ctx, in.ID, &in, nil) })
	step("import", func() error {
		_, err := s.Import(ctx, incidents.NewSliceDecoder([]incidents.Incident{{Date: "2016-01-02", EventType: "Riots", Lon: ptr(1.0), Lat: ptr(2.0)}}), incidents.ImportOptions{})
		return err
	})
	step("delete", func() error { return s.Delete(ctx, in.ID) })
}

func TestTileClustersOrder(t *testing.T) {
	s := openTileStore(t)
	tileFixture(t, s, 300, 3)
	cs, err := s.TileClusters(context.Background(), incidents.Filter{}, geo.Tile{Z: 5, X: 19, Y: 12}, 3)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.IsSortedFunc(cs, func(a, b geo.Cluster) int {
		return cmp.Or(cmp.Compare(a.Cell.Y, b.Cell.Y), cmp.Compare(a.Cell.X, b.Cell.X))
	}) {
		t.Fatal("clusters are not ordered by row and column")
	}
}

// TestCountBBoxMatchesBruteForce checks the counts of boxes, which come
// mostly from the R*Tree, against the incidents themselves, with points placed on the edges of the cells
// and of the boxes.
func TestCountBBoxMatchesBruteForce(t *testing.T) {
	ctx := context.Background()
	s := openTileStore(t)
	tileFixture(t, s, 1500, 4)
	// Points on level-14 cell edges and corners near Damascus, and on the
	// edges of one of the boxes below.
	var edge []incidents.Incident
	cell := geo.Tile{Z: 14, X: 9843, Y: 6569}
	for i := range 6 {
		b := geo.Tile{Z: 14, X: cell.X + i, Y: cell.Y + i}.BBox()
		for _, p := range [][2]float64{{b.MinLon, b.MinLat}, {b.MaxLon, b.MaxLat}, {b.MinLon, (b.MinLat + b.MaxLat) / 2}, {(b.MinLon + b.MaxLon) / 2, b.MaxLat}} {
			edge = append(edge, incidents.Incident{Date: "2016-05-05", EventType: incidents.EventTypes[i%3], Lon: ptr(p[0]), Lat: ptr(p[1])})
		}
	}
	for _, p := range [][2]float64{{36.1, 33.4}, {36.45, 33.6}, {36.1, 33.6}, {36.3, 33.4}} {
		edge = append(edge, incidents.Incident{Date: "2016-05-06", EventType: "Battles", Lon: ptr(p[0]), Lat: ptr(p[1])})
	}
	if res, err := s.Import(ctx, incidents.NewSliceDecoder(edge), incidents.ImportOptions{}); err != nil || res.Rejected > 0 {
		t.Fatalf("import: %v, %+v", err, res.Errors)
	}
	all := matching(t, s, incidents.Filter{})
	boxes := []geo.BBox{
		{MinLon: 36.1, MinLat: 33.4, MaxLon: 36.45, MaxLat: 33.6},
		{MinLon: 36.17, MinLat: 33.41, MaxLon: 36.38, MaxLat: 33.62},
		{MinLon: 35.0, MinLat: 32.0, MaxLon: 38.0, MaxLat: 35.0},
		{MinLon: 36.27, MinLat: 33.51, MaxLon: 36.28, MaxLat: 33.52},
		{MinLon: 30, MinLat: 20, MaxLon: 50, MaxLat: 40},
		{MinLon: 170, MinLat: -60, MaxLon: -170, MaxLat: -20},
		{MinLon: -180, MinLat: -90, MaxLon: 180, MaxLat: 90},
	}
	for _, cb := range [][2]int{{0, 0}, {1, 1}, {5, 5}} {
		b := geo.Tile{Z: 14, X: cell.X + cb[0], Y: cell.Y + cb[1]}.BBox()
		boxes = append(boxes, geo.BBox{MinLon: b.MinLon - 0.03, MinLat: b.MinLat - 0.03, MaxLon: b.MaxLon + 0.02, MaxLat: b.MaxLat + 0.02})
	}
	for _, b := range boxes {
		for _, types := range [][]string{nil, {"Battles"}, {"Riots", "Protests"}} {
			t.Run(fmt.Sprintf("%s/%v", b, types), func(t *testing.T) {
				want := 0
				for _, in := range all {
					if b.Contains(*in.Lon, *in.Lat) && (types == nil || slices.Contains(types, in.EventType)) {
						want++
					}
				}
				got, err := s.Count(ctx, incidents.Filter{BBox: &b, EventTypes: types})
				if err != nil {
					t.Fatal(err)
				}
				if got != want {
					t.Errorf("got %d, want %d", got, want)
				}
			})
		}
	}
}
