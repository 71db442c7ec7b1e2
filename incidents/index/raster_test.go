package index

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/mapd/mapd/cql2"
	"github.com/mapd/mapd/incidents"
)

// TestRasterAgreesWithExactTest checks, for random concave polygons (one
// with a hole) and points of the grid in their bounding box, many of them
// next to an edge, that every cell the raster answers for answers as the
// exact test does.
func TestRasterAgreesWithExactTest(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	lat := latTable()
	for k := range 200 {
		cx, cy := -170+r.Float64()*340, -70+r.Float64()*140
		size := math.Pow(10, -4+r.Float64()*5) // 1e-4 to 10 degrees
		var ring orb.Ring
		n := 3 + r.IntN(30)
		for i := range n {
			a := 2 * math.Pi * float64(i) / float64(n)
			rad := size * (0.1 + r.Float64())
			ring = append(ring, orb.Point{cx + rad*math.Cos(a), cy + rad*math.Sin(a)})
		}
		ring = append(ring, ring[0])
		pg := orb.Polygon{ring}
		if k%4 == 0 {
			h := size * 0.05
			pg = append(pg, orb.Ring{{cx - h, cy - h}, {cx + h, cy - h}, {cx + h, cy + h}, {cx - h, cy + h}, {cx - h, cy - h}})
		}
		g := &cql2.Geometry{G: pg}
		shape := cql2.Prepare(g)
		b, _ := spatialBound(&cql2.Spatial{Op: cql2.SIntersects, Right: g})
		rects := boxRects(b)
		if len(rects) != 1 {
			continue
		}
		rs := newRaster(shape, rects[0])
		if rs == nil {
			t.Fatalf("polygon %d of %d edges: no raster", k, n)
		}
		rc := rects[0]
		check := func(x, y uint32) {
			if !rc.has(x, y) {
				return
			}
			kind := rs.at(x, y)
			if kind == cellEdge {
				return
			}
			want := shape.Intersects(orb.Point{lonOf(float64(x) + 0.5), latFast(lat, y)})
			if (kind == cellIn) != want {
				t.Fatalf("polygon %d, grid point (%d, %d): raster says in=%v, the exact test %v", k, x, y, kind == cellIn, want)
			}
		}
		for range 3000 {
			x := rc.x0 + uint32(r.Uint64N(uint64(rc.x1-rc.x0)+1))
			y := rc.y0 + uint32(r.Uint64N(uint64(rc.y1-rc.y0)+1))
			check(x, y)
		}
		// Points next to each vertex, where cells meet edges.
		for _, p := range ring {
			x, y, _ := mercator(p[0], p[1])
			for dx := -2; dx <= 2; dx++ {
				for dy := -2; dy <= 2; dy++ {
					check(uint32(int64(x)+int64(dx)), uint32(int64(y)+int64(dy)))
				}
			}
		}
	}
}

func TestSegmentTouches(t *testing.T) {
	tests := []struct {
		name string
		a, b orb.Point
		want bool
	}{
		{"inside", orb.Point{1, 1}, orb.Point{2, 2}, true},
		{"crossing", orb.Point{-1, 1}, orb.Point{5, 1}, true},
		{"diagonal through", orb.Point{-1, -1}, orb.Point{4, 4}, true},
		{"touching a corner", orb.Point{2, 4}, orb.Point{4, 2}, true},
		{"passing the corner", orb.Point{3.5, 4}, orb.Point{4, 3.5}, false},
		{"beside", orb.Point{4, 0}, orb.Point{4, 3}, false},
		{"on the edge", orb.Point{3, -1}, orb.Point{3, 5}, true},
		{"a point outside", orb.Point{5, 5}, orb.Point{5, 5}, false},
		{"a point inside", orb.Point{2, 2}, orb.Point{2, 2}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := segmentTouches(tt.a, tt.b, 0, 0, 3, 3); got != tt.want {
				t.Errorf("segmentTouches(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

// TestPolygonCountMatchesEval counts polygon filters on a dense index,
// where the count adds up the runs of rows inside the raster's inside
// cells without reading them, and compares with cql2.Eval over every row.
func TestPolygonCountMatchesEval(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	w := world{}
	for id := int64(1); id <= 20000; id++ {
		row := randRow(r, id)
		row.Lon = math.Round((38+r.Float64()*2)*1e5) / 1e5
		row.Lat = math.Round((34+r.Float64()*2)*1e5) / 1e5
		w[id] = row
	}
	ix := New(Options{})
	build(t, ix, w, 1)
	var del []int64
	for range 500 {
		id := 1 + r.Int64N(20000)
		del = append(del, id)
		delete(w, id)
	}
	if err := ix.Apply(2, nil, del); err != nil {
		t.Fatal(err)
	}
	s := ix.Current()
	for k := range 40 {
		n := 3 + r.IntN(20)
		var pts []string
		for i := range n {
			a := 2 * math.Pi * float64(i) / float64(n)
			rad := 0.05 + r.Float64()*0.9
			pts = append(pts, fmt.Sprintf("%.5f %.5f", 39+rad*math.Cos(a), 35+rad*math.Sin(a)))
		}
		pts = append(pts, pts[0])
		text := "S_INTERSECTS(geometry, POLYGON((" + strings.Join(pts, ", ") + ")))"
		expr, err := incidents.ParseCQL2(text, "")
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		for _, row := range w {
			if cql2.Eval(expr, func(name string) cql2.Value { return rowValue(row, name) }) == cql2.True {
				want++
			}
		}
		q, err := s.Compile(incidents.Filter{Expr: expr}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if k == 0 && q.polygonOnly() == nil {
			t.Fatal("a lone polygon filter does not count from its raster")
		}
		if got := q.Count(); got != want {
			t.Fatalf("%s: count %d, want %d", text, got, want)
		}
		ids, _, err := q.Page("", 10000)
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) != want {
			t.Fatalf("%s: page of %d ids, want %d", text, len(ids), want)
		}
	}
}
