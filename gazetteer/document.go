package gazetteer

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Mention is one place name in a document, as the text wrote it.
type Mention struct {
	// Name is the name as written. It may carry a qualifier after a comma
	// ("Springfield, Mass.", "Raqqa, Syria") and region or nearness words
	// ("Homs province", "near Aleppo"), as in Query.Name.
	Name string
	// Country is an optional ISO 3166-1 alpha-2 hint for this name alone.
	// It overrides the document's WithCountry hint.
	Country string
	// Within lists the areas the text puts the place in, as written:
	// "Homs province" for "Talbiseh, in Homs province", "Massachusetts"
	// for "Springfield in western Massachusetts". Names the gazetteer does
	// not know as a country or region are ignored.
	Within []string
}

// Option adjusts ResolveDocument.
type Option func(*documentOptions)

type documentOptions struct {
	country string
	limit   int
}

// WithCountry hints the country (ISO 3166-1 alpha-2) of every mention that
// has no hint of its own, as "mapd geocode --country" does.
func WithCountry(cc string) Option {
	return func(o *documentOptions) { o.country = strings.ToUpper(strings.TrimSpace(cc)) }
}

// WithLimit sets the number of candidates per mention, the match included:
// 5 by default, at most 100.
func WithLimit(n int) Option {
	return func(o *documentOptions) { o.limit = n }
}

// ResolveDocument resolves the place names of one document together, so
// that each is read in the light of the others: the countries and regions
// they resolve to, the places they are near, and the containment the text
// states. It returns one Result per mention, in order. A mention whose name
// is invalid gets a Result with a nil Match and Err wrapping
// ErrInvalidQuery; the others are still resolved. The error is non-nil only
// when ctx ends.
//
// Whether a name is a place at all is decided by the name alone, as
// Resolve does; the document decides which of its candidates it is, with
// the weights of docWeights. A candidate's Score is its score alone
// weighted by the document model's probability for it; the Match scores at
// least MatchThreshold. Context breaks ties between plausible readings; it
// never turns a capital or a city of millions into a small place abroad of
// the same name unless the text qualifies the name.
//
// Time is linear in the number of mentions: repeated names are resolved
// once, and distances are taken to at most maxDocPoints places.
func (g *Gazetteer) ResolveDocument(ctx context.Context, doc []Mention, opts ...Option) ([]Result, error) {
	return g.resolveDocument(ctx, doc, &docWeights, nil, opts...)
}

// Features of a candidate in its document, the inputs of the ranking model.
const (
	fPrior       = iota // the score of the name alone
	fOwn                // 1 when the name is the place's own, not an alternate or a fuzzy match
	fPop                // log10(population+1) / 7
	fCountry            // share of the document's other names resolved in the candidate's country
	fAdmin1             // share of them resolved in its first-level region
	fNear               // closeness to the nearest other resolved place: 1 at 0 km, 0 from nearScaleKm on
	fArea               // 1 for a country, continent, sea or macro-region
	fWithin             // 1 when the text puts the name in the candidate's region or country
	fRegionAny          // share of the document's other names with any candidate in its first-level region
	fCountyAny          // share of them with any candidate in its second-level region (county, district)
	fNamedRegion        // the document's other names read as its first-level region itself ("Idaho"), at most 1
	fNamedCounty        // the document's other names read as its second-level region itself ("Latah County"), at most 1
	fNearLocal          // closeness to the nearest other resolved place on a local scale: 1 at 0 km, 0 from localScaleKm on
	numFeatures
)

// docWeights are the ranking model's weights, fitted by TestFitDocWeights
// on the development split of the geoparsing corpora (the even-numbered
// articles of each; see gazetteer/data/README.md for how to refit). A candidate's
// utility is the dot product of its features with them.
var docWeights = [numFeatures]float64{
	fPrior:       1.68,
	fOwn:         2.18,
	fPop:         7.61,
	fCountry:     2.26,
	fAdmin1:      2.78,
	fNear:        -0.175,
	fArea:        2.25,
	fWithin:      4.07e-09,
	fRegionAny:   2.54,
	fCountyAny:   2.44,
	fNamedRegion: 1.52,
	fNamedCounty: 0.735,
	fNearLocal:   0.983,
}

