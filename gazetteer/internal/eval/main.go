// Command eval scores the gazetteer's resolution of place names given the
// gold names of the geoparsing corpora in ../shared/geoparse (TR-News, LGL,
// GeoVirus; see that folder's README). Each article is one document: its
// gold names, in order, go to Gazetteer.ResolveDocument together, and each
// answer is compared with the gold coordinates. It prints a table; it
// prints a note and exits 0 when the folder is absent. It reads the
// corpora at run time and writes nothing.
//
// The gazetteer is tuned, and the ranking weights fitted, on the
// development split (each corpus's even-numbered articles, the "dev" rows
// of the table); the odd-numbered articles are held out.
//
//	go run ./gazetteer/internal/eval -dir ../shared/geoparse
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"text/tabwriter"

	"github.com/mapd/mapd/gazetteer"
	"github.com/mapd/mapd/gazetteer/internal/geoparse"
	"github.com/mapd/mapd/geo"
)

func main() {
	dir := flag.String("dir", "../shared/geoparse", "folder with TR-News.xml, lgl.xml and GeoVirus.xml")
	misses := flag.String("misses", "", "write each scored name of the development split that missed 161 km to this file, with its candidates (for development)")
	all := flag.Bool("all", false, "with -misses, write every scored name of the development split, not only those that missed")
	flag.Parse()
	if _, err := os.Stat(*dir); err != nil {
		fmt.Printf("eval-gazetteer: %s is absent; skipping\n", *dir)
		return
	}
	if err := run(context.Background(), *dir, *misses, *all, os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "eval-gazetteer: %v\n", err)
		os.Exit(1)
	}
}

// maxErrorKm is the error counted for a name left unresolved: half the
// Earth's circumference.
const maxErrorKm = 20038

// scores accumulates the metrics of one row.
type scores struct {
	n, noMatch                 int
	within161, within25        int
	errs                       []float64 // matched names only
	aucSum                     float64   // all names, unresolved at maxErrorKm
	popWithin161, oracle161    int
	countryKnown, countryRight int
}

func (s *scores) add(g geoparse.Toponym, r gazetteer.Result, countryOf map[string]string) {
	s.n++
	// The population baseline: the most populous candidate of the same
	// list; the oracle: any candidate within 161 km.
	var best *gazetteer.Match
	cands := r.Alternatives
	if r.Match != nil {
		cands = append([]gazetteer.Match{*r.Match}, cands...)
	}
	for i := range cands {
		if geo.Distance(g.Lat, g.Lon, cands[i].Lat, cands[i].Lon) <= 161 {
			s.oracle161++
			break
		}
	}
	for i := range cands {
		if best == nil || cands[i].Population > best.Population {
			best = &cands[i]
		}
	}
	if best != nil && geo.Distance(g.Lat, g.Lon, best.Lat, best.Lon) <= 161 {
		s.popWithin161++
	}
	if r.Match == nil {
		s.noMatch++
		s.aucSum += 1
		return
	}
	d := geo.Distance(g.Lat, g.Lon, r.Match.Lat, r.Match.Lon)
	s.errs = append(s.errs, d)
	s.aucSum += math.Log(1+d) / math.Log(1+maxErrorKm)
	if d <= 161 {
		s.within161++
	}
	if d <= 25 {
		s.within25++
	}
	if cc, ok := countryOf[g.Country]; ok {
		s.countryKnown++
		if cc == r.Match.Country {
			s.countryRight++
		}
	}
}

func pct(a, b int) string {
	if b == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(a)/float64(b))
}

