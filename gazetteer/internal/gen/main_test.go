package main

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"testing"
)

func TestKeepAlternates(t *testing.T) {
	got := keepAlternates("Deir ez-Zor", "Deir ez-Zor", []string{
		"Deir Ezzor",   // same key as the name
		"Dayr az Zawr", // kept
		"DEZ",          // airport code
		"dyr alzwr",    // machine romanisation, no capital
		"دير الزور",    // Arabic script
		"Dayr az-Zawr", // same key as a kept one
		"Deir 2",       // digit
		"Ter Zor",      // kept
		"",             // empty
	})
	want := []string{"Dayr az Zawr", "Ter Zor"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestCountryAlternates(t *testing.T) {
	got := countryAlternates("United Kingdom", []string{"UK", "Great Britain", "Korea, Republic of", "United Kingdom", "GBR"})
	want := []string{"UK", "Great Britain", "GBR"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestSyntheticID(t *testing.T) {
	a, b := syntheticID("ADM1:SY.07"), syntheticID("ADM1:SY.07")
	if a != b || a >= 0 {
		t.Errorf("got %d and %d, want one stable negative id", a, b)
	}
	if syntheticID("ADM1:SY.11") == a {
		t.Error("two regions share an id")
	}
}

func TestUniqueDistrictIDs(t *testing.T) {
	taken := map[int64]string{syntheticID("ADM1:IT.09"): "Lombardy"}
	districts := []place{
		{id: syntheticID("ADM1:IT.09"), name: "Colliding", country: "ID", admin1: "32", admin2: "1613"},
		{id: syntheticID("ADM2:SY.11.1100"), name: "Homs", country: "SY", admin1: "11", admin2: "1100"},
		{id: syntheticID("ADM2:SY.11.1100"), name: "Twin", country: "SY", admin1: "11", admin2: "1101"},
	}
	uniqueDistrictIDs(districts, taken)
	seen := map[int64]bool{syntheticID("ADM1:IT.09"): true}
	for _, d := range districts {
		if seen[d.id] || d.id >= 0 {
			t.Errorf("%s: id %d is taken or not negative", d.name, d.id)
		}
		seen[d.id] = true
	}
	if want := syntheticID("ADM2:SY.11.1100"); districts[1].id != want {
		t.Errorf("Homs: got id %d, want its own hash %d", districts[1].id, want)
	}
	if len(taken) != 4 {
		t.Errorf("got %d ids taken, want 4", len(taken))
	}
}

func TestIrishCountyNames(t *testing.T) {
	tests := []struct {
		name string
		want []string
	}{
		{"Kerry", []string{"County Kerry"}},
		{"County Cork", []string{"Cork"}},
		{"Mayo County", []string{"Mayo", "County Mayo"}},
		{"An Cabhán", []string{"Cavan", "County Cavan"}},
	}
	for _, tt := range tests {
		if got := irishCountyNames(tt.name); !slices.Equal(got, tt.want) {
			t.Errorf("irishCountyNames(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestRegionRows(t *testing.T) {
	places := []place{
		{id: 1, name: "Homs", alts: []string{"Hims"}, lat: "34.72682", lon: "36.72339", fcode: "PPLA", country: "SY", admin1: "11", population: 775404},
		{id: 2, name: "Tallbisah", lat: "34.84", lon: "36.73", fcode: "PPLA3", country: "SY", admin1: "11", population: 38491},
		{id: 3, name: "Village", lat: "10", lon: "20", fcode: "PPL", country: "XX", admin1: "01", population: 600},
		{id: 4, name: "Other", lat: "10.6", lon: "20.6", fcode: "PPL", country: "XX", admin1: "01", population: 700},
		{id: 5, name: "South", lat: "10", lon: "20", fcode: "PPL", country: "XX", admin1: "03", population: 900},
		{id: 6, name: "Southeast", lat: "12", lon: "21", fcode: "PPL", country: "XX", admin1: "03", population: 900},
		{id: 7, name: "Far", lat: "30", lon: "40", fcode: "PPL", country: "XX", admin1: "03", population: 900},
	}
	admin1 := []struct{ Code, Name string }{{"SY.11", "Homs"}, {"XX.01", "Nowhere"}, {"XX.02", "Empty"}, {"XX.03", "Vast"}}
	rows := regionRows(places, admin1, nil)
	if len(rows) != 3 {
		t.Fatalf("got %d rows, want 3 (no row for a region without places)", len(rows))
	}
	homs := rows[0]
	if homs.lat != "34.81171" || homs.lon != "36.72835" || homs.population != 775404+38491 || !slices.Contains(homs.alts, "Hims") {
		t.Errorf("got %+v, want the area's point 34.81171,36.72835, the summed population and the seat's names", homs)
	}
	// A small area: the mean of the median point (10.6, 20.6) and the
	// box's middle (10.3, 20.3).
	if rows[1].lat != "10.45000" || rows[1].lon != "20.45000" {
		t.Errorf("got %s,%s, want 10.45000,20.45000", rows[1].lat, rows[1].lon)
	}
	// An area spanning thousands of km: the box's middle, not near the
	// median (12, 21).
	if rows[2].lat != "20.00000" || rows[2].lon != "30.00000" {
		t.Errorf("got %s,%s, want 20.00000,30.00000", rows[2].lat, rows[2].lon)
	}
	var buf bytes.Buffer
	writeRow(&buf, homs)
	if n := strings.Count(buf.String(), "\t"); n != 18 {
		t.Errorf("got %d tabs, want 18 (19 columns)", n)
	}
}

func TestAdmin2Rows(t *testing.T) {
	places := []place{
		{id: 1, name: "A", lat: "40", lon: "-90", country: "US", admin1: "IL", admin2: "167", population: 100},
		{id: 2, name: "B", lat: "42", lon: "-88", country: "US", admin1: "IL", admin2: "167", population: 50},
		{id: 3, name: "C", lat: "1", lon: "1", country: "US", admin1: "IL", population: 5},
	}
	admin2 := []struct{ Code, Name string }{{"US.IL.167", "Sangamon County"}, {"US.IL.001", "Adams County"}}
	rows := admin2Rows(places, admin2)
	if len(rows) != 1 {
		t.Fatalf("got %d rows, want 1 (none for a district without places)", len(rows))
	}
	r := rows[0]
	if r.name != "Sangamon County" || r.fcode != "ADM2" || r.admin1 != "IL" || r.population != 150 || r.lat != "41.50000" || r.lon != "-88.50000" || r.id >= 0 {
		t.Errorf("got %+v, want Sangamon County ADM2 in IL at 41.5,-88.5 with 150 people", r)
	}
	if !slices.Equal(r.alts, []string{"Sangamon"}) {
		t.Errorf("got alternate names %q, want the county's name without the word: Sangamon", r.alts)
	}
}

func TestParseWorldCountries(t *testing.T) {
	data := `[{"name":{"common":"Syria","official":"Syrian Arab Republic"},"cca2":"SY","altSpellings":["SY","Al-Jumhuriyah"],"latlng":[35,38],"demonyms":{"eng":{"f":"Syrian","m":"Syrian"}}}]`
	got, err := parseWorldCountries([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	sy := got["SY"]
	if sy.lat != "35" || sy.lon != "38" || !slices.Equal(sy.demonyms, []string{"Syrian"}) ||
		!slices.Equal(sy.names, []string{"Syria", "Syrian Arab Republic", "Al-Jumhuriyah"}) {
		t.Errorf("got %+v, want Syria at 35,38 with its names and one demonym, without the code SY", sy)
	}
}

func TestWordCount(t *testing.T) {
	for _, tc := range []struct {
		name string
		want int
	}{
		{"Quebec", 1},
		{"Quebec City", 2},
		{"Deir ez-Zor", 3},
		{"Ville de  Quebec", 3},
		{"", 0},
	} {
		if got := wordCount(tc.name); got != tc.want {
			t.Errorf("wordCount(%q) = %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestParseCountryPoints(t *testing.T) {
	got, err := parseCountryPoints("# comment\nCN\t35\t105\t35.86166\t104.195397\nCA\t60.10867\t-113.64258\t56.130366\t-106.346771\nFR\t46\t2\n")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2]string{
		"CN": {"35.43083", "104.59770"},  // 98 km apart: the middle
		"CA": {"60.10867", "-113.64258"}, // 560 km apart: GeoNames' point
		"FR": {"46", "2"},
	}
	for cc, w := range want {
		if got[cc] != w {
			t.Errorf("%s: got %v, want %v", cc, got[cc], w)
		}
	}
	if _, err := parseCountryPoints("CN\t35\n"); err == nil {
		t.Error("a line of two columns parsed")
	}
	if _, err := parseCountryPoints("CN\t35\tx\n"); err == nil {
		t.Error("a non-numeric latitude parsed")
	}
}

func TestAdmin1Points(t *testing.T) {
	// Four features: one whose name matches GeoNames' (kept), one drawn
	// as two features (dropped), one named otherwise (a department carrying
	// its former region's code: dropped), and one across the antimeridian.
	raw := []byte(`{"type":"FeatureCollection","features":[
	{"properties":{"gn_a1_code":"XX.01","iso_a2":"XX","name":"Provincia de Norte"},
	 "geometry":{"type":"Polygon","coordinates":[[[10,0],[12,0],[12,2],[10,2],[10,0]]]}},
	{"properties":{"gn_a1_code":"XX.02","iso_a2":"XX","name":"Split"},
	 "geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}},
	{"properties":{"gn_a1_code":"XX.02","iso_a2":"XX","name":"Split"},
	 "geometry":{"type":"Polygon","coordinates":[[[5,0],[6,0],[6,1],[5,0]]]}},
	{"properties":{"gn_a1_code":"XX.03","iso_a2":"XX","name":"Eure"},
	 "geometry":{"type":"Polygon","coordinates":[[[1,48],[2,48],[2,49],[1,48]]]}},
	{"properties":{"gn_a1_code":"XX.04","iso_a2":"XX","name":"Dateline"},
	 "geometry":{"type":"MultiPolygon","coordinates":[
	   [[[178,-1],[180,-1],[180,1],[178,1],[178,-1]]],
	   [[[-180,-1],[-178,-1],[-178,1],[-180,1],[-180,-1]]]]}}
	]}`)
	names := map[string]string{"XX.01": "Norte", "XX.02": "Split", "XX.03": "Normandy", "XX.04": "Dateline"}
	got, err := admin1Points(raw, names)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2]float64{"XX.01": {1, 11}, "XX.04": {0, 180}}
	if len(got) != len(want) {
		t.Fatalf("got %v, want the points of %v", got, want)
	}
	for code, w := range want {
		g, ok := got[code]
		lonDiff := math.Abs(math.Mod(g[1]-w[1]+540, 360) - 180)
		if !ok || math.Abs(g[0]-w[0]) > 0.01 || lonDiff > 0.01 {
			t.Errorf("%s: got %v, want %v", code, g, w)
		}
	}
}

func TestAreaCentre(t *testing.T) {
	tests := []struct {
		name     string
		poly     [][][2]float64
		lat, lon float64
	}{
		// A 4x4 square with a 2x2 hole in its right half: area 12, moment
		// in x 16*2 - 4*3 = 20, so the centre is at x = 1.667.
		{"hole", [][][2]float64{
			{{0, 0}, {4, 0}, {4, 4}, {0, 4}, {0, 0}},
			{{2, 1}, {2, 3}, {4, 3}, {4, 1}, {2, 1}},
		}, 2, 5.0 / 3},
		// One polygon across the antimeridian is centred on it, not at
		// longitude 0.
		{"antimeridian", [][][2]float64{
			{{179, -1}, {-179, -1}, {-179, 1}, {179, 1}, {179, -1}},
		}, 0, 180},
	}
	for _, tt := range tests {
		lat, lon, ok := areaCentre([][][][2]float64{tt.poly})
		lonDiff := math.Abs(math.Mod(lon-tt.lon+540, 360) - 180)
		if !ok || math.Abs(lat-tt.lat) > 0.01 || lonDiff > 0.01 {
			t.Errorf("%s: got %.3f, %.3f (%v), want %.3f, %.3f", tt.name, lat, lon, ok, tt.lat, tt.lon)
		}
	}
}

func TestRecodeAdmin1(t *testing.T) {
	places := []place{
		{name: "Hanoi", lat: "21.0245", lon: "105.84117", country: "VN", admin1: "44"},
		{name: "Ba Vi", lat: "21.2", lon: "105.4", country: "VN", admin1: "44", admin2: "9"},
		{name: "Homs", lat: "34.72682", lon: "36.72339", country: "SY", admin1: "11", admin2: "1100"},
		{name: "Tallbisah", lat: "34.84", lon: "36.73", country: "SY", admin1: "11", admin2: "1101"},
	}
	current := []currentCity{
		{Name: "Hanoi", Lat: "21.02451", Lng: "105.84117", Country: "VN", Admin1: "01", Admin2: "5"},
		{Name: "Homs", Lat: "34.72682", Lng: "36.72339", Country: "SY", Admin1: "11", Admin2: "1100"},
	}
	if n := recodeAdmin1(places, current); n != 2 {
		t.Errorf("got %d places recoded, want 2", n)
	}
	want := [][2]string{{"01", "5"}, {"01", ""}, {"11", "1100"}, {"11", "1101"}}
	for i, w := range want {
		if got := [2]string{places[i].admin1, places[i].admin2}; got != w {
			t.Errorf("%s: got codes %q, want %q", places[i].name, got, w)
		}
	}
}
