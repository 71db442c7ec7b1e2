package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mapd/mapd/gazetteer"
	"github.com/mapd/mapd/geo"
	"github.com/mapd/mapd/incidents"
	"github.com/mapd/mapd/incidents/sqlite"
	"github.com/mapd/mapd/web"
)

// ogcFixture is a server over a real SQLite store holding synthetic
// incidents, and the incidents themselves to compute expectations from.
type ogcFixture struct {
	ts    *httptest.Server
	srv   *web.Server
	store *sqlite.Store
	items []incidents.Incident // as generated, keyed by SourceID
}

// ogcSamplePlaces are GeoNames geoname-table lines for the places
// collection: two on either side of the antimeridian.
const ogcSamplePlaces = "163915\tAr Raqqah\tAr Raqqah\tRaqqa,Rakka,Al-Raqqah\t35.95283\t39.00788\tP\tPPLA\tSY\t\t04\t\t\t\t177636\t\t245\tAsia/Damascus\t2020-01-01\n" +
	"170063\tAleppo\tAleppo\tHalab,Alep\t36.20124\t37.16117\tP\tPPLA\tSY\t\t09\t\t\t\t1602264\t\t390\tAsia/Damascus\t2020-01-01\n" +
	"169577\tHoms\tHoms\tHims,Emesa\t34.72682\t36.72339\tP\tPPLA\tSY\t\t11\t\t\t\t775404\t\t500\tAsia/Damascus\t2020-01-01\n" +
	"2198148\tSuva\tSuva\t\t-18.14161\t178.44149\tP\tPPLC\tFJ\t\t01\t\t\t\t77366\t\t13\tPacific/Fiji\t2020-01-01\n" +
	"4035413\tApia\tApia\t\t-13.83333\t-171.76666\tP\tPPLC\tWS\t\t04\t\t\t\t40407\t\t2\tPacific/Apia\t2020-01-01\n"

// ogcSynthetic generates n deterministic incidents spread over 2016, six
// event types and five countries, a tenth of them on either side of the
// antimeridian; fields that are often empty are set on some only.
func ogcSynthetic(n int) []incidents.Incident {
	countries := []string{"SY", "IQ", "FJ", "UA", "YE"}
	start := time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC)
	out := make([]incidents.Incident, n)
	for i := range out {
		lat := -40 + float64(i*37%800)/10
		lon := -170 + float64(i*53%3400)/10
		switch i % 10 {
		case 0:
			lat, lon = -17.5, 178.5+float64(i%10)/20
		case 1:
			lat, lon = -16.5, -179.5+float64(i%7)/20
		}
		fat := i % 13
		in := incidents.Incident{
			SourceID:     fmt.Sprintf("syn-%05d", i),
			Date:         start.AddDate(0, 0, i*7%366).Format(geo.DateLayout),
			EventType:    incidents.EventTypes[i%len(incidents.EventTypes)],
			SubEventType: "Sub type " + fmt.Sprint(i%4),
			Actor1:       fmt.Sprintf("Actor %d", i%9),
			Fatalities:   &fat,
			Place:        fmt.Sprintf("Place %d", i%50),
			Country:      countries[i%len(countries)],
			Lat:          &lat,
			Lon:          &lon,
			GeoPrecision: 1 + i%3,
			Notes:        fmt.Sprintf("Synthetic incident number %d near <b>place</b> & co", i),
		}
		if i%3 == 0 {
			inj := i % 5
			in.Injuries = &inj
			in.Actor2 = "Civilians"
			in.Tags = []string{"tag-a", fmt.Sprintf("t%d", i%4)}
			in.Sources = []string{"Reuters", "https://example.org/" + fmt.Sprint(i)}
		}
		out[i] = in
	}
	return out
}

