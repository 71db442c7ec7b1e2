package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mapd/mapd/incidents/postgis/pgtest"
)

// TestPostGISCommands runs import, export, serve and backup with --db
// naming a PostGIS database.
func TestPostGISCommands(t *testing.T) {
	c := pgtest.Start(t)
	db := c.NewDatabase(t)
	file := writeFile(t, "in.ndjson", sampleNDJSON)
	if code, res, stderr := mapdImport(t, "--db", db, file); code != 0 || res.Inserted != 3 {
		t.Fatalf("import: got exit %d, %+v (%s), want 0 and 3 inserted", code, res, stderr)
	}
	if code, res, stderr := mapdImport(t, "--db", db, file); code != 0 || res.Unchanged != 3 {
		t.Fatalf("import again: got exit %d, %+v (%s), want 0 and 3 unchanged", code, res, stderr)
	}
	sqliteDB := t.TempDir() + "/same.db"
	if code, _, stderr := mapdImport(t, "--db", sqliteDB, file); code != 0 {
		t.Fatalf("import into SQLite: got exit %d (%s)", code, stderr)
	}
	if got, want := storedIncidents(t, db), storedIncidents(t, sqliteDB); !reflect.DeepEqual(got, want) {
		t.Fatalf("export from PostGIS:\n%v\nwant what SQLite exports:\n%v", got, want)
	}

	m, cancel, errc := startMain(t, "--db", db)
	defer func() {
		cancel()
		<-errc
		m.Close()
	}()
	resp, err := http.Get(m.URL() + "/api/incidents?country=SY&limit=2")
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		NumberMatched  int `json:"numberMatched"`
		NumberReturned int `json:"numberReturned"`
	}
	err = json.NewDecoder(resp.Body).Decode(&fc)
	resp.Body.Close()
	if err != nil || fc.NumberMatched != 3 || fc.NumberReturned != 2 {
		t.Fatalf("got %+v (%v), want 3 matched and 2 returned", fc, err)
	}

	var stdout, stderr bytes.Buffer
	if code := runBackup(context.Background(), []string{"--db", db, t.TempDir() + "/b.db"}, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), "pg_dump") {
		t.Fatalf("backup: got exit %d, %q, want 2 and a pointer to pg_dump", code, stderr.String())
	}
}

// TestPostGISStartErrors checks that a database mapd cannot use is a clear
// error at start with exit status 2, for every command that opens one.
func TestPostGISStartErrors(t *testing.T) {
	c := pgtest.Start(t)
	ctx := context.Background()

	// A database at a newer schema than this binary.
	newer := c.NewDatabase(t)
	if code, _, stderr := mapdImport(t, "--db", newer, writeFile(t, "in.ndjson", sampleNDJSON)); code != 0 {
		t.Fatalf("import: got exit %d (%s)", code, stderr)
	}
	name := newer[strings.LastIndex(newer, "/")+1 : strings.Index(newer, "?")]
	if err := c.Exec(ctx, name, "INSERT INTO schema_migrations VALUES (9999, '9999_future.sql', now(), 'x')"); err != nil {
		t.Fatal(err)
	}
	// A role that may not create the PostGIS extension, in a database that
	// has none.
	bare := c.NewDatabase(t)
	bareName := bare[strings.LastIndex(bare, "/")+1 : strings.Index(bare, "?")]
	if err := c.Exec(ctx, "postgres", "CREATE ROLE analyst LOGIN; GRANT ALL ON DATABASE "+bareName+" TO analyst"); err != nil {
		t.Fatal(err)
	}
	if err := c.Exec(ctx, bareName, "GRANT ALL ON SCHEMA public TO analyst"); err != nil {
		t.Fatal(err)
	}
	noExt := strings.Replace(bare, "postgres@", "analyst@", 1)
	// A port where nothing listens.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := fmt.Sprintf("postgres://postgres@%s/mapd?sslmode=disable&connect_timeout=5", l.Addr())
	l.Close()

	cases := []struct {
		name, db, want string
	}{
		{"malformed URL", "postgres://postgres@127.0.0.1:notaport/mapd", "does not parse"},
		{"refused connection", refused, "unavailable"},
		{"no PostGIS", noExt, "postgis extension"},
		{"newer schema", newer, "newer mapd"},
		{"unknown scheme", "mysql://root@localhost/mapd", "not a database this mapd opens"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			commands := map[string]func() (int, string){
				"import": func() (int, string) {
					code, _, stderr := mapdImport(t, "--db", tc.db, writeFile(t, "in.ndjson", sampleNDJSON))
					return code, stderr
				},
				"export": func() (int, string) {
					var stderr bytes.Buffer
					return runExport(ctx, []string{"--db", tc.db}, nil, io.Discard, &stderr), stderr.String()
				},
				"serve": func() (int, string) {
					var stderr bytes.Buffer
					return runServe(ctx, []string{"--addr", "127.0.0.1:0", "--db", tc.db}, io.Discard, &stderr), stderr.String()
				},
			}
			for cmd, run := range commands {
				code, stderr := run()
				if code != 2 || !strings.Contains(stderr, tc.want) || strings.Contains(stderr, "panic") {
					t.Errorf("%s: got exit %d, %q, want 2 and a message saying %q", cmd, code, stderr, tc.want)
				}
			}
		})
	}
}

