package main

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/mapd/mapd/gazetteer"
)

// geocodeGazetteer holds the default gazetteer, loaded once for these tests.
var geocodeGazetteer struct {
	once sync.Once
	gz   *gazetteer.Gazetteer
	err  error
}

func sharedGazetteer(t *testing.T) *gazetteer.Gazetteer {
	t.Helper()
	geocodeGazetteer.once.Do(func() {
		geocodeGazetteer.gz, geocodeGazetteer.err = loadGazetteer(context.Background(), nil)
	})
	if geocodeGazetteer.err != nil {
		t.Fatal(geocodeGazetteer.err)
	}
	return geocodeGazetteer.gz
}

func TestGeocodeHelp(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := runGeocode(context.Background(), []string{"--help"}, nil, &stdout, &stderr); code != 0 {
		t.Errorf("got exit %d, want 0", code)
	}
	if !strings.Contains(stderr.String(), "Usage: mapd geocode") {
		t.Errorf("got %q, want the usage", stderr.String())
	}
}

func TestGeocodeUsageErrors(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		stdin string
		env   map[string]string
		want  string
	}{
		{name: "no names", args: nil, want: "give one or more NAMEs"},
		{name: "bad country", args: []string{"--country", "Syria", "Homs"}, want: "not an ISO 3166-1 alpha-2 code"},
		{name: "bad country from env", args: []string{"Homs"}, env: map[string]string{"MAPD_COUNTRY": "SYR"}, want: "not an ISO 3166-1 alpha-2 code"},
		{name: "limit zero", args: []string{"--limit", "0", "Homs"}, want: "--limit 0"},
		{name: "unknown flag", args: []string{"--nope", "Homs"}, want: "flag provided but not defined"},
		{name: "missing gazetteer", args: []string{"--gazetteer", "/nonexistent/SY.txt", "Homs"}, want: "/nonexistent/SY.txt"},
		{name: "missing gazetteer from env", args: []string{"Homs"}, env: map[string]string{"MAPD_GAZETTEER": "a.txt,/nonexistent/b.txt"}, want: "a.txt"},
		{name: "empty stdin", args: []string{"-"}, stdin: "\n\n", want: "no names on standard input"},
		{name: "bad stdin country", args: []string{"-"}, stdin: "Homs\tSyria\n", want: "line 1: country"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			var stdout, stderr bytes.Buffer
			code := runGeocode(context.Background(), tt.args, strings.NewReader(tt.stdin), &stdout, &stderr)
			if code != 2 {
				t.Errorf("got exit %d, want 2", code)
			}
			if !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("got stderr %q, want it to contain %q", stderr.String(), tt.want)
			}
		})
	}
}

// TestGeocodeJSON runs the whole command with an extra gazetteer file.
func TestGeocodeJSON(t *testing.T) {
	extra := filepath.Join("..", "..", "gazetteer", "testdata", "admin1CodesASCII-sample.txt")
	args := []string{"--json", "--limit", "3", "--gazetteer", extra, "Deir Ezzor", "Deir ez-Zor Governorate", "Xqzvwplk"}
	var stdout, stderr bytes.Buffer
	code := runGeocode(context.Background(), args, nil, &stdout, &stderr)
	if code != 1 {
		t.Errorf("got exit %d, want 1 (one name not found); stderr %q", code, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d lines, want 3:\n%s", len(lines), stdout.String())
	}
	type line struct {
		Query string `json:"query"`
		Match *struct {
			GeonameID   int64   `json:"geonameid"`
			Name        string  `json:"name"`
			Country     string  `json:"country"`
			Admin1      string  `json:"admin1"`
			Lat         float64 `json:"lat"`
			Lon         float64 `json:"lon"`
			FeatureCode string  `json:"feature_code"`
			Population  int64   `json:"population"`
			Score       float64 `json:"score"`
		} `json:"match"`
		Alternatives []json.RawMessage `json:"alternatives"`
	}
	var got [3]line
	for i, l := range lines {
		if err := json.Unmarshal([]byte(l), &got[i]); err != nil {
			t.Fatalf("line %d: %v: %s", i+1, err, l)
		}
	}
	if m := got[0].Match; m == nil || m.GeonameID != 170794 || m.Name != "Deir ez-Zor" || m.Country != "SY" ||
		m.Admin1 != "Deir ez-Zor" || m.Lat != 35.33588 || m.Lon != 40.14084 || m.FeatureCode != "PPLA" ||
		m.Population != 242565 || m.Score < 0.6 || m.Score > 1 {
		t.Errorf("line 1: got %s, want Deir ez-Zor 170794", lines[0])
	}
	if got[0].Query != "Deir Ezzor" || len(got[0].Alternatives) > 2 {
		t.Errorf("line 1: got query %q with %d alternatives, want Deir Ezzor with at most 2", got[0].Query, len(got[0].Alternatives))
	}
	// admin1CodesASCII gives the region its GeoNames id.
	if m := got[1].Match; m == nil || m.GeonameID != 170792 || m.FeatureCode != "ADM1" {
		t.Errorf("line 2: got %s, want the region 170792", lines[1])
	}
	if !strings.Contains(lines[2], `"match":null`) || !strings.Contains(lines[2], `"alternatives":[]`) {
		t.Errorf("line 3: got %s, want match null and no alternatives", lines[2])
	}
}

// TestGeocodeStdin reads NAME<TAB>CC lines and prints text; the countries
// of the other names steer Palmyra to Syria.
func TestGeocodeStdin(t *testing.T) {
	gz := sharedGazetteer(t)
	docs, err := readGeocodeDocuments(strings.NewReader("Palmyra\r\nRaqqa\n\n  \nHoms\tLY\nDeir Ezzor\t\nHoms\x00\n\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 2 || len(docs[0]) != 2 || len(docs[1]) != 3 {
		t.Fatalf("got documents %v, want 2 and 3 names", docs)
	}
	var stdout, stderr bytes.Buffer
	code := geocode(context.Background(), gz, &geocodeOptions{limit: 5}, docs, &stdout, &stderr)
	if code != 1 {
		t.Errorf("got exit %d, want 1 (one invalid name)", code)
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	want := []string{
		"Palmyra\tTadmur (Homs, SY)",
		"Raqqa\tAr Raqqah (Raqqa, SY)",
		"Homs\tAl Khums (Al Marqab, LY)",
		"Deir Ezzor\tDeir ez-Zor (SY)",
		"Homs\x00\tinvalid:",
	}
	if len(lines) != len(want) {
		t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(want), stdout.String())
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d: got %q, want it to start with %q", i+1, lines[i], w)
		}
	}
}

func TestGeocodeAllFound(t *testing.T) {
	gz := sharedGazetteer(t)
	docs := [][]gazetteer.Mention{{{Name: "Homs province"}, {Name: "Mosul", Country: "IQ"}}}
	var stdout, stderr bytes.Buffer
	if code := geocode(context.Background(), gz, &geocodeOptions{limit: 1, json: true}, docs, &stdout, &stderr); code != 0 {
		t.Errorf("got exit %d, want 0; stderr %q", code, stderr.String())
	}
	for i, l := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
		var r gazetteer.Result
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		if r.Match == nil || len(r.Alternatives) != 0 {
			t.Errorf("line %d: got %s, want a match and no alternatives (limit 1)", i+1, l)
		}
	}
}

