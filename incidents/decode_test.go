package incidents

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
)

// decodeAll reads every record of dec; it fails the test on a stream error.
func decodeAll(t testing.TB, dec Decoder) []Record {
	t.Helper()
	var recs []Record
	for {
		rec, err := dec.Next()
		if err == io.EOF {
			return recs
		}
		if err != nil {
			t.Fatalf("Next after %d records: %v", len(recs), err)
		}
		recs = append(recs, rec)
	}
}

func decodeString(t testing.TB, input, format string) ([]Record, string) {
	t.Helper()
	dec, got, err := NewDecoder(strings.NewReader(input), format)
	if err != nil {
		t.Fatalf("NewDecoder(%q): %v", format, err)
	}
	return decodeAll(t, dec), got
}

func ptr[T any](v T) *T { return &v }

// errFields returns "index:field" for every record error.
func errFields(recs []Record) []string {
	var out []string
	for _, r := range recs {
		if r.Err != nil {
			var fe *FieldError
			field := "?"
			if errors.As(r.Err, &fe) {
				field = fe.Field
			}
			out = append(out, fmt.Sprintf("%d:%s", r.Index, field))
		}
	}
	return out
}

func TestDecodeFiles(t *testing.T) {
	tests := []struct {
		file       string
		format     string
		wantFormat string
		want       []Incident // compared field by field for the first len(want) records
		wantN      int
	}{
		{
			file: "acled_syria_2016-09.csv", format: "auto", wantFormat: "acled", wantN: 6,
			want: []Incident{
				{SourceID: "SYRX0001", Date: "2016-09-10", DatePrecision: "day", EventType: "Explosions/Remote violence",
					SubEventType: "Air/drone strike", Actor1: "Military Forces of Syria (2000-)", Actor2: "Civilians (Syria)",
					Fatalities: ptr(58), Place: "Idleb", Country: "SY", Admin1: "Idleb", Lat: ptr(35.9306), Lon: ptr(36.6339),
					GeoPrecision: 1, Sources: []string{"SOHR", "Reuters"}, Tags: []string{"inter1:State forces", "inter2:Civilians"},
					Notes: "Warplanes hit a crowded market in Idleb city on the eve of Eid al-Adha, hours after the US-Russia truce deal was announced; dozens of civilians were reported killed."},
				{SourceID: "SYRX0002", Date: "2016-09-12", DatePrecision: "day", EventType: "Strategic developments", SubEventType: "Agreement",
					Actor1: "Military Forces of Syria (2000-)", Fatalities: ptr(0), Place: "Damascus", Country: "SY", Admin1: "Damascus",
					Lat: ptr(33.5102), Lon: ptr(36.2913), GeoPrecision: 3, Sources: []string{"Reuters"}, Tags: []string{"inter1:State forces"},
					Notes: "A nationwide cessation of hostilities negotiated by the United States and Russia took effect at sunset."},
			},
		},
		{file: "acled_api.json", format: "auto", wantFormat: "acled", wantN: 2, want: []Incident{
			{SourceID: "SYRX0003", Date: "2016-09-17", DatePrecision: "day", EventType: "Explosions/Remote violence", SubEventType: "Air/drone strike",
				Actor1: "Military Forces of the United States", Actor2: "Military Forces of Syria (2000-)", Fatalities: ptr(62),
				Place: "Deir-ez-Zor", Country: "SY", Admin1: "Deir-ez-Zor", Lat: ptr(35.3359), Lon: ptr(40.1408), GeoPrecision: 2,
				Sources: []string{"AFP", "SANA"}, Tags: []string{"inter1:External/Other forces", "inter2:State forces"},
				Notes: "Coalition jets struck army positions near the airport."},
			{SourceID: "SYRX0004", Date: "2016-09-19", DatePrecision: "day", EventType: "Violence against civilians", SubEventType: "Attack",
				Actor1: "Unidentified Military Forces", Fatalities: ptr(20), Place: "Orem Elkobra", Country: "SY", Admin1: "Aleppo",
				Lat: ptr(36.1577), Lon: ptr(36.8733), GeoPrecision: 1, Sources: []string{"UN OCHA"}, Notes: "Aid convoy struck."},
		}},
		{file: "qgis.geojson", format: "auto", wantFormat: "geojson", wantN: 3, want: []Incident{
			{SourceID: "q-1", Date: "2016-09-17", DatePrecision: "day", EventType: "Explosions/Remote violence", SubEventType: "Air/drone strike",
				Actor1: "Military Forces of the United States", Actor2: "Military Forces of Syria", Fatalities: ptr(62), Place: "Deir ez-Zor",
				Country: "SY", Lat: ptr(35.3359), Lon: ptr(40.1408), GeoPrecision: 2, Sources: []string{"AFP"}},
			{SourceID: "q-2", Date: "2016-09-19", DatePrecision: "day", EventType: "Violence against civilians", Place: "Orem Elkobra",
				Country: "SY", Lat: ptr(36.1577), Lon: ptr(36.8733)},
			{SourceID: "q-3", Date: "2016-09-23", DatePrecision: "day", EventType: "Explosions/Remote violence", Place: "Aleppo", Country: "SY"},
		}},
		{file: "scraper.json", format: "auto", wantFormat: "json", wantN: 3, want: []Incident{
			{SourceID: "s-1", Date: "2016-09-10", DatePrecision: "day", EventType: "Explosions/Remote violence", Place: "Idlib", Country: "SY",
				Lat: ptr(35.9306), Lon: ptr(36.6339), Fatalities: ptr(58), Sources: []string{"Reuters"}, Tags: []string{"market"}},
			{SourceID: "s-2", Date: "2016-09-12", DatePrecision: "day", EventType: "Strategic developments", Place: "Damascus",
				Lat: ptr(33.5102), Lon: ptr(36.2913)},
			{SourceID: "s-3", Date: "2016-09-17", DatePrecision: "day", EventType: "Battles", Lat: ptr(35.3359), Lon: ptr(40.1408)},
		}},
		{file: "incidents.ndjson", format: "auto", wantFormat: "ndjson", wantN: 2, want: []Incident{
			{SourceID: "n-1", Date: "2016-09-19", DatePrecision: "day", EventType: "Violence against civilians", Place: "Orem Elkobra",
				Lat: ptr(36.1577), Lon: ptr(36.8733), Fatalities: ptr(20)},
			{SourceID: "n-2", Date: "2016-09-23", DatePrecision: "day", EventType: "Explosions/Remote violence", Place: "Aleppo", Country: "SY", Notes: "east Aleppo"},
		}},
		{file: "incidents.csv", format: "csv", wantFormat: "csv", wantN: 2, want: []Incident{
			{SourceID: "c-1", Date: "2016-09-17", DatePrecision: "day", EventType: "Explosions/Remote violence", SubEventType: "Air/drone strike",
				Actor1: "Military Forces of the United States", Actor2: "Military Forces of Syria", Fatalities: ptr(62), Place: "Deir ez-Zor",
				Country: "SY", Admin1: "Deir ez-Zor", Lat: ptr(35.3359), Lon: ptr(40.1408), GeoPrecision: 2, GeonameID: 170794,
				Notes: `Strikes near the airport, "by mistake".`, Sources: []string{"AFP", "SANA"}, Tags: []string{"coalition", "airbase"}},
			{SourceID: "c-2", Date: "2016-09-19", DatePrecision: "day", EventType: "Violence against civilians", Fatalities: ptr(20), Injuries: ptr(15),
				Place: "Orem Elkobra", Country: "SY", Admin1: "Aleppo", Lat: ptr(36.1577), Lon: ptr(36.8733), GeoPrecision: 1, Sources: []string{"UN OCHA"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			recs, format := decodeString(t, string(data), tt.format)
			if format != tt.wantFormat {
				t.Errorf("format: got %q, want %q", format, tt.wantFormat)
			}
			if len(recs) != tt.wantN {
				t.Fatalf("records: got %d, want %d", len(recs), tt.wantN)
			}
			for i, want := range tt.want {
				if recs[i].Err != nil {
					t.Errorf("record %d: unexpected error %v", i, recs[i].Err)
					continue
				}
				if recs[i].Index != i {
					t.Errorf("record %d: got index %d, want %d", i, recs[i].Index, i)
				}
				if got := recs[i].Incident; !reflect.DeepEqual(got, want) {
					t.Errorf("record %d:\n got %s\nwant %s", i, dump(got), dump(want))
				}
			}
			for i, r := range recs {
				if r.Err != nil {
					t.Errorf("record %d: unexpected error %v", i, r.Err)
				}
			}
		})
	}
}

func dump(in Incident) string {
	s := fmt.Sprintf("%+v", in)
	for _, p := range []struct {
		name string
		v    any
	}{{"Fatalities", in.Fatalities}, {"Injuries", in.Injuries}, {"Lat", in.Lat}, {"Lon", in.Lon}} {
		switch v := p.v.(type) {
		case *int:
			if v != nil {
				s += fmt.Sprintf(" %s=%d", p.name, *v)
			}
		case *float64:
			if v != nil {
				s += fmt.Sprintf(" %s=%g", p.name, *v)
			}
		}
	}
	return s
}

func TestDecodeACLEDCountries(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "acled_syria_2016-09.csv"))
	if err != nil {
		t.Fatal(err)
	}
	recs, _ := decodeString(t, string(data), "auto")
	want := map[int]struct{ date, prec, country string }{
		2: {"2016-09-17", "day", "SY"},
		3: {"2016-09-19", "day", "SY"},
		4: {"2016-09-23", "week", "SY"},
		5: {"2016-09-20", "day", "XK"},
	}
	for i, w := range want {
		in := recs[i].Incident
		if in.Date != w.date || in.DatePrecision != w.prec || in.Country != w.country {
			t.Errorf("record %d: got %s %s %s, want %s %s %s", i, in.Date, in.DatePrecision, in.Country, w.date, w.prec, w.country)
		}
	}
	if got, want := recs[5].Incident.Tags, []string{"inter1:Protesters", "crowd size=no report"}; !reflect.DeepEqual(got, want) {
		t.Errorf("tags: got %q, want %q", got, want)
	}
}

