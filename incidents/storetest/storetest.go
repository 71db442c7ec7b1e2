// Package storetest is the conformance suite of incidents.Store: every
// store (incidents/sqlite, incidents/postgis) runs it from its own tests
// and must pass it unchanged. It checks every method of the interface,
// each filter against a brute-force evaluation over random data spread
// over many places and years, pagination that visits every match exactly
// once, import counts, upserts by source_id, atomic imports, and that
// errors are the domain's sentinels.
package storetest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/mapd/mapd/geo"
	"github.com/mapd/mapd/incidents"
)

// Opener returns a new, empty store, closed when the test ends.
type Opener func(t *testing.T) incidents.Store

// Run runs the whole suite against the stores open returns.
func Run(t *testing.T, open Opener) {
	t.Run("CRUD", func(t *testing.T) { testCRUD(t, open(t)) })
	t.Run("Sentinels", func(t *testing.T) { testSentinels(t, open(t)) })
	t.Run("Import", func(t *testing.T) { testImport(t, open(t)) })
	t.Run("ImportAtomic", func(t *testing.T) { testImportAtomic(t, open(t)) })
	t.Run("Upsert", func(t *testing.T) { testUpsert(t, open(t)) })
	t.Run("ExtentVersion", func(t *testing.T) { testExtentVersion(t, open(t)) })
	// One store with random data serves the read checks.
	s := open(t)
	all := Seed(t, s, 1200, rand.New(rand.NewPCG(13, 17)))
	t.Run("Filters", func(t *testing.T) { testFilters(t, s, all) })
	t.Run("Pagination", func(t *testing.T) { testPagination(t, s, all) })
	t.Run("SortBy", func(t *testing.T) { testSortBy(t, s, all) })
	t.Run("Tiles", func(t *testing.T) { testTiles(t, s, all) })
	t.Run("QuerySyntax", func(t *testing.T) { testQuerySyntax(t, s) })
}

func ptr[T any](v T) *T { return &v }

func valid() incidents.Incident {
	return incidents.Incident{
		Date: "2016-09-17", EventType: "Battles", Actor1: "Military Forces of Syria",
		Lat: ptr(35.336), Lon: ptr(40.141), Place: "Deir ez-Zor", Notes: "conformance",
	}
}

