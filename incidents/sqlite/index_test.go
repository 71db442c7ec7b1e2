package sqlite

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/mapd/mapd/geo"
	"github.com/mapd/mapd/incidents"
	"github.com/mapd/mapd/incidents/index"
	"github.com/mapd/mapd/incidents/storetest"
)

// TestIndexAgreesWithSQL compares every answer the store gives from the
// in-memory index (counts, stats, clusters per tile, tile points, pages,
// the extent) with the same answer from SQLite alone, for random combined
// filters over random data, with writes between the rounds: through the
// indexed store itself, and through a second store on the same file, as
// another process would write it (the indexed store must notice the data
// version moving and build again).
func TestIndexAgreesWithSQL(t *testing.T) {
	ctx := context.Background()
	ixs, other := openTwo(t, "diff.db")
	rng := rand.New(rand.NewPCG(21, 22))
	all := storetest.Seed(t, ixs, 1500, rng)
	ixs.StartIndex(index.Options{})
	if err := ixs.WaitIndex(ctx); err != nil {
		t.Fatal(err)
	}
	const writes = 30 // per round
	for round := range 4 {
		t.Run(fmt.Sprintf("round %d", round), func(t *testing.T) {
			for range 12 {
				f := randomFilter(rng)
				compareAnswers(t, ixs, other, f)
			}
		})
		// Writes: creations, replacements and deletions, alternately
		// through the indexed store and the other one.
		for k := range writes {
			w := []*Store{ixs, other}[k%2]
			in := all[rng.IntN(len(all))]
			switch rng.IntN(3) {
			case 0:
				in.ID, in.SourceID = 0, ""
				in.Lon, in.Lat = ptrTo(min(179.99, *in.Lon+rng.Float64()*0.1)), ptrTo(*in.Lat-rng.Float64()*0.1)
				in.Admin1 = []string{"", "Aleppo", "Nineveh"}[rng.IntN(3)]
				if err := w.Create(ctx, &in, nil); err != nil {
					t.Fatal(err)
				}
			case 1:
				in.EventType, in.Actor1, in.Fatalities = "Riots", "Police Forces of Nigeria", ptrTo(rng.IntN(9))
				in.Date = fmt.Sprintf("2019-%02d-11", 1+rng.IntN(12))
				if err := w.Replace(ctx, in.ID, &in, nil); err != nil && !isNotFound(err) {
					t.Fatal(err)
				}
			default:
				if err := w.Delete(ctx, in.ID); err != nil && !isNotFound(err) {
					t.Fatal(err)
				}
			}
		}
	}
	if ixs.idx.ix.Current() == nil {
		t.Fatal("the index is off after the writes")
	}
}

