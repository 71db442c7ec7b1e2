package gazetteer

import (
	"bytes"
	"compress/gzip"
	"context"
	"embed"
	"encoding/binary"
	"fmt"
	"io"
	"path"
	"strings"
)

// defaultData holds the embedded default gazetteer, derived from GeoNames by
// internal/gen (see data/README.md): places-1.tsv.gz and places-2.tsv.gz
// have the populated places, regions.tsv.gz the first-level regions and
// countries, all in the geoname-table format.
//
//go:embed data
var defaultData embed.FS

// Default returns a Gazetteer holding the embedded data: every GeoNames
// populated place with at least 500 inhabitants with its Latin-script
// alternate names, first-level regions and countries. Each call builds a new
// Gazetteer in about a second; callers keep and share one. The table for
// fuzzy matching is built on first use, or by Warm.
func Default(ctx context.Context) (*Gazetteer, error) {
	parts := []struct {
		file string
		rows int
	}{
		{"data/places-1.tsv.gz", 100_000},
		{"data/places-2.tsv.gz", 100_000},
		{"data/regions.tsv.gz", 4_000},
	}
	type parsedPart struct {
		b   *batch
		err error
	}
	results := make([]chan parsedPart, len(parts))
	for i, p := range parts {
		results[i] = make(chan parsedPart, 1)
		go func() {
			text, err := gunzipEmbedded(p.file)
			if err != nil {
				results[i] <- parsedPart{err: err}
				return
			}
			b, err := parseText(ctx, path.Base(p.file), text, p.rows)
			results[i] <- parsedPart{b, err}
		}()
	}
	g := New()
	g.mu.Lock()
	defer g.mu.Unlock()
	g.idx.grow(450_000) // about the number of distinct keys
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
func gunzipEmbedded(name string) (string, error) {
	gz, err := defaultData.ReadFile(name)
	if err != nil || len(gz) < 4 {
		return "", fmt.Errorf("gazetteer: embedded %s: %w", name, err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return "", fmt.Errorf("gazetteer: %s: %w", name, err)
	}
	// The gzip trailer holds the uncompressed size (mod 4 GiB).
	var sb strings.Builder
	sb.Grow(int(binary.LittleEndian.Uint32(gz[len(gz)-4:])))
	if _, err := io.Copy(&sb, zr); err != nil {
		return "", fmt.Errorf("gazetteer: %s: %w", name, err)
	}
	return sb.String(), nil
}
