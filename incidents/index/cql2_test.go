package index

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"

	"github.com/mapd/mapd/cql2"
	"github.com/mapd/mapd/incidents"
)

// rowValue is a row's property as the store would give it to cql2.Eval.
func rowValue(r Row, name string) cql2.Value {
	switch name {
	case "id":
		return cql2.Value{Type: cql2.TypeInteger, Num: float64(r.ID)}
	case "date":
		return cql2.Value{Type: cql2.TypeDate, Str: r.Date}
	case "geometry":
		return cql2.Value{Type: cql2.TypeGeometry, Point: orb.Point{r.Lon, r.Lat}}
	case "fatalities", "injuries":
		n := r.Fatalities
		if name == "injuries" {
			n = r.Injuries
		}
		if n < 0 {
			return cql2.Value{}
		}
		return cql2.Value{Type: cql2.TypeInteger, Num: float64(n)}
	case "geo_precision":
		return cql2.Value{Type: cql2.TypeInteger, Num: float64(r.GeoPrecision)}
	}
	s := map[string]string{"event_type": r.EventType, "sub_event_type": r.SubEventType, "actor1": r.Actor1,
		"actor2": r.Actor2, "country": r.Country, "admin1": r.Admin1}[name]
	return cql2.Value{Type: cql2.TypeString, Str: s}
}

// randomIndexCQL writes a random cql2-text filter on the properties the
// index holds.
func randomIndexCQL(r *rand.Rand, depth int) string {
	if depth > 0 && r.IntN(3) == 0 {
		a, b := randomIndexCQL(r, depth-1), randomIndexCQL(r, depth-1)
		return [...]string{"(" + a + " AND " + b + ")", "(" + a + " OR " + b + ")", "NOT (" + a + ")"}[r.IntN(3)]
	}
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	op := pick("=", "<>", "<", "<=", ">", ">=")
	day := time2011(r.IntN(14 * 365))
	switch r.IntN(10) {
	case 0:
		return fmt.Sprintf("%s %s %d", pick("fatalities", "injuries", "geo_precision"), op, r.IntN(30)-2)
	case 1:
		return "date " + op + " DATE('" + day + "')"
	case 2:
		return fmt.Sprintf("%s %s '%s'", pick("event_type", "sub_event_type"), op, pick(append(testTypes, testSubs...)...))
	case 3:
		return pick("actor1", "actor2") + pick(" LIKE ", " NOT LIKE ") + pick("'%Syria%'", "'Military%'", "'%(%'", "'_orces%'", "''")
	case 4:
		return "country" + pick(" IN ", " NOT IN ") + "('SY', 'FJ', '')"
	case 5:
		return pick("fatalities", "injuries") + pick(" IS NULL", " IS NOT NULL")
	case 6:
		return fmt.Sprintf("fatalities BETWEEN %d AND %d", r.IntN(10), r.IntN(30))
	case 7:
		x, y := 35+r.IntN(12), 29+r.IntN(8)
		return fmt.Sprintf("S_INTERSECTS(geometry, POLYGON((%d %d, %d %d, %d %d, %d %d)))", x, y, x+4, y, x, y+3, x, y)
	case 8:
		return pick("S_INTERSECTS(geometry, BBOX(170, -30, -170, -10))", "S_DISJOINT(geometry, BBOX(36, 30, 40, 35))")
	}
	return "T_DURING(date, INTERVAL('" + day + "', '..'))"
}

// TestCQL2MatchesEval compares counts of random CQL2 filters, alone and
// beside native fields, with cql2.Eval over every row.
func TestCQL2MatchesEval(t *testing.T) {
	r := rand.New(rand.NewPCG(16, 14))
	w := world{}
	for id := int64(1); id <= 3000; id++ {
		w[id] = randRow(r, id)
	}
	ix := New(Options{})
	build(t, ix, w, 1)
	s := ix.Current()
	for range 300 {
		text := randomIndexCQL(r, 3)
		expr, err := incidents.ParseCQL2(text, "")
		if err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		f := incidents.Filter{Expr: expr}
		if r.IntN(3) == 0 {
			f.EventTypes = []string{"Battles", "Riots"}
		}
		want := 0
		for _, row := range w {
			if len(f.EventTypes) > 0 && row.EventType != "Battles" && row.EventType != "Riots" {
				continue
			}
			if cql2.Eval(expr, func(name string) cql2.Value { return rowValue(row, name) }) == cql2.True {
				want++
			}
		}
		q, err := s.Compile(f, nil)
		if err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		if got := q.Count(); got != want {
			t.Fatalf("%s: got %d, want %d", text, got, want)
		}
		if got := q.Stats().Count; got != want {
			t.Fatalf("%s: stats got %d, want %d", text, got, want)
		}
	}
	expr, _ := incidents.ParseCQL2("place = 'Homs'", "")
	if _, err := s.Compile(incidents.Filter{Expr: expr}, nil); err == nil {
		t.Fatal("got no error for a filter on place, which the index does not hold")
	}
}
