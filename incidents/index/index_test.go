package index

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/mapd/mapd/geo"
	"github.com/mapd/mapd/incidents"
)

// world is the brute-force reference: every live row by id.
type world map[int64]Row

var (
	testTypes     = []string{"Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Riots", "Strategic developments"}
	testSubs      = []string{"", "Armed clash", "Air/drone strike", "Shelling/artillery/missile attack", "Attack"}
	testActors    = []string{"", "Military Forces of Syria", "Islamic State (Iraq and the Levant)", "Hayat Tahrir al-Sham", "Civilians (Syria)", "Forces de l'État", "Unidentified Armed Group (Syria)", "Military Forces of Russia"}
	testCountries = []string{"SY", "IQ", "TR", "", "FJ", "AQ"}
	testAdmin1    = []string{"", "Aleppo", "Idlib", "Nineveh", "Baghdad", "Homs"}
	testActorPats = []string{"syria", "SYRIA", "military", "état", "État", "islamic state", "nobody at all", "(", "a", strings.Repeat("x", 500)}
)

// randRow draws a row: most in the Middle East, some around the
// antimeridian and beyond the Mercator latitudes.
func randRow(r *rand.Rand, id int64) Row {
	var lon, lat float64
	switch p := r.Float64(); {
	case p < 0.8:
		lon, lat = 35+r.Float64()*13, 29+r.Float64()*9
	case p < 0.9:
		lon, lat = 170+r.Float64()*20, -25+r.Float64()*10
		if lon > 180 {
			lon -= 360
		}
	case p < 0.95:
		lon, lat = -180+r.Float64()*360, 84+r.Float64()*6
	default:
		lon, lat = -180+r.Float64()*360, -90+r.Float64()*180
	}
	if r.IntN(50) == 0 {
		lon = 180
	}
	row := Row{
		ID:           id,
		Lon:          math.Round(lon*1e5) / 1e5,
		Lat:          math.Round(lat*1e5) / 1e5,
		Date:         time2011(r.IntN(14 * 365)),
		EventType:    testTypes[r.IntN(len(testTypes))],
		SubEventType: testSubs[r.IntN(len(testSubs))],
		Actor1:       testActors[r.IntN(len(testActors))],
		Actor2:       testActors[r.IntN(len(testActors))],
		Country:      testCountries[r.IntN(len(testCountries))],
		Admin1:       testAdmin1[r.IntN(len(testAdmin1))],
		Fatalities:   r.IntN(30) - 5,
		Injuries:     r.IntN(10) - 2,
		GeoPrecision: 1 + r.IntN(3),
	}
	row.Fatalities, row.Injuries = max(row.Fatalities, -1), max(row.Injuries, -1)
	if r.IntN(200) == 0 {
		row.Fatalities = 65534 + r.IntN(100000)
	}
	return row
}

func time2011(d int) string { return formatDay(daysFromCivil(2011, 1, 1) + int32(d)) }

