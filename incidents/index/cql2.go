package index

import (
	"errors"
	"fmt"

	"github.com/paulmach/orb"

	"github.com/mapd/mapd/cql2"
)

// ErrUnanswerable is returned by Compile for a filter whose CQL2
// expression names a property the index does not hold (source_id,
// date_precision, place, geonameid, notes): the store answers it.
var ErrUnanswerable = errors.New("index: the filter names a property the index does not hold")

// indexValues are the queryables the index holds, each read from a View.
var indexValues = map[string]func(v *View) cql2.Value{
	"id":             func(v *View) cql2.Value { return cql2.Value{Type: cql2.TypeInteger, Num: float64(v.ID)} },
	"date":           func(v *View) cql2.Value { return cql2.Value{Type: cql2.TypeDate, Str: v.Date()} },
	"event_type":     func(v *View) cql2.Value { return cql2.Value{Type: cql2.TypeString, Str: v.EventType} },
	"sub_event_type": func(v *View) cql2.Value { return cql2.Value{Type: cql2.TypeString, Str: v.SubEventType} },
	"actor1":         func(v *View) cql2.Value { return cql2.Value{Type: cql2.TypeString, Str: v.Actor1} },
	"actor2":         func(v *View) cql2.Value { return cql2.Value{Type: cql2.TypeString, Str: v.Actor2} },
	"country":        func(v *View) cql2.Value { return cql2.Value{Type: cql2.TypeString, Str: v.Country} },
	"admin1":         func(v *View) cql2.Value { return cql2.Value{Type: cql2.TypeString, Str: v.Admin1} },
	"fatalities":     func(v *View) cql2.Value { return count(v.Fatalities) },
	"injuries":       func(v *View) cql2.Value { return count(v.Injuries) },
	"geo_precision":  func(v *View) cql2.Value { return cql2.Value{Type: cql2.TypeInteger, Num: float64(v.GeoPrecision)} },
	"geometry": func(v *View) cql2.Value {
		lon, lat := v.Point()
		return cql2.Value{Type: cql2.TypeGeometry, Point: orb.Point{lon, lat}}
	},
}

func count(n int) cql2.Value {
	if n < 0 {
		return cql2.Value{}
	}
	return cql2.Value{Type: cql2.TypeInteger, Num: float64(n)}
}

// exprPredicate returns the row predicate of a checked CQL2 expression
// (see cql2.Queryables.Check): true where cql2.Eval is True. Points are
// the index's, within about 1e-7 degrees of the stored ones, so a point
// that close to the edge of a filter's geometry may fall on the other
// side of it than in the store.
func exprPredicate(e cql2.Expr) (func(v *View) bool, error) {
	if err := checkProperties(e); err != nil {
		return nil, err
	}
	return func(v *View) bool {
		return cql2.Eval(e, func(name string) cql2.Value { return indexValues[name](v) }) == cql2.True
	}, nil
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
		if indexValues[p.Name] == nil {
			return fmt.Errorf("%w: %s", ErrUnanswerable, p.Name)
		}
	}
	return nil
}
