package index

import (
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"

	"github.com/mapd/mapd/geo"
	"github.com/mapd/mapd/incidents"
)

// benchCities are the centres 70% of the benchmark's incidents gather
// around; the other 30% are spread evenly over Syria and Iraq.
var benchCities = [][2]float64{
	{37.16, 36.20}, {36.28, 33.51}, {44.37, 33.32}, {43.12, 36.34}, {36.72, 34.73}, {36.63, 35.93}, {39.01, 35.95},
	{40.14, 35.34}, {36.76, 35.13}, {36.11, 32.62}, {43.78, 33.35}, {43.31, 33.42}, {40.75, 36.50}, {43.68, 34.61},
	{44.39, 35.47}, {35.78, 35.53}, {38.27, 34.56}, {41.23, 37.05}, {37.95, 36.53}, {47.78, 30.51},
}

var benchActors = []string{"Military Forces of Syria", "Military Forces of Russia", "Military Forces of the United States",
	"Military Forces of Turkey", "Military Forces of Iraq", "Islamic State (Iraq and the Levant)", "Hayat Tahrir al-Sham",
	"Syrian Democratic Forces", "Popular Mobilization Forces", "Unidentified Armed Group (Syria)", "Civilians (Syria)",
	"Civilians (Iraq)", "Protesters (Iraq)"}

func benchRows(n int) []Row {
	r := rand.New(rand.NewPCG(42, 1))
	rows := make([]Row, n)
	admin := make([]string, 40)
	for i := range admin {
		admin[i] = "Region " + string(rune('A'+i%26)) + string(rune('a'+i/26))
	}
	for i := range rows {
		var lon, lat float64
		if r.Float64() < 0.7 {
			c := benchCities[r.IntN(len(benchCities))]
			lon, lat = c[0]+r.NormFloat64()*0.15, c[1]+r.NormFloat64()*0.12
		} else {
			lon, lat = 35.5+r.Float64()*13, 29+r.Float64()*8.5
		}
		country := "SY"
		if lon > 42 {
			country = "IQ"
		}
		fat := -1
		if r.IntN(2) == 0 {
			fat = int(r.ExpFloat64() * 3)
		}
		a2 := ""
		if r.IntN(10) < 6 {
			a2 = benchActors[r.IntN(len(benchActors))]
		}
		rows[i] = Row{ID: int64(i + 1), Lon: math.Round(lon*1e5) / 1e5, Lat: math.Round(lat*1e5) / 1e5,
			Date: formatDay(daysFromCivil(2011, 1, 1) + int32(r.IntN(14*365))), EventType: testTypes[r.IntN(len(testTypes))],
			SubEventType: testSubs[r.IntN(len(testSubs))], Actor1: benchActors[r.IntN(len(benchActors))], Actor2: a2,
			Country: country, Admin1: admin[r.IntN(len(admin))], Fatalities: fat, Injuries: -1, GeoPrecision: 1 + r.IntN(3)}
	}
	return rows
}

var (
	benchOnce sync.Once
	benchData []Row
	benchIx   *Index
)

const benchN = 1_000_000

func benchIndex(b *testing.B) *Snapshot {
	benchOnce.Do(func() {
		benchData = benchRows(benchN)
		benchIx = New(Options{})
		bl := benchIx.NewBuilder(len(benchData))
		for i := range benchData {
			if err := bl.Add(&benchData[i]); err != nil {
				panic(err)
			}
		}
		if err := bl.Finish(1); err != nil {
			panic(err)
		}
	})
	return benchIx.Current()
}

var (
	regionBox = &geo.BBox{MinLon: 35, MinLat: 29, MaxLon: 49, MaxLat: 38}
	cityBox   = &geo.BBox{MinLon: 36.9, MinLat: 36.0, MaxLon: 37.4, MaxLat: 36.4}
	townBox   = &geo.BBox{MinLon: 38.6, MinLat: 33.1, MaxLon: 38.7, MaxLat: 33.2}
)

var benchFilters = []struct {
	name string
	f    incidents.Filter
}{
	{"none", incidents.Filter{}},
	{"bbox", incidents.Filter{BBox: regionBox}},
	{"city", incidents.Filter{BBox: cityBox}},
	{"dates", incidents.Filter{From: "2016-01-01", To: "2016-12-31"}},
	{"event_type", incidents.Filter{EventTypes: []string{"Battles"}}},
	{"actor", incidents.Filter{Actor: "Islamic State"}},
	{"min_fatalities", incidents.Filter{MinFatalities: 5}},
	{"combined", incidents.Filter{BBox: regionBox, From: "2014-01-01", Actor: "forces", MinFatalities: 1}},
}

