package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"github.com/mapd/mapd/gazetteer"
)

// geocodeOptions are the parsed flags of "mapd geocode".
type geocodeOptions struct {
	country string
	limit   int
	json    bool
	files   []string // --gazetteer files
	names   []string // NAME arguments, or "-"
}

// runGeocode implements "mapd geocode": it resolves each NAME (or each line
// of standard input with "-") with the gazetteer and prints the best place.
func runGeocode(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	opts, done, code := parseGeocodeFlags(args, stderr)
	if done {
		return code
	}
	docs, err := geocodeDocuments(opts, stdin)
	if err != nil {
		fmt.Fprintf(stderr, "mapd geocode: %v\n", err)
		return 2
	}
	for _, f := range opts.files {
		if _, err := os.Stat(f); err != nil {
			fmt.Fprintf(stderr, "mapd geocode: gazetteer file: %v\n", err)
			return 2
		}
	}
	gz, err := gazetteer.Default(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "mapd geocode: load gazetteer: %v\n", err)
		return 2
	}
	for _, f := range opts.files {
		if err := loadGazetteerFile(ctx, gz, f, stderr); err != nil {
			fmt.Fprintf(stderr, "mapd geocode: load gazetteer: %v\n", err)
			return 2
		}
	}
	return geocode(ctx, gz, opts, docs, stdout, stderr)
}

// loadGazetteerFile adds one GeoNames file to gz, with a progress line on
// stderr when it is a terminal (allCountries.txt takes minutes). Zip
// archives load without one.
func loadGazetteerFile(ctx context.Context, gz *gazetteer.Gazetteer, name string, stderr io.Writer) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	raw := &countingReader{r: f}
	br := bufio.NewReaderSize(raw, 64<<10)
	var src io.Reader = br
	magic, _ := br.Peek(4)
	switch {
	case string(magic) == "PK\x03\x04":
		return gz.LoadFile(ctx, name)
	case len(magic) >= 2 && magic[0] == 0x1f && magic[1] == 0x8b:
		zr, err := gzip.NewReader(br)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		defer zr.Close()
		src = zr
	}
	lines := &lineCounter{r: src}
	stop := startProgress(stderr, "loading "+filepath.Base(name), func() progressState {
		return progressState{records: lines.n.Load(), bytes: raw.n.Load(), total: st.Size()}
	})
	defer stop()
	return gz.Load(ctx, strings.TrimSuffix(filepath.Base(name), ".gz"), lines)
}

// lineCounter counts the lines read through it, for the progress line.
type lineCounter struct {
	r io.Reader
	n atomic.Int64
}

func (c *lineCounter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(bytes.Count(p[:n], []byte{'\n'})))
	return n, err
}

