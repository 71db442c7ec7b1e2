package gazetteer

import (
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
	// Each file is decompressed and parsed on its own goroutine, in chunks
	// that are merged into the index as they come, so that merging overlaps
	// parsing.
	files := []struct {
		name   string
		rows   int // about
		chunks int
	}{
		{"data/places-1.tsv.gz", 100_000, 4},
		{"data/places-2.tsv.gz", 100_000, 4},
		{"data/places-newer.tsv.gz", 31_000, 1},
		{"data/regions.tsv.gz", 4_000, 1},
		{"data/admin2.tsv.gz", 26_000, 1},
	}
	type parsed struct {
		b   *batch
		err error
	}
	total := 0
	for _, f := range files {
		total += f.chunks
	}
	out := make(chan parsed, total)
	for _, f := range files {
		go func() {
			text, err := gunzipEmbedded(f.name)
			if err != nil {
				for range f.chunks {
					out <- parsed{err: err}
				}
				return
			}
			for i, chunk := range splitLines(text, f.chunks) {
				name := fmt.Sprintf("%s (part %d)", path.Base(f.name), i+1)
				b, err := parseText(ctx, name, chunk, f.rows/f.chunks+1)
				out <- parsed{b, err}
			}
		}()
	}
	type extra struct {
		areas    *batch
		areaDem  map[string][]int
		demonyms map[string][]int64
		err      error
	}
	extras := make(chan extra, 1)
	go func() {
		var e extra
		areas, err := defaultData.ReadFile("data/areas.tsv")
		if err != nil {
			e.err = fmt.Errorf("gazetteer: embedded %w", err)
			extras <- e
			return
		}
		if e.areas, e.areaDem, e.err = parseAreas(string(areas)); e.err != nil {
			extras <- e
			return
		}
		e.areas, e.err = e.areas.done()
		if e.err != nil {
			extras <- e
			return
		}
		text, err := gunzipEmbedded("data/demonyms.tsv.gz")
		if err != nil {
			e.err = err
		} else {
			e.demonyms, e.err = parseDemonyms(text)
		}
		extras <- e
	}()
	g := New()
	g.mu.Lock()
	defer g.mu.Unlock()
	// Sized once for every row of the files and the curated areas: a
	// slice or map grown past its size during the load holds both copies
	// for a while, which a server's peak memory shows.
	rows := 3_000 // the areas
	for _, f := range files {
		rows += f.rows
	}
	g.idx.grow(2 * rows) // about the number of distinct keys
	g.recs = make([]record, 0, rows)
	g.byID = make(map[int64]int32, rows)
	for range total {
		p := <-out
		if p.err != nil {
			return nil, p.err
		}
		g.merge(p.b)
	}
	e := <-extras
	if e.err != nil {
		return nil, e.err
	}
	first := int32(len(g.recs))
	g.merge(e.areas)
	for name, js := range e.areaDem {
		for _, j := range js {
			g.addDemonym(name, first+int32(j))
		}
	}
	for name, ids := range e.demonyms {
		for _, id := range ids {
			if i, ok := g.byID[id]; ok {
				g.addDemonym(name, i)
			}
		}
	}
	g.finalize()
	return g, nil
}

// splitLines cuts text into n pieces of about the same size, at line ends.
func splitLines(text string, n int) []string {
	pieces := make([]string, 0, n)
	for i := n; i > 1; i-- {
		cut := len(text) / i
		if j := strings.IndexByte(text[cut:], '\n'); j >= 0 {
			cut += j + 1
		} else {
			cut = len(text)
		}
		pieces = append(pieces, text[:cut])
		text = text[cut:]
	}
	return append(pieces, text)
}

// gunzipEmbedded returns the uncompressed content of an embedded file.
func gunzipEmbedded(name string) (string, error) {
	f, err := defaultData.Open(name)
	if err != nil {
		return "", fmt.Errorf("gazetteer: embedded %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return "", fmt.Errorf("gazetteer: embedded %w", err)
	}
	ra, ok := f.(io.ReaderAt)
	if !ok || st.Size() < 4 {
		return "", fmt.Errorf("gazetteer: embedded %s: not a gzip file", name)
	}
	// The gzip trailer holds the uncompressed size (mod 4 GiB).
	var trailer [4]byte
	if _, err := ra.ReadAt(trailer[:], st.Size()-4); err != nil {
		return "", fmt.Errorf("gazetteer: embedded %s: %w", name, err)
	}
	zr, err := gzip.NewReader(io.NewSectionReader(ra, 0, st.Size()))
	if err != nil {
		return "", fmt.Errorf("gazetteer: %s: %w", name, err)
	}
	var sb strings.Builder
	sb.Grow(int(binary.LittleEndian.Uint32(trailer[:])))
	if _, err := io.Copy(&sb, zr); err != nil {
		return "", fmt.Errorf("gazetteer: %s: %w", name, err)
	}
	return sb.String(), nil
}
