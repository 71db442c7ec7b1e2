// Command eval scores mapd's extraction (make eval-extract): incidents on
// the team's own article corpus (extract/testdata/articles, split into dev
// and test), and toponym recognition and resolution end to end on the
// geoparsing corpora in ../shared/geoparse when that folder exists (they
// are read in place, never copied).
package main

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/mapd/mapd/extract"
	"github.com/mapd/mapd/gazetteer"
	"github.com/mapd/mapd/geo"
)

func main() {
	articles := flag.String("articles", "extract/testdata/articles", "the article corpus")
	geoparse := flag.String("geoparse", "", "folder of the geoparsing corpora (default: ../shared/geoparse, found upwards)")
	verbose := flag.Bool("v", false, "print every mismatch of the splits that may be read (own corpus: dev, test, heldout; geoparsing corpora: dev)")
	show := flag.String("show", "", "print the context of each missed or extra span with this text (geoparsing corpora, dev split)")
	only := flag.String("corpus", "", "score only this geoparsing corpus (TR-News.xml, lgl.xml, GeoVirus.xml)")
	top := flag.Int("top", 40, "with -v, how many of the most frequent missed, extra and wrong names to list")
	sealed := flag.String("sealed", "", "comma-separated own-corpus splits to leave out altogether (no run, no row, not in the totals): a new split while rules are still being changed")
	flag.Parse()
	ctx := context.Background()
	gz, err := gazetteer.Default(ctx)
	if err != nil {
		fail(err)
	}
	gz.Warm()
	x, err := extract.New(gz)
	if err != nil {
		fail(err)
	}
	fmt.Println("# mapd extract evaluation")
	fmt.Println()
	if err := evalArticles(ctx, x, gz, *articles, *verbose, strings.Split(*sealed, ",")); err != nil {
		fail(err)
	}
	dir := *geoparse
	if dir == "" {
		dir = findUp(filepath.Join("shared", "geoparse"))
	}
	if dir == "" {
		fmt.Println("geoparse corpora: ../shared/geoparse absent, skipped")
		return
	}
	if err := evalGeoparse(ctx, x, dir, *verbose, *show, *only, *top); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "eval:", err)
	os.Exit(1)
}

// findUp looks for rel in the parent folders of the working directory.
func findUp(rel string) string {
	dir, _ := os.Getwd()
	for range 5 {
		dir = filepath.Dir(dir)
		p := filepath.Join(dir, rel)
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p
		}
	}
	return ""
}

// gold is one article's gold file.
type gold struct {
	Split     string         `json:"split"`
	Date      string         `json:"date"`
	Incidents []goldIncident `json:"incidents"`
	NotPlaces []string       `json:"not_incident_places"`
	NotCounts []int          `json:"not_counts"`
}

type goldIncident struct {
	Place      string  `json:"place"`
	Lat        float64 `json:"lat"`
	Lon        float64 `json:"lon"`
	Date       string  `json:"date"`
	EventType  string  `json:"event_type"`
	Fatalities int     `json:"fatalities"`
}

// splits are the own corpus's splits in the order of the table. The
// errors of those in unread are never printed: their rows alone show
// whether a rule tuned on the others generalises.
var (
	splits = []string{"dev", "test", "heldout", "heldout-s3", "heldout-s5", "heldout-s7", "heldout-s8", "heldout-s10"}
	unread = []string{"heldout-s3", "heldout-s5", "heldout-s7", "heldout-s8", "heldout-s10"}
)

// matchKm is how far a candidate may be from a gold incident of the same
// type to count as the same incident; place accuracy is then scored at 25 km.
const matchKm = 100

type score struct {
	articles, gold, pred, matched            int
	place25, dateExact, fatalExact           int
	notPlaceHits, notCountHits, noIncidentFP int
	// Gold incidents at a place the gazetteer lacks (no entry of that name
	// within 25 km), how many of them were matched, and how many matched
	// candidates stand at a region (geo_precision 3) rather than a town.
	missing, missingMatched, regionFallback int
	missingNames                            []string
}

func (s *score) add(o score) {
	s.articles += o.articles
	s.gold += o.gold
	s.pred += o.pred
	s.matched += o.matched
	s.place25 += o.place25
	s.dateExact += o.dateExact
	s.fatalExact += o.fatalExact
	s.missing += o.missing
	s.missingMatched += o.missingMatched
	s.regionFallback += o.regionFallback
	s.missingNames = append(s.missingNames, o.missingNames...)
	s.notPlaceHits += o.notPlaceHits
	s.notCountHits += o.notCountHits
	s.noIncidentFP += o.noIncidentFP
}

