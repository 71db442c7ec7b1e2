package cql2

import (
	"encoding/json"
	"errors"
	"io"
	"strings"

	"github.com/paulmach/orb"
)

// maxJSONValues bounds the JSON values a cql2-json filter may hold, so that
// reading it stays cheap whatever its shape.
const maxJSONValues = MaxValues + 3*MaxVertices + 4*MaxPredicates

// ParseJSON parses a filter in cql2-json, such as
// {"op":"and","args":[{"op":"=","args":[{"property":"event_type"},"Battles"]},
// {"op":">","args":[{"property":"fatalities"},10]}]}. The tree is not
// checked against any queryables yet: see Queryables.Check.
func ParseJSON(src string) (Expr, error) {
	if len(src) > MaxInput {
		return nil, errorf(MaxInput, "the filter is longer than %d bytes", MaxInput)
	}
	r := &jsonReader{src: src, dec: json.NewDecoder(strings.NewReader(src))}
	r.dec.UseNumber()
	v, err := r.value(0)
	if err != nil {
		return nil, err
	}
	end := r.start()
	if _, err := r.dec.Token(); err != io.EOF {
		return nil, errorf(end, "unexpected data after the filter")
	}
	p := &jsonParser{}
	e, perr := p.expr(v)
	if perr != nil {
		return nil, perr
	}
	return e, nil
}

// jsonValue is a JSON value with the byte offset where it starts.
type jsonValue struct {
	pos  int
	kind byte // 'o' object, 'a' array, 's' string, 'n' number, 'b' boolean, 'z' null
	keys []string
	vals []*jsonValue // object members (beside keys) or array elements
	str  string       // string, or number text
	b    bool
}

func (v *jsonValue) member(key string) *jsonValue {
	for i, k := range v.keys {
		if k == key {
			return v.vals[i]
		}
	}
	return nil
}

func (v *jsonValue) describe() string {
	switch v.kind {
	case 'o':
		return "an object"
	case 'a':
		return "an array"
	case 's':
		return "the string \"" + clip(v.str) + "\""
	case 'n':
		return "a number"
	case 'b':
		return "a boolean"
	}
	return "null"
}

type jsonReader struct {
	src   string
	dec   *json.Decoder
	count int
}

// start returns the offset of the next token: the decoder's offset past
// any white space, colon or comma.
func (r *jsonReader) start() int {
	i := int(r.dec.InputOffset())
	for i < len(r.src) && strings.IndexByte(" \t\r\n:,", r.src[i]) >= 0 {
		i++
	}
	return i
}

func (r *jsonReader) syntax(pos int, err error) *Error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return errorf(int(se.Offset), "the JSON is malformed: %s", strings.TrimPrefix(se.Error(), "invalid character "))
	}
	if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
		return errorf(len(r.src), "the JSON ends too early")
	}
	return errorf(pos, "the JSON is malformed")
}

func (r *jsonReader) value(depth int) (*jsonValue, *Error) {
	if depth > MaxDepth {
		return nil, errorf(r.start(), "the filter nests deeper than %d levels", MaxDepth)
	}
	r.count++
	if r.count > maxJSONValues {
		return nil, errorf(r.start(), "the filter holds more than %d JSON values", maxJSONValues)
	}
	pos := r.start()
	tok, err := r.dec.Token()
	if err != nil {
		return nil, r.syntax(pos, err)
	}
	return r.fromToken(tok, pos, depth)
}

func (r *jsonReader) fromToken(tok json.Token, pos, depth int) (*jsonValue, *Error) {
	v := &jsonValue{pos: pos}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			v.kind = 'o'
			for r.dec.More() {
				kpos := r.start()
				k, err := r.dec.Token()
				if err != nil {
					return nil, r.syntax(kpos, err)
				}
				key, _ := k.(string)
				m, perr := r.value(depth + 1)
				if perr != nil {
					return nil, perr
				}
				v.keys = append(v.keys, key)
				v.vals = append(v.vals, m)
			}
		case '[':
			v.kind = 'a'
			for r.dec.More() {
				m, perr := r.value(depth + 1)
				if perr != nil {
					return nil, perr
				}
				v.vals = append(v.vals, m)
			}
		}
		epos := r.start()
		if _, err := r.dec.Token(); err != nil {
			return nil, r.syntax(epos, err)
		}
	case string:
		v.kind, v.str = 's', t
	case json.Number:
		v.kind, v.str = 'n', t.String()
	case bool:
		v.kind, v.b = 'b', t
	case nil:
		v.kind = 'z'
	}
	return v, nil
}