// TestPostGISConnectionLost checks that requests while the database is
// down get 503 with Retry-After, and that the pool recovers when it is
// back.
func TestPostGISConnectionLost(t *testing.T) {
	c := pgtest.Start(t)
	db := c.NewDatabase(t)
	if code, _, stderr := mapdImport(t, "--db", db, writeFile(t, "in.ndjson", sampleNDJSON)); code != 0 {
		t.Fatalf("import: got exit %d (%s)", code, stderr)
	}
	m, cancel, errc := startMain(t, "--db", db)
	defer func() {
		cancel()
		<-errc
		m.Close()
	}()
	get := func(path string) (int, string) {
		resp, err := http.Get(m.URL() + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, resp.Header.Get("Retry-After")
	}
	paths := []string{"/api/incidents", "/api/incidents/1", "/api/stats", "/tiles/incidents/3/4/3.mvt"}
	for _, p := range paths {
		if code, _ := get(p); code != 200 {
			t.Fatalf("%s: got %d before the outage, want 200", p, code)
		}
	}
	if err := c.Halt(); err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		if code, retry := get(p); code != http.StatusServiceUnavailable || retry == "" {
			t.Errorf("%s: got %d (Retry-After %q) with the database down, want 503 with Retry-After", p, code, retry)
		}
	}
	c.Restart(t)
	for _, p := range paths {
		if code, _ := get(p); code != 200 {
			t.Errorf("%s: got %d once the database is back, want 200", p, code)
		}
	}
}

// TestPostGISTwoProcesses runs two servers on one database: what one
// writes, the other lists within a second, and its tiles and stats follow.
func TestPostGISTwoProcesses(t *testing.T) {
	c := pgtest.Start(t)
	db := c.NewDatabase(t)
	a, cancelA, errA := startMain(t, "--db", db)
	b, cancelB, errB := startMain(t, "--db", db)
	defer func() {
		cancelA()
		cancelB()
		<-errA
		<-errB
		a.Close()
		b.Close()
	}()
	count := func(m *Main, path string) int {
		resp, err := http.Get(m.URL() + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body struct {
			NumberMatched int `json:"numberMatched"`
			Count         int `json:"count"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
			t.Fatal(err)
		}
		return body.NumberMatched + body.Count
	}
	// B has read (and cached what it caches) before A writes.
	if n := count(b, "/api/incidents?country=SY"); n != 0 {
		t.Fatalf("got %d before any write, want 0", n)
	}
	if n := count(b, "/api/stats?country=SY"); n != 0 {
		t.Fatalf("stats: got %d before any write, want 0", n)
	}
	for i, line := range strings.Split(strings.TrimSpace(sampleNDJSON), "\n") {
		resp, err := http.Post(a.URL()+"/api/incidents", "application/json", strings.NewReader(line))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("create %d through A: got %d, want 201", i, resp.StatusCode)
		}
		written := time.Now()
		for path, want := range map[string]int{"/api/incidents?country=SY": i + 1, "/api/stats?country=SY": i + 1} {
			for count(b, path) != want {
				if time.Since(written) > time.Second {
					t.Fatalf("%s through B: not %d within 1 s of the write through A", path, want)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
	}
}