func build(t testing.TB, ix *Index, w world, version int64) {
	t.Helper()
	ids := slices.Sorted(mapKeys(w))
	b := ix.NewBuilder(len(ids))
	for _, id := range ids {
		r := w[id]
		if err := b.Add(&r); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Finish(version); err != nil {
		t.Fatal(err)
	}
}

func foldASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

// bruteMatch is the filter's meaning, written from the store's SQL.
func bruteMatch(f incidents.Filter, ids map[int64]bool, r Row) bool {
	if f.BBox != nil && !f.BBox.Contains(r.Lon, r.Lat) {
		return false
	}
	if f.From != "" && r.Date < f.From || f.To != "" && r.Date > f.To {
		return false
	}
	if len(f.EventTypes) > 0 && !slices.Contains(f.EventTypes, r.EventType) {
		return false
	}
	if f.Actor != "" {
		p := foldASCII(f.Actor)
		if !strings.Contains(foldASCII(r.Actor1), p) && !strings.Contains(foldASCII(r.Actor2), p) {
			return false
		}
	}
	if f.Country != "" && r.Country != f.Country {
		return false
	}
	if f.MinFatalities > 0 && r.Fatalities < f.MinFatalities {
		return false
	}
	if ids != nil && !ids[r.ID] {
		return false
	}
	return true
}

func randFilter(r *rand.Rand, w world) (incidents.Filter, []int64, map[int64]bool) {
	var f incidents.Filter
	if r.IntN(2) == 0 {
		var b geo.BBox
		switch r.IntN(5) {
		case 0: // crosses the antimeridian
			b = geo.BBox{MinLon: 150 + r.Float64()*30, MaxLon: -180 + r.Float64()*30, MinLat: -40, MaxLat: -10 + r.Float64()*10}
		case 1: // reaches the poles
			b = geo.BBox{MinLon: -180, MaxLon: 180, MinLat: 80 + r.Float64()*5, MaxLat: 85 + r.Float64()*5}
		case 2:
			b = geo.World
		default:
			lon, lat := 35+r.Float64()*13, 29+r.Float64()*9
			b = geo.BBox{MinLon: lon, MinLat: lat, MaxLon: lon + r.Float64()*4, MaxLat: min(90, lat+r.Float64()*3)}
		}
		for _, p := range []*float64{&b.MinLon, &b.MinLat, &b.MaxLon, &b.MaxLat} {
			*p = math.Round(*p*1e3) / 1e3
		}
		f.BBox = &b
	}
	if r.IntN(3) == 0 {
		f.From = time2011(r.IntN(14 * 365))
	}
	if r.IntN(3) == 0 {
		f.To = time2011(r.IntN(14 * 365))
	}
	if r.IntN(3) == 0 {
		f.EventTypes = []string{testTypes[r.IntN(len(testTypes))]}
		if r.IntN(2) == 0 {
			f.EventTypes = append(f.EventTypes, testTypes[r.IntN(len(testTypes))], "No such type")
		}
	}
	if r.IntN(3) == 0 {
		f.Actor = testActorPats[r.IntN(len(testActorPats))]
	}
	if r.IntN(4) == 0 {
		f.Country = testCountries[r.IntN(len(testCountries)-1)]
	}
	if r.IntN(4) == 0 {
		f.MinFatalities = []int{1, 5, 20, 65534, 70000}[r.IntN(5)]
	}
	var ids []int64
	var set map[int64]bool
	if r.IntN(4) == 0 {
		f.Q = "convoy"
		set = map[int64]bool{}
		for id := range w {
			if r.IntN(3) == 0 {
				ids = append(ids, id)
				set[id] = true
			}
		}
		ids = append(ids, 1<<40) // an id the index does not hold
	}
	return f, ids, set
}

func bruteStats(w world, f incidents.Filter, set map[int64]bool) incidents.Stats {
	st := incidents.NewStats()
	groups := map[string]map[string]*incidents.StatBucket{}
	add := func(g, k string, fat int) {
		if groups[g] == nil {
			groups[g] = map[string]*incidents.StatBucket{}
		}
		b := groups[g][k]
		if b == nil {
			b = &incidents.StatBucket{Key: k}
			groups[g][k] = b
		}
		b.Count++
		b.Fatalities += fat
	}
	for _, r := range w {
		if !bruteMatch(f, set, r) {
			continue
		}
		fat := max(r.Fatalities, 0)
		st.Count++
		st.Fatalities += fat
		if st.MinDate == "" || r.Date < st.MinDate {
			st.MinDate = r.Date
		}
		st.MaxDate = max(st.MaxDate, r.Date)
		add("et", r.EventType, fat)
		add("month", r.Date[:7], fat)
		add("country", r.Country, fat)
		if r.Admin1 != "" {
			add("admin1", r.Admin1, fat)
		}
		if r.Actor1 != "" {
			add("actor", r.Actor1, fat)
		}
		if r.Actor2 != "" && r.Actor2 != r.Actor1 {
			add("actor", r.Actor2, fat)
		}
	}
	list := func(g string, byKey bool, top int) []incidents.StatBucket {
		out := []incidents.StatBucket{}
		for _, b := range groups[g] {
			out = append(out, *b)
		}
		slices.SortFunc(out, func(a, b incidents.StatBucket) int {
			if byKey {
				return cmp.Compare(a.Key, b.Key)
			}
			return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Key, b.Key))
		})
		if top > 0 && len(out) > top {
			out = out[:top]
		}
		return out
	}
	st.ByEventType, st.ByMonth, st.ByCountry = list("et", false, 0), list("month", true, 0), list("country", false, 0)
	st.ByAdmin1, st.ByActor = list("admin1", false, incidents.TopAdmin1), list("actor", false, incidents.TopActors)
	return st
}

