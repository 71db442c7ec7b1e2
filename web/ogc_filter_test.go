package web_test

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mapd/mapd/incidents"
)

func TestOGCQueryables(t *testing.T) {
	t.Parallel()
	fx := newOGCFixture(t, 10)
	var q struct {
		Schema     string                    `json:"$schema"`
		ID         string                    `json:"$id"`
		Type       string                    `json:"type"`
		Properties map[string]map[string]any `json:"properties"`
	}
	fx.getJSON(t, "/ogc/collections/incidents/queryables", 200, "application/schema+json", &q)
	if q.Type != "object" || !strings.HasSuffix(q.ID, "/ogc/collections/incidents/queryables") || !strings.Contains(q.Schema, "2019-09") {
		t.Errorf("got type %q, $id %q, $schema %q", q.Type, q.ID, q.Schema)
	}
	for name := range incidents.Queryables {
		if q.Properties[name] == nil {
			t.Errorf("queryable %s is missing", name)
		}
	}
	if len(q.Properties) != len(incidents.Queryables) {
		t.Errorf("got %d queryables, want %d", len(q.Properties), len(incidents.Queryables))
	}
	if got := q.Properties["date"]["format"]; got != "date" {
		t.Errorf("date: got format %v, want date", got)
	}
	var col struct{ Links []ogcLink }
	fx.getJSON(t, "/ogc/collections/incidents", 200, "application/json", &col)
	if linkTo(col.Links, "http://www.opengis.net/def/rel/ogc/1.0/queryables") == "" {
		t.Error("the collection has no queryables link")
	}
	var conf struct{ ConformsTo []string }
	fx.getJSON(t, "/ogc/conformance", 200, "application/json", &conf)
	for _, c := range []string{"ogcapi-features-3/1.0/conf/filter", "ogcapi-features-3/1.0/conf/queryables", "cql2/1.0/conf/cql2-text", "cql2/1.0/conf/cql2-json", "ogcapi-features-2/1.0/conf/crs"} {
		if !slices.ContainsFunc(conf.ConformsTo, func(s string) bool { return strings.HasSuffix(s, c) }) {
			t.Errorf("conformance: %s is missing", c)
		}
	}
}

func TestOGCFilter(t *testing.T) {
	t.Parallel()
	fx := newOGCFixture(t, 300)
	tests := []struct {
		lang, filter string
		keep         func(in incidents.Incident) bool
	}{
		{"", "event_type = 'Battles' AND fatalities >= 6", func(in incidents.Incident) bool { return in.EventType == "Battles" && *in.Fatalities >= 6 }},
		{"", "country IN ('SY', 'FJ') AND NOT place LIKE 'Place 1%'", func(in incidents.Incident) bool {
			return (in.Country == "SY" || in.Country == "FJ") && !strings.HasPrefix(in.Place, "Place 1")
		}},
		{"", "injuries IS NULL OR injuries BETWEEN 3 AND 4", func(in incidents.Incident) bool { return in.Injuries == nil || *in.Injuries >= 3 }},
		{"", "T_DURING(date, INTERVAL('2016-03-01', '2016-05-31'))", func(in incidents.Incident) bool { return in.Date > "2016-03-01" && in.Date < "2016-05-31" }},
		{"", "S_INTERSECTS(geometry, BBOX(170, -20, -170, -10))", func(in incidents.Incident) bool {
			return *in.Lat >= -20 && *in.Lat <= -10 && (*in.Lon >= 170 || *in.Lon <= -170)
		}},
		{"", "S_INTERSECTS(geometry, POLYGON((0 0, 60 0, 0 40, 0 0)))", func(in incidents.Incident) bool {
			return *in.Lon >= 0 && *in.Lat >= 0 && *in.Lat <= 40-*in.Lon*40/60
		}},
		{"cql2-json", `{"op":"and","args":[{"op":"=","args":[{"property":"country"},"UA"]},{"op":"<","args":[{"property":"date"},{"date":"2016-07-01"}]}]}`,
			func(in incidents.Incident) bool { return in.Country == "UA" && in.Date < "2016-07-01" }},
	}
	for _, tt := range tests {
		t.Run(tt.filter, func(t *testing.T) {
			v := url.Values{"filter": {tt.filter}, "limit": {"17"}}
			if tt.lang != "" {
				v.Set("filter-lang", tt.lang)
			}
			want := fx.expect(tt.keep)
			if len(want) == 0 {
				t.Fatal("the fixture has no match: the test proves nothing")
			}
			ids, matched := fx.walk(t, "/ogc/collections/incidents/items?"+v.Encode())
			if got := sorted(ids); !slices.Equal(got, want) || matched != len(want) {
				t.Errorf("got %d (matched %d), want %d: %v", len(got), matched, len(want), got)
			}
			// The same filter= on the map's API.
			v.Del("limit")
			var api ogcItems
			fx.getJSON(t, "/api/incidents?limit=10000&"+v.Encode(), 200, "application/geo+json", &api)
			if got := sorted(sourceIDs(api.Features)); !slices.Equal(got, want) {
				t.Errorf("/api/incidents: got %d, want %d", len(got), len(want))
			}
			var st struct{ Count int }
			fx.getJSON(t, "/api/stats?"+v.Encode(), 200, "application/json", &st)
			if st.Count != len(want) {
				t.Errorf("/api/stats: got count %d, want %d", st.Count, len(want))
			}
			resp, body := fx.get(t, "/api/export?format=ndjson&"+v.Encode())
			if n := strings.Count(string(body), "\n"); resp.StatusCode != 200 || n != len(want) {
				t.Errorf("/api/export: got status %d and %d lines, want %d", resp.StatusCode, n, len(want))
			}
		})
	}
}

