package gazetteer

import (
	"bytes"
	"compress/gzip"
	"context"
	"embed"
	"encoding/binary"
	"fmt"
	"io"
)

// defaultData holds the embedded default gazetteer, derived from GeoNames by
// internal/gen (see data/README.md): places.tsv.gz has the populated places,
// regions.tsv.gz the first-level regions and countries, both in the
// geoname-table format.
//
//go:embed data/places.tsv.gz data/regions.tsv.gz
var defaultData embed.FS

// Default returns a Gazetteer holding the embedded data: every GeoNames
// populated place with at least 500 inhabitants with its Latin-script
// alternate names, first-level regions and countries. Each call builds a new
// Gazetteer in about a second; callers keep and share one.
func Default(ctx context.Context) (*Gazetteer, error) {
	places, err := gunzipEmbedded("data/places.tsv.gz")
	if err != nil {
		return nil, err
	}
	regions, err := gunzipEmbedded("data/regions.tsv.gz")
	if err != nil {
		return nil, err
	}
	// Parse the two halves of the places in parallel.
	mid := len(places) / 2
	if i := bytes.IndexByte(places[mid:], '\n'); i >= 0 {
		mid += i + 1
	}
	parts := []struct {
		name string
		data []byte
		rows int
	}{
		{"places.tsv.gz", places[:mid], 105_000},
		{"places.tsv.gz (second half)", places[mid:], 105_000},
		{"regions.tsv.gz", regions, 4_000},
	}
	type parsedPart struct {
		b   *batch
		err error
	}
	results := make([]chan parsedPart, len(parts))
	for i, p := range parts {
		results[i] = make(chan parsedPart, 1)
		go func() {
			b, err := parseText(ctx, p.name, string(p.data), p.rows)
			results[i] <- parsedPart{b, err}
		}()
	}
	g := New()
	g.mu.Lock()
	defer g.mu.Unlock()
	var firstErr error
	for _, ch := range results {
		r := <-ch
		switch {
		case r.err != nil && firstErr == nil:
			firstErr = r.err
		case firstErr == nil:
			g.merge(r.b)
		}
	}
	if firstErr != nil {
		return nil, firstErr
	}
	g.finalize()
	return g, nil
}

// gunzipEmbedded returns the uncompressed content of an embedded file.
func gunzipEmbedded(name string) ([]byte, error) {
	gz, err := defaultData.ReadFile(name)
	if err != nil || len(gz) < 4 {
		return nil, fmt.Errorf("gazetteer: embedded %s: %w", name, err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, fmt.Errorf("gazetteer: %s: %w", name, err)
	}
	// The gzip trailer holds the uncompressed size (mod 4 GiB).
	size := binary.LittleEndian.Uint32(gz[len(gz)-4:])
	data := make([]byte, 0, int(size)+1)
	buf := bytes.NewBuffer(data)
	if _, err := io.Copy(buf, zr); err != nil {
		return nil, fmt.Errorf("gazetteer: %s: %w", name, err)
	}
	return buf.Bytes(), nil
}
