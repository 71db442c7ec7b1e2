package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mapd/mapd/incidents"
)

// sampleNDJSON has three valid incidents with coordinates, so that no
// gazetteer is needed.
const sampleNDJSON = `{"source_id":"SYRX0001","date":"2016-09-10","event_type":"Explosions/Remote violence","sub_event_type":"Air/drone strike","actor1":"Military Forces of Syria","place":"Idlib","country":"SY","lat":35.9306,"lon":36.6339,"fatalities":58,"sources":["SOHR","Reuters"],"tags":["market"]}
{"source_id":"SYRX0003","date":"2016-09-17","event_type":"Explosions/Remote violence","actor1":"Military Forces of the United States","actor2":"Military Forces of Syria","place":"Deir ez-Zor","country":"SY","lat":35.3359,"lon":40.1408,"fatalities":62,"geo_precision":2,"notes":"Coalition strikes near the airport, \"by mistake\"."}
{"source_id":"SYRX0004","date":"2016-09-19","event_type":"Violence against civilians","place":"Orem Elkobra","country":"SY","lat":36.1577,"lon":36.8733,"fatalities":20,"injuries":15}
`

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// mapdImport runs "mapd import --json" and returns the exit code and result.
func mapdImport(t *testing.T, args ...string) (int, incidents.ImportResult, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := runImport(context.Background(), append([]string{"--json"}, args...), strings.NewReader(""), &stdout, &stderr)
	var res incidents.ImportResult
	if stdout.Len() > 0 {
		if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
			t.Fatalf("import --json printed %q: %v", stdout.String(), err)
		}
	}
	return code, res, stderr.String()
}

// storedIncidents exports db as NDJSON and returns the incidents without
// id and timestamps, sorted by source_id.
func storedIncidents(t *testing.T, db string) []incidents.Incident {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := runExport(context.Background(), []string{"--db", db, "--format", "ndjson"}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("export: got exit %d, want 0: %s", code, stderr.String())
	}
	dec, _, err := incidents.NewDecoder(&stdout, "ndjson")
	if err != nil {
		t.Fatal(err)
	}
	var out []incidents.Incident
	for {
		rec, err := dec.Next()
		if err != nil {
			break
		}
		if rec.Err != nil {
			t.Fatalf("export record %d: %v", rec.Index, rec.Err)
		}
		in := rec.Incident
		in.ID, in.CreatedAt, in.UpdatedAt = 0, "", ""
		out = append(out, in)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].SourceID < out[j].SourceID })
	return out
}

func TestImportTwice(t *testing.T) {
	db := filepath.Join(t.TempDir(), "mapd.db")
	file := writeFile(t, "in.ndjson", sampleNDJSON)
	code, res, stderr := mapdImport(t, "--db", db, file)
	if code != 0 || res.Received != 3 || res.Inserted != 3 || res.Rejected != 0 {
		t.Fatalf("first import: got exit %d, %+v (%s), want exit 0 and 3 inserted", code, res, stderr)
	}
	code, res, stderr = mapdImport(t, "--db", db, file)
	if code != 0 || res.Inserted != 0 || res.Unchanged != 3 {
		t.Fatalf("second import: got exit %d, %+v (%s), want exit 0, 0 inserted, 3 unchanged", code, res, stderr)
	}
	if got := len(storedIncidents(t, db)); got != 3 {
		t.Errorf("stored: got %d incidents, want 3", got)
	}
}