func TestOGCFilterErrors(t *testing.T) {
	t.Parallel()
	fx := newOGCFixture(t, 10)
	tests := []struct {
		filter, lang string
		field, msg   string
	}{
		{"fatalities >", "", "filter", "at byte offset 12"},
		{"colour = 'red'", "", "filter", `unknown property "colour"`},
		{strings.Repeat("(", 10000) + "fatalities = 1" + strings.Repeat(")", 10000), "", "filter", "nests deeper than 64"},
		{"fatalities IN (" + strings.Repeat("1,", 1500) + "1)", "", "filter", "more than 1000 values"},
		{"{", "cql2-json", "filter", "at byte offset 1"},
		{"TRUE", "cql3", "filter-lang", "cql2-text"},
	}
	for _, tt := range tests {
		v := url.Values{"filter": {tt.filter}}
		if tt.lang != "" {
			v.Set("filter-lang", tt.lang)
		}
		for _, path := range []string{"/ogc/collections/incidents/items?", "/api/incidents?", "/tiles/incidents/3/4/3.mvt?"} {
			var body struct{ Error, Field string }
			fx.getJSON(t, path+v.Encode(), 400, "application/json", &body)
			if body.Field != tt.field || !strings.Contains(body.Error, tt.msg) {
				t.Errorf("%s%.40s: got %q on %q, want %q on %q", path, tt.filter, body.Error, body.Field, tt.msg, tt.field)
			}
		}
	}
	// A 1 MiB filter is refused by the filter's limit (cmd/mapd tests it
	// through the server mapd runs, whose request lines hold it).
	big := url.Values{"filter": {"place = '" + strings.Repeat("x", 1<<20) + "'"}}.Encode()
	rec := httptest.NewRecorder()
	start := time.Now()
	fx.srv.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/ogc/collections/incidents/items?"+big, nil))
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "longer than 1048576 bytes") {
		t.Errorf("1 MiB filter: got %d %s", rec.Code, rec.Body.String())
	}
	t.Logf("1 MiB filter refused in %v", time.Since(start))
}