const (
	// maxDocCandidates bounds the candidates weighed per name.
	maxDocCandidates = 24
	// maxDocPoints bounds the resolved places whose distance counts.
	maxDocPoints = 32
	// nearScaleKm is the distance from which places are no longer near.
	nearScaleKm = 2000
	// localScaleKm is the distance from which places are no longer
	// neighbours (fNearLocal): the fit prefers closeness on this linear
	// scale to the logarithmic one of fNear (mean log-likelihood on the
	// development split -0.1777 with fNear alone, -0.1766 with both;
	// 150 km and 250 km scored -0.1778 and -0.1768).
	localScaleKm = 500
	// docRounds is how often the document is re-read with the
	// probabilities of the previous round, after a first reading without
	// context.
	docRounds = 1
	// A place of at least bigPlace inhabitants, a capital or a country
	// stays the answer over one with less than 1/bigPlaceRatio of its
	// population unless the text qualifies the name.
	bigPlace      = 1_000_000
	bigPlaceRatio = 50
	// guardNear is the closeness (fNear) from which other names of the
	// document lift the guard: about 45 km.
	guardNear = 0.5
	// guardShare is the share of the document's other names expected in
	// the smaller place's first-level region from which they lift the
	// guard on their own ("Paris" with "Henry County" and "Tennessee").
	guardShare = 0.3
	// guardExtremeRatio is the population ratio from which only the text
	// (a qualifier, the place's region or county named) lifts the guard.
	guardExtremeRatio = 1000
	// guardNamed is how surely the document's other names must name the
	// smaller place's first- or second-level region ("Idaho", "Latah
	// County" for Moscow) to lift the guard.
	guardNamed = 0.5
	// surnameNearKm is the distance within which another place of the
	// document makes a surname a town's name (see resolveSurname).
	surnameNearKm = 50
	// surnameShare is the share of the document's other names expected in
	// a town's first-level region from which a surname is the town's name.
	surnameShare = 0.5
)

// docName is a distinct name of a document with its candidates.
type docName struct {
	s       scorer
	cands   []scored
	feats   [][numFeatures]float64
	util    []float64
	choice  int  // index into cands
	mention int  // the first mention of the name
	place   bool // the name alone is a place: its best prior reaches MatchThreshold
	// areas are the candidates' countries and regions, as indexes of the
	// document's areaIDs.
	areas []candAreas
	// prob is the probability of each candidate under the last round's
	// utilities.
	prob []float64
}

// candAreas are a candidate's country and first- and second-level region,
// as indexes of a document's areaIDs; a region or county is -1 when the
// candidate has none.
type candAreas struct{ country, region, county int32 }

// admin2Key names a second-level region.
type admin2Key struct {
	admin1Key
	code string
}

// areaIDs numbers the countries and regions of a document's candidates
// from 0, from their numbers in the gazetteer (record.areas).
type areaIDs struct {
	countries, regions, counties map[int32]int32
}

// of returns r's country and regions, numbering those not seen before.
func (ids *areaIDs) of(r *record) candAreas {
	if ids.countries == nil {
		ids.countries = map[int32]int32{}
		ids.regions = map[int32]int32{}
		ids.counties = map[int32]int32{}
	}
	a := candAreas{country: number(ids.countries, r.areas.country), region: -1, county: -1}
	if r.areas.region >= 0 {
		a.region = number(ids.regions, r.areas.region)
	}
	if r.areas.county >= 0 {
		a.county = number(ids.counties, r.areas.county)
	}
	return a
}

// number returns the number of key in m, adding it when it is new.
func number[K comparable](m map[K]int32, key K) int32 {
	i, ok := m[key]
	if !ok {
		i = int32(len(m))
		m[key] = i
	}
	return i
}

