package cql2

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/paulmach/orb"

	"github.com/mapd/mapd/geo"
)

// ParseText parses a filter in cql2-text, such as
// "event_type = 'Battles' AND fatalities > 10". The tree is not checked
// against any queryables yet: see Queryables.Check.
func ParseText(src string) (Expr, error) {
	if len(src) > MaxInput {
		return nil, errorf(MaxInput, "the filter is longer than %d bytes", MaxInput)
	}
	if !utf8.ValidString(src) {
		i := 0
		for i < len(src) {
			r, n := utf8.DecodeRuneInString(src[i:])
			if r == utf8.RuneError && n == 1 {
				break
			}
			i += n
		}
		return nil, errorf(i, "the filter is not valid UTF-8")
	}
	p := &textParser{lex: lexer{src: src}}
	if err := p.advance(); err != nil {
		return nil, err
	}
	if p.tok.kind == tEOF {
		return nil, errorf(0, "the filter is empty")
	}
	e, err := p.orExpr()
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tEOF {
		return nil, p.unexpected("AND, OR or the end of the filter")
	}
	return e, nil
}

// budget counts what a filter spends of the limits; both parsers share it.
type budget struct {
	depth, predicates, values, vertices int
}

func (b *budget) enter(pos int) *Error {
	b.depth++
	if b.depth > MaxDepth {
		return errorf(pos, "the filter nests deeper than %d levels", MaxDepth)
	}
	return nil
}

func (b *budget) leave() { b.depth-- }

func (b *budget) predicate(pos int) *Error {
	b.predicates++
	if b.predicates > MaxPredicates {
		return errorf(pos, "the filter has more than %d predicates", MaxPredicates)
	}
	return nil
}

func (b *budget) value(pos int) *Error {
	b.values++
	if b.values > MaxValues {
		return errorf(pos, "the filter has more than %d values", MaxValues)
	}
	return nil
}

func (b *budget) vertex(pos int) *Error {
	b.vertices++
	if b.vertices > MaxVertices {
		return errorf(pos, "the geometries of the filter have more than %d coordinates", MaxVertices)
	}
	return nil
}

type textParser struct {
	lex lexer
	tok token
	budget
}

func (p *textParser) advance() *Error {
	t, err := p.lex.next()
	if err != nil {
		return err
	}
	p.tok = t
	return nil
}

func (p *textParser) unexpected(want string) *Error {
	return errorf(p.tok.pos, "expected %s, found %s", want, p.tok.describe())
}

// keyword reports whether the current token is the bare word kw (in
// upper case), in any case.
func (p *textParser) keyword(kw string) bool {
	return p.tok.kind == tIdent && strings.EqualFold(p.tok.text, kw)
}

func (p *textParser) expect(kind tokenKind, want string) *Error {
	if p.tok.kind != kind {
		return p.unexpected(want)
	}
	return p.advance()
}

func (p *textParser) orExpr() (Expr, *Error) {
	first, err := p.andExpr()
	if err != nil || !p.keyword("OR") {
		return first, err
	}
	or := &Or{Args: []Expr{first}, At: first.Pos()}
	for p.keyword("OR") {
		if err := p.advance(); err != nil {
			return nil, err
		}
		e, err := p.andExpr()
		if err != nil {
			return nil, err
		}
		or.Args = append(or.Args, e)
	}
	return or, nil
}

func (p *textParser) andExpr() (Expr, *Error) {
	first, err := p.notExpr()
	if err != nil || !p.keyword("AND") {
		return first, err
	}
	and := &And{Args: []Expr{first}, At: first.Pos()}
	for p.keyword("AND") {
		if err := p.advance(); err != nil {
			return nil, err
		}
		e, err := p.notExpr()
		if err != nil {
			return nil, err
		}
		and.Args = append(and.Args, e)
	}
	return and, nil
}

