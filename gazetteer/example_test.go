package gazetteer_test

import (
	"context"
	"fmt"

	"github.com/mapd/mapd/gazetteer"
)

func ExampleNormalize() {
	for _, s := range []string{"Deir ez-Zor", "Deir Ezzor", "Dayr az Zawr", "Al-Raqqah Governorate", "Talbiseh", "Tallbīsah"} {
		fmt.Println(gazetteer.Normalize(s))
	}
	// Output:
	// dairzor
	// dairzor
	// dairzawr
	// raka
	// talbisa
	// talbisa
}

func ExampleGazetteer_Resolve() {
	ctx := context.Background()
	g := gazetteer.New()
	for _, f := range []string{"testdata/SY-sample.txt", "testdata/admin1CodesASCII-sample.txt"} {
		if err := g.LoadFile(ctx, f); err != nil {
			fmt.Println(err)
			return
		}
	}
	for _, q := range []gazetteer.Query{
		{Name: "Dayr az Zawr"},
		{Name: "Homs province"},
		{Name: "Palmyra", Context: []string{"SY"}},
		{Name: "Xqzvwplk"},
	} {
		res, err := g.Resolve(ctx, q)
		if err != nil {
			fmt.Println(err)
			continue
		}
		if res.Match == nil {
			fmt.Printf("%s: no match\n", q.Name)
			continue
		}
		m := res.Match
		fmt.Printf("%s: %s (%s, %s) %d precision %d\n", q.Name, m.Name, m.Admin1, m.Country, m.GeonameID, m.GeoPrecision())
	}
	// Output:
	// Dayr az Zawr: Deir ez-Zor (Deir ez-Zor, SY) 170794 precision 1
	// Homs province: Homs (Homs, SY) 169575 precision 3
	// Palmyra: Tadmur (Homs, SY) 163808 precision 1
	// Xqzvwplk: no match
}

func ExampleGazetteer_ResolveDocument() {
	ctx := context.Background()
	// gazetteer.Default(ctx) holds the embedded world gazetteer; this
	// example loads a sample of GeoNames' files instead.
	g := gazetteer.New()
	for _, f := range []string{"testdata/SY-sample.txt", "testdata/admin1CodesASCII-sample.txt", "testdata/countryInfo-sample.txt"} {
		if err := g.LoadFile(ctx, f); err != nil {
			fmt.Println(err)
			return
		}
	}
	// The place names of one news story, as the extractor finds them.
	doc := []gazetteer.Mention{
		{Name: "Talbiseh", Within: []string{"Homs province"}},
		{Name: "Palmyra"},
		{Name: "Raqqa, Syria"},
		{Name: "Xqzvwplk"},
	}
	results, err := g.ResolveDocument(ctx, doc)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range results {
		if r.Match == nil {
			fmt.Printf("%s: no match\n", r.Query)
			continue
		}
		m := r.Match
		fmt.Printf("%s: %s (%s, %s) %s, precision %d\n", r.Query, m.Name, m.Admin1, m.Country, m.Kind, m.GeoPrecision())
	}
	// Output:
	// Talbiseh: Tallbīsah (Homs, SY) place, precision 1
	// Palmyra: Tadmur (Homs, SY) place, precision 1
	// Raqqa, Syria: Ar Raqqah (Raqqa, SY) place, precision 1
	// Xqzvwplk: no match
}
