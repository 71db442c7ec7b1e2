package sqlite_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"path/filepath"
	"testing"

	"github.com/mapd/mapd/incidents"
	"github.com/mapd/mapd/incidents/sqlite"
)

// BenchmarkCQL2VsNative lists the same page (100 incidents, with the
// matched count) through a native filter and through the CQL2 filter that
// says the same, on 200,000 incidents spread over 3,000 villages and ten
// years. The target is a CQL2 cost within 1.2x of the native one; compare
// the ns/op of each pair.
func BenchmarkCQL2VsNative(b *testing.B) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	rng := rand.New(rand.NewPCG(1, 14))
	type village struct{ lon, lat float64 }
	villages := make([]village, 3000)
	for i := range villages {
		villages[i] = village{35.7 + rng.Float64()*6.5, 32.4 + rng.Float64()*4.8}
	}
	const n = 200_000
	items := make([]incidents.Incident, n)
	for i := range items {
		v := villages[int(float64(len(villages))*rng.Float64()*rng.Float64())]
		lon, lat := v.lon+rng.NormFloat64()*0.01, v.lat+rng.NormFloat64()*0.01
		fat := int(rng.ExpFloat64() * 3)
		items[i] = incidents.Incident{
			Date:      fmt.Sprintf("%d-%02d-%02d", 2012+rng.IntN(10), 1+rng.IntN(12), 1+rng.IntN(28)),
			EventType: incidents.EventTypes[rng.IntN(len(incidents.EventTypes))],
			Actor1:    []string{"Military Forces of Syria", "Islamic State", "Rebels", "Military Forces of Russia"}[rng.IntN(4)],
			Country:   []string{"SY", "SY", "SY", "IQ"}[rng.IntN(4)],
			Place:     fmt.Sprintf("Village %d", i%3000),
			Lat:       &lat, Lon: &lon, Fatalities: &fat,
		}
	}
	if _, err := s.Import(ctx, incidents.NewSliceDecoder(items), incidents.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	pairs := []struct{ name, native, cql string }{
		{"event type and year", "event_type=Battles&from=2016-01-01&to=2016-12-31",
			"event_type = 'Battles' AND date BETWEEN DATE('2016-01-01') AND DATE('2016-12-31')"},
		{"city bbox", "bbox=36.1,36.1,36.3,36.3", "S_INTERSECTS(geometry, BBOX(36.1, 36.1, 36.3, 36.3))"},
		{"actor substring (not absorbed: LIKE against GLOB)", "actor=Syria", "actor1 LIKE '%Syria%' OR actor2 LIKE '%Syria%'"},
		{"two event types in a month", "event_type=Riots,Protests&from=2019-03-01&to=2019-03-31",
			"event_type IN ('Riots', 'Protests') AND T_INTERSECTS(date, INTERVAL('2019-03-01', '2019-03-31'))"},
	}
	// Orders: the default (date index) against sortby on unindexed counts,
	// which sorts the matches for every page.
	for _, query := range []string{"", "sortby=-fatalities", "sortby=injuries,-date", "sortby=-fatalities&event_type=Battles&from=2016-01-01&to=2016-12-31"} {
		q, err := url.ParseQuery(query + "&limit=100")
		if err != nil {
			b.Fatal(err)
		}
		b.Run("order/"+query, func(b *testing.B) {
			for b.Loop() {
				f, err := incidents.ParseFilter(func(k string) []string { return q[k] })
				if err != nil {
					b.Fatal(err)
				}
				if _, err := s.List(ctx, f, func(*incidents.Incident) error { return nil }); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	for _, p := range pairs {
		for _, kind := range []string{"native", "cql2"} {
			query := p.native
			if kind == "cql2" {
				query = url.Values{"filter": {p.cql}}.Encode()
			}
			q, err := url.ParseQuery(query + "&limit=100")
			if err != nil {
				b.Fatal(err)
			}
			b.Run(p.name+"/"+kind, func(b *testing.B) {
				for b.Loop() {
					// Parsing is part of the cost a request pays.
					f, err := incidents.ParseFilter(func(k string) []string { return q[k] })
					if err != nil {
						b.Fatal(err)
					}
					page, err := s.List(ctx, f, func(*incidents.Incident) error { return nil })
					if err != nil || page.Returned == 0 {
						b.Fatalf("got %+v, %v", page, err)
					}
				}
			})
		}
	}
}
