package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/mapd/mapd/extract"
	"github.com/mapd/mapd/gazetteer"
)

// extractOptions are the parsed flags of "mapd extract".
type extractOptions struct {
	date, country, source string
	json, places          bool
	minConfidence         float64
	lexicons, actors      stringList
	gazetteers            stringList
	files                 []string
}

// extractLine is one --json line: a candidate in the import format plus the
// file it came from.
type extractLine struct {
	extract.Candidate
	File string `json:"file,omitempty"`
}

// placeLine is one --places --json line.
type placeLine struct {
	File string `json:"file,omitempty"`
	extract.Place
}

// runExtract implements "mapd extract": it reads news text from each FILE
// (or standard input with "-") and prints the candidate incidents found.
func runExtract(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	opts, done, code := parseExtractFlags(args, stderr)
	if done {
		return code
	}
	gz, err := loadGazetteer(ctx, opts.gazetteers)
	if err != nil {
		fmt.Fprintf(stderr, "mapd extract: %v\n", err)
		return 2
	}
	x, err := newExtractor(gz, opts.lexicons, opts.actors)
	if err != nil {
		fmt.Fprintf(stderr, "mapd extract: %v\n", err)
		return 2
	}
	found := 0
	var table *tabwriter.Writer
	if !opts.json {
		table = tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		if opts.places {
			fmt.Fprintln(table, "FILE\tTEXT\tSTART\tEND\tROLE\tMATCH")
		} else {
			fmt.Fprintln(table, "FILE\tDATE\tEVENT\tPLACE\tCOUNTRY\tLAT,LON\tKILLED\tWOUNDED\tACTOR1\tACTOR2\tCONF")
		}
	}
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	for _, name := range opts.files {
		text, err := readExtractInput(name, stdin)
		if err != nil {
			fmt.Fprintf(stderr, "mapd extract: %v\n", err)
			return 2
		}
		file := name
		if name == "-" {
			file = ""
		}
		res, err := x.Extract(ctx, text, extract.Options{
			Date: opts.date, Country: opts.country, Source: opts.source,
			HTML:          strings.HasSuffix(strings.ToLower(name), ".html") || strings.HasSuffix(strings.ToLower(name), ".htm"),
			MinConfidence: opts.minConfidence,
		})
		var de *extract.DateError
		switch {
		case errors.As(err, &de):
			fmt.Fprintf(stderr, "mapd extract: --date: %v\n", err)
			return 2
		case errors.Is(err, extract.ErrEmpty):
			fmt.Fprintf(stderr, "mapd extract: %s: no text\n", displayName(name))
			continue
		case err != nil:
			fmt.Fprintf(stderr, "mapd extract: %s: %v\n", displayName(name), err)
			return 2
		}
		for _, w := range res.Warnings {
			fmt.Fprintf(stderr, "mapd extract: %s: %s\n", displayName(name), w)
		}
		if opts.places {
			for _, p := range res.Places {
				found++
				if opts.json {
					if err := enc.Encode(placeLine{File: file, Place: p}); err != nil {
						return 2
					}
					continue
				}
				match := "-"
				if p.Match != nil {
					match = fmt.Sprintf("%s, %s (%.4f, %.4f)", p.Match.Name, p.Match.Country, p.Match.Lat, p.Match.Lon)
				}
				fmt.Fprintf(table, "%s\t%s\t%d\t%d\t%s\t%s\n", displayName(name), p.Text, p.Start, p.End, p.Role, match)
			}
			continue
		}
		for _, c := range res.Candidates {
			found++
			if opts.json {
				if err := enc.Encode(extractLine{Candidate: c, File: file}); err != nil {
					return 2
				}
				continue
			}
			fmt.Fprintf(table, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.2f\n", displayName(name), c.Date+dateMark(c.DatePrecision),
				c.EventType+": "+c.SubEventType, c.Place, c.Country, point(c.Lat, c.Lon), count(c.Fatalities), count(c.Injuries),
				dash(c.Actor1), dash(c.Actor2), c.Confidence)
		}
	}
	if table != nil {
		table.Flush()
	}
	if found == 0 {
		return 1
	}
	return 0
}

func displayName(name string) string {
	if name == "-" {
		return "stdin"
	}
	return name
}

func dateMark(precision string) string {
	if precision == "" || precision == "day" {
		return ""
	}
	return " (" + precision + ")"
}

func point(lat, lon *float64) string {
	if lat == nil || lon == nil {
		return "-"
	}
	return fmt.Sprintf("%.4f,%.4f", *lat, *lon)
}

