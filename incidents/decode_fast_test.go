package incidents

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// compareParsers decodes data with ParseJSON and with the encoding/json
// path alone, and fails t when their results or errors differ, or when the
// fast path accepts data and gives anything but encoding/json's result. It
// reports whether the fast path accepted data.
func compareParsers(t testing.TB, data []byte) bool {
	t.Helper()
	got, gotErr := ParseJSON(data)
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return false
	}
	want, wantErr := parseJSONStd(trimmed)
	if !reflect.DeepEqual(gotErr, wantErr) {
		t.Fatalf("%q: ParseJSON error %v, encoding/json's %v", data, gotErr, wantErr)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%q: ParseJSON gives\n%s\nencoding/json\n%s", data, dump(got), dump(want))
	}
	fast, ok := parseJSONFast(trimmed)
	if !ok {
		return false
	}
	if wantErr != nil {
		t.Fatalf("%q: the fast path accepts what encoding/json refuses: %v", data, wantErr)
	}
	if !reflect.DeepEqual(fast, want) {
		t.Fatalf("%q: the fast path gives\n%s\nencoding/json\n%s", data, dump(fast), dump(want))
	}
	return true
}

// TestParseJSONFast lists tricky records and whether the fast path takes
// them; either way ParseJSON must give what encoding/json gives.
func TestParseJSONFast(t *testing.T) {
	const base = `"date":"2016-09-17","event_type":"Battles"`
	tests := []struct {
		name, body string
		fast       bool
	}{
		{"plain", `{` + base + `,"lat":36.2,"lon":37.1,"fatalities":3}`, true},
		{"every field", `{"id":7,"source_id":"s","date":"2016-09-17","date_precision":"week","event_type":"Battles","sub_event_type":"Armed clash","actor1":"a","actor2":"b","fatalities":0,"injuries":2,"place":"Aleppo","country":"sy","admin1":"Aleppo","lat":-0,"lon":1e1,"geo_precision":2,"geonameid":170063,"notes":"n","sources":["x","y"],"tags":[],"created_at":"c","updated_at":"u"}`, true},
		{"empty object", `{}`, true},
		{"white space", " {\n\t\"date\" :\r\n \"2016-09-17\" , \"sources\" : [ \"a\" , \"b\" ] , \"tags\":[ ] }\n", true},
		{"extract fields", `{` + base + `,"file":"a.txt","confidence":0.8,"evidence":[{"text":"x","span":[1,2]},null,true,false]}`, true},
		{"nulls", `{"date":null,"fatalities":null,"lat":null,"sources":null,"geo_precision":null,"id":null,"geonameid":null}`, true},
		{"escapes", `{"notes":"a\"b\\c\/d\b\f\n\r\t\u00e9\u4e2d\uD83D\uDE00"}`, true},
		{"lone high surrogate", `{"notes":"x\ud83dy"}`, true},
		{"lone low surrogate", `{"notes":"\ude00"}`, true},
		{"high surrogate then escape", `{"notes":"\ud83d\u0041"}`, true},
		{"two high surrogates", `{"notes":"\ud83d\ud83d\ude00"}`, true},
		{"surrogate then newline escape", `{"notes":"\ud800\n"}`, true},
		{"utf-8", `{"place":"Alep, Ḥalab, حلب"}`, true},
		{"invalid utf-8", "{\"place\":\"a\xffb\xed\xa0\x80c\xe2\x82\"}", true},
		{"invalid utf-8 with escape", "{\"place\":\"\\n\xff\xc0\xaf\"}", true},
		{"utf-8 replacement char", `{"place":"` + "\uFFFD" + `"}`, true},
		{"max int64", `{"id":9223372036854775807,"geonameid":-9223372036854775808}`, true},
		{"int64 overflow", `{"geonameid":9223372036854775808}`, false},
		{"negative overflow", `{"geonameid":-9223372036854775809}`, false},
		{"twenty digits", `{"fatalities":12345678901234567890}`, false},
		{"minus zero int", `{"fatalities":-0}`, true},
		{"float into int", `{"fatalities":1.0}`, false},
		{"exponent into int", `{"fatalities":1e2}`, false},
		{"negative fatalities", `{"fatalities":-5}`, true},
		{"float forms", `{"lat":-0.0,"lon":1.5E-3}`, true},
		{"float exponent sign", `{"lat":1e+2,"lon":12e-1}`, true},
		{"float out of range", `{"lat":1e400}`, false},
		{"float underflow", `{"lat":1e-400}`, true},
		{"many digits", `{"lat":36.20000000000000000000000000000000000001}`, true},
		{"leading zero", `{"lat":01}`, false},
		{"bare minus", `{"lat":-}`, false},
		{"dot without digits", `{"lat":1.}`, false},
		{"plus sign", `{"lat":+1}`, false},
		{"string number", `{"lat":"36.2"}`, false},
		{"bool into string", `{"date":true}`, false},
		{"number into string", `{"date":20160917}`, false},
		{"object into string", `{"date":{}}`, false},
		{"string into list", `{"sources":"AFP"}`, false},
		{"null in list", `{"sources":["a",null]}`, false},
		{"number in list", `{"sources":["a",1]}`, false},
		{"unknown key", `{` + base + `,"colour":"red"}`, false},
		{"other case key", `{"Date":"2016-09-17"}`, false},
		{"kelvin sign key", `{"\u212aey":1}`, false},
		{"escaped key", `{"d\u0061te":"2016-09-17"}`, false},
		{"duplicate key", `{"date":"2016-09-17","date":"2016-09-18"}`, false},
		{"duplicate list", `{"tags":["a"],"tags":["b"]}`, false},
		{"trailing data", `{` + base + `} {}`, false},
		{"trailing comma", `{` + base + `,}`, false},
		{"missing colon", `{"date" "2016-09-17"}`, false},
		{"truncated", `{"date":"2016-09-17"`, false},
		{"truncated string", `{"date":"2016-09-17`, false},
		{"control character", "{\"notes\":\"a\tb\"}", false},
		{"bad escape", `{"notes":"\x"}`, false},
		{"single quote escape", `{"notes":"\'"}`, false},
		{"short unicode escape", `{"notes":"\u12"}`, false},
		{"bad hex", `{"notes":"\u12g4"}`, false},
		{"form feed white space", "{\"date\":\f\"2016-09-17\"}", false},
		{"deep extract value", `{"evidence":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`, false},
		{"bad extract value", `{"evidence":[1,]}`, false},
		{"extract value with bad literal", `{"file":nul}`, false},
		{"not an object", `["date"]`, false},

		{"feature", `{"type":"Feature","geometry":{"type":"Point","coordinates":[37.1,36.2]},"properties":{` + base + `,"source_id":"f1"}}`, true},
		{"feature, type last", `{"properties":{` + base + `},"geometry":{"coordinates":[37.1,36.2,400],"type":"Point"},"type":"Feature"}`, true},
		{"feature with id and bbox", `{"id":"abc","type":"Feature","bbox":[1,2,3,4],"geometry":{"type":"Point","coordinates":[1,2]},"properties":{"id":5}}`, true},
		{"feature with object id", `{"id":{"a":[1]},"type":"Feature","geometry":null,"properties":{}}`, true},
		{"feature, null geometry and properties", `{"type":"Feature","geometry":null,"properties":null}`, true},
		{"feature without geometry", `{"type":"Feature","properties":{"lat":1,"lon":2}}`, true},
		{"feature, geometry wins", `{"type":"Feature","geometry":{"type":"Point","coordinates":[5,6]},"properties":{"lat":1,"lon":2}}`, true},
		{"feature, only type", `{"type":"Feature"}`, true},
		{"feature, escaped type", `{"type":"Fe\u0061ture","geometry":null,"properties":{}}`, false},
		{"other type", `{"type":"Topology"}`, false},
		{"null type", `{"type":null,"properties":{}}`, false},
		{"feature, polygon", `{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,1],[0,0]]]}}`, false},
		{"feature, one coordinate", `{"type":"Feature","geometry":{"type":"Point","coordinates":[1]}}`, false},
		{"feature, four coordinates", `{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2,3,4]}}`, false},
		{"feature, null coordinate", `{"type":"Feature","geometry":{"type":"Point","coordinates":[1,null]}}`, false},
		{"feature, null coordinates", `{"type":"Feature","geometry":{"type":"Point","coordinates":null}}`, false},
		{"feature, coordinates out of range", `{"type":"Feature","geometry":{"type":"Point","coordinates":[1e999,2]}}`, false},
		{"feature, escaped point", `{"type":"Feature","geometry":{"type":"P\u006fint","coordinates":[1,2]}}`, true},
		{"feature, geometry without type", `{"type":"Feature","geometry":{"coordinates":[1,2]}}`, false},
		{"feature, geometry with crs", `{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2],"crs":{}}}`, false},
		{"feature, incident key at top", `{"type":"Feature","date":"2016-09-17","properties":{}}`, false},
		{"feature, unknown property", `{"type":"Feature","properties":{"mood":"x"}}`, false},
		{"feature, properties array", `{"type":"Feature","properties":[]}`, false},
		{"feature, properties string", `{"type":"Feature","properties":"x"}`, false},
		{"feature, nested type in properties", `{"type":"Feature","properties":{"type":"Feature"}}`, false},
		{"feature, duplicate geometry", `{"type":"Feature","geometry":null,"geometry":null}`, false},
		{"feature, crs", `{"type":"Feature","geometry":null,"properties":{},"crs":{}}`, false},
		{"geometry without type", `{"geometry":null,"properties":{}}`, false},
		{"plain with id string", `{"id":"7"}`, false},
		{"plain with id float", `{"id":7.5}`, false},
		{"plain mentioning Feature", `{"notes":"\"Feature\"","date":"2016-09-17"}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := compareParsers(t, []byte(tt.body)); got != tt.fast {
				_, err := parseJSONStd(bytes.TrimSpace([]byte(tt.body)))
				t.Errorf("fast path accepted: got %v, want %v (encoding/json: %v)", got, tt.fast, err)
			}
		})
	}
}

// TestParseJSONFastWants checks a few results field by field, besides
// comparing them with encoding/json's.
func TestParseJSONFastWants(t *testing.T) {
	tests := []struct {
		body string
		want Incident
	}{
		{`{"date":"2016-09-17","lat":36.2,"lon":37.1,"fatalities":3,"sources":[]}`,
			Incident{Date: "2016-09-17", Lat: ptr(36.2), Lon: ptr(37.1), Fatalities: ptr(3), Sources: []string{}}},
		{`{"notes":"\ud83d\ude00\ud83d!\u00e9"}`, Incident{Notes: "\U0001F600\uFFFD!é"}},
		{"{\"notes\":\"\xff\"}", Incident{Notes: "\uFFFD"}},
		{`{"type":"Feature","geometry":{"type":"Point","coordinates":[37.1,36.2]},"properties":{"lat":1,"id":4}}`,
			Incident{ID: 4, Lat: ptr(36.2), Lon: ptr(37.1)}},
	}
	for _, tt := range tests {
		got, ok := parseJSONFast([]byte(tt.body))
		if !ok {
			t.Errorf("%s: the fast path refused it", tt.body)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s:\n got %s\nwant %s", tt.body, dump(got), dump(tt.want))
		}
	}
}

// rawRecords returns the raw records of the JSON test files and of the
// records the other tests of the package parse.
func rawRecords(t testing.TB) [][]byte {
	var out [][]byte
	for _, name := range []string{"qgis.geojson", "scraper.json", "incidents.ndjson", "acled_api.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, data)
		var src rawSource
		switch name {
		case "incidents.ndjson":
			src = newLineSource(bufio.NewReader(bytes.NewReader(data)))
		case "scraper.json":
			src = newArraySource(bytes.NewReader(data))
		case "qgis.geojson":
			src = newCollectionSource(bytes.NewReader(data), "features")
		default:
			src = newCollectionSource(bytes.NewReader(data), "data")
		}
		for {
			raw, recErr, err := src.next()
			if err != nil || recErr != nil {
				break
			}
			out = append(out, bytes.Clone(raw))
		}
	}
	const ok = `{"date":"2016-09-17","event_type":"Battles","lat":1,"lon":2}`
	for _, s := range []string{ok, `{broken`, `{"date":"2016-09-17","colour":"red"}`, `{"fatalities":"many"}`, `[1]`, `{"lat":"north"}`, `17`,
		`{"type":"Feature","geometry":{"type":"Polygon","coordinates":[]}}`,
		`{"type":"Feature","geometry":null,"properties":{"x":1}}`, `{"type":"Feature","geometry":null,"properties":{}}`,
		`{"source_id":"abc","lat":"x"}`, `{"type":"Feature","properties":{"source_id":"f1","bad":1}}`,
		`{"date":"2016-09-17","zz":1,"aa":2,"event_type":"Battles"}`, `{"Date":"2016-09-17","EVENT_TYPE":"Battles"}`,
		`{"date":"2016-09-17","event_type":"Battles","file":"a.txt","confidence":0.8,"evidence":[]}`,
		`{"type":"Feature","geometry":null,"properties":{"date":"2016-09-17","event_type":"Battles"},"crs":{}}`,
		`{"type":"Feature","geometry":null,"properties":{"date":"2016-09-17","event_type":"Battles","mood":"x"}}`,
		`{"tags":["a",{"b":1}],"date":"2016-09-17","event_type":"Battles","x":1}`,
		`{"notes":"` + strings.Repeat("x", 70<<10) + `","date":"2016-09-17"}`,
		`{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{"date":"2016-09-17","event_type":"Battles"}}`,
	} {
		out = append(out, []byte(s))
	}
	return append(out, sampleRecords(rand.New(rand.NewPCG(1, 2)), 20)...)
}

// TestParseJSONUnchanged checks that ParseJSON gives what encoding/json
// gives on the records of the test files and of the other tests.
func TestParseJSONUnchanged(t *testing.T) {
	accepted := 0
	recs := rawRecords(t)
	for _, raw := range recs {
		if compareParsers(t, raw) {
			accepted++
		}
	}
	t.Logf("%d of %d records took the fast path", accepted, len(recs))
}

// TestParseJSONFastDifferential compares the two paths on random records
// built from parts that are often valid and sometimes not.
func TestParseJSONFastDifferential(t *testing.T) {
	n := 20_000
	if testing.Short() || raceEnabled {
		n = 3_000
	}
	r := rand.New(rand.NewPCG(7, 11))
	accepted := 0
	for i := 0; i < n; i++ {
		if compareParsers(t, randomRecord(r)) {
			accepted++
		}
	}
	t.Logf("%d of %d random records took the fast path", accepted, n)
	if accepted < n/10 || accepted > n*9/10 {
		t.Errorf("%d of %d random records took the fast path; the generator should exercise both paths", accepted, n)
	}
}

// Parts of random records: keys, and values of each kind.
var (
	randomStringKeys = []string{"source_id", "date", "date_precision", "event_type", "sub_event_type", "actor1", "actor2",
		"place", "country", "admin1", "notes", "created_at", "updated_at"}
	randomIntKeys    = []string{"id", "fatalities", "injuries", "geo_precision", "geonameid"}
	randomFloatKeys  = []string{"lat", "lon"}
	randomListKeys   = []string{"sources", "tags"}
	randomIgnoredKey = []string{"file", "confidence", "evidence"}
	randomOddKeys    = []string{"Date", "LAT", "colour", "type", "geometry", "properties", "bbox", "d\\u0061te", "\u212aey", ""}
	randomStrings    = []string{`""`, `"Aleppo"`, `"caf\u00e9"`, `"\ud83d\ude00"`, `"\ud83d"`, `"\ud83dx"`, `"\udc00\ud800"`,
		`"\ud800\udbff\udfff"`, "\"\xff\"", "\"\xed\xa0\x80\"", "\"\xe2\x82\"", `"a\"b\\c\/d\b\f\n\r\t"`, `"\u0000"`,
		"\"a\x01\"", `"é"`, `"\x"`, `"\'"`, `"\u12"`, `"\uZZZZ"`, `"Feature"`, `"trailing\`, `"\uD83D\uDE00"`}
	randomNumbers = []string{"0", "-0", "1", "-1", "36.2", "-0.0", "1e2", "1E+2", "0.1e-3", "1e400", "1e-400",
		"9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "2147483648",
		"01", "1.", "-", "+1", ".5", "1e", "123456789012345678901234567890"}
	randomOthers = []string{"null", "true", "false", "nul", "[]", "{}", `["a"]`, `["a",null]`, `[1,2]`, `{"a":[1,{"b":null}]}`, `[`, `{"a"}`}
	randomSpace  = []string{"", "", "", " ", "\n", "\t ", "\r\n", "\f"}
)

// randomValue returns a value for a key of the given kind, mostly of the
// right type.
func randomValue(r *rand.Rand, kind string) string {
	pick := func(xs []string) string { return xs[r.IntN(len(xs))] }
	right := r.IntN(10) < 8
	switch {
	case kind == "string" && right:
		return pick(randomStrings)
	case (kind == "int" || kind == "float") && right:
		return pick(randomNumbers)
	case kind == "list" && right:
		var b strings.Builder
		b.WriteString("[")
		for j := range r.IntN(4) {
			if j > 0 {
				b.WriteString(",")
			}
			b.WriteString(pick(randomSpace) + pick(randomStrings))
		}
		if r.IntN(20) == 0 {
			b.WriteString(",null")
		}
		b.WriteString("]")
		return b.String()
	}
	return pick(append(append(randomOthers, randomStrings[:3]...), randomNumbers[:3]...))
}

// randomRecord returns a plain record or a Feature of random parts.
func randomRecord(r *rand.Rand) []byte {
	pick := func(xs []string) string { return xs[r.IntN(len(xs))] }
	members := func(feature bool) string {
		var parts []string
		for range r.IntN(8) {
			var key, kind string
			switch k := r.IntN(40); {
			case k < 15:
				key, kind = pick(randomStringKeys), "string"
			case k < 22:
				key, kind = pick(randomIntKeys), "int"
			case k < 30:
				key, kind = pick(randomFloatKeys), "float"
			case k < 35:
				key, kind = pick(randomListKeys), "list"
			case k < 37:
				key, kind = pick(randomIgnoredKey), "any"
			default:
				key, kind = pick(randomOddKeys), "string"
				if feature && r.IntN(2) == 0 {
					continue
				}
			}
			if !feature && r.IntN(4) != 0 && kind != "any" {
				// Keep most plain records free of duplicates.
				dup := false
				for _, p := range parts {
					dup = dup || strings.HasPrefix(p, `"`+key+`"`)
				}
				if dup {
					continue
				}
			}
			parts = append(parts, fmt.Sprintf(`"%s"%s:%s%s`, key, pick(randomSpace), pick(randomSpace), randomValue(r, kind)))
		}
		return "{" + strings.Join(parts, ","+pick(randomSpace)) + "}"
	}
	if r.IntN(3) > 0 {
		return []byte(pick(randomSpace) + members(false) + pick(randomSpace))
	}
	var parts []string
	parts = append(parts, []string{`"type":"Feature"`, `"type":"Feature"`, `"type":"Feature"`, `"type":"Fe\u0061ture"`, `"type":null`}[r.IntN(5)])
	switch r.IntN(6) {
	case 0:
		parts = append(parts, `"geometry":null`)
	case 1:
		parts = append(parts, `"geometry":{"type":"Polygon","coordinates":[]}`)
	case 2:
		parts = append(parts, `"geometry":{"type":"Point","coordinates":[`+pick(randomNumbers)+`,`+pick(randomNumbers)+`]}`)
	default:
		parts = append(parts, `"geometry":{"coordinates":[37.1,`+pick(randomNumbers[:5])+`],"type":"Point"}`)
	}
	switch r.IntN(5) {
	case 0:
		parts = append(parts, `"properties":null`)
	case 1:
		parts = append(parts, `"id":`+randomValue(r, "any"))
		fallthrough
	default:
		parts = append(parts, `"properties":`+members(true))
	}
	if r.IntN(8) == 0 {
		parts = append(parts, `"bbox":[1,2,3,4]`)
	}
	if r.IntN(10) == 0 {
		parts = append(parts, `"date":"2016-09-17"`)
	}
	r.Shuffle(len(parts), func(i, j int) { parts[i], parts[j] = parts[j], parts[i] })
	return []byte("{" + strings.Join(parts, ",") + "}")
}

// sampleRecords returns n records shaped as bench/data.go writes them, as
// NDJSON lines and as GeoJSON Features, the common input of an import.
func sampleRecords(r *rand.Rand, n int) [][]byte {
	type properties struct {
		SourceID     string   `json:"source_id"`
		Date         string   `json:"date"`
		EventType    string   `json:"event_type"`
		SubEventType string   `json:"sub_event_type"`
		Actor1       string   `json:"actor1"`
		Actor2       string   `json:"actor2,omitempty"`
		Fatalities   int      `json:"fatalities"`
		Place        string   `json:"place"`
		Country      string   `json:"country,omitempty"`
		GeoPrecision int      `json:"geo_precision,omitempty"`
		Notes        string   `json:"notes"`
		Sources      []string `json:"sources"`
	}
	type record struct {
		properties
		Lat float64 `json:"lat"`
		Lon float64 `json:"lon"`
	}
	type point struct {
		Type        string     `json:"type"`
		Coordinates [2]float64 `json:"coordinates"`
	}
	type feature struct {
		Type       string      `json:"type"`
		Geometry   point       `json:"geometry"`
		Properties *properties `json:"properties"`
	}
	places := []string{"Aleppo", "Deir ez-Zor", "Mosul", "Ramadi", "Daraa"}
	var out [][]byte
	for i := range n {
		p := properties{
			SourceID: fmt.Sprintf("bench-%d", i), Date: fmt.Sprintf("20%02d-%02d-%02d", 11+r.IntN(14), 1+r.IntN(12), 1+r.IntN(28)),
			EventType: EventTypes[r.IntN(len(EventTypes))], SubEventType: "Armed clash", Actor1: "Military Forces of Syria",
			Fatalities: r.IntN(4), Place: places[r.IntN(len(places))], Country: "SY", GeoPrecision: 1 + r.IntN(3),
			Notes: "Armed clash near the old city; outskirts reported", Sources: []string{"SOHR"},
		}
		if r.IntN(10) < 6 {
			p.Actor2 = "Civilians (Syria)"
		}
		lat, lon := float64(int(r.Float64()*8e5))/1e5+29.1, float64(int(r.Float64()*13e5))/1e5+35.7
		var v any = record{p, lat, lon}
		if i%2 == 1 {
			v = feature{"Feature", point{"Point", [2]float64{lon, lat}}, &p}
		}
		b, err := json.Marshal(v)
		if err != nil {
			panic(err)
		}
		out = append(out, b)
	}
	return out
}

// FuzzParseJSONFast checks that whenever the fast path accepts a record,
// encoding/json accepts it too and gives the same Incident, and that
// ParseJSON's result and error are encoding/json's.
func FuzzParseJSONFast(f *testing.F) {
	for _, raw := range rawRecords(f) {
		f.Add(raw)
	}
	r := rand.New(rand.NewPCG(3, 5))
	for range 50 {
		f.Add(randomRecord(r))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		compareParsers(t, data)
	})
}

// BenchmarkParseJSON decodes records shaped as bench/data.go writes them,
// NDJSON lines and GeoJSON Features, through ParseJSON (the fast path) and
// through encoding/json alone (ParseJSON before it).
func BenchmarkParseJSON(b *testing.B) {
	recs := sampleRecords(rand.New(rand.NewPCG(1, 1)), 1000)
	var plain, features [][]byte
	for i, rec := range recs {
		if i%2 == 0 {
			plain = append(plain, rec)
		} else {
			features = append(features, rec)
		}
	}
	for _, set := range []struct {
		name string
		recs [][]byte
	}{{"ndjson", plain}, {"feature", features}} {
		for _, path := range []struct {
			name  string
			parse func([]byte) (Incident, error)
		}{{"encoding-json", func(data []byte) (Incident, error) { return parseJSONStd(bytes.TrimSpace(data)) }}, {"fast", ParseJSON}} {
			b.Run(set.name+"/"+path.name, func(b *testing.B) {
				b.ReportAllocs()
				var n int64
				for _, rec := range set.recs {
					n += int64(len(rec))
				}
				b.SetBytes(n / int64(len(set.recs)))
				i := 0
				for b.Loop() {
					if _, err := path.parse(set.recs[i%len(set.recs)]); err != nil {
						b.Fatal(err)
					}
					i++
				}
			})
		}
	}
}
