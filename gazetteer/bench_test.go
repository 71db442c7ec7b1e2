package gazetteer

import (
	"context"
	"testing"
)

// BenchmarkLoadDefault measures a cold build of the embedded gazetteer.
// The fuzzy-matching table is built later, on first use or by Warm; see
// BenchmarkWarm.
func BenchmarkLoadDefault(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		if _, err := Default(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWarm measures building the fuzzy-matching table of the default
// gazetteer.
func BenchmarkWarm(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		g, err := Default(ctx)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		g.Warm()
	}
}

// benchExact are news spellings that match a key exactly after
// normalisation.
var benchExact = []string{"Deir ez-Zor", "Raqqa", "Homs", "Aleppo", "Damascus", "Mosul", "Idlib", "Palmyra", "Kirkuk", "Beirut"}

// BenchmarkResolveExact measures resolutions that hit an exact key, on one
// goroutine.
func BenchmarkResolveExact(b *testing.B) {
	g := testGazetteer(b)
	g.Warm() // as in a server once names are searched, not on the benchmark's one core
	ctx := context.Background()
	i := 0
	for b.Loop() {
		if _, err := g.Resolve(ctx, Query{Name: benchExact[i%len(benchExact)]}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// benchFuzzy are misspellings whose keys are in no index: they resolve
// through the consonant skeleton or the deletion table (see
// TestBenchFuzzyQueries).
var benchFuzzy = []struct {
	query string
	want  int64
}{
	{"Dair Ezor", 170794}, {"Damascuz", 170654}, {"Aleepo", 170063}, {"Tikrut", 90150},
	{"Idlibe", 169389}, {"Fallujan", 99454}, {"Baghdat", 98182}, {"Aleqpo", 170063},
	{"Jarabalus", 169179}, {"Lataka", 173576},
}

// BenchmarkResolveFuzzy measures resolutions that need the skeleton or
// deletion index, on one goroutine.
func BenchmarkResolveFuzzy(b *testing.B) {
	g := testGazetteer(b)
	g.Warm()
	ctx := context.Background()
	i := 0
	for b.Loop() {
		if _, err := g.Resolve(ctx, Query{Name: benchFuzzy[i%len(benchFuzzy)].query}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// TestBenchFuzzyQueries checks that the fuzzy benchmark measures what it
// says: no query is an exact key, and each finds its place.
func TestBenchFuzzyQueries(t *testing.T) {
	g := testGazetteer(t)
	for _, c := range benchFuzzy {
		t.Run(c.query, func(t *testing.T) {
			if _, ok := keyID(g.idx, Normalize(c.query)); ok {
				t.Errorf("key %q is indexed, want a fuzzy query", Normalize(c.query))
			}
			res, err := g.Resolve(context.Background(), Query{Name: c.query})
			if err != nil || res.Match == nil {
				t.Fatalf("got %v, %v, want %d", res.Match, err, c.want)
			}
			if res.Match.GeonameID != c.want {
				t.Errorf("got %d %s, want %d", res.Match.GeonameID, res.Match.Name, c.want)
			}
		})
	}
}

// benchDocument is a news story's place names: towns, a region, a
// country, a demonym and a qualified name.
var benchDocument = []Mention{
	{Name: "Idlib"}, {Name: "Maarat al-Numan"}, {Name: "Saraqeb"}, {Name: "Aleppo"}, {Name: "Syrian"},
	{Name: "Hama countryside"}, {Name: "Turkey"}, {Name: "Talbiseh", Within: []string{"Homs province"}},
	{Name: "Damascus"}, {Name: "Russian"}, {Name: "Palmyra"}, {Name: "Idlib"},
}

// BenchmarkResolveDocument measures resolving a whole document with its
// context, on one goroutine; names/s is the figure to compare with the
// 200,000 names/s target.
func BenchmarkResolveDocument(b *testing.B) {
	g := testGazetteer(b)
	g.Warm() // as in a server once names are searched, not on the benchmark's one core
	ctx := context.Background()
	names := 0
	for b.Loop() {
		if _, err := g.ResolveDocument(ctx, benchDocument); err != nil {
			b.Fatal(err)
		}
		names += len(benchDocument)
	}
	b.ReportMetric(float64(names)/b.Elapsed().Seconds(), "names/s")
}
