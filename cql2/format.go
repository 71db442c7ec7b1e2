package cql2

import (
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"
)

// Text formats an expression in cql2-text, with every property quoted and
// every compound expression in parentheses, so that ParseText reads back
// the same tree.
func Text(e Expr) string {
	var b strings.Builder
	writeExpr(&b, e)
	return b.String()
}

func writeExpr(b *strings.Builder, e Expr) {
	switch e := e.(type) {
	case *And:
		writeList(b, e.Args, " AND ")
	case *Or:
		writeList(b, e.Args, " OR ")
	case *Not:
		b.WriteString("NOT (")
		writeExpr(b, e.Arg)
		b.WriteString(")")
	case *Bool:
		writeScalar(b, e)
	case *Comparison:
		writeScalar(b, e.Left)
		b.WriteString(" " + e.Op.String() + " ")
		writeScalar(b, e.Right)
	case *Like:
		writeScalar(b, e.Arg)
		b.WriteString(notText(e.Not) + " LIKE ")
		writeScalar(b, e.Pattern)
	case *In:
		writeScalar(b, e.Arg)
		b.WriteString(notText(e.Not) + " IN (")
		for i, v := range e.List {
			if i > 0 {
				b.WriteString(", ")
			}
			writeScalar(b, v)
		}
		b.WriteString(")")
	case *Between:
		writeScalar(b, e.Arg)
		b.WriteString(notText(e.Not) + " BETWEEN ")
		writeScalar(b, e.Low)
		b.WriteString(" AND ")
		writeScalar(b, e.High)
	case *IsNull:
		writeScalar(b, e.Arg)
		if e.Not {
			b.WriteString(" IS NOT NULL")
		} else {
			b.WriteString(" IS NULL")
		}
	case *Spatial:
		writeCall(b, e.Op.String(), e.Left, e.Right)
	case *Temporal:
		writeCall(b, e.Op.String(), e.Left, e.Right)
	}
}

func notText(not bool) string {
	if not {
		return " NOT"
	}
	return ""
}

func writeList(b *strings.Builder, args []Expr, sep string) {
	b.WriteString("(")
	for i, a := range args {
		if i > 0 {
			b.WriteString(sep)
		}
		writeExpr(b, a)
	}
	b.WriteString(")")
}

func writeCall(b *strings.Builder, name string, x, y Scalar) {
	b.WriteString(name + "(")
	writeScalar(b, x)
	b.WriteString(", ")
	writeScalar(b, y)
	b.WriteString(")")
}

func writeScalar(b *strings.Builder, s Scalar) {
	switch s := s.(type) {
	case *Property:
		b.WriteString(`"` + strings.ReplaceAll(s.Name, `"`, `""`) + `"`)
	case *String:
		b.WriteString("'" + strings.ReplaceAll(s.Value, "'", "''") + "'")
	case *Number:
		if s.IsInt {
			b.WriteString(strconv.FormatInt(s.Int, 10))
		} else {
			b.WriteString(formatFloat(s.Value))
		}
	case *Bool:
		if s.Value {
			b.WriteString("TRUE")
		} else {
			b.WriteString("FALSE")
		}
	case *Date:
		b.WriteString("DATE('" + s.Value + "')")
	case *Timestamp:
		b.WriteString("TIMESTAMP('" + s.Value.Format(time.RFC3339Nano) + "')")
	case *Interval:
		b.WriteString("INTERVAL(")
		writeEnd(b, s.Start)
		b.WriteString(", ")
		writeEnd(b, s.End)
		b.WriteString(")")
	case *Envelope:
		x := s.Box
		b.WriteString("BBOX(" + formatFloat(x.MinLon) + ", " + formatFloat(x.MinLat) + ", " + formatFloat(x.MaxLon) + ", " + formatFloat(x.MaxLat) + ")")
	case *Geometry:
		writeWKT(b, s.G)
	}
}

func writeEnd(b *strings.Builder, s Scalar) {
	if s == nil {
		b.WriteString("'..'")
		return
	}
	writeScalar(b, s)
}

// formatFloat writes a float so that it reads back as a float: 1.0, not 1.
func formatFloat(f float64) string {
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eE") {
		s += ".0"
	}
	return s
}

func writeWKT(b *strings.Builder, g orb.Geometry) {
	switch g := g.(type) {
	case orb.Point:
		b.WriteString("POINT(")
		writePoint(b, g)
		b.WriteString(")")
	case orb.MultiPoint:
		b.WriteString("MULTIPOINT")
		writePoints(b, g)
	case orb.LineString:
		b.WriteString("LINESTRING")
		writePoints(b, g)
	case orb.MultiLineString:
		b.WriteString("MULTILINESTRING(")
		for i, l := range g {
			if i > 0 {
				b.WriteString(", ")
			}
			writePoints(b, l)
		}
		b.WriteString(")")
	case orb.Polygon:
		b.WriteString("POLYGON")
		writeRings(b, g)
	case orb.MultiPolygon:
		b.WriteString("MULTIPOLYGON(")
		for i, pg := range g {
			if i > 0 {
				b.WriteString(", ")
			}
			writeRings(b, pg)
		}
		b.WriteString(")")
	case orb.Collection:
		b.WriteString("GEOMETRYCOLLECTION(")
		for i, x := range g {
			if i > 0 {
				b.WriteString(", ")
			}
			writeWKT(b, x)
		}
		b.WriteString(")")
	}
}

func writePoint(b *strings.Builder, p orb.Point) {
	b.WriteString(strconv.FormatFloat(p[0], 'g', -1, 64) + " " + strconv.FormatFloat(p[1], 'g', -1, 64))
}

func writePoints(b *strings.Builder, pts []orb.Point) {
	b.WriteString("(")
	for i, p := range pts {
		if i > 0 {
			b.WriteString(", ")
		}
		writePoint(b, p)
	}
	b.WriteString(")")
}

func writeRings(b *strings.Builder, pg orb.Polygon) {
	b.WriteString("(")
	for i, r := range pg {
		if i > 0 {
			b.WriteString(", ")
		}
		writePoints(b, r)
	}
	b.WriteString(")")
}
