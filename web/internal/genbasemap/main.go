// Command genbasemap turns a world-atlas TopoJSON file (Natural Earth country
// outlines, npm package world-atlas) into the compact GeoJSON that the map in
// web/static draws as its offline base layer.
//
// It decodes the TopoJSON itself: quantised, delta-encoded arcs are scaled by
// the topology's transform, stitched into rings (a negative arc index means the
// arc reversed), rounded to a few decimals and de-duplicated. Each country
// Feature carries its name, its ISO 3166-1 numeric id, a label point inside its
// largest polygon and a rank (1 = largest) so the map can show names of big
// countries first.
//
// Usage:
//
//	go run ./web/internal/genbasemap -in countries-50m.json -out web/static/basemap/countries.json
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
)

func main() {
	in := flag.String("in", "", "world-atlas TopoJSON file (countries-50m.json or countries-110m.json)")
	out := flag.String("out", "", "GeoJSON file to write (default stdout)")
	object := flag.String("object", "countries", "TopoJSON object to convert")
	prec := flag.Int("precision", 4, "decimals kept in coordinates")
	tol := flag.Float64("simplify", 0.01, "Douglas-Peucker tolerance in degrees applied to each arc (0 = none)")
	flag.Parse()
	if *in == "" {
		fmt.Fprintln(os.Stderr, "genbasemap: -in is required")
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*in, *out, *object, *prec, *tol); err != nil {
		fmt.Fprintln(os.Stderr, "genbasemap:", err)
		os.Exit(1)
	}
}

func run(in, out, object string, prec int, tol float64) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	topo, err := readTopology(f)
	if err != nil {
		return fmt.Errorf("read %s: %w", in, err)
	}
	topo.Tolerance = tol
	countries, err := topo.countries(object, prec)
	if err != nil {
		return err
	}
	var w io.Writer = os.Stdout
	if out != "" {
		of, err := os.Create(out)
		if err != nil {
			return err
		}
		defer of.Close()
		w = of
	}
	bw := bufio.NewWriter(w)
	if err := writeGeoJSON(bw, countries, prec); err != nil {
		return err
	}
	return bw.Flush()
}

// Topology is the part of a TopoJSON document that genbasemap reads.
type Topology struct {
	Type      string `json:"type"`
	Transform *struct {
		Scale     [2]float64 `json:"scale"`
		Translate [2]float64 `json:"translate"`
	} `json:"transform"`
	Arcs    [][][2]float64        `json:"arcs"`
	Objects map[string]Collection `json:"objects"`

	// Tolerance, when > 0, simplifies every arc with Douglas-Peucker before
	// stitching. Simplifying arcs rather than rings keeps shared borders
	// identical on both sides, so neighbours never gap or overlap.
	Tolerance float64 `json:"-"`
}

// Collection is a TopoJSON GeometryCollection.
type Collection struct {
	Type       string     `json:"type"`
	Geometries []Geometry `json:"geometries"`
}

// Geometry is a TopoJSON Polygon or MultiPolygon; Arcs holds the raw JSON
// since its depth depends on Type.
type Geometry struct {
	Type       string            `json:"type"`
	ID         string            `json:"id"`
	Arcs       json.RawMessage   `json:"arcs"`
	Properties map[string]string `json:"properties"`
}

func readTopology(r io.Reader) (*Topology, error) {
	var t Topology
	if err := json.NewDecoder(r).Decode(&t); err != nil {
		return nil, err
	}
	if t.Type != "Topology" {
		return nil, fmt.Errorf("type %q, want Topology", t.Type)
	}
	return &t, nil
}

type point = [2]float64
type ring = []point
type polygon = []ring // outer ring first, then holes

// Country is one decoded country outline.
type Country struct {
	ID       string
	Name     string
	Polygons []polygon
	Label    point
	Area     float64
	Rank     int
}

// arc returns arc i as absolute coordinates, reversed when i is negative
// (TopoJSON's one's complement: -1 is arc 0 reversed).
func (t *Topology) arc(i int) (ring, error) {
	idx := i
	if i < 0 {
		idx = ^i
	}
	if idx >= len(t.Arcs) {
		return nil, fmt.Errorf("arc %d out of range (%d arcs)", i, len(t.Arcs))
	}
	raw := t.Arcs[idx]
	pts := make(ring, len(raw))
	var x, y float64
	for k, p := range raw {
		if t.Transform != nil {
			x += p[0]
			y += p[1]
			pts[k] = point{x*t.Transform.Scale[0] + t.Transform.Translate[0], y*t.Transform.Scale[1] + t.Transform.Translate[1]}
		} else {
			pts[k] = p
		}
	}
	if t.Tolerance > 0 {
		pts = simplify(pts, t.Tolerance)
	}
	if i < 0 {
		for a, b := 0, len(pts)-1; a < b; a, b = a+1, b-1 {
			pts[a], pts[b] = pts[b], pts[a]
		}
	}
	return pts, nil
}