// newOGCFixture starts a real server (loopback TCP) over n synthetic
// incidents and a five-place gazetteer.
func newOGCFixture(t testing.TB, n int) *ogcFixture {
	t.Helper()
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "ogc.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	items := ogcSynthetic(n)
	res, err := store.Import(ctx, incidents.NewSliceDecoder(items), incidents.ImportOptions{Atomic: true})
	if err != nil || res.Inserted != n {
		t.Fatalf("import: got %+v, %v, want %d inserted", res, err, n)
	}
	gz := gazetteer.New()
	if err := gz.Load(ctx, "sample.txt", strings.NewReader(ogcSamplePlaces)); err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(web.Config{Store: store, Gazetteer: gz, Version: "ogc-test"})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &ogcFixture{ts: ts, srv: srv, store: store, items: items}
}

// get fetches a URL (absolute or relative to the server) with optional
// Accept header and returns the response and its body.
func (fx *ogcFixture) get(t testing.TB, u string, accept ...string) (*http.Response, []byte) {
	t.Helper()
	if strings.HasPrefix(u, "/") {
		u = fx.ts.URL + u
	}
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(accept) > 0 {
		req.Header.Set("Accept", accept[0])
	}
	resp, err := fx.ts.Client().Do(req)
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

// getJSON fetches u, wants status and media type, and decodes the body.
func (fx *ogcFixture) getJSON(t testing.TB, u string, status int, mediaType string, v any) {
	t.Helper()
	resp, b := fx.get(t, u)
	if resp.StatusCode != status {
		t.Fatalf("GET %s: got status %d, want %d; body %s", u, resp.StatusCode, status, b)
	}
	if got := resp.Header.Get("Content-Type"); !strings.HasPrefix(got, mediaType) {
		t.Fatalf("GET %s: got Content-Type %q, want %q", u, got, mediaType)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("GET %s: %v in %.300s", u, err, b)
	}
}

type ogcLink struct {
	Href, Rel, Type, Title string
}

type ogcFeature struct {
	ID       json.Number `json:"id"`
	Type     string      `json:"type"`
	Geometry struct {
		Type        string
		Coordinates []float64
	}
	Properties map[string]any `json:"properties"`
	Links      []ogcLink      `json:"links"`
}

type ogcItems struct {
	Type           string       `json:"type"`
	Features       []ogcFeature `json:"features"`
	NumberMatched  int          `json:"numberMatched"`
	NumberReturned int          `json:"numberReturned"`
	TimeStamp      string       `json:"timeStamp"`
	Links          []ogcLink    `json:"links"`
}

// linkTo returns the href of the first link with rel (and type, when
// given), or "".
func linkTo(links []ogcLink, rel string, typ ...string) string {
	for _, l := range links {
		if l.Rel == rel && (len(typ) == 0 || l.Type == typ[0]) {
			return l.Href
		}
	}
	return ""
}

// sourceIDs returns the source_id property of every feature.
func sourceIDs(fs []ogcFeature) []string {
	ids := make([]string, len(fs))
	for i, f := range fs {
		ids[i], _ = f.Properties["source_id"].(string)
	}
	return ids
}

// walk follows next links from u and returns every feature's source_id,
// failing on a repeated one.
func (fx *ogcFixture) walk(t *testing.T, u string) (ids []string, matched int) {
	t.Helper()
	seen := map[string]bool{}
	for pages := 0; u != ""; pages++ {
		if pages > 1000 {
			t.Fatal("more than 1000 pages: next links loop")
		}
		var page ogcItems
		fx.getJSON(t, u, 200, "application/geo+json", &page)
		if pages == 0 {
			matched = page.NumberMatched
		}
		if page.NumberReturned != len(page.Features) {
			t.Fatalf("numberReturned: got %d, want %d (features)", page.NumberReturned, len(page.Features))
		}
		for _, id := range sourceIDs(page.Features) {
			if seen[id] {
				t.Fatalf("feature %s returned twice", id)
			}
			seen[id] = true
			ids = append(ids, id)
		}
		u = linkTo(page.Links, "next", "application/geo+json")
	}
	return ids, matched
}

// expect returns the source ids of the generated incidents that keep
// reports true for, sorted.
func (fx *ogcFixture) expect(keep func(in incidents.Incident) bool) []string {
	var ids []string
	for _, in := range fx.items {
		if keep(in) {
			ids = append(ids, in.SourceID)
		}
	}
	slices.Sort(ids)
	return ids
}

func sorted(ids []string) []string {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	return ids
}

// wantError checks a JSON error response of the contract.
func (fx *ogcFixture) wantError(t *testing.T, u string, status int, field string) {
	t.Helper()
	var body struct{ Error, Field string }
	fx.getJSON(t, u, status, "application/json", &body)
	if body.Error == "" || body.Field != field {
		t.Errorf("GET %s: got error %q field %q, want an error with field %q", u, body.Error, body.Field, field)
	}
}

func TestOGCLandingPage(t *testing.T) {
	t.Parallel()
	fx := newOGCFixture(t, 20)
	var lp struct {
		Title string
		Links []ogcLink
	}
	fx.getJSON(t, "/ogc", 200, "application/json", &lp)
	want := []struct{ rel, typ, path string }{
		{"self", "application/json", "/ogc"},
		{"alternate", "text/html", "/ogc"},
		{"service-desc", "application/vnd.oai.openapi+json;version=3.0", "/ogc/api"},
		{"service-doc", "text/html", "/ogc/api"},
		{"conformance", "application/json", "/ogc/conformance"},
		{"data", "application/json", "/ogc/collections"},
	}
	for _, w := range want {
		t.Run(w.rel, func(t *testing.T) {
			href := linkTo(lp.Links, w.rel, w.typ)
			if href == "" {
				t.Fatalf("got no %s link of type %s in %+v", w.rel, w.typ, lp.Links)
			}
			u, err := url.Parse(href)
			if err != nil || u.Path != w.path || !u.IsAbs() {
				t.Fatalf("got href %q, want an absolute URL to %s", href, w.path)
			}
			resp, _ := fx.get(t, href)
			if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), w.typ) {
				t.Errorf("GET %s: got %d %s, want 200 %s", href, resp.StatusCode, resp.Header.Get("Content-Type"), w.typ)
			}
		})
	}
}

