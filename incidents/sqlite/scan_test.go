package sqlite

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/mapd/mapd/incidents/index"
	"github.com/mapd/mapd/incidents/storetest"
)

// TestBuildOnTwoConnectionsAgreesWithSQL builds the index on two
// connections, each reading half of the id range (with gaps left by
// deletions), and compares its answers with SQLite's, then again after
// another process's writes made it build anew.
func TestBuildOnTwoConnectionsAgreesWithSQL(t *testing.T) {
	defer func(n int) { minSplitRows = n }(minSplitRows)
	minSplitRows = 1
	defer runtime.GOMAXPROCS(max(2, runtime.GOMAXPROCS(0)))
	ctx := context.Background()
	ixs, other := openTwo(t, "split.db")
	rng := rand.New(rand.NewPCG(31, 32))
	all := storetest.Seed(t, ixs, 1500, rng)
	for _, in := range all {
		if rng.IntN(5) == 0 {
			if err := other.Delete(ctx, in.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	var log bytes.Buffer
	ixs.StartIndex(index.Options{Logger: slog.New(slog.NewTextHandler(&log, nil))})
	if err := ixs.WaitIndex(ctx); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "connections=2") {
		t.Fatalf("build log: got %q, want a build on 2 connections", log.String())
	}
	for round := range 2 {
		t.Run(fmt.Sprintf("round %d", round), func(t *testing.T) {
			for range 15 {
				compareAnswers(t, ixs, other, randomFilter(rng))
			}
		})
		for range 20 {
			in := all[rng.IntN(len(all))]
			in.ID, in.SourceID = 0, ""
			if err := other.Create(ctx, &in, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestOpenAtRefusesAMovedVersion checks that a second connection of a
// build reads at the first one's data version or not at all.
func TestOpenAtRefusesAMovedVersion(t *testing.T) {
	ctx := context.Background()
	s, _ := openTwo(t, "at.db")
	all := storetest.Seed(t, s, 3, rand.New(rand.NewPCG(33, 34)))
	v, err := s.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c, err := openAt(s.path, v)
	if err != nil || c == nil {
		t.Fatalf("openAt the current version: got %v, %v; want a connection", c, err)
	}
	var got int64
	if err := c.queryInt64s("SELECT count(*) FROM incidents", &got); err != nil || got != 3 {
		t.Fatalf("count on the connection: got %d, %v; want 3", got, err)
	}
	// A write after the connection's transaction began is not seen by it.
	in := all[0]
	in.ID, in.SourceID = 0, ""
	if err := s.Create(ctx, &in, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.queryInt64s("SELECT count(*) FROM incidents", &got); err != nil || got != 3 {
		t.Fatalf("count on the connection after a write: got %d, %v; want 3", got, err)
	}
	c.close()
	if c, err := openAt(s.path, v); err != nil || c != nil {
		t.Fatalf("openAt a version the file moved past: got %v, %v; want nil, nil", c, err)
	}
}
