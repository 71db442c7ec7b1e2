package web_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/mapd/mapd/gazetteer"
)

var defaultGz struct {
	once sync.Once
	gz   *gazetteer.Gazetteer
	err  error
}

// defaultGazetteer returns the embedded gazetteer, loaded once for all the
// tests of this binary that read it (a load takes about 30 s under the race
// detector). Tests must not add places to it.
func defaultGazetteer(t *testing.T) *gazetteer.Gazetteer {
	t.Helper()
	defaultGz.once.Do(func() {
		start := time.Now()
		defaultGz.gz, defaultGz.err = gazetteer.Default(context.Background())
		t.Logf("gazetteer loaded in %v", time.Since(start))
	})
	if defaultGz.err != nil {
		t.Fatal(defaultGz.err)
	}
	return defaultGz.gz
}
