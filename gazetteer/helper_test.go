package gazetteer

import (
	"context"
	"sync"
	"testing"
)

// shared holds the default gazetteer, loaded once per test binary.
var shared struct {
	once sync.Once
	g    *Gazetteer
	err  error
}

// testGazetteer returns the embedded default gazetteer, loading it on first
// use.
func testGazetteer(tb testing.TB) *Gazetteer {
	tb.Helper()
	shared.once.Do(func() {
		shared.g, shared.err = Default(context.Background())
	})
	if shared.err != nil {
		tb.Fatalf("Default: %v", shared.err)
	}
	return shared.g
}
