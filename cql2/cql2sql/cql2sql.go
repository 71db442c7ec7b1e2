// Package cql2sql writes checked CQL2 expressions (see
// cql2.Queryables.Check) as SQL conditions, for any SQL database through
// a Dialect: the logic and the predicates are written here once, the
// columns, placeholders, pattern matching and geometry by the dialect.
// Values never enter the SQL text: every literal is bound by the dialect.
package cql2sql

import (
	"fmt"
	"strings"

	"github.com/mapd/mapd/cql2"
)

// Dialect is what differs between the databases a condition is written
// for. Its methods are called in the order their text appears in the
// condition, so that positional placeholders bind in order.
type Dialect interface {
	// Column returns the SQL of a property's column, compared as CQL2
	// compares (text byte by byte), or an error for a property without
	// one.
	Column(property string) (string, error)
	// Bind binds a checked literal compared with the property and
	// returns its placeholder.
	Bind(property string, lit cql2.Scalar) string
	// Like returns the condition that the column col matches (or, with
	// not, does not match) the CQL2 LIKE pattern, case-sensitively.
	Like(col, pattern string, not bool) string
	// Spatial returns the condition of a checked spatial predicate.
	Spatial(e *cql2.Spatial) (string, error)
	// Bool returns the SQL of TRUE or FALSE.
	Bool(v bool) string
}

// Write writes the condition of a checked expression to b, with SQL's
// three-valued logic, which CQL2 shares.
func Write(b *strings.Builder, d Dialect, e cql2.Expr) error {
	switch e := e.(type) {
	case *cql2.And, *cql2.Or:
		list, sep := []cql2.Expr(nil), " AND "
		if a, ok := e.(*cql2.And); ok {
			list = a.Args
		} else {
			list, sep = e.(*cql2.Or).Args, " OR "
		}
		b.WriteByte('(')
		for i, a := range list {
			if i > 0 {
				b.WriteString(sep)
			}
			if err := Write(b, d, a); err != nil {
				return err
			}
		}
		b.WriteByte(')')
		return nil
	case *cql2.Not:
		b.WriteString("NOT (")
		if err := Write(b, d, e.Arg); err != nil {
			return err
		}
		b.WriteByte(')')
		return nil
	case *cql2.Bool:
		b.WriteString(d.Bool(e.Value))
		return nil
	case *cql2.Spatial:
		s, err := d.Spatial(e)
		b.WriteString(s)
		return err
	}
	p, ok := cql2.PredicateArg(e).(*cql2.Property)
	if !ok {
		return fmt.Errorf("cql2sql: expected a property at byte offset %d", e.Pos())
	}
	col, err := d.Column(p.Name)
	if err != nil {
		return err
	}
	not := func(yes bool) string {
		if yes {
			return " NOT"
		}
		return ""
	}
	switch e := e.(type) {
	case *cql2.Comparison:
		b.WriteString(col + " " + e.Op.String() + " " + d.Bind(p.Name, e.Right))
	case *cql2.Like:
		pat, ok := e.Pattern.(*cql2.String)
		if !ok {
			return fmt.Errorf("cql2sql: unchecked LIKE pattern at byte offset %d", e.Pattern.Pos())
		}
		b.WriteString(d.Like(col, pat.Value, e.Not))
	case *cql2.In:
		b.WriteString(col + not(e.Not) + " IN (")
		for i, v := range e.List {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(d.Bind(p.Name, v))
		}
		b.WriteByte(')')
	case *cql2.Between:
		b.WriteString(col + not(e.Not) + " BETWEEN " + d.Bind(p.Name, e.Low))
		b.WriteString(" AND " + d.Bind(p.Name, e.High))
	case *cql2.IsNull:
		b.WriteString(col + " IS" + not(e.Not) + " NULL")
	default:
		return fmt.Errorf("cql2sql: unchecked expression %T", e)
	}
	return nil
}