func TestParseACLEDDate(t *testing.T) {
	tests := []struct{ in, want string }{
		{"2016-09-17", "2016-09-17"},
		{"17 September 2016", "2016-09-17"},
		{"7 September 2016", "2016-09-07"},
		{"17-September-2016", "2016-09-17"},
		{"17 SEPTEMBER 2016", "2016-09-17"},
		{"2016-09-17 00:00:00", "2016-09-17"},
		{"17-Sep-2016", "2016-09-17"},
		{"2016-02-30", ""},
		{"yesterday", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := parseACLEDDate(tt.in)
			if got != tt.want || ok != (tt.want != "") {
				t.Errorf("got %q %v, want %q", got, ok, tt.want)
			}
		})
	}
}

func TestCountryCode(t *testing.T) {
	tests := []struct{ in, want string }{
		{"760", "SY"}, {"004", "AF"}, {"4", "AF"}, {"SY", "SY"}, {"sy", "SY"}, {"SYR", "SY"},
		{"Syria", "SY"}, {"Syrian Arab Republic", "SY"}, {"syrian arab republic", "SY"},
		{"Democratic Republic of Congo", "CD"}, {"Republic of Congo", "CG"}, {"Ivory Coast", "CI"},
		{"Côte d'Ivoire", "CI"}, {"Cote d'Ivoire", "CI"}, {"eSwatini", "SZ"}, {"Turkey", "TR"}, {"Türkiye", "TR"},
		{"Korea, Republic of", "KR"}, {"Republic of Korea", "KR"}, {"South Korea", "KR"}, {"Russia", "RU"},
		{"United States", "US"}, {"United Kingdom", "GB"}, {"Palestine", "PS"}, {"Kosovo", "XK"},
		{"Guinea-Bissau", "GW"}, {"Bosnia and Herzegovina", "BA"}, {"Myanmar", "MM"}, {"The Gambia", "GM"},
		{"Narnia", ""}, {"999", ""}, {"", ""}, {"ZZ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := CountryCode(tt.in)
			if got != tt.want || ok != (tt.want != "") {
				t.Errorf("got %q %v, want %q", got, ok, tt.want)
			}
		})
	}
	if n := len(isoCountries); n < 249 {
		t.Errorf("isoCountries: got %d countries, want at least 249", n)
	}
}

