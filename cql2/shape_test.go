package cql2

import (
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// square is a 10x10 square with a 2x2 hole in its middle.
var square = orb.Polygon{
	{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}},
	{{4, 4}, {6, 4}, {6, 6}, {4, 6}, {4, 4}},
}

// diamond is a concave arrow head, whose vertices share latitudes with
// other vertices (the cases a ray through a vertex must count once).
var diamond = orb.Polygon{{{0, 0}, {4, 2}, {8, 0}, {4, 8}, {0, 0}}}

func TestIntersectsPolygon(t *testing.T) {
	tests := []struct {
		name string
		g    orb.Geometry
		p    orb.Point
		want bool
	}{
		{"inside", square, orb.Point{1, 1}, true},
		{"outside", square, orb.Point{11, 1}, false},
		{"outer vertex", square, orb.Point{10, 10}, true},
		{"outer edge", square, orb.Point{10, 5}, true},
		{"in the hole", square, orb.Point{5, 5}, false},
		{"hole edge", square, orb.Point{4, 5}, true},
		{"hole vertex", square, orb.Point{6, 6}, true},
		{"level with a vertex, inside", square, orb.Point{2, 4}, true},
		{"level with a vertex, outside", square, orb.Point{-1, 10}, false},
		{"concave notch", diamond, orb.Point{4, 1}, false},
		{"beside the notch", diamond, orb.Point{2, 1.5}, true},
		{"level with the tips", diamond, orb.Point{4, 0}, false},
		{"on the notch's edge", diamond, orb.Point{2, 1}, true},
		{"apex", diamond, orb.Point{4, 8}, true},
		{"multipolygon, second", orb.MultiPolygon{diamond, {{{20, 20}, {21, 20}, {21, 21}, {20, 20}}}}, orb.Point{20.9, 20.5}, true},
		{"collection with a point", orb.Collection{diamond, orb.Point{30, 30}}, orb.Point{30, 30}, true},
		{"empty polygon", orb.Polygon{}, orb.Point{0, 0}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := &Geometry{G: tt.g}
			if got := Intersects(g, tt.p); got != tt.want {
				t.Errorf("Intersects(%v) = %v, want %v", tt.p, got, tt.want)
			}
			if got := Prepare(g).Intersects(tt.p); got != tt.want {
				t.Errorf("Prepare(...).Intersects(%v) = %v, want %v", tt.p, got, tt.want)
			}
		})
	}
}

// TestShapeAgreesWithPlanar compares the ring test with orb/planar's on
// random polygons and points off their edges, where the two must agree.
func TestShapeAgreesWithPlanar(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for range 300 {
		ring := orb.Ring{}
		for range 3 + r.IntN(8) {
			ring = append(ring, orb.Point{r.Float64() * 10, r.Float64() * 10})
		}
		ring = append(ring, ring[0])
		pg := orb.Polygon{ring}
		shape := Prepare(&Geometry{G: pg})
		for range 200 {
			p := orb.Point{r.Float64()*12 - 1, r.Float64()*12 - 1}
			if onLine(orb.LineString(ring), p) {
				continue
			}
			want := planar.PolygonContains(pg, p)
			if got := shape.Intersects(p); got != want {
				t.Fatalf("ring %v, point %v: Shape says %v, planar %v", ring, p, got, want)
			}
		}
	}
}
