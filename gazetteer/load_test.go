package gazetteer

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unsafe"
)

// loadSample loads the testdata files in the order a user would name them.
func loadSample(t *testing.T, files ...string) *Gazetteer {
	t.Helper()
	g := New()
	for _, f := range files {
		if err := g.LoadFile(context.Background(), filepath.Join("testdata", f)); err != nil {
			t.Fatalf("LoadFile(%s): %v", f, err)
		}
	}
	return g
}

func TestLoadFile(t *testing.T) {
	g := loadSample(t, "SY-sample.txt", "admin1CodesASCII-sample.txt", "countryInfo-sample.txt")
	// 7 places and 1 region from the geoname table (the hotel is skipped),
	// 3 more regions from the admin1 codes, 2 countries.
	if got, want := g.Len(), 13; got != want {
		t.Errorf("got Len %d, want %d", got, want)
	}
	tests := []struct {
		query, country string
		want           int64
		admin1         string
	}{
		{"Deir Ezzor", "", 170794, "Deir ez-Zor"},
		{"Dayr az Zawr", "", 170794, "Deir ez-Zor"},
		{"Deir ez-Zor Governorate", "", 170792, "Deir ez-Zor"},
		{"Homs province", "", 169575, "Homs"},
		{"Homs", "", 169577, "Homs"},
		{"Homs", "LY", 2219905, "Al Marqab"},
		{"Talbiseh", "", 163779, "Homs"},
		{"Syria", "", 163843, ""},
		{"Palmyra", "SY", 163808, "Homs"},
	}
	for _, tt := range tests {
		t.Run(tt.query+"/"+tt.country, func(t *testing.T) {
			res, err := g.Resolve(context.Background(), Query{Name: tt.query, Country: tt.country})
			if err != nil {
				t.Fatal(err)
			}
			if res.Match == nil {
				t.Fatalf("got no match, want %d", tt.want)
			}
			if res.Match.GeonameID != tt.want || res.Match.Admin1 != tt.admin1 {
				t.Errorf("got %d (admin1 %q), want %d (admin1 %q)", res.Match.GeonameID, res.Match.Admin1, tt.want, tt.admin1)
			}
		})
	}
	// Regions read from admin1CodesASCII lie at their seat.
	homs, ok := g.Get(169575)
	if !ok || homs.Lat != 34.72682 || homs.Lon != 36.72339 || homs.FeatureCode != "ADM1" {
		t.Errorf("got %+v, want the Homs region at the city's point", homs)
	}
	// The region from the geoname table keeps its own point.
	deir, _ := g.Get(170792)
	if deir.Lat != 35.0 || deir.Lon != 40.5 {
		t.Errorf("got %v,%v, want 35,40.5", deir.Lat, deir.Lon)
	}
}

func TestLoadCompressed(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "SY-sample.txt"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(raw)
	zw.Close()
	var zipped bytes.Buffer
	zipw := zip.NewWriter(&zipped)
	for name, data := range map[string][]byte{"SY.txt": raw, "readme.txt": []byte("not data\n")} {
		w, err := zipw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	zipw.Close()
	files := map[string][]byte{"SY.txt.gz": gz.Bytes(), "SY.zip": zipped.Bytes(), "renamed.dat": gz.Bytes()}
	for name, data := range files {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			g := New()
			if err := g.LoadFile(context.Background(), path); err != nil {
				t.Fatalf("LoadFile: %v", err)
			}
			if got := g.Len(); got != 8 {
				t.Errorf("got Len %d, want 8", got)
			}
			g2 := New()
			if err := g2.Load(context.Background(), name, bytes.NewReader(data)); err != nil {
				t.Fatalf("Load: %v", err)
			}
			if got := g2.Len(); got != 8 {
				t.Errorf("Load: got Len %d, want 8", got)
			}
		})
	}
}