// softmax sets n.prob from n.util; a name that is no place has none.
func (n *docName) softmax() {
	if !n.place {
		return
	}
	maxU := math.Inf(-1)
	for _, u := range n.util {
		maxU = max(maxU, u)
	}
	sum := 0.0
	for k, u := range n.util {
		n.prob[k] = math.Exp(u - maxU)
		sum += n.prob[k]
	}
	for k := range n.prob {
		n.prob[k] /= sum
	}
}

// docPoint is the place chosen for a name, for distances.
type docPoint struct {
	lat, lon, cosLat float64
	name             int
}

// resolveDocument is ResolveDocument with the weights w; observe, when not
// nil, sees each distinct name's candidates and features after the last
// round (for fitting the weights).
func (g *Gazetteer) resolveDocument(ctx context.Context, doc []Mention, w *[numFeatures]float64,
	observe func(mention int, cands []Place, feats [][numFeatures]float64), opts ...Option) ([]Result, error) {
	o := documentOptions{limit: 5}
	for _, opt := range opts {
		opt(&o)
	}
	limit := min(max(o.limit, 1), maxLimit)
	if o.limit <= 0 {
		limit = 5
	}
	out := make([]Result, len(doc))
	nameOf := make([]int, len(doc)) // mention -> distinct name, -1 when invalid
	index := map[string]int{}
	names := make([]docName, 0, len(doc))
	var keyBuf []byte

	g.mu.RLock()
	defer g.mu.RUnlock()
	for i, m := range doc {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("gazetteer: %w", err)
			}
		}
		q := g.mentionQuery(m, o, maxDocCandidates)
		if err := validate(q.Name); err != nil {
			out[i] = Result{Query: m.Name, Alternatives: []Match{}, Err: err}
			nameOf[i] = -1
			continue
		}
		keyBuf = append(append(append(keyBuf[:0], q.Name...), 0), q.Country...)
		for _, w := range q.Within {
			keyBuf = append(append(keyBuf, 0), w...)
		}
		if j, ok := index[string(keyBuf)]; ok {
			nameOf[i] = j
			continue
		}
		var candBuf [16]candidate
		cands, s := g.gather(candBuf[:0], q, false, false)
		n := docName{s: s, cands: g.prior(make([]scored, 0, len(cands)), cands, &s), mention: i}
		if len(n.cands) > maxDocCandidates {
			n.cands = n.cands[:maxDocCandidates]
		}
		n.place = len(n.cands) > 0 && n.cands[0].score >= MatchThreshold
		index[string(keyBuf)] = len(names)
		nameOf[i] = len(names)
		names = append(names, n)
	}
	// The candidates' arrays are cut from one allocation each.
	total := 0
	for j := range names {
		total += len(names[j].cands)
	}
	feats, util, prob, areas := make([][numFeatures]float64, total), make([]float64, total), make([]float64, total), make([]candAreas, total)
	for j := range names {
		n, k := &names[j], len(names[j].cands)
		n.feats, n.util, n.prob, n.areas = carve(&feats, k), carve(&util, k), carve(&prob, k), carve(&areas, k)
	}

	// Each candidate's country and first- and second-level region as
	// small integers, so that the rounds below add up arrays.
	var ids areaIDs
	for j := range names {
		n := &names[j]
		for k, c := range n.cands {
			n.areas[k] = ids.of(&g.recs[c.rec])
		}
	}
	nC, nR, nK := len(ids.countries), len(ids.regions), len(ids.counties)

	// Which regions and counties each name could lie in, whatever its
	// reading: names that could all lie in one region ("Alexandria",
	// "Douglas County", "St. Cloud": Minnesota) probably do, and names
	// that could lie in one county ("Paris", "Henry County": Tennessee's)
	// more so.
	// The document's arrays by area, cut from one allocation.
	floats := make([]float64, 4*nC+5*nR+3*nK)
	anyRegion, anyCounty := carve(&floats, nR), carve(&floats, nK)
	ints := make([]int, nR+nK)
	lastRegion, lastCounty := carve(&ints, nR), carve(&ints, nK)
	placedNames := 0.0
	for j := range names {
		n := &names[j]
		if !n.place {
			continue
		}
		placedNames++
		for _, a := range n.areas {
			if a.region >= 0 && lastRegion[a.region] != j+1 {
				lastRegion[a.region] = j + 1
				anyRegion[a.region]++
			}
			if a.county >= 0 && lastCounty[a.county] != j+1 {
				lastCounty[a.county] = j + 1
				anyCounty[a.county]++
			}
		}
	}
	// The features that do not change from round to round.
	for j := range names {
		n := &names[j]
		for k := range n.cands {
			c := &n.cands[k]
			r := &g.recs[c.rec]
			f := &n.feats[k]
			f[fPrior] = c.score
			if c.own && c.name >= 1 {
				f[fOwn] = 1
			}
			pop := r.population
			if c.seat > 0 {
				pop = g.recs[c.seat-1].population
			}
			f[fPop] = min(math.Log10(float64(pop)+1)/7, 1)
			if isArea(r.fcode) && !isAdminCode(r.fcode) {
				// A sea or macro-region has no population; its
				// importance stands in.
				f[fPop] = float64(r.importance)
			}
			if isArea(r.fcode) && !isAdminCode(r.fcode) || kindOf(r.fcode) == KindCountry {
				f[fArea] = 1
			}
			if (n.s.country != "" && r.country == n.s.country) || slices.Contains(n.s.within, admin1Key{r.country, r.admin1}) {
				f[fWithin] = 1
			}
			if a := n.areas[k]; n.place && placedNames > 1 {
				if a.region >= 0 {
					f[fRegionAny] = (anyRegion[a.region] - 1) / (placedNames - 1)
				}
				if a.county >= 0 {
					f[fCountyAny] = (anyCounty[a.county] - 1) / (placedNames - 1)
				}
			}
		}
	}

	// The context, read softly: each name counts towards the countries
	// and first-level regions of all its candidates, in proportion to its
	// probability for each under the previous round's utilities (in the
	// first round, utilities without context). So "Paris" and "Henry
	// County" can agree on Tennessee although neither would be read there
	// alone.
	countries, regions := carve(&floats, nC), carve(&floats, nR)
	selfCountry, selfRegion := carve(&floats, nC), carve(&floats, nR)
	// named and selfNamed are the same for readings that are a country
	// itself: a text that names Syria puts its other places in Syria
	// however many other countries it names.
	named, selfNamed := carve(&floats, nC), carve(&floats, nC)
	// namedRegion and namedCounty are the same for readings that are a
	// first- or second-level region itself: "Moscow" with "Latah County"
	// and "Idaho" is Moscow, Idaho.
	namedRegion, selfNamedRegion := carve(&floats, nR), carve(&floats, nR)
	namedCounty, selfNamedCounty := carve(&floats, nK), carve(&floats, nK)
	points := make([]docPoint, 0, maxDocPoints)
	placed := 0.0 // names read as places in the round
	for round := 0; round <= docRounds; round++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("gazetteer: %w", err)
		}
		clear(countries)
		clear(regions)
		clear(named)
		clear(namedRegion)
		clear(namedCounty)
		points = points[:0]
		placed = 0
		for j := range names {
			n := &names[j]
			if !n.place || round == 0 {
				continue
			}
			placed++
			for k, a := range n.areas {
				countries[a.country] += n.prob[k]
				fcode := g.recs[n.cands[k].rec].fcode
				if kindOf(fcode) == KindCountry {
					named[a.country] += n.prob[k]
				}
				if a.region >= 0 {
					regions[a.region] += n.prob[k]
					if fcode == "ADM1" {
						namedRegion[a.region] += n.prob[k]
					}
				}
				if a.county >= 0 && fcode == "ADM2" {
					namedCounty[a.county] += n.prob[k]
				}
			}
			r := &g.recs[n.cands[n.choice].rec]
			if len(points) < maxDocPoints && !isArea(r.fcode) {
				points = append(points, docPoint{r.lat, r.lon, math.Cos(r.lat * math.Pi / 180), j})
			}
		}
		for j := range names {
			n := &names[j]
			self := n.place && round > 0
			others := placed
			if self {
				others--
				for k, a := range n.areas {
					selfCountry[a.country] += n.prob[k]
					fcode := g.recs[n.cands[k].rec].fcode
					if kindOf(fcode) == KindCountry {
						selfNamed[a.country] += n.prob[k]
					}
					if a.region >= 0 {
						selfRegion[a.region] += n.prob[k]
						if fcode == "ADM1" {
							selfNamedRegion[a.region] += n.prob[k]
						}
					}
					if a.county >= 0 && fcode == "ADM2" {
						selfNamedCounty[a.county] += n.prob[k]
					}
				}
			}
			for k := range n.cands {
				r := &g.recs[n.cands[k].rec]
				f := &n.feats[k]
				a := n.areas[k]
				f[fCountry], f[fAdmin1], f[fNear], f[fNamedRegion], f[fNamedCounty], f[fNearLocal] = 0, 0, 0, 0, 0, 0
				if others > 0 {
					f[fCountry] = max(countries[a.country]-selfCountry[a.country], 0) / others
					f[fCountry] = max(f[fCountry], min(named[a.country]-selfNamed[a.country], 1))
					if a.region >= 0 {
						f[fAdmin1] = max(regions[a.region]-selfRegion[a.region], 0) / others
						f[fNamedRegion] = min(max(namedRegion[a.region]-selfNamedRegion[a.region], 0), 1)
					}
					if a.county >= 0 {
						f[fNamedCounty] = min(max(namedCounty[a.county]-selfNamedCounty[a.county], 0), 1)
					}
				}
				if !isArea(r.fcode) {
					best := math.Inf(1)
					cosLat := math.Cos(r.lat * math.Pi / 180)
					for _, p := range points {
						if p.name != j {
							best = min(best, fastDistance(r.lat, r.lon, cosLat, p))
						}
					}
					if !math.IsInf(best, 1) {
						f[fNear] = max(0, 1-math.Log1p(best)/math.Log1p(nearScaleKm))
						f[fNearLocal] = max(0, 1-best/localScaleKm)
					}
				}
				u := 0.0
				for fi, v := range f {
					u += w[fi] * v
				}
				n.util[k] = u
			}
			if self {
				for _, a := range n.areas {
					selfCountry[a.country] = 0
					selfNamed[a.country] = 0
					if a.region >= 0 {
						selfRegion[a.region] = 0
						selfNamedRegion[a.region] = 0
					}
					if a.county >= 0 {
						selfNamedCounty[a.county] = 0
					}
				}
			}
			n.choice = g.choose(n)
		}
		for j := range names {
			names[j].softmax()
		}
	}
	if observe != nil {
		for i, j := range nameOf {
			if j < 0 {
				continue
			}
			n := &names[j]
			ps := make([]Place, len(n.cands))
			for k, c := range n.cands {
				ps[k] = g.place(c.rec)
			}
			observe(i, ps, n.feats)
		}
	}

	// Surnames that are also towns ("Clinton"), after the model: the
	// rule is not one of its features.
	for j := range names {
		if names[j].s.surname {
			g.resolveSurname(&names[j], j, g.mentionQuery(doc[names[j].mention], o, maxDocCandidates),
				&ids, surnameContext{regions, namedRegion, namedCounty, placed, points}, w)
		}
	}

	// The answers, by distinct name.
	answers := make([]Result, len(names))
	for j := range names {
		answers[j] = g.documentResult(&names[j], limit)
	}
	taken := make([]bool, len(names))
	for i, j := range nameOf {
		if j < 0 {
			continue
		}
		r := answers[j]
		r.Query = doc[i].Name
		if taken[j] { // a later mention: each its own copy
			if names[j].place {
				m := *r.Match
				r.Match = &m
			}
			r.Alternatives = slices.Clone(r.Alternatives)
		}
		taken[j] = true
		out[i] = r
	}
	return out, nil
}

