package sqlite

import (
	"strings"
	"unicode"

	"github.com/mapd/mapd/geo"
	"github.com/mapd/mapd/incidents"
)

// where builds the SQL conditions and arguments for every constraint of the
// filter except the bbox and the cursor, its CQL2 expression included. Only constant SQL text is
// produced; every value is a bound parameter.
func where(f incidents.Filter) ([]string, []any) {
	var conds []string
	var args []any
	if f.From != "" {
		conds = append(conds, "i.date >= ?")
		args = append(args, f.From)
	}
	if f.To != "" {
		conds = append(conds, "i.date <= ?")
		args = append(args, f.To)
	}
	if len(f.EventTypes) > 0 {
		conds = append(conds, "i.event_type IN ("+placeholders(len(f.EventTypes))+")")
		for _, t := range f.EventTypes {
			args = append(args, t)
		}
	}
	if f.Actor != "" {
		pat := "%" + escapeLike(f.Actor) + "%"
		conds = append(conds, `(i.actor1 LIKE ? ESCAPE '\' OR i.actor2 LIKE ? ESCAPE '\')`)
		args = append(args, pat, pat)
	}
	if f.Country != "" {
		conds = append(conds, "i.country = ?")
		args = append(args, f.Country)
	}
	if q := ftsQuery(f.Q); q != "" {
		conds = append(conds, "i.id IN (SELECT rowid FROM incidents_fts WHERE incidents_fts MATCH ?)")
		args = append(args, q)
	}
	if f.MinFatalities > 0 {
		conds = append(conds, "i.fatalities >= ?")
		args = append(args, f.MinFatalities)
	}
	if f.Expr != nil {
		c, a, err := exprSQL(f.Expr)
		if err != nil {
			// checkFilter, which every public method calls first, has
			// translated the same expression without error.
			panic(err)
		}
		conds = append(conds, c)
		args = append(args, a...)
	}
	return conds, args
}

// checkFilter reports an error when the filter's CQL2 expression cannot be
// translated to SQL: it was not checked against incidents.Queryables.
func checkFilter(f incidents.Filter) error {
	if f.Expr == nil {
		return nil
	}
	_, _, err := exprSQL(f.Expr)
	return err
}

// bboxCond returns the exact-coordinate condition for the bbox, which
// handles boxes crossing the antimeridian.
func bboxCond(b geo.BBox) (string, []any) {
	if b.CrossesAntimeridian() {
		return "(i.lat BETWEEN ? AND ? AND (i.lon >= ? OR i.lon <= ?))", []any{b.MinLat, b.MaxLat, b.MinLon, b.MaxLon}
	}
	return "(i.lat BETWEEN ? AND ? AND i.lon BETWEEN ? AND ?)", []any{b.MinLat, b.MaxLat, b.MinLon, b.MaxLon}
}

// rtreeCond returns a condition restricting i.id to the R*Tree candidates
// of the bbox.
func rtreeCond(b geo.BBox) (string, []any) {
	var parts []string
	var args []any
	for _, p := range b.Split() {
		// Overlap with a slightly grown box: a superset of the points in
		// the box despite the R*Tree's 32-bit rounding; callers add the
		// exact bboxCond.
		parts = append(parts, "SELECT id FROM incidents_rtree WHERE max_lon >= ? AND min_lon <= ? AND max_lat >= ? AND min_lat <= ?")
		args = append(args, p.MinLon-rtreeEdge, p.MaxLon+rtreeEdge, p.MinLat-rtreeEdge, p.MaxLat+rtreeEdge)
	}
	return "i.id IN (" + strings.Join(parts, " UNION ALL ") + ")", args
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

func escapeLike(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

// ftsQuery turns free text into an FTS5 query that matches documents
// containing every word, each as a literal quoted string, so FTS5 operators
// and syntax in user input (NEAR, quotes, parentheses, column filters) are
// searched for as text and never parsed.
func ftsQuery(s string) string {
	words := strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	if len(words) > 32 {
		words = words[:32]
	}
	var b strings.Builder
	for i, w := range words {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteByte('"')
		b.WriteString(w)
		b.WriteByte('"')
	}
	if b.Len() > 0 {
		return b.String()
	}
	return ""
}
