package sqlite_test

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/mapd/mapd/geo"
	"github.com/mapd/mapd/incidents"
	"github.com/mapd/mapd/incidents/sqlite"
)

func openStore(t testing.TB) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func ptr[T any](v T) *T { return &v }

func validIncident() incidents.Incident {
	return incidents.Incident{
		Date: "2016-09-17", EventType: "Battles", Actor1: "Military Forces of Syria",
		Lat: ptr(35.336), Lon: ptr(40.141), Place: "Deir ez-Zor", Notes: "test",
	}
}

func TestCRUD(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	in := validIncident()
	in.SourceID = "abc-1"
	in.Fatalities = ptr(3)
	in.Sources = []string{"Reuters", "https://example.org/a"}
	in.Tags = []string{"x"}
	if err := s.Create(ctx, &in, nil); err != nil {
		t.Fatal(err)
	}
	if in.ID == 0 || in.CreatedAt == "" {
		t.Fatalf("got id %d created %q, want both set", in.ID, in.CreatedAt)
	}
	got, err := s.Get(ctx, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.SourceID != "abc-1" || *got.Fatalities != 3 || *got.Lat != 35.336 || !slices.Equal(got.Sources, in.Sources) || got.DatePrecision != "day" {
		t.Fatalf("got %+v, want the created incident", got)
	}
	// A second incident with the same source_id is a conflict.
	dup := validIncident()
	dup.SourceID = "abc-1"
	err = s.Create(ctx, &dup, nil)
	if !errors.Is(err, incidents.ErrConflict) {
		t.Fatalf("got %v, want ErrConflict", err)
	}
	repl := validIncident()
	repl.EventType = "Riots"
	if err := s.Replace(ctx, in.ID, &repl, nil); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Get(ctx, in.ID)
	if got.EventType != "Riots" || got.SourceID != "" || got.Fatalities != nil || got.CreatedAt != in.CreatedAt {
		t.Fatalf("got %+v after replace, want replaced fields and the same created_at", got)
	}
	if err := s.Replace(ctx, 9999, &repl, nil); !errors.Is(err, incidents.ErrNotFound) {
		t.Fatalf("replace missing: got %v, want ErrNotFound", err)
	}
	if err := s.Delete(ctx, in.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, in.ID); !errors.Is(err, incidents.ErrNotFound) {
		t.Fatalf("get deleted: got %v, want ErrNotFound", err)
	}
	if err := s.Delete(ctx, in.ID); !errors.Is(err, incidents.ErrNotFound) {
		t.Fatalf("delete twice: got %v, want ErrNotFound", err)
	}
}

func TestCreateRejectsInvalid(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	cases := []struct {
		name  string
		edit  func(*incidents.Incident)
		field string
	}{
		{"no date", func(in *incidents.Incident) { in.Date = "" }, "date"},
		{"february 30", func(in *incidents.Incident) { in.Date = "2016-02-30" }, "date"},
		{"bad precision", func(in *incidents.Incident) { in.DatePrecision = "decade" }, "date_precision"},
		{"no event type", func(in *incidents.Incident) { in.EventType = " " }, "event_type"},
		{"lat 95", func(in *incidents.Incident) { in.Lat = ptr(95.0) }, "lat"},
		{"lon -181", func(in *incidents.Incident) { in.Lon = ptr(-181.0) }, "lon"},
		{"negative fatalities", func(in *incidents.Incident) { in.Fatalities = ptr(-1) }, "fatalities"},
		{"negative injuries", func(in *incidents.Incident) { in.Injuries = ptr(-2) }, "injuries"},
		{"lat without lon", func(in *incidents.Incident) { in.Lon = nil }, "lon"},
		{"no point no place", func(in *incidents.Incident) { in.Lat, in.Lon, in.Place = nil, nil, "" }, "lat"},
		{"place unresolved", func(in *incidents.Incident) { in.Lat, in.Lon = nil, nil }, "place"},
		{"bad country", func(in *incidents.Incident) { in.Country = "Syria" }, "country"},
		{"geo precision 4", func(in *incidents.Incident) { in.GeoPrecision = 4 }, "geo_precision"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := validIncident()
			tc.edit(&in)
			err := s.Create(ctx, &in, nil)
			var fe *incidents.FieldError
			if !errors.As(err, &fe) || fe.Field != tc.field {
				t.Fatalf("got %v, want a FieldError on %q", err, tc.field)
			}
		})
	}
	n, _ := s.Count(ctx, incidents.Filter{})
	if n != 0 {
		t.Fatalf("got %d stored, want 0", n)
	}
}