// carve returns the first n elements of *buf, capped so that an append
// cannot reach the next, and leaves the rest in *buf.
func carve[T any](buf *[]T, n int) []T {
	x := (*buf)[:n:n]
	*buf = (*buf)[n:]
	return x
}

// surnameContext is the document as the last round read it, for
// resolveSurname: the expected number of names in each first-level region,
// how surely the names are each region or county itself, the number of
// names read as places and the places chosen.
type surnameContext struct {
	regions, namedRegion, namedCounty []float64
	placed                            float64
	points                            []docPoint
}

// resolveSurname reads the name n (the document's j-th distinct name, a
// surname that is also a town's: "Clinton") as one of its towns when the
// document's other names, as the last round read them, surely name the
// town's state or county (see guardNamed), lie in its state at least
// surnameShare of them, or lie within surnameNearKm of it. It leaves n as
// it is when no town of the name is so supported. The caller holds g.mu.
func (g *Gazetteer) resolveSurname(n *docName, j int, q Query, ids *areaIDs, dc surnameContext, w *[numFeatures]float64) {
	var buf [16]candidate
	cands, s := g.gather(buf[:0], q, false, true)
	sc := g.prior(nil, cands, &s)
	if len(sc) > maxDocCandidates {
		sc = sc[:maxDocCandidates]
	}
	feats := make([][numFeatures]float64, len(sc))
	util := make([]float64, len(sc))
	best := -1
	for k, c := range sc {
		r := &g.recs[c.rec]
		f := &feats[k]
		f[fPrior] = c.score
		if c.own && c.name >= 1 {
			f[fOwn] = 1
		}
		f[fPop] = min(math.Log10(float64(r.population)+1)/7, 1)
		others := dc.placed
		if n.place {
			others--
		}
		if i, ok := ids.regions[r.areas.region]; ok && r.areas.region >= 0 {
			f[fNamedRegion] = min(dc.namedRegion[i], 1)
			if others > 0 {
				f[fAdmin1] = min(dc.regions[i]/others, 1)
			}
		}
		if i, ok := ids.counties[r.areas.county]; ok && r.areas.county >= 0 {
			f[fNamedCounty] = min(dc.namedCounty[i], 1)
		}
		nearest := math.Inf(1)
		if !isArea(r.fcode) {
			cosLat := math.Cos(r.lat * math.Pi / 180)
			for _, p := range dc.points {
				if p.name != j {
					nearest = min(nearest, fastDistance(r.lat, r.lon, cosLat, p))
				}
			}
			if !math.IsInf(nearest, 1) {
				f[fNear] = max(0, 1-math.Log1p(nearest)/math.Log1p(nearScaleKm))
				f[fNearLocal] = max(0, 1-nearest/localScaleKm)
			}
		}
		for fi, v := range f {
			util[k] += w[fi] * v
		}
		supported := f[fNamedRegion] >= guardNamed || f[fNamedCounty] >= guardNamed || f[fAdmin1] >= surnameShare ||
			nearest <= surnameNearKm
		if supported && (best < 0 || util[k] > util[best]) {
			best = k
		}
	}
	if best >= 0 {
		*n = docName{s: s, cands: sc, feats: feats, util: util, choice: best, mention: n.mention, place: true}
	}
}