// TestIndexSeesForeignWriteBeforeOwn checks that a write of this process
// that follows another process's, with no read between them, does not
// hide the other write from the index: each kind of write (create,
// replace, delete, import) after a foreign create, then the index's count
// against SQLite's.
func TestIndexSeesForeignWriteBeforeOwn(t *testing.T) {
	ctx := context.Background()
	ixs, other := openTwo(t, "foreign.db")
	mk := func() *incidents.Incident {
		return &incidents.Incident{Date: "2016-01-01", EventType: "Battles", Lat: ptrTo(35.0), Lon: ptrTo(38.0)}
	}
	first := mk()
	if err := ixs.Create(ctx, first, nil); err != nil {
		t.Fatal(err)
	}
	ixs.StartIndex(index.Options{})
	if err := ixs.WaitIndex(ctx); err != nil {
		t.Fatal(err)
	}
	own := map[string]func() error{
		"create":  func() error { return ixs.Create(ctx, mk(), nil) },
		"replace": func() error { in := mk(); in.EventType = "Riots"; return ixs.Replace(ctx, first.ID, in, nil) },
		"import": func() error {
			_, err := ixs.Import(ctx, incidents.NewSliceDecoder([]incidents.Incident{*mk()}), incidents.ImportOptions{})
			return err
		},
		"delete": func() error {
			in := mk()
			ixs.Create(ctx, in, nil)
			other.Create(ctx, mk(), nil)
			return ixs.Delete(ctx, in.ID)
		},
	}
	for _, name := range []string{"create", "replace", "import", "delete"} {
		if err := other.Create(ctx, mk(), nil); err != nil {
			t.Fatal(err)
		}
		if err := own[name](); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, err := ixs.Count(ctx, incidents.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		want, err := other.Count(ctx, incidents.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("after a foreign create and an own %s: the index counts %d, SQLite %d", name, got, want)
		}
	}
}

func isNotFound(err error) bool { return errors.Is(err, incidents.ErrNotFound) }

func randomFilter(rng *rand.Rand) incidents.Filter {
	var f incidents.Filter
	if rng.IntN(2) == 0 {
		boxes := []*geo.BBox{bboxOf(37.0, 36.1, 37.3, 36.3), bboxOf(35, 32, 44, 37.5), bboxOf(179, -18, -179.5, -16), bboxOf(-180, -90, 180, 90)}
		f.BBox = boxes[rng.IntN(len(boxes))]
	}
	if rng.IntN(3) == 0 {
		f.From = fmt.Sprintf("%d-%02d-01", 2010+rng.IntN(11), 1+rng.IntN(12))
	}
	if rng.IntN(3) == 0 {
		f.To = fmt.Sprintf("%d-%02d-15", 2014+rng.IntN(7), 1+rng.IntN(12))
	}
	if rng.IntN(3) == 0 {
		f.EventTypes = []string{incidents.EventTypes[rng.IntN(6)], incidents.EventTypes[rng.IntN(6)]}
	}
	if rng.IntN(3) == 0 {
		f.Actor = []string{"islamic", "FORCES", "nigeria", "%_", "syria)"}[rng.IntN(5)]
	}
	if rng.IntN(4) == 0 {
		f.Country = []string{"SY", "IQ", "FJ", "ZZ"}[rng.IntN(4)]
	}
	if rng.IntN(4) == 0 {
		f.MinFatalities = 1 + rng.IntN(40)
	}
	if rng.IntN(4) == 0 {
		f.Q = []string{"convoy", "cafe", "market hospital", "Ḥamā", "((("}[rng.IntN(5)]
	}
	return f
}

// compareAnswers checks that a (indexed) answers f as b (SQL) does.
func compareAnswers(t *testing.T, a, b *Store, f incidents.Filter) {
	t.Helper()
	ctx := context.Background()
	na, err := a.Count(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	nb, err := b.Count(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	if na != nb {
		t.Fatalf("Count %v: index %d, SQL %d", f, na, nb)
	}
	sa, err := a.Stats(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	sb, err := b.Stats(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(sa, sb) {
		t.Fatalf("Stats %v:\nindex %+v\nSQL   %+v", f, sa, sb)
	}
	page := func(s *Store) []int64 {
		var ids []int64
		g := f
		g.Limit = 37
		for {
			p, err := s.List(ctx, g, func(in *incidents.Incident) error { ids = append(ids, in.ID); return nil })
			if err != nil {
				t.Fatal(err)
			}
			if p.Matched != nb {
				t.Fatalf("List %v: numberMatched %d, want %d", f, p.Matched, nb)
			}
			if p.Next == "" {
				return ids
			}
			g.Cursor = p.Next
		}
	}
	if pa, pb := page(a), page(b); !reflect.DeepEqual(pa, pb) {
		t.Fatalf("List %v: index %d ids, SQL %d", f, len(pa), len(pb))
	}
	for _, p := range [][2]float64{{37.13, 36.20}, {43.13, 36.34}, {179.9, -16.5}} {
		for _, z := range []int{0, 3, 6, 9, 12} {
			tile, _ := geo.TileAt(p[0], p[1], z)
			ca, err := a.TileClusters(ctx, f, tile, geo.DefaultClusterDepth)
			if err != nil {
				t.Fatal(err)
			}
			cb, err := b.TileClusters(ctx, f, tile, geo.DefaultClusterDepth)
			if err != nil {
				t.Fatal(err)
			}
			if len(ca) != len(cb) {
				t.Fatalf("TileClusters %v %s: index %d clusters, SQL %d", f, tile, len(ca), len(cb))
			}
			for i := range ca {
				x, y := ca[i], cb[i]
				if x.Cell != y.Cell || x.Count != y.Count || x.Fatalities != y.Fatalities || x.EventType != y.EventType ||
					math.Abs(x.Lon-y.Lon) > 1e-6 || math.Abs(x.Lat-y.Lat) > 1e-6 {
					t.Fatalf("TileClusters %v %s: index %+v, SQL %+v", f, tile, x, y)
				}
			}
			pa, ma, err := a.TilePoints(ctx, f, tile, 50)
			if err != nil {
				t.Fatal(err)
			}
			pb, mb, err := b.TilePoints(ctx, f, tile, 50)
			if err != nil {
				t.Fatal(err)
			}
			if ma != mb || len(pa) != len(pb) {
				t.Fatalf("TilePoints %v %s: index %d (more %v), SQL %d (more %v)", f, tile, len(pa), ma, len(pb), mb)
			}
		}
	}
	ea, err := a.Extent(ctx)
	if err != nil {
		t.Fatal(err)
	}
	eb, err := b.Extent(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if ea != eb {
		t.Fatalf("Extent: index %+v, SQL %+v", ea, eb)
	}
}

// TestFTSAnswerAfterWrites checks that the index's count for a full-text
// query, whose answer is cached across this process's writes, agrees with
// SQLite's own full-text search after each kind of write.
func TestFTSAnswerAfterWrites(t *testing.T) {
	ctx := context.Background()
	ixs, other := openTwo(t, "fts.db")
	mk := func(notes string) *incidents.Incident {
		return &incidents.Incident{Date: "2016-01-01", EventType: "Battles", Notes: notes, Lat: ptrTo(35.0), Lon: ptrTo(38.0)}
	}
	first, second := mk("shots at the market"), mk("a quiet day")
	for _, in := range []*incidents.Incident{first, second, mk("market fire")} {
		if err := ixs.Create(ctx, in, nil); err != nil {
			t.Fatal(err)
		}
	}
	ixs.StartIndex(index.Options{})
	if err := ixs.WaitIndex(ctx); err != nil {
		t.Fatal(err)
	}
	f := incidents.Filter{Q: "market"}
	steps := []struct {
		name  string
		write func() error
	}{
		{"nothing", func() error { return nil }},
		{"create matching", func() error { return ixs.Create(ctx, mk("the Market hall"), nil) }},
		{"create other", func() error { return ixs.Create(ctx, mk("roadblock"), nil) }},
		{"replace stops matching", func() error { return ixs.Replace(ctx, first.ID, mk("shots at the port"), nil) }},
		{"replace starts matching", func() error { return ixs.Replace(ctx, second.ID, mk("a market day"), nil) }},
		{"delete matching", func() error { return ixs.Delete(ctx, second.ID) }},
		{"import", func() error {
			_, err := ixs.Import(ctx, incidents.NewSliceDecoder([]incidents.Incident{*mk("market"), *mk("none")}), incidents.ImportOptions{})
			return err
		}},
		{"foreign create", func() error { return other.Create(ctx, mk("market again"), nil) }},
		{"foreign create then own", func() error {
			if err := other.Create(ctx, mk("market and more"), nil); err != nil {
				return err
			}
			return ixs.Create(ctx, mk("market once more"), nil)
		}},
	}
	for _, st := range steps {
		if err := st.write(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		got, err := ixs.Count(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		want, err := other.Count(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("after %s: the index counts %d for q=market, SQLite %d", st.name, got, want)
		}
	}
}

func TestMergeIDs(t *testing.T) {
	tests := []struct {
		name                        string
		old, written, matched, want []int64
	}{
		{"empty", nil, nil, nil, []int64{}},
		{"add at the end", []int64{1, 3}, []int64{5}, []int64{5}, []int64{1, 3, 5}},
		{"add in between", []int64{1, 5}, []int64{3}, []int64{3}, []int64{1, 3, 5}},
		{"add at the start", []int64{4, 5}, []int64{2}, []int64{2}, []int64{2, 4, 5}},
		{"stops matching", []int64{1, 3, 5}, []int64{3}, nil, []int64{1, 5}},
		{"still matches", []int64{1, 3, 5}, []int64{3}, []int64{3}, []int64{1, 3, 5}},
		{"mixed", []int64{2, 4, 6}, []int64{1, 4, 7, 9}, []int64{1, 9}, []int64{1, 2, 6, 9}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := slices.Clone(tt.old)
			got := mergeIDs(tt.old, tt.written, tt.matched)
			if !slices.Equal(got, tt.want) {
				t.Errorf("mergeIDs(%v, %v, %v) = %v, want %v", tt.old, tt.written, tt.matched, got, tt.want)
			}
			if !slices.Equal(old, tt.old) {
				t.Errorf("mergeIDs changed old to %v", tt.old)
			}
		})
	}
}

// openTwo opens two stores on one new database file, as two processes
// would: the test indexes the first; the second is never indexed, so its
// answers come from SQLite, and its writes are another process's.
func openTwo(t *testing.T, name string) (ixs, other *Store) {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	var err error
	if ixs, err = Open(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ixs.Close() })
	if other, err = Open(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	return ixs, other
}
