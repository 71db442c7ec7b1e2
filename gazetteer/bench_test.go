package gazetteer

import (
	"context"
	"testing"
)

// BenchmarkLoadDefault measures a cold build of the embedded gazetteer.
func BenchmarkLoadDefault(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		if _, err := Default(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// benchQueries are news spellings that match a key exactly after
// normalisation.
var benchExact = []string{"Deir ez-Zor", "Raqqa", "Homs", "Aleppo", "Damascus", "Mosul", "Idlib", "Palmyra", "Kirkuk", "Beirut"}

// BenchmarkResolveExact measures resolutions that hit an exact key, on one
// goroutine.
func BenchmarkResolveExact(b *testing.B) {
	g := testGazetteer(b)
	ctx := context.Background()
	i := 0
	for b.Loop() {
		if _, err := g.Resolve(ctx, Query{Name: benchExact[i%len(benchExact)]}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// benchFuzzy are misspellings that need the skeleton or deletion index.
var benchFuzzy = []string{"Dair Ezor", "Rakkah", "Hommss", "Alepo", "Damaskos", "Mossul", "Idleeb", "Kirkook", "Bayrout", "Tadmour"}

// BenchmarkResolveFuzzy measures resolutions that need the skeleton or
// deletion index, on one goroutine.
func BenchmarkResolveFuzzy(b *testing.B) {
	g := testGazetteer(b)
	ctx := context.Background()
	i := 0
	for b.Loop() {
		if _, err := g.Resolve(ctx, Query{Name: benchFuzzy[i%len(benchFuzzy)]}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