func ratio(a, b int) float64 {
	if b == 0 {
		return math.NaN()
	}
	return float64(a) / float64(b)
}

// evalArticles scores the own corpus in dir, split by split, leaving out
// the articles of the sealed splits.
func evalArticles(ctx context.Context, x *extract.Extractor, gz *gazetteer.Gazetteer, dir string, verbose bool, sealed []string) error {
	known := func(name string, lat, lon float64) bool {
		res, err := gz.Resolve(ctx, gazetteer.Query{Name: name, Limit: 20})
		if err != nil {
			return false
		}
		for _, m := range res.Alternatives {
			if geo.Distance(lat, lon, m.Lat, m.Lon) <= 25 {
				return true
			}
		}
		return res.Match != nil && geo.Distance(lat, lon, res.Match.Lat, res.Match.Lon) <= 25
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.gold.json"))
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("no gold files in %s", dir)
	}
	slices.Sort(files)
	bySplit := map[string]*score{}
	for _, split := range splits {
		bySplit[split] = &score{}
	}
	var words, read int
	var texts []string
	for _, gf := range files {
		var g gold
		b, err := os.ReadFile(gf)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(b, &g); err != nil {
			return fmt.Errorf("%s: %w", gf, err)
		}
		if slices.Contains(sealed, g.Split) {
			continue
		}
		base := strings.TrimSuffix(gf, ".gold.json")
		text, name := "", ""
		for _, ext := range []string{".txt", ".html"} {
			if t, err := os.ReadFile(base + ext); err == nil {
				text, name = string(t), filepath.Base(base+ext)
			}
		}
		if name == "" {
			return fmt.Errorf("%s: no article beside it", gf)
		}
		read++
		words += len(strings.Fields(text))
		texts = append(texts, text)
		res, err := x.Extract(ctx, text, extract.Options{})
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if bySplit[g.Split] == nil {
			return fmt.Errorf("%s: split %q is not one of %s", gf, g.Split, strings.Join(splits, ", "))
		}
		s := scoreArticle(name, g, res.Candidates, known, verbose && !slices.Contains(unread, g.Split))
		bySplit[g.Split].add(s)
	}
	fmt.Printf("## Own corpus: %d articles, %d words (%s)\n\n", read, words, dir)
	fmt.Println("Incidents match when the event type agrees and the candidate lies within 100 km; place, date and fatalities are scored over the matched.")
	fmt.Println("The rules were developed on the seed article and the dev split. The test split was written before the first run; its errors have been looked at once since (its first-run F1 was 0.451), so it is no longer untouched. The heldout split was written after the rest: articles 45-56 were run once, untuned, in the first session; 57-64 were written in the second before its rule changes and first run with them, untuned; neither set's errors were looked at. Dev articles 65-70 were written in the second session for the kinds of error it fixed (withdrawals, riots, history, generic statements). In the third session the test and heldout errors (articles 21-64) were read at its start and general rules written for their kinds, so neither split is untouched any more. The heldout-s3 split (articles 71-81) was written in the third session before any of its rule changes (untuned first run: F1 0.700); its errors were not looked at. The heldout-s5 split (articles 82-89: Yemen, Libya, Burkina Faso, Ukraine, Myanmar, Iraq, Syria, Mali and Niger) was written in the fifth session and run once, with no rule changed for it. The heldout-s7 split (articles 90-97: Sudan, Somalia, Yemen, Ukraine, Myanmar, Niger and Burkina Faso, Iraq, Syria) was written in the seventh session before any of its rule changes and run once at its end, with no rule changed for it. The heldout-s8 split (articles 98-105: Congo, Mozambique, Sudan, Ukraine, Myanmar, Yemen, Mali, Burkina Faso and Niger) was written and committed in the eighth session before the extractor was first run on it, sealed (-sealed heldout-s8) while that session's rules changed, and scored once at its end. The heldout-s10 split (articles 106-113: Sudan, Ethiopia, Haiti, Mozambique, Syria, Yemen, Myanmar, Burkina Faso) was written and committed in the tenth session before the extractor was run on it, sealed while that session's rules changed, and scored once at its end. In the tenth session four gold dates of earlier splits (articles 62, 76, 93, 101) were moved a day back to follow the night convention findDate documents; no other gold changed. The eval prints the errors of dev, test and heldout only.")
	fmt.Println()
	fmt.Println("| split | articles | gold | found | matched | P | R | F1 | place <= 25 km | date exact | fatalities exact | not-incident places hit | background counts taken |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
	all := score{}
	for _, split := range splits {
		if slices.Contains(sealed, split) {
			continue
		}
		s := bySplit[split]
		all.add(*s)
		printScore(split, *s)
	}
	printScore("all", all)
	fmt.Println()
	fmt.Printf("Places the gazetteer lacks: %d of the %d gold incidents happened at a place with no gazetteer entry of that name within 25 km (%s); %d of them were matched, and %d of all %d matched candidates stand at a region (geo_precision 3) instead of a town.\n\n",
		all.missing, all.gold, strings.Join(all.missingNames, ", "), all.missingMatched, all.regionFallback, all.matched)
	benchmark(ctx, x, texts)
	return nil
}

func printScore(name string, s score) {
	p, r := ratio(s.matched, s.pred), ratio(s.matched, s.gold)
	fmt.Printf("| %s | %d | %d | %d | %d | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %d | %d |\n", name, s.articles, s.gold, s.pred,
		s.matched, p, r, 2*p*r/(p+r), ratio(s.place25, s.matched), ratio(s.dateExact, s.matched), ratio(s.fatalExact, s.matched),
		s.notPlaceHits, s.notCountHits)
}

// scoreArticle matches candidates to gold incidents greedily, nearest
// first.
func scoreArticle(name string, g gold, cands []extract.Candidate, known func(string, float64, float64) bool, verbose bool) score {
	s := score{articles: 1, gold: len(g.Incidents), pred: len(cands)}
	type pair struct {
		gi, ci int
		km     float64
	}
	var pairs []pair
	for gi, gd := range g.Incidents {
		for ci, c := range cands {
			if c.EventType != gd.EventType || c.Lat == nil {
				continue
			}
			if km := geo.Distance(gd.Lat, gd.Lon, *c.Lat, *c.Lon); km <= matchKm {
				pairs = append(pairs, pair{gi, ci, km})
			}
		}
	}
	slices.SortFunc(pairs, func(a, b pair) int { return cmpFloat(a.km, b.km) })
	usedG, usedC := map[int]bool{}, map[int]bool{}
	for _, p := range pairs {
		if usedG[p.gi] || usedC[p.ci] {
			continue
		}
		usedG[p.gi], usedC[p.ci] = true, true
		s.matched++
		gd, c := g.Incidents[p.gi], cands[p.ci]
		if c.GeoPrecision == 3 {
			s.regionFallback++
		}
		if p.km <= 25 {
			s.place25++
		} else if verbose {
			fmt.Printf("  %s: place %q %.0f km from gold %q\n", name, c.Place, p.km, gd.Place)
		}
		if c.Date == gd.Date {
			s.dateExact++
		} else if verbose {
			fmt.Printf("  %s: date %s, gold %s (%s)\n", name, c.Date, gd.Date, gd.Place)
		}
		f := 0
		if c.Fatalities != nil {
			f = *c.Fatalities
		}
		if f == gd.Fatalities {
			s.fatalExact++
		} else if verbose {
			fmt.Printf("  %s: fatalities %d, gold %d (%s)\n", name, f, gd.Fatalities, gd.Place)
		}
	}
	for ci, c := range cands {
		for _, np := range g.NotPlaces {
			if gazetteer.Normalize(np) == gazetteer.Normalize(c.Place) {
				s.notPlaceHits++
			}
		}
		for _, n := range g.NotCounts {
			if c.Fatalities != nil && *c.Fatalities == n {
				s.notCountHits++
			}
		}
		if !usedC[ci] && verbose {
			fmt.Printf("  %s: extra %s / %s at %q %s (%.2f): %s\n", name, c.EventType, c.SubEventType, c.Place, c.Date, c.Confidence, clip(c.Evidence[0].Text))
		}
	}
	for gi, gd := range g.Incidents {
		if !known(gd.Place, gd.Lat, gd.Lon) {
			s.missing++
			s.missingNames = append(s.missingNames, gd.Place)
			if usedG[gi] {
				s.missingMatched++
			}
		}
		if !usedG[gi] && verbose {
			fmt.Printf("  %s: missed %s at %q %s\n", name, gd.EventType, gd.Place, gd.Date)
		}
	}
	return s
}

func clip(s string) string {
	if len(s) > 100 {
		return s[:100] + "..."
	}
	return s
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// benchmark times a 1,000-word article (the corpus's articles joined) on
// one core and the memory extraction takes over the loaded gazetteer.
func benchmark(ctx context.Context, x *extract.Extractor, texts []string) {
	var sb strings.Builder
	for _, t := range texts {
		if strings.HasPrefix(strings.TrimSpace(t), "<") {
			continue
		}
		sb.WriteString(strings.TrimPrefix(t[strings.IndexByte(t, '\n')+1:], "\n"))
		sb.WriteString("\n\n")
		if len(strings.Fields(sb.String())) >= 1000 {
			break
		}
	}
	words := strings.Fields(sb.String())
	article := "date 2020-01-01\n" + strings.Join(words[:min(1000, len(words))], " ")
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	// Wall time suffers from other work on a shared machine; the thread's
	// CPU time (one goroutine locked to one thread, GOMAXPROCS=1) does not.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var times, cpu []time.Duration
	for range 200 {
		start, c0 := time.Now(), threadCPU()
		if _, err := x.Extract(ctx, article, extract.Options{}); err != nil {
			fail(err)
		}
		times = append(times, time.Since(start))
		cpu = append(cpu, threadCPU()-c0)
	}
	total := func() uint64 { var m runtime.MemStats; runtime.ReadMemStats(&m); return m.TotalAlloc }()
	runtime.GC()
	runtime.ReadMemStats(&after)
	after.TotalAlloc = total
	slices.Sort(times)
	slices.Sort(cpu)
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Printf("## Speed\n\nA 1,000-word article (the corpus's plain-text articles joined), 200 runs on one core (GOMAXPROCS=1, the gazetteer loaded and warm): CPU time p50 %.2f ms, p90 %.2f ms; wall time p50 %.2f ms, p90 %.2f ms; %.2f MB allocated per run; heap in use after the runs (collected) %.1f MB more than the %.0f MB of the loaded gazetteer. Load average: %s\n\n",
		ms(cpu[len(cpu)/2]), ms(cpu[len(cpu)*9/10]), ms(times[len(times)/2]), ms(times[len(times)*9/10]),
		float64(after.TotalAlloc-before.TotalAlloc)/200/1e6,
		float64(after.HeapInuse)/1e6-float64(before.HeapInuse)/1e6, float64(before.HeapInuse)/1e6, strings.TrimSpace(string(load)))
}

// threadCPU returns the CPU time of the calling thread, to the
// nanosecond (Linux CLOCK_THREAD_CPUTIME_ID; getrusage counts in scheduler
// ticks).
func threadCPU() time.Duration {
	const clockThreadCPUTime = 3 // CLOCK_THREAD_CPUTIME_ID
	var ts syscall.Timespec
	if _, _, errno := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTime, uintptr(unsafe.Pointer(&ts)), 0); errno != 0 {
		return 0
	}
	return time.Duration(ts.Nano())
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// Geoparsing corpora.

type gpCorpus struct {
	Articles []gpArticle `xml:"article"`
}

type gpArticle struct {
	Text      string       `xml:"text"`
	DLTime    string       `xml:"dltime"`
	Toponyms  []gpToponym  `xml:"toponyms>toponym"`
	Locations []gpLocation `xml:"locations>location"`
}

type gpToponym struct {
	Phrase string `xml:"phrase"`
	Start  int    `xml:"start"`
	End    int    `xml:"end"`
	Gaztag *struct {
		Lat float64 `xml:"lat"`
		Lon float64 `xml:"lon"`
	} `xml:"gaztag"`
}

type gpLocation struct {
	Name  string  `xml:"name"`
	Start int     `xml:"start"`
	End   int     `xml:"end"`
	Lat   float64 `xml:"lat"`
	Lon   float64 `xml:"lon"`
}

type gpSpan struct {
	start, end int // bytes
	lat, lon   float64
	hasPoint   bool
}

func evalGeoparse(ctx context.Context, x *extract.Extractor, dir string, verbose bool, show, only string, top int) error {
	fmt.Printf("## Geoparsing corpora, end to end (%s)\n\n", dir)
	fmt.Println("Spans: mapd's place names (every role; demonyms counted on TR-News and LGL, whose gold tags them, not on GeoVirus, whose gold does not) against the gold toponyms, exact and overlapping. acc@161: the share of overlapping matches with gold coordinates whose resolved point is within 161 km. Each corpus is split as the gazetteer's eval splits it: the even-numbered articles are the development split extract is tuned on, the odd-numbered ones are held out (their errors are never printed); the held-out row is the figure to quote.")
	fmt.Println()
	fmt.Println("| corpus | articles | gold | found | exact P | exact R | exact F1 | overlap P | overlap R | overlap F1 | acc@161 | median km |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|---|---|")
	for _, f := range []string{"TR-News.xml", "lgl.xml", "GeoVirus.xml"} {
		if only != "" && f != only {
			continue
		}
		raw, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			fmt.Printf("| %s | absent | | | | | | | | | | |\n", f)
			continue
		}
		var c gpCorpus
		if err := xml.Unmarshal(raw, &c); err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		demonyms := f != "GeoVirus.xml"
		var dev, held gpScore
		missed, extra, wrong, bounds := map[string]int{}, map[string]int{}, map[string]int{}, map[string]int{}
		for ai, a := range c.Articles {
			golds := goldSpans(a)
			opts := extract.Options{Date: dateOf(a.DLTime), MinConfidence: -1}
			res, err := x.Extract(ctx, a.Text, opts)
			if err != nil {
				continue
			}
			var preds []gpSpan
			for _, p := range res.Places {
				if p.Role == extract.RoleDemonym && !demonyms {
					continue
				}
				sp := gpSpan{start: p.Start, end: p.End}
				if p.Match != nil {
					sp.lat, sp.lon, sp.hasPoint = p.Match.Lat, p.Match.Lon, true
				}
				preds = append(preds, sp)
			}
			s, read := &held, false
			if gpDev(ai) {
				s, read = &dev, true
			}
			s.gold += len(golds)
			s.pred += len(preds)
			usedP := map[int]bool{}
			for _, g := range golds {
				matched := -1
				for pi, p := range preds {
					if p.start == g.start && p.end == g.end {
						s.exact++
						matched = pi
						break
					}
				}
				if matched < 0 {
					for pi, p := range preds {
						if p.start < g.end && g.start < p.end {
							matched = pi
							if read {
								bounds[a.Text[g.start:g.end]+" ~ "+a.Text[p.start:p.end]]++
							}
							break
						}
					}
				}
				if matched < 0 {
					if read {
						missed[a.Text[g.start:g.end]]++
						if a.Text[g.start:g.end] == show {
							fmt.Printf("  missed %q: %s\n", show, around(a.Text, g.start, g.end))
						}
					}
					continue
				}
				s.overlapG++
				usedP[matched] = true
				if g.hasPoint && preds[matched].hasPoint {
					s.withPoint++
					km := geo.Distance(g.lat, g.lon, preds[matched].lat, preds[matched].lon)
					s.errs = append(s.errs, km)
					if km <= 161 {
						s.within++
					} else if read {
						wrong[a.Text[g.start:g.end]]++
						if a.Text[g.start:g.end] == show {
							fmt.Printf("  wrong %q (%.0f km): %s\n", show, km, around(a.Text, g.start, g.end))
						}
					}
				}
			}
			s.overlapP += len(usedP)
			for pi, p := range preds {
				if !usedP[pi] && read {
					extra[a.Text[p.start:p.end]]++
					if a.Text[p.start:p.end] == show {
						fmt.Printf("  extra %q: %s\n", show, around(a.Text, p.start, p.end))
					}
				}
			}
		}
		if verbose {
			for _, m := range []struct {
				name string
				m    map[string]int
			}{{"missed", missed}, {"extra", extra}, {"wrong point", wrong}, {"other bounds (gold ~ found)", bounds}} {
				fmt.Printf("%s dev %s:", f, m.name)
				for _, k := range topKeys(m.m, top) {
					fmt.Printf(" %s(%d)", k, m.m[k])
				}
				fmt.Println()
			}
		}
		all := dev
		all.add(held)
		all.articles = len(c.Articles)
		dev.articles, held.articles = (len(c.Articles)+1)/2, len(c.Articles)/2
		dev.print(f + " dev (tuned on)")
		held.print(f + " held out")
		all.print(f + " all")
	}
	fmt.Println()
	return nil
}

// gpDev reports whether article i of a geoparsing corpus is in its
// development split: the even-numbered articles, as the gazetteer's eval
// splits them (gazetteer/internal/geoparse.Dev), so that both tools are
// tuned on the same articles. The odd-numbered ones are held out: their
// errors are never printed.
func gpDev(i int) bool { return i%2 == 0 }

// gpScore counts one split of a geoparsing corpus.
type gpScore struct {
	articles, gold, pred, exact, overlapP, overlapG, within, withPoint int
	errs                                                               []float64
}

func (s *gpScore) add(o gpScore) {
	s.gold += o.gold
	s.pred += o.pred
	s.exact += o.exact
	s.overlapP += o.overlapP
	s.overlapG += o.overlapG
	s.within += o.within
	s.withPoint += o.withPoint
	s.errs = append(slices.Clip(s.errs), o.errs...)
}

func (s gpScore) print(name string) {
	ep, er := ratio(s.exact, s.pred), ratio(s.exact, s.gold)
	op, or := ratio(s.overlapP, s.pred), ratio(s.overlapG, s.gold)
	errs := slices.Sorted(slices.Values(s.errs))
	med := math.NaN()
	if len(errs) > 0 {
		med = errs[len(errs)/2]
	}
	fmt.Printf("| %s | %d | %d | %d | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.0f |\n", name, s.articles, s.gold, s.pred,
		ep, er, f1(ep, er), op, or, f1(op, or), ratio(s.within, s.withPoint), med)
}

// around returns the text around [start, end) on one line, the span in
// brackets.
func around(text string, start, end int) string {
	from, to := max(0, start-60), min(len(text), end+60)
	for from > 0 && !utf8.RuneStart(text[from]) {
		from--
	}
	for to < len(text) && !utf8.RuneStart(text[to]) {
		to++
	}
	return strings.Join(strings.Fields(text[from:start]+"["+text[start:end]+"]"+text[end:to]), " ")
}

func f1(p, r float64) float64 { return 2 * p * r / (p + r) }

func dateOf(dl string) string {
	if len(dl) >= 10 {
		if _, err := time.Parse("2006-01-02", dl[:10]); err == nil {
			return dl[:10]
		}
	}
	return "2017-01-01"
}

// offsetSlack is how far, in code points, goldSpans looks for a gold
// phrase that is not at its offsets.
const offsetSlack = 40

// goldSpans converts an article's gold toponyms (code-point offsets) to
// byte spans.
func goldSpans(a gpArticle) []gpSpan {
	byteAt := runeOffsets(a.Text)
	conv := func(i int) int {
		if i < 0 {
			return 0
		}
		if i >= len(byteAt) {
			return len(a.Text)
		}
		return byteAt[i]
	}
	var out []gpSpan
	// Some articles' offsets drift from the text (TR-News by up to a few
	// dozen code points after characters its annotators counted
	// differently, GeoVirus's often one late): trust the phrase, at the
	// shift nearest the given offsets within offsetSlack code points.
	fix := func(start, end int, phrase string) (int, int) {
		for d := range offsetSlack + 1 {
			for _, shift := range []int{-d, d} {
				b, e := conv(start+shift), conv(end+shift)
				if b <= e && a.Text[b:e] == phrase {
					return start + shift, end + shift
				}
			}
		}
		return start, end
	}
	for _, t := range a.Toponyms {
		start, end := fix(t.Start, t.End, t.Phrase)
		s := gpSpan{start: conv(start), end: conv(end)}
		if t.Gaztag != nil {
			s.lat, s.lon, s.hasPoint = t.Gaztag.Lat, t.Gaztag.Lon, true
		}
		out = append(out, s)
	}
	for _, l := range a.Locations {
		start, end := fix(l.Start, l.End, l.Name) // GeoVirus's are often one late
		out = append(out, gpSpan{start: conv(start), end: conv(end), lat: l.Lat, lon: l.Lon, hasPoint: true})
	}
	return out
}

// runeOffsets maps code-point index to byte offset (plus the end).
func runeOffsets(s string) []int {
	out := make([]int, 0, utf8.RuneCountInString(s)+1)
	for i := range s {
		out = append(out, i)
	}
	return append(out, len(s))
}

// topKeys returns the n keys with the largest counts.
func topKeys(m map[string]int, n int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if m[a] != m[b] {
			return m[b] - m[a]
		}
		return strings.Compare(a, b)
	})
	return keys[:min(n, len(keys))]
}
