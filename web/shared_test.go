package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mapd/mapd/geo"
	"github.com/mapd/mapd/incidents"
	"github.com/mapd/mapd/incidents/sqlite"
	"github.com/mapd/mapd/web"
)

// slowStore is the real SQLite store with every read that the shared work
// of tiles, stats, pages and the extent does made to take at least delay
// first (returning early, as a real query does, when its context ends),
// so that a client giving up after a fraction of it always leaves while
// the work runs.
type slowStore struct {
	*sqlite.Store
	delay time.Duration
}

func (s slowStore) wait(ctx context.Context) error {
	select {
	case <-time.After(s.delay):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s slowStore) TileClusters(ctx context.Context, f incidents.Filter, t geo.Tile, depth int) ([]geo.Cluster, error) {
	if err := s.wait(ctx); err != nil {
		return nil, fmt.Errorf("slow store: tile clusters %s: %w", t, err)
	}
	return s.Store.TileClusters(ctx, f, t, depth)
}

func (s slowStore) TilePoints(ctx context.Context, f incidents.Filter, t geo.Tile, limit int) ([]incidents.TilePoint, bool, error) {
	if err := s.wait(ctx); err != nil {
		return nil, false, fmt.Errorf("slow store: tile points %s: %w", t, err)
	}
	return s.Store.TilePoints(ctx, f, t, limit)
}

func (s slowStore) Stats(ctx context.Context, f incidents.Filter) (incidents.Stats, error) {
	if err := s.wait(ctx); err != nil {
		return incidents.Stats{}, fmt.Errorf("slow store: stats: %w", err)
	}
	return s.Store.Stats(ctx, f)
}

func (s slowStore) List(ctx context.Context, f incidents.Filter, fn func(*incidents.Incident) error) (incidents.Page, error) {
	if err := s.wait(ctx); err != nil {
		return incidents.Page{}, fmt.Errorf("slow store: list: %w", err)
	}
	return s.Store.List(ctx, f, fn)
}

// TestCancelledRequestDoesNotFailIdenticalOnes is the 96-pair check of
// issue 17 over real HTTP and a real SQLite database: pairs of identical,
// uncached requests (filtered tiles at zoom 4 to 7, stats, pages and the
// collection's extent) where the first client gives up after 20 ms and the
// second waits. Every second request must succeed: shared work never fails
// a caller because another went away.
func TestCancelledRequestDoesNotFailIdenticalOnes(t *testing.T) {
	const delay = 150 * time.Millisecond
	ts, _, _ := newTileServer(t, 3000, func(s *sqlite.Store) web.Store { return slowStore{s, delay} })

	var paths []string
	for i := range 96 {
		// Each pair's filter differs, so that no request is served from
		// a cache that an earlier pair filled.
		filter := url.Values{
			"from":           {fmt.Sprintf("2016-%02d-01", 1+i%12)},
			"min_fatalities": {fmt.Sprint(i / 12 % 4)},
			"event_type":     {incidents.EventTypes[i%3]},
		}.Encode()
		switch i % 3 {
		case 0:
			lon, lat := damLon, damLat
			if i%2 == 1 {
				lon, lat = 39.0079, 35.9528
			}
			tile, _ := geo.TileAt(lon, lat, 4+i/3%4)
			paths = append(paths, fmt.Sprintf("/tiles/incidents/%s.mvt?%s", tile, filter))
		case 1:
			paths = append(paths, "/api/stats?"+filter)
		default:
			paths = append(paths, "/api/incidents?limit=50&"+filter)
		}
	}
	paths[1] = "/ogc/collections/incidents" // its extent, computed once and cached

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	get := func(ctx context.Context, path string) (int, error) {
		req, err := http.NewRequestWithContext(ctx, "GET", ts.URL+path, nil)
		if err != nil {
			return 0, err
		}
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		if _, err := io.Copy(io.Discard, resp.Body); err != nil {
			return 0, err
		}
		return resp.StatusCode, nil
	}

	var mu sync.Mutex
	var failures []string
	sem := make(chan struct{}, 8) // pairs at a time
	var wg sync.WaitGroup
	for _, path := range paths {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			impatient, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
			defer cancel()
			first := make(chan struct{})
			go func() {
				defer close(first)
				get(impatient, path) // gives up: its result does not matter
			}()
			time.Sleep(2 * time.Millisecond) // let the first one start the work
			status, err := get(context.Background(), path)
			<-first
			if err != nil || status != http.StatusOK && status != http.StatusNoContent {
				mu.Lock()
				failures = append(failures, fmt.Sprintf("%s: got %d %v, want 200 (204 for an empty tile)", path, status, err))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(failures) > 0 {
		t.Fatalf("%d of %d second requests failed:\n%s", len(failures), len(paths), strings.Join(failures, "\n"))
	}
}
