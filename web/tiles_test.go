package web_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/paulmach/orb/encoding/mvt"

	"github.com/mapd/mapd/geo"
	"github.com/mapd/mapd/incidents"
	"github.com/mapd/mapd/incidents/index"
	"github.com/mapd/mapd/incidents/sqlite"
	"github.com/mapd/mapd/web"
)

// Damascus, in the tiles the tests request.
const damLon, damLat = 36.2765, 33.5138

func tptr[T any](v T) *T { return &v }

// newTileServer serves a fresh store holding n incidents around Damascus
// and Raqqa.
func newTileServer(t *testing.T, n int, cfgStore func(*sqlite.Store) web.Store) (*httptest.Server, *sqlite.Store, []incidents.Incident) {
	t.Helper()
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "tiles.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	store.StartIndex(index.Options{}) // as mapd serve does; the import below waits for it
	r := rand.New(rand.NewPCG(5, 6))
	var items []incidents.Incident
	for i := range n {
		lon, lat := damLon, damLat
		if i%3 == 0 {
			lon, lat = 39.0079, 35.9528
		}
		items = append(items, incidents.Incident{
			SourceID:   fmt.Sprintf("s%d", i),
			Date:       fmt.Sprintf("2016-%02d-10", 1+i%12),
			EventType:  incidents.EventTypes[i%3],
			Fatalities: tptr(i % 4),
			Lon:        tptr(lon + r.NormFloat64()*0.05),
			Lat:        tptr(lat + r.NormFloat64()*0.05),
			Notes:      []string{"air strike on a market", "shelling of the old city"}[i%2],
		})
	}
	if res, err := store.Import(ctx, incidents.NewSliceDecoder(items), incidents.ImportOptions{}); err != nil || res.Inserted != n {
		t.Fatalf("import: %+v, %v", res, err)
	}
	var all []incidents.Incident
	store.Export(ctx, incidents.Filter{}, func(in *incidents.Incident) error { all = append(all, *in); return nil })
	var ws web.Store = store
	if cfgStore != nil {
		ws = cfgStore(store)
	}
	srv, err := web.New(web.Config{Store: ws})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts, store, all
}

var rawClient = &http.Client{Transport: &http.Transport{DisableCompression: true}}

// getTile fetches a tile with the given request headers.
func getTile(t *testing.T, url string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := rawClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// decodeTile decodes a 200 tile, gzip-encoded or not, and returns its
// incidents layer.
func decodeTile(t *testing.T, resp *http.Response, body []byte) *mvt.Layer {
	t.Helper()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("got status %d (%s), want 200", resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/vnd.mapbox-vector-tile" {
		t.Fatalf("got Content-Type %q, want application/vnd.mapbox-vector-tile", ct)
	}
	var layers mvt.Layers
	var err error
	if resp.Header.Get("Content-Encoding") == "gzip" {
		layers, err = mvt.UnmarshalGzipped(body)
	} else {
		layers, err = mvt.Unmarshal(body)
	}
	if err != nil {
		t.Fatal(err)
	}
	if len(layers) != 1 || layers[0].Name != "incidents" {
		t.Fatalf("got %d layers, want one named incidents", len(layers))
	}
	return layers[0]
}

// fetchLayer gets a tile that must be there and decodes it.
func fetchLayer(t *testing.T, url, acceptEncoding string) *mvt.Layer {
	t.Helper()
	resp, body := getTile(t, url, "Accept-Encoding", acceptEncoding)
	return decodeTile(t, resp, body)
}

func tileURL(ts *httptest.Server, tile geo.Tile, query string) string {
	u := ts.URL + "/tiles/incidents/" + tile.String() + ".mvt"
	if query != "" {
		u += "?" + query
	}
	return u
}

func TestTilePathsAndParams(t *testing.T) {
	ts, _, _ := newTileServer(t, 30, nil)
	dam, _ := geo.TileAt(damLon, damLat, 12)
	tests := []struct {
		path string
		want int
	}{
		{"/tiles/incidents/0/0/0.mvt", 200},
		{"/tiles/incidents/" + dam.String() + ".mvt", 200},
		{"/tiles/incidents/3/0/0.mvt", 204},
		{"/tiles/incidents/22/4194303/4194303.mvt", 204},
		{"/tiles/incidents/23/0/0.mvt", 400},
		{"/tiles/incidents/3/8/0.mvt", 400},
		{"/tiles/incidents/3/0/8.mvt", 400},
		{"/tiles/incidents/3/0/0.png", 400},
		{"/tiles/incidents/3/0/0", 400},
		{"/tiles/incidents/3/0.mvt", 400},
		{"/tiles/incidents/3/0/0/0.mvt", 400},
		{"/tiles/incidents/-1/0/0.mvt", 400},
		{"/tiles/incidents/03/0/0.mvt", 400},
		{"/tiles/incidents/", 400},
		{"/tiles/incidents/0/0/0.mvt?bbox=1,2,3,4", 400},
		{"/tiles/incidents/0/0/0.mvt?limit=5", 400},
		{"/tiles/incidents/0/0/0.mvt?nope=1", 400},
		{"/tiles/incidents/0/0/0.mvt?from=2016-02-30", 400},
		{"/tiles/incidents/0/0/0.mvt?min_fatalities=-1", 400},
		{"/tiles/incidents/0/0/0.mvt?event_type=Battles&from=2016-01-01&to=2016-12-31&actor=x&country=SY&q=market&min_fatalities=1", 204},
		{"/tiles/incidents.json", 200},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, body := getTile(t, ts.URL+tt.path, "Accept-Encoding", "gzip")
			if resp.StatusCode != tt.want {
				t.Fatalf("got %d (%s), want %d", resp.StatusCode, body, tt.want)
			}
			switch tt.want {
			case 400:
				if !strings.Contains(string(body), `"error"`) {
					t.Errorf("got body %s, want a JSON error", body)
				}
			case 204:
				if len(body) != 0 || resp.Header.Get("ETag") == "" {
					t.Errorf("got %d bytes and ETag %q, want an empty body with an ETag", len(body), resp.Header.Get("ETag"))
				}
			}
		})
	}
}