func TestOGCContentNegotiation(t *testing.T) {
	t.Parallel()
	fx := newOGCFixture(t, 20)
	tests := []struct {
		path, accept, want string
	}{
		{"/ogc", "", "application/json"},
		{"/ogc", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"},
		{"/ogc", "application/json", "application/json"},
		{"/ogc?f=html", "application/json", "text/html"},
		{"/ogc?f=json", "text/html", "application/json"},
		{"/ogc/conformance?f=html", "", "text/html"},
		{"/ogc/collections?f=html", "", "text/html"},
		{"/ogc/collections/incidents?f=html", "", "text/html"},
		{"/ogc/collections/incidents/items", "text/html", "text/html"},
		{"/ogc/collections/incidents/items", "application/geo+json, application/json", "application/geo+json"},
		{"/ogc/collections/incidents/items/1?f=html", "", "text/html"},
		{"/ogc/collections/places/items?f=html", "", "text/html"},
		{"/ogc/collections/places/items/170063?f=html", "", "text/html"},
		{"/ogc/api", "", "application/vnd.oai.openapi+json;version=3.0"},
		{"/ogc/api", "application/vnd.oai.openapi+json;version=3.0, application/openapi+json;version=3.0, application/json", "application/vnd.oai.openapi+json;version=3.0"},
		{"/ogc/api", "text/html", "text/html"},
		{"/ogc/api?f=html", "", "text/html"},
	}
	for _, tt := range tests {
		t.Run(tt.path+" "+tt.accept, func(t *testing.T) {
			resp, body := fx.get(t, tt.path, tt.accept)
			if got := resp.Header.Get("Content-Type"); resp.StatusCode != 200 || !strings.HasPrefix(got, tt.want) {
				t.Fatalf("got %d %q, want 200 %q", resp.StatusCode, got, tt.want)
			}
			if vary := strings.Join(resp.Header.Values("Vary"), ","); !strings.Contains(vary, "Accept") {
				t.Errorf("Vary: got %q, want it to name Accept", vary)
			}
			if tt.want == "text/html" {
				s := string(body)
				if !strings.Contains(s, "<html") || strings.Contains(strings.ToLower(s), "<script") {
					t.Errorf("got an HTML page without <html or with <script: %.200s", s)
				}
				if strings.Contains(s, "<b>place</b>") {
					t.Error("got unescaped incident notes in the HTML page")
				}
			}
		})
	}
	fx.wantError(t, "/ogc?f=xml", 400, "f")
}

func TestOGCConformance(t *testing.T) {
	t.Parallel()
	fx := newOGCFixture(t, 1)
	var conf struct{ ConformsTo []string }
	fx.getJSON(t, "/ogc/conformance", 200, "application/json", &conf)
	for _, c := range []string{"core", "geojson", "html", "oas30"} {
		want := "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/" + c
		if !slices.Contains(conf.ConformsTo, want) {
			t.Errorf("got conformsTo %v, want it to hold %s", conf.ConformsTo, want)
		}
	}
}

type ogcCollection struct {
	ID       string
	ItemType string
	CRS      []string
	Extent   struct {
		Spatial struct {
			BBox [][]float64
			CRS  string
		}
		Temporal struct {
			Interval [][]*string
		}
	}
	Links []ogcLink
}

func TestOGCCollectionMetadata(t *testing.T) {
	t.Parallel()
	fx := newOGCFixture(t, 60)
	var cols struct {
		Collections []ogcCollection
		Links       []ogcLink
	}
	fx.getJSON(t, "/ogc/collections", 200, "application/json", &cols)
	var ids []string
	for _, c := range cols.Collections {
		ids = append(ids, c.ID)
	}
	if !slices.Equal(ids, []string{"incidents", "places"}) {
		t.Fatalf("got collections %v, want [incidents places]", ids)
	}
	var c ogcCollection
	fx.getJSON(t, "/ogc/collections/incidents", 200, "application/json", &c)
	minLon, minLat, maxLon, maxLat := 180.0, 90.0, -180.0, -90.0
	minDate, maxDate := "9999", "0000"
	for _, in := range fx.items {
		minLon, maxLon = min(minLon, *in.Lon), max(maxLon, *in.Lon)
		minLat, maxLat = min(minLat, *in.Lat), max(maxLat, *in.Lat)
		minDate, maxDate = min(minDate, in.Date), max(maxDate, in.Date)
	}
	wantBBox := []float64{minLon, minLat, maxLon, maxLat}
	if len(c.Extent.Spatial.BBox) != 1 || !slices.Equal(c.Extent.Spatial.BBox[0], wantBBox) {
		t.Errorf("spatial extent: got %v, want [%v]", c.Extent.Spatial.BBox, wantBBox)
	}
	if c.Extent.Spatial.CRS != "http://www.opengis.net/def/crs/OGC/1.3/CRS84" {
		t.Errorf("spatial crs: got %q, want CRS84", c.Extent.Spatial.CRS)
	}
	iv := c.Extent.Temporal.Interval
	if len(iv) != 1 || len(iv[0]) != 2 || iv[0][0] == nil || iv[0][1] == nil ||
		*iv[0][0] != minDate+"T00:00:00Z" || *iv[0][1] != maxDate+"T23:59:59Z" {
		t.Errorf("temporal extent: got %v, want [[%sT00:00:00Z %sT23:59:59Z]]", iv, minDate, maxDate)
	}
	if c.ItemType != "feature" {
		t.Errorf("itemType: got %q, want feature", c.ItemType)
	}
	items := linkTo(c.Links, "items", "application/geo+json")
	if u, _ := url.Parse(items); u == nil || u.Path != "/ogc/collections/incidents/items" {
		t.Errorf("items link: got %q, want /ogc/collections/incidents/items", items)
	}
	var schema map[string]any
	fx.getJSON(t, linkTo(c.Links, "describedby"), 200, "application/schema+json", &schema)
}

func TestOGCItemsPaging(t *testing.T) {
	t.Parallel()
	fx := newOGCFixture(t, 95)
	ids, matched := fx.walk(t, "/ogc/collections/incidents/items?limit=7")
	if matched != len(fx.items) || len(ids) != len(fx.items) {
		t.Fatalf("got %d features of numberMatched %d, want %d", len(ids), matched, len(fx.items))
	}
	if got, want := sorted(ids), fx.expect(func(incidents.Incident) bool { return true }); !slices.Equal(got, want) {
		t.Fatalf("got features %v, want %v", got, want)
	}

	t.Run("default limit", func(t *testing.T) {
		var page ogcItems
		fx.getJSON(t, "/ogc/collections/incidents/items", 200, "application/geo+json", &page)
		if page.NumberReturned != 95 || page.NumberMatched != 95 || linkTo(page.Links, "next") != "" {
			t.Errorf("got %d of %d with next %q, want all 95 on one page of the default 100", page.NumberReturned, page.NumberMatched, linkTo(page.Links, "next"))
		}
		if _, err := time.Parse(time.RFC3339, page.TimeStamp); err != nil {
			t.Errorf("timeStamp: got %q, want RFC 3339", page.TimeStamp)
		}
	})

	t.Run("prev retraces next", func(t *testing.T) {
		u := "/ogc/collections/incidents/items?limit=10&event_type=Battles,Riots"
		var pages [][]string
		var links [][]ogcLink
		for u != "" {
			var page ogcItems
			fx.getJSON(t, u, 200, "application/geo+json", &page)
			pages = append(pages, sourceIDs(page.Features))
			links = append(links, page.Links)
			u = linkTo(page.Links, "next")
		}
		if len(pages) < 3 {
			t.Fatalf("got %d pages, want at least 3", len(pages))
		}
		if p := linkTo(links[0], "prev"); p != "" {
			t.Errorf("first page: got prev link %q, want none", p)
		}
		for i := len(pages) - 1; i > 0; i-- {
			var prev ogcItems
			fx.getJSON(t, linkTo(links[i], "prev"), 200, "application/geo+json", &prev)
			if got := sourceIDs(prev.Features); !slices.Equal(got, pages[i-1]) {
				t.Errorf("prev of page %d: got %v, want %v", i, got, pages[i-1])
			}
		}
	})
}

func TestOGCItemsDatetime(t *testing.T) {
	t.Parallel()
	fx := newOGCFixture(t, 200)
	between := func(from, to string) func(in incidents.Incident) bool {
		return func(in incidents.Incident) bool {
			return (from == "" || in.Date >= from) && (to == "" || in.Date <= to)
		}
	}
	tests := []struct {
		name, datetime string
		keep           func(in incidents.Incident) bool
	}{
		{"instant", "2016-01-08", between("2016-01-08", "2016-01-08")},
		{"instant with time", "2016-01-08T10:30:00Z", between("2016-01-08", "2016-01-08")},
		{"closed", "2016-03-01/2016-05-31", between("2016-03-01", "2016-05-31")},
		{"closed with times", "2016-03-01T00:00:00Z/2016-05-31T23:59:59Z", between("2016-03-01", "2016-05-31")},
		{"open start", "../2016-02-15", between("", "2016-02-15")},
		{"open end", "2016-11-20/..", between("2016-11-20", "")},
		{"empty start", "/2016-02-15", between("", "2016-02-15")},
		{"empty end", "2016-11-20/", between("2016-11-20", "")},
		{"GDAL date form", "2016-03-01T/2016-05-31T", between("2016-03-01", "2016-05-31")},
		{"nothing", "2015-01-01/2015-12-31", between("2015-01-01", "2015-12-31")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ids, matched := fx.walk(t, "/ogc/collections/incidents/items?limit=80&datetime="+url.QueryEscape(tt.datetime))
			want := fx.expect(tt.keep)
			if got := sorted(ids); !slices.Equal(got, want) || matched != len(want) {
				t.Errorf("got %d features (numberMatched %d), want %d: %v", len(got), matched, len(want), want)
			}
		})
	}
	for _, bad := range []string{"2016-13-01", "../..", "2016-05-01/2016-04-01", "yesterday", "2016-01-01/2016-02-01/2016-03-01"} {
		t.Run("bad "+bad, func(t *testing.T) {
			fx.wantError(t, "/ogc/collections/incidents/items?datetime="+url.QueryEscape(bad), 400, "datetime")
		})
	}
	fx.wantError(t, "/ogc/collections/incidents/items?datetime=2016-01-01&from=2016-01-01", 400, "datetime")
}

