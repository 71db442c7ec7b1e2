package gazetteer

import (
	"cmp"
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestReverseNearest(t *testing.T) {
	g := testGazetteer(t)
	r := NewReverseIndex(g)
	tests := []struct {
		name        string
		lat, lon    float64
		wantPlace   string
		wantCountry string
		wantAdmin1  string
		wantOK      bool
	}{
		{"Deir ez-Zor centre", 35.336, 40.141, "Deir ez-Zor", "SY", "Deir ez-Zor", true},
		{"the issue's POST", 35.3, 40.1, "", "SY", "Deir ez-Zor", true},
		{"Aleppo", 36.2021, 37.1343, "Aleppo", "SY", "Aleppo", true},
		{"Kyiv", 50.45, 30.52, "", "UA", "", true},
		{"mid Pacific", 0, -150, "", "", "", false},
		{"off the globe", 95, 0, "", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := r.Nearest(tt.lat, tt.lon)
			if ok != tt.wantOK {
				t.Fatalf("ok: got %v, want %v (%+v)", ok, tt.wantOK, got)
			}
			if !ok {
				return
			}
			if tt.wantPlace != "" && got.Name != tt.wantPlace {
				t.Errorf("place: got %q, want %q", got.Name, tt.wantPlace)
			}
			if got.Country != tt.wantCountry {
				t.Errorf("country: got %q, want %q", got.Country, tt.wantCountry)
			}
			if tt.wantAdmin1 != "" && got.Admin1 != tt.wantAdmin1 {
				t.Errorf("admin1: got %q, want %q", got.Admin1, tt.wantAdmin1)
			}
		})
	}
}

// TestReverseMatchesBruteForce compares the grid with a scan of every place
// within the search radius at random points over land and sea.
func TestReverseMatchesBruteForce(t *testing.T) {
	g := testGazetteer(t)
	r := NewReverseIndex(g)
	// The places the grid holds, by latitude: a point's scan reads only
	// those within the radius's arc of latitude (a great-circle distance
	// is at least the arc between the latitudes).
	type point struct {
		lat, lon float64
		id       int64
	}
	var places []point
	g.mu.RLock()
	for i := range g.recs {
		rc := &g.recs[i]
		if rc.dead || rc.noPoint || len(rc.fcode) < 3 || rc.fcode[:3] != "PPL" {
			continue
		}
		places = append(places, point{rc.lat, rc.lon, rc.id})
	}
	g.mu.RUnlock()
	slices.SortFunc(places, func(a, b point) int { return cmp.Compare(a.lat, b.lat) })
	const (
		radiusKm    = 400 // beyond it either answer is fine
		kmPerDegree = 6371.0088 * math.Pi / 180
		bandDegrees = radiusKm/kmPerDegree + 1e-6
	)
	rng := rand.New(rand.NewPCG(1, 2))
	n := bruteForcePoints
	if testing.Short() {
		n = 50
	}
	for range n {
		lat, lon := rng.Float64()*140-60, rng.Float64()*360-180
		got, ok := r.Nearest(lat, lon)
		want, wantD := int64(0), math.Inf(1)
		first, _ := slices.BinarySearchFunc(places, lat-bandDegrees, func(p point, l float64) int { return cmp.Compare(p.lat, l) })
		for _, p := range places[first:] {
			if p.lat > lat+bandDegrees {
				break
			}
			if d := haversineKm(lat, lon, p.lat, p.lon); d < wantD {
				want, wantD = p.id, d
			}
		}
		if wantD > radiusKm {
			continue
		}
		if !ok {
			t.Fatalf("(%.3f, %.3f): no answer, want %d at %.1f km", lat, lon, want, wantD)
		}
		if got.GeonameID != want && got.DistanceKm > wantD*1.01+0.5 {
			t.Errorf("(%.3f, %.3f): got %d at %.1f km, want %d at %.1f km", lat, lon, got.GeonameID, got.DistanceKm, want, wantD)
		}
	}
}

func TestReverseSeesLoadedPlaces(t *testing.T) {
	g := New()
	r := NewReverseIndex(g)
	if _, ok := r.Nearest(35, 40); ok {
		t.Fatal("empty gazetteer: got an answer, want none")
	}
	if err := g.LoadFile(context.Background(), "testdata/SY-sample.txt"); err != nil {
		t.Fatal(err)
	}
	if _, ok := r.Nearest(35.33, 40.14); !ok {
		t.Fatal("after loading: got no answer, want one")
	}
}

