package index

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/mapd/mapd/cql2"
	"github.com/mapd/mapd/geo"
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
// index holds, with every operator the checked form keeps and the
// temporal functions, which Check lowers.
func randomIndexCQL(r *rand.Rand, depth int) string {
	if depth > 0 && r.IntN(3) == 0 {
		a, b := randomIndexCQL(r, depth-1), randomIndexCQL(r, depth-1)
		return [...]string{"(" + a + " AND " + b + ")", "(" + a + " OR " + b + ")", "NOT (" + a + ")"}[r.IntN(3)]
	}
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	op := pick("=", "<>", "<", "<=", ">", ">=")
	not := pick("", "NOT ")
	day := func() string { return "DATE('" + time2011(r.IntN(14*365)) + "')" }
	num := func() string {
		return pick(fmt.Sprint(r.IntN(30)-2), fmt.Sprintf("%.1f", r.Float64()*20-1), "1e300", "-1e300", "65534", "70000")
	}
	text := func() string {
		return pick(append(append(append(testTypes, testSubs...), testActors...), "Aleppo", "Homs", "SY", "FJ", "", "M", "Zz")...)
	}
	strCol := func() string { return pick("event_type", "sub_event_type", "actor1", "actor2", "country", "admin1") }
	numCol := func() string { return pick("fatalities", "injuries", "geo_precision", "id") }
	quote := func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
	switch r.IntN(16) {
	case 0:
		return numCol() + " " + op + " " + num()
	case 1:
		return "date " + op + " " + day()
	case 2:
		return strCol() + " " + op + " " + quote(text())
	case 3:
		return strCol() + " " + not + "LIKE " + pick("'%Syria%'", "'Military%'", "'%(%'", "'_orces%'", "''", "'%'", "'%\\(%'", "'S_'", "'%État'", "'B%s'")
	case 4:
		return strCol() + " " + not + "IN (" + quote(text()) + ", " + quote(text()) + ", '')"
	case 5:
		return pick(numCol(), strCol(), "date") + pick(" IS NULL", " IS NOT NULL")
	case 6:
		return fmt.Sprintf("%s %sBETWEEN %s AND %s", numCol(), not, num(), num())
	case 7:
		x, y := 35+r.IntN(12), 29+r.IntN(8)
		if r.IntN(2) == 0 {
			return fmt.Sprintf("S_INTERSECTS(geometry, POLYGON((%d %d, %d %d, %d %d, %d %d)))", x, y, x+4, y, x, y+3, x, y)
		}
		// A concave star of 5 to 20 points around (x, y), whose edges
		// cross the index's raster cells every way.
		n := 5 + r.IntN(16)
		var ring []string
		for k := range n {
			a := 2 * math.Pi * float64(k) / float64(n)
			rad := 0.2 + r.Float64()*3
			ring = append(ring, fmt.Sprintf("%.5f %.5f", float64(x)+rad*math.Cos(a), float64(y)+rad*math.Sin(a)))
		}
		ring = append(ring, ring[0])
		return "S_INTERSECTS(geometry, POLYGON((" + strings.Join(ring, ", ") + ")))"
	case 8:
		return pick("S_INTERSECTS(geometry, BBOX(170, -30, -170, -10))", "S_DISJOINT(geometry, BBOX(36, 30, 40, 35))",
			"S_INTERSECTS(geometry, BBOX(-180, 80, 180, 90))", "S_INTERSECTS(geometry, POLYGON((-60 80, 60 80, 60 89, -60 89, -60 80)))",
			"S_INTERSECTS(geometry, POLYGON((35 29, 48 29, 48 38, 35 38, 35 29), (38 31, 44 31, 44 36, 38 36, 38 31)))",
			"S_INTERSECTS(geometry, MULTIPOLYGON(((36 33, 38 33, 38 35, 36 35, 36 33)), ((175 -20, 179 -20, 179 -15, 175 -15, 175 -20))))")
	case 9:
		return fmt.Sprintf("%s %sIN (%s, %s, %s)", numCol(), not, num(), num(), num())
	case 10:
		return fmt.Sprintf("date %sBETWEEN %s AND %s", not, day(), day())
	case 11:
		return fmt.Sprintf("date %sIN (%s, %s)", not, day(), day())
	case 12:
		return fmt.Sprintf("%s %sBETWEEN %s AND %s", strCol(), not, quote(text()), quote(text()))
	case 13:
		return pick("TRUE", "FALSE")
	case 14:
		return pick("T_AFTER", "T_BEFORE", "T_EQUALS", "T_INTERSECTS", "T_DISJOINT") + "(date, " + day() + ")"
	}
	a, b := time2011(r.IntN(14*365)), time2011(r.IntN(14*365))
	a, b = min(a, b), max(a, b)
	return pick("T_DURING", "T_INTERSECTS", "T_CONTAINS", "T_DISJOINT") + "(date, INTERVAL(" + pick("'"+a+"'", "'..'") + ", " + pick("'"+b+"'", "'..'") + "))"
}

