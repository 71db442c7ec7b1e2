package postgis

import (
	"fmt"
	"strings"

	"github.com/paulmach/orb/encoding/wkt"

	"github.com/mapd/mapd/cql2"
	"github.com/mapd/mapd/cql2/cql2sql"
	"github.com/mapd/mapd/incidents"
)

// cql2Columns maps each of incidents.Queryables but geometry to its column
// and the type its values are bound as. It is the only source of column
// names in translated filters.
var cql2Columns = map[string]struct{ col, typ string }{
	"id":             {"i.id", "bigint"},
	"source_id":      {"i.source_id", "text"},
	"date":           {"i.date", "date"},
	"date_precision": {"i.date_precision", "text"},
	"event_type":     {"i.event_type", "text"},
	"sub_event_type": {"i.sub_event_type", "text"},
	"actor1":         {"i.actor1", "text"},
	"actor2":         {"i.actor2", "text"},
	"fatalities":     {"i.fatalities", "bigint"},
	"injuries":       {"i.injuries", "bigint"},
	"place":          {"i.place", "text"},
	"country":        {"i.country", "text"},
	"admin1":         {"i.admin1", "text"},
	"geo_precision":  {"i.geo_precision", "bigint"},
	"geonameid":      {"i.geonameid", "bigint"},
	"notes":          {"i.notes", "text"},
}

// expr translates a checked CQL2 expression into a condition on the
// incidents aliased i, with the SQLite store's meaning: SQL's three-valued
// logic, text compared byte by byte (COLLATE "C"), LIKE case-sensitive.
// The SQL text is built only from constants and cql2Columns; every value
// is a bound parameter.
func (q *query) expr(e cql2.Expr) (string, error) {
	var b strings.Builder
	err := cql2sql.Write(&b, dialect{q}, e)
	return b.String(), err
}

// dialect writes CQL2 for PostgreSQL (cql2sql.Dialect), binding values to
// the query's $n parameters.
type dialect struct{ q *query }

func (d dialect) Column(property string) (string, error) {
	c, ok := cql2Columns[property]
	if !ok {
		return "", fmt.Errorf("postgis: filter: no column for property %q", property)
	}
	if c.typ == "text" {
		return c.col + ` COLLATE "C"`, nil
	}
	return c.col, nil
}

func (d dialect) Bind(property string, lit cql2.Scalar) string {
	return d.q.literal(lit, cql2Columns[property].typ)
}

func (d dialect) Like(col, pattern string, not bool) string {
	op := " LIKE "
	if not {
		op = " NOT LIKE "
	}
	return col + op + d.q.arg(likePattern(pattern)) + "::text"
}

func (d dialect) Bool(v bool) string {
	if v {
		return "TRUE"
	}
	return "FALSE"
}

func (d dialect) Spatial(e *cql2.Spatial) (string, error) { return d.q.spatial(e) }

// literal binds a checked literal compared with a column of type typ and
// returns its placeholder, cast so that PostgreSQL reads it as that type
// (a fractional number stays a float: fatalities < 2.5 compares as SQLite
// does).
func (q *query) literal(s cql2.Scalar, typ string) string {
	switch s := s.(type) {
	case *cql2.String:
		return q.arg(s.Value) + "::text"
	case *cql2.Number:
		if s.IsInt {
			return q.arg(s.Int) + "::bigint"
		}
		return q.arg(s.Value) + "::float8"
	case *cql2.Date:
		return q.arg(s.Value) + "::date"
	case *cql2.Bool:
		return q.arg(s.Value) + "::boolean"
	}
	return "NULL::" + typ
}

// likePattern rewrites a CQL2 LIKE pattern for PostgreSQL's LIKE, whose
// escape character is also the backslash: a backslash at the end, literal
// in CQL2, is escaped.
func likePattern(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c == '\\' {
			if i+1 < len(p) {
				b.WriteByte('\\')
				b.WriteByte(p[i+1])
				i++
				continue
			}
			b.WriteString(`\\`)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// spatial tests the incident's point against a geometry: a box as a bbox
// filter does, anything else with ST_Intersects behind the GIST index.
func (q *query) spatial(e *cql2.Spatial) (string, error) {
	switch g := e.Right.(type) {
	case *cql2.Envelope:
		sub := &query{args: q.args}
		sub.bbox(g.Box)
		q.args = sub.args
		return "(" + strings.Join(sub.conds, " AND ") + ")", nil
	case *cql2.Geometry:
		return "ST_Intersects(i.geom, ST_GeomFromText(" + q.arg(wkt.MarshalString(g.G)) + "::text, 4326))", nil
	}
	return "", fmt.Errorf("postgis: filter: unchecked spatial argument %T", e.Right)
}

// sortSQL returns the ORDER BY list of the filter's order and the keyset
// condition that continues after its cursor, as the SQLite store orders
// (a missing number sorts as -1).
func (q *query) sortSQL(f incidents.Filter) (order string, after string, err error) {
	keys := f.SortKeys()
	exprs := make([]string, len(keys))
	types := make([]string, len(keys))
	for i, k := range keys {
		switch k.Field {
		case "date":
			exprs[i], types[i] = "i.date", "date"
		case "id":
			exprs[i], types[i] = "i.id", "bigint"
		case "fatalities", "injuries":
			exprs[i], types[i] = "coalesce(i."+k.Field+", -1)", "bigint"
		default:
			return "", "", fmt.Errorf("postgis: cannot sort by %q", k.Field)
		}
	}
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = exprs[i]
		if k.Desc {
			parts[i] += " DESC"
		}
	}
	order = strings.Join(parts, ", ")
	vals, err := f.CursorValues()
	if err != nil || vals == nil {
		return order, "", err
	}
	var ors []string
	for i, k := range keys {
		var ands []string
		for j := 0; j < i; j++ {
			ands = append(ands, exprs[j]+" = "+q.arg(vals[j])+"::"+types[j])
		}
		op := " > "
		if k.Desc {
			op = " < "
		}
		ands = append(ands, exprs[i]+op+q.arg(vals[i])+"::"+types[i])
		ors = append(ors, "("+strings.Join(ands, " AND ")+")")
	}
	return order, "(" + strings.Join(ors, " OR ") + ")", nil
}
