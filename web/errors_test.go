package web_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

// TestDatabaseErrorTextNeverReachesClient makes the real SQLite database
// fail writes with a message of its own (a trigger that raises it): every
// request it fails must be a 500 whose body says nothing of it, and the
// 400s of bad input must not depend on any error's wording.
func TestDatabaseErrorTextNeverReachesClient(t *testing.T) {
	ts, store := newServer(t, nil)
	const secret = "secret-db-detail"
	db, err := sql.Open("sqlite", "file:"+store.Path()+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(context.Background(), `CREATE TRIGGER fail_writes BEFORE INSERT ON incidents
		BEGIN SELECT RAISE(ABORT, '`+secret+`'); END`); err != nil {
		t.Fatal(err)
	}
	record := `{"date":"2016-09-17","event_type":"Battles","lat":35.9,"lon":39.0}`
	tests := []struct {
		name, method, path, ctype, body string
		wantStatus                      int
		wantField                       string
	}{
		{"import NDJSON", "POST", "/api/incidents/import", "application/x-ndjson", record + "\n", 500, ""},
		{"import CSV", "POST", "/api/incidents/import", "text/csv", "date,event_type,lat,lon\n2016-09-17,Battles,35.9,39.0\n", 500, ""},
		{"atomic import", "POST", "/api/incidents/import?atomic=true", "application/json", "[" + record + "]", 500, ""},
		{"create", "POST", "/api/incidents", "application/json", record, 500, ""},
		{"malformed import", "POST", "/api/incidents/import", "application/json", `[{"date":`, 400, "format"},
		{"bad bbox", "GET", "/api/incidents?bbox=1,2,3", "", "", 400, "bbox"},
		{"bad tile", "GET", "/tiles/incidents/1/5/0.mvt", "", "", 400, "tile"},
		{"bad OGC bbox", "GET", "/ogc/collections/incidents/items?bbox=0,91,1,92", "", "", 400, "bbox"},
		{"bad OGC datetime", "GET", "/ogc/collections/incidents/items?datetime=2016-13-01", "", "", 400, "datetime"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var header []string
			if tt.ctype != "" {
				header = []string{"Content-Type", tt.ctype}
			}
			resp, body := do(t, tt.method, ts.URL+tt.path, tt.body, header...)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("got %d %s, want %d", resp.StatusCode, body, tt.wantStatus)
			}
			if strings.Contains(string(body), secret) || strings.Contains(strings.ToLower(string(body)), "sqlite") {
				t.Fatalf("got body %s, want no database text", body)
			}
			var e struct{ Error, Field string }
			if err := json.Unmarshal(body, &e); err != nil {
				t.Fatalf("got body %s, want a JSON error: %v", body, err)
			}
			if tt.wantStatus == 500 && e.Error != "internal server error" {
				t.Fatalf("got error %q, want \"internal server error\"", e.Error)
			}
			if e.Field != tt.wantField || e.Error == "" {
				t.Fatalf("got field %q error %q, want field %q and a message", e.Field, e.Error, tt.wantField)
			}
			if strings.HasPrefix(e.Error, "geo:") || strings.HasPrefix(e.Error, "incidents:") {
				t.Fatalf("got error %q, want it without a package prefix", e.Error)
			}
		})
	}
}

// TestImportNothingDecodable posts bodies of which nothing can be decoded
// (NUL bytes, plain or gzipped): 400 on "format", never a 200 with "0
// received". A truly empty body holds no records: 200 with 0 received.
func TestImportNothingDecodable(t *testing.T) {
	ts, _ := newServer(t, nil)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(make([]byte, 16<<20))
	zw.Close()
	tests := []struct {
		name, ctype, body string
		wantStatus        int
		wantField         string
	}{
		{"1,000 NUL bytes", "application/x-ndjson", strings.Repeat("\x00", 1000), 400, "format"},
		{"1,000 NUL bytes, no type", "", strings.Repeat("\x00", 1000), 400, "format"},
		{"NUL bytes as CSV", "text/csv", strings.Repeat("\x00", 1000), 400, "format"},
		{"gzipped NUL bytes", "application/gzip", gz.String(), 400, "format"},
		{"empty body", "application/x-ndjson", "", 200, ""},
		{"blank body", "application/json", "\n\n", 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var header []string
			if tt.ctype != "" {
				header = []string{"Content-Type", tt.ctype}
			}
			resp, body := do(t, "POST", ts.URL+"/api/incidents/import", tt.body, header...)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("got %d %s, want %d", resp.StatusCode, body, tt.wantStatus)
			}
			var got struct {
				Field    string `json:"field"`
				Received *int   `json:"received"`
			}
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatalf("got body %s: %v", body, err)
			}
			if got.Field != tt.wantField {
				t.Fatalf("got field %q, want %q (%s)", got.Field, tt.wantField, body)
			}
			if tt.wantStatus == 200 && (got.Received == nil || *got.Received != 0) {
				t.Fatalf("got %s, want received 0", body)
			}
		})
	}
}