func TestImportRejects(t *testing.T) {
	bad := sampleNDJSON + `{"source_id":"BAD1","date":"2016-09-20","event_type":"Battles","lat":95,"lon":1}` + "\n" + "{broken\n"
	file := writeFile(t, "in.ndjson", bad)
	t.Run("atomic", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "mapd.db")
		code, res, _ := mapdImport(t, "--db", db, "--atomic", file)
		if code != 1 || res.Received != 5 || res.Rejected != 2 || res.Inserted != 0 {
			t.Fatalf("got exit %d, %+v, want exit 1, 5 received, 2 rejected, 0 inserted", code, res)
		}
		if got := len(storedIncidents(t, db)); got != 0 {
			t.Errorf("stored: got %d incidents, want 0", got)
		}
	})
	t.Run("default", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "mapd.db")
		code, res, _ := mapdImport(t, "--db", db, file)
		if code != 1 || res.Inserted != 3 || res.Rejected != 2 {
			t.Fatalf("got exit %d, %+v, want exit 1, 3 inserted, 2 rejected", code, res)
		}
		want := []incidents.ImportError{
			{Index: 3, SourceID: "BAD1", Field: "lat", Error: "latitude 95 is outside [-90, 90]"},
			{Index: 4, Field: ""},
		}
		if len(res.Errors) != 2 || res.Errors[0] != want[0] || res.Errors[1].Index != 4 {
			t.Errorf("errors: got %+v, want %+v", res.Errors, want)
		}
	})
	t.Run("human summary", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "mapd.db")
		var stdout, stderr bytes.Buffer
		code := runImport(context.Background(), []string{"--db", db, file}, nil, &stdout, &stderr)
		out := stdout.String()
		for _, want := range []string{"5 received, 3 inserted, 0 updated, 0 unchanged, 2 rejected",
			"record 3 (source_id BAD1): lat: latitude 95 is outside [-90, 90]", "record 4: record: malformed JSON"} {
			if !strings.Contains(out, want) {
				t.Errorf("summary: got %q, want it to contain %q", out, want)
			}
		}
		if code != 1 {
			t.Errorf("exit: got %d, want 1", code)
		}
		if stderr.Len() != 0 {
			t.Errorf("stderr: got %q, want nothing when not a terminal", stderr.String())
		}
	})
}

func TestImportStdinAndFormats(t *testing.T) {
	db := filepath.Join(t.TempDir(), "mapd.db")
	csv := "source_id,date,event_type,lat,lon\nc-1,2016-09-17,Battles,35.3,40.1\n"
	var stdout, stderr bytes.Buffer
	code := runImport(context.Background(), []string{"--db", db, "--format", "csv", "--json", "-"}, strings.NewReader(csv), &stdout, &stderr)
	if code != 0 || !strings.Contains(stdout.String(), `"inserted":1`) {
		t.Fatalf("got exit %d, %s %s, want exit 0 and 1 inserted", code, stdout.String(), stderr.String())
	}
	acled := filepath.Join("..", "..", "incidents", "testdata", "acled_syria_2016-09.csv")
	code, res, stderr2 := mapdImport(t, "--db", db, acled)
	if code != 0 || res.Inserted != 6 {
		t.Fatalf("ACLED import: got exit %d, %+v %s, want exit 0 and 6 inserted", code, res, stderr2)
	}
}

func TestImportUsage(t *testing.T) {
	db := filepath.Join(t.TempDir(), "mapd.db")
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"help", []string{"--help"}, 0},
		{"no file", []string{"--db", db}, 2},
		{"two files", []string{"--db", db, "a", "b"}, 2},
		{"missing file", []string{"--db", db, filepath.Join(t.TempDir(), "nope.json")}, 2},
		{"bad format", []string{"--db", db, "--format", "xml", "-"}, 2},
		{"bad flag", []string{"--colour"}, 2},
		{"unknown columns", []string{"--db", db, writeFile(t, "x.csv", "date,colour\n")}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if got := runImport(context.Background(), tt.args, strings.NewReader(""), &stdout, &stderr); got != tt.want {
				t.Errorf("got exit %d, want %d (stderr %q)", got, tt.want, stderr.String())
			}
		})
	}
	for _, args := range [][]string{{"--help"}, {"--format", "kml"}, {"--bbox", "1,2"}, {"--from", "yesterday"}, {"extra"}} {
		var stdout, stderr bytes.Buffer
		want := 2
		if args[0] == "--help" {
			want = 0
		}
		if got := runExport(context.Background(), append([]string{"--db", db}, args...), nil, &stdout, &stderr); got != want {
			t.Errorf("export %q: got exit %d, want %d (stderr %q)", args, got, want, stderr.String())
		}
	}
}