func TestDecodeDetect(t *testing.T) {
	const obj = `{"date":"2016-09-17","event_type":"Battles","lat":1,"lon":2}`
	tests := []struct {
		name, input, format, want string
		n                         int
	}{
		{"array", "[" + obj + "," + obj + "]", "auto", "json", 2},
		{"array with space", " \n\t[" + obj + "]", "auto", "json", 1},
		{"empty array", "[]", "auto", "json", 0},
		{"array of features", `[{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{"date":"2016-09-17","event_type":"Battles"}}]`, "auto", "json", 1},
		{"feature collection", `{"type":"FeatureCollection","features":[]}`, "auto", "geojson", 0},
		{"feature collection, features first", `{"features":[{"type":"Feature","geometry":null,"properties":{}}],"type":"FeatureCollection"}`, "auto", "geojson", 1},
		{"feature collection, keys before", `{"name":"x","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}},"type":"FeatureCollection","features":[]}`, "auto", "geojson", 0},
		{"ndjson", obj + "\n" + obj + "\n", "auto", "ndjson", 2},
		{"ndjson crlf", obj + "\r\n" + obj + "\r\n", "auto", "ndjson", 2},
		{"single object", obj, "auto", "ndjson", 1},
		{"pretty object", "{\n  \"date\": \"2016-09-17\",\n  \"event_type\": \"Battles\"\n}\n", "auto", "json", 1},
		{"pretty objects", "{\n \"date\": \"2016-09-17\"\n}\n{\n \"date\": \"2016-09-18\"\n}", "auto", "json", 2},
		{"long ndjson record", `{"notes":"` + strings.Repeat("x", 70<<10) + `","date":"2016-09-17"}` + "\n{\"date\":\"2016-09-18\"}\n", "auto", "ndjson", 2},
		{"single feature", `{"type":"Feature","geometry":null,"properties":{}}`, "auto", "ndjson", 1},
		{"bom json", "\uFEFF[" + obj + "]", "auto", "json", 1},
		{"bom csv", "\uFEFFdate,event_type,lat,lon\n2016-09-17,Battles,1,2\n", "auto", "csv", 1},
		{"csv", "date,event_type,lat,lon\n2016-09-17,Battles,1,2\n", "auto", "csv", 1},
		{"acled csv by id", "event_id_cnty,event_date\nX1,2016-09-17\n", "auto", "acled", 1},
		{"acled csv by date and latitude", "event_date,latitude,longitude,event_type\n2016-09-17,1,2,Battles\n", "auto", "acled", 1},
		{"acled csv given as csv", "event_id_cnty,event_date\nX1,2016-09-17\n", "csv", "acled", 1},
		{"acled json array", `[{"event_id_cnty":"X1","event_date":"2016-09-17"}]`, "auto", "acled", 1},
		{"acled ndjson", `{"event_id_cnty":"X1","event_date":"2016-09-17"}` + "\n", "auto", "acled", 1},
		{"acled api", `{"status":200,"data":[{"event_id_cnty":"X1"}],"count":1}`, "auto", "acled", 1},
		{"acled forced on json", `[{"event_date":"2016-09-17"}]`, "acled", "acled", 1},
		{"empty", "", "auto", "ndjson", 0},
		{"blank", " \n\n ", "auto", "ndjson", 0},
		{"bom only", "\uFEFF", "auto", "ndjson", 0},
		{"empty json given", "", "json", "json", 0},
		{"long blank before records", strings.Repeat(" \n", 100<<10) + obj + "\n", "auto", "ndjson", 1},
		{"long blank before csv", strings.Repeat("\n", 200<<10) + "date,event_type,lat,lon\n2016-09-17,Battles,1,2\n", "auto", "csv", 1},
		{"json given", "[" + obj + "]", "json", "json", 1},
		{"ndjson given one pretty object", "{\"date\":\"2016-09-17\"}\n", "ndjson", "ndjson", 1},
		{"geojson given", `{"type":"FeatureCollection","features":[]}`, "geojson", "geojson", 0},
		{"format case", "[" + obj + "]", " JSON ", "json", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, got := decodeString(t, tt.input, tt.format)
			if got != tt.want {
				t.Errorf("format: got %q, want %q", got, tt.want)
			}
			if len(recs) != tt.n {
				t.Errorf("records: got %d, want %d", len(recs), tt.n)
			}
		})
	}
}

