package main

import (
	"strings"
	"testing"
)

// Two unit squares sharing the edge x=1; the right square walks the shared
// arc backwards (index -1 = arc 0 reversed). Coordinates are quantised with
// scale 0.5 and delta-encoded.
const tiny = `{"type":"Topology","transform":{"scale":[0.5,0.5],"translate":[10,20]},
"arcs":[[[2,0],[0,2]],[[2,2],[-2,0],[0,-2],[2,0]],[[2,0],[2,0],[0,2],[-2,0]]],
"objects":{"countries":{"type":"GeometryCollection","geometries":[
{"type":"Polygon","id":"001","arcs":[[0,1]],"properties":{"name":"Left"}},
{"type":"MultiPolygon","id":"002","arcs":[[[2,-1]]],"properties":{"name":"Right"}},
{"type":null,"id":"003"}]}}}`

func TestCountries(t *testing.T) {
	topo, err := readTopology(strings.NewReader(tiny))
	if err != nil {
		t.Fatal(err)
	}
	cs, err := topo.countries("countries", 4)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 2 {
		t.Fatalf("got %d countries, want 2", len(cs))
	}
	left := cs[0].Polygons[0][0]
	want := ring{{11, 20}, {11, 21}, {10, 21}, {10, 20}, {11, 20}}
	if len(left) != len(want) {
		t.Fatalf("left ring: got %v, want %v", left, want)
	}
	for i := range want {
		if left[i] != want[i] {
			t.Fatalf("left ring: got %v, want %v", left, want)
		}
	}
	right := cs[1].Polygons[0][0]
	if right[0] != (point{11, 20}) || right[len(right)-1] != right[0] || len(right) != 5 {
		t.Fatalf("right ring: got %v, want a closed 4-corner ring from [11 20]", right)
	}
	for _, c := range cs {
		if !inPolygon(c.Label, c.Polygons[0]) {
			t.Errorf("%s: label %v is outside the polygon", c.Name, c.Label)
		}
		if c.Area != 1 {
			t.Errorf("%s: got area %v, want 1", c.Name, c.Area)
		}
	}
}

func TestSimplifyKeepsEnds(t *testing.T) {
	line := ring{{0, 0}, {1, 0.001}, {2, 0}, {3, 5}, {4, 0}}
	got := simplify(line, 0.01)
	want := ring{{0, 0}, {2, 0}, {3, 5}, {4, 0}}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}

func TestUnwrapAntimeridian(t *testing.T) {
	fiji := ring{{179.9, -16.5}, {-180, -16.4}, {-179.8, -16.6}, {179.9, -16.5}}
	got := unwrap(fiji)
	for i := 1; i < len(got); i++ {
		if d := got[i][0] - got[i-1][0]; d > 180 || d < -180 {
			t.Fatalf("ring still jumps between %v and %v: %v", got[i-1], got[i], got)
		}
	}
	if got[1][0] != 180 || got[2][0] != 180.2 {
		t.Errorf("got %v, want the western points shifted by +360", got)
	}
	polar := ring{{-180, -89.999}, {180, -89.999}, {0, -70}, {-180, -89.999}}
	if g := unwrap(polar); g[1][0] != 180 {
		t.Errorf("polar ring changed: %v", g)
	}
}
