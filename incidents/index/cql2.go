package index

import (
	"errors"
	"fmt"
	"strings"

	"github.com/paulmach/orb"

	"github.com/mapd/mapd/cql2"
)

// ErrUnanswerable is returned by Compile for a filter whose CQL2
// expression names a property the index does not hold (source_id,
// date_precision, place, geonameid, notes): the store answers it.
var ErrUnanswerable = errors.New("index: the filter names a property the index does not hold")

// exprPredicate returns the row predicate of a checked CQL2 expression
// (see cql2.Queryables.Check): true where cql2.Eval is True. It is
// compiled once into closures that read the View's columns directly
// (dates as day numbers), so a row costs a few comparisons. Points are the
// index's, within about 1e-7 degrees of the stored ones, so a point that
// close to the edge of a filter's geometry may fall on the other side of
// it than in the store.
func exprPredicate(e cql2.Expr) (func(v *View) bool, error) {
	if err := checkProperties(e); err != nil {
		return nil, err
	}
	p, err := compileExpr(e)
	if err != nil {
		return nil, err
	}
	return func(v *View) bool { return p(v) == cql2.True }, nil
}

// truthPred is a compiled expression.
type truthPred func(v *View) cql2.Truth

func truthOf(b bool) cql2.Truth {
	if b {
		return cql2.True
	}
	return cql2.False
}

// column reads one property of a row: a number (dates as day numbers) or
// a string, and whether it is null.
type column struct {
	num func(v *View) (float64, bool)
	str func(v *View) (string, bool)
}

func numColumn(f func(v *View) float64) column {
	return column{num: func(v *View) (float64, bool) { return f(v), true }}
}

func strColumn(f func(v *View) string) column {
	return column{str: func(v *View) (string, bool) { return f(v), true }}
}

func countColumn(f func(v *View) int) column {
	return column{num: func(v *View) (float64, bool) { n := f(v); return float64(n), n >= 0 }}
}

var columns = map[string]column{
	"id":             numColumn(func(v *View) float64 { return float64(v.ID) }),
	"date":           numColumn(func(v *View) float64 { return float64(v.Day) }),
	"event_type":     strColumn(func(v *View) string { return v.EventType }),
	"sub_event_type": strColumn(func(v *View) string { return v.SubEventType }),
	"actor1":         strColumn(func(v *View) string { return v.Actor1 }),
	"actor2":         strColumn(func(v *View) string { return v.Actor2 }),
	"country":        strColumn(func(v *View) string { return v.Country }),
	"admin1":         strColumn(func(v *View) string { return v.Admin1 }),
	"fatalities":     countColumn(func(v *View) int { return v.Fatalities }),
	"injuries":       countColumn(func(v *View) int { return v.Injuries }),
	"geo_precision":  numColumn(func(v *View) float64 { return float64(v.GeoPrecision) }),
}

// literal is a checked literal in a column's terms.
type literal struct {
	num float64
	str string
}

func literalOf(s cql2.Scalar) (literal, error) {
	switch s := s.(type) {
	case *cql2.Number:
		return literal{num: s.Value}, nil
	case *cql2.String:
		return literal{str: s.Value}, nil
	case *cql2.Date:
		d, err := parseDay(s.Value)
		if err != nil {
			return literal{}, err
		}
		return literal{num: float64(d)}, nil
	}
	return literal{}, fmt.Errorf("index: unchecked CQL2 literal %T", s)
}

// cmp returns a function ordering a row's value against the literal, and
// false with it for a null.
func (c column) cmp(lit literal) func(v *View) (int, bool) {
	if c.num != nil {
		return func(v *View) (int, bool) {
			x, ok := c.num(v)
			switch {
			case x < lit.num:
				return -1, ok
			case x > lit.num:
				return 1, ok
			}
			return 0, ok
		}
	}
	return func(v *View) (int, bool) {
		x, ok := c.str(v)
		return strings.Compare(x, lit.str), ok
	}
}

func holds(op cql2.CompareOp, c int) bool {
	switch op {
	case cql2.Eq:
		return c == 0
	case cql2.Ne:
		return c != 0
	case cql2.Lt:
		return c < 0
	case cql2.Le:
		return c <= 0
	case cql2.Gt:
		return c > 0
	}
	return c >= 0
}