// TestReverseBuild starts the build the way a server does at start and
// lets a lookup wait for it: the lookup is answered although the build's
// starter goes away, and no second build starts. Before that, a build
// nobody wants any more (its context is done) reports the cancellation and
// leaves no grid. One grid is built in all, over the embedded gazetteer.
func TestReverseBuild(t *testing.T) {
	g := testGazetteer(t)
	r := NewReverseIndex(g)
	gone, cancelGone := context.WithCancel(context.Background())
	cancelGone()
	if err := r.Build(gone); !errors.Is(err, context.Canceled) {
		t.Fatalf("Build on a cancelled context: %v, want context.Canceled", err)
	}
	if r.cur.Load() != nil {
		t.Fatal("an abandoned build stored a grid")
	}

	g.mu.RLock()
	n := len(g.recs)
	g.mu.RUnlock()
	ctx, cancel := context.WithCancel(context.Background())
	built := make(chan error, 1)
	go func() { built <- r.Build(ctx) }()
	waitReverse(t, "the build to start", func() bool { return r.builds.Waiting(n) == 1 || r.cur.Load() != nil })
	answered := make(chan bool, 1)
	go func() {
		_, ok := r.Nearest(35.336, 40.141)
		answered <- ok
	}()
	waitReverse(t, "the lookup to wait", func() bool { return r.builds.Waiting(n) == 2 || r.cur.Load() != nil })
	cancel()
	if err := <-built; err != nil && !errors.Is(err, context.Canceled) {
		t.Fatalf("Build: %v, want nil or context.Canceled", err)
	}
	if !<-answered {
		t.Fatal("the waiting lookup got no answer")
	}
	grid := r.cur.Load()
	if grid == nil || grid.n != n {
		t.Fatal("no grid stored for the places loaded")
	}
	if err := r.Build(context.Background()); err != nil || r.cur.Load() != grid {
		t.Fatalf("Build when built: %v, and a new grid %v", err, r.cur.Load() != grid)
	}
}

// waitReverse polls cond until it holds, failing after a minute.
func waitReverse(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// BenchmarkReverse measures one lookup over the embedded gazetteer at
// random points where people live (places of the gazetteer, moved a few
// kilometres).
func BenchmarkReverse(b *testing.B) {
	g := testGazetteer(b)
	r := NewReverseIndex(g)
	rng := rand.New(rand.NewPCG(3, 4))
	pts := make([][2]float64, 4096)
	g.mu.RLock()
	for i := range pts {
		rc := g.recs[rng.IntN(len(g.recs))]
		pts[i] = [2]float64{rc.lat + rng.Float64()*0.1 - 0.05, rc.lon + rng.Float64()*0.1 - 0.05}
	}
	g.mu.RUnlock()
	r.Nearest(0, 0) // build the grid
	b.ResetTimer()
	i := 0
	for b.Loop() {
		p := pts[i%len(pts)]
		r.Nearest(max(-90, min(90, p[0])), max(-180, min(180, p[1])))
		i++
	}
}

// TestFuzzyTableWaitsForNames checks that reverse geocoding and lookups by
// id leave the fuzzy-match table unbuilt (a server whose writes carry only
// coordinates never holds it), and that the first name searched starts
// building it in the background.
func TestFuzzyTableWaitsForNames(t *testing.T) {
	ctx := context.Background()
	g := loadSample(t, "SY-sample.txt")
	r := NewReverseIndex(g)
	if _, ok := r.Nearest(35.33, 40.14); !ok {
		t.Fatal("Nearest: no place")
	}
	g.Get(170792)
	if g.idx.dels.Load() != nil {
		t.Fatal("the fuzzy table was built before any name was searched")
	}
	if _, err := g.Resolve(ctx, Query{Name: "Deir ez-Zor"}); err != nil {
		t.Fatal(err)
	}
	// The build runs on its own goroutine. The limit only tells "never
	// started" from "started": the sample's table takes milliseconds.
	for start := time.Now(); g.idx.dels.Load() == nil; time.Sleep(time.Millisecond) {
		if time.Since(start) > 30*time.Second {
			t.Fatal("the first name searched did not start building the fuzzy table")
		}
	}
}
