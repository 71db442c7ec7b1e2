package gazetteer

import (
	"bytes"
	"compress/gzip"
	"context"
	"embed"
	"fmt"
)

// defaultData holds the embedded default gazetteer, derived from GeoNames by
// internal/gen (see data/README.md).
//
//go:embed data/places.tsv.gz data/regions.tsv.gz
var defaultData embed.FS

// defaultFiles are loaded in this order: regions after places, so that
// regions are known when places are.
var defaultFiles = []string{"data/places.tsv.gz", "data/regions.tsv.gz"}

// Default returns a Gazetteer holding the embedded data: every GeoNames
// populated place with at least 500 inhabitants with its Latin-script
// alternate names, first-level regions and countries. Each call builds a new
// Gazetteer; callers keep and share one.
func Default(ctx context.Context) (*Gazetteer, error) {
	type out struct {
		b   *batch
		err error
	}
	results := make([]chan out, len(defaultFiles))
	for i, name := range defaultFiles {
		results[i] = make(chan out, 1)
		go func() {
			data, err := defaultData.ReadFile(name)
			if err != nil {
				results[i] <- out{err: fmt.Errorf("gazetteer: %w", err)}
				return
			}
			b, err := parseGzip(ctx, name, data)
			results[i] <- out{b, err}
		}()
	}
	g := New()
	g.mu.Lock()
	defer g.mu.Unlock()
	var firstErr error
	for _, ch := range results {
		o := <-ch
		if o.err != nil {
			firstErr = cmpErr(firstErr, o.err)
			continue
		}
		if firstErr == nil {
			g.merge(o.b)
		}
	}
	if firstErr != nil {
		return nil, firstErr
	}
	g.finalize()
	return g, nil
}

func cmpErr(first, next error) error {
	if first != nil {
		return first
	}
	return next
}

func parseGzip(ctx context.Context, name string, data []byte) (*batch, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("gazetteer: %s: %w", name, err)
	}
	defer zr.Close()
	return parseFile(ctx, name, zr)
}