func brutePage(w world, f incidents.Filter, set map[int64]bool) []int64 {
	var rows []Row
	for _, r := range w {
		if bruteMatch(f, set, r) {
			rows = append(rows, r)
		}
	}
	slices.SortFunc(rows, func(a, b Row) int { return cmp.Or(cmp.Compare(b.Date, a.Date), cmp.Compare(b.ID, a.ID)) })
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	return ids
}

func bruteClusters(w world, f incidents.Filter, set map[int64]bool, t geo.Tile, depth int) []geo.Cluster {
	c := geo.NewClusterer(t, depth)
	f.BBox = nil
	for _, r := range w {
		if bruteMatch(f, set, r) {
			c.AddPoint(r.Lon, r.Lat, r.EventType, max(r.Fatalities, 0))
		}
	}
	return c.Clusters()
}

// check compares every answer of the snapshot with brute force.
func check(t *testing.T, r *rand.Rand, s *Snapshot, w world, rounds int) {
	t.Helper()
	if s.Len() != len(w) {
		t.Fatalf("Len: got %d, want %d", s.Len(), len(w))
	}
	for range rounds {
		f, ids, set := randFilter(r, w)
		q, err := s.Compile(f, ids)
		if err != nil {
			t.Fatal(err)
		}
		want := brutePage(w, f, set)
		if got := q.Count(); got != len(want) {
			t.Fatalf("Count %v: got %d, want %d", f, got, len(want))
		}
		gotStats, wantStats := q.Stats(), bruteStats(w, f, set)
		if fmt.Sprint(gotStats) != fmt.Sprint(wantStats) {
			t.Fatalf("Stats %v:\ngot  %+v\nwant %+v", f, gotStats, wantStats)
		}
		// Pages of a random size, followed to the end, visit every match
		// once in order.
		limit := 1 + r.IntN(40)
		var got []int64
		cursor := ""
		for {
			page, next, err := q.Page(cursor, limit)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, page...)
			if next == "" {
				break
			}
			if len(page) != limit {
				t.Fatalf("Page %v: %d ids with a next cursor, want %d", f, len(page), limit)
			}
			cursor = next
		}
		if !slices.Equal(got, want) {
			t.Fatalf("Pages %v: got %d ids %v..., want %d %v...", f, len(got), got[:min(5, len(got))], len(want), want[:min(5, len(want))])
		}
		// Tiles at every zoom, around a random match when there is one.
		lon, lat := 40.0, 33.0
		if len(want) > 0 {
			m := w[want[r.IntN(len(want))]]
			lon, lat = m.Lon, m.Lat
		}
		for _, z := range []int{0, 2, 4, 7, 10, 14, 18, 22} {
			tile, ok := geo.TileAt(lon, lat, z)
			if !ok {
				tile = geo.Tile{Z: z}
			}
			depth := []int{0, 3, 5}[r.IntN(3)]
			gc, wc := q.Clusters(tile, depth), bruteClusters(w, f, set, tile, depth)
			if len(gc) != len(wc) {
				t.Fatalf("Clusters %v %s: got %d clusters, want %d", f, tile, len(gc), len(wc))
			}
			for i := range gc {
				g, x := gc[i], wc[i]
				if g.Cell != x.Cell || g.Count != x.Count || g.Fatalities != x.Fatalities || g.EventType != x.EventType {
					t.Fatalf("Clusters %v %s: got %+v, want %+v", f, tile, g, x)
				}
				if math.Abs(g.Lon-x.Lon) > 1e-6 || math.Abs(g.Lat-x.Lat) > 1e-6 {
					t.Fatalf("Clusters %s: centroid got %v,%v, want %v,%v", tile, g.Lon, g.Lat, x.Lon, x.Lat)
				}
				if !g.Cell.Contains(g.Lon, g.Lat) {
					t.Fatalf("Clusters %s: centroid %v,%v outside its cell %s", tile, g.Lon, g.Lat, g.Cell)
				}
			}
			pts, more := q.TilePoints(tile, 0)
			var wantPts []int64
			nobox := f
			nobox.BBox = nil
			for _, id := range brutePage(w, nobox, set) {
				if tile.Contains(w[id].Lon, w[id].Lat) {
					wantPts = append(wantPts, id)
				}
			}
			gotPts := make([]int64, len(pts))
			for i, p := range pts {
				gotPts[i] = p.ID
				if wr := w[p.ID]; p.Date != wr.Date || p.EventType != wr.EventType ||
					math.Abs(p.Lon-wr.Lon) > 1e-6 || math.Abs(p.Lat-wr.Lat) > 1e-6 || (p.Fatalities == nil) != (wr.Fatalities < 0) {
					t.Fatalf("TilePoints %s: got %+v for %+v", tile, p, wr)
				}
			}
			slices.Sort(gotPts)
			slices.Sort(wantPts)
			if more || !slices.Equal(gotPts, wantPts) {
				t.Fatalf("TilePoints %v %s: got %d (more %v), want %d", f, tile, len(gotPts), more, len(wantPts))
			}
			if len(wantPts) > 1 {
				pts, more := q.TilePoints(tile, len(wantPts)-1)
				if len(pts) != len(wantPts)-1 || !more {
					t.Fatalf("TilePoints %s limit %d: got %d more %v", tile, len(wantPts)-1, len(pts), more)
				}
			}
		}
		// Heat map cells hold the matches of their tiles.
		z := r.IntN(12)
		heat := q.Heat(z, 0)
		wantCells := map[geo.Tile]int{}
		for _, id := range want {
			if c, ok := geo.TileAt(w[id].Lon, w[id].Lat, z); ok {
				wantCells[c]++
			}
		}
		gotCells := map[geo.Tile]int{}
		for _, h := range heat {
			c, _ := geo.TileAt(h.Lon, h.Lat, z)
			gotCells[c] += h.Count
		}
		if fmt.Sprint(gotCells) != fmt.Sprint(wantCells) {
			t.Fatalf("Heat %v z%d: got %d cells, want %d", f, z, len(gotCells), len(wantCells))
		}
		if small := q.Heat(z, 10); len(small) > 10 && z > 0 {
			t.Fatalf("Heat z%d max 10: got %d points", z, len(small))
		}
	}
	var e incidents.Extent
	first := true
	for _, r := range w {
		e.Count++
		if first {
			e.MinLon, e.MaxLon, e.MinLat, e.MaxLat, e.MinDate, e.MaxDate = r.Lon, r.Lon, r.Lat, r.Lat, r.Date, r.Date
			first = false
		}
		e.MinLon, e.MaxLon = min(e.MinLon, r.Lon), max(e.MaxLon, r.Lon)
		e.MinLat, e.MaxLat = min(e.MinLat, r.Lat), max(e.MaxLat, r.Lat)
		e.MinDate, e.MaxDate = min(e.MinDate, r.Date), max(e.MaxDate, r.Date)
	}
	g := s.Extent()
	if g.Count != e.Count || g.MinDate != e.MinDate || g.MaxDate != e.MaxDate ||
		math.Abs(g.MinLon-e.MinLon) > 1e-6 || math.Abs(g.MaxLon-e.MaxLon) > 1e-6 ||
		math.Abs(g.MinLat-e.MinLat) > 1e-6 || math.Abs(g.MaxLat-e.MaxLat) > 1e-6 {
		t.Fatalf("Extent: got %+v, want %+v", g, e)
	}
	// The exact coordinates of the rows ExtentIDs names give the exact box.
	if ids := s.ExtentIDs(); len(w) > 0 {
		x := w[ids[0]]
		b := geo.BBox{MinLon: x.Lon, MaxLon: x.Lon, MinLat: x.Lat, MaxLat: x.Lat}
		for _, id := range ids {
			r := w[id]
			b = geo.BBox{MinLon: min(b.MinLon, r.Lon), MaxLon: max(b.MaxLon, r.Lon), MinLat: min(b.MinLat, r.Lat), MaxLat: max(b.MaxLat, r.Lat)}
		}
		if want := (geo.BBox{MinLon: e.MinLon, MinLat: e.MinLat, MaxLon: e.MaxLon, MaxLat: e.MaxLat}); b != want {
			t.Fatalf("ExtentIDs: the rows' box is %v, want %v", b, want)
		}
	}
}