// seed stores n random incidents and returns them as stored, in the order
// of a listing: newest date first, then highest id.
func seed(t testing.TB, s *sqlite.Store, n int, rng *rand.Rand) []incidents.Incident {
	t.Helper()
	actors := []string{"Military Forces of Syria", "Islamic State", "Military Forces of Russia", "Rebel groups", "Civilians (Syria)"}
	words := []string{"airstrike", "shelling", "convoy", "market", "hospital", "checkpoint"}
	countries := []string{"SY", "IQ", "TR", "FJ"}
	items := make([]incidents.Incident, n)
	for i := range items {
		in := incidents.Incident{
			SourceID:  fmt.Sprintf("s-%d", i),
			Date:      fmt.Sprintf("2016-%02d-%02d", 1+rng.IntN(12), 1+rng.IntN(28)),
			EventType: incidents.EventTypes[rng.IntN(len(incidents.EventTypes))],
			Actor1:    actors[rng.IntN(len(actors))],
			Country:   countries[rng.IntN(len(countries))],
			Notes:     words[rng.IntN(len(words))] + " near " + words[rng.IntN(len(words))],
		}
		if rng.IntN(4) > 0 {
			in.Fatalities = ptr(rng.IntN(50))
		}
		if in.Country == "FJ" { // around the antimeridian
			in.Lat, in.Lon = ptr(-17+rng.Float64()*2), ptr(178+rng.Float64()*4)
			if *in.Lon > 180 {
				*in.Lon -= 360
			}
		} else {
			in.Lat, in.Lon = ptr(32+rng.Float64()*6), ptr(36+rng.Float64()*8)
		}
		items[i] = in
	}
	res, err := s.Import(context.Background(), incidents.NewSliceDecoder(items), incidents.ImportOptions{BatchSize: 97})
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
	slices.SortStableFunc(all, func(a, b incidents.Incident) int {
		if c := strings.Compare(b.Date, a.Date); c != 0 {
			return c
		}
		return cmp.Compare(b.ID, a.ID)
	})
	return all
}

// bruteForce applies a filter to every incident in Go.
func bruteForce(all []incidents.Incident, f incidents.Filter) []int64 {
	var ids []int64
	for _, in := range all {
		if f.BBox != nil && !f.BBox.Contains(*in.Lon, *in.Lat) {
			continue
		}
		if f.From != "" && in.Date < f.From || f.To != "" && in.Date > f.To {
			continue
		}
		if len(f.EventTypes) > 0 && !slices.Contains(f.EventTypes, in.EventType) {
			continue
		}
		if f.Actor != "" && !strings.Contains(strings.ToLower(in.Actor1+"\x00"+in.Actor2), strings.ToLower(f.Actor)) {
			continue
		}
		if f.Country != "" && in.Country != f.Country {
			continue
		}
		if f.Q != "" && !strings.Contains(strings.ToLower(in.Notes), strings.ToLower(f.Q)) {
			continue
		}
		if f.MinFatalities > 0 && (in.Fatalities == nil || *in.Fatalities < f.MinFatalities) {
			continue
		}
		ids = append(ids, in.ID)
	}
	return ids
}