func count(n *int) string {
	if n == nil {
		return "-"
	}
	return strconv.Itoa(*n)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// newExtractor builds an Extractor over gz with the extra dictionaries.
func newExtractor(gz *gazetteer.Gazetteer, lexicons, actors []string) (*extract.Extractor, error) {
	x, err := extract.New(gz)
	if err != nil {
		return nil, err
	}
	for _, list := range []struct {
		files []string
		add   func(io.Reader, string) error
	}{{lexicons, x.AddLexicon}, {actors, x.AddActors}} {
		for _, f := range list.files {
			r, err := os.Open(f)
			if err != nil {
				return nil, err
			}
			err = list.add(r, f)
			r.Close()
			if err != nil {
				return nil, err
			}
		}
	}
	return x, nil
}

// readExtractInput reads one input, at most extract.MaxInputBytes.
func readExtractInput(name string, stdin io.Reader) (string, error) {
	var r io.Reader = stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return "", err
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, extract.MaxInputBytes+1))
	if err != nil {
		return "", fmt.Errorf("%s: %w", displayName(name), err)
	}
	if len(b) > extract.MaxInputBytes {
		return "", fmt.Errorf("%s: longer than the limit of %d bytes", displayName(name), extract.MaxInputBytes)
	}
	return string(b), nil
}

// parseExtractFlags parses the flags and their MAPD_* twins; flags may come
// after the files ("mapd extract a.txt --json").
func parseExtractFlags(args []string, stderr io.Writer) (opts *extractOptions, done bool, code int) {
	fs := flag.NewFlagSet("extract", flag.ContinueOnError)
	fs.SetOutput(stderr)
	opts = &extractOptions{}
	fs.StringVar(&opts.date, "date", "", "article date YYYY-MM-DD (default: a first line \"date YYYY-MM-DD\" or the dateline) (MAPD_DATE)")
	fs.StringVar(&opts.country, "country", "", "ISO 3166-1 alpha-2 country hint for place names, e.g. SY (MAPD_COUNTRY)")
	fs.StringVar(&opts.source, "source", "", "outlet or URL, copied to each candidate's sources (MAPD_SOURCE)")
	fs.BoolVar(&opts.json, "json", false, "print NDJSON: one candidate per line in the import format (MAPD_JSON)")
	fs.BoolVar(&opts.places, "places", false, "print the place names found instead of candidates (MAPD_PLACES)")
	fs.Float64Var(&opts.minConfidence, "min-confidence", extract.DefaultMinConfidence, "drop candidates below this confidence, 0..1 (MAPD_MIN_CONFIDENCE)")
	fs.Var(&opts.lexicons, "lexicon", "trigger lexicon file to add (phrase<TAB>event_type<TAB>sub_event_type[<TAB>flags]); repeatable (MAPD_LEXICON)")
	fs.Var(&opts.actors, "actors", "actor dictionary file to add (mention<TAB>actor[<TAB>kind]); repeatable (MAPD_ACTORS)")
	fs.Var(&opts.gazetteers, "gazetteer", "GeoNames file to add to the built-in gazetteer; repeatable (MAPD_GAZETTEER)")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: mapd extract [--date YYYY-MM-DD] [--country CC] [--source S] [--json] [--places] [--min-confidence X] FILE... | -

Reads news reports (plain text or HTML; "-" is standard input) and prints
the candidate incidents they tell of: event type, place, date, actors,
fatalities and injuries, with a confidence in 0..1 and the sentences they
came from. The article date comes from --date, a first line
"date YYYY-MM-DD" or the dateline; "on Saturday" is the latest Saturday on
or before it.

--json prints one candidate per line in the import format plus "file",
"confidence" and "evidence" ([{"text","start","end"}], byte offsets into
the input), so that "mapd extract a.txt --json | mapd import -" stores
them. --places prints the place names found instead, with their role
(event, mentioned, demonym, actor) and the gazetteer's match.

Exit status: 0 something was found, 1 nothing was, 2 usage or setup error.

Flags:
`)
		fs.PrintDefaults()
	}
	if err := applyEnv(fs); err != nil {
		fmt.Fprintf(stderr, "mapd extract: %v\n", err)
		return nil, true, 2
	}
	for {
		if err := fs.Parse(args); err != nil {
			if err == flag.ErrHelp {
				return nil, true, 0
			}
			return nil, true, 2
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		opts.files = append(opts.files, rest[0])
		args = rest[1:]
	}
	if len(opts.files) == 0 {
		fmt.Fprintln(stderr, "mapd extract: give one or more FILEs, or - for standard input")
		return nil, true, 2
	}
	if opts.minConfidence < 0 || opts.minConfidence > 1 {
		fmt.Fprintln(stderr, "mapd extract: --min-confidence must be in 0..1")
		return nil, true, 2
	}
	if opts.minConfidence == 0 {
		opts.minConfidence = -1 // keep all
	}
	return opts, false, 0
}
