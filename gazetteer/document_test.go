package gazetteer

import (
	"context"
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestResolveDocument checks the document API: one result per mention in
// order, invalid names reported per mention, Within and the document's
// country hint applied.
func TestResolveDocument(t *testing.T) {
	g := testGazetteer(t)
	ctx := context.Background()
	doc := []Mention{
		{Name: "Talbiseh", Within: []string{"Homs province"}},
		{Name: "Homs\x00"},
		{Name: "Palmyra"},
		{Name: "Homs", Country: "LY"},
		{Name: strings.Repeat("x", 10_000)},
		{Name: "\xff\xfe"},
		{Name: "  "},
	}
	got, err := g.ResolveDocument(ctx, doc, WithLimit(3))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(doc) {
		t.Fatalf("got %d results, want %d", len(got), len(doc))
	}
	for i, want := range []int64{163779, 0, 163808, 2219905, 0, 0, 0} {
		r := got[i]
		if r.Query != doc[i].Name {
			t.Errorf("result %d: got query %q, want %q", i, r.Query, doc[i].Name)
		}
		if r.Alternatives == nil {
			t.Errorf("result %d: got nil alternatives, want a slice", i)
		}
		if len(r.Alternatives) > 2 {
			t.Errorf("result %d: got %d alternatives, want at most 2 (limit 3)", i, len(r.Alternatives))
		}
		switch {
		case want == 0 && (r.Match != nil || !errors.Is(r.Err, ErrInvalidQuery)):
			t.Errorf("result %d: got %+v, %v; want no match and ErrInvalidQuery", i, r.Match, r.Err)
		case want != 0 && (r.Match == nil || r.Match.GeonameID != want || r.Err != nil):
			t.Errorf("result %d (%s): got %+v, %v; want %d", i, doc[i].Name, r.Match, r.Err, want)
		}
	}

	// The document's hint applies to mentions without one.
	got, err = g.ResolveDocument(ctx, []Mention{{Name: "Homs"}, {Name: "Homs", Country: "SY"}}, WithCountry("ly"))
	if err != nil {
		t.Fatal(err)
	}
	if m := got[0].Match; m == nil || m.Country != "LY" {
		t.Errorf("Homs with WithCountry(ly): got %+v, want Al Khums in LY", m)
	}
	if m := got[1].Match; m == nil || m.Country != "SY" {
		t.Errorf("Homs with its own hint SY: got %+v, want Homs in SY", m)
	}

	// An empty document has no results; an ended context is an error.
	if got, err := g.ResolveDocument(ctx, nil); err != nil || len(got) != 0 {
		t.Errorf("empty document: got %v, %v; want no results and no error", got, err)
	}
	done, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := g.ResolveDocument(done, doc); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: got %v, want context.Canceled", err)
	}
}

// TestResolveSurnames checks that a surname that is also a town's name
// ("Clinton") is no place alone or among places far from its towns, and
// that a town of it is the answer among its neighbours.
func TestResolveSurnames(t *testing.T) {
	g := testGazetteer(t)
	tests := []struct {
		doc       []string
		wantState string // the first name's US state, "" for no match
	}{
		{[]string{"Clinton"}, ""},
		{[]string{"Clinton", "London", "Manchester", "England"}, ""},
		{[]string{"Anderson", "Obama", "Washington"}, ""},
		{[]string{"Clinton", "Davenport", "Iowa"}, "Iowa"},
		{[]string{"Anderson", "Greenville", "Spartanburg"}, "South Carolina"},
	}
	for _, tt := range tests {
		doc := make([]Mention, len(tt.doc))
		for i, name := range tt.doc {
			doc[i] = Mention{Name: name}
		}
		got, err := g.ResolveDocument(context.Background(), doc)
		if err != nil {
			t.Fatal(err)
		}
		m := got[0].Match
		switch {
		case tt.wantState == "" && m != nil:
			t.Errorf("%q: got %s (%s, %s), want no match", tt.doc, m.Name, m.Admin1, m.Country)
		case tt.wantState != "" && (m == nil || m.Country != "US" || m.Admin1 != tt.wantState):
			t.Errorf("%q: got %+v, want a town in %s", tt.doc, m, tt.wantState)
		}
	}
}