func TestTilePointsAtHighZoom(t *testing.T) {
	ts, _, all := newTileServer(t, 300, nil)
	tile, _ := geo.TileAt(damLon, damLat, 11)
	want := map[int64]incidents.Incident{}
	for _, in := range all {
		if tile.Contains(*in.Lon, *in.Lat) {
			want[in.ID] = in
		}
	}
	for _, enc := range []string{"gzip", "identity"} {
		t.Run(enc, func(t *testing.T) {
			layer := fetchLayer(t, tileURL(ts, tile, ""), enc)
			if len(layer.Features) != len(want) {
				t.Fatalf("got %d features, want %d", len(layer.Features), len(want))
			}
			for _, f := range layer.Features {
				id, _ := f.Properties["id"].(float64)
				in, ok := want[int64(id)]
				if !ok {
					t.Fatalf("feature id %v is not an incident of the tile", f.Properties["id"])
				}
				if f.Properties["date"] != in.Date || f.Properties["event_type"] != in.EventType || f.Properties["fatalities"] != float64(*in.Fatalities) {
					t.Fatalf("got properties %v, want those of %+v", f.Properties, in)
				}
				if f.Properties["cluster"] != nil {
					t.Fatal("a point carries cluster=true")
				}
			}
		})
	}
}

// clusterSum decodes a cluster tile and returns the sum of its counts.
func clusterSum(t *testing.T, layer *mvt.Layer) (count, fatalities int) {
	t.Helper()
	for _, f := range layer.Features {
		if f.Properties["cluster"] != true {
			t.Fatalf("got feature %v, want a cluster", f.Properties)
		}
		n, _ := f.Properties["point_count"].(float64)
		if f.Properties["count"] != n || n < 1 || f.Properties["event_type"] == "" {
			t.Fatalf("got cluster properties %v", f.Properties)
		}
		fat, _ := f.Properties["fatalities"].(float64)
		count += int(n)
		fatalities += int(fat)
	}
	if len(layer.Features) > 64 {
		t.Fatalf("got %d clusters, want at most 64 (an 8x8 grid)", len(layer.Features))
	}
	return count, fatalities
}

func TestTileClustersAtLowZoom(t *testing.T) {
	ts, _, all := newTileServer(t, 300, nil)
	tests := []struct {
		name  string
		query string
		keep  func(incidents.Incident) bool
	}{
		{"no filter", "", func(incidents.Incident) bool { return true }},
		{"event types (index)", "event_type=Battles,Riots", func(in incidents.Incident) bool {
			return in.EventType == "Battles" || in.EventType == "Riots"
		}},
		{"dates and text (scanned)", "from=2016-03-01&to=2016-06-30&q=market", func(in incidents.Incident) bool {
			return in.Date >= "2016-03-01" && in.Date <= "2016-06-30" && strings.Contains(in.Notes, "market")
		}},
		{"fatalities", "min_fatalities=2", func(in incidents.Incident) bool { return *in.Fatalities >= 2 }},
		{"whole months and types (index)", "from=2016-03-01&to=2016-08-31&event_type=Battles", func(in incidents.Incident) bool {
			return in.Date >= "2016-03-01" && in.Date <= "2016-08-31" && in.EventType == "Battles"
		}},
		{"partial months (index)", "from=2016-02-11&to=2016-09-10", func(in incidents.Incident) bool {
			return in.Date >= "2016-02-11" && in.Date <= "2016-09-10"
		}},
	}
	for _, z := range []int{0, 3, 5, 8} {
		tile, _ := geo.TileAt(damLon, damLat, z)
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/%s", tile, tt.name), func(t *testing.T) {
				wantN, wantF := 0, 0
				for _, in := range all {
					if tt.keep(in) && tile.Contains(*in.Lon, *in.Lat) {
						wantN++
						wantF += *in.Fatalities
					}
				}
				if wantN == 0 {
					if resp, _ := getTile(t, tileURL(ts, tile, tt.query)); resp.StatusCode != http.StatusNoContent {
						t.Fatalf("got %d for a tile with no match, want 204", resp.StatusCode)
					}
					return
				}
				gotN, gotF := clusterSum(t, fetchLayer(t, tileURL(ts, tile, tt.query), "gzip"))
				if gotN != wantN || gotF != wantF {
					t.Fatalf("got %d incidents and %d fatalities in clusters, want %d and %d", gotN, gotF, wantN, wantF)
				}
			})
		}
	}
}