func TestExportImportRoundTrip(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "src.db")
	if code, res, stderr := mapdImport(t, "--db", db, writeFile(t, "in.ndjson", sampleNDJSON)); code != 0 {
		t.Fatalf("import: exit %d %+v %s", code, res, stderr)
	}
	want := storedIncidents(t, db)
	for _, format := range incidents.ExportFormats {
		t.Run(format, func(t *testing.T) {
			out := filepath.Join(dir, "export."+format)
			var stdout, stderr bytes.Buffer
			if code := runExport(context.Background(), []string{"--db", db, "--format", format, "-o", out}, nil, &stdout, &stderr); code != 0 {
				t.Fatalf("export: got exit %d, want 0: %s", code, stderr.String())
			}
			if _, err := os.Stat(out + ".tmp"); !os.IsNotExist(err) {
				t.Errorf("%s.tmp: got %v, want it gone", out, err)
			}
			db2 := filepath.Join(dir, format+".db")
			code, res, errs := mapdImport(t, "--db", db2, out)
			if code != 0 || res.Inserted != len(want) {
				t.Fatalf("import of the export: got exit %d, %+v %s, want %d inserted", code, res, errs, len(want))
			}
			if got := storedIncidents(t, db2); !reflect.DeepEqual(got, want) {
				t.Errorf("round trip:\n got %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestExportFilters(t *testing.T) {
	db := filepath.Join(t.TempDir(), "mapd.db")
	if code, _, stderr := mapdImport(t, "--db", db, writeFile(t, "in.ndjson", sampleNDJSON)); code != 0 {
		t.Fatalf("import: exit %d %s", code, stderr)
	}
	tests := []struct {
		args []string
		want int
	}{
		{nil, 3},
		{[]string{"--event-type", "Violence against civilians,Battles"}, 1},
		{[]string{"--event-type", "Battles", "--event-type", "Explosions/Remote violence"}, 2},
		{[]string{"--from", "2016-09-15", "--to", "2016-09-18"}, 1},
		{[]string{"--bbox", "39,34,41,36"}, 1},
		{[]string{"--min-fatalities", "50"}, 2},
		{[]string{"--country", "IQ"}, 0},
		{[]string{"--actor", "united states"}, 1},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.args), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			args := append([]string{"--db", db, "--format", "csv"}, tt.args...)
			if code := runExport(context.Background(), args, nil, &stdout, &stderr); code != 0 {
				t.Fatalf("got exit %d, want 0: %s", code, stderr.String())
			}
			if got := strings.Count(stdout.String(), "\n") - 1; got != tt.want {
				t.Errorf("got %d rows, want %d:\n%s", got, tt.want, stdout.String())
			}
		})
	}
}

func TestEnvDB(t *testing.T) {
	db := filepath.Join(t.TempDir(), "env.db")
	t.Setenv("MAPD_DB", db)
	if code, res, stderr := mapdImport(t, writeFile(t, "in.ndjson", sampleNDJSON)); code != 0 || res.Inserted != 3 {
		t.Fatalf("got exit %d, %+v %s", code, res, stderr)
	}
	if _, err := os.Stat(db); err != nil {
		t.Errorf("MAPD_DB: %v", err)
	}
}

func TestProgressLine(t *testing.T) {
	tests := []struct {
		s    progressState
		want string
	}{
		{progressState{records: 1500, bytes: 5 << 20, total: 20 << 20}, "import: 1,500 records, 750 records/s, 5.0 MB of 20.0 MB, 25%, ETA 6s"},
		{progressState{records: 1234567, bytes: 2048, total: -1}, "import: 1,234,567 records, 617,283 records/s, 2.0 KB"},
		{progressState{records: 500, total: -1, totalRecords: 1000}, "import: 500 records, 250 records/s of 1,000, 50%, ETA 2s"},
		{progressState{records: 1000000, bytes: 20 << 20, total: 20 << 20, stage: "spatial index"}, "import: 1,000,000 records read; building the spatial index (2s)"},
	}
	for _, tt := range tests {
		if got := progressLine("import", tt.s, 2*time.Second); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}

// TestImportNothingDecodable imports inputs of which nothing can be
// decoded (NUL bytes, as a crash leaves in a preallocated or sparse file,
// plain or gzipped): exit 1 and a message, never "0 received" and exit 0.
// A truly empty file holds no records: exit 0, 0 received, and a note.
func TestImportNothingDecodable(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(make([]byte, 16<<20))
	zw.Close()
	tests := []struct {
		name, content string
		wantCode      int
		wantStderr    string
	}{
		{"1,000 NUL bytes", strings.Repeat("\x00", 1000), 1, "NUL bytes"},
		{"gzipped NUL bytes", gz.String(), 1, "NUL bytes"},
		{"blank lines then NUL bytes", "\n\n" + strings.Repeat("\x00", 4096), 1, "NUL bytes"},
		{"empty file", "", 0, "holds no records"},
		{"blank file", "\n \n", 0, "holds no records"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "mapd.db")
			code, res, stderr := mapdImport(t, "--db", db, writeFile(t, "in.ndjson", tt.content))
			if code != tt.wantCode || !strings.Contains(stderr, tt.wantStderr) {
				t.Fatalf("got exit %d, stderr %q; want exit %d and %q", code, stderr, tt.wantCode, tt.wantStderr)
			}
			if res.Received != 0 || res.Inserted != 0 {
				t.Fatalf("got %+v, want nothing received or stored", res)
			}
		})
	}
}
