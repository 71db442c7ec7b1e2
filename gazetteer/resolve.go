package gazetteer

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxQueryBytes is the longest name Resolve and Search accept.
const MaxQueryBytes = 256

// MatchThreshold is the score below which Resolve answers "no match" rather
// than a doubtful place.
const MatchThreshold = 0.65

// minCandidateScore is the lowest score a candidate is listed with.
const minCandidateScore = 0.35

// maxLimit bounds Query.Limit.
const maxLimit = 100

// Name scores by how a candidate was found. Exact keys score 1 (0.99 for an
// alternate name); skeleton and fuzzy matches score by the similarity of the
// keys within their own, lower bands, so that exact beats fuzzy.
const (
	altNameScore = 0.99
	// A key found once an attached "al" is cut off ("Alraqqa").
	attachedArticleScore = 0.9
	skeletonBase         = 0.55
	skeletonSpan         = 0.4
	fuzzyBase            = 0.45
	fuzzySpan            = 0.35
	minFuzzySim          = 0.75
	minSkeletonSim       = 0.72
	// A skeleton of one or two consonants ("gt" for "Ghouta") matches far
	// too much; such matches must be closer.
	minShortSkeletonSim = 0.85
	maxSkeletonKeys     = 256  // keys examined for one skeleton
	maxFuzzyKeys        = 256  // keys compared by one fuzzy lookup
	maxFuzzyScan        = 4096 // keys looked at by one fuzzy lookup
	maxFuzzyKeyLen      = 64
	minFuzzyKeyLen      = 6 // shorter keys are one typo away from too many places
	// Keys of at most this many letters match only exactly ("EU", "Fla").
	maxExactOnlyKey = 4
	// An English word ("Police", "Reading") names a populated place only
	// when the place has at least this many inhabitants.
	commonWordMinPopulation = 100_000
	// An alternate name of one place ("Salem" for Jerusalem) loses to the
	// own name of another unless it has this many times the population.
	altNameMargin = 20
	// latinVariantScale multiplies the name score of a place in a country
	// that writes in Latin script whose own name the query meets only
	// through transliteration rules ("Barracks" for "Baracs").
	latinVariantScale = 0.75
	// altNamePenalty multiplies the score of such an alternate name.
	altNamePenalty = 0.9
)

// Resolve returns the best place for q, or a nil Match when no candidate
// scores at least MatchThreshold. It returns an error wrapping
// ErrInvalidQuery for an empty or too long name or one with control
// characters.
func (g *Gazetteer) Resolve(ctx context.Context, q Query) (Result, error) {
	res := Result{Query: q.Name, Alternatives: []Match{}}
	ms, err := g.search(ctx, q, false)
	if err != nil || len(ms) == 0 {
		return res, err
	}
	if ms[0].Score >= MatchThreshold {
		res.Match = &ms[0]
		ms = ms[1:]
	}
	res.Alternatives = ms
	return res, nil
}

// Search returns up to q.Limit candidate places for q, best first, with
// their scores. It looks further than Resolve: skeleton matches are listed
// even when an exact match exists.
func (g *Gazetteer) Search(ctx context.Context, q Query) ([]Match, error) {
	ms, err := g.search(ctx, q, true)
	if ms == nil {
		ms = []Match{}
	}
	return ms, err
}

// validate checks a query name.
func validate(name string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return fmt.Errorf("%w: empty name", ErrInvalidQuery)
	case len(name) > MaxQueryBytes:
		return fmt.Errorf("%w: name longer than %d bytes", ErrInvalidQuery, MaxQueryBytes)
	case !utf8.ValidString(name):
		return fmt.Errorf("%w: name is not valid UTF-8", ErrInvalidQuery)
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return fmt.Errorf("%w: name contains control character %U", ErrInvalidQuery, r)
		}
	}
	return nil
}

// candidate is a record found for a query, with its name score.
type candidate struct {
	rec     int32
	name    float64
	own     bool // the query is the place's own name, not an alternate
	demonym bool // found as a demonym or adjective ("Syrian")
	// seat, for a region, is 1 + the record of its seat when the seat
	// is a candidate under a name as good: the region then counts as
	// populous as its seat (see Gazetteer.prior and the fPop feature
	// of ResolveDocument).
	seat int32
}