func compileExpr(e cql2.Expr) (truthPred, error) {
	switch e := e.(type) {
	case *cql2.And, *cql2.Or:
		var args []cql2.Expr
		stop, rest := cql2.False, cql2.True // And: False decides, else True
		if a, ok := e.(*cql2.And); ok {
			args = a.Args
		} else {
			args, stop, rest = e.(*cql2.Or).Args, cql2.True, cql2.False
		}
		ps := make([]truthPred, len(args))
		for i, a := range args {
			p, err := compileExpr(a)
			if err != nil {
				return nil, err
			}
			ps[i] = p
		}
		return func(v *View) cql2.Truth {
			out := rest
			for _, p := range ps {
				switch p(v) {
				case stop:
					return stop
				case cql2.Unknown:
					out = cql2.Unknown
				}
			}
			return out
		}, nil
	case *cql2.Not:
		p, err := compileExpr(e.Arg)
		if err != nil {
			return nil, err
		}
		return func(v *View) cql2.Truth {
			if t := p(v); t != cql2.Unknown {
				return 1 - t
			}
			return cql2.Unknown
		}, nil
	case *cql2.Bool:
		t := truthOf(e.Value)
		return func(*View) cql2.Truth { return t }, nil
	case *cql2.Spatial:
		g := e.Right
		return func(v *View) cql2.Truth {
			lon, lat := v.Point()
			return truthOf(cql2.Intersects(g, orb.Point{lon, lat}))
		}, nil
	case *cql2.IsNull:
		c := columns[e.Arg.(*cql2.Property).Name]
		return func(v *View) cql2.Truth {
			var ok bool
			if c.num != nil {
				_, ok = c.num(v)
			} else {
				_, ok = c.str(v)
			}
			return truthOf(!ok != e.Not)
		}, nil
	case *cql2.Like:
		c := columns[e.Arg.(*cql2.Property).Name]
		pat := e.Pattern.(*cql2.String).Value
		if c.str == nil {
			return nil, fmt.Errorf("index: LIKE on a number")
		}
		return func(v *View) cql2.Truth {
			x, ok := c.str(v)
			if !ok {
				return cql2.Unknown
			}
			return truthOf(cql2.Match(pat, x) != e.Not)
		}, nil
	case *cql2.Comparison:
		c := columns[e.Left.(*cql2.Property).Name]
		lit, err := literalOf(e.Right)
		if err != nil {
			return nil, err
		}
		cmp, op := c.cmp(lit), e.Op
		return func(v *View) cql2.Truth {
			x, ok := cmp(v)
			if !ok {
				return cql2.Unknown
			}
			return truthOf(holds(op, x))
		}, nil
	case *cql2.Between:
		c := columns[e.Arg.(*cql2.Property).Name]
		lo, err := literalOf(e.Low)
		if err != nil {
			return nil, err
		}
		hi, err := literalOf(e.High)
		if err != nil {
			return nil, err
		}
		cmpLo, cmpHi := c.cmp(lo), c.cmp(hi)
		return func(v *View) cql2.Truth {
			a, ok := cmpLo(v)
			if !ok {
				return cql2.Unknown
			}
			b, _ := cmpHi(v)
			return truthOf((a >= 0 && b <= 0) != e.Not)
		}, nil
	case *cql2.In:
		c := columns[e.Arg.(*cql2.Property).Name]
		cmps := make([]func(v *View) (int, bool), len(e.List))
		for i, x := range e.List {
			lit, err := literalOf(x)
			if err != nil {
				return nil, err
			}
			cmps[i] = c.cmp(lit)
		}
		return func(v *View) cql2.Truth {
			for _, cmp := range cmps {
				x, ok := cmp(v)
				if !ok {
					return cql2.Unknown
				}
				if x == 0 {
					return truthOf(!e.Not)
				}
			}
			return truthOf(e.Not)
		}, nil
	}
	return nil, fmt.Errorf("index: unchecked CQL2 expression %T", e)
}

// checkProperties reports ErrUnanswerable for a property the index lacks.
func checkProperties(e cql2.Expr) error {
	var args []cql2.Scalar
	switch e := e.(type) {
	case *cql2.And:
		for _, a := range e.Args {
			if err := checkProperties(a); err != nil {
				return err
			}
		}
		return nil
	case *cql2.Or:
		for _, a := range e.Args {
			if err := checkProperties(a); err != nil {
				return err
			}
		}
		return nil
	case *cql2.Not:
		return checkProperties(e.Arg)
	case *cql2.Bool:
		return nil
	case *cql2.Comparison:
		args = []cql2.Scalar{e.Left}
	case *cql2.Like:
		args = []cql2.Scalar{e.Arg}
	case *cql2.In:
		args = []cql2.Scalar{e.Arg}
	case *cql2.Between:
		args = []cql2.Scalar{e.Arg}
	case *cql2.IsNull:
		args = []cql2.Scalar{e.Arg}
	case *cql2.Spatial:
		args = []cql2.Scalar{e.Left}
	default:
		return fmt.Errorf("index: unchecked CQL2 expression %T", e)
	}
	for _, a := range args {
		p, ok := a.(*cql2.Property)
		if !ok {
			return fmt.Errorf("index: unchecked CQL2 expression at byte offset %d", a.Pos())
		}
		if _, ok := columns[p.Name]; !ok && p.Name != "geometry" {
			return fmt.Errorf("%w: %s", ErrUnanswerable, p.Name)
		}
	}
	return nil
}