// TestCQL2MatchesEval compares the matches of random CQL2 filters, alone
// and beside native fields, with cql2.Eval over every row, on an index
// with rows in its base and its delta and some rows deleted.
func TestCQL2MatchesEval(t *testing.T) {
	r := rand.New(rand.NewPCG(16, 14))
	w := world{}
	for id := int64(1); id <= 3000; id++ {
		w[id] = randRow(r, id)
	}
	ix := New(Options{})
	build(t, ix, w, 1)
	var upsert []Row
	var del []int64
	for k := range 300 {
		id := int64(1 + r.IntN(3200))
		if k%3 == 0 {
			del = append(del, id)
		} else {
			upsert = append(upsert, randRow(r, id))
		}
	}
	// The deletes are applied first, then the upserts in order.
	for _, id := range del {
		delete(w, id)
	}
	for _, row := range upsert {
		w[row.ID] = row
	}
	if err := ix.Apply(2, nil, del); err != nil {
		t.Fatal(err)
	}
	if err := ix.Apply(3, upsert, nil); err != nil {
		t.Fatal(err)
	}
	s := ix.Current()
	seen := map[string]bool{}
	// Besides random filters, the forms the index reads as its native
	// actor condition (see actorEither), and near misses that it must not.
	fixed := []string{
		"actor1 LIKE '%Syria%' OR actor2 LIKE '%Syria%'",
		"(actor2 LIKE 'Military%' OR actor1 LIKE 'Military%') AND fatalities > 2",
		"actor1 LIKE '%Syria%' OR actor2 LIKE '%Forces%'",
		"NOT (actor1 LIKE '%Syria%' OR actor2 LIKE '%Syria%')",
		"actor1 LIKE '%Syria%' OR actor1 LIKE '%Forces%'",
		"actor1 IN ('Zz', '') OR actor2 IN ('Zz', '')",
	}
	for k := range 600 + len(fixed) {
		text := randomIndexCQL(r, 3)
		if k < len(fixed) {
			text = fixed[k]
		}
		expr, err := incidents.ParseCQL2(text, "")
		if err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		f := incidents.Filter{Expr: expr}
		if r.IntN(3) == 0 {
			f.EventTypes = []string{"Battles", "Riots"}
		}
		if k < len(fixed) && k%2 == 1 {
			f.Actor = "forces" // the native condition beside the expression's
		}
		var want []int64
		for _, row := range w {
			if len(f.EventTypes) > 0 && row.EventType != "Battles" && row.EventType != "Riots" {
				continue
			}
			if f.Actor != "" && !strings.Contains(foldASCII(row.Actor1), f.Actor) && !strings.Contains(foldASCII(row.Actor2), f.Actor) {
				continue
			}
			if cql2.Eval(expr, func(name string) cql2.Value { return rowValue(row, name) }) == cql2.True {
				want = append(want, row.ID)
			}
		}
		seen[fmt.Sprintf("%T", expr)] = true
		q, err := s.Compile(f, nil)
		if err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		if got := q.Count(); got != len(want) {
			t.Fatalf("%s: got %d, want %d", text, got, len(want))
		}
		if got := q.Stats().Count; got != len(want) {
			t.Fatalf("%s: stats got %d, want %d", text, got, len(want))
		}
		got, _, err := q.Page("", 10000)
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("%s: got ids %v, want %v", text, got, want)
		}
		// A tile's scan ignores the query's box, which a spatial
		// conjunct may have set: the tile of zoom 0 holds every match but
		// the polar ones.
		pts, _ := q.TilePoints(geo.Tile{}, 0)
		got = got[:0]
		for _, p := range pts {
			got = append(got, p.ID)
		}
		slices.Sort(got)
		want = slices.DeleteFunc(want, func(id int64) bool { return math.Abs(w[id].Lat) > geo.MaxMercatorLat })
		if !slices.Equal(got, want) {
			t.Fatalf("%s: tile 0/0/0: got ids %v, want %v", text, got, want)
		}
	}
	for _, typ := range []string{"*cql2.And", "*cql2.Or", "*cql2.Not", "*cql2.Bool", "*cql2.Comparison", "*cql2.Like",
		"*cql2.In", "*cql2.Between", "*cql2.IsNull", "*cql2.Spatial"} {
		if !seen[typ] {
			t.Errorf("no filter was a %s", typ)
		}
	}
	expr, _ := incidents.ParseCQL2("place = 'Homs'", "")
	if _, err := s.Compile(incidents.Filter{Expr: expr}, nil); !errors.Is(err, ErrUnanswerable) {
		t.Fatalf("a filter on place, which the index does not hold: got %v, want ErrUnanswerable", err)
	}
}