// jsonParser turns JSON values into the tree.
type jsonParser struct {
	budget
}

var jsonCompareOps = map[string]CompareOp{"=": Eq, "<>": Ne, "<": Lt, "<=": Le, ">": Gt, ">=": Ge}

func (p *jsonParser) expr(v *jsonValue) (Expr, *Error) {
	if v.kind == 'b' {
		return &Bool{Value: v.b, At: v.pos}, nil
	}
	if v.kind != 'o' || v.member("op") == nil {
		return nil, errorf(v.pos, `expected an expression {"op": ..., "args": [...]}, found %s`, v.describe())
	}
	opv := v.member("op")
	if opv.kind != 's' {
		return nil, errorf(opv.pos, "op must be a string")
	}
	op := opv.str
	argv := v.member("args")
	if argv == nil || argv.kind != 'a' {
		return nil, errorf(v.pos, "the %s expression needs an args array", clip(op))
	}
	args := argv.vals
	need := func(n int) *Error {
		if len(args) != n {
			return errorf(argv.pos, "%s takes %d arguments, not %d", clip(op), n, len(args))
		}
		return nil
	}
	lower := strings.ToLower(op)
	switch lower {
	case "and", "or":
		if len(args) < 2 {
			return nil, errorf(argv.pos, "%s takes at least 2 arguments", op)
		}
		if err := p.enter(v.pos); err != nil {
			return nil, err
		}
		list := make([]Expr, len(args))
		for i, a := range args {
			e, err := p.expr(a)
			if err != nil {
				return nil, err
			}
			list[i] = e
		}
		p.leave()
		if lower == "and" {
			return &And{Args: list, At: v.pos}, nil
		}
		return &Or{Args: list, At: v.pos}, nil
	case "not":
		if err := need(1); err != nil {
			return nil, err
		}
		if err := p.enter(v.pos); err != nil {
			return nil, err
		}
		e, err := p.expr(args[0])
		if err != nil {
			return nil, err
		}
		p.leave()
		return &Not{Arg: e, At: v.pos}, nil
	}
	if err := p.predicate(v.pos); err != nil {
		return nil, err
	}
	if cop, ok := jsonCompareOps[op]; ok {
		if err := need(2); err != nil {
			return nil, err
		}
		l, r, err := p.scalar2(args)
		if err != nil {
			return nil, err
		}
		return &Comparison{Op: cop, Left: l, Right: r, At: v.pos}, nil
	}
	switch lower {
	case "like":
		if err := need(2); err != nil {
			return nil, err
		}
		l, r, err := p.scalar2(args)
		if err != nil {
			return nil, err
		}
		return &Like{Arg: l, Pattern: r, At: v.pos}, nil
	case "between":
		if err := need(3); err != nil {
			return nil, err
		}
		s := make([]Scalar, 3)
		for i, a := range args {
			x, err := p.scalar(a)
			if err != nil {
				return nil, err
			}
			s[i] = x
		}
		return &Between{Arg: s[0], Low: s[1], High: s[2], At: v.pos}, nil
	case "in":
		if err := need(2); err != nil {
			return nil, err
		}
		arg, err := p.scalar(args[0])
		if err != nil {
			return nil, err
		}
		if args[1].kind != 'a' {
			return nil, errorf(args[1].pos, "the second argument of in must be an array of values")
		}
		if len(args[1].vals) == 0 {
			// The text grammar has no empty IN list either: a filter must
			// read the same in both encodings.
			return nil, errorf(args[1].pos, "the IN list is empty")
		}
		if len(args[1].vals) > MaxList {
			return nil, errorf(args[1].pos, "the IN list has more than %d values", MaxList)
		}
		list := make([]Scalar, len(args[1].vals))
		for i, a := range args[1].vals {
			if list[i], err = p.scalar(a); err != nil {
				return nil, err
			}
		}
		return &In{Arg: arg, List: list, At: v.pos}, nil
	case "isnull":
		if err := need(1); err != nil {
			return nil, err
		}
		arg, err := p.scalar(args[0])
		if err != nil {
			return nil, err
		}
		return &IsNull{Arg: arg, At: v.pos}, nil
	}
	upper := strings.ToUpper(op)
	if sop, ok := spatialOps[upper]; ok {
		if err := need(2); err != nil {
			return nil, err
		}
		l, r, err := p.scalar2(args)
		if err != nil {
			return nil, err
		}
		return &Spatial{Op: sop, Left: l, Right: r, At: v.pos}, nil
	}
	if top, ok := temporalOps[upper]; ok {
		if err := need(2); err != nil {
			return nil, err
		}
		l, r, err := p.scalar2(args)
		if err != nil {
			return nil, err
		}
		return &Temporal{Op: top, Left: l, Right: r, At: v.pos}, nil
	}
	return nil, errorf(opv.pos, "unknown or unsupported operator %q", clip(op))
}