// scorer holds what scoring needs from a query.
type scorer struct {
	country string
	context []string
	region  bool
	abbrev  bool        // the name is an abbreviation ("EU", "U.S."): areas first
	within  []admin1Key // regions named after a comma ("Palmyra, Homs")
	near    bool        // "near Aleppo": matches are near the place, not at it
	// surname is set when the name is a surname that is also a town's
	// ("Clinton"): see surnames.
	surname bool
}

// admin1Key names a first-level region.
type admin1Key struct{ country, code string }

// score combines a candidate's name score with its importance (feature code
// and population), the country hint (a place elsewhere loses 40%), the
// countries of the context (a place elsewhere loses 12%, or 22% when its
// name only resembles the query's) and a region word (a place that is no
// region loses 20%).
func (s *scorer) score(r *record, name float64) float64 {
	f := name * (0.75 + 0.25*float64(r.importance))
	switch {
	case s.country != "":
		if r.country != s.country {
			f *= 0.6
		}
	case len(s.context) > 0:
		if !slices.Contains(s.context, r.country) {
			if name >= altNameScore {
				f *= 0.88
			} else {
				f *= 0.78
			}
		}
	}
	if s.region && (!isArea(r.fcode) || kindOf(r.fcode) == KindCountry) {
		// A region word asks for a region: "Homs province" is not the
		// city, "Georgia state" not the country.
		f *= 0.8
	}
	if len(s.within) > 0 && !slices.Contains(s.within, admin1Key{r.country, r.admin1}) {
		f *= 0.8
	}
	return min(f, 1)
}

// qualify reads what follows a comma in a name, as in "Raqqa, Syria" or
// "Palmyra, Homs": a country becomes the country hint unless the query has
// one, a first-level region narrows the candidates. Parts that name neither
// are ignored. The caller holds g.mu.
func (g *Gazetteer) qualify(s *scorer, qualifiers string) {
	var buf [128]byte
	for part := range strings.SplitSeq(qualifiers, ",") {
		// "Talbiseh, in Homs province"
		part = strings.TrimSpace(part)
		for _, w := range []string{"in ", "of ", "the "} {
			if len(part) > len(w) && strings.EqualFold(part[:len(w)], w) {
				part = part[len(w):]
			}
		}
		if a, ok := postalRegions[part]; ok {
			// "Springfield, MA", "London, ON": a US state's or Canadian
			// province's postal code, which alone names nothing.
			s.within = append(s.within, a)
			continue
		}
		k, _ := appendKey(buf[:0], part)
		ki, ok := keyID(g.idx, k)
		if !ok {
			continue
		}
		// A region of that name is the more specific reading: "Atlanta,
		// Georgia" is not in the country Georgia, and "Birmingham, Ala."
		// not in Åland (ALA).
		country, regions := "", len(s.within)
		first, more := g.idx.recs(ki)
		for j := -1; j < len(more); j++ {
			v := first
			if j >= 0 {
				v = more[j]
			}
			r := &g.recs[v>>1]
			switch {
			case r.dead:
			case r.fcode == "PCLI" && country == "":
				country = r.country
			case r.fcode == "ADM1":
				s.within = append(s.within, admin1Key{r.country, r.admin1})
			}
		}
		if country == "" || s.country != "" {
			continue
		}
		if len(s.within) == regions || slices.ContainsFunc(s.within[regions:], func(a admin1Key) bool { return a.country == country }) {
			s.country = country
		}
	}
}

// postalRegions are the two-letter postal codes of US states and Canadian
// provinces and territories, which a qualifier after a comma may be; the
// US codes are GeoNames' admin1 codes too.
var postalRegions = func() map[string]admin1Key {
	m := map[string]admin1Key{}
	for _, c := range strings.Fields(`AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS
		MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY`) {
		m[c] = admin1Key{"US", c}
	}
	for c, code := range map[string]string{"AB": "01", "BC": "02", "MB": "03", "NB": "04", "NL": "05", "NS": "07",
		"ON": "08", "PE": "09", "QC": "10", "SK": "11", "YT": "12", "NT": "13", "NU": "14"} {
		m[c] = admin1Key{"CA", code}
	}
	return m
}()