func TestFiltersMatchBruteForce(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	all := seed(t, s, 1500, rand.New(rand.NewPCG(1, 2)))
	bb := func(a, b, c, d float64) *geo.BBox { return &geo.BBox{MinLon: a, MinLat: b, MaxLon: c, MaxLat: d} }
	cases := map[string]incidents.Filter{
		"none":           {},
		"bbox":           {BBox: bb(37, 33, 40, 36)},
		"bbox wide":      {BBox: bb(30, 30, 50, 40)},
		"bbox empty":     {BBox: bb(0, 0, 1, 1)},
		"antimeridian":   {BBox: bb(179, -18, -179, -16)},
		"from":           {From: "2016-06-01"},
		"to":             {To: "2016-03-15"},
		"from to":        {From: "2016-04-01", To: "2016-04-30"},
		"one type":       {EventTypes: []string{"Battles"}},
		"two types":      {EventTypes: []string{"Riots", "Protests"}},
		"actor":          {Actor: "islamic"},
		"country":        {Country: "IQ"},
		"q":              {Q: "convoy"},
		"min fatalities": {MinFatalities: 40},
		"combined": {BBox: bb(36, 32, 42, 37), From: "2016-02-01", To: "2016-11-30", EventTypes: []string{"Battles", "Riots"},
			Actor: "forces", Country: "SY", Q: "market", MinFatalities: 5},
	}
	for name, f := range cases {
		t.Run(name, func(t *testing.T) {
			want := bruteForce(all, f)
			var got []int64
			f.Limit = 10000
			page, err := s.List(ctx, f, func(in *incidents.Incident) error {
				got = append(got, in.ID)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if page.Matched != len(want) || !slices.Equal(got, want) {
				t.Fatalf("got %d ids (matched %d), want %d: first got %v want %v", len(got), page.Matched, len(want), head(got), head(want))
			}
		})
	}
}

func head(ids []int64) []int64 {
	if len(ids) > 5 {
		return ids[:5]
	}
	return ids
}

func TestPaginationWalksEveryRowOnce(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	all := seed(t, s, 700, rand.New(rand.NewPCG(3, 4)))
	for _, f := range []incidents.Filter{{Limit: 37}, {Limit: 50, BBox: &geo.BBox{MinLon: 30, MinLat: 30, MaxLon: 50, MaxLat: 40}}} {
		seen := map[int64]bool{}
		var order []incidents.Incident
		pages := 0
		for {
			pages++
			page, err := s.List(ctx, f, func(in *incidents.Incident) error {
				if seen[in.ID] {
					t.Fatalf("id %d seen twice", in.ID)
				}
				seen[in.ID] = true
				order = append(order, *in)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if page.Next == "" {
				break
			}
			f.Cursor = page.Next
		}
		want := len(bruteForce(all, f))
		if len(seen) != want {
			t.Fatalf("walked %d rows in %d pages, want %d", len(seen), pages, want)
		}
		if !sort.SliceIsSorted(order, func(i, j int) bool {
			a, b := order[i], order[j]
			return a.Date > b.Date || a.Date == b.Date && a.ID > b.ID
		}) {
			t.Fatal("pages are not in date desc, id desc order")
		}
	}
}

func TestImportUpsertsBySourceID(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	items := []incidents.Incident{validIncident(), validIncident()}
	items[0].SourceID, items[1].SourceID = "a", "b"
	res, err := s.Import(ctx, incidents.NewSliceDecoder(items), incidents.ImportOptions{})
	if err != nil || res.Inserted != 2 {
		t.Fatalf("got %+v %v, want 2 inserted", res, err)
	}
	items[1].Notes = "changed"
	res, err = s.Import(ctx, incidents.NewSliceDecoder(items), incidents.ImportOptions{})
	if err != nil || res.Inserted != 0 || res.Updated != 1 || res.Unchanged != 1 {
		t.Fatalf("got %+v %v, want 0 inserted, 1 updated, 1 unchanged", res, err)
	}
	bad := validIncident()
	bad.Lat = ptr(95.0)
	bad.SourceID = "c"
	res, err = s.Import(ctx, incidents.NewSliceDecoder([]incidents.Incident{validIncident(), bad}), incidents.ImportOptions{Atomic: true})
	if err != nil || res.Rejected != 1 || res.Inserted != 0 || len(res.Errors) != 1 || res.Errors[0].Index != 1 || res.Errors[0].Field != "lat" || res.Errors[0].SourceID != "c" {
		t.Fatalf("atomic: got %+v %v", res, err)
	}
	if n, _ := s.Count(ctx, incidents.Filter{}); n != 2 {
		t.Fatalf("got %d stored after a rejected atomic import, want 2", n)
	}
}

func TestFTSQuerySyntaxIsLiteral(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	seed(t, s, 20, rand.New(rand.NewPCG(5, 6)))
	for _, q := range []string{`"`, `NEAR(`, `a OR`, `*`, `notes:x`, `(`, `AND`, `""""`, `^x`} {
		if _, err := s.List(ctx, incidents.Filter{Q: q}, func(*incidents.Incident) error { return nil }); err != nil {
			t.Errorf("q=%q: got %v, want no error", q, err)
		}
	}
}

type fakeResolver map[string]incidents.Resolution

func (f fakeResolver) ResolvePlace(_ context.Context, place, country string, _ []string) (incidents.Resolution, bool, error) {
	r, ok := f[place]
	return r, ok, nil
}

func TestCreateResolvesPlace(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	r := fakeResolver{"Raqqa": {Lat: 35.95, Lon: 39.01, Country: "SY", Admin1: "Ar-Raqqah", GeonameID: 163915, GeoPrecision: 1}}
	in := incidents.Incident{Date: "2016-09-01", EventType: "Battles", Place: "Raqqa"}
	if err := s.Create(ctx, &in, r); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Get(ctx, in.ID)
	if got.Place != "Raqqa" || *got.Lat != 35.95 || got.GeonameID != 163915 || got.Admin1 != "Ar-Raqqah" || got.Country != "SY" {
		t.Fatalf("got %+v, want resolved Raqqa keeping the place as written", got)
	}
}

func TestDemoLoads(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	n, err := incidents.LoadDemo(ctx, s)
	if err != nil || n != len(incidents.Demo()) {
		t.Fatalf("got %d, %v; want %d", n, err, len(incidents.Demo()))
	}
	if n, _ := incidents.LoadDemo(ctx, s); n != 0 {
		t.Fatalf("second load stored %d, want 0", n)
	}
	found := false
	s.Export(ctx, incidents.Filter{Q: "Jabal Tharda"}, func(in *incidents.Incident) error {
		if in.Fatalities != nil && *in.Fatalities == 62 && geo.Distance(*in.Lat, *in.Lon, 35.336, 40.141) < 20 {
			found = true
		}
		return nil
	})
	if !found {
		t.Fatal("the Deir ez-Zor air strike is not within 20 km of 35.336 N, 40.141 E")
	}
}

func TestIndexesStayConsistent(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	items := []incidents.Incident{validIncident(), validIncident(), validIncident()}
	items[0].SourceID, items[1].SourceID, items[2].SourceID = "x", "y", "x" // the later x wins
	items[2].Notes = "second version mentions a convoy"
	res, err := s.Import(ctx, incidents.NewSliceDecoder(items), incidents.ImportOptions{})
	if err != nil || res.Inserted != 2 || res.Updated != 1 {
		t.Fatalf("got %+v %v, want 2 inserted and 1 updated", res, err)
	}
	if err := s.Check(ctx); err != nil {
		t.Fatal(err)
	}
	n, _ := s.Count(ctx, incidents.Filter{Q: "convoy"})
	if n != 1 {
		t.Fatalf("got %d full-text matches for the updated notes, want 1", n)
	}
	in := validIncident()
	if err := s.Create(ctx, &in, nil); err != nil {
		t.Fatal(err)
	}
	in.Notes = "replaced text"
	if err := s.Replace(ctx, in.ID, &in, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if err := s.Check(ctx); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.Count(ctx, incidents.Filter{Q: "replaced"}); n != 1 {
		t.Fatalf("got %d matches for replaced text, want 1", n)
	}
}

func TestMarshalFeatureMatchesFeature(t *testing.T) {
	for _, in := range append(incidents.Demo(), incidents.Incident{Date: "2016-01-01", EventType: "Riots"}) {
		in.ID = 7
		fast, err := in.MarshalFeature()
		if err != nil {
			t.Fatal(err)
		}
		slow, err := json.Marshal(in.Feature())
		if err != nil {
			t.Fatal(err)
		}
		var a, b map[string]any
		json.Unmarshal(fast, &a)
		json.Unmarshal(slow, &b)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("got %s, want %s", fast, slow)
		}
	}
}

func TestBackupIsConsistentCopy(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	seed(t, s, 300, rand.New(rand.NewPCG(9, 9)))
	path := filepath.Join(t.TempDir(), "backup.db")
	if err := s.Backup(ctx, path); err != nil {
		t.Fatal(err)
	}
	// The original keeps working; the copy is a complete database.
	in := validIncident()
	if err := s.Create(ctx, &in, nil); err != nil {
		t.Fatal(err)
	}
	b, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.Check(ctx); err != nil {
		t.Fatal(err)
	}
	if n, _ := b.Count(ctx, incidents.Filter{}); n != 300 {
		t.Fatalf("got %d incidents in the backup, want 300", n)
	}
	if n, _ := b.Count(ctx, incidents.Filter{Q: "convoy"}); n == 0 {
		t.Fatal("the backup's full-text index finds nothing")
	}
	if err := s.Backup(ctx, path); err == nil {
		t.Fatal("backup over an existing file succeeded, want an error")
	}
}