func TestNewDecoderErrors(t *testing.T) {
	tests := []struct {
		name, input, format, want string
	}{
		{"unknown format", "[]", "xml", "unknown import format"},
		{"json wanted", "date,event_type\n", "json", "is not json"},
		{"unknown csv columns", "date,colour,event_type,smell\n", "auto", `unknown CSV column(s) "colour", "smell"`},
		{"duplicate csv column", "date,date\n", "csv", "appears twice"},
		{"unknown acled column", "event_id_cnty,event_date,mood\n", "auto", `unknown CSV column(s) "mood"`},
		{"empty csv", "", "csv", "header row is required"},
		{"bad gzip", "\x1f\x8bnot gzip at all", "auto", "gzip"},
		{"nul bytes", strings.Repeat("\x00", 1000), "auto", "NUL bytes"},
		{"one nul byte", "\x00", "auto", "NUL bytes"},
		{"nul bytes after blank lines", "\n\n" + strings.Repeat("\x00", 1000), "auto", "NUL bytes where its text should start (byte 2)"},
		{"nul bytes as ndjson", strings.Repeat("\x00", 1000), "ndjson", "NUL bytes"},
		{"nul bytes as json", strings.Repeat("\x00", 1000), "json", "NUL bytes"},
		{"nul bytes as csv", strings.Repeat("\x00", 1000), "csv", "NUL bytes"},
		{"nul bytes as acled", strings.Repeat("\x00", 1000), "acled", "NUL bytes"},
		{"gzipped nul bytes", gzipString(strings.Repeat("\x00", 1<<20)), "auto", "NUL bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := NewDecoder(strings.NewReader(tt.input), tt.format)
			if err == nil || !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(tt.want)) {
				t.Fatalf("got error %v, want one containing %q", err, tt.want)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("got %v, want an error wrapping ErrInvalid", err)
			}
		})
	}
	_, _, err := NewDecoder(strings.NewReader("date,colour\n"), "csv")
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "colour" {
		t.Errorf("got %#v, want a *FieldError for colour", err)
	}
}