// TestIndexMatchesBruteForce compares every answer with brute force over
// random rows, then again after each of several rounds of random writes
// (creations, replacements, deletions), through the delta and through
// the merges into a new base.
func TestIndexMatchesBruteForce(t *testing.T) {
	// Stride 1 gives dense ids, as a store's row ids are; stride 3 gives
	// ids spread too thinly for idMap's dense table. Pages come from a
	// walk of the base's page order when it holds them: the order lists
	// every row, only the newest few hundred, or none. Low-zoom clusters
	// come from the base's cell summary when it has one: at the finest
	// level (share 1), coarsened (8), or none.
	for _, c := range []struct {
		name   string
		stride int64
		listed int
		share  int
	}{{"every row listed", 1, listedRows, 8}, {"300 listed", 3, 300, 1}, {"none listed", 1, 0, math.MaxInt}} {
		t.Run(fmt.Sprintf("id stride %d, %s, cell share %d", c.stride, c.name, c.share), func(t *testing.T) {
			defer func(n, s int) { listedRows, cellShare = n, s }(listedRows, cellShare)
			listedRows, cellShare = c.listed, c.share
			testIndexMatchesBruteForce(t, c.stride)
		})
	}
}

func testIndexMatchesBruteForce(t *testing.T, stride int64) {
	r := rand.New(rand.NewPCG(1, 2))
	w := world{}
	for k := int64(1); k <= 3000; k++ {
		w[k*stride] = randRow(r, k*stride)
	}
	ix := New(Options{})
	build(t, ix, w, 1)
	if dense := ix.Current().base.ids.dense != nil; dense != (stride == 1) {
		t.Fatalf("stride %d: dense id table %v", stride, dense)
	}
	check(t, r, ix.Current(), w, 40)
	next := int64(3001)
	for round, n := range []int{1, 50, 3000, 9000} {
		var ups []Row
		var dels []int64
		for range n {
			switch p := r.IntN(10); {
			case p < 5:
				ups = append(ups, randRow(r, next*stride))
				next++
			case p < 8:
				id := (1 + r.Int64N(next-1)) * stride
				ups = append(ups, randRow(r, id))
			default:
				dels = append(dels, (1+r.Int64N(next-1))*stride)
			}
		}
		// Apply in batches as a store commits them, with the state of
		// the rows after the write.
		for len(ups) > 0 || len(dels) > 0 {
			k := min(len(ups), 1+r.IntN(700))
			d := min(len(dels), r.IntN(200))
			for _, id := range dels[:d] {
				delete(w, id)
			}
			for _, row := range ups[:k] {
				w[row.ID] = row
			}
			if err := ix.Apply(int64(round+2), ups[:k], dels[:d]); err != nil {
				t.Fatal(err)
			}
			ups, dels = ups[k:], dels[d:]
		}
		s := ix.Current()
		if s.Version() != int64(round+2) {
			t.Fatalf("Version: got %d, want %d", s.Version(), round+2)
		}
		t.Run(fmt.Sprintf("after %d writes", n), func(t *testing.T) { check(t, r, s, w, 25) })
	}
}