func TestTileETagAndInvalidation(t *testing.T) {
	ts, store, _ := newTileServer(t, 100, nil)
	ctx := context.Background()
	tile, _ := geo.TileAt(damLon, damLat, 6)
	url := tileURL(ts, tile, "")
	resp, body := getTile(t, url, "Accept-Encoding", "gzip")
	n1, _ := clusterSum(t, decodeTile(t, resp, body))
	etag := resp.Header.Get("ETag")
	if etag == "" || resp.Header.Get("Cache-Control") == "" || resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("got headers %v, want ETag, Cache-Control and Content-Encoding gzip", resp.Header)
	}

	resp, body = getTile(t, url, "Accept-Encoding", "gzip", "If-None-Match", etag)
	if resp.StatusCode != http.StatusNotModified || len(body) != 0 {
		t.Fatalf("got %d with %d bytes, want 304 and no body", resp.StatusCode, len(body))
	}
	resp, _ = getTile(t, url, "Accept-Encoding", "gzip", "If-None-Match", `W/"other", `+etag)
	if resp.StatusCode != http.StatusNotModified {
		t.Fatalf("got %d for a list of ETags, want 304", resp.StatusCode)
	}
	resp, body = getTile(t, url, "Accept-Encoding", "gzip")
	if resp.Header.Get("ETag") != etag {
		t.Fatalf("got ETag %q for the same data, want %q", resp.Header.Get("ETag"), etag)
	}

	// An edit: the tile changes and the old ETag no longer matches.
	in := incidents.Incident{Date: "2016-01-01", EventType: "Battles", Lon: tptr(damLon), Lat: tptr(damLat), Fatalities: tptr(7)}
	if err := store.Create(ctx, &in, nil); err != nil {
		t.Fatal(err)
	}
	resp, body = getTile(t, url, "Accept-Encoding", "gzip", "If-None-Match", etag)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("ETag") == etag {
		t.Fatalf("after a write: got %d with ETag %q, want 200 and a new ETag", resp.StatusCode, resp.Header.Get("ETag"))
	}
	if n2, _ := clusterSum(t, decodeTile(t, resp, body)); n2 != n1+1 {
		t.Fatalf("after a write: got %d incidents, want %d", n2, n1+1)
	}
	// Moving the incident away empties its high-zoom tile.
	hi, _ := geo.TileAt(damLon, damLat, 16)
	if resp, body := getTile(t, tileURL(ts, hi, "")); resp.StatusCode != http.StatusOK {
		t.Fatalf("got %d (%s), want 200", resp.StatusCode, body)
	}
	*in.Lon += 1
	if err := store.Replace(ctx, in.ID, &in, nil); err != nil {
		t.Fatal(err)
	}
	if resp, body := getTile(t, tileURL(ts, hi, "")); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("after moving the incident: got %d (%d bytes), want 204", resp.StatusCode, len(body))
	}
	if err := store.Delete(ctx, in.ID); err != nil {
		t.Fatal(err)
	}
	resp, body = getTile(t, url, "Accept-Encoding", "gzip")
	if n3, _ := clusterSum(t, decodeTile(t, resp, body)); n3 != n1 {
		t.Fatalf("after delete: got %d incidents, want %d", n3, n1)
	}
}

func TestTilesConcurrent(t *testing.T) {
	ts, _, _ := newTileServer(t, 200, nil)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for z := range 10 {
				tile, _ := geo.TileAt(damLon, damLat, (z+i)%10)
				resp, err := http.Get(tileURL(ts, tile, ""))
				if err != nil {
					errs <- err
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					errs <- fmt.Errorf("%s: got %d, want 200", tile, resp.StatusCode)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// plainStore hides the tile methods of the SQLite store.
type plainStore struct{ web.Store }

func TestTilesUnsupportedStore(t *testing.T) {
	ts, _, _ := newTileServer(t, 1, func(s *sqlite.Store) web.Store { return plainStore{s} })
	resp, body := getTile(t, ts.URL+"/tiles/incidents/0/0/0.mvt")
	if resp.StatusCode != http.StatusNotImplemented {
		t.Fatalf("got %d (%s), want 501", resp.StatusCode, body)
	}
}