func (p *jsonParser) scalar2(args []*jsonValue) (Scalar, Scalar, *Error) {
	l, err := p.scalar(args[0])
	if err != nil {
		return nil, nil, err
	}
	r, err := p.scalar(args[1])
	if err != nil {
		return nil, nil, err
	}
	return l, r, nil
}

func (p *jsonParser) scalar(v *jsonValue) (Scalar, *Error) {
	if v.kind != 'o' {
		if err := p.value(v.pos); err != nil {
			return nil, err
		}
	}
	switch v.kind {
	case 's':
		return &String{Value: v.str, At: v.pos}, nil
	case 'n':
		return parseNumber(v.str, v.pos)
	case 'b':
		return &Bool{Value: v.b, At: v.pos}, nil
	case 'o':
		if len(v.keys) == 1 {
			m := v.vals[0]
			switch v.keys[0] {
			case "property":
				if m.kind != 's' || m.str == "" {
					return nil, errorf(m.pos, "property must be a non-empty string")
				}
				return &Property{Name: m.str, At: v.pos}, nil
			case "date", "timestamp":
				if err := p.value(v.pos); err != nil {
					return nil, err
				}
				if m.kind != 's' {
					return nil, errorf(m.pos, "%s must be a string", v.keys[0])
				}
				return instant(strings.ToUpper(v.keys[0]), token{kind: tString, pos: m.pos, text: m.str}, v.pos)
			case "interval":
				return p.interval(v, m)
			case "bbox":
				return p.bbox(v, m)
			case "op":
				return nil, errorf(v.pos, "functions such as %s are not supported as values", m.describe())
			}
		}
		if v.member("type") != nil {
			if err := p.enter(v.pos); err != nil {
				return nil, err
			}
			g, err := p.geometry(v)
			if err != nil {
				return nil, err
			}
			p.leave()
			return &Geometry{G: g, At: v.pos}, nil
		}
		if v.member("op") != nil {
			return nil, errorf(v.pos, "expected a property or a value, found an expression")
		}
	}
	return nil, errorf(v.pos, "expected a property or a value, found %s", v.describe())
}

func (p *jsonParser) interval(v, m *jsonValue) (Scalar, *Error) {
	if err := p.value(v.pos); err != nil {
		return nil, err
	}
	if m.kind != 'a' || len(m.vals) != 2 {
		return nil, errorf(m.pos, "interval must be an array of 2 ends")
	}
	var ends [2]Scalar
	for i, e := range m.vals {
		switch {
		case e.kind == 's':
			x, err := intervalEnd(token{kind: tString, pos: e.pos, text: e.str})
			if err != nil {
				return nil, err
			}
			ends[i] = x
		case e.kind == 'o' && len(e.keys) == 1 && (e.keys[0] == "date" || e.keys[0] == "timestamp") && e.vals[0].kind == 's':
			x, err := instant(strings.ToUpper(e.keys[0]), token{kind: tString, pos: e.vals[0].pos, text: e.vals[0].str}, e.pos)
			if err != nil {
				return nil, err
			}
			ends[i] = x
		default:
			return nil, errorf(e.pos, `an end of an interval must be a date, a timestamp or "..", not %s`, e.describe())
		}
	}
	return newInterval(ends[0], ends[1], v.pos)
}

func (p *jsonParser) bbox(v, m *jsonValue) (Scalar, *Error) {
	if err := p.value(v.pos); err != nil {
		return nil, err
	}
	if m.kind != 'a' {
		return nil, errorf(m.pos, "bbox must be an array of 4 or 6 numbers")
	}
	nums := make([]float64, 0, len(m.vals))
	for _, e := range m.vals {
		if e.kind != 'n' {
			return nil, errorf(e.pos, "bbox must be an array of 4 or 6 numbers")
		}
		n, err := parseNumber(e.str, e.pos)
		if err != nil {
			return nil, err
		}
		nums = append(nums, n.Value)
	}
	return newEnvelope(nums, v.pos)
}