// TestBuildReplaysWritesDuringScan applies writes between NewBuilder and
// Finish, as a store's writes race its background scan.
func TestBuildReplaysWritesDuringScan(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	w := world{}
	for id := int64(1); id <= 500; id++ {
		w[id] = randRow(r, id)
	}
	ix := New(Options{})
	b := ix.NewBuilder(len(w))
	// The scan sees the rows before the writes.
	for _, id := range slices.Sorted(mapKeys(w)) {
		row := w[id]
		if err := b.Add(&row); err != nil {
			t.Fatal(err)
		}
	}
	up := []Row{randRow(r, 7), randRow(r, 501)}
	if err := ix.Apply(2, up, []int64{9}); err != nil {
		t.Fatal(err)
	}
	if ix.Current() != nil {
		t.Fatal("Current before the first build finished: got a snapshot, want nil")
	}
	if err := b.Finish(1); err != nil {
		t.Fatal(err)
	}
	w[7], w[501] = up[0], up[1]
	delete(w, 9)
	if got := ix.Current().Version(); got != 2 {
		t.Errorf("Version: got %d, want 2", got)
	}
	check(t, r, ix.Current(), w, 10)
}

func TestOverBudget(t *testing.T) {
	ix := New(Options{MaxBytes: 100 * rowBytes})
	r := rand.New(rand.NewPCG(5, 6))
	b := ix.NewBuilder(0)
	var err error
	for id := int64(1); id <= 101 && err == nil; id++ {
		row := randRow(r, id)
		err = b.Add(&row)
	}
	if err == nil || !strings.Contains(err.Error(), "over the memory budget") {
		t.Fatalf("Add past the budget: got %v, want ErrOverBudget", err)
	}
	b.Abort()
	w := world{}
	for id := int64(1); id <= 90; id++ {
		w[id] = randRow(r, id)
	}
	build(t, ix, w, 1)
	var ups []Row
	for id := int64(91); id <= 120; id++ {
		ups = append(ups, randRow(r, id))
	}
	if err := ix.Apply(2, ups, nil); err == nil {
		t.Fatal("Apply past the budget: got nil error")
	}
	if ix.Current() != nil || ix.Err() == nil {
		t.Fatalf("after going over budget: Current %v, Err %v; want nil and an error", ix.Current(), ix.Err())
	}
}