func testCRUD(t *testing.T, s incidents.Store) {
	ctx := context.Background()
	in := valid()
	in.SourceID = "crud-1"
	in.Fatalities, in.Injuries = ptr(3), ptr(0)
	in.Sources = []string{"Reuters", "https://example.org/a"}
	in.Tags = []string{"x", "y"}
	in.SubEventType, in.Actor2, in.Country, in.Admin1 = "Armed clash", "Rebel Forces", "SY", "Deir ez-Zor"
	in.GeoPrecision, in.GeonameID, in.DatePrecision = 2, 170794, "week"
	if err := s.Create(ctx, &in, nil); err != nil {
		t.Fatal(err)
	}
	if in.ID == 0 || in.CreatedAt == "" || in.UpdatedAt == "" {
		t.Fatalf("got id %d, created_at %q, updated_at %q, want all set", in.ID, in.CreatedAt, in.UpdatedAt)
	}
	got, err := s.Get(ctx, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !sameIncident(got, in) {
		t.Fatalf("got %+v, want the created %+v", got, in)
	}
	repl := valid()
	repl.EventType = "Riots"
	if err := s.Replace(ctx, in.ID, &repl, nil); err != nil {
		t.Fatal(err)
	}
	got, err = s.Get(ctx, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.EventType != "Riots" || got.SourceID != "" || got.Fatalities != nil || got.Sources != nil || got.CreatedAt != in.CreatedAt || got.ID != in.ID {
		t.Fatalf("got %+v after replace, want the replaced fields, the same id and created_at", got)
	}
	if err := s.Delete(ctx, in.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, in.ID); !errors.Is(err, incidents.ErrNotFound) {
		t.Fatalf("get after delete: got %v, want ErrNotFound", err)
	}
	// A place without coordinates is resolved.
	byName := incidents.Incident{Date: "2016-01-02", EventType: "Protests", Place: "Somewhere"}
	if err := s.Create(ctx, &byName, fixedResolver{}); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Get(ctx, byName.ID)
	if *got.Lat != 12.5 || *got.Lon != -3.25 || got.Country != "ML" || got.GeonameID != 42 {
		t.Fatalf("got %+v, want the resolved place", got)
	}
}

// sameIncident compares every field the caller sets.
func sameIncident(a, b incidents.Incident) bool {
	return incidents.SameContent(&a, &b) && a.ID == b.ID && a.CreatedAt == b.CreatedAt && a.UpdatedAt == b.UpdatedAt
}

type fixedResolver struct{}

func (fixedResolver) ResolvePlace(context.Context, string, string, []string) (incidents.Resolution, bool, error) {
	return incidents.Resolution{Lat: 12.5, Lon: -3.25, Country: "ML", Admin1: "Mopti", GeonameID: 42, GeoPrecision: 1}, true, nil
}

func testSentinels(t *testing.T, s incidents.Store) {
	ctx := context.Background()
	a := valid()
	a.SourceID = "dup"
	if err := s.Create(ctx, &a, nil); err != nil {
		t.Fatal(err)
	}
	b := valid()
	if err := s.Create(ctx, &b, nil); err != nil {
		t.Fatal(err)
	}
	var fe *incidents.FieldError
	dup := valid()
	dup.SourceID = "dup"
	cases := []struct {
		name string
		err  error
		want error
	}{
		{"get missing", func() error { _, err := s.Get(ctx, 1<<40); return err }(), incidents.ErrNotFound},
		{"replace missing", s.Replace(ctx, 1<<40, ptr(valid()), nil), incidents.ErrNotFound},
		{"delete missing", s.Delete(ctx, 1<<40), incidents.ErrNotFound},
		{"create duplicate source_id", s.Create(ctx, &dup, nil), incidents.ErrConflict},
		{"replace onto another's source_id", s.Replace(ctx, b.ID, ptr(dup), nil), incidents.ErrConflict},
		{"create invalid", s.Create(ctx, &incidents.Incident{Date: "2016-02-30", EventType: "Battles", Lat: ptr(1.0), Lon: ptr(1.0)}, nil), incidents.ErrInvalid},
		{"create without point", s.Create(ctx, &incidents.Incident{Date: "2016-02-03", EventType: "Battles"}, nil), incidents.ErrInvalid},
		{"bad cursor", func() error {
			_, err := s.List(ctx, incidents.Filter{Cursor: "nope"}, func(*incidents.Incident) error { return nil })
			return err
		}(), incidents.ErrInvalid},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if !errors.Is(tc.err, tc.want) {
				t.Fatalf("got %v, want an error matching %v", tc.err, tc.want)
			}
		})
	}
	if err := s.Create(ctx, &dup, nil); !errors.As(err, &fe) || fe.Field != "source_id" || !fe.Conflict {
		t.Fatalf("got %v, want a conflict *FieldError on source_id", err)
	}
	// A callback's error stops a listing and is returned as it is.
	stop := errors.New("stop")
	if _, err := s.List(ctx, incidents.Filter{}, func(*incidents.Incident) error { return stop }); !errors.Is(err, stop) {
		t.Fatalf("list: got %v, want the callback's error", err)
	}
	if err := s.Export(ctx, incidents.Filter{}, func(*incidents.Incident) error { return stop }); !errors.Is(err, stop) {
		t.Fatalf("export: got %v, want the callback's error", err)
	}
}