// TestResolveDocumentLarge resolves a document of 100,000 distinct names
// (10,000 under the race detector). Its time, against a document of a
// tenth of that, is logged; BenchmarkResolveDocumentLarge measures the time
// per name at two sizes.
func TestResolveDocumentLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("large document")
	}
	g := testGazetteer(t)
	ctx := context.Background()
	timeOf := func(d []Mention) time.Duration {
		start := time.Now()
		res, err := g.ResolveDocument(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		if len(res) != len(d) {
			t.Fatalf("got %d results, want %d", len(res), len(d))
		}
		return time.Since(start)
	}
	small, large := timeOf(largeDocument(largeDocumentNames/10)), timeOf(largeDocument(largeDocumentNames))
	t.Logf("%d names in %v, %d in %v", largeDocumentNames/10, small, largeDocumentNames, large)
}

// largeDocument returns n distinct names: base names with a qualifier
// that names nothing, so that each is looked up anew.
func largeDocument(n int) []Mention {
	base := []string{"Idlib", "Aleppo", "Springfield", "Paris", "Syrian", "Homs province", "Xqzvwplk", "Mosul", "Kharkiv", "Gao"}
	d := make([]Mention, n)
	for i := range d {
		d[i] = Mention{Name: base[i%len(base)] + ", " + strconv.Itoa(i)}
	}
	return d
}

// BenchmarkResolveDocumentLarge measures the time per name of documents
// of 1,000 and 100,000 distinct names: about equal when resolution is
// linear in the document's length.
func BenchmarkResolveDocumentLarge(b *testing.B) {
	g := testGazetteer(b)
	g.Warm() // as in a server once names are searched, not on the benchmark's one core
	for _, n := range []int{1_000, 100_000} {
		doc := largeDocument(n)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			for b.Loop() {
				if _, err := g.ResolveDocument(context.Background(), doc); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/name")
		})
	}
}

// FuzzResolveDocument resolves documents of arbitrary lines: answers or
// per-name errors, one result per name, never a panic.
func FuzzResolveDocument(f *testing.F) {
	for _, s := range []string{"Idlib\nAleppo", "Springfield, Mass.\nBoston", "\xff\xfe\x00", "Homs\x00\nEU\nU.S.", strings.Repeat("Raqqa ", 2000), ",,,\n , in \n"} {
		f.Add(s, "SY")
	}
	g := testGazetteer(f)
	f.Fuzz(func(t *testing.T, text, country string) {
		lines := strings.Split(text, "\n")
		doc := make([]Mention, len(lines))
		for i, l := range lines {
			name, within, _ := strings.Cut(l, "|")
			doc[i] = Mention{Name: name, Country: country, Within: []string{within}}
		}
		res, err := g.ResolveDocument(context.Background(), doc, WithCountry(country), WithLimit(3))
		if err != nil {
			t.Fatal(err)
		}
		if len(res) != len(doc) {
			t.Fatalf("got %d results, want %d", len(res), len(doc))
		}
		for i, r := range res {
			if r.Alternatives == nil || (r.Match != nil && r.Err != nil) {
				t.Errorf("result %d: got %+v, want alternatives and at most one of match and error", i, r)
			}
		}
	})
}

// TestDocumentFeatures checks the context features of one candidate: the
// region and county the other names are ("Vermont", "Washington County"),
// and closeness on the local scale to the place another name resolved to
// (Montpelier, about 10 km from Barre).
func TestDocumentFeatures(t *testing.T) {
	g := testGazetteer(t)
	doc := []Mention{{Name: "Barre"}, {Name: "Montpelier"}, {Name: "Vermont"}, {Name: "Washington County, Vermont"}}
	var feats [numFeatures]float64
	var found bool
	_, err := g.resolveDocument(context.Background(), doc, &docWeights, func(i int, ps []Place, fs [][numFeatures]float64) {
		for k, p := range ps {
			if i == 0 && p.Country == "US" && p.Admin1 == "Vermont" && p.FeatureCode[:3] == "PPL" {
				feats, found = fs[k], true
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if !found {
		t.Fatal("Barre, Vermont is not a candidate")
	}
	if feats[fNamedRegion] < 0.9 {
		t.Errorf("fNamedRegion: got %.2f, want about 1 (the document names Vermont)", feats[fNamedRegion])
	}
	if feats[fNamedCounty] < guardNamed {
		t.Errorf("fNamedCounty: got %.2f, want at least %.2f (the document names Barre's county)", feats[fNamedCounty], guardNamed)
	}
	if want := 1 - 10.0/localScaleKm; math.Abs(feats[fNearLocal]-want) > 0.02 {
		t.Errorf("fNearLocal: got %.3f, want about %.3f (Montpelier some 10 km away)", feats[fNearLocal], want)
	}
}