// TestReadersDuringWrites runs queries while writes and merges go on; run
// with -race it checks that readers and the writer share no memory they
// both write.
func TestReadersDuringWrites(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	w := world{}
	for id := int64(1); id <= 2000; id++ {
		w[id] = randRow(r, id)
	}
	ix := New(Options{})
	build(t, ix, w, 1)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for g := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rr := rand.New(rand.NewPCG(9, uint64(g)))
			for {
				select {
				case <-stop:
					return
				default:
				}
				s := ix.Current()
				before := s.Len()
				f, ids, _ := randFilter(rr, world{})
				q, err := s.Compile(f, ids)
				if err != nil {
					t.Error(err)
					return
				}
				q.Count()
				q.Stats()
				q.Clusters(geo.Tile{Z: 3, X: 4, Y: 3}, 3)
				q.Page("", 10)
				if s.Len() != before {
					t.Error("a snapshot changed under its reader")
				}
			}
		}()
	}
	next := int64(2001)
	for range 40 {
		var ups []Row
		for range 500 {
			ups = append(ups, randRow(r, next))
			next++
		}
		if err := ix.Apply(next, ups, []int64{next - 1000}); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
}

func TestDays(t *testing.T) {
	for _, d := range []string{"0000-01-01", "1969-12-31", "1970-01-01", "2000-02-29", "2016-09-17", "9999-12-31"} {
		n, err := parseDay(d)
		if err != nil {
			t.Fatalf("parseDay(%q): %v", d, err)
		}
		if got := formatDay(n); got != d {
			t.Errorf("formatDay(parseDay(%q)) = %q", d, got)
		}
		if got, want := formatMonth(monthOf(n)), d[:7]; got != want {
			t.Errorf("month of %s: got %s, want %s", d, got, want)
		}
	}
	for _, d := range []string{"2015-02-29", "2016-13-01", "2016-1-01", "", "2016-09-31"} {
		if _, err := parseDay(d); err == nil {
			t.Errorf("parseDay(%q): got nil error", d)
		}
	}
}