func TestDecodeBadRecords(t *testing.T) {
	const ok = `{"date":"2016-09-17","event_type":"Battles","lat":1,"lon":2}`
	tests := []struct {
		name, input string
		wantN       int
		wantErrs    []string // "index:field"
		wantMsg     string   // in the first error
	}{
		{"ndjson", ok + "\n{broken\n" + ok + "\n" + `{"date":"2016-09-17","colour":"red"}` + "\n\n" + `{"fatalities":"many"}` + "\n" + ok + "\n" + "[1]\n",
			7, []string{"1:", "3:colour", "4:fatalities", "6:"}, "malformed JSON"},
		{"array", "[" + ok + `,{"lat":"north"},` + ok + `,17,{"type":"Feature","geometry":{"type":"Polygon","coordinates":[]}}]`,
			5, []string{"1:lat", "3:", "4:geometry"}, "lat must be a number"},
		{"geojson", `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,"properties":{"x":1}},{"type":"Feature","geometry":null,"properties":{}}]}`,
			2, []string{"0:x"}, `unknown field "x"`},
		{"csv", "date,event_type,fatalities,lat,lon,geo_precision\n2016-09-17,Battles,abc,1,2,1\n2016-09-17,Battles,3,1,2,1\n2016-09-17,Battles,3,x,2,1\n2016-09-17,Battles\n2016-09-17,Battles,3,1,2,9\n2016-09-17,Battles,3.0,1,2,1\n",
			6, []string{"0:fatalities", "2:lat", "3:", "4:geo_precision"}, `fatalities "abc" is not an integer`},
		{"csv bad quote", "date,event_type\n2016-09-17,Bat\"tles\n2016-09-18,Battles\n", 2, []string{"0:"}, "line 2"},
		{"acled csv", "event_id_cnty,event_date,latitude,longitude,iso,country,time_precision\nA,2016-09-17,1,2,760,Syria,1\nB,someday,1,2,760,Syria,1\nC,2016-09-17,1,east,760,Syria,1\nD,2016-09-17,1,2,999,,1\nE,2016-09-17,1,2,,Narnia,1\nF,2016-09-17,1,2,999,Syria,4\nG,2016-09-17,1,2,999,Syria,1\n",
			7, []string{"1:date", "2:lon", "3:country", "4:country", "5:date_precision"}, `event_date "someday" is not a date`},
		{"acled json", `[{"event_id_cnty":"A","event_date":"2016-09-17"},{"event_id_cnty":"B","event_date":"2016-09-17","mood":"x"},{"event_id_cnty":"C","latitude":[1]},{"event_id_cnty":"D","fatalities":"1.5"}]`,
			4, []string{"1:mood", "2:latitude", "3:fatalities"}, `unknown ACLED field "mood"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, _ := decodeString(t, tt.input, "auto")
			if len(recs) != tt.wantN {
				t.Fatalf("records: got %d, want %d", len(recs), tt.wantN)
			}
			for i, r := range recs {
				if r.Index != i {
					t.Errorf("record %d: got index %d", i, r.Index)
				}
			}
			if got := errFields(recs); !reflect.DeepEqual(got, tt.wantErrs) {
				t.Errorf("errors: got %q, want %q", got, tt.wantErrs)
			}
			for _, r := range recs {
				if r.Err != nil {
					if !strings.Contains(r.Err.Error(), tt.wantMsg) {
						t.Errorf("first error: got %q, want it to contain %q", r.Err, tt.wantMsg)
					}
					break
				}
			}
		})
	}
}

func TestDecodeErrorKeepsSourceID(t *testing.T) {
	input := `[{"source_id":"abc","lat":"x"},{"type":"Feature","properties":{"source_id":"f1","bad":1}}]`
	recs, _ := decodeString(t, input, "auto")
	for i, want := range []string{"abc", "f1"} {
		if recs[i].Err == nil || recs[i].Incident.SourceID != want {
			t.Errorf("record %d: got source_id %q (err %v), want %q", i, recs[i].Incident.SourceID, recs[i].Err, want)
		}
	}
	recs, _ = decodeString(t, "source_id,fatalities\nxyz,lots\n", "csv")
	if recs[0].Err == nil || recs[0].Incident.SourceID != "xyz" {
		t.Errorf("csv: got source_id %q (err %v), want xyz", recs[0].Incident.SourceID, recs[0].Err)
	}
}

func TestDecodeStreamErrors(t *testing.T) {
	const ok = `{"date":"2016-09-17","event_type":"Battles","lat":1,"lon":2}`
	tests := []struct {
		name, input string
		wantBefore  int // records yielded before the error
		wantMsg     string
	}{
		{"array broken", "[" + ok + "," + ok + ",{]", 2, "malformed JSON"},
		{"array truncated", "[" + ok + "," + ok, 2, "ends in the middle"},
		{"array missing comma", "[" + ok + " " + ok + "]", 1, "malformed JSON"},
		{"array trailing data", "[" + ok + "] x", 1, "malformed JSON"},
		{"collection broken", `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,"properties":{}},]}`, 1, "malformed JSON"},
		{"collection wrong type", `{"features":[],"type":"Topology"}`, 0, "not FeatureCollection"},
		{"collection features not array", `{"type":"FeatureCollection","features":{}}`, 0, "must be an array"},
		{"acled api without data", `{"status":403,"data":[],"error":{"message":"denied"}}`, 0, ""},
		{"pretty stream broken", "{\n\"date\":\"2016-09-17\"\n}\n{\n\"date\":", 1, "ends in the middle"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dec, _, err := NewDecoder(strings.NewReader(tt.input), "auto")
			if err != nil {
				t.Fatalf("NewDecoder: %v", err)
			}
			n := 0
			for {
				_, err = dec.Next()
				if err != nil {
					break
				}
				n++
			}
			if n != tt.wantBefore {
				t.Errorf("records before the error: got %d, want %d", n, tt.wantBefore)
			}
			if tt.wantMsg == "" {
				if err != io.EOF {
					t.Errorf("got %v, want io.EOF", err)
				}
				return
			}
			if err == io.EOF || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Fatalf("got %v, want an error containing %q", err, tt.wantMsg)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("got %v, want it to wrap ErrInvalid", err)
			}
			if _, again := dec.Next(); again != err {
				t.Errorf("second Next: got %v, want the same error", again)
			}
		})
	}
}

func TestDecodeLongLine(t *testing.T) {
	const ok = `{"date":"2016-09-17","event_type":"Battles","lat":1,"lon":2}`
	long := `{"notes":"` + strings.Repeat("x", MaxRecordBytes) + `"}`
	recs, _ := decodeString(t, ok+"\n"+long+"\n"+ok+"\n", "ndjson")
	if got := errFields(recs); len(recs) != 3 || !reflect.DeepEqual(got, []string{"1:"}) {
		t.Fatalf("got %d records with errors %q, want 3 with [1:]", len(recs), got)
	}
}

func gzipped(t testing.TB, s string) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestDecodeGzip(t *testing.T) {
	for _, file := range []string{"qgis.geojson", "acled_syria_2016-09.csv", "incidents.ndjson", "scraper.json"} {
		t.Run(file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", file))
			if err != nil {
				t.Fatal(err)
			}
			plain, wantFormat := decodeString(t, string(data), "auto")
			dec, format, err := NewDecoder(bytes.NewReader(gzipped(t, "\uFEFF"+string(data))), "auto")
			if err != nil {
				t.Fatal(err)
			}
			if format != wantFormat {
				t.Errorf("format: got %q, want %q", format, wantFormat)
			}
			if got := decodeAll(t, dec); !reflect.DeepEqual(got, plain) {
				t.Errorf("got %d records that differ from the %d decoded without gzip", len(got), len(plain))
			}
		})
	}
	t.Run("truncated", func(t *testing.T) {
		z := gzipped(t, strings.Repeat(`{"date":"2016-09-17","event_type":"Battles","lat":1,"lon":2}`+"\n", 5000))
		dec, _, err := NewDecoder(bytes.NewReader(z[:len(z)/2]), "auto")
		if err == nil {
			for err == nil {
				_, err = dec.Next()
			}
		}
		if err == io.EOF || !errors.Is(err, ErrInvalid) {
			t.Errorf("got %v, want an ErrInvalid error", err)
		}
	})
}

// producer writes n generated incidents into a pipe, as NDJSON lines or
// as the Features of one FeatureCollection.
func producer(n int, collection bool) io.Reader {
	pr, pw := io.Pipe()
	go func() {
		var b bytes.Buffer
		if collection {
			b.WriteString(`{"type":"FeatureCollection","name":"generated","features":[`)
		}
		for i := 0; i < n; i++ {
			props := fmt.Sprintf(`{"source_id":"gen-%d","date":"2016-09-%02d","event_type":"Explosions/Remote violence","sub_event_type":"Air/drone strike","actor1":"Military Forces of Syria","place":"Aleppo","country":"SY","fatalities":%d,"notes":"generated record number %d for the memory test","sources":["SOHR","Reuters"]`,
				i, i%30+1, i%50, i)
			if collection {
				if i > 0 {
					b.WriteByte(',')
				}
				fmt.Fprintf(&b, `{"type":"Feature","geometry":{"type":"Point","coordinates":[37.1%d,36.2%d]},"properties":%s}}`+"\n", i, i, props)
			} else {
				fmt.Fprintf(&b, `%s,"lat":36.2%d,"lon":37.1%d}`+"\n", props, i, i)
			}
			if b.Len() > 32<<10 || i == n-1 {
				if _, err := pw.Write(b.Bytes()); err != nil {
					return
				}
				b.Reset()
			}
		}
		if collection {
			b.WriteString(`],"bbox":[35,32,42,37]}`)
			pw.Write(b.Bytes())
		}
		pw.Close()
	}()
	return pr
}

func TestDecodeMemoryFlat(t *testing.T) {
	for _, tt := range []struct {
		format string
		n      int
	}{{"ndjson", 200_000}, {"geojson", 50_000}} {
		t.Run(tt.format, func(t *testing.T) {
			n := tt.n
			if testing.Short() || raceEnabled {
				n /= 10
			}
			dec, format, err := NewDecoder(producer(n, tt.format == "geojson"), "auto")
			if err != nil {
				t.Fatal(err)
			}
			if format != tt.format {
				t.Fatalf("format: got %q, want %q", format, tt.format)
			}
			var ms runtime.MemStats
			var peak uint64
			count := 0
			for {
				rec, err := dec.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				if rec.Err != nil {
					t.Fatalf("record %d: %v", rec.Index, rec.Err)
				}
				count++
				if count%(n/10) == 0 {
					runtime.GC()
					runtime.ReadMemStats(&ms)
					peak = max(peak, ms.HeapInuse)
				}
			}
			if count != n {
				t.Fatalf("records: got %d, want %d", count, n)
			}
			// The input is about 300 bytes a record (60 MB for 200,000
			// NDJSON records); a decoder that kept records or input would
			// hold far more than this.
			t.Logf("%d records, peak heap in use %.1f MB", n, float64(peak)/(1<<20))
			const limit = 32 << 20
			if peak > limit {
				t.Errorf("heap in use: got %d MB at peak, want at most %d MB", peak>>20, limit>>20)
			}
		})
	}
}

func BenchmarkDecodeNDJSON(b *testing.B) {
	benchmarkDecode(b, func(w io.Writer, i int) {
		fmt.Fprintf(w, `{"source_id":"gen-%d","date":"2016-09-17","event_type":"Explosions/Remote violence","sub_event_type":"Air/drone strike","actor1":"Military Forces of Syria","place":"Aleppo","country":"SY","lat":36.2%d,"lon":37.1%d,"fatalities":%d,"sources":["SOHR","Reuters"]}`+"\n", i, i, i, i%50)
	}, "")
}

// BenchmarkDecodeGeoJSON decodes the records of BenchmarkDecodeNDJSON as
// the Features of one FeatureCollection, as QGIS and ogr2ogr write them.
func BenchmarkDecodeGeoJSON(b *testing.B) {
	benchmarkDecodeCollection(b, `{"type":"FeatureCollection","name":"incidents","features":[`, "]}", func(w io.Writer, i int) {
		fmt.Fprintf(w, `{"type":"Feature","properties":{"source_id":"gen-%d","date":"2016-09-17","event_type":"Explosions/Remote violence","sub_event_type":"Air/drone strike","actor1":"Military Forces of Syria","place":"Aleppo","country":"SY","fatalities":%d,"sources":["SOHR","Reuters"]},"geometry":{"type":"Point","coordinates":[37.1%d,36.2%d]}}`, i, i%50, i, i)
	})
}

// BenchmarkDecodeJSONArray decodes the records of BenchmarkDecodeNDJSON as
// one JSON array.
func BenchmarkDecodeJSONArray(b *testing.B) {
	benchmarkDecodeCollection(b, "[", "]", func(w io.Writer, i int) {
		fmt.Fprintf(w, `{"source_id":"gen-%d","date":"2016-09-17","event_type":"Explosions/Remote violence","sub_event_type":"Air/drone strike","actor1":"Military Forces of Syria","place":"Aleppo","country":"SY","lat":36.2%d,"lon":37.1%d,"fatalities":%d,"sources":["SOHR","Reuters"]}`, i, i, i, i%50)
	})
}

// benchmarkDecodeCollection runs benchmarkDecode over records separated
// by ",\n" between head and tail.
func benchmarkDecodeCollection(b *testing.B, head, tail string, record func(io.Writer, int)) {
	benchmarkDecode(b, func(w io.Writer, i int) {
		if i > 0 {
			io.WriteString(w, ",\n")
		}
		record(w, i)
		if i == 9_999 {
			io.WriteString(w, tail)
		}
	}, head)
}

func BenchmarkDecodeCSV(b *testing.B) {
	benchmarkDecode(b, func(w io.Writer, i int) {
		fmt.Fprintf(w, "gen-%d,2016-09-17,Explosions/Remote violence,Air/drone strike,Military Forces of Syria,Aleppo,SY,36.2%d,37.1%d,%d,SOHR; Reuters\n", i, i, i, i%50)
	}, "source_id,date,event_type,sub_event_type,actor1,place,country,lat,lon,fatalities,sources\n")
}

func benchmarkDecode(b *testing.B, line func(io.Writer, int), header string) {
	const n = 10_000
	var buf bytes.Buffer
	buf.WriteString(header)
	for i := 0; i < n; i++ {
		line(&buf, i)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	records := 0
	for b.Loop() {
		dec, _, err := NewDecoder(bytes.NewReader(data), "auto")
		if err != nil {
			b.Fatal(err)
		}
		for {
			rec, err := dec.Next()
			if err == io.EOF {
				break
			}
			if err != nil || rec.Err != nil {
				b.Fatal(err, rec.Err)
			}
			records++
		}
	}
	b.ReportMetric(float64(records)/b.Elapsed().Seconds(), "records/s")
}

func gzipString(s string) string {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(s))
	zw.Close()
	return buf.String()
}

// TestGzippedNULsRefusedEarly feeds a 3 GiB run of NUL bytes, gzipped as
// it is written (what a crash leaves in a preallocated file, compressed):
// it must be refused as a format error after its start, not decompressed
// to the end and taken for an empty input.
func TestGzippedNULsRefusedEarly(t *testing.T) {
	pr, pw := io.Pipe()
	written := make(chan int64, 1)
	go func() {
		var n int64
		zw, _ := gzip.NewWriterLevel(pw, gzip.BestSpeed)
		zeros := make([]byte, 1<<20)
		for n < 3<<30 {
			if _, err := zw.Write(zeros); err != nil {
				break // the decoder stopped reading
			}
			n += int64(len(zeros))
		}
		pw.CloseWithError(zw.Close())
		written <- n
	}()
	_, _, err := NewDecoder(pr, "auto")
	pr.Close()
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "format" || !strings.Contains(fe.Msg, "NUL") {
		t.Fatalf("got %v, want a *FieldError on format about NUL bytes", err)
	}
	if n := <-written; n > 64<<20 {
		t.Fatalf("the decoder made %d MiB of NULs be compressed before it stopped, want it to stop at the start", n>>20)
	}
}

// TestValueReaderAgreesWithEncodingJSON checks that arrays and
// FeatureCollections split into the records encoding/json finds, however
// the input arrives (strings with escaped quotes and backslashes, brackets
// inside strings, a chunk boundary at every byte), and that malformed JSON
// ends the stream where encoding/json says it is malformed.
func TestValueReaderAgreesWithEncodingJSON(t *testing.T) {
	records := []string{
		`{"date":"2016-09-17","event_type":"Battles","lat":1,"lon":2}`,
		`{"notes":"a \"quoted\" word, a [bracket] and a {brace}","date":"2016-09-17"}`,
		`{"notes":"ends in a backslash \\","date":"2016-09-17"}`,
		`{"notes":"\\\"\\\\","x":[1,[2,{"y":"]"}]]}`,
		`{"notes":"é ü \u00e9 \ud83d\ude00"}`,
		`17`, `"a string"`, `null`, `true`, `[1,2]`, `{}`,
		`{"type":"Feature","geometry":{"type":"Point","coordinates":[37.1,36.2]},"properties":{"date":"2016-09-17","event_type":"Battles","notes":"x}"}}`,
	}
	inputs := map[string]string{
		"array":      "[" + strings.Join(records, ",\n ") + "]",
		"collection": `{"type":"FeatureCollection","name":"a \"b\" ]}","bbox":[1,2,3,4],"features":[` + strings.Join(records, ",") + `],"crs":{"x":"}"}}`,
		"empty":      `{"features":[ ]}`,
	}
	for name, input := range inputs {
		for _, oneByte := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/onebyte=%v", name, oneByte), func(t *testing.T) {
				var r io.Reader = strings.NewReader(input)
				if oneByte {
					r = iotest.OneByteReader(r)
				}
				var src rawSource = newArraySource(r)
				var want []json.RawMessage
				if name == "array" {
					if err := json.Unmarshal([]byte(input), &want); err != nil {
						t.Fatal(err)
					}
				} else {
					src = newCollectionSource(r, "features")
					var fc struct{ Features []json.RawMessage }
					if err := json.Unmarshal([]byte(input), &fc); err != nil {
						t.Fatal(err)
					}
					want = fc.Features
				}
				var got []string
				for {
					raw, recErr, err := src.next()
					if err == io.EOF {
						break
					}
					if err != nil || recErr != nil {
						t.Fatalf("record %d: %v %v", len(got), recErr, err)
					}
					got = append(got, string(raw))
				}
				if len(got) != len(want) {
					t.Fatalf("got %d records %q, want %d", len(got), got, len(want))
				}
				for i := range want {
					if got[i] != string(want[i]) {
						t.Errorf("record %d: got %s, want %s", i, got[i], want[i])
					}
				}
			})
		}
	}

	// Malformed records: the stream ends with a malformed-JSON error after
	// the records before them.
	const ok = `{"date":"2016-09-17","event_type":"Battles","lat":1,"lon":2}`
	for _, bad := range []string{`{"date":"2016-09-17",}`, `{"date" "x"}`, `{"notes":"a` + "\n" + `b"}`, `{"a":[1,}`, `{"a":tru}`, `{]`, `nul`} {
		for _, wrap := range []string{"[%s]", `{"type":"FeatureCollection","features":[%s]}`} {
			input := fmt.Sprintf(wrap, ok+","+bad+","+ok)
			dec, _, err := NewDecoder(strings.NewReader(input), "auto")
			if err != nil {
				t.Fatalf("%s: %v", input, err)
			}
			n := 0
			for {
				rec, err := dec.Next()
				if err != nil {
					if err == io.EOF || !strings.Contains(err.Error(), "malformed JSON") || !errors.Is(err, ErrInvalid) {
						t.Errorf("%s: got %v after %d records, want a malformed-JSON error", input, err, n)
					}
					break
				}
				if rec.Err != nil {
					t.Errorf("%s: record %d: %v, want the stream to end", input, rec.Index, rec.Err)
				}
				n++
			}
			if n != 1 {
				t.Errorf("%s: %d records before the error, want 1", input, n)
			}
		}
	}
}