func TestLoadMalformed(t *testing.T) {
	good, err := os.ReadFile(filepath.Join("testdata", "SY-sample.txt"))
	if err != nil {
		t.Fatal(err)
	}
	firstLine := string(good[:bytes.IndexByte(good, '\n')+1])
	row := func(lat, lon, pop string) string {
		return "1\tX\tX\t\t" + lat + "\t" + lon + "\tP\tPPL\tSY\t\t01\t\t\t\t" + pop + "\t\t\t\t\n"
	}
	tests := []struct {
		name, content, want string
	}{
		{"not geonames", "hello world\n", "bad.txt:1: not a GeoNames"},
		{"two columns", "170794\tDeir\n", "bad.txt:1: not a GeoNames"},
		{"short row", firstLine + "1\tX\tX\n", "bad.txt:2: 3 tab-separated columns, want 19"},
		{"bad latitude", row("abc", "40", "1"), "bad.txt:1: latitude \"abc\""},
		{"latitude out of range", firstLine + firstLine + row("95", "40", "1"), "bad.txt:3: latitude \"95\""},
		{"longitude NaN", row("10", "NaN", "1"), "bad.txt:1: longitude"},
		{"negative population", row("10", "10", "-5"), "bad.txt:1: population"},
		{"bad id", firstLine + "17x" + firstLine[strings.IndexByte(firstLine, '\t'):], "bad.txt:2: geonameid"},
		{"empty name", "1\t\tX\t\t10\t10\tP\tPPL\tSY\t\t01\t\t\t\t0\t\t\t\t\n", "bad.txt:1: empty name"},
		{"admin1 short", "SY.07\tDeir\tDeir\t1\nSY.08\tX\n", "bad.txt:2: 2 tab-separated columns, want 4"},
		{"admin1 bad code", "SY.07\tDeir\tDeir\t1\nSY08\tX\tX\t2\n", "bad.txt:2: admin1 code"},
		{"country bad id", "#c\nSY\tSYR\t760\tSY\tSyria\tDamascus\t1\t1\tAS\t.sy\tSYP\tPound\t963\t\t\tar\tx\t\t\n", "bad.txt:2: geonameid"},
		{"empty", "", "bad.txt: no data"},
		{"only comments", "# nothing\n\n", "bad.txt: no data"},
		{"binary", "\x00\x01\x02\x03\xff\xfe", "bad.txt:1: not a GeoNames"},
		{"long line", strings.Repeat("x", maxLine+10), "bad.txt:1: line longer than"},
		{"broken gzip", "\x1f\x8b\x08\x00garbage", "bad.txt"},
		{"broken zip", "PK\x03\x04garbage", "bad.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := New()
			err := g.Load(context.Background(), "bad.txt", strings.NewReader(tt.content))
			if err == nil {
				t.Fatalf("got no error, want %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "gazetteer: ") {
				t.Errorf("got error %q, want it to contain %q", err, tt.want)
			}
			if g.Len() != 0 {
				t.Errorf("got Len %d after a failed load, want 0", g.Len())
			}
		})
	}
}

func TestLoadFileMissing(t *testing.T) {
	err := New().LoadFile(context.Background(), filepath.Join(t.TempDir(), "nope.txt"))
	if err == nil || !strings.Contains(err.Error(), "nope.txt") {
		t.Errorf("got %v, want an error naming nope.txt", err)
	}
}

func TestLoadCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var sb strings.Builder
	for i := range 10_000 {
		fmt.Fprintf(&sb, "%d\tPlace %d\t\t\t10\t10\tP\tPPL\tSY\t\t01\t\t\t\t600\t\t\t\t\n", i+1, i)
	}
	err := New().Load(ctx, "big.txt", strings.NewReader(sb.String()))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

// TestLoadReplacesSyntheticRegion checks that real GeoNames ids from
// admin1CodesASCII.txt and countryInfo.txt replace the synthetic ids of the
// embedded regions and countries, which keep their alternate names.
func TestLoadReplacesSyntheticRegion(t *testing.T) {
	g := loadSample(t, "SY-sample.txt")
	embedded := "-5\tDeir ez-Zor\t\tDayr az Zawr Province,Deir Ezzor\t35.33588\t40.14084\tA\tADM1\tSY\t\t07\t\t\t\t400000\t\t\t\t\n" +
		"-6\tSyrian Arab Republic\t\tSyria\t33.5\t36.3\tA\tPCLI\tSY\t\t00\t\t\t\t8000000\t\t\t\t\n"
	if err := g.Load(context.Background(), "regions", strings.NewReader(embedded)); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"admin1CodesASCII-sample.txt", "countryInfo-sample.txt"} {
		if err := g.LoadFile(context.Background(), filepath.Join("testdata", f)); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []int64{-5, -6} {
		if p, ok := g.Get(id); ok {
			t.Errorf("Get(%d): got %+v, want it replaced", id, p)
		}
	}
	for q, want := range map[string]int64{"Syria": 163843, "Deir Ezzor province": 170792} {
		res, err := g.Resolve(context.Background(), Query{Name: q})
		if err != nil || res.Match == nil {
			t.Fatalf("Resolve(%s): %v, %v", q, res.Match, err)
		}
		if res.Match.GeonameID != want {
			t.Errorf("Resolve(%s): got %d, want %d", q, res.Match.GeonameID, want)
		}
	}
	// The country keeps the embedded point rather than a derived one.
	if p, _ := g.Get(163843); p.Lat != 33.5 || p.Lon != 36.3 {
		t.Errorf("got %v,%v, want the embedded point 33.5,36.3", p.Lat, p.Lon)
	}
}

// TestConcurrentLoadAndResolve runs queries while files load; run it with
// -race.
func TestConcurrentLoadAndResolve(t *testing.T) {
	g := loadSample(t, "SY-sample.txt")
	ctx := context.Background()
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 200 {
				if _, err := g.Resolve(ctx, Query{Name: "Homs province"}); err != nil {
					t.Error(err)
					return
				}
				g.Within(-180, -90, 180, 90, "Homs", 5, 0)
			}
		})
	}
	for _, f := range []string{"admin1CodesASCII-sample.txt", "countryInfo-sample.txt"} {
		if err := g.LoadFile(ctx, filepath.Join("testdata", f)); err != nil {
			t.Error(err)
		}
	}
	wg.Wait()
}