// search gathers candidates tier by tier and ranks them: places whose key
// equals the query's, then those sharing its consonant skeleton, then fuzzy
// matches from the deletion table, then, for a name starting with an
// attached "al", the name without it. Unless deep is set, it stops after
// the exact tier when that already holds a match.
func (g *Gazetteer) search(ctx context.Context, q Query, deep bool) ([]Match, error) {
	if err := validate(q.Name); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("gazetteer: %w", err)
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 5
	}
	limit = min(limit, maxLimit)
	g.mu.RLock()
	defer g.mu.RUnlock()
	var buf [16]candidate
	cands, s := g.gather(buf[:0], q, deep, false)
	return g.rank(cands, &s, limit), nil
}

// gather returns the candidates for a valid query, tier by tier, and the
// scorer for them. The caller holds g.mu.
//
// Unless towns is set, a surname ("Clinton") names only what any English
// word names; with towns, the towns of the name are candidates too.
func (g *Gazetteer) gather(cands []candidate, q Query, deep, towns bool) ([]candidate, scorer) {
	g.warmOnce.Do(func() { go g.Warm() })
	name, qualifiers, _ := strings.Cut(q.Name, ",")
	var keyBuf [128]byte
	kb, region := appendKey(keyBuf[:0], name)
	s := scorer{country: strings.ToUpper(strings.TrimSpace(q.Country)), region: region, abbrev: isAbbreviation(name)}
	if len(kb) == 0 {
		return cands, s
	}
	for _, c := range q.Context {
		c = strings.ToUpper(strings.TrimSpace(c))
		if c != "" && !slices.Contains(s.context, c) {
			s.context = append(s.context, c)
		}
	}
	if qualifiers != "" {
		g.qualify(&s, qualifiers)
	}
	for _, w := range q.Within {
		if validate(w) == nil {
			g.qualify(&s, w)
		}
	}
	// "Idlib city", "Homs town": when the whole name is unknown, look for
	// the town without the word, and not for the region.
	// "near Aleppo", "Hama countryside": when the whole name is unknown,
	// look for the place, and mark the matches as near it.
	placeOnly := false
	if _, known := keyID(g.idx, kb); !known {
		var trimmedBuf [128]byte
		if rest, ok := trimPlaceWord(name); ok {
			if k, _ := appendKey(trimmedBuf[:0], rest); len(k) > 0 {
				kb, placeOnly = k, true
			}
		} else if rest, ok := trimNearWords(name); ok {
			if k, _ := appendKey(trimmedBuf[:0], rest); len(k) > 0 {
				kb, s.near = k, true
			}
		}
	}
	key := string(kb)
	// A short name ("EU", "Fla", "Asia") or an English word ("Police",
	// "Reading") is taken only as written: one letter off, it names too
	// many places. An English word names only an area or a large town.
	// An abbreviation with a full stop ("Kan.") is no word.
	common := isCommonWord(key) && !strings.HasSuffix(name, ".")
	s.surname = common && surnames[key]
	var foldBuf [64]byte
	folded := appendFold(foldBuf[:0], name)
	short := len(kb) <= maxExactOnlyKey || len(folded) <= maxExactOnlyKey
	exactOnly := short || common || looksEnglish(name)
	best := 0.0
	add := func(c candidate) {
		r := &g.recs[c.rec]
		if r.dead || r.noPoint || (placeOnly && isArea(r.fcode)) {
			return
		}
		big := r.population >= commonWordMinPopulation
		switch {
		case c.demonym:
		case common && !(c.own && big && !isArea(r.fcode)) && kindOf(r.fcode) != KindCountry && kindOf(r.fcode) != KindContinent &&
			!(towns && s.surname && c.own && !isArea(r.fcode)):
			// An English word names only a country, a continent or a
			// large town under its own name.
			return
		case short && len(folded) <= maxExactOnlyKey && !isArea(r.fcode) && !big &&
			(len(folded) < maxExactOnlyKey || !transliterated[r.country]) && !sameFold(folded, r.name):
			// A short name ("Aid") names a small place only as written,
			// not through a transliteration ("Edd"); four letters may
			// meet a romanised name ("Azaz" for I'zaz).
			return
		}
		if c.own && !transliterated[r.country] && !isArea(r.fcode) && !sameFold(folded, r.name) {
			// "Barracks" meets "Baracs" only through the rules for
			// romanised names.
			c.name *= latinVariantScale
		}
		cands = append(cands, c)
		best = max(best, s.score(r, c.name))
	}

	// Exact keys, and demonyms.
	exact := func(key []byte, scale float64) {
		if recs, ok := g.demonyms[string(key)]; ok {
			for _, i := range recs {
				add(candidate{rec: i, name: scale, own: true, demonym: true})
			}
		}
		ki, ok := keyID(g.idx, key)
		if !ok {
			return
		}
		first, more := g.idx.recs(ki)
		for j := -1; j < len(more); j++ {
			v := first
			if j >= 0 {
				v = more[j]
			}
			name := altNameScore
			if v&1 == 1 {
				name = 1
			}
			own := v&1 == 1
			if own && !s.region && isArea(g.recs[v>>1].fcode) {
				// "Saratov" is the city's own name, not quite that of
				// "Saratov Oblast".
				var b [128]byte
				_, reg := appendKey(b[:0], g.recs[v>>1].name)
				own = !reg
			}
			add(candidate{rec: v >> 1, name: name * scale, own: own})
		}
	}
	exact(kb, 1)
	exactBest := best
	if exactOnly || (!deep && best >= MatchThreshold) {
		return cands, s
	}
	// Same consonant skeleton.
	// Skeleton and fuzzy matches are transliteration variants: plausible
	// for places whose names are romanised from another script.
	addVariant := func(rec int32, name float64) {
		if transliterated[g.recs[rec].country] {
			add(candidate{rec: rec, name: name})
		}
	}
	addKey := func(ki int32, name float64) { g.addRecs(ki, name, addVariant) }
	sk := skeleton(key)
	if si, ok := g.idx.skelID(hash64(sk)); ok {
		floor := minSkeletonSim
		if len(sk) <= 2 {
			floor = minShortSkeletonSim
		}
		keys := g.idx.skelKey[si]
		if len(keys) > maxSkeletonKeys {
			keys = keys[:maxSkeletonKeys]
		}
		for _, ki := range keys {
			other := g.idx.keyStr[ki]
			if other == key {
				continue
			}
			if sim, ok := similarEnough(key, other, floor); ok {
				addKey(ki, skeletonBase+skeletonSpan*sim)
			}
		}
	}
	// Fuzzy: skeletons one deletion apart.
	if (deep || best < MatchThreshold) && len(sk) >= 3 && len(key) >= minFuzzyKeyLen && len(key) <= maxFuzzyKeyLen {
		g.fuzzy(key, sk, addVariant)
	}
	// "Alraqqa", "Elmayadin": an article written into the word without a
	// hyphen, when no key fits exactly.
	if exactBest < MatchThreshold && len(kb) >= 6 && (kb[0] == 'a' || kb[0] == 'e') && kb[1] == 'l' {
		exact(kb[2:], attachedArticleScore)
	}
	return cands, s
}