func TestOGCSortBy(t *testing.T) {
	t.Parallel()
	fx := newOGCFixture(t, 200)
	for _, sortby := range []string{"-fatalities", "+date", "injuries,-date", "id"} {
		t.Run(sortby, func(t *testing.T) {
			u := "/ogc/collections/incidents/items?" + url.Values{"sortby": {sortby}, "limit": {"23"}, "filter": {"country <> 'YE'"}}.Encode()
			var got []ogcFeature
			for pages := 0; u != ""; pages++ {
				var page ogcItems
				fx.getJSON(t, u, 200, "application/geo+json", &page)
				got = append(got, page.Features...)
				u = linkTo(page.Links, "next", "application/geo+json")
			}
			want := len(fx.expect(func(in incidents.Incident) bool { return in.Country != "YE" }))
			if len(got) != want {
				t.Fatalf("got %d features, want %d", len(got), want)
			}
			num := func(f ogcFeature, k string) float64 {
				if v, ok := f.Properties[k].(float64); ok {
					return v
				}
				return -1
			}
			cmpKey := func(a, b ogcFeature, key string) int {
				desc := strings.HasPrefix(key, "-")
				key = strings.TrimLeft(key, "+-")
				var c int
				switch key {
				case "date":
					c = strings.Compare(a.Properties["date"].(string), b.Properties["date"].(string))
				case "id":
					x, _ := a.ID.Int64()
					y, _ := b.ID.Int64()
					c = int(x - y)
				default:
					c = int(num(a, key) - num(b, key))
				}
				if desc {
					return -c
				}
				return c
			}
			for i := 1; i < len(got); i++ {
				for _, key := range strings.Split(sortby, ",") {
					c := cmpKey(got[i-1], got[i], key)
					if c > 0 {
						t.Fatalf("features %d and %d are out of %s order", i-1, i, sortby)
					}
					if c < 0 {
						break
					}
				}
			}
		})
	}
	fx.wantError(t, "/ogc/collections/incidents/items?sortby=place", 400, "sortby")
}

