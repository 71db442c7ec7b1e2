package main

import (
	"context"
	"fmt"
	"runtime"
	"time"

	"github.com/mapd/mapd/bench/internal/stat"
	"github.com/mapd/mapd/gazetteer"
)

// benchGazetteer measures, in this process, how long the embedded
// gazetteer takes to load and how fast it resolves exact and misspelt
// names of the generator's towns.
func benchGazetteer(ctx context.Context) []row {
	logf("loading the default gazetteer")
	runtime.GC()
	t0 := time.Now()
	g, err := gazetteer.Default(ctx)
	load := time.Since(t0)
	if err != nil {
		return []row{{what: "gazetteer cold load", note: "failed: " + err.Error()}}
	}
	rows := []row{{what: "gazetteer cold load (gazetteer.Default)", n: 1, p50: load, note: fmt.Sprintf("%d places", g.Len())}}
	exact := []string{"Deir ez-Zor", "Raqqa", "Aleppo", "Damascus", "Homs", "Hama", "Idlib", "Palmyra", "Manbij", "Kobani",
		"Daraa", "Latakia", "Mosul", "Baghdad", "Fallujah", "Ramadi", "Tikrit", "Kirkuk", "Samarra", "Basra", "Erbil", "Qamishli"}
	fuzzy := []string{"Deir Ezzzor", "Dayr az Zawr", "Deir el-Zour", "Raqqqa", "Alepo", "Damascuss", "Homms", "Hamah", "Idleb",
		"Palmira", "Manbej", "Kobane", "Deraa", "Lattakia", "Mossul", "Bagdad", "Falluja", "Ramadie", "Tikreet", "Kerkuk", "Samara", "Basrah"}
	for _, set := range []struct {
		name  string
		names []string
	}{{"exact", exact}, {"fuzzy (misspelt)", fuzzy}} {
		var lat []time.Duration
		matched := 0
		deadline := time.Now().Add(2 * time.Second)
		for i := 0; time.Now().Before(deadline); i++ {
			name := set.names[i%len(set.names)]
			t := time.Now()
			res, err := g.Resolve(ctx, gazetteer.Query{Name: name})
			lat = append(lat, time.Since(t))
			if err == nil && res.Match != nil && i < len(set.names) {
				matched++
			}
		}
		total := time.Duration(0)
		for _, d := range lat {
			total += d
		}
		p50, p99 := stat.Percentiles(lat)
		rows = append(rows, row{what: "gazetteer Resolve, " + set.name, n: len(lat), p50: p50, p99: p99,
			rate: thousands(float64(len(lat))/total.Seconds()) + " resolutions/s",
			note: fmt.Sprintf("%d/%d names matched; 1 goroutine", matched, len(set.names))})
	}
	return rows
}