// transliterated are the countries whose place names news romanises from
// another script (Arabic, Persian, Cyrillic, Hebrew, Greek, Georgian,
// Armenian, Amharic, Burmese, Thai, Indic ...) or from local languages in
// several competing spellings (the Sahel, Turkey's Kurdish south-east):
// only there may a name match through its consonant skeleton or one letter
// off. Elsewhere names are written as the country writes them.
var transliterated = func() map[string]bool {
	m := map[string]bool{}
	for _, cc := range strings.Fields(`SY IQ LB JO PS IL YE SA AE OM QA BH KW EG LY TN DZ MA EH SD SS SO DJ
		MR ER ET IR AF PK TR AZ AM GE RU UA BY BG RS MK KZ KG TJ TM UZ MN GR CY IN BD NP LK BT MM
		TH LA KH ML NE BF TD NG SN GN CM CF`) {
		m[cc] = true
	}
	return m
}()

// englishSuffixes end English words and rarely a place name.
var englishSuffixes = []string{"tion", "sion", "ment", "ness", "ance", "ence", "ship", "ities", "ers", "ees", "ous", "ful", "ics", "ism", "ist", "ity", "ing", "ies"}

// looksEnglish reports whether a word of name ends like an English word
// ("Agreement", "Elections", "Sources"), so that the name is matched only
// exactly: fuzzy and transliteration matching are for names from other
// scripts.
func looksEnglish(name string) bool {
	for _, w := range strings.Fields(strings.ToLower(name)) {
		w = strings.TrimRight(w, ".,;:'’")
		for _, suf := range englishSuffixes {
			if len(w) > len(suf)+2 && strings.HasSuffix(w, suf) {
				return true
			}
		}
	}
	return false
}

