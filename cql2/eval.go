package cql2

import (
	"strings"
	"unicode/utf8"

	"github.com/paulmach/orb"
)

// Value is the value of a property of one feature, as Eval reads it.
// Type 0 is null; TypeDate values are "YYYY-MM-DD" in Str; TypeGeometry
// values are a point in Point.
type Value struct {
	Type  Type
	Str   string
	Num   float64
	Bool  bool
	Point orb.Point
}

// Truth is a value of SQL's three-valued logic.
type Truth int8

// The truth values. A predicate on a null property is Unknown, and a
// filter selects a feature only when it is True.
const (
	False   Truth = 0
	True    Truth = 1
	Unknown Truth = -1
)

func truth(b bool) Truth {
	if b {
		return True
	}
	return False
}

// Eval evaluates a checked expression (see Queryables.Check) for one
// feature whose properties get returns. It follows SQL: a comparison with a
// null is Unknown, NOT Unknown is Unknown, FALSE AND Unknown is False and
// TRUE OR Unknown is True.
func Eval(e Expr, get func(name string) Value) Truth {
	switch e := e.(type) {
	case *And:
		out := True
		for _, a := range e.Args {
			switch Eval(a, get) {
			case False:
				return False
			case Unknown:
				out = Unknown
			}
		}
		return out
	case *Or:
		out := False
		for _, a := range e.Args {
			switch Eval(a, get) {
			case True:
				return True
			case Unknown:
				out = Unknown
			}
		}
		return out
	case *Not:
		switch t := Eval(e.Arg, get); t {
		case Unknown:
			return Unknown
		default:
			return 1 - t
		}
	case *Bool:
		return truth(e.Value)
	case *Comparison:
		v := get(e.Left.(*Property).Name)
		if v.Type == 0 {
			return Unknown
		}
		return truth(opHolds(e.Op, compareValue(v, e.Right)))
	case *Like:
		v := get(e.Arg.(*Property).Name)
		if v.Type == 0 {
			return Unknown
		}
		return truth(Match(e.Pattern.(*String).Value, v.Str) != e.Not)
	case *In:
		v := get(e.Arg.(*Property).Name)
		if v.Type == 0 {
			return Unknown
		}
		for _, x := range e.List {
			if compareValue(v, x) == 0 {
				return truth(!e.Not)
			}
		}
		return truth(e.Not)
	case *Between:
		v := get(e.Arg.(*Property).Name)
		if v.Type == 0 {
			return Unknown
		}
		in := compareValue(v, e.Low) >= 0 && compareValue(v, e.High) <= 0
		return truth(in != e.Not)
	case *IsNull:
		v := get(e.Arg.(*Property).Name)
		return truth((v.Type == 0) != e.Not)
	case *Spatial:
		v := get(e.Left.(*Property).Name)
		if v.Type == 0 {
			return Unknown
		}
		return truth(Intersects(e.Right, v.Point))
	}
	panic("cql2: Eval of an unchecked expression")
}

// compareValue orders a property value against a literal of its type.
func compareValue(v Value, lit Scalar) int {
	switch lit := lit.(type) {
	case *String:
		return strings.Compare(v.Str, lit.Value)
	case *Number:
		return cmpFloat(v.Num, lit.Value)
	case *Date:
		return strings.Compare(v.Str, lit.Value)
	case *Bool:
		return compareLiterals(&Bool{Value: v.Bool}, lit)
	}
	return 1
}

// Intersects reports whether the point lies on the geometry literal g, an
// *Envelope or a *Geometry: inside or on the edge of a polygon or box, on a
// line, or equal to a point.
func Intersects(g Scalar, p orb.Point) bool {
	switch g := g.(type) {
	case *Envelope:
		return g.Box.Contains(p[0], p[1])
	case *Geometry:
		return geometryIntersects(g.G, p)
	}
	return false
}

func geometryIntersects(g orb.Geometry, p orb.Point) bool {
	switch g := g.(type) {
	case orb.Point:
		return g == p
	case orb.MultiPoint:
		for _, q := range g {
			if q == p {
				return true
			}
		}
	case orb.LineString:
		return onLine(g, p)
	case orb.MultiLineString:
		for _, l := range g {
			if onLine(l, p) {
				return true
			}
		}
	case orb.Polygon:
		return newPolygonShape(g).covers(p)
	case orb.MultiPolygon:
		for _, pg := range g {
			if newPolygonShape(pg).covers(p) {
				return true
			}
		}
	case orb.Collection:
		for _, c := range g {
			if geometryIntersects(c, p) {
				return true
			}
		}
	}
	return false
}

// A Shape is the spatial argument of an S_INTERSECTS prepared for testing
// many points: the bounding boxes of its polygons' rings are computed
// once. Its Intersects answers exactly as the package's Intersects does,
// which uses the same ring test.
type Shape struct {
	box      *Envelope
	polygons []polygonShape
	other    orb.Geometry // points and lines, tested as Intersects tests them
}

// Prepare returns g, an *Envelope or a *Geometry, prepared for Intersects.
func Prepare(g Scalar) *Shape {
	s := &Shape{}
	switch g := g.(type) {
	case *Envelope:
		s.box = g
	case *Geometry:
		s.add(g.G)
	}
	return s
}