func BenchmarkBuild(b *testing.B) {
	rows := benchRows(benchN)
	b.ResetTimer()
	for b.Loop() {
		ix := New(Options{})
		bl := ix.NewBuilder(len(rows))
		for i := range rows {
			if err := bl.Add(&rows[i]); err != nil {
				b.Fatal(err)
			}
		}
		if err := bl.Finish(1); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(benchN), "rows")
}

// BenchmarkMemory reports the heap the index of benchN rows takes, per
// incident.
func BenchmarkMemory(b *testing.B) {
	rows := benchRows(benchN)
	for b.Loop() {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		ix := New(Options{})
		bl := ix.NewBuilder(len(rows))
		for i := range rows {
			if err := bl.Add(&rows[i]); err != nil {
				b.Fatal(err)
			}
		}
		if err := bl.Finish(1); err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/benchN, "bytes/incident")
		runtime.KeepAlive(ix)
	}
}

func BenchmarkCount(b *testing.B) {
	s := benchIndex(b)
	for _, bf := range benchFilters {
		b.Run(bf.name, func(b *testing.B) {
			for b.Loop() {
				q, _ := s.Compile(bf.f, nil)
				q.Count()
			}
		})
	}
}

func BenchmarkStats(b *testing.B) {
	s := benchIndex(b)
	for _, bf := range benchFilters {
		b.Run(bf.name, func(b *testing.B) {
			for b.Loop() {
				q, _ := s.Compile(bf.f, nil)
				q.Stats()
			}
		})
	}
}

// BenchmarkStatsQ intersects a full-text answer of 5% of the rows.
func BenchmarkStatsQ(b *testing.B) {
	s := benchIndex(b)
	var ids []int64
	for id := int64(1); id <= benchN; id += 20 {
		ids = append(ids, id)
	}
	for b.Loop() {
		q, _ := s.Compile(incidents.Filter{Q: "convoy"}, ids)
		q.Stats()
	}
}

func BenchmarkClusters(b *testing.B) {
	s := benchIndex(b)
	for _, z := range []int{4, 6, 8, 10, 12, 14} {
		t, _ := geo.TileAt(37.16, 36.20, z)
		for _, bf := range []int{0, 1, 3, 4, 5, 6, 7} {
			f := benchFilters[bf]
			b.Run(f.name+"/z"+itoa(z), func(b *testing.B) {
				for b.Loop() {
					q, _ := s.Compile(f.f, nil)
					q.Clusters(t, geo.DefaultClusterDepth)
				}
			})
		}
	}
}

func BenchmarkTilePoints(b *testing.B) {
	s := benchIndex(b)
	for _, z := range []int{10, 12, 14} {
		t, _ := geo.TileAt(37.16, 36.20, z)
		b.Run("z"+itoa(z), func(b *testing.B) {
			q, _ := s.Compile(incidents.Filter{}, nil)
			for b.Loop() {
				q.TilePoints(t, 2000)
			}
		})
	}
}

func BenchmarkPage(b *testing.B) {
	s := benchIndex(b)
	for _, c := range []struct {
		name  string
		f     incidents.Filter
		limit int
	}{
		{"town100", incidents.Filter{BBox: townBox}, 100},
		{"city1000", incidents.Filter{BBox: cityBox}, 1000},
		{"region1000/actor", incidents.Filter{BBox: regionBox, Actor: "Islamic State"}, 1000},
		{"all100", incidents.Filter{}, 100},
		{"dates100", incidents.Filter{From: "2016-01-01", To: "2016-12-31"}, 100},
		{"to100", incidents.Filter{To: "2016-12-31"}, 100},
		{"from100/event_type", incidents.Filter{From: "2014-01-01", EventTypes: []string{"Battles"}}, 100},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				q, _ := s.Compile(c.f, nil)
				q.Page("", c.limit)
			}
		})
	}
}

func BenchmarkHeat(b *testing.B) {
	s := benchIndex(b)
	q, _ := s.Compile(incidents.Filter{BBox: regionBox}, nil)
	for b.Loop() {
		q.Heat(11, 5000)
	}
}

// BenchmarkApply is one single-incident write, as a POST makes it.
func BenchmarkApply(b *testing.B) {
	benchIndex(b)
	r := rand.New(rand.NewPCG(1, 1))
	for b.Loop() {
		row := benchData[r.IntN(benchN)]
		if err := benchIx.Apply(2, []Row{row}, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func itoa(n int) string { return formatMonth(n * 12)[2:4] }