// choose returns the candidate of highest utility among those in the
// region or country the text or the hint puts the name in, and among areas
// for a name with a region word, when there are any, but keeps a capital, a country or a place of millions over a far
// smaller place that only the context favours. The caller holds g.mu.
func (g *Gazetteer) choose(n *docName) int {
	if len(n.cands) == 0 {
		return 0
	}
	// A region word ("Homs province") or an abbreviation ("EU") asks for
	// an area.
	// A region word asks for no country ("Georgia state").
	within, area, region := false, false, false
	for k := range n.cands {
		fcode := g.recs[n.cands[k].rec].fcode
		within = within || n.feats[k][fWithin] == 1
		area = area || ((n.s.region || n.s.abbrev) && isArea(fcode))
		region = region || (n.s.region && isArea(fcode) && kindOf(fcode) != KindCountry)
	}
	best := -1
	for k := range n.cands {
		fcode := g.recs[n.cands[k].rec].fcode
		if (within && n.feats[k][fWithin] == 0) || (area && !isArea(fcode)) || (region && kindOf(fcode) == KindCountry) {
			continue
		}
		if best < 0 || n.util[k] > n.util[best] {
			best = k
		}
	}
	if best < 0 { // no candidate is both in the region named and an area
		best = 0
		for k := range n.cands {
			if n.util[k] > n.util[best] {
				best = k
			}
		}
	}
	// The guard: a capital, country or city of millions under its own
	// name stays, unless the text qualifies the name or other names of
	// the document lie in the smaller place's region and near it.
	// Nearness and shares do not lift it for a place of less than
	// 1/guardExtremeRatio of the top one's population: two villages of
	// Scotland named California and Redding do not make "California" one.
	top, f := &g.recs[n.cands[0].rec], &n.feats[best]
	pop := g.recs[n.cands[best].rec].population
	contextLifts := pop*guardExtremeRatio >= top.population &&
		((f[fAdmin1] > 0 && f[fNear] >= guardNear) || f[fAdmin1] >= guardShare)
	if best != 0 && n.cands[0].own && f[fWithin] == 0 && !contextLifts &&
		f[fNamedRegion] < guardNamed && f[fNamedCounty] < guardNamed &&
		(top.fcode == "PPLC" || kindOf(top.fcode) == KindCountry || top.population >= bigPlace) &&
		pop*bigPlaceRatio < top.population {
		return 0
	}
	return best
}