// stitch joins arcs into one closed ring, dropping the shared point where
// one arc ends and the next begins, then rounds and removes repeated points.
func (t *Topology) stitch(arcs []int, prec int) (ring, error) {
	var r ring
	for k, a := range arcs {
		pts, err := t.arc(a)
		if err != nil {
			return nil, err
		}
		if k > 0 && len(pts) > 0 {
			pts = pts[1:]
		}
		r = append(r, pts...)
	}
	return clean(unwrap(r), prec), nil
}

// unwrap makes a ring that crosses the antimeridian continuous: a jump of
// more than 180° in longitude between neighbours shifts the rest of the ring
// by 360°, so a planar renderer draws the island (Fiji, Chukotka) in one
// piece instead of a stroke across the whole world. Rings that reach the
// poles (Antarctica) are left alone: their jumps run along the map's edge.
func unwrap(r ring) ring {
	for _, p := range r {
		if p[1] < -80 || p[1] > 85 {
			return r
		}
	}
	var off float64
	out := make(ring, len(r))
	for i, p := range r {
		if i > 0 {
			d := p[0] + off - out[i-1][0]
			if d > 180 {
				off -= 360
			} else if d < -180 {
				off += 360
			}
		}
		out[i] = point{p[0] + off, p[1]}
	}
	return out
}

// simplify keeps the end points of pts and every point farther than tol from
// the chord of its span (Douglas-Peucker). A closed arc (first == last) is
// split at its farthest point so it keeps some area.
func simplify(pts ring, tol float64) ring {
	n := len(pts)
	if n <= 2 {
		return pts
	}
	keep := make([]bool, n)
	keep[0], keep[n-1] = true, true
	var dp func(a, b int)
	dp = func(a, b int) {
		far, fd := -1, tol
		for k := a + 1; k < b; k++ {
			if d := segDist(pts[k], pts[a], pts[b]); d > fd {
				far, fd = k, d
			}
		}
		if far >= 0 {
			keep[far] = true
			dp(a, far)
			dp(far, b)
		}
	}
	if pts[0] == pts[n-1] {
		far, fd := 1, -1.0
		for k := 1; k < n-1; k++ {
			d := math.Hypot(pts[k][0]-pts[0][0], pts[k][1]-pts[0][1])
			if d > fd {
				far, fd = k, d
			}
		}
		keep[far] = true
		dp(0, far)
		dp(far, n-1)
	} else {
		dp(0, n-1)
	}
	out := make(ring, 0, n)
	for k, p := range pts {
		if keep[k] {
			out = append(out, p)
		}
	}
	return out
}

func round(v float64, prec int) float64 {
	m := math.Pow(10, float64(prec))
	return math.Round(v*m) / m
}

// clean rounds coordinates and drops points equal to their predecessor; the
// ring stays closed.
func clean(r ring, prec int) ring {
	out := make(ring, 0, len(r))
	for _, p := range r {
		q := point{round(p[0], prec), round(p[1], prec)}
		if n := len(out); n > 0 && out[n-1] == q {
			continue
		}
		out = append(out, q)
	}
	if n := len(out); n > 1 && out[0] != out[n-1] {
		out = append(out, out[0])
	}
	return out
}

func (t *Topology) countries(object string, prec int) ([]Country, error) {
	coll, ok := t.Objects[object]
	if !ok {
		return nil, fmt.Errorf("no object %q in topology", object)
	}
	var out []Country
	for _, g := range coll.Geometries {
		var rings [][][]int
		switch g.Type {
		case "Polygon":
			var p [][]int
			if err := json.Unmarshal(g.Arcs, &p); err != nil {
				return nil, fmt.Errorf("%s: %w", g.ID, err)
			}
			rings = [][][]int{p}
		case "MultiPolygon":
			if err := json.Unmarshal(g.Arcs, &rings); err != nil {
				return nil, fmt.Errorf("%s: %w", g.ID, err)
			}
		case "", "null":
			continue
		default:
			return nil, fmt.Errorf("%s: unsupported geometry %q", g.ID, g.Type)
		}
		c := Country{ID: g.ID, Name: g.Properties["name"]}
		for _, p := range rings {
			var poly polygon
			for _, rr := range p {
				r, err := t.stitch(rr, prec)
				if err == nil && len(r) < 4 && t.Tolerance > 0 {
					// Simplification collapsed a small island: keep it whole.
					tol := t.Tolerance
					t.Tolerance = 0
					r, err = t.stitch(rr, prec)
					t.Tolerance = tol
				}
				if err != nil {
					return nil, fmt.Errorf("%s: %w", g.ID, err)
				}
				if len(r) >= 4 {
					poly = append(poly, r)
				}
			}
			if len(poly) > 0 {
				c.Polygons = append(c.Polygons, poly)
			}
		}
		if len(c.Polygons) == 0 {
			continue
		}
		c.Label, c.Area = labelPoint(c.Polygons)
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, errors.New("no polygons decoded")
	}
	byArea := make([]int, len(out))
	for i := range byArea {
		byArea[i] = i
	}
	sort.SliceStable(byArea, func(a, b int) bool { return out[byArea[a]].Area > out[byArea[b]].Area })
	for rank, i := range byArea {
		out[i].Rank = rank + 1
	}
	return out, nil
}

