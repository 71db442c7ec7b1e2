package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mapd/mapd/incidents"
	"github.com/mapd/mapd/incidents/index"
	"github.com/mapd/mapd/incidents/sqlite"
	"github.com/mapd/mapd/web"
)

// listOnly hides every method of a store but web.Store's, so that the
// server lists pages through List rather than ListFeatures.
type listOnly struct{ web.Store }

// TestPagesSameThroughFeatureCache requests the same pages from a server
// whose indexed store lists encoded features (from its cache, the second
// time) and from one whose store only lists incidents, and checks that
// the bodies are byte-identical but for the time stamp and the server's address in
// the links.
func TestPagesSameThroughFeatureCache(t *testing.T) {
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "pages.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if _, err := store.Import(ctx, incidents.NewSliceDecoder(ogcSynthetic(2_000)), incidents.ImportOptions{Atomic: true}); err != nil {
		t.Fatal(err)
	}
	store.StartIndex(index.Options{})
	if err := store.WaitIndex(ctx); err != nil {
		t.Fatal(err)
	}
	serve := func(s web.Store) *httptest.Server {
		srv, err := web.New(web.Config{Store: s, Version: "cache-test"})
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(srv.Handler())
		t.Cleanup(ts.Close)
		return ts
	}
	cached, plain := serve(store), serve(listOnly{store})
	stamp := regexp.MustCompile(`"timeStamp":"[^"]*"`)
	get := func(base, path string) string {
		t.Helper()
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d, %v", path, resp.StatusCode, err)
		}
		// The links name each server's own address.
		return strings.ReplaceAll(stamp.ReplaceAllString(string(body), `"timeStamp":""`), base, "BASE")
	}
	paths := []string{
		"/api/incidents?limit=100",
		"/api/incidents?limit=1000",
		"/api/incidents?bbox=-60,-30,60,30&limit=500",
		"/api/incidents?bbox=-60,-30,60,30&limit=500&from=2016-03-01",
		"/ogc/collections/incidents/items?limit=1000",
		"/ogc/collections/incidents/items?limit=300&bbox=-60,-30,60,30",
		"/ogc/collections/incidents/items?limit=50&properties=date,actor1",
	}
	for round := range 2 {
		for _, p := range paths {
			if got, want := get(cached.URL, p), get(plain.URL, p); got != want {
				t.Errorf("round %d, GET %s: through the cache\n%.600s\nwant\n%.600s", round, p, got, want)
			}
		}
	}
}