// documentResult is the answer for a distinct name: candidates by
// utility, each scored by its prior weighted by its probability. The
// caller holds g.mu.
func (g *Gazetteer) documentResult(n *docName, limit int) Result {
	res := Result{Alternatives: []Match{}}
	if len(n.cands) == 0 {
		return res
	}
	var orderBuf, restBuf [maxDocCandidates]int
	order := append(orderBuf[:0], n.choice)
	rest := restBuf[:0]
	for k := range n.cands {
		if k != n.choice {
			rest = append(rest, k)
		}
	}
	slices.SortStableFunc(rest, func(a, b int) int {
		switch {
		case n.util[a] > n.util[b]:
			return -1
		case n.util[a] < n.util[b]:
			return 1
		}
		return 0
	})
	order = append(order, rest...)
	if len(order) > limit {
		order = order[:limit]
	}
	// Probabilities: a softmax of the utilities over all candidates.
	maxU := n.util[n.choice]
	for _, u := range n.util {
		maxU = max(maxU, u)
	}
	sum := 0.0
	for _, u := range n.util {
		sum += math.Exp(u - maxU)
	}
	// The match and the alternatives share one array.
	ms := make([]Match, 0, len(order))
	for i, k := range order {
		c := n.cands[k]
		p := math.Exp(n.util[k]-maxU) / sum
		score := c.score * (0.5 + 0.5*p)
		if i == 0 && n.place {
			score = max(score, MatchThreshold)
		}
		ms = append(ms, g.match(c.candidate, score, n.s.near))
	}
	if n.place {
		res.Match, ms = &ms[0], ms[1:]
	}
	res.Alternatives = ms
	return res
}

// fastDistance approximates the distance in km from a point to p, well
// enough to tell near from far (equirectangular).
func fastDistance(lat, lon, cosLat float64, p docPoint) float64 {
	const kmPerDegree = 111.195
	dLon := math.Abs(lon - p.lon)
	if dLon > 180 {
		dLon = 360 - dLon
	}
	x := dLon * (cosLat + p.cosLat) / 2
	y := lat - p.lat
	return kmPerDegree * math.Sqrt(x*x+y*y)
}

// mentionQuery is the query for a mention alone.
func (g *Gazetteer) mentionQuery(m Mention, o documentOptions, limit int) Query {
	q := Query{Name: m.Name, Country: strings.ToUpper(strings.TrimSpace(m.Country)), Within: m.Within, Limit: limit}
	if q.Country == "" {
		q.Country = o.country
	}
	return q
}
