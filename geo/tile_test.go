package geo

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

func TestParseTilePath(t *testing.T) {
	tests := []struct {
		in   string
		want Tile
		ok   bool
	}{
		{"0/0/0.mvt", Tile{0, 0, 0}, true},
		{"4/9/6.mvt", Tile{4, 9, 6}, true},
		{"22/4194303/4194303.mvt", Tile{22, 4194303, 4194303}, true},
		{"1/1/1.mvt", Tile{1, 1, 1}, true},
		{"1/2/0.mvt", Tile{}, false},
		{"1/0/2.mvt", Tile{}, false},
		{"23/0/0.mvt", Tile{}, false},
		{"22/4194304/0.mvt", Tile{}, false},
		{"-1/0/0.mvt", Tile{}, false},
		{"+1/0/0.mvt", Tile{}, false},
		{"01/0/0.mvt", Tile{}, false},
		{"1/00/0.mvt", Tile{}, false},
		{"1/0/0", Tile{}, false},
		{"1/0/0.png", Tile{}, false},
		{"1/0/0.mvt.mvt", Tile{}, false},
		{"1/0.mvt", Tile{}, false},
		{"1/0/0/0.mvt", Tile{}, false},
		{"/1/0/0.mvt", Tile{}, false},
		{"1//0.mvt", Tile{}, false},
		{"a/b/c.mvt", Tile{}, false},
		{" 1/0/0.mvt", Tile{}, false},
		{"1/0/0 .mvt", Tile{}, false},
		{"99999999999999999999/0/0.mvt", Tile{}, false},
		{"1/0x1/0.mvt", Tile{}, false},
		{"", Tile{}, false},
		{".mvt", Tile{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseTilePath(tt.in)
			if tt.ok {
				if err != nil || got != tt.want {
					t.Fatalf("got %v, %v; want %v, nil", got, err, tt.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("got %v, nil; want an error", got)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("got error %v, want one wrapping ErrInvalid", err)
			}
		})
	}
}

func FuzzTilePath(f *testing.F) {
	for _, s := range []string{"0/0/0.mvt", "4/9/6.mvt", "22/4194303/0.mvt", "1/2/0.mvt", "01/0/0.mvt", "1/0/0.png"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tile, err := ParseTilePath(s)
		if err != nil {
			return
		}
		if !tile.Valid() {
			t.Fatalf("ParseTilePath(%q) accepted an invalid tile %v", s, tile)
		}
		if got := tile.String() + ".mvt"; got != s {
			t.Fatalf("ParseTilePath(%q) = %v, which formats as %q: a tile must have one spelling", s, tile, got)
		}
	})
}

func TestTileAtAndBBox(t *testing.T) {
	tests := []struct {
		name     string
		lon, lat float64
		z        int
		want     Tile
		ok       bool
	}{
		{"origin z0", 0, 0, 0, Tile{0, 0, 0}, true},
		{"origin z1 belongs east and south", 0, 0, 1, Tile{1, 1, 1}, true},
		{"Damascus z8", 36.2765, 33.5138, 8, Tile{8, 153, 102}, true},
		{"antimeridian east edge", 180, 0, 3, Tile{3, 7, 4}, true},
		{"west edge", -180, 10, 3, Tile{3, 0, 3}, true},
		{"north of mercator", 0, 86, 3, Tile{}, false},
		{"south of mercator", 0, -86, 3, Tile{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := TileAt(tt.lon, tt.lat, tt.z)
			if ok != tt.ok || got != tt.want {
				t.Fatalf("got %v, %v; want %v, %v", got, ok, tt.want, tt.ok)
			}
			if ok && !got.BBox().Contains(tt.lon, tt.lat) {
				t.Errorf("bbox %v of %v does not contain %v,%v", got.BBox(), got, tt.lon, tt.lat)
			}
		})
	}
	t.Run("random points lie in their tile's bbox", func(t *testing.T) {
		r := rand.New(rand.NewPCG(1, 2))
		for range 2000 {
			lon, lat := r.Float64()*360-180, r.Float64()*170-85
			z := r.IntN(MaxTileZoom + 1)
			tile, ok := TileAt(lon, lat, z)
			if !ok || !tile.Valid() {
				t.Fatalf("TileAt(%v, %v, %d) = %v, %v", lon, lat, z, tile, ok)
			}
			b := tile.BBox()
			const eps = 1e-9
			if lon < b.MinLon-eps || lon > b.MaxLon+eps || lat < b.MinLat-eps || lat > b.MaxLat+eps {
				t.Fatalf("point %v,%v outside bbox %v of %v", lon, lat, b, tile)
			}
			if p := tile.Parent(max(0, z-3)); !p.Contains(lon, lat) {
				t.Fatalf("parent %v of %v does not contain %v,%v", p, tile, lon, lat)
			}
		}
	})
}

func TestTileBBoxWorld(t *testing.T) {
	b := Tile{}.BBox()
	if b.MinLon != -180 || b.MaxLon != 180 || math.Abs(b.MaxLat-MaxMercatorLat) > 1e-9 || math.Abs(b.MinLat+MaxMercatorLat) > 1e-9 {
		t.Fatalf("got %v, want the whole mercator square", b)
	}
}

func TestTilePixel(t *testing.T) {
	tile := Tile{2, 1, 1}
	b := tile.BBox()
	tests := []struct {
		name         string
		lon, lat     float64
		wantX, wantY int
	}{
		{"north-west corner", b.MinLon, b.MaxLat, 0, 0},
		{"south-east corner clamps", b.MaxLon, b.MinLat, 4095, 4095},
		{"middle", (b.MinLon + b.MaxLon) / 2, mercatorLat(0.375), 2048, 2048},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, y := tile.Pixel(tt.lon, tt.lat, 4096)
			if x != tt.wantX || y != tt.wantY {
				t.Fatalf("got %d,%d, want %d,%d", x, y, tt.wantX, tt.wantY)
			}
		})
	}
}

