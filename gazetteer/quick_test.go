package gazetteer

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"
)

func TestQuick(t *testing.T) {
	t0 := time.Now()
	g, err := Default(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	fmt.Println("load", time.Since(t0), "len", g.Len(), "keys", len(g.idx.keyStr), "skels", len(g.idx.skelKey), "dels", len(g.idx.dels), "heap MB", ms.HeapAlloc>>20)
	for _, q := range []string{"Deir Ezzor", "Deir el-Zour", "Dayr az Zawr", "Raqqa", "Al-Raqqah", "Rakka", "Talbiseh", "Homs province", "Al-Raqqah Governorate", "Palmyra", "Homs", "Syria", "Muhafazat Hims", "Damascos", "Xqzvwplk", "blorptangle", "Aleppo", "Mosul", "Kobane"} {
		r, err := g.Resolve(context.Background(), Query{Name: q})
		if err != nil {
			t.Fatal(err)
		}
		if r.Match != nil {
			fmt.Printf("%-22s -> %d %s %s %s %.3f (%d alts)\n", q, r.Match.GeonameID, r.Match.Name, r.Match.Country, r.Match.FeatureCode, r.Match.Score, len(r.Alternatives))
		} else {
			fmt.Printf("%-22s -> none %v\n", q, r.Alternatives)
		}
	}
}
