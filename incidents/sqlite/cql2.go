package sqlite

import (
	"fmt"
	"strings"
	"sync"

	"database/sql/driver"

	sqlite3 "modernc.org/sqlite"

	"github.com/mapd/mapd/cql2"
	"github.com/mapd/mapd/cql2/cql2sql"
	"github.com/mapd/mapd/incidents"
)

// cql2Columns maps each of incidents.Queryables but geometry to its
// column. It is the only source of column names in translated filters.
var cql2Columns = map[string]string{
	"id":             "i.id",
	"source_id":      "i.source_id",
	"date":           "i.date",
	"date_precision": "i.date_precision",
	"event_type":     "i.event_type",
	"sub_event_type": "i.sub_event_type",
	"actor1":         "i.actor1",
	"actor2":         "i.actor2",
	"fatalities":     "i.fatalities",
	"injuries":       "i.injuries",
	"place":          "i.place",
	"country":        "i.country",
	"admin1":         "i.admin1",
	"geo_precision":  "i.geo_precision",
	"geonameid":      "i.geonameid",
	"notes":          "i.notes",
}

// exprSQL translates a checked CQL2 expression to an SQL condition on the
// incidents aliased i. The SQL text is built only from constants and
// cql2Columns; every value is a bound parameter.
func exprSQL(e cql2.Expr) (string, []any, error) {
	var b strings.Builder
	d := &dialect{}
	err := cql2sql.Write(&b, d, e)
	return b.String(), d.args, err
}

// dialect writes CQL2 for SQLite (cql2sql.Dialect), collecting the values
// bound to its ? placeholders.
type dialect struct{ args []any }

func (d *dialect) Column(property string) (string, error) {
	c, ok := cql2Columns[property]
	if !ok {
		return "", fmt.Errorf("incidents: filter: no column for property %q", property)
	}
	return c, nil
}

// Bind binds a checked literal: a string, an int64 for an integer (a
// float64 otherwise), a date as its "YYYY-MM-DD" text, a bool.
func (d *dialect) Bind(_ string, lit cql2.Scalar) string {
	var v any
	switch s := lit.(type) {
	case *cql2.String:
		v = s.Value
	case *cql2.Number:
		if s.IsInt {
			v = s.Int
		} else {
			v = s.Value
		}
	case *cql2.Date:
		v = s.Value
	case *cql2.Bool:
		v = s.Value
	}
	d.args = append(d.args, v)
	return "?"
}

// Like uses GLOB, which is case-sensitive as CQL2's LIKE is; SQLite's
// LIKE is not.
func (d *dialect) Like(col, pattern string, not bool) string {
	d.args = append(d.args, likeToGlob(pattern))
	if not {
		return col + " NOT GLOB ?"
	}
	return col + " GLOB ?"
}

func (d *dialect) Bool(v bool) string {
	if v {
		return "1"
	}
	return "0"
}