func TestClusterer(t *testing.T) {
	tile := Tile{6, 39, 25} // over Syria
	b := tile.BBox()
	r := rand.New(rand.NewPCG(3, 4))
	types := []string{"Battles", "Protests", "Riots"}
	c := NewClusterer(tile, DefaultClusterDepth)
	total, fat := 0, 0
	for range 5000 {
		lon := b.MinLon + r.Float64()*(b.MaxLon-b.MinLon)*1.2
		lat := b.MinLat + r.Float64()*(b.MaxLat-b.MinLat)
		f := r.IntN(5)
		if c.AddPoint(lon, lat, types[r.IntN(3)], f) {
			total++
			fat += f
		}
	}
	if c.AddPoint(0, 0, "Battles", 1) {
		t.Fatal("a point outside the tile was added")
	}
	if c.Add(Tile{5, 19, 12}, "Battles", 1, 0, 0, 0) {
		t.Fatal("a cell coarser than the grid was added")
	}
	cs := c.Clusters()
	if len(cs) == 0 || len(cs) > 64 {
		t.Fatalf("got %d clusters, want 1..64", len(cs))
	}
	gotN, gotF := 0, 0
	for _, cl := range cs {
		gotN += cl.Count
		gotF += cl.Fatalities
		if cl.Cell.Z != tile.Z+DefaultClusterDepth || cl.Cell.Parent(tile.Z) != tile {
			t.Fatalf("cluster cell %v is not a grid cell of %v", cl.Cell, tile)
		}
		if !cl.Cell.Contains(cl.Lon, cl.Lat) {
			t.Fatalf("cluster at %v,%v lies outside its cell %v", cl.Lon, cl.Lat, cl.Cell)
		}
		if cl.EventType == "" {
			t.Fatal("cluster without event type")
		}
	}
	if gotN != total || gotF != fat {
		t.Fatalf("clusters hold %d points and %d fatalities, want %d and %d", gotN, gotF, total, fat)
	}
}

func TestClustererDominantAndMerge(t *testing.T) {
	tile := Tile{8, 153, 102}
	cell := Tile{14, 153 << 6, 102 << 6} // deeper than the grid: merged into its grid cell
	c := NewClusterer(tile, 3)
	cb := cell.BBox()
	lon, lat := (cb.MinLon+cb.MaxLon)/2, (cb.MinLat+cb.MaxLat)/2
	c.Add(cell, "Riots", 2, 1, 2*lon, 2*lat)
	c.Add(cell, "Battles", 2, 3, 2*lon, 2*lat)
	c.Add(Tile{11, 153 << 3, 102 << 3}, "Protests", 1, 0, lon, lat)
	cs := c.Clusters()
	if len(cs) != 1 {
		t.Fatalf("got %d clusters, want 1", len(cs))
	}
	want := Cluster{Cell: Tile{11, 153 << 3, 102 << 3}, Count: 5, Fatalities: 4, EventType: "Battles"}
	got := cs[0]
	got.Lon, got.Lat = 0, 0
	if got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	if math.Abs(cs[0].Lon-lon) > 1e-9 || math.Abs(cs[0].Lat-lat) > 1e-9 {
		t.Errorf("centroid %v,%v, want %v,%v", cs[0].Lon, cs[0].Lat, lon, lat)
	}
}