func (p *textParser) notExpr() (Expr, *Error) {
	if !p.keyword("NOT") {
		return p.primary()
	}
	at := p.tok.pos
	if err := p.enter(at); err != nil {
		return nil, err
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	e, err := p.notExpr()
	if err != nil {
		return nil, err
	}
	p.leave()
	return &Not{Arg: e, At: at}, nil
}

func (p *textParser) primary() (Expr, *Error) {
	if p.tok.kind == tLParen {
		if err := p.enter(p.tok.pos); err != nil {
			return nil, err
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
		e, err := p.orExpr()
		if err != nil {
			return nil, err
		}
		if err := p.expect(tRParen, "AND, OR or )"); err != nil {
			return nil, err
		}
		p.leave()
		return e, nil
	}
	if err := p.predicate(p.tok.pos); err != nil {
		return nil, err
	}
	if t := p.tok.text; p.tok.kind == tIdent && len(t) > 2 && t[1] == '_' {
		name := strings.ToUpper(t)
		if op, ok := spatialOps[name]; ok {
			return p.spatial(op)
		}
		if op, ok := temporalOps[name]; ok {
			return p.temporal(op)
		}
	}
	left, err := p.scalar()
	if err != nil {
		return nil, err
	}
	at := left.Pos()
	if p.tok.kind == tOp {
		op := compareOps[p.tok.text]
		if err := p.advance(); err != nil {
			return nil, err
		}
		right, err := p.scalar()
		if err != nil {
			return nil, err
		}
		return &Comparison{Op: op, Left: left, Right: right, At: at}, nil
	}
	not := false
	if p.keyword("NOT") {
		not = true
		if err := p.advance(); err != nil {
			return nil, err
		}
	}
	switch {
	case p.keyword("LIKE"):
		if err := p.advance(); err != nil {
			return nil, err
		}
		pat, err := p.scalar()
		if err != nil {
			return nil, err
		}
		return &Like{Arg: left, Pattern: pat, Not: not, At: at}, nil
	case p.keyword("BETWEEN"):
		if err := p.advance(); err != nil {
			return nil, err
		}
		low, err := p.scalar()
		if err != nil {
			return nil, err
		}
		if !p.keyword("AND") {
			return nil, p.unexpected("AND after the lower bound of BETWEEN")
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
		high, err := p.scalar()
		if err != nil {
			return nil, err
		}
		return &Between{Arg: left, Low: low, High: high, Not: not, At: at}, nil
	case p.keyword("IN"):
		if err := p.advance(); err != nil {
			return nil, err
		}
		list, err := p.inList()
		if err != nil {
			return nil, err
		}
		return &In{Arg: left, List: list, Not: not, At: at}, nil
	case !not && p.keyword("IS"):
		if err := p.advance(); err != nil {
			return nil, err
		}
		if p.keyword("NOT") {
			not = true
			if err := p.advance(); err != nil {
				return nil, err
			}
		}
		if !p.keyword("NULL") {
			return nil, p.unexpected("NULL")
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
		return &IsNull{Arg: left, Not: not, At: at}, nil
	}
	if not {
		return nil, p.unexpected("LIKE, BETWEEN or IN after NOT")
	}
	if b, ok := left.(*Bool); ok {
		return b, nil
	}
	return nil, p.unexpected("a comparison operator, LIKE, BETWEEN, IN or IS")
}

func (p *textParser) inList() ([]Scalar, *Error) {
	if err := p.expect(tLParen, "( to open the IN list"); err != nil {
		return nil, err
	}
	var list []Scalar
	for {
		if len(list) == MaxList {
			return nil, errorf(p.tok.pos, "the IN list has more than %d values", MaxList)
		}
		s, err := p.scalar()
		if err != nil {
			return nil, err
		}
		list = append(list, s)
		if p.tok.kind == tRParen {
			return list, p.advance()
		}
		if err := p.expect(tComma, ", or ) in the IN list"); err != nil {
			return nil, err
		}
	}
}

var compareOps = map[string]CompareOp{"=": Eq, "<>": Ne, "<": Lt, "<=": Le, ">": Gt, ">=": Ge}

var spatialOps = map[string]SpatialOp{"S_INTERSECTS": SIntersects, "S_DISJOINT": SDisjoint}

var temporalOps = func() map[string]TemporalOp {
	m := map[string]TemporalOp{}
	for op, name := range temporalText {
		m[name] = TemporalOp(op)
	}
	return m
}()

// args2 reads "(a, b)" after a function name.
func (p *textParser) args2() (Scalar, Scalar, *Error) {
	name := p.tok.text
	if err := p.enter(p.tok.pos); err != nil {
		return nil, nil, err
	}
	if err := p.advance(); err != nil {
		return nil, nil, err
	}
	if err := p.expect(tLParen, "( after "+name); err != nil {
		return nil, nil, err
	}
	a, err := p.scalar()
	if err != nil {
		return nil, nil, err
	}
	if err := p.expect(tComma, ", between the arguments of "+name); err != nil {
		return nil, nil, err
	}
	b, err := p.scalar()
	if err != nil {
		return nil, nil, err
	}
	if err := p.expect(tRParen, ") after the second argument of "+name); err != nil {
		return nil, nil, err
	}
	p.leave()
	return a, b, nil
}

func (p *textParser) spatial(op SpatialOp) (Expr, *Error) {
	at := p.tok.pos
	a, b, err := p.args2()
	if err != nil {
		return nil, err
	}
	return &Spatial{Op: op, Left: a, Right: b, At: at}, nil
}

func (p *textParser) temporal(op TemporalOp) (Expr, *Error) {
	at := p.tok.pos
	a, b, err := p.args2()
	if err != nil {
		return nil, err
	}
	return &Temporal{Op: op, Left: a, Right: b, At: at}, nil
}

// scalar reads a property or a literal.
func (p *textParser) scalar() (Scalar, *Error) {
	t := p.tok
	switch t.kind {
	case tNumber:
		n, err := parseNumber(t.text, t.pos)
		if err != nil {
			return nil, err
		}
		if err := p.value(t.pos); err != nil {
			return nil, err
		}
		return n, p.advance()
	case tString:
		if err := p.value(t.pos); err != nil {
			return nil, err
		}
		return &String{Value: t.text, At: t.pos}, p.advance()
	case tQuoted:
		if t.text == "" {
			return nil, errorf(t.pos, "a property name cannot be empty")
		}
		return &Property{Name: t.text, At: t.pos}, p.advance()
	case tIdent:
		return p.word()
	}
	return nil, p.unexpected("a property or a value")
}

// reserved are the words that cannot name a property unquoted.
var reserved = map[string]bool{"AND": true, "OR": true, "NOT": true, "LIKE": true, "IN": true, "BETWEEN": true, "IS": true, "NULL": true}

// keywords are the words with a meaning of their own in a scalar.
var keywords = []string{"TRUE", "FALSE", "DATE", "TIMESTAMP", "INTERVAL", "BBOX", "POINT", "MULTIPOINT", "LINESTRING",
	"MULTILINESTRING", "POLYGON", "MULTIPOLYGON", "GEOMETRYCOLLECTION", "AND", "OR", "NOT", "LIKE", "IN", "BETWEEN", "IS", "NULL"}

// keywordOf returns the keyword w spells in any case, or "", without
// allocating.
func keywordOf(w string) string {
	for _, k := range keywords {
		if len(k) == len(w) && strings.EqualFold(k, w) {
			return k
		}
	}
	return ""
}

// word reads a scalar that starts with a bare word: TRUE, FALSE, a
// temporal or geometry literal, or a property.
func (p *textParser) word() (Scalar, *Error) {
	t := p.tok
	upper := keywordOf(t.text)
	if upper != "" && upper != "TRUE" && upper != "FALSE" && !reserved[upper] && !p.callFollows() {
		// A literal's keyword is a property name unless a call follows:
		// date = DATE('2016-09-17').
		upper = ""
	}
	switch upper {
	case "TRUE", "FALSE":
		if err := p.value(t.pos); err != nil {
			return nil, err
		}
		return &Bool{Value: upper == "TRUE", At: t.pos}, p.advance()
	case "DATE", "TIMESTAMP":
		s, err := p.call1String()
		if err != nil {
			return nil, err
		}
		return instant(upper, s, t.pos)
	case "INTERVAL":
		return p.interval()
	case "BBOX":
		return p.bbox()
	case "POINT", "MULTIPOINT", "LINESTRING", "MULTILINESTRING", "POLYGON", "MULTIPOLYGON", "GEOMETRYCOLLECTION":
		if err := p.enter(t.pos); err != nil {
			return nil, err
		}
		g, err := p.wkt()
		if err != nil {
			return nil, err
		}
		p.leave()
		return &Geometry{G: g, At: t.pos}, nil
	}
	if reserved[upper] {
		return nil, errorf(t.pos, "expected a property or a value, found the keyword %s (quote a property of that name: \"%s\")", upper, t.text)
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	if p.tok.kind == tLParen {
		return nil, errorf(t.pos, "unknown function %s", clip(t.text))
	}
	return &Property{Name: t.text, At: t.pos}, nil
}

// callFollows reports whether the current word is followed by "(", or by
// Z and "(" as in POINT Z (1 2 3).
func (p *textParser) callFollows() bool {
	s, i := p.lex.src, p.lex.off
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	if i+1 < len(s) && (s[i] == 'Z' || s[i] == 'z') && !isIdentPart(s[i+1]) {
		i++
		for i < len(s) && isSpace(s[i]) {
			i++
		}
	}
	return i < len(s) && s[i] == '('
}

// call1String reads NAME('text') and returns the text with its position.
func (p *textParser) call1String() (token, *Error) {
	name := p.tok.text
	if err := p.value(p.tok.pos); err != nil {
		return token{}, err
	}
	if err := p.advance(); err != nil {
		return token{}, err
	}
	if err := p.expect(tLParen, "( after "+name); err != nil {
		return token{}, err
	}
	s := p.tok
	if err := p.expect(tString, "a quoted string in "+name+"()"); err != nil {
		return token{}, err
	}
	return s, p.expect(tRParen, ") after the string of "+name+"()")
}

// instant makes a DATE or TIMESTAMP literal from its text.
func instant(kind string, s token, at int) (Scalar, *Error) {
	if kind == "DATE" {
		if _, err := geo.ParseDate(s.text); err != nil {
			return nil, errorf(s.pos, "'%s' is not a real calendar date in the form YYYY-MM-DD", clip(s.text))
		}
		return &Date{Value: s.text, At: at}, nil
	}
	ts, err := time.Parse(time.RFC3339Nano, s.text)
	if err != nil {
		return nil, errorf(s.pos, "'%s' is not an RFC 3339 timestamp such as 2016-09-17T10:30:00Z", clip(s.text))
	}
	return &Timestamp{Value: ts, At: at}, nil
}

// interval reads INTERVAL(start, end), each end a string ('..' for open),
// DATE() or TIMESTAMP().
func (p *textParser) interval() (Scalar, *Error) {
	at := p.tok.pos
	if err := p.value(at); err != nil {
		return nil, err
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	if err := p.expect(tLParen, "( after INTERVAL"); err != nil {
		return nil, err
	}
	var ends [2]Scalar
	for i := range ends {
		if i == 1 {
			if err := p.expect(tComma, ", between the ends of INTERVAL"); err != nil {
				return nil, err
			}
		}
		t := p.tok
		switch {
		case t.kind == tString:
			e, err := intervalEnd(t)
			if err != nil {
				return nil, err
			}
			ends[i] = e
			if err := p.advance(); err != nil {
				return nil, err
			}
		case p.keyword("DATE") || p.keyword("TIMESTAMP"):
			s, err := p.call1String()
			if err != nil {
				return nil, err
			}
			e, err := instant(strings.ToUpper(t.text), s, t.pos)
			if err != nil {
				return nil, err
			}
			ends[i] = e
		default:
			return nil, p.unexpected("a date, a timestamp or '..' in INTERVAL")
		}
	}
	if err := p.expect(tRParen, ") after the end of INTERVAL"); err != nil {
		return nil, err
	}
	return newInterval(ends[0], ends[1], at)
}

// intervalEnd reads one end of an interval written as a string: '..', a
// date or a timestamp.
func intervalEnd(t token) (Scalar, *Error) {
	switch {
	case t.text == "..":
		return nil, nil
	case len(t.text) == len(geo.DateLayout):
		return instant("DATE", t, t.pos)
	}
	return instant("TIMESTAMP", t, t.pos)
}

func newInterval(start, end Scalar, at int) (Scalar, *Error) {
	if start != nil && end != nil && instantStart(start) > instantEnd(end) {
		return nil, errorf(at, "the interval ends before it starts")
	}
	return &Interval{Start: start, End: end, At: at}, nil
}

// bbox reads BBOX(minx, miny, maxx, maxy), or six numbers with heights.
func (p *textParser) bbox() (Scalar, *Error) {
	at := p.tok.pos
	if err := p.advance(); err != nil {
		return nil, err
	}
	if err := p.expect(tLParen, "( after BBOX"); err != nil {
		return nil, err
	}
	var v []float64
	for {
		if p.tok.kind != tNumber {
			return nil, p.unexpected("a number in BBOX")
		}
		n, err := parseNumber(p.tok.text, p.tok.pos)
		if err != nil {
			return nil, err
		}
		if len(v) == 6 {
			return nil, errorf(p.tok.pos, "BBOX takes 4 or 6 numbers")
		}
		v = append(v, n.Value)
		if err := p.advance(); err != nil {
			return nil, err
		}
		if p.tok.kind == tRParen {
			break
		}
		if err := p.expect(tComma, ", or ) in BBOX"); err != nil {
			return nil, err
		}
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	return newEnvelope(v, at)
}

func newEnvelope(v []float64, at int) (Scalar, *Error) {
	var b geo.BBox
	switch len(v) {
	case 4:
		b = geo.BBox{MinLon: v[0], MinLat: v[1], MaxLon: v[2], MaxLat: v[3]}
	case 6:
		b = geo.BBox{MinLon: v[0], MinLat: v[1], MaxLon: v[3], MaxLat: v[4]}
	default:
		return nil, errorf(at, "BBOX takes 4 or 6 numbers, not %d", len(v))
	}
	if err := b.Validate(); err != nil {
		return nil, errorf(at, "BBOX: %s", geoMsg(err))
	}
	return &Envelope{Box: b, At: at}, nil
}

func parseNumber(s string, pos int) (*Number, *Error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) {
		return nil, errorf(pos, "the number %s is out of range", clip(s))
	}
	n := &Number{Value: f, At: pos}
	if !strings.ContainsAny(s, ".eE") {
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			n.Int, n.IsInt = i, true
		}
	}
	return n, nil
}

// wkt reads a geometry in well-known text, the current token being its
// type name.
func (p *textParser) wkt() (orb.Geometry, *Error) {
	kind := strings.ToUpper(p.tok.text)
	if err := p.advance(); err != nil {
		return nil, err
	}
	if p.keyword("Z") {
		if err := p.advance(); err != nil {
			return nil, err
		}
	}
	if p.keyword("EMPTY") {
		return nil, errorf(p.tok.pos, "empty geometries are not supported")
	}
	switch kind {
	case "POINT":
		if err := p.expect(tLParen, "( after POINT"); err != nil {
			return nil, err
		}
		pt, err := p.coord()
		if err != nil {
			return nil, err
		}
		return pt, p.expect(tRParen, ") after the coordinates of POINT")
	case "MULTIPOINT":
		return p.multiPoint()
	case "LINESTRING":
		return p.lineString()
	case "MULTILINESTRING":
		var ml orb.MultiLineString
		err := p.list(func() *Error {
			ls, err := p.lineString()
			ml = append(ml, ls)
			return err
		})
		return ml, err
	case "POLYGON":
		return p.polygon()
	case "MULTIPOLYGON":
		var mp orb.MultiPolygon
		err := p.list(func() *Error {
			pg, err := p.polygon()
			mp = append(mp, pg)
			return err
		})
		return mp, err
	}
	var gc orb.Collection
	err := p.list(func() *Error {
		if p.tok.kind != tIdent {
			return p.unexpected("a geometry in GEOMETRYCOLLECTION")
		}
		switch strings.ToUpper(p.tok.text) {
		case "POINT", "MULTIPOINT", "LINESTRING", "MULTILINESTRING", "POLYGON", "MULTIPOLYGON", "GEOMETRYCOLLECTION":
		default:
			return p.unexpected("a geometry in GEOMETRYCOLLECTION")
		}
		if err := p.enter(p.tok.pos); err != nil {
			return err
		}
		g, err := p.wkt()
		p.leave()
		gc = append(gc, g)
		return err
	})
	return gc, err
}

// list reads "(item, item, ...)".
func (p *textParser) list(item func() *Error) *Error {
	if err := p.expect(tLParen, "("); err != nil {
		return err
	}
	for {
		if err := item(); err != nil {
			return err
		}
		if p.tok.kind == tRParen {
			return p.advance()
		}
		if err := p.expect(tComma, ", or )"); err != nil {
			return err
		}
	}
}

func (p *textParser) coord() (orb.Point, *Error) {
	at := p.tok.pos
	var v [3]float64
	n := 0
	for p.tok.kind == tNumber {
		if n == 3 {
			return orb.Point{}, errorf(p.tok.pos, "a position has at most 3 numbers")
		}
		num, err := parseNumber(p.tok.text, p.tok.pos)
		if err != nil {
			return orb.Point{}, err
		}
		v[n] = num.Value
		n++
		if err := p.advance(); err != nil {
			return orb.Point{}, err
		}
	}
	if n < 2 {
		return orb.Point{}, p.unexpected("a position: longitude and latitude separated by a space")
	}
	return newPoint(v[0], v[1], at)
}

// geoMsg is the message of a *geo.Error, without the package's prefix.
func geoMsg(err error) string {
	var ge *geo.Error
	if errors.As(err, &ge) {
		return ge.Msg
	}
	return err.Error()
}

func newPoint(lon, lat float64, at int) (orb.Point, *Error) {
	if err := geo.CheckLon(lon); err != nil {
		return orb.Point{}, errorf(at, "%s", geoMsg(err))
	}
	if err := geo.CheckLat(lat); err != nil {
		return orb.Point{}, errorf(at, "%s", geoMsg(err))
	}
	return orb.Point{lon, lat}, nil
}

func (p *textParser) points() ([]orb.Point, *Error) {
	var pts []orb.Point
	err := p.list(func() *Error {
		if err := p.vertex(p.tok.pos); err != nil {
			return err
		}
		pt, err := p.coord()
		pts = append(pts, pt)
		return err
	})
	return pts, err
}

func (p *textParser) multiPoint() (orb.MultiPoint, *Error) {
	var mp orb.MultiPoint
	err := p.list(func() *Error {
		if err := p.vertex(p.tok.pos); err != nil {
			return err
		}
		paren := p.tok.kind == tLParen
		if paren {
			if err := p.advance(); err != nil {
				return err
			}
		}
		pt, err := p.coord()
		if err != nil {
			return err
		}
		mp = append(mp, pt)
		if paren {
			return p.expect(tRParen, ")")
		}
		return nil
	})
	return mp, err
}

func (p *textParser) lineString() (orb.LineString, *Error) {
	at := p.tok.pos
	pts, err := p.points()
	if err != nil {
		return nil, err
	}
	if len(pts) < 2 {
		return nil, errorf(at, "a line string needs at least 2 positions")
	}
	return orb.LineString(pts), nil
}

func (p *textParser) polygon() (orb.Polygon, *Error) {
	var pg orb.Polygon
	err := p.list(func() *Error {
		at := p.tok.pos
		pts, err := p.points()
		if err != nil {
			return err
		}
		r, err := newRing(pts, at)
		pg = append(pg, r)
		return err
	})
	return pg, err
}

func newRing(pts []orb.Point, at int) (orb.Ring, *Error) {
	if len(pts) < 4 {
		return nil, errorf(at, "a polygon ring needs at least 4 positions")
	}
	if pts[0] != pts[len(pts)-1] {
		return nil, errorf(at, "a polygon ring must end where it starts")
	}
	return orb.Ring(pts), nil
}