func (s *Shape) add(g orb.Geometry) {
	switch g := g.(type) {
	case orb.Polygon:
		s.polygons = append(s.polygons, newPolygonShape(g))
	case orb.MultiPolygon:
		for _, pg := range g {
			s.polygons = append(s.polygons, newPolygonShape(pg))
		}
	case orb.Collection:
		for _, c := range g {
			s.add(c)
		}
	case nil:
	default:
		if s.other == nil {
			s.other = orb.Collection{}
		}
		s.other = append(s.other.(orb.Collection), g)
	}
}

// Intersects reports whether p lies on the shape, as Intersects(g, p)
// does for the g the shape was prepared from.
func (s *Shape) Intersects(p orb.Point) bool {
	if s.box != nil {
		return s.box.Box.Contains(p[0], p[1])
	}
	for i := range s.polygons {
		if s.polygons[i].covers(p) {
			return true
		}
	}
	return s.other != nil && geometryIntersects(s.other, p)
}

// Areal reports whether the shape is made of polygons only (or is a box),
// so that a point off all its Edges is inside or outside the same way as
// its neighbours.
func (s *Shape) Areal() bool { return s.other == nil }

// Edges calls yield for each edge of the shape's polygons, from a to b,
// until yield returns false. A box has no edges here.
func (s *Shape) Edges(yield func(a, b orb.Point) bool) {
	for _, pg := range s.polygons {
		for _, r := range pg.rings {
			for i := range r {
				if !yield(r[i], r[(i+1)%len(r)]) {
					return
				}
			}
		}
	}
}

// polygonShape is a polygon's rings with their bounding boxes.
type polygonShape struct {
	rings  []orb.Ring
	bounds []orb.Bound
}

func newPolygonShape(pg orb.Polygon) polygonShape {
	s := polygonShape{rings: pg, bounds: make([]orb.Bound, len(pg))}
	for i, r := range pg {
		s.bounds[i] = r.Bound()
	}
	return s
}

// covers reports whether p lies inside the polygon or on one of its
// edges, a hole's edges included: inside or on the outer ring and not
// strictly inside a hole.
func (s polygonShape) covers(p orb.Point) bool {
	if len(s.rings) == 0 {
		return false
	}
	if in, on := ringTest(s.rings[0], s.bounds[0], p); !in && !on {
		return false
	}
	for i := 1; i < len(s.rings); i++ {
		if in, _ := ringTest(s.rings[i], s.bounds[i], p); in {
			return false
		}
	}
	return true
}

// ringTest tells whether p lies strictly inside the ring r (whose bounding
// box is b) or on one of its edges, by the even-odd rule: a ray from p
// towards +x crosses the ring's edges an odd number of times when p is
// inside. An edge counts when it spans p's latitude half-open (one end
// above p, the other not), so a ray through a vertex counts it once.
func ringTest(r orb.Ring, b orb.Bound, p orb.Point) (inside, on bool) {
	if !b.Contains(p) {
		return false, false
	}
	n := len(r)
	for i := range n {
		a, c := r[i], r[(i+1)%n]
		if onSegment(a, c, p) {
			return false, true
		}
		if (a[1] > p[1]) != (c[1] > p[1]) {
			x := a[0] + (p[1]-a[1])/(c[1]-a[1])*(c[0]-a[0])
			if p[0] < x {
				inside = !inside
			}
		}
	}
	return inside, false
}

// onLine reports whether p lies on one of the segments of l.
func onLine(l orb.LineString, p orb.Point) bool {
	for i := 0; i+1 < len(l); i++ {
		if onSegment(l[i], l[i+1], p) {
			return true
		}
	}
	return false
}

// onSegment reports whether p lies on the segment from a to b: within its
// bounding box and on its line (a zero cross product).
func onSegment(a, b, p orb.Point) bool {
	if p[0] < min(a[0], b[0]) || p[0] > max(a[0], b[0]) || p[1] < min(a[1], b[1]) || p[1] > max(a[1], b[1]) {
		return false
	}
	return (b[0]-a[0])*(p[1]-a[1])-(b[1]-a[1])*(p[0]-a[0]) == 0
}

// Match reports whether s matches the LIKE pattern: % matches any run of
// characters, _ exactly one character, and a backslash makes the character
// after it literal. The match is case-sensitive. It backtracks only to the
// last %, so it takes at most len(pattern)*len(s) steps.
func Match(pattern, s string) bool {
	pi, si := 0, 0
	starP, starS := -1, 0
	for si < len(s) {
		if pi < len(pattern) {
			switch c := pattern[pi]; c {
			case '%':
				for pi < len(pattern) && pattern[pi] == '%' {
					pi++
				}
				starP, starS = pi, si
				continue
			case '_':
				_, n := utf8.DecodeRuneInString(s[si:])
				pi, si = pi+1, si+n
				continue
			default:
				w := 1
				if c == '\\' && pi+1 < len(pattern) {
					c, w = pattern[pi+1], 2
				}
				if s[si] == c {
					pi, si = pi+w, si+1
					continue
				}
			}
		}
		if starP < 0 {
			return false
		}
		_, n := utf8.DecodeRuneInString(s[starS:])
		starS += n
		pi, si = starP, starS
	}
	for pi < len(pattern) && pattern[pi] == '%' {
		pi++
	}
	return pi == len(pattern)
}