// ringArea is the planar area of r in square degrees (positive either way round).
func ringArea(r ring) float64 {
	var s float64
	for i := 0; i+1 < len(r); i++ {
		s += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return math.Abs(s) / 2
}

func inRing(p point, r ring) bool {
	in := false
	for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
		a, b := r[i], r[j]
		if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < (b[0]-a[0])*(p[1]-a[1])/(b[1]-a[1])+a[0] {
			in = !in
		}
	}
	return in
}

func inPolygon(p point, poly polygon) bool {
	if !inRing(p, poly[0]) {
		return false
	}
	for _, h := range poly[1:] {
		if inRing(p, h) {
			return false
		}
	}
	return true
}

func segDist(p, a, b point) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	t := 0.0
	if l := dx*dx + dy*dy; l > 0 {
		t = math.Max(0, math.Min(1, ((p[0]-a[0])*dx+(p[1]-a[1])*dy)/l))
	}
	ex, ey := a[0]+t*dx-p[0], a[1]+t*dy-p[1]
	return math.Sqrt(ex*ex + ey*ey)
}

func edgeDist(p point, poly polygon) float64 {
	d := math.Inf(1)
	for _, r := range poly {
		for i := 0; i+1 < len(r); i++ {
			d = math.Min(d, segDist(p, r[i], r[i+1]))
		}
	}
	return d
}

// labelPoint picks a point well inside the largest polygon (a coarse search
// for the point farthest from any edge, refined twice) and returns it with
// the country's total area.
func labelPoint(polys []polygon) (point, float64) {
	var total, best float64
	var big polygon
	for _, p := range polys {
		a := ringArea(p[0])
		total += a
		if a > best {
			best, big = a, p
		}
	}
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, q := range big[0] {
		minX, maxX = math.Min(minX, q[0]), math.Max(maxX, q[0])
		minY, maxY = math.Min(minY, q[1]), math.Max(maxY, q[1])
	}
	bestP := big[0][0]
	bestD := -1.0
	cx, cy, w, h := (minX+maxX)/2, (minY+maxY)/2, maxX-minX, maxY-minY
	const n = 24
	for pass := 0; pass < 3; pass++ {
		for i := 0; i <= n; i++ {
			for j := 0; j <= n; j++ {
				p := point{cx - w/2 + w*float64(i)/n, cy - h/2 + h*float64(j)/n}
				if !inPolygon(p, big) {
					continue
				}
				if d := edgeDist(p, big); d > bestD {
					bestD, bestP = d, p
				}
			}
		}
		cx, cy, w, h = bestP[0], bestP[1], w/4, h/4
	}
	return point{round(bestP[0], 2), round(bestP[1], 2)}, total
}

func num(v float64, prec int) string {
	return strconv.FormatFloat(round(v, prec), 'f', -1, 64)
}

// writeGeoJSON writes one Feature per line so the file stays diff-friendly.
func writeGeoJSON(w *bufio.Writer, cs []Country, prec int) error {
	w.WriteString(`{"type":"FeatureCollection","features":[` + "\n")
	for i, c := range cs {
		props, err := json.Marshal(map[string]any{
			"name":  c.Name,
			"id":    c.ID,
			"rank":  c.Rank,
			"label": []float64{c.Label[0], c.Label[1]},
		})
		if err != nil {
			return err
		}
		w.WriteString(`{"type":"Feature","properties":`)
		w.Write(props)
		w.WriteString(`,"geometry":{"type":"MultiPolygon","coordinates":[`)
		for pi, p := range c.Polygons {
			if pi > 0 {
				w.WriteByte(',')
			}
			w.WriteByte('[')
			for ri, r := range p {
				if ri > 0 {
					w.WriteByte(',')
				}
				w.WriteByte('[')
				for k, q := range r {
					if k > 0 {
						w.WriteByte(',')
					}
					w.WriteString("[" + num(q[0], prec) + "," + num(q[1], prec) + "]")
				}
				w.WriteByte(']')
			}
			w.WriteByte(']')
		}
		w.WriteString("]}}")
		if i < len(cs)-1 {
			w.WriteByte(',')
		}
		w.WriteByte('\n')
	}
	_, err := w.WriteString("]}\n")
	return err
}