func TestOGCItemsBBox(t *testing.T) {
	t.Parallel()
	fx := newOGCFixture(t, 200)
	within := func(b geo.BBox) func(in incidents.Incident) bool {
		return func(in incidents.Incident) bool { return b.Contains(*in.Lon, *in.Lat) }
	}
	tests := []struct {
		name, bbox string
		box        geo.BBox
	}{
		{"box", "0,0,40,40", geo.BBox{MinLon: 0, MinLat: 0, MaxLon: 40, MaxLat: 40}},
		{"antimeridian", "170,-20,-170,-10", geo.BBox{MinLon: 170, MinLat: -20, MaxLon: -170, MaxLat: -10}},
		{"west of antimeridian only", "170,-20,180,-10", geo.BBox{MinLon: 170, MinLat: -20, MaxLon: 180, MaxLat: -10}},
		{"with heights", "0,0,-100,40,40,100", geo.BBox{MinLon: 0, MinLat: 0, MaxLon: 40, MaxLat: 40}},
		{"world", "-180,-90,180,90", geo.World},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ids, matched := fx.walk(t, "/ogc/collections/incidents/items?limit=60&bbox="+tt.bbox)
			want := fx.expect(within(tt.box))
			if len(want) == 0 {
				t.Fatal("the fixture has nothing in the box: the test proves nothing")
			}
			if got := sorted(ids); !slices.Equal(got, want) || matched != len(want) {
				t.Errorf("got %d features (numberMatched %d), want %d", len(got), matched, len(want))
			}
		})
	}
	for _, bad := range []string{"1,2,3", "a,b,c,d", "0,50,10,40", "0,0,200,10", "1,2,3,4,5"} {
		t.Run("bad "+bad, func(t *testing.T) {
			fx.wantError(t, "/ogc/collections/incidents/items?bbox="+bad, 400, "bbox")
		})
	}
}