func run(ctx context.Context, dir, missesPath string, all bool, out io.Writer) error {
	g, err := gazetteer.Default(ctx)
	if err != nil {
		return err
	}
	var misses io.Writer = io.Discard
	if missesPath != "" {
		f, err := os.Create(missesPath)
		if err != nil {
			return err
		}
		defer f.Close()
		misses = f
	}
	type row struct {
		name string
		s    scores
	}
	var rows []row
	countryOf := map[string]string{}
	for _, c := range geoparse.Corpora {
		docs, err := geoparse.Read(filepath.Join(dir, c.File))
		if err != nil {
			return err
		}
		var dev, held scores
		for ai, doc := range docs {
			mentions := make([]gazetteer.Mention, len(doc))
			for i, t := range doc {
				mentions[i] = gazetteer.Mention{Name: t.Phrase}
				if _, ok := countryOf[t.Country]; !ok && t.Country != "" {
					countryOf[t.Country] = resolveCountry(ctx, g, t.Country)
				}
			}
			results, err := g.ResolveDocument(ctx, mentions, gazetteer.WithLimit(20))
			if err != nil {
				return err
			}
			s := &held
			if geoparse.Dev(c.Name, ai) {
				s = &dev
			}
			for i, t := range doc {
				if !t.HasPoint {
					continue
				}
				s.add(t, results[i], countryOf)
				if m := results[i].Match; s == &dev && (all || m == nil || geo.Distance(t.Lat, t.Lon, m.Lat, m.Lon) > 161) {
					writeMiss(misses, c.Name, ai, t, results[i])
				}
			}
		}
		rows = append(rows, row{c.Name + " dev (tuned on)", dev}, row{c.Name + " held out", held})
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "corpus\tnames\tacc@161\tacc@25\tmedian km\tmean km\tAUC\tno match\tpopulation acc@161\tright among candidates\tright country\t")
	for _, r := range rows {
		s := r.s
		med, mean := "-", "-"
		if len(s.errs) > 0 {
			e := slices.Clone(s.errs)
			slices.Sort(e)
			med = fmt.Sprintf("%.0f", e[len(e)/2])
			sum := 0.0
			for _, v := range e {
				sum += v
			}
			mean = fmt.Sprintf("%.0f", sum/float64(len(e)))
		}
		auc := "-"
		if s.n > 0 {
			auc = fmt.Sprintf("%.3f", s.aucSum/float64(s.n))
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", r.name, s.n, pct(s.within161, s.n), pct(s.within25, s.n),
			med, mean, auc, pct(s.noMatch, s.n), pct(s.popWithin161, s.n), pct(s.oracle161, s.n), pct(s.countryRight, s.countryKnown))
	}
	tw.Flush()
	fmt.Fprintln(out, "acc@ and AUC count an unresolved name as wrong (AUC at 20,038 km; lower is better); median and mean error are over the matched names;")
	fmt.Fprintln(out, "population: the most populous of the same candidates (up to 20); right country: matched names whose gold country the corpus names.")
	return nil
}

// writeMiss writes one line for a name that missed: the corpus, article,
// name, gold point and country, the answer, and the candidates, each with
// its distance from the gold point.
func writeMiss(w io.Writer, corpus string, article int, t geoparse.Toponym, r gazetteer.Result) {
	describe := func(m *gazetteer.Match) string {
		return fmt.Sprintf("%s (%s, %s, %s, pop %d) %.0f km", m.Name, m.Admin1, m.Country, m.FeatureCode, m.Population,
			geo.Distance(t.Lat, t.Lon, m.Lat, m.Lon))
	}
	got := "no match"
	if r.Match != nil {
		got = describe(r.Match)
	}
	fmt.Fprintf(w, "%s\t%d\t%s\t%.3f,%.3f\t%s\t-> %s", corpus, article, t.Phrase, t.Lat, t.Lon, t.Country, got)
	for i := range r.Alternatives {
		fmt.Fprintf(w, "\t| %s", describe(&r.Alternatives[i]))
	}
	fmt.Fprintln(w)
}

// resolveCountry returns the ISO code of a country the corpus names in
// full ("United States").
func resolveCountry(ctx context.Context, g *gazetteer.Gazetteer, name string) string {
	res, err := g.Resolve(ctx, gazetteer.Query{Name: name})
	if err != nil || res.Match == nil {
		return ""
	}
	return res.Match.Country
}