// FuzzLoad feeds arbitrary bytes to the loader: it may fail, never panic,
// and what it loads must be queryable.
func FuzzLoad(f *testing.F) {
	for _, name := range []string{"SY-sample.txt", "admin1CodesASCII-sample.txt", "countryInfo-sample.txt"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		g := New()
		if err := g.Load(context.Background(), "fuzz.txt", bytes.NewReader(data)); err != nil {
			if !strings.HasPrefix(err.Error(), "gazetteer: ") {
				t.Errorf("got error %q, want the gazetteer: prefix", err)
			}
			return
		}
		for _, q := range []string{"Homs", "Deir Ezzor province", "x"} {
			if _, err := g.Resolve(context.Background(), Query{Name: q}); err != nil {
				t.Errorf("Resolve(%s): %v", q, err)
			}
		}
		g.Within(-180, -90, 180, 90, "", 10, 0)
	})
}

func TestEmptyGazetteer(t *testing.T) {
	g := New()
	res, err := g.Resolve(context.Background(), Query{Name: "Homs"})
	if err != nil || res.Match != nil || res.Alternatives == nil || len(res.Alternatives) != 0 {
		t.Errorf("got %+v, %v, want no match and empty alternatives", res, err)
	}
	if places, n := g.Within(-180, -90, 180, 90, "", 10, 0); n != 0 || places == nil {
		t.Errorf("got %v, %d, want no places", places, n)
	}
	if g.Len() != 0 {
		t.Errorf("got Len %d, want 0", g.Len())
	}
	g.Warm()
}

// TestLoadRegionsWithoutPlaces checks that regions read before any place
// stay out of results until places give them a point.
func TestLoadRegionsWithoutPlaces(t *testing.T) {
	g := loadSample(t, "admin1CodesASCII-sample.txt")
	if n := g.Len(); n != 0 {
		t.Errorf("got Len %d, want 0", n)
	}
	if p, ok := g.Get(169575); ok {
		t.Errorf("Get(169575): got %+v, want nothing before places are loaded", p)
	}
	if err := g.LoadFile(context.Background(), filepath.Join("testdata", "SY-sample.txt")); err != nil {
		t.Fatal(err)
	}
	if p, ok := g.Get(169575); !ok || p.Lat != 34.72682 {
		t.Errorf("Get(169575): got %+v, %v, want the Homs region at its seat", p, ok)
	}
}

// TestParseTextCopiesStrings checks that the records and region names of a
// parsed file hold no substring of its text, so that the text (all the
// alternate names of every line) can be freed once parsed.
func TestParseTextCopiesStrings(t *testing.T) {
	for _, file := range []string{"SY-sample.txt", "admin1CodesASCII-sample.txt", "countryInfo-sample.txt"} {
		t.Run(file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", file))
			if err != nil {
				t.Fatal(err)
			}
			text := string(data)
			from := uintptr(unsafe.Pointer(unsafe.StringData(text)))
			inText := func(s string) bool {
				p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
				return s != "" && p >= from && p < from+uintptr(len(text))
			}
			b, err := parseText(context.Background(), file, text, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(b.recs) == 0 {
				t.Fatal("no records")
			}
			for _, rec := range b.recs {
				for _, p := range rec.stringFields() {
					if inText(*p) {
						t.Fatalf("record %d %q holds %q, a substring of the text", rec.id, rec.name, *p)
					}
				}
				if !strings.Contains(text, rec.name) {
					t.Errorf("record %d: name %q is not in the text", rec.id, rec.name)
				}
			}
			for code, name := range b.admin1 {
				if inText(code) || inText(name) {
					t.Errorf("admin1 %q %q is a substring of the text", code, name)
				}
			}
		})
	}
}

// TestEmbeddedIDsUnique checks that no two rows of the embedded data
// share an id: rows of one id merge into one place, so a collision of the
// generator's synthetic ids would lose a region (Lombardy and Liguria
// once merged into two Indonesian regencies).
func TestEmbeddedIDsUnique(t *testing.T) {
	seen := map[int64]string{}
	check := func(b *batch) {
		for _, r := range b.recs {
			if other, dup := seen[r.id]; dup {
				t.Errorf("%s: id %d of %s (%s) is also %s", b.name, r.id, r.name, r.fcode, other)
			}
			seen[r.id] = r.name + " (" + r.fcode + ")"
		}
	}
	for _, name := range []string{"data/places-1.tsv.gz", "data/places-2.tsv.gz", "data/regions.tsv.gz", "data/admin2.tsv.gz"} {
		text, err := gunzipEmbedded(name)
		if err != nil {
			t.Fatal(err)
		}
		b, err := parseText(context.Background(), name, text, 1000)
		if err != nil {
			t.Fatal(err)
		}
		check(b)
	}
	areas, err := defaultData.ReadFile("data/areas.tsv")
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := parseAreas(string(areas))
	if err != nil {
		t.Fatal(err)
	}
	check(b)
}
