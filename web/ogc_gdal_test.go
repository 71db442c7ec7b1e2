package web_test

import (
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/mapd/mapd/incidents"
)

// gdalTools returns the paths of ogrinfo and ogr2ogr. Without them the
// test is skipped on a workstation and fails in CI (env CI set).
func gdalTools(t *testing.T) (ogrinfo, ogr2ogr string) {
	t.Helper()
	var err1, err2 error
	ogrinfo, err1 = exec.LookPath("ogrinfo")
	ogr2ogr, err2 = exec.LookPath("ogr2ogr")
	if err1 != nil || err2 != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("ogrinfo and ogr2ogr are required in CI (env CI is set): apt-get install gdal-bin")
		}
		t.Skip("ogrinfo or ogr2ogr not found: apt-get install gdal-bin to check mapd with GDAL's OGC API - Features client")
	}
	return ogrinfo, ogr2ogr
}

// runGDAL runs a GDAL tool against the test server, bypassing any proxy
// the environment names, and returns its standard output.
func runGDAL(t *testing.T, ctx context.Context, name string, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(ctx, name, args...)
	debug := "OFF"
	if os.Getenv("MAPD_GDAL_DEBUG") != "" {
		debug = "ON"
	}
	env := []string{"NO_PROXY=*", "no_proxy=*", "GDAL_HTTP_TIMEOUT=30", "CPL_DEBUG=" + debug}
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); !strings.Contains(strings.ToLower(k), "proxy") {
			env = append(env, kv)
		}
	}
	cmd.Env = env
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s\n%s", filepath.Base(name), strings.Join(args, " "), err, out, stderr.String())
	}
	if debug == "ON" {
		t.Logf("%s %s:\n%s\n%s", filepath.Base(name), strings.Join(args, " "), out, stderr.String())
	}
	if s := stderr.String(); strings.Contains(s, "ERROR") {
		t.Errorf("%s %s reported: %s", filepath.Base(name), strings.Join(args, " "), s)
	}
	return string(out)
}

