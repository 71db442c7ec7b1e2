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

// geocodeQuery is one name to resolve, with its country hint.
type geocodeQuery struct {
	name, country string
}

// runGeocode implements "mapd geocode": it resolves each NAME (or each line
// of standard input with "-") with the gazetteer and prints the best place.
func runGeocode(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	opts, done, code := parseGeocodeFlags(args, stderr)
	if done {
		return code
	}
	queries, err := geocodeQueries(opts, stdin)
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
	return geocode(ctx, gz, opts, queries, stdout, stderr)
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
as NAME<TAB>CC to hint the country. The countries of the other names found
steer ambiguous ones ("Palmyra" among Syrian towns is Tadmur). A name may be
qualified after a comma ("Raqqa, Syria", "Palmyra, Homs"); "near Aleppo" or
"Hama countryside" finds the town with precision 2.

Prints one line per name, or with --json one object per name:
{"query":...,"match":{...,"score":0.97},"alternatives":[...]}, with
"match":null when nothing is good enough.
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

// geocodeQueries returns the names to resolve: the arguments, or the lines
// of stdin for a single "-".
func geocodeQueries(opts *geocodeOptions, stdin io.Reader) ([]geocodeQuery, error) {
	if len(opts.names) != 1 || opts.names[0] != "-" {
		qs := make([]geocodeQuery, 0, len(opts.names))
		for _, n := range opts.names {
			qs = append(qs, geocodeQuery{name: n, country: opts.country})
		}
		return qs, nil
	}
	return readGeocodeQueries(stdin, opts.country)
}

// readGeocodeQueries reads one name per line, optionally NAME<TAB>CC; blank
// lines are skipped. country is the hint for lines without one.
func readGeocodeQueries(r io.Reader, country string) ([]geocodeQuery, error) {
	var qs []geocodeQuery
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(text) == "" {
			continue
		}
		q := geocodeQuery{name: text, country: country}
		if name, cc, ok := strings.Cut(text, "\t"); ok {
			cc = strings.ToUpper(strings.TrimSpace(cc))
			if cc != "" && !isCountryCode(cc) {
				return nil, fmt.Errorf("standard input line %d: country %q is not an ISO 3166-1 alpha-2 code", line, cc)
			}
			q.name = strings.TrimSpace(name)
			if cc != "" {
				q.country = cc
			}
		}
		qs = append(qs, q)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("standard input: %w", err)
	}
	if len(qs) == 0 {
		return nil, errors.New("no names on standard input")
	}
	return qs, nil
}

// geocodeResult is the JSON line for one name: gazetteer.Result plus, for
// an invalid name, why.
type geocodeResult struct {
	gazetteer.Result
	Error string `json:"error,omitempty"`
}

// geocode resolves the queries and prints them. A first pass finds the
// country of each name; the second resolves each name that has no hint of
// its own with the countries of the other names as context, and prints it.
// Only the first pass's countries are kept in memory.
func geocode(ctx context.Context, gz *gazetteer.Gazetteer, opts *geocodeOptions, queries []geocodeQuery, stdout, stderr io.Writer) int {
	matched := make([]string, len(queries)) // country of each name's first-pass match
	found := map[string]int{}               // country -> names matched there
	for i, q := range queries {
		res, err := gz.Resolve(ctx, gazetteer.Query{Name: q.name, Country: q.country, Limit: 1})
		switch {
		case errors.Is(err, gazetteer.ErrInvalidQuery):
		case err != nil:
			fmt.Fprintf(stderr, "mapd geocode: %v\n", err)
			return 2
		case res.Match != nil:
			matched[i] = res.Match.Country
			found[res.Match.Country]++
		}
	}

	w := bufio.NewWriter(stdout)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	code := 0
	for i, q := range queries {
		query := gazetteer.Query{Name: q.name, Country: q.country, Limit: opts.limit}
		if q.country == "" {
			for cc, n := range found {
				if cc == matched[i] {
					n--
				}
				if n > 0 {
					query.Context = append(query.Context, cc)
				}
			}
		}
		var r geocodeResult
		res, err := gz.Resolve(ctx, query)
		switch {
		case errors.Is(err, gazetteer.ErrInvalidQuery):
			res = gazetteer.Result{Query: q.name, Alternatives: []gazetteer.Match{}}
			r.Error = strings.TrimPrefix(err.Error(), "gazetteer: ")
		case err != nil:
			fmt.Fprintf(stderr, "mapd geocode: %v\n", err)
			return 2
		}
		r.Result = res
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