func TestOGCItemsPropertyFilters(t *testing.T) {
	t.Parallel()
	fx := newOGCFixture(t, 120)
	tests := []struct {
		query string
		keep  func(in incidents.Incident) bool
	}{
		{"event_type=Battles", func(in incidents.Incident) bool { return in.EventType == "Battles" }},
		{"event_type=Battles,Protests", func(in incidents.Incident) bool { return in.EventType == "Battles" || in.EventType == "Protests" }},
		{"country=fj", func(in incidents.Incident) bool { return in.Country == "FJ" }},
		{"actor=civilians", func(in incidents.Incident) bool { return in.Actor2 == "Civilians" }},
		{"min_fatalities=10", func(in incidents.Incident) bool { return *in.Fatalities >= 10 }},
		{"from=2016-06-01&to=2016-06-30", func(in incidents.Incident) bool { return in.Date >= "2016-06-01" && in.Date <= "2016-06-30" }},
		{"q=number+77", func(in incidents.Incident) bool { return in.SourceID == "syn-00077" }},
		{"bbox=0,0,40,40&bbox-crs=http://www.opengis.net/def/crs/OGC/1.3/CRS84&crs=[OGC:CRS84]", func(in incidents.Incident) bool {
			return *in.Lon >= 0 && *in.Lon <= 40 && *in.Lat >= 0 && *in.Lat <= 40
		}},
		{"country=SY&event_type=Riots&datetime=../2016-06-30", func(in incidents.Incident) bool {
			return in.Country == "SY" && in.EventType == "Riots" && in.Date <= "2016-06-30"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			ids, _ := fx.walk(t, "/ogc/collections/incidents/items?limit=25&"+tt.query)
			want := fx.expect(tt.keep)
			if len(want) == 0 {
				t.Fatal("the fixture has no match: the test proves nothing")
			}
			if got := sorted(ids); !slices.Equal(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
	fx.wantError(t, "/ogc/collections/incidents/items?country=Syria", 400, "country")
	fx.wantError(t, "/ogc/collections/incidents/items?bbox=0,0,1,1&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/32637", 400, "bbox-crs")
	fx.wantError(t, "/ogc/collections/incidents/items?crs=http://www.opengis.net/def/crs/EPSG/0/32637", 400, "crs")
	fx.wantError(t, "/ogc/collections/places/items?crs=EPSG:3857", 400, "crs")
	fx.wantError(t, "/ogc/collections/incidents/items/1?crs=EPSG:32637", 400, "crs")
	fx.wantError(t, "/ogc/collections/incidents/items?min_fatalities=-1", 400, "min_fatalities")
}

func TestOGCItemsLimit(t *testing.T) {
	t.Parallel()
	fx := newOGCFixture(t, 30)
	for _, bad := range []string{"0", "-1", "abc", "1.5", "", "10&limit=20"} {
		t.Run("bad "+bad, func(t *testing.T) {
			fx.wantError(t, "/ogc/collections/incidents/items?limit="+bad, 400, "limit")
			fx.wantError(t, "/ogc/collections/places/items?limit="+bad, 400, "limit")
		})
	}
	tests := []struct {
		limit    string
		returned int
	}{
		{"1", 1}, {"29", 29}, {"10000", 30}, {"10001", 30}, {"99999999", 30},
	}
	for _, tt := range tests {
		t.Run(tt.limit, func(t *testing.T) {
			var page ogcItems
			fx.getJSON(t, "/ogc/collections/incidents/items?limit="+tt.limit, 200, "application/geo+json", &page)
			if page.NumberReturned != tt.returned || len(page.Features) != tt.returned {
				t.Errorf("got %d features, want %d", len(page.Features), tt.returned)
			}
		})
	}
}

func TestOGCUnknownParameter(t *testing.T) {
	t.Parallel()
	fx := newOGCFixture(t, 5)
	for _, u := range []string{
		"/ogc?foo=1",
		"/ogc/conformance?foo=1",
		"/ogc/api?foo=1",
		"/ogc/collections?foo=1",
		"/ogc/collections/incidents?foo=1",
		"/ogc/collections/incidents/items?foo=1",
		"/ogc/collections/incidents/items/1?foo=1",
		"/ogc/collections/places?foo=1",
		"/ogc/collections/places/items?event_type=Battles",
		"/ogc/collections/places/items/170063?foo=1",
	} {
		t.Run(u, func(t *testing.T) {
			var body struct{ Error, Field string }
			fx.getJSON(t, u, 400, "application/json", &body)
			if !strings.Contains(body.Error, "unknown parameter") || body.Field == "" {
				t.Errorf("got %+v, want an unknown parameter error naming the parameter", body)
			}
		})
	}
}

func TestOGCItemByID(t *testing.T) {
	t.Parallel()
	fx := newOGCFixture(t, 12)
	var page ogcItems
	fx.getJSON(t, "/ogc/collections/incidents/items?limit=1", 200, "application/geo+json", &page)
	first := page.Features[0]
	var f ogcFeature
	fx.getJSON(t, "/ogc/collections/incidents/items/"+first.ID.String(), 200, "application/geo+json", &f)
	if f.Type != "Feature" || f.ID != first.ID || f.Properties["source_id"] != first.Properties["source_id"] {
		t.Fatalf("got feature %s %v, want %s %v", f.ID, f.Properties["source_id"], first.ID, first.Properties["source_id"])
	}
	if f.Geometry.Type != "Point" || !slices.Equal(f.Geometry.Coordinates, first.Geometry.Coordinates) {
		t.Errorf("geometry: got %v, want %v", f.Geometry, first.Geometry)
	}
	for _, rel := range []string{"self", "alternate", "collection"} {
		if linkTo(f.Links, rel) == "" {
			t.Errorf("got no %s link in %+v", rel, f.Links)
		}
	}
}

func TestOGCNotFound(t *testing.T) {
	t.Parallel()
	fx := newOGCFixture(t, 3)
	for _, u := range []string{
		"/ogc/collections/nope",
		"/ogc/collections/nope/items",
		"/ogc/collections/incidents/items/999999",
		"/ogc/collections/incidents/items/0",
		"/ogc/collections/incidents/items/abc",
		"/ogc/collections/places/items/1",
		"/ogc/collections/places/items/x",
	} {
		t.Run(u, func(t *testing.T) {
			var body struct{ Error string }
			fx.getJSON(t, u, 404, "application/json", &body)
			if body.Error == "" {
				t.Error("got an error body without error")
			}
		})
	}
}

func TestOGCPlaces(t *testing.T) {
	t.Parallel()
	fx := newOGCFixture(t, 1)
	var c ogcCollection
	fx.getJSON(t, "/ogc/collections/places", 200, "application/json", &c)
	if c.ID != "places" || linkTo(c.Links, "items", "application/geo+json") == "" {
		t.Fatalf("got collection %+v, want places with an items link", c)
	}
	names := func(u string) ([]string, int) {
		var page ogcItems
		fx.getJSON(t, u, 200, "application/geo+json", &page)
		var ns []string
		for _, f := range page.Features {
			ns = append(ns, f.Properties["name"].(string))
		}
		return ns, page.NumberMatched
	}
	tests := []struct {
		query string
		want  []string
	}{
		{"", []string{"Ar Raqqah", "Homs", "Aleppo", "Suva", "Apia"}}, // by geoname id
		{"bbox=36,34,40,37", []string{"Ar Raqqah", "Homs", "Aleppo"}},
		{"bbox=36.9,35,40,37", []string{"Ar Raqqah", "Aleppo"}},
		{"bbox=170,-20,-170,-10", []string{"Suva", "Apia"}},
		{"name=Raqqa", []string{"Ar Raqqah"}},
		{"name=halab&bbox=30,30,40,40", []string{"Aleppo"}},
		{"name=halab&bbox=0,0,10,10", nil},
		{"name=Nowhere", nil},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			got, matched := names("/ogc/collections/places/items?" + tt.query)
			if !slices.Equal(got, tt.want) || matched != len(tt.want) {
				t.Errorf("got %v (numberMatched %d), want %v", got, matched, tt.want)
			}
		})
	}
	t.Run("paging", func(t *testing.T) {
		var all []string
		u := "/ogc/collections/places/items?limit=2"
		for u != "" {
			var page ogcItems
			fx.getJSON(t, u, 200, "application/geo+json", &page)
			for _, f := range page.Features {
				all = append(all, f.Properties["name"].(string))
			}
			u = linkTo(page.Links, "next")
			if len(all) > 10 {
				t.Fatal("next links loop")
			}
		}
		if want := tests[0].want; !slices.Equal(all, want) {
			t.Errorf("got %v, want %v", all, want)
		}
		var page ogcItems
		fx.getJSON(t, "/ogc/collections/places/items?limit=2&offset=4", 200, "application/geo+json", &page)
		if got, _ := names(linkTo(page.Links, "prev")); !slices.Equal(got, []string{"Aleppo", "Suva"}) {
			t.Errorf("prev page: got %v, want [Aleppo Suva]", got)
		}
	})
	t.Run("item", func(t *testing.T) {
		var f ogcFeature
		fx.getJSON(t, "/ogc/collections/places/items/170063", 200, "application/geo+json", &f)
		if f.ID.String() != "170063" || f.Properties["name"] != "Aleppo" || !slices.Equal(f.Geometry.Coordinates, []float64{37.16117, 36.20124}) {
			t.Errorf("got %s %v %v, want 170063 Aleppo [37.16117 36.20124]", f.ID, f.Properties["name"], f.Geometry.Coordinates)
		}
	})
	fx.wantError(t, "/ogc/collections/places/items?offset=-1", 400, "offset")
	fx.wantError(t, "/ogc/collections/places/items?bbox=1,2", 400, "bbox")
}
