// Command labelnames writes gazetteer/data/labelnames.tsv.gz, the map
// labels' names in other languages: for each GeoNames id that the
// embedded places hold, its name in each language of a fixed list, from
// the gettext catalogues of Debian's libgeonames-common package (one
// geonames.mo per locale, whose message ids are GeoNames ids and whose
// translations are the place's name in that locale's language).
//
// Usage (see gazetteer/gazetteer.mk, target gazetteer-labelnames):
//
//	labelnames -locale DIR/usr/share/locale -places gazetteer/data -out gazetteer/data/labelnames.tsv.gz
package main

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// locales maps the catalogues read to the language tags written: the
// languages of the places mapd's users report on and of its likely
// readers. A locale missing from the package is an error.
var locales = []struct{ locale, tag string }{
	{"ar", "ar"}, {"ckb", "ckb"}, {"de", "de"}, {"en", "en"}, {"es", "es"}, {"fa", "fa"}, {"fr", "fr"},
	{"he", "he"}, {"hi", "hi"}, {"it", "it"}, {"ja", "ja"}, {"ko", "ko"}, {"ku", "ku"},
	{"nl", "nl"}, {"pl", "pl"}, {"ps", "ps"}, {"pt", "pt"}, {"ru", "ru"},
	{"sw", "sw"}, {"tr", "tr"}, {"uk", "uk"}, {"ur", "ur"}, {"zh", "zh"},
}

func main() {
	locale := flag.String("locale", "", "the package's usr/share/locale folder")
	places := flag.String("places", "gazetteer/data", "folder of the embedded places-*.tsv.gz (only their ids get names)")
	out := flag.String("out", "gazetteer/data/labelnames.tsv.gz", "file to write")
	flag.Parse()
	if err := run(*locale, *places, *out); err != nil {
		fmt.Fprintln(os.Stderr, "labelnames:", err)
		os.Exit(1)
	}
}

func run(localeDir, placesDir, out string) error {
	if localeDir == "" {
		return errors.New("-locale is required")
	}
	ids, err := placeIDs(placesDir)
	if err != nil {
		return err
	}
	type row struct {
		id        int64
		tag, name string
	}
	var rows []row
	for _, l := range locales {
		cat, err := readMO(filepath.Join(localeDir, l.locale, "LC_MESSAGES", "geonames.mo"))
		if err != nil {
			return err
		}
		for k, v := range cat {
			id, err := strconv.ParseInt(k, 10, 64)
			if err != nil || !ids[id] {
				continue
			}
			name := clean(v)
			if name == "" {
				continue
			}
			rows = append(rows, row{id, l.tag, name})
		}
	}
	slices.SortFunc(rows, func(a, b row) int {
		if a.id != b.id {
			if a.id < b.id {
				return -1
			}
			return 1
		}
		return strings.Compare(a.tag, b.tag)
	})
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	zw, _ := gzip.NewWriterLevel(f, gzip.BestCompression)
	w := bufio.NewWriter(zw)
	for _, r := range rows {
		fmt.Fprintf(w, "%d\t%s\t%s\n", r.id, r.tag, r.name)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "labelnames: %d names in %d languages\n", len(rows), len(locales))
	return f.Close()
}

// clean drops the bidirectional marks and spaces some translations carry
// and refuses a name with a tab or newline.
func clean(s string) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case '\u200e', '\u200f', '\u202a', '\u202b', '\u202c':
			return -1
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if strings.ContainsAny(s, "\t\n\r") {
		return ""
	}
	return s
}

// placeIDs returns the GeoNames ids of the embedded places (the first
// column of places-*.tsv.gz).
func placeIDs(dir string) (map[int64]bool, error) {
	files, err := filepath.Glob(filepath.Join(dir, "places-*.tsv.gz"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no places-*.tsv.gz in %s", dir)
	}
	ids := map[int64]bool{}
	for _, p := range files {
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		zr, err := gzip.NewReader(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		sc := bufio.NewScanner(zr)
		sc.Buffer(make([]byte, 1<<20), 1<<24)
		for sc.Scan() {
			col, _, _ := strings.Cut(sc.Text(), "\t")
			if id, err := strconv.ParseInt(col, 10, 64); err == nil {
				ids[id] = true
			}
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
	}
	return ids, nil
}

// readMO reads a GNU gettext catalogue (.mo): a header of magic number,
// revision, string count and the offsets of the original and translated
// string tables, each a list of (length, offset) pairs. Both byte orders
// are accepted, as the format allows.
func readMO(path string) (map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return parseMO(b)
}

// parseMO parses the bytes of a .mo catalogue; see readMO.
func parseMO(b []byte) (map[string]string, error) {
	if len(b) < 20 {
		return nil, errors.New("mo: too short")
	}
	var bo binary.ByteOrder
	switch binary.LittleEndian.Uint32(b) {
	case 0x950412de:
		bo = binary.LittleEndian
	case 0xde120495:
		bo = binary.BigEndian
	default:
		return nil, errors.New("mo: bad magic number")
	}
	n := int(bo.Uint32(b[8:]))
	orig, trans := int(bo.Uint32(b[12:])), int(bo.Uint32(b[16:]))
	str := func(table, i int) (string, error) {
		at := table + 8*i
		if at < 0 || at+8 > len(b) {
			return "", errors.New("mo: string table out of range")
		}
		l, off := int(bo.Uint32(b[at:])), int(bo.Uint32(b[at+4:]))
		if off < 0 || l < 0 || off+l > len(b) {
			return "", errors.New("mo: string out of range")
		}
		return string(b[off : off+l]), nil
	}
	out := make(map[string]string, n)
	for i := range n {
		k, err := str(orig, i)
		if err != nil {
			return nil, err
		}
		v, err := str(trans, i)
		if err != nil {
			return nil, err
		}
		if k == "" {
			continue // the catalogue's header
		}
		// A plural entry holds forms separated by NUL: the first is the name.
		v, _, _ = strings.Cut(v, "\x00")
		out[k] = v
	}
	return out, nil
}
