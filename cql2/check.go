package cql2

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mapd/mapd/geo"
)

// Type is the type of a queryable property.
type Type uint8

// The property types. TypeDate holds calendar dates ("YYYY-MM-DD"), which
// compare as instants with a granularity of one day; TypeGeometry holds a
// point.
const (
	TypeString Type = iota + 1
	TypeNumber
	TypeInteger
	TypeDate
	TypeBoolean
	TypeGeometry
)

var typeText = [...]string{0: "null", TypeString: "a string", TypeNumber: "a number", TypeInteger: "an integer",
	TypeDate: "a date", TypeBoolean: "a boolean", TypeGeometry: "a geometry"}

func (t Type) String() string { return typeText[t] }

// Queryables maps the name of each property a filter may use to its type.
type Queryables map[string]Type

// Check validates e against the queryables and returns its checked form,
// the only form evaluators need to handle:
//
//   - And, Or and Not of checked expressions, and Bool;
//   - Comparison, Like, In, Between and IsNull whose first operand is a
//     *Property and whose other operands are literals of the property's
//     type: *String, *Number, *Date or *Bool (a string compared with a date
//     property becomes a *Date, a timestamp its UTC date);
//   - Spatial with Op SIntersects, a *Property of TypeGeometry on the left
//     and a *Geometry or an *Envelope on the right (S_DISJOINT becomes NOT
//     S_INTERSECTS);
//   - no Temporal: each becomes comparisons of the date property.
//
// Comparisons of literals alone are folded to a Bool. Comparing two
// properties is refused. Every error is an *Error; one that names an
// unknown property has Property set.
func (q Queryables) Check(e Expr) (Expr, error) {
	out, err := q.check(e)
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (q Queryables) check(e Expr) (Expr, *Error) {
	switch e := e.(type) {
	case *And:
		args, err := q.checkAll(e.Args)
		if err != nil {
			return nil, err
		}
		return and(args, e.At), nil
	case *Or:
		args, err := q.checkAll(e.Args)
		if err != nil {
			return nil, err
		}
		return or(args, e.At), nil
	case *Not:
		arg, err := q.check(e.Arg)
		if err != nil {
			return nil, err
		}
		return not(arg, e.At), nil
	case *Bool:
		return e, nil
	case *Comparison:
		return q.comparison(e)
	case *Like:
		t, err := q.property(e.Arg, "LIKE")
		if err != nil {
			return nil, err
		}
		if t != TypeString {
			return nil, propErr(e.Arg, "LIKE needs a string property; %s is %s", name(e.Arg), t)
		}
		if _, ok := e.Pattern.(*String); !ok {
			return nil, errorf(e.Pattern.Pos(), "the pattern of LIKE must be a 'quoted string'")
		}
		return e, nil
	case *In:
		t, err := q.property(e.Arg, "IN")
		if err != nil {
			return nil, err
		}
		list := make([]Scalar, len(e.List))
		for i, v := range e.List {
			if list[i], err = coerce(v, t, e.Arg); err != nil {
				return nil, err
			}
		}
		return &In{Arg: e.Arg, List: list, Not: e.Not, At: e.At}, nil
	case *Between:
		t, err := q.property(e.Arg, "BETWEEN")
		if err != nil {
			return nil, err
		}
		if t != TypeNumber && t != TypeInteger && t != TypeDate && t != TypeString {
			return nil, propErr(e.Arg, "BETWEEN needs a number, date or string property; %s is %s", name(e.Arg), t)
		}
		low, err := coerce(e.Low, t, e.Arg)
		if err != nil {
			return nil, err
		}
		high, err := coerce(e.High, t, e.Arg)
		if err != nil {
			return nil, err
		}
		return &Between{Arg: e.Arg, Low: low, High: high, Not: e.Not, At: e.At}, nil
	case *IsNull:
		if _, err := q.property(e.Arg, "IS NULL"); err != nil {
			return nil, err
		}
		return e, nil
	case *Spatial:
		return q.spatial(e)
	case *Temporal:
		return q.temporal(e)
	}
	return nil, errorf(e.Pos(), "unsupported expression")
}

func (q Queryables) checkAll(in []Expr) ([]Expr, *Error) {
	out := make([]Expr, 0, len(in))
	for _, a := range in {
		c, err := q.check(a)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// and builds the conjunction of checked expressions, folding constants
// and flattening nested conjunctions.
func and(args []Expr, at int) Expr {
	out := args[:0:0]
	for _, a := range args {
		if inner, ok := a.(*And); ok {
			out = append(out, inner.Args...)
			continue
		}
		if b, ok := a.(*Bool); ok {
			if !b.Value {
				return &Bool{Value: false, At: at}
			}
			continue
		}
		out = append(out, a)
	}
	switch len(out) {
	case 0:
		return &Bool{Value: true, At: at}
	case 1:
		return out[0]
	}
	return &And{Args: out, At: at}
}

// or builds the disjunction of checked expressions, folding constants.
func or(args []Expr, at int) Expr {
	out := args[:0:0]
	for _, a := range args {
		if b, ok := a.(*Bool); ok {
			if b.Value {
				return &Bool{Value: true, At: at}
			}
			continue
		}
		out = append(out, a)
	}
	switch len(out) {
	case 0:
		return &Bool{Value: false, At: at}
	case 1:
		return out[0]
	}
	return &Or{Args: out, At: at}
}

func not(arg Expr, at int) Expr {
	if b, ok := arg.(*Bool); ok {
		return &Bool{Value: !b.Value, At: at}
	}
	return &Not{Arg: arg, At: at}
}

func name(s Scalar) string {
	if p, ok := s.(*Property); ok {
		return p.Name
	}
	return ""
}

func propErr(s Scalar, format string, args ...any) *Error {
	err := errorf(s.Pos(), format, args...)
	err.Property = name(s)
	return err
}

// lookup returns the type of a property, or an error naming it.
func (q Queryables) lookup(p *Property) (Type, *Error) {
	t, ok := q[p.Name]
	if !ok {
		names := make([]string, 0, len(q))
		for n := range q {
			names = append(names, n)
		}
		slices.Sort(names)
		return 0, propErr(p, "unknown property %q; the queryables are %s", clip(p.Name), strings.Join(names, ", "))
	}
	return t, nil
}

// property returns the type of s, which must be a property.
func (q Queryables) property(s Scalar, what string) (Type, *Error) {
	p, ok := s.(*Property)
	if !ok {
		return 0, errorf(s.Pos(), "%s needs a property on its left, found %s", what, describe(s))
	}
	return q.lookup(p)
}

// describe names a scalar in error messages.
func describe(s Scalar) string {
	switch s := s.(type) {
	case *Property:
		return "the property " + clip(s.Name)
	case *String:
		return "the string '" + clip(s.Value) + "'"
	case *Number:
		return "a number"
	case *Bool:
		return "a boolean"
	case *Date:
		return "a date"
	case *Timestamp:
		return "a timestamp"
	case *Interval:
		return "an interval"
	case *Envelope, *Geometry:
		return "a geometry"
	}
	return "a value"
}

// literalType is the type of a literal, 0 for properties and intervals.
func literalType(s Scalar) Type {
	switch s.(type) {
	case *String:
		return TypeString
	case *Number:
		return TypeNumber
	case *Bool:
		return TypeBoolean
	case *Date, *Timestamp:
		return TypeDate
	case *Envelope, *Geometry:
		return TypeGeometry
	}
	return 0
}

// coerce checks that the literal v fits a property of type t, and returns
// it in the form evaluators expect.
func coerce(v Scalar, t Type, prop Scalar) (Scalar, *Error) {
	if _, ok := v.(*Property); ok {
		return nil, errorf(v.Pos(), "comparing two properties (%s and %s) is not supported", name(prop), name(v))
	}
	switch t {
	case TypeString:
		if s, ok := v.(*String); ok {
			return s, nil
		}
		return nil, propErr(prop, "%s is a string property; compare it with a 'quoted string', not %s", name(prop), describe(v))
	case TypeNumber, TypeInteger:
		if n, ok := v.(*Number); ok {
			return n, nil
		}
		return nil, propErr(prop, "%s is a number property; compare it with a number, not %s", name(prop), describe(v))
	case TypeBoolean:
		if b, ok := v.(*Bool); ok {
			return b, nil
		}
		return nil, propErr(prop, "%s is a boolean property; compare it with TRUE or FALSE, not %s", name(prop), describe(v))
	case TypeDate:
		switch v := v.(type) {
		case *Date:
			return v, nil
		case *Timestamp:
			return &Date{Value: v.Value.UTC().Format(geo.DateLayout), At: v.At}, nil
		case *String:
			if _, err := geo.ParseDate(v.Value); err == nil {
				return &Date{Value: v.Value, At: v.At}, nil
			}
			if ts, err := time.Parse(time.RFC3339Nano, v.Value); err == nil {
				return &Date{Value: ts.UTC().Format(geo.DateLayout), At: v.At}, nil
			}
		}
		return nil, propErr(prop, "%s is a date property; compare it with DATE('YYYY-MM-DD'), not %s", name(prop), describe(v))
	}
	return nil, propErr(prop, "%s is a geometry property; test it with S_INTERSECTS", name(prop))
}

func (q Queryables) comparison(e *Comparison) (Expr, *Error) {
	l, r, op := e.Left, e.Right, e.Op
	if _, ok := l.(*Property); !ok {
		if _, ok := r.(*Property); !ok {
			return foldComparison(e)
		}
		l, r, op = r, l, op.flip()
	}
	t, err := q.lookup(l.(*Property))
	if err != nil {
		return nil, err
	}
	if p, ok := r.(*Property); ok {
		if _, err := q.lookup(p); err != nil {
			return nil, err
		}
	}
	v, err := coerce(r, t, l)
	if err != nil {
		return nil, err
	}
	if l == e.Left && v == e.Right && op == e.Op {
		return e, nil
	}
	return &Comparison{Op: op, Left: l, Right: v, At: e.At}, nil
}

// foldComparison evaluates a comparison of two literals.
func foldComparison(e *Comparison) (Expr, *Error) {
	lt, rt := literalType(e.Left), literalType(e.Right)
	if lt == 0 || lt == TypeGeometry || lt != rt {
		return nil, errorf(e.At, "cannot compare %s with %s", describe(e.Left), describe(e.Right))
	}
	c := compareLiterals(e.Left, e.Right)
	return &Bool{Value: opHolds(e.Op, c), At: e.At}, nil
}

// compareLiterals orders two literals of the same type: -1, 0 or 1.
func compareLiterals(a, b Scalar) int {
	switch a := a.(type) {
	case *String:
		return strings.Compare(a.Value, b.(*String).Value)
	case *Number:
		return cmpFloat(a.Value, b.(*Number).Value)
	case *Bool:
		x, y := 0, 0
		if a.Value {
			x = 1
		}
		if b.(*Bool).Value {
			y = 1
		}
		return x - y
	}
	return strings.Compare(instantStart(a), instantStart(b))
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// opHolds reports whether a comparison whose operands compare as c holds.
func opHolds(op CompareOp, c int) bool {
	switch op {
	case Eq:
		return c == 0
	case Ne:
		return c != 0
	case Lt:
		return c < 0
	case Le:
		return c <= 0
	case Gt:
		return c > 0
	}
	return c >= 0
}

func (q Queryables) spatial(e *Spatial) (Expr, *Error) {
	l, r := e.Left, e.Right
	if _, ok := l.(*Property); !ok {
		l, r = r, l
	}
	p, ok := l.(*Property)
	if !ok {
		return nil, errorf(e.At, "%s needs the geometry property as one argument", e.Op)
	}
	t, err := q.lookup(p)
	if err != nil {
		return nil, err
	}
	if t != TypeGeometry {
		return nil, propErr(p, "%s needs a geometry property; %s is %s", e.Op, p.Name, t)
	}
	switch r.(type) {
	case *Geometry, *Envelope:
	case *Property:
		return nil, errorf(r.Pos(), "%s of two properties is not supported", e.Op)
	default:
		return nil, errorf(r.Pos(), "%s needs a geometry such as BBOX(...) or POLYGON((...)), found %s", e.Op, describe(r))
	}
	s := &Spatial{Op: SIntersects, Left: p, Right: r, At: e.At}
	if e.Op == SDisjoint {
		return &Not{Arg: s, At: e.At}, nil
	}
	return s, nil
}

// end is an end of a temporal operand: the date property, a day, or an
// infinite end of an open interval (inf -1 or +1).
type end struct {
	prop *Property
	day  string
	inf  int
}

func (q Queryables) temporalEnds(s Scalar, other Scalar, op TemporalOp) (start, stop end, err *Error) {
	switch s := s.(type) {
	case *Property:
		t, err := q.lookup(s)
		if err != nil {
			return end{}, end{}, err
		}
		if t != TypeDate {
			return end{}, end{}, propErr(s, "%s needs a date property; %s is %s", op, s.Name, t)
		}
		if _, ok := other.(*Property); ok {
			return end{}, end{}, errorf(other.Pos(), "%s of two properties is not supported", op)
		}
		return end{prop: s}, end{prop: s}, nil
	case *Date, *Timestamp:
		return end{day: instantStart(s)}, end{day: instantStart(s)}, nil
	case *String:
		d, err := coerce(s, TypeDate, &Property{Name: op.String(), At: s.At})
		if err != nil {
			return end{}, end{}, errorf(s.At, "%s needs a date, a timestamp or an interval, found %s", op, describe(s))
		}
		return end{day: instantStart(d)}, end{day: instantStart(d)}, nil
	case *Interval:
		start, stop = end{inf: -1}, end{inf: 1}
		if s.Start != nil {
			start = end{day: instantStart(s.Start)}
		}
		if s.End != nil {
			stop = end{day: instantEnd(s.End)}
		}
		return start, stop, nil
	}
	return end{}, end{}, errorf(s.Pos(), "%s needs a date, a timestamp or an interval, found %s", op, describe(s))
}

// instantStart and instantEnd return the day a *Date or *Timestamp
// falls on (timestamps in UTC).
func instantStart(s Scalar) string {
	switch s := s.(type) {
	case *Date:
		return s.Value
	case *Timestamp:
		return s.Value.UTC().Format(geo.DateLayout)
	}
	return ""
}

func instantEnd(s Scalar) string { return instantStart(s) }

func (q Queryables) temporal(e *Temporal) (Expr, *Error) {
	aS, aE, err := q.temporalEnds(e.Left, e.Right, e.Op)
	if err != nil {
		return nil, err
	}
	bS, bE, err := q.temporalEnds(e.Right, e.Left, e.Op)
	if err != nil {
		return nil, err
	}
	if aS.prop == nil && bS.prop == nil {
		return nil, errorf(e.At, "%s needs the date property as one argument", e.Op)
	}
	at := e.At
	c := func(x end, op CompareOp, y end) Expr { return endComparison(x, op, y, at) }
	var parts []Expr
	switch e.Op {
	case TAfter:
		parts = []Expr{c(aS, Gt, bE)}
	case TBefore:
		parts = []Expr{c(aE, Lt, bS)}
	case TContains:
		parts = []Expr{c(aS, Lt, bS), c(aE, Gt, bE)}
	case TDisjoint:
		return or([]Expr{c(aS, Gt, bE), c(aE, Lt, bS)}, at), nil
	case TDuring:
		parts = []Expr{c(aS, Gt, bS), c(aE, Lt, bE)}
	case TEquals:
		parts = []Expr{c(aS, Eq, bS), c(aE, Eq, bE)}
	case TFinishedBy:
		parts = []Expr{c(aS, Lt, bS), c(aE, Eq, bE)}
	case TFinishes:
		parts = []Expr{c(aS, Gt, bS), c(aE, Eq, bE)}
	case TIntersects:
		parts = []Expr{c(aS, Le, bE), c(aE, Ge, bS)}
	case TMeets:
		parts = []Expr{c(aE, Eq, bS)}
	case TMetBy:
		parts = []Expr{c(aS, Eq, bE)}
	case TOverlappedBy:
		parts = []Expr{c(aS, Gt, bS), c(aS, Lt, bE), c(aE, Gt, bE)}
	case TOverlaps:
		parts = []Expr{c(aS, Lt, bS), c(aE, Gt, bS), c(aE, Lt, bE)}
	case TStartedBy:
		parts = []Expr{c(aS, Eq, bS), c(aE, Gt, bE)}
	case TStarts:
		parts = []Expr{c(aS, Eq, bS), c(aE, Lt, bE)}
	}
	return and(parts, at), nil
}

// endComparison compares two ends, at least one of them finite: a
// comparison of the date property with a day, or a constant.
func endComparison(x end, op CompareOp, y end, at int) Expr {
	if x.prop == nil && y.prop != nil {
		x, y, op = y, x, op.flip()
	}
	if x.prop != nil {
		switch {
		case y.prop != nil:
			return &Bool{Value: opHolds(op, 0), At: at}
		case y.inf != 0:
			// Every date is after the open start and before the open end.
			return &IsNull{Arg: x.prop, Not: opHolds(op, -y.inf), At: at}
		}
		return &Comparison{Op: op, Left: x.prop, Right: &Date{Value: y.day, At: at}, At: at}
	}
	c := x.inf - y.inf
	if x.inf == 0 && y.inf == 0 {
		c = strings.Compare(x.day, y.day)
	}
	return &Bool{Value: opHolds(op, c), At: at}
}

// String formats a type for messages; Queryables formats its names.
func (q Queryables) String() string {
	names := make([]string, 0, len(q))
	for n, t := range q {
		names = append(names, fmt.Sprintf("%s (%s)", n, t))
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}
