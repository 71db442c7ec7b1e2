package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// startMain runs the whole serve command on a free port with a temporary
// database and returns it once it accepts requests.
func startMain(t *testing.T, args ...string) (*Main, context.CancelFunc, chan error) {
	t.Helper()
	m := NewMain(io.Discard, io.Discard)
	db := filepath.Join(t.TempDir(), "serve.db")
	if done, code := m.ParseFlags(append([]string{"--addr", "127.0.0.1:0", "--db", db}, args...)); done {
		t.Fatalf("ParseFlags ended with code %d", code)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- m.Run(ctx) }()
	select {
	case <-m.Ready():
	case err := <-errc:
		t.Fatalf("Run: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("server did not start in 60 s")
	}
	return m, cancel, errc
}

func TestServeDemoAndShutdown(t *testing.T) {
	m, cancel, errc := startMain(t, "--demo")
	resp, err := http.Get(m.URL() + "/api/incidents?q=Tharda")
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		NumberMatched int `json:"numberMatched"`
	}
	err = json.NewDecoder(resp.Body).Decode(&fc)
	resp.Body.Close()
	if err != nil || fc.NumberMatched < 1 {
		t.Fatalf("got %d matches (%v), want the Deir ez-Zor incidents", fc.NumberMatched, err)
	}
	testLongFilters(t, m.URL())
	// The gazetteer loads on the first request that needs it.
	resp, err = http.Get(m.URL() + "/api/gazetteer/search?q=Deir+Ezzor&limit=1")
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "Deir ez-Zor") {
		t.Fatalf("gazetteer search: %d %s %v, want Deir ez-Zor", resp.StatusCode, body, err)
	}
	cancel()
	if err := <-errc; err != nil {
		t.Fatalf("Run after shutdown: %v", err)
	}
	if err := m.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	// A clean close checkpoints the write-ahead log into the database.
	if fi, err := os.Stat(m.DB + "-wal"); err == nil && fi.Size() > 0 {
		t.Fatalf("got a %d-byte WAL after a clean close, want it checkpointed", fi.Size())
	}
}

// TestServeMissingGazetteerFile checks that a --gazetteer file that cannot
// be read stops the server at start, though the gazetteer itself loads on
// first use.
func TestServeMissingGazetteerFile(t *testing.T) {
	m := NewMain(io.Discard, io.Discard)
	missing := filepath.Join(t.TempDir(), "SY.txt")
	if done, code := m.ParseFlags([]string{"--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "g.db"), "--gazetteer", missing}); done {
		t.Fatalf("ParseFlags ended with code %d", code)
	}
	err := m.Run(context.Background())
	m.Close()
	if err == nil || !strings.Contains(err.Error(), missing) {
		t.Fatalf("Run with a missing gazetteer file: %v, want an error naming it", err)
	}
}

func TestServeNonLoopbackWithoutTokenIsReadOnly(t *testing.T) {
	m, cancel, errc := startMain(t, "--addr", "0.0.0.0:0")
	defer func() { cancel(); <-errc; m.Close() }()
	if !m.ReadOnly() {
		t.Fatal("got a writable server on 0.0.0.0 without a token, want read-only")
	}
	url := strings.Replace(m.URL(), "0.0.0.0", "127.0.0.1", 1)
	resp, err := http.Post(url+"/api/incidents", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("got %d, want 403", resp.StatusCode)
	}
}

func TestServeFlagsFromEnvironment(t *testing.T) {
	t.Setenv("MAPD_ADDR", "127.0.0.1:9999")
	t.Setenv("MAPD_DB", "/tmp/from-env.db")
	m := NewMain(io.Discard, io.Discard)
	if done, _ := m.ParseFlags([]string{"--db", "flag.db"}); done {
		t.Fatal("ParseFlags ended early")
	}
	if m.Addr != "127.0.0.1:9999" || m.DB != "flag.db" {
		t.Fatalf("got addr %q db %q, want the env addr and the flag db", m.Addr, m.DB)
	}
}

func TestUsageErrors(t *testing.T) {
	cases := []struct {
		args []string
		code int
	}{
		{nil, 2},
		{[]string{"frobnicate"}, 2},
		{[]string{"serve", "--no-such-flag"}, 2},
		{[]string{"serve", "--help"}, 0},
		{[]string{"serve", "extra"}, 2},
		{[]string{"version"}, 0},
		{[]string{"backup"}, 2},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			if got := run(context.Background(), tc.args, strings.NewReader(""), io.Discard, io.Discard); got != tc.code {
				t.Fatalf("got exit %d, want %d", got, tc.code)
			}
		})
	}
}