func TestOGCPropertiesAndCRS(t *testing.T) {
	t.Parallel()
	fx := newOGCFixture(t, 60)
	var page ogcItems
	fx.getJSON(t, "/ogc/collections/incidents/items?properties=date,fatalities&limit=5", 200, "application/geo+json", &page)
	for _, f := range page.Features {
		keys := make([]string, 0, len(f.Properties))
		for k := range f.Properties {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if !slices.Equal(keys, []string{"date", "fatalities", "id"}) {
			t.Errorf("got properties %v, want date, fatalities, id", keys)
		}
	}
	fx.wantError(t, "/ogc/collections/incidents/items?properties=colour", 400, "properties")

	var base, lat, merc ogcItems
	resp, _ := fx.get(t, "/ogc/collections/incidents/items?limit=60")
	if got := resp.Header.Get("Content-Crs"); got != "<http://www.opengis.net/def/crs/OGC/1.3/CRS84>" {
		t.Errorf("Content-Crs: got %q", got)
	}
	fx.getJSON(t, "/ogc/collections/incidents/items?limit=60", 200, "application/geo+json", &base)
	resp, _ = fx.get(t, "/ogc/collections/incidents/items?limit=60&crs=http://www.opengis.net/def/crs/EPSG/0/4326")
	if got := resp.Header.Get("Content-Crs"); got != "<http://www.opengis.net/def/crs/EPSG/0/4326>" {
		t.Errorf("Content-Crs: got %q", got)
	}
	fx.getJSON(t, "/ogc/collections/incidents/items?limit=60&crs=http://www.opengis.net/def/crs/EPSG/0/4326", 200, "application/geo+json", &lat)
	fx.getJSON(t, "/ogc/collections/incidents/items?limit=60&crs=http://www.opengis.net/def/crs/EPSG/0/3857", 200, "application/geo+json", &merc)
	for i, f := range base.Features {
		lon, la := f.Geometry.Coordinates[0], f.Geometry.Coordinates[1]
		if c := lat.Features[i].Geometry.Coordinates; c[0] != la || c[1] != lon {
			t.Errorf("EPSG:4326: got %v, want [%v %v]", c, la, lon)
		}
		c := merc.Features[i].Geometry.Coordinates
		if x := 6378137 * lon * math.Pi / 180; math.Abs(c[0]-x) > 1e-6 {
			t.Errorf("EPSG:3857 x: got %v, want %v", c[0], x)
		}
		if y := 6378137 * math.Log(math.Tan(math.Pi/4+la*math.Pi/360)); math.Abs(c[1]-y) > 1e-6 {
			t.Errorf("EPSG:3857 y: got %v, want %v", c[1], y)
		}
	}
	// The same box in each CRS selects the same incidents.
	want := fx.expect(func(in incidents.Incident) bool {
		return *in.Lon >= 10 && *in.Lon <= 50 && *in.Lat >= -20 && *in.Lat <= 30
	})
	x0, y0 := 6378137*10*math.Pi/180, 6378137*math.Log(math.Tan(math.Pi/4-20*math.Pi/360))
	x1, y1 := 6378137*50*math.Pi/180, 6378137*math.Log(math.Tan(math.Pi/4+30*math.Pi/360))
	for _, q := range []string{
		"bbox=10,-20,50,30",
		"bbox=-20,10,30,50&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/4326",
		"bbox=" + strings.Join([]string{ftoa(x0 + 1e-6), ftoa(y0 + 1e-6), ftoa(x1 - 1e-6), ftoa(y1 - 1e-6)}, ",") + "&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/3857",
	} {
		ids, _ := fx.walk(t, "/ogc/collections/incidents/items?"+q)
		if got := sorted(ids); !slices.Equal(got, want) {
			t.Errorf("%s: got %d, want %d", q, len(got), len(want))
		}
	}
	var one ogcFeature
	fx.getJSON(t, "/ogc/collections/incidents/items/1?crs=EPSG:4326&properties=place", 200, "application/geo+json", &one)
	stored, _ := fx.store.Get(context.Background(), 1)
	if c := one.Geometry.Coordinates; c[0] != *stored.Lat || c[1] != *stored.Lon || len(one.Properties) != 2 {
		t.Errorf("one item: got %v %v, want [%v %v] and place, id", c, one.Properties, *stored.Lat, *stored.Lon)
	}
	var col struct {
		CRS        []string `json:"crs"`
		StorageCRS string   `json:"storageCrs"`
	}
	fx.getJSON(t, "/ogc/collections/incidents", 200, "application/json", &col)
	if len(col.CRS) != 3 || col.StorageCRS != "http://www.opengis.net/def/crs/OGC/1.3/CRS84" {
		t.Errorf("collection: got crs %v, storageCrs %q", col.CRS, col.StorageCRS)
	}
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// owslibPython returns a python3 that imports owslib (Debian's
// python3-owslib), or skips the test without one (fails in CI).
func owslibPython(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/python3", "python3"} {
		if path, err := exec.LookPath(p); err == nil && exec.Command(path, "-c", "import owslib.ogcapi.features").Run() == nil {
			return path
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("python3 with owslib is required in CI (env CI is set): apt-get install python3-owslib")
	}
	t.Skip("no python3 with owslib: apt-get install python3-owslib to check mapd with OWSLib")
	return ""
}

// owslibScript reads queryables, a filter, a sortby and a crs with
// OWSLib's OGC API - Features client and prints what it got as JSON.
const owslibScript = `
import json, sys
from owslib.ogcapi.features import Features
api = Features(sys.argv[1])
out = {}
out["queryables"] = sorted(api.collection_queryables("incidents")["properties"].keys())
r = api.collection_items("incidents", filter="event_type = 'Riots' AND fatalities > 3", limit=1000)
out["filter"] = sorted(f["properties"]["source_id"] for f in r["features"])
r = api.collection_items("incidents", sortby="-fatalities,date", limit=20)
out["sortby"] = [f["properties"]["fatalities"] for f in r["features"]]
r = api.collection_items("incidents", crs="http://www.opengis.net/def/crs/EPSG/0/4326", limit=3)
out["crs"] = [f["geometry"]["coordinates"] for f in r["features"]]
r = api.collection_items("incidents", limit=3)
out["crs84"] = [f["geometry"]["coordinates"] for f in r["features"]]
print(json.dumps(out))
`

func TestOGCWithOWSLib(t *testing.T) {
	t.Parallel()
	python := owslibPython(t)
	fx := newOGCFixture(t, 120)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, "-c", owslibScript, fx.ts.URL+"/ogc")
	cmd.Env = append(os.Environ(), "NO_PROXY=*", "no_proxy=*")
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("owslib: %v\n%s", err, stderr)
	}
	var got struct {
		Queryables []string
		Filter     []string
		SortBy     []float64
		CRS, CRS84 [][]float64
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v in %s", err, out)
	}
	if !slices.Contains(got.Queryables, "fatalities") || !slices.Contains(got.Queryables, "geometry") {
		t.Errorf("queryables: got %v", got.Queryables)
	}
	want := fx.expect(func(in incidents.Incident) bool { return in.EventType == "Riots" && *in.Fatalities > 3 })
	if len(want) == 0 || !slices.Equal(got.Filter, want) {
		t.Errorf("filter: got %v, want %v", got.Filter, want)
	}
	if len(got.SortBy) != 20 || !slices.IsSortedFunc(got.SortBy, func(a, b float64) int { return int(b - a) }) || got.SortBy[0] != 12 {
		t.Errorf("sortby: got %v, want 20 fatalities from 12 down", got.SortBy)
	}
	for i := range got.CRS84 {
		if got.CRS[i][0] != got.CRS84[i][1] || got.CRS[i][1] != got.CRS84[i][0] {
			t.Errorf("crs: got %v, want %v swapped", got.CRS[i], got.CRS84[i])
		}
	}
}