func testImport(t *testing.T, s incidents.Store) {
	ctx := context.Background()
	var items []incidents.Incident
	for i := range 30 {
		in := valid()
		in.SourceID = fmt.Sprintf("imp-%d", i)
		in.Date = fmt.Sprintf("2015-03-%02d", 1+i%28)
		items = append(items, in)
	}
	items[4].Lat = ptr(95.0)      // invalid
	items[9].EventType = ""       // invalid
	items[12].SourceID = ""       // no source_id: always inserted
	items[20].SourceID = "imp-19" // repeats the one before: updates it
	items[20].Notes = "second"
	res, err := s.Import(ctx, incidents.NewSliceDecoder(items), incidents.ImportOptions{BatchSize: 7})
	if err != nil {
		t.Fatal(err)
	}
	if res.Received != 30 || res.Inserted != 27 || res.Updated != 1 || res.Rejected != 2 || len(res.Errors) != 2 {
		t.Fatalf("got %+v, want 30 received, 27 inserted, 1 updated, 2 rejected", res)
	}
	if res.Errors[0].Index != 4 || res.Errors[0].Field != "lat" || res.Errors[0].SourceID != "imp-4" || res.Errors[1].Index != 9 || res.Errors[1].Field != "event_type" {
		t.Fatalf("got errors %+v, want lat at 4 and event_type at 9", res.Errors)
	}
	if n, err := s.Count(ctx, incidents.Filter{}); err != nil || n != 27 {
		t.Fatalf("got %d stored (%v), want 27", n, err)
	}
	// The same input again changes nothing; one edited record is updated.
	items[0].Notes = "edited"
	res, err = s.Import(ctx, incidents.NewSliceDecoder(items), incidents.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// imp-19 is written twice again: first back to its first text
	// (updated), then to "second" (updated).
	if res.Inserted != 1 || res.Updated != 3 || res.Unchanged != 24 || res.Rejected != 2 {
		t.Fatalf("got %+v, want 1 inserted (no source_id), 3 updated, 24 unchanged, 2 rejected", res)
	}
	// MaxErrors keeps the count exact.
	bad := make([]incidents.Incident, 5)
	res, err = s.Import(ctx, incidents.NewSliceDecoder(bad), incidents.ImportOptions{MaxErrors: 2})
	if err != nil || res.Rejected != 5 || len(res.Errors) != 2 || !res.ErrorsTruncated {
		t.Fatalf("got %+v, %v, want 5 rejected, 2 errors kept, truncated", res, err)
	}
	// Limit stops the stream.
	if _, err := s.Import(ctx, incidents.NewSliceDecoder(items), incidents.ImportOptions{Limit: 10}); !errors.Is(err, incidents.ErrTooManyRecords) {
		t.Fatalf("got %v, want ErrTooManyRecords", err)
	}
}

func testImportAtomic(t *testing.T, s incidents.Store) {
	ctx := context.Background()
	first := []incidents.Incident{valid()}
	first[0].SourceID = "keep"
	if _, err := s.Import(ctx, incidents.NewSliceDecoder(first), incidents.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	v0, err := s.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var items []incidents.Incident
	for i := range 50 {
		in := valid()
		in.SourceID = fmt.Sprintf("atomic-%d", i)
		items = append(items, in)
	}
	items[0].SourceID = "keep"
	items[0].Notes = "would update"
	items[41].Lon = ptr(200.0)
	res, err := s.Import(ctx, incidents.NewSliceDecoder(items), incidents.ImportOptions{Atomic: true, BatchSize: 5})
	if err != nil {
		t.Fatal(err)
	}
	if res.Received != 50 || res.Rejected != 1 || res.Inserted != 0 || res.Updated != 0 || res.Errors[0].Index != 41 || res.Errors[0].Field != "lon" {
		t.Fatalf("got %+v, want 1 rejected (lon at 41) and nothing stored", res)
	}
	if n, _ := s.Count(ctx, incidents.Filter{}); n != 1 {
		t.Fatalf("got %d stored after a rejected atomic import, want 1", n)
	}
	kept, err := list(t, s, incidents.Filter{})
	if err != nil || kept[0].Notes != "conformance" {
		t.Fatalf("got %+v, want the stored incident unchanged", kept)
	}
	if v, _ := s.Version(ctx); v != v0 {
		t.Fatalf("got version %d after a rejected atomic import, want %d", v, v0)
	}
	items[41].Lon = ptr(20.0)
	res, err = s.Import(ctx, incidents.NewSliceDecoder(items), incidents.ImportOptions{Atomic: true})
	if err != nil || res.Inserted != 49 || res.Updated != 1 {
		t.Fatalf("got %+v, %v, want 49 inserted and 1 updated", res, err)
	}
	// A cancelled atomic import stores nothing.
	ctx2, cancel := context.WithCancel(ctx)
	more := make([]incidents.Incident, 3000)
	for i := range more {
		more[i] = valid()
	}
	dec := &cancelAfter{dec: incidents.NewSliceDecoder(more), n: 2000, cancel: cancel}
	if _, err := s.Import(ctx2, dec, incidents.ImportOptions{Atomic: true}); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if n, _ := s.Count(ctx, incidents.Filter{}); n != 50 {
		t.Fatalf("got %d stored after a cancelled atomic import, want 50", n)
	}
}

// cancelAfter cancels its context after n records.
type cancelAfter struct {
	dec    incidents.Decoder
	n      int
	cancel func()
}

func (c *cancelAfter) Next() (incidents.Record, error) {
	if c.n--; c.n == 0 {
		c.cancel()
	}
	return c.dec.Next()
}

func testUpsert(t *testing.T, s incidents.Store) {
	ctx := context.Background()
	in := valid()
	in.SourceID = "up-1"
	if err := s.Create(ctx, &in, nil); err != nil {
		t.Fatal(err)
	}
	upd := valid()
	upd.SourceID = "up-1"
	upd.Fatalities = ptr(9)
	upd.Tags = []string{"late report"}
	res, err := s.Import(ctx, incidents.NewSliceDecoder([]incidents.Incident{upd}), incidents.ImportOptions{})
	if err != nil || res.Updated != 1 || res.Inserted != 0 {
		t.Fatalf("got %+v, %v, want 1 updated", res, err)
	}
	got, err := s.Get(ctx, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != in.ID || got.CreatedAt != in.CreatedAt || got.Fatalities == nil || *got.Fatalities != 9 || !slices.Equal(got.Tags, upd.Tags) {
		t.Fatalf("got %+v, want the update on the same id with the same created_at", got)
	}
	if n, _ := s.Count(ctx, incidents.Filter{}); n != 1 {
		t.Fatalf("got %d incidents, want 1", n)
	}
}

func testExtentVersion(t *testing.T, s incidents.Store) {
	ctx := context.Background()
	e, err := s.Extent(ctx)
	if err != nil || e.Count != 0 {
		t.Fatalf("empty store: got %+v, %v, want a zero count", e, err)
	}
	v0, err := s.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	a, b := valid(), valid()
	a.Lat, a.Lon, a.Date = ptr(-10.5), ptr(-70.25), "2001-02-03"
	b.Lat, b.Lon, b.Date = ptr(48.0), ptr(37.5), "2019-12-31"
	for _, in := range []*incidents.Incident{&a, &b} {
		if err := s.Create(ctx, in, nil); err != nil {
			t.Fatal(err)
		}
	}
	v1, _ := s.Version(ctx)
	if v1 == v0 {
		t.Fatalf("got version %d after writes, want a change from %d", v1, v0)
	}
	e, err = s.Extent(ctx)
	want := incidents.Extent{Count: 2, MinLon: -70.25, MinLat: -10.5, MaxLon: 37.5, MaxLat: 48, MinDate: "2001-02-03", MaxDate: "2019-12-31"}
	if err != nil || e != want {
		t.Fatalf("got %+v, %v, want %+v", e, err, want)
	}
	for _, write := range []func() error{
		func() error { return s.Replace(ctx, a.ID, ptr(valid()), nil) },
		func() error { return s.Delete(ctx, b.ID) },
	} {
		if err := write(); err != nil {
			t.Fatal(err)
		}
		v, _ := s.Version(ctx)
		if v == v1 {
			t.Fatalf("got version %d unchanged after a write", v)
		}
		v1 = v
	}
}

// Seed stores n random incidents spread over towns of several countries
// (one across the antimeridian) and eleven years, and returns them as
// stored, in ascending id order.
func Seed(t *testing.T, s incidents.Store, n int, rng *rand.Rand) []incidents.Incident {
	t.Helper()
	towns := []struct {
		country, admin1, name string
		lat, lon              float64
	}{
		{"SY", "Aleppo", "Aleppo", 36.20, 37.13}, {"SY", "Hama", "Ḥamā", 35.13, 36.75}, {"SY", "Rif Dimashq", "Douma", 33.57, 36.40},
		{"IQ", "Nineveh", "Mosul", 36.34, 43.13}, {"IQ", "Anbar", "Fallujah", 33.35, 43.78}, {"YE", "Taizz", "Taizz", 13.58, 44.02},
		{"UA", "Donetsk", "Avdiivka", 48.14, 37.75}, {"NG", "Borno", "Maiduguri", 11.85, 13.16}, {"CO", "", "Tumaco", 1.80, -78.76},
		{"FJ", "Northern", "Labasa", -16.42, 179.38}, {"FJ", "Northern", "Taveuni", -16.85, -179.97}, {"PH", "", "Marawi", 8.00, 124.29},
	}
	actors := []string{"Military Forces of Syria", "Islamic State", "Military Forces of Russia", "Rebel groups", "Civilians (Syria)", "Police Forces of Nigeria"}
	words := []string{"airstrike", "shelling", "convoy", "market", "hospital", "checkpoint", "Café", "bridge", "Ḥamā", "drone"}
	items := make([]incidents.Incident, n)
	for i := range items {
		tw := towns[rng.IntN(len(towns))]
		// Most incidents near a town, some spread over its region.
		spread := 0.05
		if rng.IntN(4) == 0 {
			spread = 1.5
		}
		lon := tw.lon + (rng.Float64()-0.5)*spread
		if lon > 180 {
			lon -= 360
		} else if lon < -180 {
			lon += 360
		}
		in := incidents.Incident{
			Date:      fmt.Sprintf("%d-%02d-%02d", 2010+rng.IntN(11), 1+rng.IntN(12), 1+rng.IntN(28)),
			EventType: incidents.EventTypes[rng.IntN(len(incidents.EventTypes))],
			Actor1:    actors[rng.IntN(len(actors))],
			Country:   tw.country,
			Admin1:    tw.admin1,
			Place:     tw.name,
			Notes:     words[rng.IntN(len(words))] + " near " + words[rng.IntN(len(words))] + fmt.Sprintf(" (%d)", i),
			Lat:       ptr(tw.lat + (rng.Float64()-0.5)*spread),
			Lon:       ptr(lon),
		}
		if rng.IntN(3) > 0 {
			in.SourceID = fmt.Sprintf("seed-%d", i)
		}
		if rng.IntN(2) == 0 {
			in.Actor2 = actors[rng.IntN(len(actors))]
		}
		if rng.IntN(4) > 0 {
			in.Fatalities = ptr(rng.IntN(60))
		}
		if rng.IntN(20) == 0 { // same day as another: the id breaks the tie
			in.Date = "2016-09-17"
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
	if len(all) != n {
		t.Fatalf("seed: exported %d, want %d", len(all), n)
	}
	return all
}

// Match applies a filter (except Limit and Cursor) to one incident in Go,
// as the contract defines it.
func Match(in *incidents.Incident, f incidents.Filter) bool {
	switch {
	case f.BBox != nil && !f.BBox.Contains(*in.Lon, *in.Lat),
		f.From != "" && in.Date < f.From,
		f.To != "" && in.Date > f.To,
		len(f.EventTypes) > 0 && !slices.Contains(f.EventTypes, in.EventType),
		f.Actor != "" && !strings.Contains(strings.ToLower(in.Actor1), strings.ToLower(f.Actor)) && !strings.Contains(strings.ToLower(in.Actor2), strings.ToLower(f.Actor)),
		f.Country != "" && in.Country != f.Country,
		f.MinFatalities > 0 && (in.Fatalities == nil || *in.Fatalities < f.MinFatalities),
		!incidents.MatchesExpr(f.Expr, in):
		return false
	}
	if f.Q != "" {
		have := map[string]bool{}
		for _, w := range words(in.Notes + " " + in.Place + " " + in.Actor1 + " " + in.Actor2) {
			have[w] = true
		}
		for _, w := range words(f.Q) {
			if !have[w] {
				return false
			}
		}
	}
	return true
}

// words splits text into the words full-text search matches: runs of
// letters and digits, lower-cased, without diacritics.
func words(s string) []string {
	ws := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
	for i, w := range ws {
		ws[i] = foldDiacritics(strings.ToLower(w))
	}
	return ws
}

// foldDiacritics removes the diacritics of the letters Seed writes.
func foldDiacritics(s string) string {
	return strings.NewReplacer("é", "e", "ḥ", "h", "ā", "a").Replace(s)
}

// newestFirst orders incidents as a listing does.
func newestFirst(a, b incidents.Incident) int {
	if c := strings.Compare(b.Date, a.Date); c != 0 {
		return c
	}
	return cmp.Compare(b.ID, a.ID)
}

func list(t *testing.T, s incidents.Store, f incidents.Filter) ([]incidents.Incident, error) {
	var out []incidents.Incident
	_, err := s.List(context.Background(), f, func(in *incidents.Incident) error {
		out = append(out, *in)
		return nil
	})
	return out, err
}

func bbox(minLon, minLat, maxLon, maxLat float64) *geo.BBox {
	return &geo.BBox{MinLon: minLon, MinLat: minLat, MaxLon: maxLon, MaxLat: maxLat}
}

// filters are the filters every read is checked with: each constraint
// alone and combined.
var filters = map[string]incidents.Filter{
	"none":                     {},
	"bbox town":                {BBox: bbox(37.0, 36.1, 37.3, 36.3)},
	"bbox region":              {BBox: bbox(35, 32, 44, 37.5)},
	"bbox wide":                {BBox: bbox(-180, -90, 180, 90)},
	"bbox empty":               {BBox: bbox(0, 0, 1, 1)},
	"antimeridian":             {BBox: bbox(179, -18, -179.5, -16)},
	"from":                     {From: "2018-06-01"},
	"to":                       {To: "2011-03-15"},
	"from to":                  {From: "2016-09-01", To: "2016-09-30"},
	"one day":                  {From: "2016-09-17", To: "2016-09-17"},
	"one type":                 {EventTypes: []string{"Battles"}},
	"two types":                {EventTypes: []string{"Riots", "Protests"}},
	"unknown type":             {EventTypes: []string{"Parades"}},
	"actor":                    {Actor: "islamic"},
	"actor2 or 1":              {Actor: "NIGERIA"},
	"actor wildcards, nothing": {Actor: "%_"},
	"country":                  {Country: "IQ"},
	"q":                        {Q: "convoy"},
	"q two words":              {Q: "market HOSPITAL"},
	"q diacritics":             {Q: "cafe"},
	"q place":                  {Q: "hama"},
	"q number":                 {Q: "117"},
	"q nothing":                {Q: "zeppelin"},
	"min fatalities":           {MinFatalities: 40},
	"combined": {BBox: bbox(35, 32, 45, 38), From: "2012-02-01", To: "2019-11-30", EventTypes: []string{"Battles", "Riots", "Protests"},
		Actor: "forces", Country: "SY", MinFatalities: 5},
	"combined q": {From: "2010-01-01", Q: "near", EventTypes: []string{"Battles", "Explosions/Remote violence"}, Country: "SY"},

	"cql2 polygon":      cql2Filter("S_INTERSECTS(geometry, POLYGON((35 32, 44 32, 38 38, 35 32)))"),
	"cql2 bbox":         cql2Filter("S_INTERSECTS(geometry, BBOX(35, 32, 44, 37.5)) AND fatalities > 2"),
	"cql2 like and in":  cql2Filter("actor1 LIKE '%of S_ria%' AND country IN ('SY', 'IQ')"),
	"cql2 nulls":        cql2Filter("injuries IS NULL OR fatalities BETWEEN 3 AND 9"),
	"cql2 temporal":     cql2Filter("T_DURING(date, INTERVAL('2014-01-01', '2017-06-30')) AND NOT event_type = 'Battles'"),
	"cql2 with natives": withExpr(incidents.Filter{Country: "SY", From: "2013-01-01"}, "fatalities < 10 OR S_DISJOINT(geometry, BBOX(36, 33, 40, 36))"),
}

// cql2Filter returns the filter of a CQL2 text, as ParseFilter makes it.
func cql2Filter(text string) incidents.Filter {
	f, err := incidents.ParseFilter(func(k string) []string {
		if k == "filter" {
			return []string{text}
		}
		return nil
	})
	if err != nil {
		panic(err)
	}
	return f
}

// withExpr returns f with the CQL2 expression of text beside its fields.
func withExpr(f incidents.Filter, text string) incidents.Filter {
	f.Expr = cql2Filter(text).Expr
	return f
}

func testFilters(t *testing.T, s incidents.Store, all []incidents.Incident) {
	ctx := context.Background()
	for name, f := range filters {
		t.Run(name, func(t *testing.T) {
			var want []incidents.Incident
			for i := range all {
				if Match(&all[i], f) {
					want = append(want, all[i])
				}
			}
			if len(want) == 0 && !strings.Contains(name, "empty") && !strings.Contains(name, "unknown") && !strings.Contains(name, "nothing") {
				t.Fatalf("the seed holds no match of %v: the check would be empty", f)
			}
			// Export: every match in id order, with every field.
			var exported []incidents.Incident
			if err := s.Export(ctx, f, func(in *incidents.Incident) error {
				exported = append(exported, *in)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if !slices.EqualFunc(exported, want, sameIncident) {
				t.Fatalf("export: got %d incidents, want %d: first got %v, want %v", len(exported), len(want), ids(exported), ids(want))
			}
			// Count.
			n, err := s.Count(ctx, f)
			if err != nil || n != len(want) {
				t.Fatalf("count: got %d, %v, want %d", n, err, len(want))
			}
			// List: one page of everything, newest first.
			slices.SortFunc(want, newestFirst)
			g := f
			g.Limit = incidents.MaxLimit
			var got []incidents.Incident
			page, err := s.List(ctx, g, func(in *incidents.Incident) error {
				got = append(got, *in)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if page.Matched != len(want) || page.Returned != len(want) || page.Next != "" || !slices.EqualFunc(got, want, sameIncident) {
				t.Fatalf("list: got %d (matched %d, returned %d, next %q), want %d: first got %v, want %v",
					len(got), page.Matched, page.Returned, page.Next, len(want), ids(got), ids(want))
			}
			// Stats.
			st, err := s.Stats(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if ws := bruteStats(want); !sameStats(st, ws) {
				t.Fatalf("stats: got %+v, want %+v", st, ws)
			}
		})
	}
}

func ids(ins []incidents.Incident) []int64 {
	var out []int64
	for i := range ins {
		if i == 5 {
			break
		}
		out = append(out, ins[i].ID)
	}
	return out
}

func bruteStats(ins []incidents.Incident) incidents.Stats {
	st := incidents.NewStats()
	groups := []struct {
		key func(*incidents.Incident) string
		dst *[]incidents.StatBucket
	}{
		{func(in *incidents.Incident) string { return in.EventType }, &st.ByEventType},
		{func(in *incidents.Incident) string { return in.Date[:7] }, &st.ByMonth},
		{func(in *incidents.Incident) string { return in.Country }, &st.ByCountry},
	}
	for _, g := range groups {
		m := map[string]*incidents.StatBucket{}
		for i := range ins {
			k := g.key(&ins[i])
			if m[k] == nil {
				m[k] = &incidents.StatBucket{Key: k}
			}
			m[k].Count++
			if ins[i].Fatalities != nil {
				m[k].Fatalities += *ins[i].Fatalities
			}
		}
		for _, b := range m {
			*g.dst = append(*g.dst, *b)
		}
		slices.SortFunc(*g.dst, func(a, b incidents.StatBucket) int {
			if g.dst != &st.ByMonth {
				if c := cmp.Compare(b.Count, a.Count); c != 0 {
					return c
				}
			}
			return strings.Compare(a.Key, b.Key)
		})
	}
	st.ByAdmin1 = topBuckets(ins, incidents.TopAdmin1, func(in *incidents.Incident) []string {
		if in.Admin1 == "" {
			return nil
		}
		return []string{in.Admin1}
	})
	st.ByActor = topBuckets(ins, incidents.TopActors, func(in *incidents.Incident) []string {
		var ks []string
		if in.Actor1 != "" {
			ks = append(ks, in.Actor1)
		}
		if in.Actor2 != "" && in.Actor2 != in.Actor1 {
			ks = append(ks, in.Actor2)
		}
		return ks
	})
	for i, in := range ins {
		st.Count++
		if in.Fatalities != nil {
			st.Fatalities += *in.Fatalities
		}
		if i == 0 || in.Date < st.MinDate {
			st.MinDate = in.Date
		}
		if in.Date > st.MaxDate {
			st.MaxDate = in.Date
		}
	}
	return st
}

// topBuckets counts the incidents under each of their keys and returns
// the n largest groups, by count descending, then key.
func topBuckets(ins []incidents.Incident, n int, keys func(*incidents.Incident) []string) []incidents.StatBucket {
	m := map[string]*incidents.StatBucket{}
	for i := range ins {
		for _, k := range keys(&ins[i]) {
			if m[k] == nil {
				m[k] = &incidents.StatBucket{Key: k}
			}
			m[k].Count++
			if ins[i].Fatalities != nil {
				m[k].Fatalities += *ins[i].Fatalities
			}
		}
	}
	out := []incidents.StatBucket{}
	for _, b := range m {
		out = append(out, *b)
	}
	slices.SortFunc(out, func(a, b incidents.StatBucket) int {
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		return strings.Compare(a.Key, b.Key)
	})
	return out[:min(n, len(out))]
}

func sameStats(a, b incidents.Stats) bool {
	return a.Count == b.Count && a.Fatalities == b.Fatalities && a.MinDate == b.MinDate && a.MaxDate == b.MaxDate &&
		slices.Equal(a.ByEventType, b.ByEventType) && slices.Equal(a.ByMonth, b.ByMonth) && slices.Equal(a.ByCountry, b.ByCountry) &&
		slices.Equal(a.ByAdmin1, b.ByAdmin1) && slices.Equal(a.ByActor, b.ByActor)
}

func testPagination(t *testing.T, s incidents.Store, all []incidents.Incident) {
	ctx := context.Background()
	for _, name := range []string{"none", "bbox region", "antimeridian", "two types", "q", "combined", "cql2 polygon", "cql2 with natives"} {
		for _, limit := range []int{1, 7, 100} {
			f := filters[name]
			f.Limit = limit
			t.Run(fmt.Sprintf("%s/limit %d", name, limit), func(t *testing.T) {
				var want []incidents.Incident
				for i := range all {
					if Match(&all[i], f) {
						want = append(want, all[i])
					}
				}
				if limit == 1 && len(want) > 150 {
					t.Skip("one-row pages of many matches: covered by the smaller filters")
				}
				slices.SortFunc(want, newestFirst)
				var got []incidents.Incident
				seen := map[int64]bool{}
				for pages := 0; ; pages++ {
					if pages > len(all)+1 {
						t.Fatal("pagination does not end")
					}
					before := len(got)
					page, err := s.List(ctx, f, func(in *incidents.Incident) error {
						if seen[in.ID] {
							return fmt.Errorf("id %d listed twice", in.ID)
						}
						seen[in.ID] = true
						got = append(got, *in)
						return nil
					})
					if err != nil {
						t.Fatal(err)
					}
					if page.Matched != len(want) || page.Returned != len(got)-before || page.Returned > limit {
						t.Fatalf("page %d: got matched %d, returned %d, want matched %d and at most %d returned", pages, page.Matched, page.Returned, len(want), limit)
					}
					if page.Next == "" {
						break
					}
					if page.Returned != limit {
						t.Fatalf("page %d: got a short page of %d with a next cursor", pages, page.Returned)
					}
					last := got[len(got)-1]
					if page.Next != incidents.EncodeCursor(last.Date, last.ID) {
						t.Fatalf("page %d: got cursor %q, want that of the last incident (%s, %d)", pages, page.Next, last.Date, last.ID)
					}
					f.Cursor = page.Next
				}
				if !slices.EqualFunc(got, want, sameIncident) {
					t.Fatalf("got %d rows, want %d, in listing order", len(got), len(want))
				}
			})
		}
	}
	// A cursor made from any (date, id) continues after it, so cursors do
	// not depend on the store that issued them.
	f := incidents.Filter{Cursor: incidents.EncodeCursor("2016-09-17", all[len(all)/2].ID), Limit: incidents.MaxLimit}
	got, err := list(t, s, f)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range got {
		if in.Date > "2016-09-17" || in.Date == "2016-09-17" && in.ID >= all[len(all)/2].ID {
			t.Fatalf("got %s/%d after the cursor (2016-09-17, %d)", in.Date, in.ID, all[len(all)/2].ID)
		}
	}
}

func testTiles(t *testing.T, s incidents.Store, all []incidents.Incident) {
	ctx := context.Background()
	for _, name := range []string{"none", "two types", "from to", "from", "combined", "antimeridian", "q"} {
		f := filters[name]
		var want []incidents.Incident
		for i := range all {
			g := f
			g.BBox = nil // tiles ignore the bbox
			if Match(&all[i], g) {
				want = append(want, all[i])
			}
		}
		for z := 0; z <= 14; z += 2 {
			seen := map[geo.Tile]bool{}
			for _, p := range [][2]float64{{37.13, 36.20}, {43.13, 36.34}, {179.9, -16.5}, {-179.97, -16.85}} {
				tile, _ := geo.TileAt(p[0], p[1], z)
				if seen[tile] {
					continue
				}
				seen[tile] = true
				t.Run(fmt.Sprintf("%s/%s", name, tile), func(t *testing.T) {
					c := geo.NewClusterer(tile, geo.DefaultClusterDepth)
					var inTile []int64
					for _, in := range want {
						fat := 0
						if in.Fatalities != nil {
							fat = *in.Fatalities
						}
						c.AddPoint(*in.Lon, *in.Lat, in.EventType, fat)
						if tile.Contains(*in.Lon, *in.Lat) {
							inTile = append(inTile, in.ID)
						}
					}
					clusters, err := s.TileClusters(ctx, f, tile, geo.DefaultClusterDepth)
					if err != nil {
						t.Fatal(err)
					}
					sameClusters(t, clusters, c.Clusters())

					points, more, err := s.TilePoints(ctx, f, tile, 0)
					if err != nil || more {
						t.Fatalf("points: got more %v, %v, want every point", more, err)
					}
					var got []int64
					for _, p := range points {
						got = append(got, p.ID)
						in := all[slices.IndexFunc(all, func(in incidents.Incident) bool { return in.ID == p.ID })]
						// A store may answer from an index that keeps coordinates
						// to 1e-7 degrees (incidents/index).
						if math.Abs(p.Lon-*in.Lon) > 1e-6 || math.Abs(p.Lat-*in.Lat) > 1e-6 || p.Date != in.Date || p.EventType != in.EventType || !equalPtr(p.Fatalities, in.Fatalities) {
							t.Fatalf("point %d: got %+v, want the incident's fields", p.ID, p)
						}
					}
					slices.Sort(got)
					if !slices.Equal(got, inTile) {
						t.Fatalf("points: got %d, want %d", len(got), len(inTile))
					}
					if len(inTile) > 1 {
						limited, more, err := s.TilePoints(ctx, f, tile, len(inTile)-1)
						if err != nil || !more || len(limited) > len(inTile)-1 {
							t.Fatalf("points limited to %d: got %d, more %v, %v, want at most the limit and more", len(inTile)-1, len(limited), more, err)
						}
					}
				})
			}
		}
	}
}

func equalPtr(a, b *int) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}

func sameClusters(t *testing.T, got, want []geo.Cluster) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("clusters: got %d, want %d", len(got), len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.Cell != w.Cell || g.Count != w.Count || g.Fatalities != w.Fatalities || g.EventType != w.EventType {
			t.Fatalf("cluster %d: got %+v, want %+v", i, g, w)
		}
		if math.Abs(g.Lon-w.Lon) > 1e-6 || math.Abs(g.Lat-w.Lat) > 1e-6 {
			t.Fatalf("cluster %d centroid: got %v,%v, want %v,%v", i, g.Lon, g.Lat, w.Lon, w.Lat)
		}
	}
}

// testQuerySyntax checks that search text is searched for, never parsed
// as the store's query syntax.
func testQuerySyntax(t *testing.T, s incidents.Store) {
	for _, q := range []string{`"`, `NEAR(`, `a OR`, `*`, `notes:x`, `(`, `AND`, `""""`, `^x`, `'; DROP TABLE incidents; --`, `a & b | !c`, `\`} {
		if _, err := list(t, s, incidents.Filter{Q: q}); err != nil {
			t.Errorf("q=%q: got %v, want no error", q, err)
		}
	}
}

// testSortBy pages through listings in every sortby order and checks
// their order and that every match comes once.
func testSortBy(t *testing.T, s incidents.Store, all []incidents.Incident) {
	ctx := context.Background()
	for _, sortby := range []string{"date", "-fatalities", "injuries,-date", "-injuries,fatalities,-id", "id"} {
		for _, name := range []string{"none", "cql2 nulls", "bbox region"} {
			t.Run(sortby+"/"+name, func(t *testing.T) {
				keys, err := incidents.ParseSortBy(sortby)
				if err != nil {
					t.Fatal(err)
				}
				f := filters[name]
				f.Sort, f.Limit = keys, 37
				var want []incidents.Incident
				for i := range all {
					if Match(&all[i], f) {
						want = append(want, all[i])
					}
				}
				slices.SortFunc(want, func(a, b incidents.Incident) int {
					for _, k := range f.SortKeys() {
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
				var got []incidents.Incident
				for pages := 0; ; pages++ {
					if pages > len(all)+1 {
						t.Fatal("pagination does not end")
					}
					page, err := s.List(ctx, f, func(in *incidents.Incident) error {
						got = append(got, *in)
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
				if !slices.EqualFunc(got, want, func(a, b incidents.Incident) bool { return a.ID == b.ID }) {
					t.Fatalf("got %d incidents %v..., want %d %v...", len(got), ids(got), len(want), ids(want))
				}
			})
		}
	}
}