// likeToGlob rewrites a CQL2 LIKE pattern as a GLOB pattern: % becomes *,
// _ becomes ?, and characters GLOB treats specially are bracketed.
func likeToGlob(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '%':
			b.WriteByte('*')
			continue
		case c == '_':
			b.WriteByte('?')
			continue
		case c == '\\' && i+1 < len(p):
			i++
			c = p[i]
		}
		switch c {
		case '*', '?', '[':
			b.WriteString("[" + string(c) + "]")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Spatial tests the incident's point against a geometry: a box or a
// point with plain comparisons, anything else with mapd_intersects behind
// a test of the geometry's bounding box.
func (d *dialect) Spatial(e *cql2.Spatial) (string, error) {
	switch g := e.Right.(type) {
	case *cql2.Envelope:
		c, a := bboxCond(g.Box)
		d.args = append(d.args, a...)
		return c, nil
	case *cql2.Geometry:
		bound := g.G.Bound()
		d.args = append(d.args, bound.Min[0], bound.Max[0], bound.Min[1], bound.Max[1],
			cql2.Text(&cql2.Spatial{Op: cql2.SIntersects, Left: e.Left, Right: g}))
		return "(i.lon BETWEEN ? AND ? AND i.lat BETWEEN ? AND ? AND mapd_intersects(?, i.lon, i.lat))", nil
	}
	return "", fmt.Errorf("incidents: filter: unchecked spatial argument %T", e.Right)
}

// registerFunctions makes mapd_intersects known to the connections the
// driver opens from now on.
var registerFunctions = sync.OnceValue(func() error {
	return sqlite3.RegisterDeterministicScalarFunction("mapd_intersects", 3, intersectsFunc)
})

// geometryCache holds the geometries mapd_intersects parsed lately, keyed
// by their text, so that a query parses its geometry once rather than once
// a row. A miss only costs a parse.
var geometryCache = struct {
	sync.Mutex
	m map[string]cql2.Scalar
}{m: map[string]cql2.Scalar{}}

const geometryCacheSize = 64

// intersectsFunc is mapd_intersects(filter, lon, lat): 1 when the point
// (lon, lat) lies on the geometry of the filter S_INTERSECTS("geometry",
// G) that exprSQL wrote, 0 otherwise. It shares cql2.Intersects with
// cql2.Eval, so SQL and Go agree on every edge.
func intersectsFunc(_ *sqlite3.FunctionContext, args []driver.Value) (driver.Value, error) {
	text, ok1 := args[0].(string)
	lon, ok2 := args[1].(float64)
	lat, ok3 := args[2].(float64)
	if !ok1 || !ok2 || !ok3 {
		return nil, fmt.Errorf("mapd_intersects: wrong argument types")
	}
	geometryCache.Lock()
	g, ok := geometryCache.m[text]
	geometryCache.Unlock()
	if !ok {
		e, err := cql2.ParseText(text)
		if err != nil {
			return nil, fmt.Errorf("mapd_intersects: %w", err)
		}
		sp, isSpatial := e.(*cql2.Spatial)
		if !isSpatial {
			return nil, fmt.Errorf("mapd_intersects: not a spatial filter")
		}
		g = sp.Right
		geometryCache.Lock()
		if len(geometryCache.m) >= geometryCacheSize {
			clear(geometryCache.m)
		}
		geometryCache.m[text] = g
		geometryCache.Unlock()
	}
	if cql2.Intersects(g, [2]float64{lon, lat}) {
		return int64(1), nil
	}
	return int64(0), nil
}

// sortSQL returns the ORDER BY list of the filter's order and the keyset
// condition that continues after its cursor.
func sortSQL(f incidents.Filter) (order string, after string, args []any, err error) {
	keys := f.SortKeys()
	exprs := make([]string, len(keys))
	for i, k := range keys {
		switch k.Field {
		case "date", "id":
			exprs[i] = "i." + k.Field
		case "fatalities", "injuries":
			exprs[i] = "coalesce(i." + k.Field + ", -1)"
		default:
			return "", "", nil, fmt.Errorf("incidents: cannot sort by %q", k.Field)
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
		return order, "", nil, err
	}
	if sameDirection(keys) {
		// A row value, which SQLite seeks in an index on the keys.
		op := " > "
		if keys[0].Desc {
			op = " < "
		}
		return order, "(" + strings.Join(exprs, ", ") + ")" + op + "(" + placeholders(len(keys)) + ")", vals, nil
	}
	// (k1, k2, ...) after (v1, v2, ...) in the order's directions:
	// k1 beyond v1, or k1 = v1 and k2 beyond v2, and so on.
	var ors []string
	for i, k := range keys {
		var ands []string
		for j := 0; j < i; j++ {
			ands = append(ands, exprs[j]+" = ?")
			args = append(args, vals[j])
		}
		op := " > ?"
		if k.Desc {
			op = " < ?"
		}
		ands = append(ands, exprs[i]+op)
		args = append(args, vals[i])
		ors = append(ors, "("+strings.Join(ands, " AND ")+")")
	}
	return order, "(" + strings.Join(ors, " OR ") + ")", args, nil
}

func sameDirection(keys []incidents.SortKey) bool {
	for _, k := range keys {
		if k.Desc != keys[0].Desc {
			return false
		}
	}
	return true
}