// appendFold appends the letters of s folded to lower-case ASCII, without
// marks, spaces and punctuation: how a name is written, before any
// transliteration is unified. The abbreviations that open English place
// names are spelled out ("St. Paul" folds as "Saint Paul"; see
// expandAbbreviation).
func appendFold(dst []byte, s string) []byte {
	word := len(dst)
	endWord := func() {
		if w := expandAbbreviation(dst[word:]); len(w) != len(dst)-word {
			dst = append(dst[:word], w...)
		}
		word = len(dst)
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z':
			dst = append(dst, byte(r))
		case r >= 'A' && r <= 'Z':
			dst = append(dst, byte(r-'A'+'a'))
		case r >= 0x80 && !isMark(r):
			if f := foldRune(r); f != "" {
				dst = append(dst, strings.ToLower(f)...)
			}
		case r == ' ' || r == '.' || r == '-':
			endWord()
		}
	}
	endWord()
	return dst
}

// sameFold reports whether name folds to folded (see appendFold).
func sameFold(folded []byte, name string) bool {
	var buf [64]byte
	return string(appendFold(buf[:0], name)) == string(folded)
}

// isAbbreviation reports whether name is written as an abbreviation: two
// to four capital letters, perhaps with dots ("EU", "U.S.", "DRC").
func isAbbreviation(name string) bool {
	letters := 0
	for _, r := range strings.TrimSpace(name) {
		switch {
		case r >= 'A' && r <= 'Z':
			letters++
		case r == '.':
		default:
			return false
		}
	}
	return letters >= 2 && letters <= 4
}

// trimNearWords returns name without the words that put an event near a
// place or in part of it: "near", "outskirts of", "north of", "eastern",
// "rural" before it; "countryside", "outskirts", "area", "suburbs" after.
func trimNearWords(name string) (string, bool) {
	words := strings.Fields(name)
	trimmed := false
	for len(words) > 1 {
		w := strings.ToLower(words[0])
		switch w {
		case "near", "outside", "around", "nearby", "northern", "southern", "eastern", "western",
			"northeastern", "northwestern", "southeastern", "southwestern", "central", "rural",
			"greater", "the":
			words = words[1:]
			trimmed = true
			continue
		case "outskirts", "north", "south", "east", "west", "northeast", "northwest", "southeast",
			"southwest", "countryside", "vicinity", "suburbs", "edge":
			if len(words) > 2 && strings.EqualFold(words[1], "of") {
				words = words[2:]
				trimmed = true
				continue
			}
		}
		break
	}
	for len(words) > 1 {
		switch strings.ToLower(words[len(words)-1]) {
		case "countryside", "outskirts", "area", "suburbs", "environs", "vicinity", "surroundings":
			words = words[:len(words)-1]
			trimmed = true
			continue
		}
		break
	}
	if !trimmed {
		return "", false
	}
	return strings.Join(words, " "), true
}