// geometry reads a GeoJSON geometry object.
func (p *jsonParser) geometry(v *jsonValue) (orb.Geometry, *Error) {
	t := v.member("type")
	if t.kind != 's' {
		return nil, errorf(t.pos, "the geometry type must be a string")
	}
	if t.str == "GeometryCollection" {
		gs := v.member("geometries")
		if gs == nil || gs.kind != 'a' {
			return nil, errorf(v.pos, "a GeometryCollection needs a geometries array")
		}
		var c orb.Collection
		for _, g := range gs.vals {
			if g.kind != 'o' || g.member("type") == nil {
				return nil, errorf(g.pos, "expected a GeoJSON geometry, found %s", g.describe())
			}
			if err := p.enter(g.pos); err != nil {
				return nil, err
			}
			x, err := p.geometry(g)
			if err != nil {
				return nil, err
			}
			p.leave()
			c = append(c, x)
		}
		return c, nil
	}
	c := v.member("coordinates")
	if c == nil {
		return nil, errorf(v.pos, "the geometry has no coordinates")
	}
	switch t.str {
	case "Point":
		return p.position(c)
	case "MultiPoint":
		pts, err := p.positions(c)
		return orb.MultiPoint(pts), err
	case "LineString":
		return p.lineString(c)
	case "MultiLineString":
		if c.kind != 'a' {
			return nil, errorf(c.pos, "expected an array of line strings")
		}
		var ml orb.MultiLineString
		for _, l := range c.vals {
			ls, err := p.lineString(l)
			if err != nil {
				return nil, err
			}
			ml = append(ml, ls)
		}
		return ml, nil
	case "Polygon":
		return p.polygon(c)
	case "MultiPolygon":
		if c.kind != 'a' {
			return nil, errorf(c.pos, "expected an array of polygons")
		}
		var mp orb.MultiPolygon
		for _, pg := range c.vals {
			x, err := p.polygon(pg)
			if err != nil {
				return nil, err
			}
			mp = append(mp, x)
		}
		return mp, nil
	}
	return nil, errorf(t.pos, "unknown geometry type %q", clip(t.str))
}

func (p *jsonParser) position(v *jsonValue) (orb.Point, *Error) {
	if err := p.vertex(v.pos); err != nil {
		return orb.Point{}, err
	}
	if v.kind != 'a' || len(v.vals) < 2 || len(v.vals) > 3 {
		return orb.Point{}, errorf(v.pos, "a position must be an array of 2 or 3 numbers")
	}
	var xy [2]float64
	for i, e := range v.vals {
		if e.kind != 'n' {
			return orb.Point{}, errorf(e.pos, "a position must be an array of 2 or 3 numbers")
		}
		n, err := parseNumber(e.str, e.pos)
		if err != nil {
			return orb.Point{}, err
		}
		if i < 2 {
			xy[i] = n.Value
		}
	}
	return newPoint(xy[0], xy[1], v.pos)
}

func (p *jsonParser) positions(v *jsonValue) ([]orb.Point, *Error) {
	if v.kind != 'a' {
		return nil, errorf(v.pos, "expected an array of positions")
	}
	pts := make([]orb.Point, 0, len(v.vals))
	for _, e := range v.vals {
		pt, err := p.position(e)
		if err != nil {
			return nil, err
		}
		pts = append(pts, pt)
	}
	return pts, nil
}

func (p *jsonParser) lineString(v *jsonValue) (orb.LineString, *Error) {
	pts, err := p.positions(v)
	if err != nil {
		return nil, err
	}
	if len(pts) < 2 {
		return nil, errorf(v.pos, "a line string needs at least 2 positions")
	}
	return orb.LineString(pts), nil
}

func (p *jsonParser) polygon(v *jsonValue) (orb.Polygon, *Error) {
	if v.kind != 'a' || len(v.vals) == 0 {
		return nil, errorf(v.pos, "a polygon must be an array of rings")
	}
	var pg orb.Polygon
	for _, r := range v.vals {
		pts, err := p.positions(r)
		if err != nil {
			return nil, err
		}
		ring, err := newRing(pts, r.pos)
		if err != nil {
			return nil, err
		}
		pg = append(pg, ring)
	}
	return pg, nil
}