// TestOGCWithGDAL reads mapd with GDAL's OAPIF driver, a third-party OGC
// API - Features client, over a real loopback listener: ogrinfo reports the
// feature count and ogr2ogr copies every incident with its attributes into
// a GeoPackage, which is read back with SQLite.
func TestOGCWithGDAL(t *testing.T) {
	t.Parallel()
	ogrinfo, ogr2ogr := gdalTools(t)
	const n = 230
	fx := newOGCFixture(t, n)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	src := "OAPIF:" + fx.ts.URL + "/ogc"

	out := runGDAL(t, ctx, ogrinfo, "-ro", "-so", src, "incidents")
	m := regexp.MustCompile(`Feature Count: (\d+)`).FindStringSubmatch(out)
	if m == nil || m[1] != "230" {
		t.Fatalf("ogrinfo: got %q, want Feature Count: %d in\n%s", m, n, out)
	}
	// admin1 is in no incident: only the collection's schema names it.
	for _, field := range []string{"date: Date", "fatalities: Integer", "event_type: String", "tags: StringList", "admin1: String"} {
		if !strings.Contains(out, field) {
			t.Errorf("ogrinfo: got no field %q in\n%s", field, out)
		}
	}

	// GDAL turns a date comparison into datetime=2016-06-01T/2016-06-30T
	// and a spatial filter into bbox; the counts must match the data.
	filters := []struct {
		name string
		args []string
		keep func(in incidents.Incident) bool
	}{
		{"date", []string{"-where", "date >= '2016-06-01' AND date <= '2016-06-30'"}, func(in incidents.Incident) bool {
			return in.Date >= "2016-06-01" && in.Date <= "2016-06-30"
		}},
		{"bbox", []string{"-spat", "0", "0", "40", "40"}, func(in incidents.Incident) bool {
			return *in.Lon >= 0 && *in.Lon <= 40 && *in.Lat >= 0 && *in.Lat <= 40
		}},
	}
	for _, f := range filters {
		args := append([]string{"-ro", "-so", "-oo", "PAGE_SIZE=100"}, f.args...)
		out := runGDAL(t, ctx, ogrinfo, append(args, src, "incidents")...)
		want := len(fx.expect(f.keep))
		if m := regexp.MustCompile(`Feature Count: (\d+)`).FindStringSubmatch(out); m == nil || m[1] != strconv.Itoa(want) {
			t.Errorf("ogrinfo with %s filter: got %q, want Feature Count: %d", f.name, m, want)
		}
	}

	gpkg := filepath.Join(t.TempDir(), "out.gpkg")
	runGDAL(t, ctx, ogr2ogr, "-f", "GPKG", "-oo", "PAGE_SIZE=100", gpkg, src, "incidents")

	db, err := sql.Open("sqlite", gpkg)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var count int
	if err := db.QueryRow("SELECT count(*) FROM incidents").Scan(&count); err != nil {
		t.Fatal(err)
	}
	if count != n {
		t.Fatalf("GeoPackage: got %d incidents, want %d", count, n)
	}
	rows, err := db.Query(`SELECT fid, id, source_id, CAST(date AS TEXT), event_type, sub_event_type, actor1, coalesce(actor2, ''), fatalities,
		injuries, place, country, geo_precision, notes, coalesce(tags, ''), coalesce(sources, ''), geom FROM incidents`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	bySource := map[string]int{}
	for i, in := range fx.items {
		bySource[in.SourceID] = i
	}
	seen := 0
	for rows.Next() {
		var (
			fid, id                                                        int64
			sourceID, date, eventType, sub, actor1, actor2, place, country string
			notes, tags, sources                                           string
			fatalities, geoPrecision                                       int
			injuries                                                       sql.NullInt64
			geom                                                           []byte
		)
		if err := rows.Scan(&fid, &id, &sourceID, &date, &eventType, &sub, &actor1, &actor2, &fatalities, &injuries,
			&place, &country, &geoPrecision, &notes, &tags, &sources, &geom); err != nil {
			t.Fatal(err)
		}
		i, ok := bySource[sourceID]
		if !ok {
			t.Fatalf("GeoPackage: got unknown source_id %q", sourceID)
		}
		seen++
		if stored, err := fx.store.Get(ctx, id); err != nil || stored.SourceID != sourceID {
			t.Errorf("row %d: got id %d for %s, want the id of %s (%v)", fid, id, sourceID, stored.SourceID, err)
		}
		in := fx.items[i]
		got := []any{date, eventType, sub, actor1, actor2, fatalities, place, country, geoPrecision, notes}
		want := []any{in.Date, in.EventType, in.SubEventType, in.Actor1, in.Actor2, *in.Fatalities, in.Place, in.Country, in.GeoPrecision, in.Notes}
		if !slices.Equal(got, want) {
			t.Errorf("%s: got %v, want %v", sourceID, got, want)
		}
		if (in.Injuries == nil) != !injuries.Valid || (in.Injuries != nil && int64(*in.Injuries) != injuries.Int64) {
			t.Errorf("%s: injuries: got %v, want %v", sourceID, injuries, in.Injuries)
		}
		if want := gdalList(in.Tags); tags != want {
			t.Errorf("%s: tags: got %q, want %q", sourceID, tags, want)
		}
		if want := gdalList(in.Sources); sources != want {
			t.Errorf("%s: sources: got %q, want %q", sourceID, sources, want)
		}
		lon, lat, err := gpkgPoint(geom)
		if err != nil || math.Abs(lon-*in.Lon) > 1e-9 || math.Abs(lat-*in.Lat) > 1e-9 {
			t.Errorf("%s: point: got %v %v (%v), want %v %v", sourceID, lon, lat, err, *in.Lon, *in.Lat)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if seen != n {
		t.Errorf("GeoPackage: got %d distinct rows, want %d", seen, n)
	}
}

// gdalList is how GDAL stores a string list in a GeoPackage: "(n:a,b)",
// or NULL when empty.
func gdalList(xs []string) string {
	if len(xs) == 0 {
		return ""
	}
	return fmt.Sprintf("(%d:%s)", len(xs), strings.Join(xs, ","))
}

// gpkgPoint decodes a GeoPackage point geometry: the "GP" header, an
// optional envelope, then a WKB point.
func gpkgPoint(b []byte) (lon, lat float64, err error) {
	bad := os.ErrInvalid
	if len(b) < 8 || b[0] != 'G' || b[1] != 'P' {
		return 0, 0, bad
	}
	envelope := [...]int{0, 32, 48, 48, 64}
	kind := int(b[3]>>1) & 7
	if kind >= len(envelope) {
		return 0, 0, bad
	}
	wkb := b[8+envelope[kind]:]
	if len(wkb) < 21 {
		return 0, 0, bad
	}
	var order binary.ByteOrder = binary.BigEndian
	if wkb[0] == 1 {
		order = binary.LittleEndian
	}
	if order.Uint32(wkb[1:5]) != 1 {
		return 0, 0, bad
	}
	return math.Float64frombits(order.Uint64(wkb[5:13])), math.Float64frombits(order.Uint64(wkb[13:21])), nil
}