func TestLoadGazetteerFile(t *testing.T) {
	sample, err := os.ReadFile(filepath.Join("..", "..", "gazetteer", "testdata", "SY-sample.txt"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var gzBuf bytes.Buffer
	zw := gzip.NewWriter(&gzBuf)
	zw.Write(sample)
	zw.Close()
	var zipBuf bytes.Buffer
	zipw := zip.NewWriter(&zipBuf)
	w, _ := zipw.Create("SY.txt")
	w.Write(sample)
	zipw.Close()
	files := map[string][]byte{"SY.txt": sample, "SY.txt.gz": gzBuf.Bytes(), "SY.zip": zipBuf.Bytes()}
	for name, data := range files {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			gz := gazetteer.New()
			var stderr bytes.Buffer
			if err := loadGazetteerFile(context.Background(), gz, path, &stderr); err != nil {
				t.Fatal(err)
			}
			if gz.Len() != 8 {
				t.Errorf("got %d places, want 8", gz.Len())
			}
			if stderr.Len() != 0 {
				t.Errorf("got stderr %q, want nothing when it is no terminal", stderr.String())
			}
		})
	}
	bad := filepath.Join(dir, "bad.txt")
	os.WriteFile(bad, append(sample, "1\tX\n"...), 0o644)
	err = loadGazetteerFile(context.Background(), gazetteer.New(), bad, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "bad.txt:10:") {
		t.Errorf("got %v, want an error naming bad.txt:10", err)
	}
}

// TestGeocodeContext checks that a name alone ambiguous takes the country
// of the other names: Samarra among Iraqi towns is Iraq's, not Samara.
func TestGeocodeContext(t *testing.T) {
	gz := sharedGazetteer(t)
	docs := [][]gazetteer.Mention{{{Name: "Samarra"}, {Name: "Mosul"}, {Name: "Ramadi"}}}
	var stdout, stderr bytes.Buffer
	if code := geocode(context.Background(), gz, &geocodeOptions{limit: 3, json: true}, docs, &stdout, &stderr); code != 0 {
		t.Fatalf("got exit %d, want 0; stderr %q", code, stderr.String())
	}
	var r gazetteer.Result
	first, _, _ := strings.Cut(stdout.String(), "\n")
	if err := json.Unmarshal([]byte(first), &r); err != nil {
		t.Fatal(err)
	}
	if r.Match == nil || r.Match.GeonameID != 91597 {
		t.Errorf("got %s, want Samarra 91597 in Iraq", first)
	}
}

// TestGeocodeDocuments checks that a blank line ends a document: the same
// name reads differently with different neighbours, and blank lines print
// nothing.
func TestGeocodeDocuments(t *testing.T) {
	gz := sharedGazetteer(t)
	stdin := "\n\nSamarra\nMosul\nRamadi\n\n\n \nSamarra\nSaratov\nTolyatti\n\n"
	var stdout, stderr bytes.Buffer
	code := runGeocodeWith(t, gz, []string{"--json", "-"}, stdin, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("got exit %d, want 0; stderr %q", code, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if len(lines) != 6 {
		t.Fatalf("got %d lines, want 6 (blank lines print nothing):\n%s", len(lines), stdout.String())
	}
	wantCountry := []string{"IQ", "IQ", "IQ", "RU", "RU", "RU"}
	for i, l := range lines {
		var r gazetteer.Result
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		if r.Match == nil || r.Match.Country != wantCountry[i] || r.Match.Kind != gazetteer.KindPlace {
			t.Errorf("line %d: got %s, want a place in %s", i+1, l, wantCountry[i])
		}
	}
}

// runGeocodeWith runs the geocode command over gz with args and stdin.
func runGeocodeWith(t *testing.T, gz *gazetteer.Gazetteer, args []string, stdin string, stdout, stderr io.Writer) int {
	t.Helper()
	opts, done, code := parseGeocodeFlags(args, stderr)
	if done {
		return code
	}
	docs, err := geocodeDocuments(opts, strings.NewReader(stdin))
	if err != nil {
		t.Fatal(err)
	}
	return geocode(context.Background(), gz, opts, docs, stdout, stderr)
}
