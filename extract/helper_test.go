package extract

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/mapd/mapd/gazetteer"
)

var (
	gzOnce sync.Once
	gzDef  *gazetteer.Gazetteer
	gzErr  error
)

// testExtractor returns an Extractor over the embedded gazetteer, loaded
// once per test binary.
func testExtractor(tb testing.TB) *Extractor {
	tb.Helper()
	gzOnce.Do(func() {
		if gzDef, gzErr = gazetteer.Default(context.Background()); gzErr == nil {
			gzDef.Warm() // the fuzzy table, so that benchmarks time extraction alone
		}
	})
	if gzErr != nil {
		tb.Fatal(gzErr)
	}
	x, err := New(gzDef)
	if err != nil {
		tb.Fatal(err)
	}
	return x
}

// sharedFile finds a file of the team's shared folder (../shared from the
// repository root, as on the team's machines), looking up from the package
// directory so that worktrees find it too. It returns "" when absent.
func sharedFile(name string) string {
	dir := ".."
	for range 4 {
		p := filepath.Join(dir, "shared", name)
		if _, err := os.Stat(p); err == nil {
			return p
		}
		dir = filepath.Join(dir, "..")
	}
	return ""
}