// trimPlaceWord returns name without a trailing "city" or "town".
func trimPlaceWord(name string) (string, bool) {
	name = strings.TrimSpace(name)
	for _, w := range []string{"city", "town"} {
		if len(name) > len(w)+1 && strings.EqualFold(name[len(name)-len(w):], w) {
			switch name[len(name)-len(w)-1] {
			case ' ', '-':
				return name[:len(name)-len(w)-1], true
			}
		}
	}
	return "", false
}

// fuzzy finds keys whose skeleton is one deletion away from sk (either way,
// or both: one substitution) and whose key is similar enough to key. It
// looks at the closest kinds first: a skeleton with one more letter, one
// with one letter less, then one with a letter replaced.
func (g *Gazetteer) fuzzy(key, sk string, add func(int32, float64)) {
	var seenBuf [64]int32
	seen := seenBuf[:0]
	scanned, compared := 0, 0
	// Keys whose length differs by more than this cannot reach minFuzzySim.
	slack := int((1 - minFuzzySim) * float64(len(key)) / minFuzzySim)
	visit := func(si int32) {
		if compared >= maxFuzzyKeys || scanned >= maxFuzzyScan || slices.Contains(seen, si) {
			return
		}
		seen = append(seen, si)
		for _, ki := range g.idx.skelKey[si] {
			scanned++
			if d := int(g.idx.keyLen[ki]) - len(key); d > slack || -d > slack {
				continue
			}
			if compared++; compared > maxFuzzyKeys {
				return
			}
			other := g.idx.keyStr[ki]
			if other == key {
				continue
			}
			if sim, ok := similarEnough(key, other, minFuzzySim); ok {
				g.addRecs(ki, fuzzyBase+fuzzySpan*sim, add)
			}
		}
	}
	if si, ok := g.idx.skelID(hash64(sk)); ok {
		seen = append(seen, si) // already scored as a skeleton match
	}
	dels := g.idx.deletions()
	dels.lookup(delHash(sk), true, visit)
	if len(sk) < minDeleteSkeleton {
		return
	}
	var hashBuf [32]uint32
	hashes := hashBuf[:0]
	buf := make([]byte, 0, len(sk))
	for j := 0; j < len(sk); j++ {
		if j > 0 && sk[j] == sk[j-1] {
			continue
		}
		buf = append(append(buf[:0], sk[:j]...), sk[j+1:]...)
		hashes = append(hashes, delHash(buf))
	}
	for _, h := range hashes {
		dels.lookup(h, false, visit)
	}
	for _, h := range hashes {
		dels.lookup(h, true, visit)
	}
}

// addRecs calls add with each record of key id ki and the name score.
func (g *Gazetteer) addRecs(ki int32, name float64, add func(int32, float64)) {
	first, more := g.idx.recs(ki)
	add(first>>1, name)
	for _, v := range more {
		add(v>>1, name)
	}
}

// scored is a candidate with its score for the name alone.
type scored struct {
	candidate
	score float64
}

