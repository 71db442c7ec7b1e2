package sqlite_test

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/mapd/mapd/geo"
	"github.com/mapd/mapd/incidents"
	"github.com/mapd/mapd/incidents/sqlite"
)

// cqlPlaces are place names with the characters LIKE and GLOB treat
// specially, so that the translation of patterns is tested on them.
var cqlPlaces = []string{"Homs", "Hama", "homs", "Deir ez-Zor", "Ma'arrat al-Nu'man", "Al-Bab", "Tal [Abyad]", "50% Camp", "Star*Town", "Why?", "Dārayyā", "Idlib_North", `Back\slash`}

// seedCQL stores n incidents spread over many places and ten years, with
// nulls in every nullable column, and returns them in the default order.
func seedCQL(t *testing.T, s *sqlite.Store, n int, rng *rand.Rand) []incidents.Incident {
	t.Helper()
	items := make([]incidents.Incident, n)
	for i := range items {
		in := incidents.Incident{
			Date:      fmt.Sprintf("%d-%02d-%02d", 2010+rng.IntN(10), 1+rng.IntN(12), 1+rng.IntN(28)),
			EventType: incidents.EventTypes[rng.IntN(len(incidents.EventTypes))],
			Actor1:    []string{"Military Forces of Syria", "Islamic State", "Rebels", ""}[rng.IntN(4)],
			Country:   []string{"SY", "IQ", "FJ", "TR"}[rng.IntN(4)],
			Place:     cqlPlaces[rng.IntN(len(cqlPlaces))],
			Notes:     "note",
		}
		if rng.IntN(3) > 0 {
			in.SourceID = fmt.Sprintf("src-%d", i)
		}
		if rng.IntN(4) > 0 {
			in.Fatalities = ptr(rng.IntN(30))
		}
		if rng.IntN(2) > 0 {
			in.Injuries = ptr(rng.IntN(30))
		}
		in.GeoPrecision = 1 + rng.IntN(3)
		if in.Country == "FJ" {
			in.Lat, in.Lon = ptr(-18+rng.Float64()*4), ptr(177+rng.Float64()*6)
			if *in.Lon > 180 {
				*in.Lon -= 360
			}
		} else {
			// Rounded coordinates put some incidents exactly on the edges
			// of the boxes and polygons the test draws.
			in.Lat, in.Lon = ptr(32+float64(rng.IntN(600))/100), ptr(36+float64(rng.IntN(800))/100)
		}
		items[i] = in
	}
	res, err := s.Import(context.Background(), incidents.NewSliceDecoder(items), incidents.ImportOptions{BatchSize: 211})
	if err != nil || res.Inserted != n {
		t.Fatalf("seed: got %+v, %v; want %d inserted", res, err, n)
	}
	var all []incidents.Incident
	if err := s.Export(context.Background(), incidents.Filter{}, func(in *incidents.Incident) error {
		all = append(all, *in)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return all
}

// randomCQL writes a random cql2-text filter over the incidents'
// queryables, depth levels deep at most.
func randomCQL(rng *rand.Rand, all []incidents.Incident, depth int) string {
	if depth > 0 && rng.IntN(3) == 0 {
		a, b := randomCQL(rng, all, depth-1), randomCQL(rng, all, depth-1)
		switch rng.IntN(3) {
		case 0:
			return "(" + a + " AND " + b + ")"
		case 1:
			return "(" + a + " OR " + b + ")"
		}
		return "NOT (" + a + ")"
	}
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	num := func() string { return fmt.Sprint(rng.IntN(32) - 1) }
	date := func() string { return fmt.Sprintf("%d-%02d-%02d", 2009+rng.IntN(12), 1+rng.IntN(12), 1+rng.IntN(28)) }
	quote := func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
	op := func() string { return pick("=", "<>", "<", "<=", ">", ">=") }
	some := all[rng.IntN(len(all))]
	switch rng.IntN(17) {
	case 0:
		return pick("fatalities", "injuries", "geo_precision") + " " + op() + " " + num()
	case 1:
		return "date " + op() + " " + pick("DATE('"+date()+"')", "'"+date()+"'", "TIMESTAMP('"+date()+"T12:00:00Z')")
	case 2:
		return pick("event_type", "country") + " " + pick("=", "<>") + " " + quote(pick(append(incidents.EventTypes, "SY", "IQ", "FJ", "sy")...))
	case 3:
		return "place " + op() + " " + quote(some.Place)
	case 4:
		pat := pick("H%", "%s", "h_m_", "%[%", "%*%", "%?", "%\\%%", "%a%a%", "_", "Tal [Abyad]", "%\\_%", "%\\\\%", "Dā%", "%ā_yā")
		return pick("place", "actor1") + pick(" LIKE ", " NOT LIKE ") + quote(pat)
	case 5:
		return "country" + pick(" IN ", " NOT IN ") + "('SY', 'FJ')"
	case 6:
		return "fatalities" + pick(" IN ", " NOT IN ") + "(" + num() + ", " + num() + ", " + num() + ")"
	case 7:
		return pick("fatalities", "injuries") + pick(" BETWEEN ", " NOT BETWEEN ") + num() + " AND " + num()
	case 8:
		a, b := date(), date()
		if a > b {
			a, b = b, a
		}
		return "date" + pick(" BETWEEN ", " NOT BETWEEN ") + "DATE('" + a + "') AND DATE('" + b + "')"
	case 9:
		return pick("fatalities", "injuries", "source_id", "geonameid", "place") + pick(" IS NULL", " IS NOT NULL")
	case 10:
		x, y := 35+rng.Float64()*8, 31+rng.Float64()*6
		return fmt.Sprintf("S_INTERSECTS(geometry, BBOX(%g, %g, %g, %g))", x, y, x+float64(rng.IntN(5)), y+float64(rng.IntN(4)))
	case 11:
		return pick("S_INTERSECTS(geometry, BBOX(179, -20, -179, -10))", "S_DISJOINT(geometry, BBOX(36, 32, 40, 35))",
			"S_INTERSECTS(geometry, BBOX(36.5, 33, 38, 34.5))")
	case 12:
		// Integer corners: incidents lie on the edges.
		x, y := 36+rng.IntN(6), 32+rng.IntN(4)
		return fmt.Sprintf("S_INTERSECTS(geometry, POLYGON((%d %d, %d %d, %d %d, %d %d)))", x, y, x+3, y, x, y+2, x, y)
	case 13:
		return fmt.Sprintf("S_INTERSECTS(geometry, POLYGON((36 32, 44 32, 44 38, 36 38, 36 32), (38 33, 41 33, 41 36, 38 36, 38 33)))")
	case 14:
		return fmt.Sprintf("S_INTERSECTS(geometry, %s(%g %g))", pick("POINT", "MULTIPOINT"), *some.Lon, *some.Lat)
	case 15:
		return fmt.Sprintf("S_INTERSECTS(geometry, LINESTRING(%g 30, %g 40))", *some.Lon, *some.Lon)
	}
	a, b := date(), date()
	if a > b {
		a, b = b, a
	}
	if rng.IntN(4) == 0 {
		a = ".."
	}
	if rng.IntN(4) == 0 {
		b = ".."
	}
	fn := pick("T_AFTER", "T_BEFORE", "T_CONTAINS", "T_DISJOINT", "T_DURING", "T_EQUALS", "T_FINISHEDBY", "T_FINISHES",
		"T_INTERSECTS", "T_MEETS", "T_METBY", "T_OVERLAPPEDBY", "T_OVERLAPS", "T_STARTEDBY", "T_STARTS")
	arg := pick("INTERVAL('"+a+"', '"+b+"')", "DATE('"+date()+"')", "DATE('"+some.Date+"')")
	if rng.IntN(2) == 0 {
		return fn + "(date, " + arg + ")"
	}
	return fn + "(" + arg + ", date)"
}

// parseFilter parses a query string as the web does.
func parseFilter(t *testing.T, query string) incidents.Filter {
	t.Helper()
	q, err := url.ParseQuery(query)
	if err != nil {
		t.Fatal(err)
	}
	f, err := incidents.ParseFilter(func(k string) []string { return q[k] })
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return f
}

// TestCQL2MatchesBruteForce compares the store's answers to random CQL2
// filters (listings, counts, stats and tiles) with cql2.Eval over every
// incident.
func TestCQL2MatchesBruteForce(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	rng := rand.New(rand.NewPCG(14, 2026))
	all := seedCQL(t, s, 2500, rng)
	runs := 400
	if testing.Short() {
		runs = 100
	}
	for i := range runs {
		text := randomCQL(rng, all, 3)
		expr, err := incidents.ParseCQL2(text, "")
		if err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		var want []int64
		for _, in := range all {
			if incidents.MatchesExpr(expr, &in) {
				want = append(want, in.ID)
			}
		}
		f := parseFilter(t, url.Values{"filter": {text}, "limit": {"10000"}}.Encode())
		var got []int64
		page, err := s.List(ctx, f, func(in *incidents.Incident) error {
			got = append(got, in.ID)
			return nil
		})
		if err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		slices.Sort(got)
		if page.Matched != len(want) || !slices.Equal(got, want) {
			t.Fatalf("run %d, %s: got %d ids (matched %d), want %d: got %v, want %v", i, text, len(got), page.Matched, len(want), head(got), head(want))
		}
		if i%4 == 0 {
			n, err := s.Count(ctx, f)
			if err != nil || n != len(want) {
				t.Fatalf("%s: count got %d, %v; want %d", text, n, err, len(want))
			}
			st, err := s.Stats(ctx, f)
			if err != nil || st.Count != len(want) {
				t.Fatalf("%s: stats count got %d, %v; want %d", text, st.Count, err, len(want))
			}
		}
		if i%8 == 0 {
			tile := geo.Tile{Z: 6, X: 38, Y: 25}
			pts, _, err := s.TilePoints(ctx, f, tile, 0)
			if err != nil {
				t.Fatal(err)
			}
			var inTile []int64
			for _, in := range all {
				if tile.Contains(*in.Lon, *in.Lat) && incidents.MatchesExpr(expr, &in) {
					inTile = append(inTile, in.ID)
				}
			}
			var gotTile []int64
			for _, p := range pts {
				gotTile = append(gotTile, p.ID)
			}
			slices.Sort(gotTile)
			if !slices.Equal(gotTile, inTile) {
				t.Fatalf("%s: tile %s got %d points, want %d", text, tile, len(gotTile), len(inTile))
			}
		}
	}
}

// TestSortByPagesInOrder walks every page of random orders and checks the
// order and that every match is seen once.
func TestSortByPagesInOrder(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	rng := rand.New(rand.NewPCG(7, 14))
	all := seedCQL(t, s, 900, rng)
	sorts := []string{"date", "-date", "fatalities", "-fatalities,date", "injuries,-id", "+id", "-injuries,-fatalities,date", " date"}
	for _, sortby := range sorts {
		for _, filter := range []string{"", "fatalities > 5 OR injuries IS NULL", "S_INTERSECTS(geometry, BBOX(36, 32, 40, 36))"} {
			t.Run(sortby+"/"+filter, func(t *testing.T) {
				v := url.Values{"sortby": {sortby}, "limit": {"37"}}
				if filter != "" {
					v.Set("filter", filter)
				}
				f := parseFilter(t, v.Encode())
				keys := f.SortKeys()
				var want []incidents.Incident
				expr, _ := incidents.ParseCQL2(cmp.Or(filter, "TRUE"), "")
				for _, in := range all {
					if incidents.MatchesExpr(expr, &in) {
						want = append(want, in)
					}
				}
				slices.SortFunc(want, func(a, b incidents.Incident) int {
					for _, k := range keys {
						var c int
						switch x := incidents.SortValue(&a, k.Field).(type) {
						case string:
							c = strings.Compare(x, incidents.SortValue(&b, k.Field).(string))
						case int64:
							c = cmp.Compare(x, incidents.SortValue(&b, k.Field).(int64))
						}
						if k.Desc {
							c = -c
						}
						if c != 0 {
							return c
						}
					}
					return 0
				})
				var got []int64
				for pages := 0; ; pages++ {
					if pages > 100 {
						t.Fatal("more than 100 pages")
					}
					page, err := s.List(ctx, f, func(in *incidents.Incident) error {
						got = append(got, in.ID)
						return nil
					})
					if err != nil {
						t.Fatal(err)
					}
					if page.Next == "" {
						break
					}
					// The cursor comes back through ParseFilter, as from a link.
					v.Set("cursor", page.Next)
					f = parseFilter(t, v.Encode())
				}
				wantIDs := make([]int64, len(want))
				for i, in := range want {
					wantIDs[i] = in.ID
				}
				if !slices.Equal(got, wantIDs) {
					t.Fatalf("got %d ids %v..., want %d %v...", len(got), head(got), len(wantIDs), head(wantIDs))
				}
			})
		}
	}
}

// TestCursorOfAnotherOrderIsRefused checks that a cursor issued for one
// sortby is not read in another.
func TestCursorOfAnotherOrderIsRefused(t *testing.T) {
	f := incidents.Filter{Sort: []incidents.SortKey{{Field: "fatalities"}, {Field: "id"}}}
	c := f.NextCursor(&incidents.Incident{ID: 3, Date: "2016-01-01", Fatalities: ptr(4)})
	q := url.Values{"sortby": {"-fatalities"}, "cursor": {c}}
	if _, err := incidents.ParseFilter(func(k string) []string { return q[k] }); err == nil {
		t.Fatal("got no error for a cursor of another order")
	}
	q.Set("sortby", "fatalities")
	if _, err := incidents.ParseFilter(func(k string) []string { return q[k] }); err != nil {
		t.Fatalf("got %v for the cursor of the same order", err)
	}
}
