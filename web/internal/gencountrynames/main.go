// Command gencountrynames writes the base map's country names in other
// languages: one JSON object per language, web/static/basemap/names/TAG.json,
// from the ISO 3166-1 numeric id of each country of the base map
// (web/static/basemap/countries.json) to its name in that language, taken
// from the npm package i18n-iso-countries (its langs/*.json name countries
// by alpha-2 code, its codes.json pairs alpha-2 with numeric codes).
//
// Where the package gives several names for a country (an official one and
// common ones), the shortest is kept: a map label wants "Russland", not
// "Russische Föderation". An inverted official form ("Syrien, Arabische
// Republik") is cut at its comma unless that would give two countries one
// name ("Kongo" for both Congos). A language the package lacks writes no file, and
// the map keeps the English names for it.
//
// Usage (see web/web.mk, target web-countrynames):
//
//	gencountrynames -package DIR/package -basemap web/static/basemap/countries.json -out web/static/basemap/names
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"
)

func main() {
	pkg := flag.String("package", "", "the unpacked i18n-iso-countries package folder (holding codes.json and langs/)")
	basemap := flag.String("basemap", "web/static/basemap/countries.json", "the base map whose countries get names")
	labels := flag.String("labelnames", "gazetteer/data/labelnames.tsv.gz", "the place labels' names (gazetteer/internal/labelnames): the country names come in its languages")
	out := flag.String("out", "web/static/basemap/names", "folder to write TAG.json files into")
	flag.Parse()
	if err := run(*pkg, *basemap, *labels, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gencountrynames:", err)
		os.Exit(1)
	}
}

func run(pkg, basemap, labels, out string) error {
	if pkg == "" {
		return errors.New("-package is required")
	}
	languages, err := labelLanguages(labels)
	if err != nil {
		return err
	}
	ids, err := basemapIDs(basemap)
	if err != nil {
		return err
	}
	codes, err := os.ReadFile(filepath.Join(pkg, "codes.json"))
	if err != nil {
		return err
	}
	numeric, err := parseCodes(codes)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	written := 0
	for _, lang := range languages {
		b, err := os.ReadFile(filepath.Join(pkg, "langs", lang+".json"))
		if errors.Is(err, os.ErrNotExist) {
			fmt.Fprintf(os.Stderr, "gencountrynames: no names in %s: the map keeps English ones\n", lang)
			continue
		}
		if err != nil {
			return err
		}
		names, err := namesByID(b, numeric, ids)
		if err != nil {
			return fmt.Errorf("%s: %w", lang, err)
		}
		body, err := encode(names)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(out, lang+".json"), body, 0o644); err != nil {
			return err
		}
		written++
	}
	fmt.Fprintf(os.Stderr, "gencountrynames: %d languages, %d countries\n", written, len(ids))
	return nil
}

// labelLanguages returns the languages of the place labels' names (the
// second column of labelnames.tsv.gz) other than English, whose names the
// base map already holds, so that countries and places are named in the
// same languages.
func labelLanguages(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	seen := map[string]bool{}
	sc := bufio.NewScanner(zr)
	for sc.Scan() {
		if cols := strings.SplitN(sc.Text(), "\t", 3); len(cols) == 3 && cols[1] != "en" {
			seen[cols[1]] = true
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(seen) == 0 {
		return nil, fmt.Errorf("%s: no languages", path)
	}
	langs := make([]string, 0, len(seen))
	for l := range seen {
		langs = append(langs, l)
	}
	slices.Sort(langs)
	return langs, nil
}

// basemapIDs returns the ids ("760") of the base map's countries.
func basemapIDs(path string) (map[string]bool, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var fc struct {
		Features []struct {
			Properties struct {
				ID string `json:"id"`
			} `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	ids := map[string]bool{}
	for _, f := range fc.Features {
		if f.Properties.ID != "" {
			ids[f.Properties.ID] = true
		}
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("%s: no country ids", path)
	}
	return ids, nil
}

// parseCodes reads codes.json, rows of [alpha-2, alpha-3, numeric, ...],
// into alpha-2 -> numeric.
func parseCodes(b []byte) (map[string]string, error) {
	var rows [][]string
	if err := json.Unmarshal(b, &rows); err != nil {
		return nil, fmt.Errorf("codes.json: %w", err)
	}
	m := make(map[string]string, len(rows))
	for _, r := range rows {
		if len(r) < 3 || len(r[0]) != 2 || r[2] == "" {
			return nil, fmt.Errorf("codes.json: malformed row %q", r)
		}
		m[r[0]] = r[2]
	}
	return m, nil
}

// namesByID reads one langs/TAG.json ({"countries":{"SY":"...",
// "RU":["...","..."]}}) into numeric id -> the shortest name, for the ids
// wanted.
func namesByID(b []byte, numeric map[string]string, want map[string]bool) (map[string]string, error) {
	var doc struct {
		Countries map[string]json.RawMessage `json:"countries"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	out := map[string]string{}
	for alpha2, raw := range doc.Countries {
		id := numeric[alpha2]
		if !want[id] {
			continue
		}
		var alts []string
		var one string
		if err := json.Unmarshal(raw, &one); err == nil {
			alts = []string{one}
		} else if err := json.Unmarshal(raw, &alts); err != nil {
			return nil, fmt.Errorf("%s: a name is neither a string nor a list of strings", alpha2)
		}
		if n := shortest(alts); n != "" {
			out[id] = n
		}
	}
	uninvert(out)
	return out, nil
}

// uninvert cuts each inverted name ("Syrien, Arabische Republik", Arabic
// script's comma too) to the part before its comma, unless another country
// has or would get that name.
func uninvert(names map[string]string) {
	heads := map[string]int{}
	cut := map[string]string{}
	for id, n := range names {
		h := n
		if i := strings.IndexAny(n, ",،"); i > 0 {
			h = strings.TrimSpace(n[:i])
			cut[id] = h
		}
		heads[h]++
	}
	for id, h := range cut {
		if h != "" && heads[h] == 1 {
			names[id] = h
		}
	}
}

// shortest returns the shortest non-blank name (in characters; the first
// of equals), trimmed.
func shortest(names []string) string {
	best := ""
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" || strings.ContainsAny(n, "\n\t") {
			continue
		}
		if best == "" || utf8.RuneCountInString(n) < utf8.RuneCountInString(best) {
			best = n
		}
	}
	return best
}

// encode writes names as one JSON object with sorted keys, one entry per
// line so that a regeneration's diff is readable.
func encode(names map[string]string) ([]byte, error) {
	keys := make([]string, 0, len(names))
	for k := range names {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var buf bytes.Buffer
	buf.WriteString("{")
	for i, k := range keys {
		if i > 0 {
			buf.WriteString(",")
		}
		v, err := json.Marshal(names[k])
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&buf, "\n%q:%s", k, v)
	}
	buf.WriteString("\n}\n")
	return buf.Bytes(), nil
}