// parseGeocodeFlags parses the flags and their MAPD_* twins. done reports
// that the command ends here with code (--help, or a usage error).
func parseGeocodeFlags(args []string, stderr io.Writer) (opts *geocodeOptions, done bool, code int) {
	fs := flag.NewFlagSet("geocode", flag.ContinueOnError)
	fs.SetOutput(stderr)
	opts = &geocodeOptions{}
	fs.StringVar(&opts.country, "country", "", "ISO 3166-1 alpha-2 country hint, e.g. SY (MAPD_COUNTRY)")
	fs.IntVar(&opts.limit, "limit", 5, "candidates per name: the match and its alternatives (MAPD_LIMIT)")
	fs.BoolVar(&opts.json, "json", false, "print one JSON object per name, one per line (MAPD_JSON)")
	var files stringList
	fs.Var(&files, "gazetteer", "GeoNames file to add to the built-in gazetteer; repeatable or comma-separated (MAPD_GAZETTEER)")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: mapd geocode [--country CC] [--limit N] [--json] [--gazetteer FILE]... NAME... | -

Resolves place names as news reports write them ("Deir Ezzor", "Dayr az
Zawr", "Homs province") to GeoNames places with the built-in gazetteer plus
any --gazetteer files (GeoNames cities500.txt, allCountries.txt, a country
file such as SY.txt, admin1CodesASCII.txt, countryInfo.txt; plain, .gz or
.zip). With "-", names come from standard input, one per line, optionally
as NAME<TAB>CC to hint the country; a blank line ends a document. The names
of one document (all the NAME arguments, or the lines between blank lines)
are resolved together: the countries, regions and places of the others
steer ambiguous ones ("Palmyra" among Syrian towns is Tadmur). A name may be
qualified after a comma ("Raqqa, Syria", "Springfield, Mass.",
"Talbiseh, in Homs province"); "near Aleppo" or "Hama countryside" finds
the town with precision 2.

Prints one line per name (blank lines print nothing), or with --json one
object per name:
{"query":...,"match":{...,"kind":"place","score":0.97},"alternatives":[...]},
with "match":null when nothing is good enough. "kind" is place, region,
country, continent, water, area or demonym ("Syrian"); a country carries
its "capital" and a region its "seat" when known.
Exit status: 0 all found, 1 some not found, 2 usage or setup error.

Flags:
`)
		fs.PrintDefaults()
	}
	if done, code := parseFlags(fs, args); done {
		return nil, true, code
	}
	opts.files = files
	opts.names = fs.Args()
	opts.country = strings.ToUpper(strings.TrimSpace(opts.country))
	switch {
	case len(opts.names) == 0:
		fmt.Fprintln(stderr, "mapd geocode: give one or more NAMEs, or - for standard input")
		fs.Usage()
		return nil, true, 2
	case opts.country != "" && !isCountryCode(opts.country):
		fmt.Fprintf(stderr, "mapd geocode: --country %q is not an ISO 3166-1 alpha-2 code such as SY\n", opts.country)
		return nil, true, 2
	case opts.limit < 1 || opts.limit > 100:
		fmt.Fprintf(stderr, "mapd geocode: --limit %d is not between 1 and 100\n", opts.limit)
		return nil, true, 2
	}
	return opts, false, 0
}

func isCountryCode(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}

// geocodeDocuments returns the documents to resolve: the arguments as one
// document, or the lines of stdin for a single "-".
func geocodeDocuments(opts *geocodeOptions, stdin io.Reader) ([][]gazetteer.Mention, error) {
	if len(opts.names) != 1 || opts.names[0] != "-" {
		doc := make([]gazetteer.Mention, 0, len(opts.names))
		for _, n := range opts.names {
			doc = append(doc, gazetteer.Mention{Name: n})
		}
		return [][]gazetteer.Mention{doc}, nil
	}
	return readGeocodeDocuments(stdin)
}

// readGeocodeDocuments reads one name per line, optionally NAME<TAB>CC; a
// blank line ends a document.
func readGeocodeDocuments(r io.Reader) ([][]gazetteer.Mention, error) {
	var docs [][]gazetteer.Mention
	var doc []gazetteer.Mention
	names := 0
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(text) == "" {
			if len(doc) > 0 {
				docs = append(docs, doc)
				doc = nil
			}
			continue
		}
		m := gazetteer.Mention{Name: text}
		if name, cc, ok := strings.Cut(text, "\t"); ok {
			cc = strings.ToUpper(strings.TrimSpace(cc))
			if cc != "" && !isCountryCode(cc) {
				return nil, fmt.Errorf("standard input line %d: country %q is not an ISO 3166-1 alpha-2 code", line, cc)
			}
			m.Name, m.Country = strings.TrimSpace(name), cc
		}
		doc = append(doc, m)
		names++
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("standard input: %w", err)
	}
	if len(doc) > 0 {
		docs = append(docs, doc)
	}
	if names == 0 {
		return nil, errors.New("no names on standard input")
	}
	return docs, nil
}

// geocodeResult is the JSON line for one name: gazetteer.Result plus, for
// an invalid name, why.
type geocodeResult struct {
	gazetteer.Result
	Error string `json:"error,omitempty"`
}

// geocode resolves each document with gazetteer.ResolveDocument and prints
// one line per name.
func geocode(ctx context.Context, gz *gazetteer.Gazetteer, opts *geocodeOptions, docs [][]gazetteer.Mention, stdout, stderr io.Writer) int {
	w := bufio.NewWriter(stdout)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	code := 0
	for _, doc := range docs {
		results, err := gz.ResolveDocument(ctx, doc, gazetteer.WithCountry(opts.country), gazetteer.WithLimit(opts.limit))
		if err != nil {
			fmt.Fprintf(stderr, "mapd geocode: %v\n", err)
			return 2
		}
		for _, res := range results {
			r := geocodeResult{Result: res}
			if res.Err != nil {
				r.Error = strings.TrimPrefix(res.Err.Error(), "gazetteer: ")
			}
			if r.Match == nil {
				code = 1
			}
			if opts.json {
				err = enc.Encode(r)
			} else {
				_, err = fmt.Fprintln(w, describeResult(r))
			}
			if err != nil {
				fmt.Fprintf(stderr, "mapd geocode: %v\n", err)
				return 2
			}
		}
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintf(stderr, "mapd geocode: %v\n", err)
		return 2
	}
	return code
}

// describeResult is the text line for one name.
func describeResult(r geocodeResult) string {
	switch {
	case r.Error != "":
		return fmt.Sprintf("%s\tinvalid: %s", r.Query, r.Error)
	case r.Match == nil:
		s := r.Query + "\tno match"
		if len(r.Alternatives) > 0 {
			a := r.Alternatives[0]
			s += fmt.Sprintf(" (closest: %s, %s, score %.2f)", a.Name, a.Country, a.Score)
		}
		return s
	}
	m := r.Match
	where := m.Country
	if m.Admin1 != "" && m.Admin1 != m.Name {
		where = m.Admin1 + ", " + m.Country
	}
	return fmt.Sprintf("%s\t%s (%s)\t%.5f,%.5f\t%s\tgeonameid %d\tprecision %d\tscore %.2f",
		r.Query, m.Name, where, m.Lat, m.Lon, m.FeatureCode, m.GeonameID, m.GeoPrecision(), m.Score)
}