// TestCQL2ActorEither checks that an expression asking one predicate of
// both actor columns becomes the native actor condition, so that its count
// can come from the summaries, and that other expressions do not.
func TestCQL2ActorEither(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	w := world{}
	for id := int64(1); id <= 500; id++ {
		w[id] = randRow(r, id)
	}
	ix := New(Options{})
	build(t, ix, w, 1)
	for _, c := range []struct {
		expr     string
		absorbed bool
	}{
		{"actor1 LIKE '%Syria%' OR actor2 LIKE '%Syria%'", true},
		{"actor2 = 'Islamic State' OR actor1 = 'Islamic State'", true},
		{"(actor1 LIKE 'M%' OR actor2 LIKE 'M%') AND fatalities > 1", true},
		{"actor1 LIKE '%Syria%' OR actor2 LIKE '%Forces%'", false},
		{"actor1 LIKE '%Syria%' OR actor1 LIKE '%Forces%'", false},
		{"NOT (actor1 LIKE '%Syria%' OR actor2 LIKE '%Syria%')", false},
	} {
		expr, err := incidents.ParseCQL2(c.expr, "")
		if err != nil {
			t.Fatal(err)
		}
		q, err := ix.Current().Compile(incidents.Filter{Expr: expr}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := q.actor != nil; got != c.absorbed {
			t.Errorf("%s: native actor condition %v, want %v", c.expr, got, c.absorbed)
		}
	}
}

// TestIntSet checks the integer sets numeric predicates compile to
// against the comparison cql2.Eval makes.
func TestIntSet(t *testing.T) {
	lits := []float64{0, 2, 2.5, -2.5, -1, 1e300, -1e300, math.MaxInt64, math.MinInt64, 9.2e18, -9.2e18}
	// Not math.MaxInt64: Eval compares it as float64, 2^63.
	xs := []int64{math.MinInt64, -3, -2, -1, 0, 1, 2, 3, math.MaxInt64 - 1<<12, 9.2e18, -9.2e18}
	for _, op := range []cql2.CompareOp{cql2.Eq, cql2.Ne, cql2.Lt, cql2.Le, cql2.Gt, cql2.Ge} {
		for _, lit := range lits {
			set := compareSet(op, lit)
			for _, x := range xs {
				want := cql2.Eval(&cql2.Comparison{Op: op, Left: &cql2.Property{Name: "n"}, Right: &cql2.Number{Value: lit}},
					func(string) cql2.Value { return cql2.Value{Type: cql2.TypeInteger, Num: float64(x)} }) == cql2.True
				if got := set.has(x); got != want {
					t.Errorf("%d %s %g: got %v, want %v", x, op, lit, got, want)
				}
				if c := set.complement(); c.has(x) == want {
					t.Errorf("%d NOT %s %g: got %v, want %v", x, op, lit, want, !want)
				}
			}
		}
	}
	many := newIntSet([]ival{{1, 1}, {5, 9}, {3, 3}, {10, 12}, {20, 20}, {22, 22}, {24, 24}, {26, 26}, {28, 28}, {30, 30}, {32, 32}})
	for x := int64(-1); x < 40; x++ {
		want := x == 1 || x == 3 || x >= 5 && x <= 12 || x >= 20 && x <= 32 && x%2 == 0
		if got := many.has(x); got != want {
			t.Errorf("%d in the set: got %v, want %v", x, got, want)
		}
	}
}
