package sqlite

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/mapd/mapd/geo"
	"github.com/mapd/mapd/incidents"
	"github.com/mapd/mapd/incidents/index"
)

// listedFeatures returns the features ListFeatures writes for f, joined
// by newlines, and the page.
func listedFeatures(t *testing.T, s *Store, f incidents.Filter) (string, incidents.Page) {
	t.Helper()
	var b bytes.Buffer
	page, err := s.ListFeatures(context.Background(), f, func(feature []byte) error {
		b.Write(feature)
		b.WriteByte('\n')
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String(), page
}

// encodedList returns the features List lists for f, encoded by
// AppendFeature and joined by newlines, and the page.
func encodedList(t *testing.T, s *Store, f incidents.Filter) (string, incidents.Page) {
	t.Helper()
	var b bytes.Buffer
	page, err := s.List(context.Background(), f, func(in *incidents.Incident) error {
		b.Write(in.AppendFeature(nil))
		b.WriteByte('\n')
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String(), page
}

// TestListFeaturesNeverStale lists pages through the cache of encoded
// features after each kind of write, by this process and by another one
// on the same file, and checks every page against the same page read
// from SQLite alone by the other process's store (no index, no cache).
func TestListFeaturesNeverStale(t *testing.T) {
	ctx := context.Background()
	ixs, other := openTwo(t, "features.db")
	mk := func(i int, notes string) *incidents.Incident {
		return &incidents.Incident{
			SourceID: fmt.Sprintf("src-%d", i), Date: fmt.Sprintf("2016-01-%02d", 1+i%28), EventType: "Battles",
			Notes: notes, Lat: ptrTo(35 + float64(i)/100), Lon: ptrTo(38 + float64(i)/100),
		}
	}
	var made []*incidents.Incident
	for i := range 40 {
		in := mk(i, fmt.Sprintf("notes %d", i))
		if err := ixs.Create(ctx, in, nil); err != nil {
			t.Fatal(err)
		}
		made = append(made, in)
	}
	ixs.StartIndex(index.Options{})
	if err := ixs.WaitIndex(ctx); err != nil {
		t.Fatal(err)
	}
	filters := []incidents.Filter{
		{Limit: 1000},
		{Limit: 7},
		{Limit: 1000, BBox: &geo.BBox{MinLon: 38.05, MinLat: 35.05, MaxLon: 38.25, MaxLat: 35.25}},
		{Limit: 300, Sort: []incidents.SortKey{{Field: "date"}, {Field: "id"}}},
		{Limit: 40, Sort: []incidents.SortKey{{Field: "fatalities", Desc: true}, {Field: "id", Desc: true}}},
	}
	replace := func(s *Store, in *incidents.Incident, notes string) func() error {
		return func() error {
			cp := *in
			cp.Notes = notes
			return s.Replace(ctx, in.ID, &cp, nil)
		}
	}
	steps := []struct {
		name  string
		write func() error
	}{
		{"nothing", func() error { return nil }},
		{"nothing again", func() error { return nil }},
		{"create", func() error { return ixs.Create(ctx, mk(100, "new"), nil) }},
		{"replace", replace(ixs, made[39], "replaced")},
		{"replace in the box", replace(ixs, made[10], "replaced in the box")},
		{"delete", func() error { return ixs.Delete(ctx, made[38].ID) }},
		{"import updating by source_id", func() error {
			up := *mk(37, "updated by an import")
			_, err := ixs.Import(ctx, incidents.NewSliceDecoder([]incidents.Incident{up, *mk(101, "imported")}), incidents.ImportOptions{})
			return err
		}},
		{"foreign replace", replace(other, made[36], "replaced by another process")},
		{"foreign delete", func() error { return other.Delete(ctx, made[35].ID) }},
		{"foreign replace then own create", func() error {
			if err := replace(other, made[34], "replaced by another process again")(); err != nil {
				return err
			}
			return ixs.Create(ctx, mk(102, "own after foreign"), nil)
		}},
		{"own replace after foreign", replace(ixs, made[34], "replaced here after")},
	}
	for _, st := range steps {
		if err := st.write(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		for _, f := range filters {
			want, wantPage := encodedList(t, other, f)
			// Twice: the first listing may fill the cache, the second reads it.
			for range 2 {
				got, page := listedFeatures(t, ixs, f)
				if got != want {
					t.Fatalf("after %s, filter %+v: ListFeatures wrote\n%s\nwant (from SQLite)\n%s", st.name, f, got, want)
				}
				if page != wantPage {
					t.Errorf("after %s, filter %+v: page %+v, want %+v", st.name, f, page, wantPage)
				}
			}
		}
	}
}

// TestListFeaturesPagesAsList checks that ListFeatures writes what List
// lists, encoded by AppendFeature, byte for byte, with the cache empty,
// full and partly filled, for cursors, boxes, sorted pages and a store
// without an index.
func TestListFeaturesPagesAsList(t *testing.T) {
	ctx := context.Background()
	ixs, plain := openTwo(t, "pages.db")
	var items []incidents.Incident
	for i := range 300 {
		in := incidents.Incident{
			Date: fmt.Sprintf("20%02d-%02d-%02d", 11+i%13, 1+i%12, 1+i%28), EventType: "Protests",
			Actor1: "Actor <&> \"quoted\"", Notes: fmt.Sprintf("notes\n%d é \u2028", i),
			Lat: ptrTo(30 + float64(i%17)/3), Lon: ptrTo(35 + float64(i%23)/3),
			Sources: []string{"a", fmt.Sprint(i)}, Tags: []string{"t"},
		}
		if i%5 == 0 {
			in.Fatalities = ptrTo(i % 7)
		}
		items = append(items, in)
	}
	if _, err := ixs.Import(ctx, incidents.NewSliceDecoder(items), incidents.ImportOptions{Atomic: true}); err != nil {
		t.Fatal(err)
	}
	ixs.StartIndex(index.Options{})
	if err := ixs.WaitIndex(ctx); err != nil {
		t.Fatal(err)
	}
	box := &geo.BBox{MinLon: 36, MinLat: 31, MaxLon: 40, MaxLat: 34}
	filters := []incidents.Filter{
		{Limit: 10},  // a few features cached
		{Limit: 100}, // partly cached
		{Limit: 1000},
		{Limit: 50, BBox: box},
		{Limit: 1000, EventTypes: []string{"Protests"}, From: "2014-01-01"},
		{Limit: 20, Sort: []incidents.SortKey{{Field: "fatalities", Desc: true}, {Field: "id"}}},
	}
	// Pages of several batches too, cut mid-way.
	defer func(n int) { featureBatch = n }(featureBatch)
	for _, s := range []*Store{ixs, plain} {
		for _, f := range filters {
			for round := range 3 {
				featureBatch = []int{1024, 1024, 7}[round]
				want, wantPage := encodedList(t, s, f)
				got, page := listedFeatures(t, s, f)
				if got != want || page != wantPage {
					t.Fatalf("indexed %v, filter %+v, round %d: ListFeatures wrote %q (%+v), List %q (%+v)",
						s.idx != nil, f, round, got, page, want, wantPage)
				}
				if page.Next == "" {
					continue
				}
				// The next page, from the cursor.
				g := f
				g.Cursor = page.Next
				want, wantPage = encodedList(t, s, g)
				got, page = listedFeatures(t, s, g)
				if got != want || page != wantPage {
					t.Fatalf("indexed %v, filter %+v, next page: ListFeatures wrote %q (%+v), List %q (%+v)",
						s.idx != nil, g, got, page, want, wantPage)
				}
			}
		}
	}
}

// TestFeatureCacheBounded fills a small cache past its bound and checks
// that it stays within it, keeps what was read recently and answers only
// at its version.
func TestFeatureCacheBounded(t *testing.T) {
	const max = 64 * (100 + featureEntryOverhead)
	c := newFeatureCache(max)
	feature := func(id int64) []byte { return bytes.Repeat([]byte{byte(id)}, 100) }
	ids := func(from, n int64) []int64 {
		var out []int64
		for id := from; id < from+n; id++ {
			out = append(out, id)
		}
		return out
	}
	put := func(version int64, ids []int64) {
		fs := make([][]byte, len(ids))
		for i, id := range ids {
			fs[i] = feature(id)
		}
		c.put(version, ids, fs)
	}
	get := func(version int64, ids []int64) int { return c.get(version, ids, make([][]byte, len(ids))) }

	if n := get(5, ids(0, 10)); n != 0 {
		t.Fatalf("empty cache: got %d features", n)
	}
	put(5, ids(0, 32))
	if n := get(5, ids(0, 32)); n != 32 {
		t.Fatalf("got %d of 32 features just put", n)
	}
	put(5, ids(100, 64)) // evicts; the 32 read once are kept longer
	if c.bytes > max {
		t.Errorf("cache holds %d bytes, bound %d", c.bytes, max)
	}
	if n := get(5, ids(0, 32)); n == 0 {
		t.Errorf("every recently read feature was evicted before the unread ones")
	}
	out := make([][]byte, 1)
	for _, id := range ids(0, 200) {
		if c.get(5, []int64{id}, out) == 1 && !bytes.Equal(out[0], feature(id)) {
			t.Fatalf("feature %d: got %q", id, out[0])
		}
		out[0] = nil
	}
	if n := get(4, ids(0, 200)); n != 0 {
		t.Errorf("a read at an older version got %d features", n)
	}
	put(4, ids(300, 1))
	if n := get(5, ids(300, 1)); n != 0 {
		t.Errorf("a feature put at an older version was kept")
	}
	c.carry(5, 6, ids(0, 200))
	if n := get(6, ids(0, 200)); n != 0 {
		t.Errorf("after a write of every cached id, got %d features", n)
	}
	if c.bytes != 0 || len(c.byID) != 0 {
		t.Errorf("after dropping every feature: %d bytes, %d entries", c.bytes, len(c.byID))
	}
	put(6, ids(0, 8))
	c.carry(7, 8, nil) // a write from a version the cache is not at
	if n := get(8, ids(0, 8)); n != 0 {
		t.Errorf("after a write the cache did not follow, got %d features", n)
	}
	put(8, ids(0, 8))
	if n := get(9, ids(0, 8)); n != 0 {
		t.Errorf("a read at a newer version got %d features", n)
	}
	if n := get(8, ids(0, 8)); n != 0 {
		t.Errorf("after a read at a newer version, a read at the old one got %d features", n)
	}
}

// TestListFeaturesWhileWriting lists pages through the cache while
// another goroutine replaces incidents of them, and checks that once the
// writes are done the listing is SQLite's (under -race, also that the
// cache is safe for concurrent use).
func TestListFeaturesWhileWriting(t *testing.T) {
	ctx := context.Background()
	ixs, other := openTwo(t, "concurrent.db")
	var made []*incidents.Incident
	for i := range 30 {
		in := &incidents.Incident{Date: fmt.Sprintf("2017-03-%02d", 1+i), EventType: "Riots", Notes: "first",
			Lat: ptrTo(33.0), Lon: ptrTo(44.0)}
		if err := ixs.Create(ctx, in, nil); err != nil {
			t.Fatal(err)
		}
		made = append(made, in)
	}
	ixs.StartIndex(index.Options{})
	if err := ixs.WaitIndex(ctx); err != nil {
		t.Fatal(err)
	}
	f := incidents.Filter{Limit: 1000}
	done := make(chan struct{})
	errs := make(chan error, 2)
	for range 2 {
		go func() {
			for {
				select {
				case <-done:
					errs <- nil
					return
				default:
				}
				if _, err := ixs.ListFeatures(ctx, f, func([]byte) error { return nil }); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for round := range 5 {
		for _, in := range made {
			cp := *in
			cp.Notes = fmt.Sprintf("round %d", round)
			if err := ixs.Replace(ctx, in.ID, &cp, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	close(done)
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	want, _ := encodedList(t, other, f)
	if got, _ := listedFeatures(t, ixs, f); got != want {
		t.Errorf("after the writes, ListFeatures wrote\n%s\nwant (from SQLite)\n%s", got, want)
	}
}