// prior scores candidates for the name alone, keeps each record's best and
// those at or above minCandidateScore, best first. An alternate name of one
// place loses to another place's own name unless it has altNameMargin
// times the population. The caller holds g.mu.
func (g *Gazetteer) prior(dst []scored, cands []candidate, s *scorer) []scored {
	if len(cands) == 0 {
		return dst
	}
	// Keep each record's best name score: the score grows with it.
	slices.SortFunc(cands, func(a, b candidate) int {
		switch {
		case a.rec != b.rec:
			return int(a.rec - b.rec)
		case a.name > b.name:
			return -1
		case a.name < b.name:
			return 1
		case a.demonym != b.demonym:
			if a.demonym {
				return 1 // the name itself before the adjective
			}
			return -1
		}
		return 0
	})
	var ownPop int64 = -1
	for _, c := range cands {
		if c.own && c.name >= 1 && !c.demonym && !isArea(g.recs[c.rec].fcode) {
			ownPop = max(ownPop, g.recs[c.rec].population)
		}
	}
	if !s.region {
		// A town and a region of the same name in which it lies
		// ("Mosul"), or a capital and a region of its country
		// ("Washington"): without a region word, the name is the town's.
		for j := range cands {
			c := &cands[j]
			r := &g.recs[c.rec]
			if kindOf(r.fcode) != KindRegion {
				continue
			}
			for k := range cands {
				o := &cands[k]
				t := &g.recs[o.rec]
				if o.demonym || isArea(t.fcode) || t.country != r.country {
					continue
				}
				if c.own && o.own && (t.admin1 == r.admin1 || t.fcode == "PPLC") {
					c.own = false
					break
				}
				if c.name >= altNameScore && o.name >= altNameScore && o.name >= c.name-0.01 && t.fcode == "PPLA" && t.admin1 == r.admin1 {
					// The region's seat under another of its names
					// ("Zaporizhzhia" for Zaporizhzhya, "Hodeidah"
					// for Al Hudaydah): the region's own name is
					// the seat's, and the region, however many more
					// people it holds, is no more important.
					if c.own {
						o.own, o.name = true, 1
					}
					c.own = false
					c.seat = o.rec + 1
					break
				}
			}
		}
	}
	start := len(dst)
	for j, c := range cands {
		if j > 0 && cands[j-1].rec == c.rec {
			continue
		}
		r := &g.recs[c.rec]
		sc := s.score(r, c.name)
		if !c.own && ownPop >= 0 && c.name >= altNameScore && !isArea(r.fcode) &&
			r.population < altNameMargin*max(ownPop, 1) && g.otherName(c.rec, cands) {
			// The penalty fades as the population ratio nears the margin.
			ratio := math.Log(float64(r.population+1)/float64(ownPop+1)) / math.Log(altNameMargin)
			sc *= altNamePenalty + (1-altNamePenalty)*min(max(ratio, 0), 1)
		}
		if sc >= minCandidateScore {
			dst = append(dst, scored{c, sc})
		}
	}
	all := dst[start:]
	slices.SortFunc(all, func(a, b scored) int {
		switch {
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		}
		return cmpInt64(g.recs[a.rec].id, g.recs[b.rec].id)
	})
	return dst
}

// otherName reports whether record rec was found under a name that is not
// a spelling of its own ("Salem" for Jerusalem, not "Hums" for Homs): the
// consonant skeletons of its own name and of the key differ. The caller
// holds g.mu.
func (g *Gazetteer) otherName(rec int32, cands []candidate) bool {
	var own, sk [128]byte
	k, _ := appendKey(own[:0], g.recs[rec].name)
	a := appendSkeleton(sk[:0], k)
	// The key the candidate was found under is that of the own-name
	// candidates: any one of them.
	for _, c := range cands {
		if c.own && !c.demonym {
			var kb, sb [128]byte
			k2, _ := appendKey(kb[:0], g.recs[c.rec].name)
			return string(appendSkeleton(sb[:0], k2)) != string(a)
		}
	}
	return true
}

// rank returns the top limit candidates by their prior score as matches.
// The caller holds g.mu.
func (g *Gazetteer) rank(cands []candidate, s *scorer, limit int) []Match {
	var buf [16]scored
	all := g.prior(buf[:0], cands, s)
	if len(all) == 0 {
		return nil
	}
	if len(all) > limit {
		all = all[:limit]
	}
	out := make([]Match, len(all))
	for j, a := range all {
		out[j] = g.match(a.candidate, a.score, s.near)
	}
	return out
}

// match returns the Match for a candidate. The caller holds g.mu.
func (g *Gazetteer) match(c candidate, score float64, near bool) Match {
	m := Match{Place: g.place(c.rec), Score: roundScore(min(score, 1)), near: near}
	if c.demonym {
		m.Kind = KindDemonym
	}
	return m
}

// roundScore keeps three decimals, enough for humans and stable in JSON.
func roundScore(f float64) float64 {
	return float64(int(f*1000+0.5)) / 1000
}