// TestOGCFilterWithGDAL reads the layer with -where and -spat through
// GDAL's OAPIF driver. GDAL 3.6 (Debian 12) sends -spat as bbox but
// evaluates -where itself ("Full filter will be evaluated on client
// side"): it recognises only the drafts' filter-lang cql-text; GDAL 3.7
// and later send CQL2. Either way the features must be the right ones.
func TestOGCFilterWithGDAL(t *testing.T) {
	t.Parallel()
	ogrinfo, _ := gdalTools(t)
	fx := newOGCFixture(t, 230)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	src := "OAPIF:" + fx.ts.URL + "/ogc"
	tests := []struct {
		name string
		args []string
		keep func(in incidents.Incident) bool
	}{
		{"where", []string{"-where", "event_type = 'Battles' AND fatalities >= 6"}, func(in incidents.Incident) bool {
			return in.EventType == "Battles" && *in.Fatalities >= 6
		}},
		{"where in", []string{"-where", "country IN ('SY', 'FJ') OR injuries IS NULL"}, func(in incidents.Incident) bool {
			return in.Country == "SY" || in.Country == "FJ" || in.Injuries == nil
		}},
		{"where and spat", []string{"-where", "fatalities < 3", "-spat", "-180", "-60", "0", "60"}, func(in incidents.Incident) bool {
			return *in.Fatalities < 3 && *in.Lon <= 0 && *in.Lat >= -60 && *in.Lat <= 60
		}},
	}
	for _, tt := range tests {
		args := append([]string{"-ro", "-al", "-oo", "PAGE_SIZE=50"}, tt.args...)
		out := runGDAL(t, ctx, ogrinfo, append(args, src, "incidents")...)
		want := fx.expect(tt.keep)
		var got []string
		for _, m := range regexp.MustCompile(`source_id \(String\) = (\S+)`).FindAllStringSubmatch(out, -1) {
			got = append(got, m[1])
		}
		if got := sorted(got); len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("%s: got %d features, want %d", tt.name, len(got), len(want))
		}
	}
}

// TestAPIFilterPages walks /api/incidents with filter= and sortby= through
// its next links, which must carry both.
func TestAPIFilterPages(t *testing.T) {
	t.Parallel()
	fx := newOGCFixture(t, 150)
	u := "/api/incidents?" + url.Values{"filter": {"fatalities > 2 AND S_INTERSECTS(geometry, BBOX(-180, -50, 180, 50))"}, "sortby": {"-fatalities"}, "limit": {"9"}}.Encode()
	var got []ogcFeature
	for pages := 0; u != ""; pages++ {
		if pages > 100 {
			t.Fatal("more than 100 pages")
		}
		var page ogcItems
		fx.getJSON(t, u, 200, "application/geo+json", &page)
		got = append(got, page.Features...)
		u = linkTo(page.Links, "next")
	}
	want := fx.expect(func(in incidents.Incident) bool { return *in.Fatalities > 2 && *in.Lat >= -50 && *in.Lat <= 50 })
	if ids := sorted(sourceIDs(got)); !slices.Equal(ids, want) {
		t.Fatalf("got %d incidents, want %d", len(ids), len(want))
	}
	for i := 1; i < len(got); i++ {
		if got[i-1].Properties["fatalities"].(float64) < got[i].Properties["fatalities"].(float64) {
			t.Fatalf("incidents %d and %d are not in -fatalities order", i-1, i)
		}
	}
}