// TestPagesSkipOldBlocks pages a base of many blocks, where a page leaves
// out the blocks older than its rows, and compares with brute force: the
// pages must still visit every match once and say when no page follows.
func TestPagesSkipOldBlocks(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	w := world{}
	for id := int64(1); id <= 8*chunk; id++ {
		w[id] = randRow(r, id)
	}
	ix := New(Options{})
	build(t, ix, w, 1)
	if n := len(ix.Current().base.blockLatest); n < 8 {
		t.Fatalf("base has %d blocks, want at least 8", n)
	}
	check(t, r, ix.Current(), w, 8)
}

// TestPageKnowsOfSkippedBlocks fills a page exactly with the newest block
// of rows: every later block is left unread, and the page must still say
// that a next page follows, and the next page must hold those rows.
func TestPageKnowsOfSkippedBlocks(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	w := world{}
	for id := int64(1); id <= 3*chunk; id++ {
		row := randRow(r, id)
		// One point, so the base keeps id order: the first block holds
		// the newest rows.
		row.Lon, row.Lat = 38.5, 35.5
		row.Date = "2015-01-01"
		if id <= chunk {
			row.Date = "2020-01-01"
		}
		w[id] = row
	}
	ix := New(Options{})
	build(t, ix, w, 1)
	q, err := ix.Current().Compile(incidents.Filter{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	page, next, err := q.Page("", chunk)
	if err != nil {
		t.Fatal(err)
	}
	if len(page) != chunk || next == "" {
		t.Fatalf("first page: %d ids, next %q; want %d ids and a next cursor", len(page), next, chunk)
	}
	page, _, err = q.Page(next, 3*chunk)
	if err != nil {
		t.Fatal(err)
	}
	if len(page) != 2*chunk {
		t.Fatalf("second page: %d ids, want %d", len(page), 2*chunk)
	}
}

// TestBoxAtTheMercatorLimit checks boxes whose edge is the Mercator limit
// or just inside it: polar points (their y clamped to the grid's top or
// bottom row) lie in the box's edge cells but outside the box, and no
// count, statistics or page may take them for inside.
func TestBoxAtTheMercatorLimit(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	w := world{}
	for id := int64(1); id <= 5000; id++ {
		row := randRow(r, id)
		switch id % 10 {
		case 0:
			row.Lat = 89
		case 1:
			row.Lat = -88
		}
		w[id] = row
	}
	ix := New(Options{})
	build(t, ix, w, 1)
	const m = geo.MaxMercatorLat
	for _, b := range []geo.BBox{
		{MinLon: -180, MinLat: -m, MaxLon: 180, MaxLat: m},
		{MinLon: -180, MinLat: 0, MaxLon: 180, MaxLat: m},
		{MinLon: -180, MinLat: -m, MaxLon: 180, MaxLat: 0},
		{MinLon: -180, MinLat: -85.0511287, MaxLon: 180, MaxLat: 85.0511287},
	} {
		q, err := ix.Current().Compile(incidents.Filter{BBox: &b}, nil)
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		for _, row := range w {
			if b.Contains(row.Lon, row.Lat) {
				want++
			}
		}
		if got := q.Count(); got != want {
			t.Errorf("%+v: Count %d, want %d", b, got, want)
		}
		if got := q.Stats().Count; got != want {
			t.Errorf("%+v: Stats().Count %d, want %d", b, got, want)
		}
		page, _, err := q.Page("", 10000)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) != want {
			t.Errorf("%+v: a page of all matches holds %d, want %d", b, len(page), want)
		}
	}
}
