package extract

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mapd/mapd/gazetteer"
	"github.com/mapd/mapd/geo"
	"github.com/mapd/mapd/incidents"
)

// spanKind tells what a run of tokens names.
type spanKind uint8

const (
	spanActor spanKind = iota + 1
	spanOrg
	spanPerson
	spanDemonym
	spanPlace
)

// span is a run of tokens [start, end) that names something.
type span struct {
	start, end int
	kind       spanKind
	actor      actorEntry // spanActor
	code       string     // spanDemonym, or a country named by a spanPlace
	query      string     // spanPlace: what the gazetteer is asked
	within     []string   // spanPlace: the regions and country that contain it (", in Scott County, Indiana")
	region     bool       // spanPlace: "X province": only the region
	near       bool       // spanPlace: "near X", "X airport": near the place
	cue        bool       // spanPlace: a locative word before it ("in", "near", "city of")
	match      *gazetteer.Match
	role       string
	speaker    bool // spanActor: the source of a statement ("the army said")
	// named: a place by its form though the gazetteer lacks it: "Laurel
	// County", "Powerline Road".
	named bool
	// dateline: the place a story is filed from ("TORRINGTON —"), known
	// to be a place though no locative word stands before it.
	dateline bool
	// local: the name is used as a town's, whatever else it names: "the
	// Athens Police Department", "Paris High School", "a Richmond man",
	// "Smith, 49, Palestine", "420 Augusta St., Alexandria".
	local bool
	// offset: "40 km north of Monywa" puts the event that far from the
	// place, in that direction; from is the token the phrase begins at.
	offset offset
}

// offset is a distance and a bearing from a place.
type offset struct {
	km, bearing float64 // bearing in degrees clockwise from north
	from        int
}

// analysis is the state of one Extract call.
type analysis struct {
	x     *Extractor
	d     *doc
	opts  Options
	toks  []token
	sents []sentence
	ref   time.Time // article date, zero when unknown
	spans []span
	at    []int32 // token index -> span index, -1 for none
	focus []string
	named map[string]bool // the countries the text names, by name or demonym
	cands []*cand
	air   bool   // the document speaks of air strikes: "struck" and "raid" are air words
	saudi bool   // "Saudi-led coalition" appears: a bare "coalition" is that one
	inner []span // countries named inside actors ("Syrian army"), reported as places
	// orgPlaces are the places that begin organisations' names ("Texas
	// Department of Transportation", "Laurel County Fiscal Court"): named
	// as actors, never where an incident happened.
	orgPlaces []span
	// lastDate is the latest date the story gave: sentences that give none
	// go on telling of that day.
	lastDate when
	hasLast  bool
	// prevDate is the story's date before the current sentence, and
	// speechDate says that sentence's date is only when it was said ("the
	// SDF said on Sunday that ... killed in the clashes").
	prevDate   when
	hasPrev    bool
	speechDate bool
	warn       []string
}

func (a *analysis) run(ctx context.Context) error {
	text := a.d.text
	_, dl := dateLine(text)
	toks := tokenize(text)
	k := 0
	for k < len(toks) && toks[k].start < dl {
		k++
	}
	a.toks = a.splitPairs(toks[k:])
	if len(a.toks) == 0 {
		return fmt.Errorf("%w: give some text", ErrEmpty)
	}
	if a.d.replaced > 0 {
		a.warn = append(a.warn, fmt.Sprintf("%d invalid UTF-8 byte(s) replaced by spaces", a.d.replaced))
	}
	switch {
	case a.opts.Date != "":
		d, ok := parseISODate(a.opts.Date)
		if !ok {
			return &DateError{Value: a.opts.Date}
		}
		a.ref = d
	default:
		if d, ok := articleDate(text, a.toks); ok {
			a.ref = d
		} else {
			a.warn = append(a.warn, "no article date: relative dates use today's; give a date")
		}
	}
	a.sents = splitSentences(a.toks)
	a.at = make([]int32, len(a.toks))
	for i := range a.at {
		a.at[i] = -1
	}
	a.label()
	if err := a.resolvePlaces(ctx); err != nil {
		return err
	}
	a.metonyms()
	lower := strings.ToLower(text)
	a.air = strings.Contains(lower, "airstrike") || strings.Contains(lower, "air strike") || strings.Contains(lower, "warplane") ||
		strings.Contains(lower, "air raid") || strings.Contains(lower, "drone")
	for si := range a.sents {
		if si%64 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		a.events(si)
	}
	return nil
}

// splitPairs cuts a hyphenated pair of places into its two names and the
// hyphen: "India-Pakistan talks", "the Israel-Gaza war", "Canada-EU
// trade", "the Turkish-Syrian border". One part must be a country's name
// or demonym, the other may also be a name the gazetteer knows well
// ("Gaza", "EU"); a hyphenated name the gazetteer knows whole
// ("Guinea-Bissau", "Winston-Salem", "Bosnia-Herzegovina") stays whole.
func (a *analysis) splitPairs(toks []token) []token {
	var out []token
	for i, t := range toks {
		link := i+1 < len(toks) && linkWords[toks[i+1].norm]
		left, right, ok := a.pairAt(t, link)
		if !ok {
			if out != nil {
				out = append(out, t)
			}
			continue
		}
		if out == nil {
			out = append(make([]token, 0, len(toks)+8), toks[:i]...)
		}
		hyphen := token{start: left.end, end: right.start, text: a.d.text[left.end:right.start], norm: "-", kind: tokPunct}
		out = append(out, left, hyphen, right)
	}
	if out == nil {
		return toks
	}
	return out
}

// linkWords join the two places of a pair before them: "the Gao-Ansongo
// road", "the Damascus-Aleppo highway".
var linkWords = setOf("road highway motorway route axis railway corridor pipeline border")

// pairAt returns the two names of the hyphenated pair t, if it is one.
// Before a link word (link) two towns are a pair too.
func (a *analysis) pairAt(t token, link bool) (left, right token, ok bool) {
	k := strings.IndexByte(t.text, '-')
	if k <= 0 || !t.cap || t.kind != tokWord || strings.Count(t.text, "-") != 1 {
		return token{}, token{}, false
	}
	left = newWord(a.d.text, t.start, t.start+k, t.nlBefore)
	right = newWord(a.d.text, t.start+k+1, t.end, 0)
	if !left.cap || !right.cap || left.end-left.start < 2 || right.end-right.start < 2 {
		return token{}, token{}, false
	}
	lc, rc := a.countryWord(left), a.countryWord(right)
	if !lc && !rc && !link || !lc && !a.wellKnown(left) || !rc && !a.wellKnown(right) || a.wellKnown(t) {
		return token{}, token{}, false
	}
	left.pair, right.pair = true, true
	return left, right, true
}

// countryWord reports whether t alone is a country's name or demonym.
func (a *analysis) countryWord(t token) bool {
	one := []token{t}
	if _, n := a.x.names.match(one, 0); n == 1 {
		return true
	}
	_, n := a.x.demonyms.match(one, 0)
	return n == 1
}

// wellKnown reports whether the gazetteer resolves the word t with a
// strong score: "Gaza", "EU", "Winston-Salem".
func (a *analysis) wellKnown(t token) bool {
	if commonWord(t.norm) {
		return false
	}
	res, err := a.x.gz.Resolve(context.Background(), gazetteer.Query{Name: t.text, Limit: 1})
	return err == nil && res.Match != nil && res.Match.Score >= 0.9
}

// DateError reports an article date that is no YYYY-MM-DD date.
type DateError struct{ Value string }

func (e *DateError) Error() string {
	return fmt.Sprintf("extract: date %q is not a YYYY-MM-DD date", clip(e.Value))
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

func (a *analysis) addSpan(s span) {
	for i := s.start; i < s.end; i++ {
		if a.at[i] >= 0 {
			return
		}
	}
	a.spans = append(a.spans, s)
	for i := s.start; i < s.end; i++ {
		a.at[i] = int32(len(a.spans) - 1)
	}
}

func (a *analysis) spanAt(i int) *span {
	if i < 0 || i >= len(a.at) || a.at[i] < 0 {
		return nil
	}
	return &a.spans[a.at[i]]
}

// forceNouns follow a demonym or country name to name its forces.
var forceNouns = map[string]string{
	"army": "Military Forces of %s", "troops": "Military Forces of %s", "soldiers": "Military Forces of %s",
	"forces": "Military Forces of %s", "military": "Military Forces of %s", "regime": "Military Forces of %s",
	"warplanes": "Military Forces of %s", "jets": "Military Forces of %s", "aircraft": "Military Forces of %s",
	"planes": "Military Forces of %s", "navy": "Military Forces of %s", "helicopters": "Military Forces of %s",
	"artillery": "Military Forces of %s", "drones": "Military Forces of %s", "air": "Military Forces of %s",
	"government": "Government of %s", "police": "Police Forces of %s", "military's": "Military Forces of %s",
	"defence": "Military Forces of %s", "defense": "Military Forces of %s", "marines": "Military Forces of %s",
	"gunboats": "Military Forces of %s", "tanks": "Military Forces of %s", "fighter": "Military Forces of %s",
}

// label marks actors, organisations, people, demonyms and place-name
// candidates, longest first at each token.
func (a *analysis) label() {
	toks := a.toks
	for _, s := range a.sents {
		end := s.first + len(s.toks)
		for i := s.first; i < end; {
			if n := a.labelAt(i, end, i == s.first || toks[i-1].norm == "\"" && i-1 == s.first); n > 0 {
				i += n
				continue
			}
			i++
		}
	}
}

// labelAt labels what starts at token i (sentence ends at end) and returns
// the number of tokens labelled, 0 for none.
func (a *analysis) labelAt(i, end int, initial bool) int {
	toks := a.toks[:end]
	t := toks[i]
	// Dictionary actors, matched case-insensitively except acronyms.
	best, bestN := actorEntry{}, 0
	var inner span // the country named inside a force ("Syrian army")
	if ae, n := a.x.actors.match(toks, i); n > 0 && (ae.exactCase == "" || toks[i].text == ae.exactCase) {
		best, bestN = ae, n
		if ae.name == "Military Forces of the United States" && a.saudi && strings.Contains(toks[i].norm, "coalition") {
			best.name = "Military Forces of Saudi Arabia"
		}
		if strings.HasPrefix(toks[i].norm, "saudiled") {
			a.saudi = true
		}
	}
	// Country forces: "Syrian army", "Russia's military", "US-led"...
	if code, n := a.countryAt(toks, i); n > 0 {
		j := i + n
		if j < len(toks) && toks[j].norm == "'s" {
			j++
		}
		if j < len(toks) {
			if f, ok := forceNouns[toks[j].norm]; ok && j+1-i > bestN {
				m := j + 1
				if toks[j].norm == "air" && m < len(toks) && (toks[m].norm == "force" || toks[m].norm == "forces") {
					m++
				} else if toks[j].norm == "air" {
					m = 0
				}
				if (toks[j].norm == "defence" || toks[j].norm == "defense") && m < len(toks) && toks[m].norm == "ministry" {
					m++
				}
				if m > 0 {
					name := fmt.Sprintf(f, a.x.countries[code].name)
					best, bestN = actorEntry{name: name, kind: "state"}, m-i
					inner = span{start: i, end: i + n, kind: spanDemonym, code: code, role: RoleDemonym}
					if _, dn := a.x.demonyms.match(toks, i); dn != n {
						inner.role = RoleActor // "Russia's military": the country acts
					}
				}
			}
		}
	}
	// Organisations: a capitalised run with an organisation word.
	if t.cap {
		if n := orgRun(toks, i); n > bestN {
			if stopCaps[t.norm] && i+1 < len(toks) {
				if _, an := a.x.actors.match(toks, i+1); an == n-1 {
					return 0 // "The Rapid Support Forces": the actor, read next
				}
			}
			a.addSpan(span{start: i, end: i + n, kind: spanOrg})
			a.markDemonyms(i, i+n)
			// "the American Farm Bureau Federation": its demonym is reported.
			k := i
			for k < i+n && stopCaps[toks[k].norm] {
				k++
			}
			if code, dn := a.x.demonyms.match(toks, k); dn > 0 && k+dn < i+n {
				a.inner = append(a.inner, span{start: k, end: k + dn, kind: spanDemonym, code: code, role: RoleDemonym})
			}
			a.orgPlace(toks, i, i+n)
			return n
		}
	}
	if bestN > 0 {
		kind := spanActor
		if best.kind == "org" {
			kind = spanOrg
		}
		s := span{start: i, end: i + bestN, kind: kind, actor: best}
		s.speaker = isSpeech(toks, i+bestN)
		a.addSpan(s)
		if inner.end > 0 && best.kind == "state" && strings.HasPrefix(best.name, "Military Forces of") || inner.end > 0 && strings.HasPrefix(best.name, "Police") || inner.end > 0 && strings.HasPrefix(best.name, "Government") {
			a.inner = append(a.inner, inner)
		}
		a.markDemonyms(i, i+bestN)
		return bestN
	}
	// People after a title: "President Bashar al-Assad", "Mr Putin".
	if titles[t.norm] && i+1 < len(toks) {
		j := i + 1
		if j < len(toks) && toks[j].text == "." {
			j++
		}
		k := j
		for k < len(toks) && k-j < 4 && (toks[k].cap || nameParticles[toks[k].norm] && k+1 < len(toks) && toks[k+1].cap) && !titles[toks[k].norm] {
			k++
		}
		if k > j {
			a.addSpan(span{start: j, end: k, kind: spanPerson})
			return k - i
		}
	}
	if !t.cap {
		return 0
	}
	if n := agedPerson(toks, i); n > 0 {
		a.addSpan(span{start: i, end: i + n, kind: spanPerson})
		return n
	}
	// Country names: "Syria", "the U.S.", "Britain"; "US$58 million" is a
	// currency.
	if _, n := a.x.names.match(toks, i); n > 0 && i+n < len(toks) && toks[i+n].text == "$" && toks[i+n].start == toks[i+n-1].end {
		return n
	}
	if code, n := a.x.names.match(toks, i); n > 0 && !(i+n < len(toks) && (toks[i+n].norm == "river" || toks[i+n].norm == "valley")) &&
		!(n == 1 && (localAfter(toks, i+n) || localBefore(toks, i))) {
		// "Palestine police", "Smith, 49, Lebanon": a town, read below.
		// "the Niger river" is a river, read below as a place name.
		s := span{start: i, end: i + n, kind: spanPlace, code: code, query: strings.TrimPrefix(a.x.countries[code].name, "the ")}
		s.cue, s.near = locativeCue(toks, i)
		a.addSpan(s)
		return n
	}
	// Demonyms: "Syrian", "Russian"; but "British Columbia" and "French
	// Guiana" are places.
	if code, n := a.x.demonyms.match(toks, i); n > 0 && !(i+n < len(toks) && toks[i+n].cap && a.placeName(t.start, toks[i+n].end)) {
		if languageUse(toks, i, i+n) {
			return n // "spoke only French", "French students": a language
		}
		a.addSpan(span{start: i, end: i + n, kind: spanDemonym, code: code, role: RoleDemonym})
		return n
	}
	// Place-name candidates: capitalised runs.
	return a.placeRun(toks, i, initial)
}

// agedPerson returns the length of a person's name given with an age at
// toks[i]: two or three capitalised words, then the age between commas
// ("Bryan Harman, 28, died"); 0 when there is none.
func agedPerson(toks []token, i int) int {
	n := 0
	for i+n < len(toks) && n < 4 && toks[i+n].kind == tokWord && toks[i+n].cap {
		n++
	}
	if n < 2 || n > 3 || !ageAfter(toks, i+n) {
		return 0
	}
	return n
}

// ageAfter reports whether an age between commas follows toks[end]: ", 46,".
func ageAfter(toks []token, end int) bool {
	if end+2 >= len(toks) || toks[end].text != "," || toks[end+1].kind != tokNumber || toks[end+2].text != "," {
		return false
	}
	n, err := strconv.Atoi(toks[end+1].text)
	return err == nil && n > 0 && n < 110
}

// languageWords around a demonym make it a language.
var (
	languageBefore = setOf("speak spoke speaks speaking spoken fluent translated taught teach teaches learn learning studied studies")
	languageAfter  = setOf("language languages speakers speaking class classes teacher teachers students lessons course " +
		"courses fries toast immersion translation version subtitles dub dubbed")
)

// languageUse reports whether the demonym toks[start:end] names a
// language rather than a people or a country.
func languageUse(toks []token, start, end int) bool {
	for k := max(0, start-2); k < start; k++ {
		if languageBefore[toks[k].norm] {
			return true
		}
	}
	return end < len(toks) && languageAfter[toks[end].norm]
}

// countryAt matches a demonym or a country name at toks[i].
func (a *analysis) countryAt(toks []token, i int) (string, int) {
	if !toks[i].cap {
		return "", 0
	}
	if code, n := a.x.demonyms.match(toks, i); n > 0 {
		return code, n
	}
	if code, n := a.x.names.match(toks, i); n > 0 {
		return code, n
	}
	// "US-led": the tokenizer keeps it as one word.
	if strings.HasSuffix(toks[i].norm, "led") {
		return "", 0
	}
	return "", 0
}

// markDemonyms records the demonyms inside an actor or organisation span
// for the document's focus ("Syrian army" speaks of Syria).
func (a *analysis) markDemonyms(start, end int) {
	for k := start; k < end; k++ {
		if code, ok := a.x.demonymOf[a.toks[k].norm]; ok && a.toks[k].cap {
			a.focusVotes(code, 1)
		}
	}
}

func (a *analysis) focusVotes(code string, n int) {
	for range n {
		a.focus = append(a.focus, code)
	}
}

// isSpeech reports whether a verb of saying follows toks[i] ("said",
// "has said", "says", "told", "claimed", "according").
func isSpeech(toks []token, i int) bool {
	for k := i; k < len(toks) && k < i+3; k++ {
		switch toks[k].norm {
		case "said", "says", "say", "told", "claimed", "claims", "reported", "reports", "announced", "stated",
			"added", "confirmed", "denied", "accused", "insisted", "warned", "statement", "spokesman", "spokeswoman",
			"official", "officials", "tweeted", "wrote", "estimated", "believes", "alleged", "blamed", "monitor":
			return true
		case "has", "have", "had", "also", "later", "on", "earlier", "previously", "was", "is", "in", "a":
			continue
		}
		return false
	}
	return false
}

// orgWords make a capitalised run an organisation.
var orgWords = map[string]bool{
	"ministry": true, "command": true, "council": true, "society": true, "defence": true, "defense": true,
	"agency": true, "tv": true, "television": true, "radio": true, "news": true, "times": true, "post": true,
	"observatory": true, "committee": true, "organisation": true, "organization": true, "movement": true,
	"network": true, "institute": true, "university": true, "watch": true, "commission": true, "court": true,
	"office": true, "bank": true, "fund": true, "programme": true, "program": true, "party": true,
	"helmets": true, "crescent": true, "cross": true, "service": true, "department": true, "press": true,
	"association": true, "foundation": true, "federation": true, "parliament": true, "assembly": true,
	"embassy": true, "navy": true, "forces": true, "army": true, "guard": true, "guards": true, "brigade": true,
	"brigades": true, "battalion": true, "corps": true, "authority": true, "administration": true,
	"centre": true, "center": true, "airlines": true, "company": true, "daily": true, "gazette": true,
	"tribune": true, "herald": true, "journal": true, "channel": true, "broadcaster": true, "flotilla": true,
	"fleet": true, "house": true, "group": true, "union": true, "alliance": true, "front": true,
	"mission": true, "monitor": true, "red": false, "ngo": true, "unicef": true, "cnn": true, "bbc": true,
	"reuters": true, "afp": true, "ap": true, "hospital": true, "clinic": true, "school": true,
	"academy": true, "league": true, "division": true, "regiment": true, "police": true, "security": true,
	"intelligence": true, "directorate": true, "secretariat": true, "senate": true, "congress": true,
	"college": true, "bureau": true, "library": true, "museum": true, "theater": true, "theatre": true,
	"church": true, "cathedral": true, "mosque": true, "synagogue": true, "hotel": true, "motel": true,
	"restaurant": true, "board": true, "club": true, "chamber": true, "corporation": true, "inc": true,
	"amphitheatre": true, "amphitheater": true, "hall": true, "schools": true,
}

// ministries name what a government department runs: "State Department",
// "Finance Department" are organisations, "Loire Department" a region.
var ministries = setOf("finance treasury transportation transport agriculture commerce labor labour housing " +
	"revenue veterans homeland corrections sanitation parks")

// runConnectors may join the capitalised words of a name.
var runConnectors = map[string]bool{"of": true, "for": true, "the": true, "and": true, "on": true, "de": true}

// orgRun returns the length of an organisation name starting at toks[i], 0
// for none: capitalised words (joined by "of", "for", "the", "and")
// holding an organisation word.
func orgRun(toks []token, i int) int {
	end := i
	has := false
	for k := i; k < len(toks) && k-i < 10; k++ {
		t := toks[k]
		if t.kind == tokWord && t.cap {
			if orgWords[t.norm] {
				has = true
			}
			end = k + 1
			continue
		}
		if t.kind == tokNumber && k > i {
			continue
		}
		if runConnectors[t.norm] && k+1 < len(toks) && toks[k+1].cap {
			continue
		}
		break
	}
	if !has || end-i < 2 && !orgWords[toks[i].norm] {
		return 0
	}
	// A place word ends a place: "Homs Governorate" is no organisation,
	// nor is "West Bank".
	if regionWords[toks[end-1].norm] && !(toks[end-1].norm == "department" && (end-i >= 3 || commonWord(toks[end-2].norm) || ministries[toks[end-2].norm])) ||
		end-i == 2 && toks[end-1].norm == "bank" && compass[toks[i].norm] {
		return 0 // but "Athens Police Department" is one
	}
	return end - i
}

// orgPlace notes the place name that begins the organisation
// toks[start:end], if any: the words before its first organisation word,
// up to a region word ("Laurel County") and at most three, not a demonym
// (markDemonyms has those) nor a common word alone.
func (a *analysis) orgPlace(toks []token, start, end int) {
	for start < end && stopCaps[toks[start].norm] {
		start++ // "The Texas Department of Transportation"
	}
	if start >= end {
		return
	}
	// "Agents of the Georgia Bureau of Investigation": a sentence's first
	// word, joined to the name by "of the", is no part of it.
	if start+3 < end && commonWord(toks[start].norm) && toks[start+1].norm == "of" {
		k := start + 2
		if toks[k].norm == "the" {
			k++
		}
		a.orgPlace(toks, k, end)
		return
	}
	a.orgTail(toks, start, end)
	if _, n := a.x.demonyms.match(toks, start); n > 0 {
		return
	}
	s := span{start: start, kind: spanPlace, role: RoleActor}
	if code, n := a.x.names.match(toks, start); n > 0 && start+n < end {
		if localAfter(toks, start+n) {
			// "Palestine Independent School District": a town, not the
			// country, asked of the gazetteer like any other name.
			s.end, s.query, s.local = start+n, a.d.text[toks[start].start:toks[start+n-1].end], true
			a.orgPlaces = append(a.orgPlaces, s)
			return
		}
		// "Syria Civil Defence": the country alone.
		s.end, s.code, s.query = start+n, code, strings.TrimPrefix(a.x.countries[code].name, "the ")
		a.orgPlaces = append(a.orgPlaces, s)
		return
	}
	k := start
	for k < end && k-start < 3 {
		w := toks[k].norm
		if orgWords[w] || stopCaps[w] || w == "city" || w == "state" || w == "supreme" || w == "national" || w == "federal" {
			break
		}
		k++
		if regionWords[w] {
			break
		}
	}
	// The longest of those words the gazetteer knows by that name: "Paris"
	// of "Paris Junior College".
	for ; k > start; k-- {
		if k-start == 1 && (commonWord(toks[start].norm) || allCapsWord(toks[start].text)) {
			return
		}
		q := a.d.text[toks[start].start:toks[k-1].end]
		if res, err := a.x.gz.Resolve(context.Background(), gazetteer.Query{Name: q, Limit: 1}); err == nil && res.Match != nil &&
			gazetteer.Normalize(res.Match.Name) == gazetteer.Normalize(q) {
			break
		}
	}
	if k == start || k == end {
		return
	}
	s.end, s.query = k, a.d.text[toks[start].start:toks[k-1].end]
	s.local = localAfter(toks, k)
	a.orgPlaces = append(a.orgPlaces, s)
}

// localWords after a name make it a town's: its police, schools, council,
// mayor and people ("the Athens Police Department", "a Richmond man").
var localWords = setOf("police policeman policemen sheriff sheriff's fire firefighters high middle elementary " +
	"junior public city council councilman councilwoman mayor independent man woman men women boy girl teen " +
	"teenager resident residents native couple")

// localAfter reports whether toks[k] is a word of a town's institutions or
// people.
func localAfter(toks []token, k int) bool {
	return k < len(toks) && localWords[toks[k].norm]
}

// localBefore reports whether the words before toks[i] name a town: a
// person's age ("Smith, 49, Palestine") or a street ("420 Augusta St.,
// Alexandria").
func localBefore(toks []token, i int) bool {
	if i < 3 || toks[i-1].text != "," {
		return false
	}
	k := i - 2
	if toks[k].text == "." {
		k--
	}
	if streetWords[toks[k].norm] {
		return true
	}
	n, err := strconv.Atoi(toks[i-2].text)
	return err == nil && n > 0 && n < 110 && toks[i-3].text == ","
}

// orgTail notes the place named after the last "of" of an organisation's
// name ("University of Georgia", "Bank of Ireland", "Movement for
// Salvation of Georgia", "Association of Georgia Educators"): the first one
// or two capitalised words after it that the gazetteer knows by that very
// name as a region, a country or a notable town, when an organisation word
// comes before the "of".
func (a *analysis) orgTail(toks []token, start, end int) {
	of := -1
	for k := start + 1; k < end; k++ {
		if toks[k].norm == "of" {
			of = k
		}
	}
	if of < 0 || end-of-1 < 1 || end-of-1 > 3 {
		return
	}
	org := false
	for k := start; k < of; k++ {
		org = org || orgWords[toks[k].norm]
	}
	if !org {
		return
	}
	for n := min(2, end-of-1); n >= 1; n-- {
		if a.orgTailPlace(toks, of+1, of+1+n) {
			return
		}
	}
}

// orgTailPlace notes toks[from:to] as the place of an organisation's name
// when it is a country's name or a region, capital or notable town of that
// very name.
func (a *analysis) orgTailPlace(toks []token, from, to int) bool {
	for k := from; k < to; k++ {
		if orgWords[toks[k].norm] || commonWord(toks[k].norm) || !toks[k].cap {
			return false
		}
	}
	if code, n := a.x.names.match(toks, from); n == to-from {
		a.orgPlaces = append(a.orgPlaces, span{start: from, end: to, kind: spanPlace, role: RoleActor, code: code,
			query: strings.TrimPrefix(a.x.countries[code].name, "the ")})
		return true
	}
	q := a.d.text[toks[from].start:toks[to-1].end]
	res, err := a.x.gz.Resolve(context.Background(), gazetteer.Query{Name: q, Limit: 1})
	if err != nil || res.Match == nil || gazetteer.Normalize(res.Match.Name) != gazetteer.Normalize(q) {
		return false
	}
	if m := res.Match; m.Population < 50_000 && m.Place.GeoPrecision() != 3 && m.FeatureCode != "PPLC" && !strings.HasPrefix(m.FeatureCode, "PPLA") {
		return false // "Department of Justice", "Court of Appeals": no place
	}
	a.orgPlaces = append(a.orgPlaces, span{start: from, end: to, kind: spanPlace, role: RoleActor, query: q})
	return true
}

// intercardinal words before a place name say which part of it is meant
// ("Northeast Georgia"); unlike "North" and "West" they rarely begin a name.
var intercardinal = setOf("northeast northwest southeast southwest northeastern northwestern southeastern southwestern")

// compass words begin "West Bank", "East Bank".
var compass = map[string]bool{"west": true, "east": true, "north": true, "south": true, "left": true}

// titles come before people's names.
var titles = map[string]bool{
	"president": true, "mr": true, "mrs": true, "ms": true, "dr": true, "gen": true, "general": true,
	"minister": true, "secretary": true, "spokesman": true, "spokeswoman": true, "spokesperson": true,
	"commander": true, "leader": true, "king": true, "prince": true, "sheikh": true, "colonel": true,
	"col": true, "maj": true, "major": true, "lt": true, "lieutenant": true, "sgt": true, "sergeant": true,
	"captain": true, "capt": true, "envoy": true, "ambassador": true, "senator": true, "sen": true,
	"mayor": true, "pope": true, "emir": true, "ayatollah": true, "imam": true, "judge": true,
	"chancellor": true, "premier": true, "brig": true, "governor": true, "gov": true, "rep": true,
	"admiral": true, "adm": true, "marshal": true, "field": false, "chief": true, "director": true,
	"correspondent": true, "reporter": true, "analyst": true, "activist": true, "resident": true,
	"sultan": true, "crown": true, "bishop": true, "patriarch": true, "cleric": true, "mufti": true,
}

// nameParticles may stand between the capitalised parts of a person's or
// place's name.
var nameParticles = map[string]bool{
	"al": true, "el": true, "ad": true, "ash": true, "as": true, "ar": true, "az": true, "ez": true,
	"es": true, "at": true, "an": true, "de": true, "del": true, "la": true, "le": true, "bin": true,
	"ibn": true, "abu": true, "van": true, "von": true, "da": true, "di": true, "du": true, "ben": true,
}

// regionWords after a name make it a region: "Homs province".
var regionWords = map[string]bool{
	"province": true, "governorate": true, "district": true, "region": true, "county": true,
	"municipality": true, "prefecture": true, "oblast": true, "township": true, "state": false,
	"provinces": true, "governorates": true, "division": true, "raion": true, "wilaya": true, "department": true,
}

// streetWords end the names of streets, squares and the like, which are
// places even when the gazetteer does not hold them.
var streetWords = map[string]bool{"street": true, "road": true, "avenue": true, "square": true, "boulevard": true,
	"bridge": true, "highway": true, "county": true, "parish": true, "township": true, "valley": true, "lane": true,
	"drive": true, "st": true, "rd": true, "ave": true, "pike": true, "parkway": true}

// nearWords after a name put the event near it: "Deir Ezzor airport".
var nearWords = map[string]bool{
	"airport": true, "countryside": true, "outskirts": true, "suburbs": true, "area": true,
	"airbase": true, "base": true, "border": true, "crossing": true, "dam": true, "front": true,
}

// placeRun labels a capitalised run at toks[i] as a place-name candidate.
// It returns the tokens used.
func (a *analysis) placeRun(toks []token, i int, initial bool) int {
	end := i
	for k := i; k < len(toks) && k-i < 6; k++ {
		t := toks[k]
		if t.kind == tokWord && t.cap && !titles[t.norm] && !(k > i && (weekdays[t.norm] > 0 || t.norm == "sunday" || months[t.norm] > 0)) {
			if a.at[k] >= 0 {
				break
			}
			if _, n := a.x.demonyms.match(toks, k); n > 0 && k > i {
				break
			}
			end = k + 1
			if k > i && (regionWords[t.norm] || t.norm == "parish") && !(k+1 < len(toks) && toks[k+1].norm == "road") {
				break // "Laurel County Clerk Dean Johnson": the county ends the name
			}
			continue
		}
		if nameParticles[t.norm] && k+1 < len(toks) && toks[k+1].cap && k > i {
			continue
		}
		if t.text == "." && k > i && saintWords[toks[k-1].norm] && k+1 < len(toks) && toks[k+1].cap && toks[k+1].nlBefore == 0 {
			continue // "St. Petersburg", "Mt. Pleasant"
		}
		break
	}
	if end == i {
		return 0
	}
	// Drop a leading common word: "The", "In", "But".
	start := i
	keep := dateline(toks, i, end) // "SOUTH CHARLESTON —" keeps its first word
	// "New Zealand officials", "New York has": a sentence's first word is
	// kept when the whole run is a place's name.
	keep = keep || initial && end-i >= 2 && !stopCaps[toks[i].norm] && commonWord(toks[i].norm) && a.placeName(toks[i].start, toks[end-1].end)
	for start < end && !keep && (stopCaps[toks[start].norm] || initial && start == i && commonWord(toks[start].norm)) &&
		!(saintWords[toks[start].norm] && start+1 < end && toks[start+1].text == ".") {
		start++
		initial = false
	}
	if start == end {
		return end - i
	}
	if _, n := a.x.names.match(toks, start); n > 0 && start > i {
		return start - i // "The US has pledged": the country, read next
	}
	if notPlaceName(toks, start, end) {
		return end - i
	}
	if end-start >= 2 && intercardinal[toks[start].norm] {
		start++ // "Northeast Georgia": Georgia
	}
	used := end
	// "Vancouver International Airport", "Norfolk High", "West Virginia
	// Democratic": something named after a place; the place is the name
	// before it, unless the whole is a place's name ("Long Branch").
	last := end
	for last-start >= 2 && tailWords[toks[last-1].norm] {
		last--
	}
	if last < end && !a.placeName(toks[start].start, toks[end-1].end) {
		end = last
	}
	s := span{start: start, end: end, kind: spanPlace}
	s.cue, s.near = locativeCue(toks, start)
	if start > 0 && assaultVerbs[toks[start-1].norm] {
		s.cue = true // "shelled Kafr Nabl": what is shelled is a place
	}
	s.offset = offsetBefore(toks, start)
	s.local = localAfter(toks, end) || localBefore(toks, start)
	// "TORRINGTON — City Council approved ...": where the story is
	// filed, a place but not where its events happen.
	s.dateline = dateline(toks, start, end)
	if start > 1 && toks[start-1].text == "," {
		if p := a.spanAt(start - 2); p != nil && p.kind == spanPlace {
			s.cue = true // "Talbiseh, Syria": the country contains the place
		}
	}
	if end < len(toks) {
		w := toks[end].norm
		switch {
		case regionWords[w] && !toks[end].cap:
			s.region = true
			s.end = end + 1
		case nearWords[w]:
			s.near = true
		case w == "air" && end+1 < len(toks) && toks[end+1].norm == "base":
			s.near = true
		case w == "river" && !toks[end].cap:
			s.end = end + 1 // "the Niger river", "the Euphrates river": the river
		case toks[end].kind == tokNumber && toks[end].nlBefore == 0 && roadWords[toks[end-1].norm]:
			s.end, s.named = end+1, true // "Highway 19", "County Road 109"
		}
	}
	if regionWords[toks[s.end-1].norm] {
		s.region = true
	}
	if s.end-s.start >= 2 && (regionWords[toks[s.end-1].norm] || streetWords[toks[s.end-1].norm]) || s.region && s.end-s.start >= 2 {
		s.named = true
	}
	s.query = a.d.text[toks[s.start].start:toks[s.end-1].end]
	s.within = a.qualifiers(toks, s.end)
	a.addSpan(s)
	return used - i
}

// assaultVerbs take a place as their object: the name right after one is
// used as a place ("troops shelled Kafr Nabl", "rebels captured Saraqib").
// Verbs that as often take a person ("attacked", "hit", "struck") are not
// among them.
var assaultVerbs = setOf("shelled shelling bombed bombing bombarded bombarding raided stormed captured recaptured " +
	"seized overran retook besieged encircled")

// tailWords end the names of things named after a place: its airport, its
// schools, its firemen, its party branch.
var tailWords = setOf("airport international regional metropolitan high fire police branch democratic republican " +
	"democrats republicans attorney")

// placeName reports whether the text between the byte offsets start and end
// is, as written, the name of a place the gazetteer holds ("New York",
// "British Columbia"), asked of the gazetteer alone.
func (a *analysis) placeName(start, end int) bool {
	q := a.d.text[start:end]
	res, err := a.x.gz.Resolve(context.Background(), gazetteer.Query{Name: q, Limit: 1})
	return err == nil && res.Match != nil && gazetteer.Normalize(res.Match.Name) == gazetteer.Normalize(q)
}

// dateline reports whether toks[start:end] is a dateline: words in
// capitals before a dash or "(AP)".
func dateline(toks []token, start, end int) bool {
	if end >= len(toks) {
		return false
	}
	for k := start; k < end; k++ {
		if !allCapsWord(toks[k].text) || len(toks[k].text) < 3 {
			return false
		}
	}
	switch toks[end].text {
	case "—", "–", "-", "--", "(":
		return true
	}
	return false
}

// roadWords take a number to name a road: "Highway 19", "County Road 109".
var roadWords = setOf("highway road route interstate hwy")

// saintWords are abbreviations that begin a place name before a stop.
var saintWords = setOf("st mt ft pt")

// stateAbbrevs are abbreviations of places that keep their final stop:
// "Ky.", "W.Va.", "Calif.", "Ont.", "Main St.".
var stateAbbrevs = setOf("ala ariz ark calif colo conn del fla ga ill ind kan kans ky la md mass mich minn miss mo " +
	"mont neb nev okla ore pa tenn tex vt va wash wis wyo ont que sask alta man st rd ave blvd mt ft")

// notPlaceName reports whether the capitalised run toks[start:end] is, by
// its form, no place name: a word with a number ("Route 38", "District 1",
// "Pack 122"), an abbreviated "St." or "Mt." cut from its name, or a
// holiday ("St. Patrick's Day").
func notPlaceName(toks []token, start, end int) bool {
	if end < len(toks) && toks[end].norm == "'s" && end+1 < len(toks) && toks[end+1].norm == "day" {
		return true
	}
	if end < len(toks) && toks[end].text == "&" || start > 0 && toks[start-1].text == "&" {
		return true // "Stevens & Wilkinson", "McPherson & Jacobsen": a firm
	}
	if ageAfter(toks, end) {
		return true // "Samra, 46, who was born ...": a person and their age
	}
	if end-start != 1 {
		return false
	}
	if end < len(toks) && toks[end].nlBefore == 0 && (toks[end].kind == tokNumber || startsWithDigit(toks[end].text)) &&
		!(roadWords[toks[start].norm] && toks[end].kind == tokNumber) && !(end+1 < len(toks) && countedUnits[toks[end+1].norm]) {
		return true // "District 1", "Section 2AA"; but "Highway 19" is a road
	}
	if start >= 2 && toks[start-2].norm == "according" && toks[start-1].norm == "to" {
		return true // "according to Taylor": a person (countries are read before)
	}
	switch toks[start].norm {
	case "st", "mt", "ft":
		return end < len(toks) && toks[end].text == "."
	}
	return false
}

// countedUnits after a number make it a count, not a label: "Aleppo 3 days
// ago" is Aleppo, "District 1" no place.
var countedUnits = setOf("days weeks months years hours minutes times people km kilometres kilometers miles")

// startsWithDigit reports whether w begins with an ASCII digit.
func startsWithDigit(w string) bool { return w != "" && w[0] >= '0' && w[0] <= '9' }

// qualifiers reads what contains a place, from the widest: "Austin, in
// Scott County, Indiana" is in both.
func (a *analysis) qualifiers(toks []token, j int) []string {
	var out []string
	for len(out) < 3 {
		q, next := a.qualifier(toks, j)
		if q == "" {
			break
		}
		out = append(out, q)
		j = next
	}
	return out
}

// qualifier reads what contains a place after toks[j]: "Talbiseh, in Homs
// province", "Talbiseh, Syria", "Kramatorsk, in the Donetsk region". It
// returns the token after it too.
func (a *analysis) qualifier(toks []token, j int) (string, int) {
	if j+1 >= len(toks) || toks[j].text != "," {
		return "", j
	}
	k := j + 1
	for k < len(toks) && (toks[k].norm == "in" || toks[k].norm == "the") {
		k++
	}
	m := k
	for m < len(toks) && m-k < 4 && (toks[m].cap || nameParticles[toks[m].norm] && m+1 < len(toks) && toks[m+1].cap) {
		m++
	}
	if m == k {
		return "", j
	}
	region := m < len(toks) && regionWords[toks[m].norm] || regionWords[toks[m-1].norm]
	if _, n := a.x.names.match(toks, k); n == m-k || region {
		end := toks[m-1].end
		if m < len(toks) && regionWords[toks[m].norm] {
			end = toks[m].end
			m++
		}
		return a.d.text[toks[k].start:end], m
	}
	if k > j+1 && toks[j+1].norm == "in" {
		return a.d.text[toks[k].start:toks[m-1].end], m // ", in Homs"
	}
	return "", j
}

// locativeCue reports whether the words before toks[i] place something
// there ("in", "near", "the city of") and whether they put it only near.
func locativeCue(toks []token, i int) (cue, near bool) {
	k := i - 1
	// Skip adjectives and articles: "in war-torn Syria", "in the northern city of".
	for k >= 0 && i-k < 6 && toks[k].kind == tokWord && (!toks[k].cap && (isLocAdjective(toks[k].norm) || toks[k].norm == "the") ||
		toks[k].norm == "'s" && k > 0 && toks[k-1].cap) {
		if toks[k].norm == "'s" {
			k-- // "in Yemen's northern Saada province"
		}
		k--
	}
	if k < 0 {
		return false, false
	}
	switch toks[k].norm {
	case "in", "at", "into", "across", "inside", "throughout", "to", "toward", "towards", "from", "on", "via":
		return true, false
	case "near", "outside", "around", "nearby", "beyond":
		return true, true
	case "of":
		if k > 0 {
			switch toks[k-1].norm {
			case "city", "town", "village", "villages", "province", "region", "district", "governorate", "suburb",
				"capital", "port", "area", "neighbourhood", "neighborhood", "outskirts", "parts", "part", "north",
				"south", "east", "west", "northeast", "northwest", "southeast", "southwest", "centre", "center",
				"kilometres", "kilometers", "miles", "km", "airport", "base", "countryside", "heart", "edge",
				"streets", "residents", "people":
				near := toks[k-1].norm == "outskirts" || toks[k-1].norm == "countryside" || toks[k-1].norm == "edge" ||
					toks[k-1].norm == "airport" || toks[k-1].norm == "base" || toks[k-1].norm == "kilometres" ||
					toks[k-1].norm == "kilometers" || toks[k-1].norm == "miles" || toks[k-1].norm == "km" ||
					directions[toks[k-1].norm]
				return true, near
			}
		}
	}
	return false, false
}

var directions = map[string]bool{"north": true, "south": true, "east": true, "west": true, "northeast": true,
	"northwest": true, "southeast": true, "southwest": true}

// bearings are the directions' bearings in degrees clockwise from north.
var bearings = map[string]float64{"north": 0, "northeast": 45, "east": 90, "southeast": 135, "south": 180,
	"southwest": 225, "west": 270, "northwest": 315}

// kmPer are the units of distance, in kilometres.
var kmPer = map[string]float64{"km": 1, "kms": 1, "kilometres": 1, "kilometers": 1, "kilometre": 1, "kilometer": 1,
	"miles": 1.609344, "mile": 1.609344, "mi": 1.609344}

// maxOffsetKm bounds the distances read as offsets: farther than this, the
// phrase says how far apart two places are, not where an event was.
const maxOffsetKm = 500

// offsetBefore reads a distance and a direction before the place at
// toks[i]: "40 km north of Monywa", "about 20 kilometres to the south of
// Djibo", "60 miles northwest of". It returns the zero offset when there is
// none.
func offsetBefore(toks []token, i int) offset {
	k := i - 1
	if k < 3 || toks[k].norm != "of" {
		return offset{}
	}
	k--
	b, ok := bearings[toks[k].norm]
	if !ok {
		return offset{}
	}
	if toks[k-1].norm == "the" && toks[k-2].norm == "to" {
		k -= 2 // "20 km to the south of"
	}
	k--
	unit, ok := kmPer[toks[k].norm]
	if !ok || k < 1 {
		return offset{}
	}
	n, ok := parseNumber(toks, k-1)
	if !ok || n.end != k || n.vague || n.value == 0 || float64(n.value)*unit > maxOffsetKm {
		return offset{}
	}
	return offset{km: float64(n.value) * unit, bearing: b, from: k - 1}
}

// destination returns the point km kilometres from lat, lon on the given
// bearing (degrees clockwise from north), on a sphere of the Earth's mean
// radius.
func destination(lat, lon, km, bearing float64) (float64, float64) {
	const earthKm = 6371.0088
	rad := math.Pi / 180
	d, th := km/earthKm, bearing*rad
	p1, l1 := lat*rad, lon*rad
	p2 := math.Asin(math.Sin(p1)*math.Cos(d) + math.Cos(p1)*math.Sin(d)*math.Cos(th))
	l2 := l1 + math.Atan2(math.Sin(th)*math.Sin(d)*math.Cos(p1), math.Cos(d)-math.Sin(p1)*math.Sin(p2))
	lon2 := math.Mod(l2/rad+540, 360) - 180
	return p2 / rad, lon2
}

func isLocAdjective(w string) bool {
	switch w {
	case "northern", "southern", "eastern", "western", "central", "northeastern", "northwestern", "southeastern",
		"southwestern", "wartorn", "besieged", "rebelheld", "governmentheld", "contested", "strategic", "city",
		"town", "village", "key", "embattled", "frontline", "nearby", "capital", "restive", "coastal", "border",
		"port", "provincial", "northeast", "northwest", "southeast", "southwest", "oilrich", "remote", "rural", "mostly":
		return true
	}
	return false
}

// resolvePlaces asks the gazetteer for every place-name candidate of the
// document together (gazetteer.ResolveDocument), so that each name is read
// in the light of the others and of the containment the text states
// ("Talbiseh, in Homs province").
func (a *analysis) resolvePlaces(ctx context.Context) error {
	for _, s := range a.spans {
		if s.kind == spanDemonym {
			a.focusVotes(s.code, 1)
		}
	}
	// The countries the text names, by name or demonym, in its places or
	// inside its actors ("Syrian army"): the context every other name is
	// read in.
	a.named = map[string]bool{}
	for _, c := range a.focus {
		a.named[c] = true
	}
	for _, s := range a.spans {
		if s.code != "" && (s.kind == spanPlace || s.kind == spanDemonym) {
			a.named[s.code] = true
		}
	}
	for _, s := range a.inner {
		a.named[s.code] = true
	}
	type key struct{ name, within string }
	index := map[key]int{}
	var mentions []gazetteer.Mention
	// Each country named goes to the gazetteer once, under its own name,
	// so that the document's model sees it among the names it weighs.
	codes := make([]string, 0, len(a.named))
	for c := range a.named {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	for _, c := range codes {
		if e, ok := a.x.countries[c]; ok {
			index[key{name: "\x00" + c}] = len(mentions)
			mentions = append(mentions, gazetteer.Mention{Name: strings.TrimPrefix(e.name, "the "), Country: c})
		}
	}
	n := len(a.spans)
	a.spans = append(a.spans, a.orgPlaces...) // resolved with the rest, then moved back out
	defer func() {
		a.orgPlaces = append(a.orgPlaces[:0], a.spans[n:]...)
		a.spans = a.spans[:n]
	}()
	ref := make([]int, len(a.spans)) // span -> mention, -1 for none
	for i := range a.spans {
		ref[i] = -1
		s := &a.spans[i]
		if s.kind != spanPlace {
			continue
		}
		if s.code != "" {
			s.match = a.countryMatch(s.code) // a country by name needs no guessing
			if s.match != nil {
				a.focusVotes(s.code, 1)
			}
			continue
		}
		q := s.query
		if s.region && s.end-s.start >= 2 && !strings.Contains(strings.ToLower(q), "province") && !strings.Contains(strings.ToLower(q), "governorate") &&
			a.toks[s.end-1].norm != "county" {
			// The gazetteer reads "province" and "governorate" as region words.
			q = a.d.text[a.toks[s.start].start:a.toks[s.end-2].end] + " province"
		}
		k := key{q, strings.Join(s.within, "\x00")}
		m, ok := index[k]
		if !ok {
			m = len(mentions)
			index[k] = m
			mn := gazetteer.Mention{Name: q, Within: s.within}
			mentions = append(mentions, mn)
		}
		ref[i] = m
	}
	if len(mentions) > 0 {
		results, err := a.x.gz.ResolveDocument(ctx, mentions, gazetteer.WithCountry(a.opts.Country), gazetteer.WithLimit(5))
		if err != nil {
			return fmt.Errorf("extract: resolve places: %w", err)
		}
		localNamesakes(mentions[len(codes):], results[len(codes):])
		a.seats(mentions[len(codes):], results[len(codes):])
		// A name resolved to a small place outside every country the text
		// names is asked again in their light ("Palmyra" in a story of
		// Syrians and Russians is not Palmyra, Pennsylvania): the
		// document's model may weigh a third country against the one the
		// place lies in.
		if len(codes) > 0 {
			for m := len(codes); m < len(mentions); m++ {
				r := results[m].Match
				if r == nil || a.named[r.Country] || len(mentions[m].Within) > 0 || r.Kind != gazetteer.KindPlace ||
					r.Population >= 50_000 || r.FeatureCode == "PPLC" || r.FeatureCode == "PPLA" {
					continue // only a small namesake abroad is doubted
				}
				res, err := a.x.gz.Resolve(ctx, gazetteer.Query{Name: mentions[m].Name, Context: codes, Country: a.opts.Country, Limit: 1})
				if err == nil && res.Match != nil && a.named[res.Match.Country] {
					results[m].Match = res.Match
				}
			}
		}
		taken := map[int]*gazetteer.Match{} // mention -> a match accepted for one of its spans
		for i := range a.spans {
			if ref[i] < 0 {
				continue
			}
			s := &a.spans[i]
			s.match = a.accept(s, results[ref[i]].Match)
			if s.match != nil {
				taken[ref[i]] = s.match
				w := 1
				if s.cue {
					w = 2
				}
				a.focusVotes(s.match.Country, w)
			}
		}
		// A small town the text names without a locative word is taken
		// when it lies in a region the document's other places lie in
		// ("Dublin operates its own sirens" beside Columbus, Ohio).
		type region struct{ cc, admin1 string }
		regions := map[region]int{}
		for i := range a.spans {
			if s := &a.spans[i]; ref[i] >= 0 && s.match != nil && s.match.Admin1 != "" {
				regions[region{s.match.Country, s.match.Admin1}]++
			}
		}
		for i := range a.spans {
			s := &a.spans[i]
			m := results[max(ref[i], 0)].Match
			if ref[i] < 0 || s.match != nil || taken[ref[i]] != nil || m == nil || m.Kind != gazetteer.KindPlace ||
				regions[region{m.Country, m.Admin1}] < 2 || gazetteer.Normalize(s.query) != gazetteer.Normalize(m.Name) ||
				commonWord(a.toks[s.start].norm) || allCapsWord(a.toks[s.start].text) && len(a.toks[s.start].text) <= 4 {
				continue
			}
			s.match = m
			taken[ref[i]] = m
		}
		// One name, one sense in a document: a name taken for a place once
		// ("in Dublin") is that place where it stands alone too ("Dublin
		// operates its own sirens").
		for i := range a.spans {
			if s := &a.spans[i]; ref[i] >= 0 && s.match == nil && taken[ref[i]] != nil && !commonWord(a.toks[s.start].norm) {
				s.match = taken[ref[i]]
			}
		}
		// A name qualified once ("Athens, Ga.", "Talbiseh, in Homs
		// province") keeps that sense where it comes again unqualified.
		qualified := map[string]*gazetteer.Match{}
		for i := range a.spans {
			if s := &a.spans[i]; ref[i] >= 0 && s.match != nil && len(s.within) > 0 {
				if k := gazetteer.Normalize(s.query); qualified[k] == nil {
					qualified[k] = s.match
				}
			}
		}
		for i := range a.spans {
			s := &a.spans[i]
			if ref[i] < 0 || s.match == nil || len(s.within) > 0 || s.region {
				continue
			}
			if m := qualified[gazetteer.Normalize(s.query)]; m != nil {
				s.match = m
			}
		}
		a.localTowns(ctx)
	}
	if a.opts.Country != "" {
		a.focusVotes(strings.ToUpper(a.opts.Country), 100)
	}
	a.focus = topCodes(a.focus, 3)
	// A name once taken for a person is a person everywhere ("Assad").
	people := map[string]bool{}
	for _, s := range a.spans {
		if s.kind == spanPerson {
			for k := s.start; k < s.end; k++ {
				people[a.toks[k].norm] = true
			}
		}
		// "Scott Morrison", unknown as a place, is a name: "Morrison" alone
		// later is the man.
		// "Metropolitan Atlanta" and "Greater Manchester" are not.
		if s.kind == spanPlace && s.match == nil && !s.named && !s.cue && s.role != RoleActor && s.end-s.start >= 2 && s.end-s.start <= 3 &&
			!commonWord(a.toks[s.start].norm) && !placeModifiers[a.toks[s.start].norm] {
			people[a.toks[s.end-1].norm] = true
		}
	}
	for i := range a.spans {
		s := &a.spans[i]
		if s.kind == spanPlace && s.match != nil && s.end-s.start == 1 && people[a.toks[s.start].norm] && !s.cue {
			s.match = nil
		}
		if s.kind == spanPlace && s.match != nil && s.role != RoleActor {
			s.role = RoleMentioned
		}
	}
	return nil
}

// placeModifiers begin a capitalised run that is a place, not a person's
// name: "Metropolitan Atlanta", "Greater Manchester", "Downtown Dallas".
var placeModifiers = setOf("metropolitan greater downtown suburban rural urban historic uptown midtown inner outer")

// localTowns asks again for a name the text uses as a town's ("the Athens
// Police Department", "a Richmond man", "Smith, 49, Palestine") that
// resolved to a country, or to a place in another country than the one
// most of the document's other names lie in: there, a town of that very
// name is taken (Athens, Texas in a story of Texan towns).
func (a *analysis) localTowns(ctx context.Context) {
	// The countries of the document's other names: each name counts once.
	byName := map[string]string{}
	for i := range a.spans {
		if s := &a.spans[i]; s.kind == spanPlace && s.match != nil && s.match.Kind != gazetteer.KindContinent {
			byName[gazetteer.Normalize(s.query)] = s.match.Country
		}
	}
	asked := map[string]*gazetteer.Match{}
	for i := range a.spans {
		s := &a.spans[i]
		if s.kind != spanPlace || !s.local || s.match == nil || s.match.Country == "" {
			continue
		}
		name := gazetteer.Normalize(s.query)
		votes := map[string]int{}
		for n, cc := range byName {
			if n != name && cc != "" {
				votes[cc]++
			}
		}
		best, bestN, tie := "", 0, false
		for cc, v := range votes {
			switch {
			case v > bestN:
				best, bestN, tie = cc, v, false
			case v == bestN:
				tie = true
			}
		}
		if best == "" || tie || best == s.match.Country && s.match.Kind == gazetteer.KindPlace {
			continue
		}
		key := name + "\x00" + best
		m, ok := asked[key]
		if !ok {
			res, err := a.x.gz.Resolve(ctx, gazetteer.Query{Name: s.query, Country: best, Limit: 1})
			if err == nil && res.Match != nil && res.Match.Country == best && res.Match.Kind == gazetteer.KindPlace &&
				gazetteer.Normalize(res.Match.Name) == name {
				m = res.Match
			}
			asked[key] = m
		}
		if m != nil {
			s.match = m
		}
	}
}

// seats reads a bare name that the gazetteer takes for a region named
// after its seat as the seat ("missiles hit Zaporizhzhia" is the city;
// "Zaporizhzhia region" stays the region).
func (a *analysis) seats(mentions []gazetteer.Mention, results []gazetteer.Result) {
	for i := range results {
		m := results[i].Match
		if m == nil || m.Kind != gazetteer.KindRegion || m.Seat == nil || regionName(mentions[i].Name) {
			continue
		}
		// The seat answers to the name too: it is among the candidates.
		for k := range results[i].Alternatives {
			if alt := &results[i].Alternatives[k]; alt.GeonameID == m.Seat.GeonameID {
				results[i].Match = &gazetteer.Match{Place: alt.Place, Score: m.Score}
				break
			}
		}
	}
}

// regionName reports whether a name as written says it is a region
// ("Homs province", "the Donetsk region").
func regionName(name string) bool {
	f := strings.Fields(strings.ToLower(name))
	return len(f) > 1 && regionWords[f[len(f)-1]]
}

// localNamesakes prefers, for a name whose match lies in a region none of
// the document's other names lie in, a namesake of the very same name in a
// region where at least two of them do ("Paris" in a story of Henry
// County and Puryear, Tennessee, is Paris, Tennessee).
func localNamesakes(mentions []gazetteer.Mention, results []gazetteer.Result) {
	type region struct{ cc, admin1 string }
	count := map[region]int{}
	for _, r := range results {
		if m := r.Match; m != nil && m.Admin1 != "" {
			count[region{m.Country, m.Admin1}]++
		}
	}
	for i := range results {
		m := results[i].Match
		if m == nil || m.Kind != gazetteer.KindPlace || count[region{m.Country, m.Admin1}] > 1 || len(mentions[i].Within) > 0 {
			continue
		}
		q := gazetteer.Normalize(mentions[i].Name)
		for k := range results[i].Alternatives {
			alt := &results[i].Alternatives[k]
			if alt.Kind == gazetteer.KindPlace && count[region{alt.Country, alt.Admin1}] >= 2 && gazetteer.Normalize(alt.Name) == q {
				results[i].Match = alt
				break
			}
		}
	}
}

// accept decides whether the gazetteer's match m for candidate s is a
// place named in the text: an exact (normalised) name, or a strong
// alternate; a lone word with no locative word before it must be a
// notable place (a capital, a region seat, a city of 50,000).
func (a *analysis) accept(s *span, m *gazetteer.Match) *gazetteer.Match {
	if m == nil {
		return nil
	}
	cue := s.cue || s.dateline
	exact := gazetteer.Normalize(s.query) == gazetteer.Normalize(m.Name)
	// A name that is not the place's own (an alternate spelling, a
	// transliteration) needs a strong score, or a notable place in a
	// country the text names: "Hodeidah" in a story of Yemenis.
	notable := m.Population >= 50_000 || strings.HasPrefix(m.FeatureCode, "PPLA") || m.FeatureCode == "PPLC" ||
		m.Place.GeoPrecision() == 3
	known := a.named[m.Country] && notable && m.Score >= gazetteer.MatchThreshold
	if !exact && m.Score < 0.85 && !known && cue && m.Population >= 100_000 && strings.HasPrefix(m.FeatureCode, "PPL") {
		// A city after "in" or "near" by another of its names ("near
		// Hodeidah", Al Hudaydah; "in Geneva", Genève) is taken when the
		// name alone resolves to it strongly, wherever the text is from;
		// a village the gazetteer lacks, fuzzily like a capital ("near
		// Gaskindé", Tashkent), is not.
		res, err := a.x.gz.Resolve(context.Background(), gazetteer.Query{Name: s.query, Limit: 1})
		known = err == nil && res.Match != nil && res.Match.GeonameID == m.GeonameID && res.Match.Score >= 0.92
	}
	if !exact && m.Score < 0.85 && !known {
		return nil
	}
	one := s.end-s.start == 1
	if one && commonWord(a.toks[s.start].norm) && !cue {
		return nil
	}
	if one && !cue && s.code == "" && len(a.toks[s.start].text) <= 4 && allCapsWord(a.toks[s.start].text) &&
		!(strings.Contains(a.toks[s.start].text, ".") && m.Score >= 0.85) && !a.toks[s.start].pair {
		return nil // "BA", "LLC", "CIA"; but "Canada-EU" pairs "EU" with a country
	}
	if strings.ContainsAny(a.toks[s.start].norm, "'") {
		return nil // "We're", "I'll"
	}
	if s.code != "" && m.Country != s.code {
		return nil
	}
	if !cue && !notable && (one || !exact) {
		return nil
	}
	if !cue && !exact && m.Score < 0.9 && !known {
		return nil
	}
	return m
}

// topCodes returns the n most frequent codes, most frequent first.
func topCodes(votes []string, n int) []string {
	count := map[string]int{}
	for _, c := range votes {
		if c != "" {
			count[c]++
		}
	}
	codes := make([]string, 0, len(count))
	for c := range count {
		codes = append(codes, c)
	}
	slices.SortFunc(codes, func(x, y string) int {
		if count[x] != count[y] {
			return count[y] - count[x]
		}
		return strings.Compare(x, y)
	})
	return codes[:min(n, len(codes))]
}

// stanceVerbs make a country or capital before them an actor: "Washington
// has warned", "Moscow is demanding", "Russia launched".
var stanceVerbs = map[string]bool{
	"said": true, "says": true, "say": true, "warned": true, "warns": true, "accused": true, "accuses": true,
	"accusing": true, "demanded": true, "demanding": true, "demands": true, "called": true, "calls": true,
	"denied": true, "denies": true, "insisted": true, "insists": true, "claimed": true, "claims": true,
	"announced": true, "urged": true, "urges": true, "condemned": true, "condemns": true, "rejected": true,
	"rejects": true, "wants": true, "agreed": true, "agrees": true, "responded": true, "retaliated": true,
	"threatened": true, "threatens": true, "vowed": true, "vows": true, "asked": true, "told": true,
	"stated": true, "confirmed": true, "signed": true, "backed": true, "backs": true, "supports": true,
	"supported": true, "refused": true, "refuses": true, "blamed": true, "blames": true, "launched": true,
	"carried": true, "carries": true, "conducted": true, "sent": true, "deployed": true, "informed": true,
	"believes": true, "hopes": true, "expects": true, "imposed": true, "sanctioned": true, "recognised": true,
	"recognized": true, "struck": true, "bombed": true, "attacked": true, "hit": true, "fired": true,
	"wasn't": true, "was": false, "has": false, "will": false, "would": false, "welcomed": true, "protested": true,
	"summoned": true, "expelled": true, "pledged": true, "promised": true, "offered": true, "proposed": true,
}

// objectVerbs make a country or capital after them an actor: "accused
// Washington", "warned Russia".
var objectVerbs = map[string]bool{
	"accused": true, "accusing": true, "warned": true, "urged": true, "told": true, "asked": true,
	"between": true, "informed": true, "pressed": true, "criticised": true, "criticized": true, "blamed": true,
	"with": false, "by": false, "against": false, "and": false,
}

// metonyms gives the actor role to countries and capitals that act: they
// say, warn, demand or are accused ("Washington has warned", "Moscow is
// demanding", "between Moscow and Washington").
func (a *analysis) metonyms() {
	for i := range a.spans {
		s := &a.spans[i]
		if s.kind != spanPlace || s.match == nil {
			continue
		}
		fc := s.match.FeatureCode
		if fc != "PPLC" && !strings.HasPrefix(fc, "PCL") && fc != "ADM1" {
			continue
		}
		if fc == "ADM1" {
			continue
		}
		if a.actsAfter(s.end) || a.actedOn(s.start) {
			s.role = RoleActor
		}
	}
}

// actsAfter reports whether a verb of stance or action follows token j,
// skipping auxiliaries and adverbs.
func (a *analysis) actsAfter(j int) bool {
	toks := a.toks
	if j < len(toks) && toks[j].norm == "'s" {
		// "Washington's obligation", "Moscow's position"
		if j+1 < len(toks) {
			switch toks[j+1].norm {
			case "obligation", "position", "support", "commitment", "refusal", "decision", "demand", "demands",
				"accusation", "claims", "claim", "response", "policy", "stance", "role", "proposal", "plan",
				"offer", "backing", "allies", "envoy", "ambassador", "foreign", "defence", "defense", "president",
				"government", "leadership", "military", "forces", "army", "troops", "warplanes", "air", "navy":
				return true
			}
		}
		return false
	}
	for k := j; k < len(toks) && k < j+4; k++ {
		w := toks[k].norm
		if stanceVerbs[w] {
			return true
		}
		switch w {
		case "has", "have", "had", "is", "was", "also", "again", "repeatedly", "reportedly", "now", "already",
			"long", "previously", "recently", "will", "would", "has been", "been", "then", "swiftly", "quickly":
			continue
		}
		if _, n := a.x.triggers.match(toks, k); n > 0 && strings.HasSuffix(w, "ed") {
			return true
		}
		return false
	}
	return false
}

// actedOn reports whether a verb that takes a government as its object, or
// "between X and", comes just before token i.
func (a *analysis) actedOn(i int) bool {
	toks := a.toks
	for k := i - 1; k >= 0 && k >= i-3; k-- {
		w := toks[k].norm
		if objectVerbs[w] {
			return true
		}
		if w == "and" && k > 0 {
			if p := a.spanAt(k - 1); p != nil && p.kind == spanPlace && p.role == RoleActor {
				return true
			}
			continue
		}
		if w == "the" || w == "both" {
			continue
		}
		return false
	}
	return false
}

// cand is a candidate incident under construction.
type cand struct {
	in       incidents.Incident
	conf     float64
	evidence []Evidence
	placeSp  *span // the place span it happens at, nil when none
	own      bool  // the place is named in its own clause, not inherited
	dateCue  bool  // the date came from a cue in the text
	caption  bool
	anaph    bool // its trigger refers back to an earlier telling ("the strike")
	generic  bool // its trigger is a bare "attack", which may refer to any event
	para     int
	sent     int
	trigs    []clause // the token ranges of its triggers, one per telling that had one
	// kinds holds the dead by kind of victim ("military", "fighters"; ""
	// for "people"), so that tellings of one event that count different
	// victims add up ("killing 10 soldiers ... Troops killed 18 attackers").
	kinds map[string]int
	vague bool // the place is only a country or inherited
	// inherited is the place of the story's previous telling, used when
	// this one names none.
	inherited *span
}

// day formats a date.
func day(t time.Time) string { return t.Format("2006-01-02") }

// clause is a token range of a sentence.
type clause struct{ start, end int }

// clauses cuts a sentence at semicolons, "while"/"whereas" and a lag
// before "after" ("a day after an attack ... killed 49"). lags[i] is how
// many days clause i lies before the sentence's date: 0 for the same day,
// -1 for weeks or more before it (history).
func (a *analysis) clauses(s sentence) (out []clause, lags []int) {
	begin := s.first
	end := s.first + len(s.toks)
	lag := 0
	for k := s.first; k < end; k++ {
		w := a.toks[k].norm
		if (w == ";" || w == "while" || w == "whereas") && k > begin+2 {
			out, lags = append(out, clause{begin, k}), append(lags, lag)
			begin = k
			if w == ";" {
				begin = k + 1
			}
			continue
		}
		if w == "after" && k >= begin+4 {
			if days, n, ok := lagBefore(a.toks, k); ok {
				out, lags = append(out, clause{begin, k - n}), append(lags, lag)
				begin, lag = k+1, days
			}
		}
	}
	return append(out, clause{begin, end}), append(lags, lag)
}

// lagBefore reads the lag that ends at toks[k] ("after"): "a day", "two
// days", "hours", "two weeks". It returns the days (-1 for a week or more),
// the lag's length in tokens, and whether there is one.
func lagBefore(toks []token, k int) (days, n int, ok bool) {
	unit := toks[k-1].norm
	count := 1
	n = 2
	switch w := toks[k-2]; {
	case w.norm == "a" || w.norm == "an" || w.norm == "one":
	case w.kind == tokNumber:
		v, err := strconv.Atoi(w.text)
		if err != nil {
			return 0, 0, false
		}
		count = v
	default:
		v, isNum := wordNumber(w.norm)
		if !isNum {
			if unit != "hours" {
				return 0, 0, false
			}
			n = 1 // "hours after"
		}
		count = max(v, 1)
	}
	switch unit {
	case "hour", "hours", "minutes":
		return 0, n, true
	case "day", "days":
		if count >= 7 {
			return -1, n, true
		}
		return count, n, true
	case "week", "weeks", "month", "months", "year", "years":
		return -1, n, true
	}
	return 0, 0, false
}

// events finds the candidate incidents of sentence si.
func (a *analysis) events(si int) {
	s := a.sents[si]
	background := backgroundCue(s.toks)
	when, hasDate := findDate(s.toks, a.ref)
	if !hasDate && !a.ref.IsZero() {
		base := a.ref
		if a.hasLast {
			base = a.lastDate.date
		}
		when, hasDate = storyDate(s.toks, base)
	}
	if hasDate && a.isOld(when) || !hasDate && a.oldCue(s.toks) {
		return // "had seized the town in December", "signed an agreement in 2020": history, not news
	}
	a.prevDate, a.hasPrev = a.lastDate, a.hasLast
	a.speechDate = hasDate && speechDate(s.toks, when)
	if hasDate && !s.caption && !background {
		a.lastDate, a.hasLast = when, true
	}
	cls, lags := a.clauses(s)
	for i, cl := range cls {
		w := when
		switch {
		case lags[i] < 0:
			continue // "two weeks after Iraqi forces took over the city": history
		case lags[i] > 0 && hasDate:
			w.date = w.date.AddDate(0, 0, -lags[i])
		}
		a.clauseEvents(si, s, cl, background, w, hasDate)
	}
}

// reportedPast reports whether a clause reports an event in the
// pluperfect after a verb of saying ("the governor said Russian shelling
// had damaged homes in Nikopol"): it happened before the saying, on a day
// the story does not give, so it is dated to the report, not to the day
// the story told last.
func (a *analysis) reportedPast(cl clause) bool {
	said := false
	for k := cl.start; k < cl.end; k++ {
		switch a.toks[k].norm {
		case "said", "says", "reported", "announced", "told", "added":
			said = true
		case "had":
			if said {
				return true
			}
		}
	}
	return false
}

// newPlace reports whether candidate c happens somewhere else than the
// story's latest candidate, more than 25 km away.
func (a *analysis) newPlace(c *cand) bool {
	if len(a.cands) == 0 || c.placeSp == nil || c.placeSp.match == nil {
		return false
	}
	o := a.cands[len(a.cands)-1]
	if o.placeSp == nil || o.placeSp.match == nil {
		return true
	}
	m1, m2 := o.placeSp.match, c.placeSp.match
	return m1.GeonameID != m2.GeonameID && geo.Distance(m1.Lat, m1.Lon, m2.Lat, m2.Lon) > 25
}

// airWords support a weak air-strike trigger in its sentence.
var airWords = map[string]bool{
	"air": true, "warplanes": true, "warplane": true, "jets": true, "jet": true, "aircraft": true, "planes": true,
	"plane": true, "helicopter": true, "helicopters": true, "drone": true, "drones": true, "coalition": true,
	"f16s": true, "f16": true, "a10s": true, "bombers": true, "airforce": true, "sukhoi": true, "airstrike": true,
	"airstrikes": true, "gunships": true, "uav": true,
}

type found struct {
	t     trigger
	start int
	end   int
	weak  bool // no trigger: a casualty count alone
}

func (a *analysis) clauseEvents(si int, s sentence, cl clause, background bool, when when, hasDate bool) {
	toks := a.toks
	var trigs []found
	for k := cl.start; k < cl.end; k++ {
		if sp := a.spanAt(k); sp != nil && (sp.kind == spanOrg || sp.kind == spanPerson) {
			continue
		}
		t, n := a.x.triggers.match(toks[:cl.end], k)
		if n == 0 {
			continue
		}
		if facilityAfter(toks[:cl.end], k+n) {
			k += n - 1
			continue // "a missile store", "drone and missile factories": things, not attacks
		}
		trigs = append(trigs, found{t: t, start: k, end: k + n})
		k += n - 1
	}
	cas := findCasualties(toks[cl.start:cl.end], func(w string) string { return a.x.demonymOf[w] })
	if background {
		cas = nil
	}
	deaths, injuries, victim, victimCC := tally(cas)
	// Pick the clause's main trigger: strong before weak, specific before
	// generic, first of equals.
	best := -1
	for j, f := range trigs {
		if f.t.weak && !a.supported(f, cl, deaths >= 0 || injuries >= 0) {
			continue
		}
		if f.t.agreement && !agreementVerb(toks[cl.start:cl.end]) {
			continue
		}
		if f.t.withdrawal && a.placeLeft(f, cl, s) == nil {
			continue // "the withdrawal of US troops": no place left, no event
		}
		if best < 0 || trigs[best].t.weak && !f.t.weak ||
			// "In a separate attack, a drone hit a hospital": the weapon's act says more.
			trigs[best].t.weak && f.t.weak && genericAttack(toks[trigs[best].start].norm) && !genericAttack(toks[f.start].norm) ||
			trigs[best].t.eventType == "Strategic developments" && f.t.eventType != "Strategic developments" && !f.t.weak {
			best = j
		}
	}
	if best < 0 && (deaths >= 0 || injuries >= 0) && len(a.cands) > 0 && a.samePlace(cl, a.cands[len(a.cands)-1]) {
		// "More than 20 people were wounded." right after a telling counts
		// for it.
		if o := a.cands[len(a.cands)-1]; o.para == s.para && si-o.sent <= 1 && o.caption == s.caption {
			c := &cand{evidence: []Evidence{a.evidence(s)}, sent: si, para: s.para, kinds: kindsOf(cas)}
			if deaths >= 0 {
				c.in.Fatalities = &deaths
			}
			if injuries >= 0 {
				c.in.Injuries = &injuries
			}
			c.conf = o.conf - 0.05
			a.merge(o, c)
			o.sent = si
			return
		}
	}
	if best < 0 {
		if deaths <= 0 || !a.hasOwnPlace(cl) && !hasDate {
			return
		}
		// A casualty count with no trigger: "five people were killed in Raqqa".
		sub := trigger{eventType: "Violence against civilians", subType: "Attack"}
		if victim == "military" || victim == "fighters" || victim == "police" {
			sub = trigger{eventType: "Battles", subType: "Armed clash"}
		}
		trigs = append(trigs, found{t: sub, start: cl.start, end: cl.start, weak: true})
		best = len(trigs) - 1
	}
	f := trigs[best]
	c := &cand{para: s.para, sent: si, caption: s.caption, kinds: kindsOf(cas)}
	if f.end > f.start {
		c.trigs = []clause{{f.start, f.end}}
	}
	c.in.EventType, c.in.SubEventType = f.t.eventType, f.t.subType
	conf := 0.8
	if f.t.weak || f.weak {
		conf = 0.55
	}
	modality := a.modality(cl.start, f.start, cl.end)
	c.anaph = a.anaphoric(f.start)
	// "The SDF said on Sunday that 27 ... had been killed in the clashes":
	// the day of the saying, not of the clashes told before.
	saidOnly := c.anaph && a.speechDate && a.hasPrev
	c.generic = f.t.weak && genericAttack(toks[f.start].norm)
	// Actors. With no trigger word the count stands for one: who comes
	// before it acted ("Security forces raided a village, killing three
	// civilians").
	af := f
	if f.start == f.end && len(cas) > 0 {
		af.start = cl.start + cas[0].start
		af.end = af.start
	}
	a1, a2 := a.actorsFor(cl, af, s)
	if deaths >= 0 {
		c.in.Fatalities = &deaths
	}
	if injuries >= 0 {
		c.in.Injuries = &injuries
	}
	// Place.
	c.placeSp, c.own = a.placeFor(cl, f, s)
	if f.t.withdrawal {
		c.placeSp, c.own = a.placeLeft(f, cl, s), true
		if !dealCue(toks[s.first:s.first+len(s.toks)]) && a.fightNear(si) {
			// Leaving under attack: the other side takes the place.
			c.in.EventType = "Battles"
			a1, a2 = a2, a1
			switch {
			case a1.name == "":
				c.in.SubEventType = "Armed clash"
			case a1.kind == "state":
				c.in.SubEventType = "Government regains territory"
			default:
				c.in.SubEventType = "Non-state actor overtakes territory"
			}
		}
	}
	if c.placeSp == nil {
		c.inherited = a.lastPlace(s.para, 1)
	}
	if c.placeSp != nil {
		conf += 0.1
	}
	if deaths > 0 {
		conf += 0.05
	}
	// Date.
	switch {
	case saidOnly:
		c.in.Date, c.in.DatePrecision = day(a.prevDate.date), a.prevDate.precision
	case hasDate:
		c.in.Date, c.in.DatePrecision, c.dateCue = day(when.date), when.precision, true
		conf += 0.05
		if when.precision == "month" && !a.ref.IsZero() && when.date.Before(time.Date(a.ref.Year(), a.ref.Month(), 1, 0, 0, 0, 0, time.UTC)) {
			conf *= 0.4 // "last month": background to the news more often than news
		}
	case s.caption:
		ref := a.ref
		if ref.IsZero() {
			ref = a.x.now().UTC()
		}
		c.in.Date, c.in.DatePrecision = day(ref), "year"
		c.in.Notes = "photo caption: the date is not stated"
		conf *= 0.6
	case a.hasLast && !(c.own && a.reportedPast(cl) && a.newPlace(c)):
		c.in.Date, c.in.DatePrecision = day(a.lastDate.date), a.lastDate.precision
	default:
		ref := a.ref
		if ref.IsZero() {
			ref = a.x.now().UTC()
			conf *= 0.7
		}
		c.in.Date, c.in.DatePrecision = day(ref), "day"
	}
	if f.t.territory {
		c.in.SubEventType = "Non-state actor overtakes territory"
		if a1.kind == "state" {
			c.in.SubEventType = "Government regains territory"
		}
	}
	// Violence against civilians needs someone to have done it; fighting
	// needs more than civilians.
	// Clashes that kill "people" stay clashes ("Clashes between two armed
	// groups killed five people").
	twoSided := twoSidedWords[toks[f.start].norm] && f.end > f.start && genericVictims(cas)
	if f.t.eventType == "Battles" && !f.t.territory && (victim == "civilians" && !twoSided || a2.kind == "civilian") {
		c.in.EventType, c.in.SubEventType = "Violence against civilians", "Attack"
	}
	riot := a.violentCrowd(cl, f)
	if riot {
		c.in.EventType, c.in.SubEventType = "Riots", "Violent demonstration"
	}
	if c.in.EventType == "Protests" && deaths > 0 {
		c.in.SubEventType = "Excessive force against protesters"
	}
	if c.in.EventType == "Violence against civilians" && (victim == "protesters" || a2.name == "Protesters") {
		c.in.EventType, c.in.SubEventType = "Protests", "Excessive force against protesters"
	}
	if c.in.SubEventType == "Peaceful protest" && (a1.kind == "state" || a2.kind == "state") && intervened(toks[cl.start:cl.end]) {
		c.in.SubEventType = "Protest with intervention" // "Police arrested 20 protesters"
	}
	c.in.Actor1 = a1.name
	c.in.Actor2 = a2.name
	if a2.kind == "civilian" && victim == "" {
		victim = "civilians"
		if a2.name == "Protesters" {
			victim = "protesters"
		}
	}
	if a2.kind == "civilian" {
		c.in.Actor2 = ""
	}
	if c.in.Actor2 == "" && victim != "" {
		c.in.Actor2 = a.victimActor(victim, victimCC, c)
	}
	// Before merging, which compares actors: "the army" is "Military
	// Forces of Mali" in Mali.
	cc := ""
	if sp := cmp.Or(c.placeSp, c.inherited); sp != nil && sp.match != nil {
		cc = sp.match.Country
	}
	c.in.Actor1, c.in.Actor2 = a.forcesOf(c.in.Actor1, cc), a.forcesOf(c.in.Actor2, cc)
	a.crowdActors(c, victimCC)
	if c.in.Actor1 == c.in.Actor2 {
		c.in.Actor2 = ""
	}
	if background && f.t.eventType != "Strategic developments" {
		return // a running total or a period, not an incident
	}
	if a.headline(s) {
		return // a headline tells again what the story tells
	}
	c.conf = min(conf*modality, 0.95)
	if c.conf < 0.15 {
		return
	}
	c.evidence = []Evidence{a.evidence(s)}
	a.add(c)
	// A second strong trigger of another type in the same clause is an
	// event of its own ("the strikes enabled an Isis advance").
	for j, g := range trigs {
		if j == best || g.t.weak || g.t.agreement {
			continue
		}
		if riot && (g.t.eventType == "Protests" || g.t.eventType == "Riots" || g.t.subType == "Looting/property destruction" || g.t.eventType == "Battles") {
			continue // the crowd's own acts: one riot
		}
		if g.t.eventType == f.t.eventType {
			if c.in.SubEventType == "Peaceful protest" && g.t.subType == "Protest with intervention" {
				c.in.SubEventType = g.t.subType // "protesters ... where police used tear gas"
			}
			continue
		}
		if g.start < f.end || g.start == f.end && strings.HasSuffix(toks[f.end-1].norm, "ers") {
			continue // "Suicide bombers stormed": the bombers' own act
		}
		sub := clause{g.start, cl.end}
		if a.modality(sub.start, g.start, sub.end) < 0.5 {
			continue
		}
		a.clauseEvents(si, s, clause{g.start, cl.end}, background, when, hasDate)
		return
	}
}

// genericAttack reports whether the trigger word w names an attack of no
// kind.
func genericAttack(w string) bool { return w == "attack" || w == "attacks" }

// headline reports whether a sentence is a title rather than a sentence:
// short, without a final stop, and not a caption.
func (a *analysis) headline(s sentence) bool {
	if s.caption || len(s.toks) > 16 {
		return false
	}
	last := s.toks[len(s.toks)-1].norm
	return last != "." && last != "!" && last != "?" && last != "\"" && last != "'"
}

// supported reports whether a weak trigger has what it needs in its clause.
func (a *analysis) supported(f found, cl clause, counted bool) bool {
	toks := a.toks
	switch f.t.subType {
	case "Air/drone strike":
		if f.start > 0 && (toks[f.start-1].norm == "hunger" || toks[f.start-1].norm == "general" || toks[f.start-1].norm == "labour") {
			return false
		}
		if a.air {
			return true
		}
		for k := cl.start; k < cl.end; k++ {
			if airWords[toks[k].norm] {
				return true
			}
		}
		// "Israeli strikes on Rafah killed 20 people": a country's strikes
		// that kill are its air force's.
		if counted && f.start > 0 {
			if sp := a.spanAt(f.start - 1); sp != nil && sp.kind == spanDemonym {
				return true
			}
		}
		return false
	}
	if counted {
		return true
	}
	if f.t.eventType == "Battles" || f.t.eventType == "Violence against civilians" || f.t.eventType == "Protests" {
		// "fighting in X", "attack on the army positions", "clashes near X"
		for k := f.end; k < cl.end && k < f.end+6; k++ {
			if sp := a.spanAt(k); sp != nil && (sp.kind == spanPlace && sp.match != nil && sp.cue || sp.kind == spanActor && sp.actor.kind != "org") {
				return true
			}
		}
		return false
	}
	return counted || a.hasOwnPlace(cl)
}

// agreementVerb reports whether a clause concludes an agreement.
func agreementVerb(toks []token) bool {
	for i, t := range toks {
		switch t.norm {
		case "agreed", "signed", "brokered", "announced", "reached", "declared", "struck":
			return true
		case "took", "came", "went":
			if i+1 < len(toks) && (toks[i+1].norm == "effect" || toks[i+1].norm == "into") {
				return true
			}
		}
	}
	return false
}

// modality returns the factor for what is said of the trigger at ti:
// negated ("would not strike"), hypothetical or future ("if", "would",
// "will", "threatened to"), generic ("has been waging", "thousands of",
// "repeatedly") or hedged ("may have struck").
func (a *analysis) modality(start, ti, end int) float64 {
	toks := a.toks
	f := 1.0
	lo := max(start, ti-7)
	for k := lo; k < ti; k++ {
		w := toks[k].norm
		if w == "," && k+1 < ti && (toks[k+1].norm == "and" || toks[k+1].norm == "but") {
			// "The government said it would respond, and warplanes later
			// struck": the modal's clause ends at the comma.
			f = 1
			continue
		}
		switch w {
		case "not", "n't", "never", "no", "without", "denied", "denies", "deny", "refrain", "refrained", "nor", "neither":
			f = min(f, 0.15)
		case "would", "could", "might", "will", "shall", "should", "if", "unless", "threatened", "threatens",
			"vowed", "plans", "planned", "planning", "prepared", "preparing", "ready", "intends", "possible",
			"potential", "feared", "fears", "risk", "avoid", "prevent", "any", "future", "calls", "urged", "demanded":
			f = min(f, 0.3)
		case "may", "allegedly", "apparently", "reportedly", "suspected", "unconfirmed":
			if k+1 < ti && toks[k+1].norm == "have" || w != "may" {
				f = min(f, 0.75)
			} else {
				f = min(f, 0.3)
			}
		case "displaced", "fled", "fleeing", "flee", "uprooted", "survivors", "victims":
			// "displaced by attacks", "victims of an attack", "fled the
			// fighting": a consequence, told of events elsewhere.
			only := ti-k <= 3
			for j := k + 1; j < ti && only; j++ {
				switch toks[j].norm {
				case "by", "of", "the", "a", "an", "from", "recent", "repeated":
				default:
					only = false
				}
			}
			if only {
				f = min(f, 0.25)
			}
		case "thousands", "hundreds":
			// "thousands of airstrikes" is generic; "thousands of protesters"
			// and "hundreds of students held a sit-in" are crowds.
			if (k+1 == ti || k+2 == ti && toks[k+1].norm == "of") && !isCrowd(toks[ti].norm) {
				f = min(f, 0.25)
			}
		case "such":
			if k+1 == ti || k+2 == ti {
				f = min(f, 0.25) // "dozens of such strikes"
			}
		case "waging", "campaign", "repeatedly", "routinely", "regularly", "often", "frequently", "usually",
			"carries", "continues", "continue", "ongoing", "daily", "years", "decades", "months", "frequent",
			"habitually", "sporadic", "periodic":
			f = min(f, 0.25)
		}
	}
	// "has been waging a year-old campaign", "over the past two years" after the trigger.
	for k := ti; k < end && k < ti+10; k++ {
		switch toks[k].norm {
		case "campaign", "repeatedly", "routinely", "regularly":
			f = min(f, 0.25)
		case "past":
			if k+2 < end && (toks[k+2].norm == "years" || toks[k+2].norm == "months" || toks[k+2].norm == "decades") {
				f = min(f, 0.25)
			}
		}
	}
	return f
}

// isCrowd reports whether a trigger names the people of a protest.
// interventionWords tell that a force broke up a protest or arrested
// some of its crowd.
var interventionWords = setOf("arrested arrests detained dispersed disperse dispersing beat beaten rounded")

// intervened reports whether the clause toks tells of a force's
// intervention in a protest.
func intervened(toks []token) bool {
	for _, t := range toks {
		if interventionWords[t.norm] {
			return true
		}
	}
	return false
}

func isCrowd(w string) bool {
	switch w {
	case "protesters", "protestors", "demonstrators", "rioters":
		return true
	}
	return false
}

// anaphoric reports whether the trigger at ti refers back: "the strike",
// "the air raid", "this attack", "the apparently errant strike".
func (a *analysis) anaphoric(ti int) bool {
	for k := ti - 1; k >= 0 && k >= ti-3; k-- {
		switch a.toks[k].norm {
		case "said", "says", "told", "reported", "added":
			return false // "the governor said artillery ...": a new telling
		case "the", "this", "that", "its", "today's", "yesterday's", "saturday's", "sunday's", "monday's",
			"tuesday's", "wednesday's", "thursday's", "friday's":
			return true
		}
		if k+1 < ti && a.toks[k+1].norm == "'s" && (a.toks[k].norm == "today" || a.toks[k].norm == "yesterday" || weekdays[a.toks[k].norm] > 0 || a.toks[k].norm == "sunday") {
			return true
		}
		if a.toks[k].kind != tokWord && a.toks[k].norm != "'s" || a.toks[k].cap && !strings.HasSuffix(a.toks[k].norm, "led") {
			return false
		}
	}
	return false
}

// samePlace reports whether a clause names no place, or only the place of
// candidate o.
func (a *analysis) samePlace(cl clause, o *cand) bool {
	for k := cl.start; k < cl.end; k++ {
		sp := a.spanAt(k)
		if sp == nil || sp.kind != spanPlace || sp.match == nil || !sp.cue || sp.role == RoleActor {
			continue
		}
		if o.placeSp == nil || geo.Distance(sp.match.Lat, sp.match.Lon, o.placeSp.match.Lat, o.placeSp.match.Lon) > 25 {
			return false
		}
	}
	return true
}

// hasOwnPlace reports whether a clause names a resolved place with a
// locative word.
func (a *analysis) hasOwnPlace(cl clause) bool {
	for k := cl.start; k < cl.end; k++ {
		if sp := a.spanAt(k); sp != nil && sp.kind == spanPlace && sp.match != nil && sp.cue && sp.role != RoleActor {
			return true
		}
	}
	return false
}

// actorsFor finds actor1 (who acted) and actor2 (the target) of the
// trigger f in its clause: an actor before the trigger that is not only
// the source of the statement, "by X" after it; "on/against X" or a direct
// object for the target. "The army said it struck..." makes the speaker
// the actor.
func (a *analysis) actorsFor(cl clause, f found, s sentence) (actorEntry, actorEntry) {
	toks := a.toks
	var a1, a2 actorEntry
	var speaker, victims actorEntry
	framed := false // a "said"/"that" stands between the actor and the trigger
	for k := f.start - 1; k >= cl.start; k-- {
		switch toks[k].norm {
		case "that", "said", "says", "told", "according", ":":
			framed = true
		}
		sp := a.spanAt(k)
		if sp == nil {
			continue
		}
		k = sp.start
		act, ok := a.spanActor(sp, true)
		if !ok {
			continue
		}
		if sp.start > 0 && toks[sp.start-1].norm == "by" || sp.start > 1 && toks[sp.start-2].norm == "by" {
			continue // "The SDF, backed by the US-led coalition, captured"
		}
		switch {
		case act.kind == "civilian":
			if victims.name == "" {
				victims = act
			}
		case sp.speaker || framed:
			if speaker.name == "" {
				speaker = act
			}
		case a1.name == "":
			a1 = act
			if p := a.spanAt(sp.start - 1); act.name == "Unidentified Armed Group" && p != nil {
				// "Al-Shabaab militants", "RSF gunmen": the group named.
				if named, ok := a.spanActor(p, true); ok && named.kind != "civilian" {
					a1 = named
					k = p.start
				}
			}
		}
	}
	if a1.name == "" && speaker.name != "" {
		// "The US military has said it may have struck": the pronoun is the speaker.
		for k := f.start - 1; k >= cl.start && k >= f.start-6; k-- {
			if w := toks[k].norm; w == "it" || w == "they" || w == "its" || w == "their" {
				a1 = speaker
				break
			}
		}
	}
	if a1.name == "" && !isCrowd(toks[f.start].norm) {
		// "Russian warplanes", "a Russian airstrike": the demonym before the
		// trigger; but "Sudanese protesters" are no forces.
		for k := f.start - 1; k >= cl.start && k >= f.start-2; k-- {
			if sp := a.spanAt(k); sp != nil && sp.kind == spanDemonym {
				if c, ok := a.x.countries[sp.code]; ok {
					a1 = actorEntry{name: "Military Forces of " + c.name, kind: "state"}
				}
				break
			}
		}
	}
	if a1.name == "" && cl.start > s.first {
		// The clause continues the sentence: "... while carrying out a raid".
		for k := cl.start - 1; k >= s.first; k-- {
			sp := a.spanAt(k)
			if sp == nil {
				continue
			}
			k = sp.start
			if act, ok := a.spanActor(sp, true); ok {
				a1 = act
				break
			}
		}
	}
	for k := f.end; k < cl.end && k < f.end+12; k++ {
		if stopsPhrase[toks[k].norm] {
			break
		}
		sp := a.spanAt(k)
		if sp == nil {
			continue
		}
		act, ok := a.spanActor(sp, false)
		k = sp.end - 1
		if !ok {
			continue
		}
		by := sp.start > 0 && (toks[sp.start-1].norm == "by" || sp.start > 1 && toks[sp.start-2].norm == "by")
		switch {
		case by && (a1.name == "" || a1.kind == "civilian"):
			a1 = act
		case a2.name == "" && !by:
			a2 = act
		}
	}
	if a2.name == "" && victims.name != "" {
		a2 = victims
	}
	if a1.kind == "civilian" && a2.name == "" {
		a1, a2 = a2, a1
	}
	return a1, a2
}

// stopsPhrase ends the phrase of a trigger: what follows is another clause.
var stopsPhrase = map[string]bool{"when": true, "that": true, "which": true, "who": true, "after": true,
	"because": true, "said": true, "says": true, "as": true, "but": true, "although": true, "before": true}

// spanActor returns the actor a span names: a dictionary actor, a country
// force, or a country or capital acting as one.
func (a *analysis) spanActor(sp *span, subject bool) (actorEntry, bool) {
	switch sp.kind {
	case spanActor:
		return sp.actor, true
	case spanPlace:
		if sp.match == nil {
			return actorEntry{}, false
		}
		if sp.role == RoleActor || subject && strings.HasPrefix(sp.match.FeatureCode, "PCL") && !sp.cue && !a.filedIn(sp) {
			if c, ok := a.x.countries[sp.match.Country]; ok {
				return actorEntry{name: "Military Forces of " + c.name, kind: "state"}, true
			}
		}
	}
	return actorEntry{}, false
}

// filedIn reports whether the country span sp ends a dateline ("HOMS,
// Syria — Suicide bombers stormed"): where the story was filed, not who
// acted.
func (a *analysis) filedIn(sp *span) bool {
	toks := a.toks
	if sp.start < 2 || sp.end >= len(toks) || toks[sp.start-1].text != "," || !allCapsWord(toks[sp.start-2].text) {
		return false
	}
	switch toks[sp.end].text {
	case "—", "–", "-", "--", "(":
		return true
	}
	return false
}

// locator reports whether the place span sp only tells where the place
// before it lies: "Maarat al-Numan, south of Idlib city", "Talbiseh, near
// Homs".
func (a *analysis) locator(sp *span) bool {
	if !sp.near || sp.offset.km > 0 {
		return false
	}
	toks := a.toks
	k := sp.start - 1
	for k >= 0 && sp.start-k <= 4 && toks[k].text != "," {
		k--
	}
	if k < 1 || toks[k].text != "," {
		return false
	}
	p := a.spanAt(k - 1)
	return p != nil && p.kind == spanPlace && p.match != nil && p.code == "" && p.cue
}

// inDateline reports whether the place span sp stands in a story's
// dateline: "BAMAKO —", "BAMAKO, Mali —".
func (a *analysis) inDateline(sp *span) bool {
	toks := a.toks
	if a.filedIn(sp) {
		return true
	}
	for k := sp.start; k < sp.end; k++ {
		if !allCapsWord(toks[k].text) || len(toks[k].text) < 3 {
			return false
		}
	}
	e := sp.end
	if e+1 < len(toks) && toks[e].text == "," && toks[e+1].cap {
		e += 2
		for e < len(toks) && e < sp.end+4 && toks[e].cap {
			e++
		}
	}
	if e >= len(toks) {
		return false
	}
	switch toks[e].text {
	case "—", "–", "-", "--", "(":
		return true
	}
	return false
}

// unknownPlace reports whether the clause names a place after a locative
// word that the gazetteer does not know ("in Boni"): the event happened
// there, not at the story's dateline.
func (a *analysis) unknownPlace(cl clause) bool {
	for k := cl.start; k < cl.end; k++ {
		if sp := a.spanAt(k); sp != nil {
			if sp.kind == spanPlace && sp.cue && sp.match == nil && sp.code == "" && !a.speakerPlace(sp) {
				return true
			}
			k = sp.end - 1
		}
	}
	return false
}

// victimActor names the victims counted: "Civilians (Syria)", the forces of
// a demonym ("62 Syrian soldiers").
func (a *analysis) victimActor(victim, cc string, c *cand) string {
	switch victim {
	case "civilians":
		return a.peopleOf("Civilians", cc, c)
	case "protesters":
		return a.peopleOf("Protesters", cc, c)
	case "military":
		if co, ok := a.x.countries[cc]; ok {
			return "Military Forces of " + co.name
		}
		return "Military Forces of %s" // filled by forcesOf
	case "police":
		if co, ok := a.x.countries[cc]; ok {
			return "Police Forces of " + co.name
		}
		return "Police Forces of %s"
	}
	return ""
}

// speechVerbs tell who said what.
var speechVerbs = setOf("said says told reported announced added stated claimed")

// officialNouns speak for a government or an army from its seat.
var officialNouns = setOf("officials official government ministry spokesman spokeswoman spokesperson army military " +
	"authorities embassy diplomats diplomat agency command headquarters junta")

// speakerPlace reports whether the place span sp only says where a
// statement was made: "officials in Bamako said", "the government in Aden
// said", "the army said from Bamako", "told reporters in Kabul". Residents
// or witnesses in a place speak of it, so they do not count.
func (a *analysis) speakerPlace(sp *span) bool {
	toks := a.toks
	if sp.start < 2 {
		return false
	}
	prep := toks[sp.start-1].norm
	if prep != "in" && prep != "from" {
		return false
	}
	if sp.end < len(toks) && speechVerbs[toks[sp.end].norm] && officialNouns[toks[sp.start-2].norm] {
		return true
	}
	for k := sp.start - 2; k >= 0 && k >= sp.start-4; k-- {
		if speechVerbs[toks[k].norm] {
			return true // "said from Bamako", "told reporters in Kabul"
		}
		if toks[k].kind != tokWord {
			break
		}
	}
	return false
}

// peopleOf names a group of people by their country, as ACLED does:
// "Civilians (Syria)", "Protesters (Sudan)", "Rioters (Kenya)". The
// country is cc (a demonym before the noun: "Sudanese protesters"), else
// that of the event's place, told or carried over, else the document's
// focus; with none the group keeps no country.
func (a *analysis) peopleOf(group, cc string, c *cand) string {
	code := cc
	if sp := cmp.Or(c.placeSp, c.inherited); code == "" && sp != nil && sp.match != nil {
		code = sp.match.Country
	}
	if code == "" && len(a.focus) > 0 {
		code = a.focus[0]
	}
	if co, ok := a.x.countries[code]; ok {
		return group + " (" + strings.TrimPrefix(co.name, "the ") + ")"
	}
	return group
}

// crowdActor reports whether actor names a crowd: the dictionary's bare
// "Protesters" or a group peopleOf named.
func crowdActor(actor string) bool {
	return actor == "Protesters" || actor == "Rioters" || strings.HasPrefix(actor, "Protesters (") || strings.HasPrefix(actor, "Rioters (")
}

// crowdActors puts the crowd of a demonstration in its actors, as ACLED
// codes them: protesters or rioters of the event's country are actor1 of
// a protest or riot ("Protesters (Sudan)"), with the force that met them,
// if any, as actor2; they are actor2 of excessive force against
// protesters, whose actor1 is the force (the people it killed were the
// protesters).
func (a *analysis) crowdActors(c *cand, cc string) {
	in := &c.in
	var group string
	switch {
	case in.EventType == "Riots":
		group = "Rioters"
	case in.EventType == "Protests" && in.SubEventType == "Excessive force against protesters":
		if in.Actor2 == "" || crowdActor(in.Actor2) || strings.HasPrefix(in.Actor2, "Civilians") {
			in.Actor2 = a.peopleOf("Protesters", cc, c)
		}
		return
	case in.EventType == "Protests":
		group = "Protesters"
	default:
		return
	}
	crowd := a.peopleOf(group, cc, c)
	if crowdActor(in.Actor2) {
		in.Actor2 = ""
	}
	switch {
	case in.Actor1 == "" || crowdActor(in.Actor1):
		in.Actor1 = crowd
	case in.Actor2 == "":
		in.Actor1, in.Actor2 = crowd, in.Actor1 // "Police fired tear gas at protesters"
	}
}

// placeFor picks where the event of trigger f happened: a place after a
// locative word in its clause, nearest the trigger; any place of the
// clause; then "the air base", "the city" and the like, which refer to the
// last place an event was put at.
func (a *analysis) placeFor(cl clause, f found, s sentence) (*span, bool) {
	var best *span
	bestScore := math.Inf(-1)
	for k := cl.start; k < cl.end; k++ {
		sp := a.spanAt(k)
		if sp == nil || sp.kind != spanPlace || sp.match == nil || sp.role == RoleActor || a.toks[sp.start].pair {
			continue
		}
		k = sp.end - 1
		if len(a.focus) > 0 && !slices.Contains(a.focus, sp.match.Country) {
			continue // "the district of Hittin" in a Syrian story is no place in Israel
		}
		if len(a.named) == 1 && !a.named[sp.match.Country] && regionWords[a.toks[sp.end-1].norm] && a.farFromOthers(sp, 800) {
			// Nor, in a story that names one country (Libya), is "the Maghar
			// district" one in a country it does not name (Israel) and far
			// from all its other places: a quarter the gazetteer lacks.
			continue
		}
		if a.speakerPlace(sp) {
			continue // "the government in Aden said": where it was said
		}
		if a.inDateline(sp) && a.unknownPlace(cl) {
			continue // "BAMAKO, Mali — Militants attacked a post in Boni": not in Bamako
		}
		score := 0.0
		if sp.cue {
			score += 10
		}
		if a.locator(sp) {
			score -= 8 // "in Maarat al-Numan, south of Idlib city": Idlib only points to it
		}
		if sp.start >= f.end {
			score += 2
			score -= float64(sp.start-f.end) * 0.2
		} else {
			score -= float64(f.start-sp.end) * 0.3
		}
		switch {
		case sp.match.Place.GeoPrecision() == 1:
			score += 3 // a town is more telling than its region or country
		case sp.match.Kind == gazetteer.KindCountry:
			score -= 3
		}
		if sp.start > 0 && (a.toks[sp.start-1].norm == "since" || a.toks[sp.start-1].norm == "from" && !sp.cue) {
			score -= 20
		}
		if f.t.territory && (sp.start == f.end || sp.start == f.end+1 && a.toks[f.end].norm == "of") {
			score += 12 // "captured Lashio, the largest town in Shan State": what was taken
		}
		if score > bestScore {
			best, bestScore = sp, score
		}
	}
	if best != nil && (best.cue || bestScore > -5 || best.region) {
		return best, true
	}
	// "the air base", "the city", "the town": the last place of an event.
	for k := cl.start; k < cl.end-1; k++ {
		if a.toks[k].norm != "the" {
			continue
		}
		for m := k + 1; m < cl.end && m < k+3; m++ {
			switch a.toks[m].norm {
			case "base", "airbase", "airport", "city", "town", "village", "area", "region", "province", "camp":
				if p := a.lastPlace(s.para, 3); p != nil {
					return p, false
				}
				if p := a.lastNamed(s, cl.start); p != nil {
					return p, false
				}
			}
		}
	}
	return nil, false
}

// lastNamed returns the town named last before token k in sentence s or
// the one before it in its paragraph (not as an actor), for "the town" when
// no candidate has a place yet.
func (a *analysis) lastNamed(s sentence, k int) *span {
	first := s.first
	if si, ok := slices.BinarySearchFunc(a.sents, s.first, func(x sentence, first int) int { return x.first - first }); ok && si > 0 && a.sents[si-1].para == s.para {
		first = a.sents[si-1].first
	}
	for i := k - 1; i >= first; i-- {
		sp := a.spanAt(i)
		if sp == nil {
			continue
		}
		if sp.kind == spanPlace && sp.match != nil && sp.role != RoleActor && sp.match.Place.GeoPrecision() == 1 {
			return sp
		}
		i = sp.start
	}
	return nil
}

// lastPlace returns the place of the latest candidate with one, within
// back paragraphs of para.
func (a *analysis) lastPlace(para, back int) *span {
	for i := len(a.cands) - 1; i >= 0; i-- {
		c := a.cands[i]
		if c.para < para-back {
			break
		}
		if c.placeSp != nil && !c.caption {
			return c.placeSp
		}
	}
	return nil
}

// evidence returns a sentence as evidence, with input offsets.
func (a *analysis) evidence(s sentence) Evidence {
	start, end := a.d.inputOffset(s.start), a.d.inputEnd(s.end)
	text := strings.Join(strings.Fields(a.d.text[s.start:s.end]), " ")
	return Evidence{Text: text, Start: start, End: end}
}

// add merges c into an earlier telling of the same event or keeps it as a
// new candidate. Two tellings are one event when their types agree, their
// dates agree (or one only defaulted to the article date) and their places
// are within 25 km (or one names none).
func (a *analysis) add(c *cand) {
	for i := len(a.cands) - 1; i >= 0; i-- {
		o := a.cands[i]
		if !a.same(o, c) {
			continue
		}
		a.merge(o, c)
		if c.para == o.para {
			o.sent = max(o.sent, c.sent) // the latest telling: a count after it is its
		}
		return
	}
	a.cands = append(a.cands, c)
}

func (a *analysis) same(o, c *cand) bool {
	if o.caption != c.caption {
		return false
	}
	if c.sent == o.sent+1 && c.para == o.para && !c.own && !c.dateCue && c.in.Fatalities == nil && c.in.Injuries == nil &&
		(o.in.Fatalities != nil || o.in.Injuries != nil) && (c.in.Actor1 == "" || o.in.Actor1 == "" || c.in.Actor1 == o.in.Actor1) {
		// "An ambush on a checkpoint killed 13 policemen. Militants
		// attacked with small arms and then detonated a roadside bomb":
		// the next sentence, with no place, date or count of its own and
		// no other actor, tells how that event went.
		return true
	}
	if c.anaph && !(o.dateCue && c.dateCue && o.in.Date != c.in.Date) {
		// "the strike", "today's attack": the latest telling of that kind,
		// or of any kind for a bare "attack".
		return o.in.EventType == c.in.EventType || c.generic
	}
	if o.in.EventType != c.in.EventType {
		return false
	}
	if o.in.SubEventType != c.in.SubEventType && !c.anaph && !territoryFight(o, c) {
		return false
	}
	if o.in.Date != c.in.Date && o.dateCue && c.dateCue {
		return false
	}
	if o.in.Date != c.in.Date && !c.anaph && (o.dateCue || c.dateCue) && !(o.dateCue && c.dateCue) {
		// One telling gives the day, the other defaults: same event only
		// when it refers back or the place agrees.
		if o.placeSp == nil || c.placeSp == nil {
			return c.anaph || !c.dateCue && c.placeSp == nil && c.sent-o.sent <= 2
		}
	}
	if o.placeSp != nil && c.placeSp != nil && c.own {
		m1, m2 := o.placeSp.match, c.placeSp.match
		if m1.GeonameID != m2.GeonameID && geo.Distance(m1.Lat, m1.Lon, m2.Lat, m2.Lon) > 25 {
			// A country and a town in it are one place for a telling that refers back.
			if !(c.anaph && (m1.Place.GeoPrecision() == 3 || m2.Place.GeoPrecision() == 3) && m1.Country == m2.Country) {
				return false
			}
		}
	}
	if !c.anaph && c.placeSp == nil && o.placeSp != nil && c.sent-o.sent > 6 {
		return false
	}
	if !c.anaph && c.placeSp != nil && o.placeSp == nil && !o.anaph && c.sent-o.sent > 3 {
		return false
	}
	return true
}

// farFromOthers reports whether sp's place lies more than km from every
// other place the document resolved, and there is one.
func (a *analysis) farFromOthers(sp *span, km float64) bool {
	far := false
	for i := range a.spans {
		o := &a.spans[i]
		if o == sp || o.kind != spanPlace || o.match == nil || o.match.Kind != gazetteer.KindPlace {
			continue
		}
		if geo.Distance(sp.match.Lat, sp.match.Lon, o.match.Lat, o.match.Lon) <= km {
			return false
		}
		far = true
	}
	return far
}

// territoryFight reports whether c is the fighting of the territory o
// changed hands in, told just after it on the same day: "The LNA said it
// had seized most of Derna. Clashes continued in the Maghar district,
// where three LNA soldiers were killed" is one event with its toll.
func territoryFight(o, c *cand) bool {
	return o.in.EventType == "Battles" && strings.Contains(o.in.SubEventType, "territory") &&
		c.in.SubEventType == "Armed clash" && o.in.Date == c.in.Date && c.sent > o.sent && c.sent-o.sent <= 2
}

func (a *analysis) merge(o, c *cand) {
	o.evidence = append(o.evidence, c.evidence...)
	o.trigs = append(o.trigs, c.trigs...)
	if c.dateCue && !o.dateCue {
		o.in.Date, o.in.DatePrecision, o.dateCue = c.in.Date, c.in.DatePrecision, true
	}
	if c.placeSp != nil && (o.placeSp == nil || !o.own && c.own ||
		o.placeSp.match.Place.GeoPrecision() == 3 && c.placeSp.match.Place.GeoPrecision() < 3 && c.own) {
		o.placeSp, o.own = c.placeSp, c.own
	}
	if c.in.Fatalities != nil && (o.in.Fatalities == nil || *c.in.Fatalities > *o.in.Fatalities) {
		o.in.Fatalities = c.in.Fatalities
	}
	if len(o.kinds) > 0 && len(c.kinds) > 0 {
		for k, v := range c.kinds {
			o.kinds[k] = max(o.kinds[k], v)
		}
		if n := sumKinds(o.kinds); o.in.Fatalities == nil || n > *o.in.Fatalities {
			o.in.Fatalities = &n
		}
	}
	if c.in.Injuries != nil && (o.in.Injuries == nil || *c.in.Injuries > *o.in.Injuries) {
		o.in.Injuries = c.in.Injuries
	}
	if o.in.Actor1 == "" {
		o.in.Actor1 = c.in.Actor1
	}
	if o.in.Actor2 == "" && c.in.Actor2 != o.in.Actor1 {
		o.in.Actor2 = c.in.Actor2
	}
	o.conf = min(0.98, max(o.conf, c.conf)+0.05)
}

// result turns the analysis into the caller's Result.
func (a *analysis) result() Result {
	res := Result{Candidates: []Candidate{}, Places: []Place{}, Warnings: a.warn}
	if !a.ref.IsZero() {
		res.Date = day(a.ref)
	}
	minConf := a.opts.MinConfidence
	if minConf == 0 {
		minConf = DefaultMinConfidence
	}
	for _, c := range a.cands {
		if c.conf < minConf {
			continue
		}
		a.finish(c)
		if !c.in.HasPoint() {
			continue
		}
		if c.placeSp != nil {
			c.placeSp.role = RoleEvent
		}
		res.Candidates = append(res.Candidates, Candidate{Incident: c.in, Confidence: roundConf(c.conf), Evidence: c.evidence})
		for _, t := range c.trigs {
			sp := a.tokenSpan(SpanTrigger, t.start, t.end)
			sp.EventType, sp.SubEventType = c.in.EventType, c.in.SubEventType
			res.Spans = append(res.Spans, sp)
		}
	}
	all := append(append(slices.Clone(a.spans), a.inner...), a.orgPlaces...)
	slices.SortStableFunc(all, func(x, y span) int { return x.start - y.start })
	for i := range all {
		s := &all[i]
		if s.kind != spanPlace && s.kind != spanDemonym {
			continue
		}
		if s.kind == spanPlace && s.match == nil && !s.cue && !s.named {
			continue // a capitalised word that is no place
		}
		role := s.role
		if role == "" {
			role = RoleMentioned
		}
		last := a.toks[s.end-1].end
		if a.abbrevStop(s.end) {
			last++ // "Ky.", "W.Va.": the stop is the name's
		}
		p := Place{
			Text:  a.d.text[a.toks[s.start].start:last],
			Start: a.d.inputOffset(a.toks[s.start].start),
			End:   a.d.inputEnd(last),
			Role:  role,
			Match: s.match,
		}
		if s.kind == spanDemonym {
			p.Match = a.countryMatch(s.code)
		}
		if s.kind == spanPlace && s.match == nil && s.code != "" {
			p.Match = a.countryMatch(s.code)
		}
		res.Places = append(res.Places, p)
		res.Spans = append(res.Spans, Span{Kind: SpanPlace, Text: p.Text, Start: p.Start, End: p.End})
	}
	res.Spans = append(res.Spans, a.dateAndNumberSpans()...)
	slices.SortStableFunc(res.Spans, func(x, y Span) int { return cmp.Or(x.Start-y.Start, y.End-x.End) })
	if res.Spans == nil {
		res.Spans = []Span{}
	}
	return res
}

// abbrevStop reports whether the token before k is an abbreviated place
// word ("Ky", "W.Va", "St") whose stop follows it at once.
func (a *analysis) abbrevStop(k int) bool {
	if k <= 0 || k >= len(a.toks) || a.toks[k].text != "." || a.toks[k].start != a.toks[k-1].end {
		return false
	}
	w := a.toks[k-1]
	return stateAbbrevs[w.norm] && w.cap || strings.Contains(w.text, ".") && w.cap // "W.Va", "N.Y"
}

// tokenSpan is the span of kind over tokens [start, end).
func (a *analysis) tokenSpan(kind string, start, end int) Span {
	from, to := a.toks[start].start, a.toks[end-1].end
	return Span{Kind: kind, Text: a.d.text[from:to], Start: a.d.inputOffset(from), End: a.d.inputEnd(to)}
}

// dateAndNumberSpans finds every date and count of the text, whether or
// not a candidate uses it: a number inside a date ("17 September 2016") is
// part of the date, and a lone "a" is no count.
func (a *analysis) dateAndNumberSpans() []Span {
	ref := a.ref
	if ref.IsZero() {
		ref = a.x.now().UTC()
	}
	var out []Span
	for i := 0; i < len(a.toks); i++ {
		if w, ok := dateAt(a.toks, i, ref); ok && w.end > i {
			out = append(out, a.tokenSpan(SpanDate, i, w.end))
			i = w.end - 1
			continue
		}
		n, ok := parseNumber(a.toks, i)
		if !ok || n.end <= i {
			continue
		}
		if n.end-n.start == 1 && (a.toks[i].norm == "a" || a.toks[i].norm == "an" || a.toks[i].norm == "single") {
			continue // "a child" counts one, but "a" is no number to show
		}
		from := boundBefore(a.toks, i)
		if len(out) > 0 && out[len(out)-1].End > a.d.inputOffset(a.toks[from].start) {
			from = i
		}
		out = append(out, a.tokenSpan(SpanNumber, from, n.end))
		i = n.end - 1
	}
	return out
}

// boundBefore returns where the words that bound the count at toks[i]
// start ("at least 62", "more than 100", "nearly 30"), i when none do.
func boundBefore(toks []token, i int) int {
	if i >= 2 {
		switch toks[i-2].norm + " " + toks[i-1].norm {
		case "at least", "more than", "fewer than", "less than", "up to", "at most":
			return i - 2
		}
	}
	if i >= 1 {
		switch toks[i-1].norm {
		case "nearly", "about", "some", "over", "around", "almost", "roughly", "approximately":
			return i - 1
		}
	}
	return i
}

// countryMatch returns the gazetteer's entry for a country code.
func (a *analysis) countryMatch(code string) *gazetteer.Match {
	c, ok := a.x.countries[code]
	if !ok {
		return nil
	}
	res, err := a.x.gz.Resolve(context.Background(), gazetteer.Query{Name: strings.TrimPrefix(c.name, "the "), Country: code})
	if err != nil || res.Match == nil || res.Match.Country != code {
		return nil
	}
	return res.Match
}

// finish fills a candidate's place fields, notes and sources.
func (a *analysis) finish(c *cand) {
	in := &c.in
	sp := c.placeSp
	if sp == nil {
		sp = c.inherited
	}
	if sp == nil && len(a.focus) > 0 {
		// Only the country is known.
		if m := a.countryMatch(a.focus[0]); m != nil {
			sp = &span{match: m, query: strings.TrimPrefix(a.x.countries[a.focus[0]].name, "the ")}
			c.conf *= 0.7
		}
	}
	if sp != nil && sp.match != nil {
		m := sp.match
		lat, lon := m.Lat, m.Lon
		in.Lat, in.Lon = &lat, &lon
		in.Place = sp.query
		in.Country = m.Country
		in.Admin1 = m.Admin1
		if in.Admin1 == "" && m.FeatureCode == "ADM1" {
			in.Admin1 = m.Name
		}
		if m.GeonameID > 0 {
			in.GeonameID = m.GeonameID
		}
		in.GeoPrecision = m.Place.GeoPrecision()
		if in.GeoPrecision == 1 && (sp.near || m.Near()) {
			in.GeoPrecision = 2
		}
		if sp.region {
			in.GeoPrecision = 3
		}
		if !c.own && in.GeoPrecision == 1 && sp.start != 0 {
			in.GeoPrecision = 2
		}
		if o := sp.offset; o.km > 0 && !sp.region && m.Place.GeoPrecision() < 3 {
			// "40 km north of Monywa": there, not at Monywa.
			lat, lon = destination(m.Lat, m.Lon, o.km, o.bearing)
			in.Place = a.d.text[a.toks[o.from].start:a.toks[sp.end-1].end]
			in.GeoPrecision = 2
		}
	}
	if a.opts.Source != "" {
		in.Sources = []string{a.opts.Source}
	}
	var notes []string
	if in.Notes != "" {
		notes = append(notes, in.Notes)
	}
	for _, e := range c.evidence {
		notes = append(notes, e.Text)
	}
	in.Notes = clipNotes(strings.Join(notes, " | "))
}

// forcesOf fills the country of an actor that names none ("Military
// Forces of %s" for "government forces", "Police Forces of %s" for
// "police"): the country of the event's place cc, else the document's
// focus; with neither, the actor keeps no country ("Police Forces").
func (a *analysis) forcesOf(actor, cc string) string {
	if !strings.Contains(actor, "%s") {
		return actor
	}
	co, ok := a.x.countries[cc]
	if !ok && len(a.focus) > 0 {
		co, ok = a.x.countries[a.focus[0]]
	}
	if !ok {
		return strings.Replace(actor, " of %s", "", 1)
	}
	return strings.Replace(actor, "%s", co.name, 1)
}

func clipNotes(s string) string {
	const max = 4000
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + "..."
}

func roundConf(f float64) float64 { return math.Round(f*100) / 100 }

// tally adds up a clause's casualty counts: counts of different victims
// joined in one clause ("49 civilians and 15 soldiers") add up; repeated
// counts of the same victims ("at least 12 people ... the 12 dead") do
// not. It returns -1 for a count not given.
func tally(cas []casualty) (deaths, injuries int, victim, victimCC string) {
	deaths, injuries = -1, -1
	seen := map[string]int{}
	for _, c := range cas {
		if c.injured {
			injuries = max(injuries, c.value)
			continue
		}
		if c.victim != "" && c.victim != "-" && victim == "" {
			victim, victimCC = c.victim, c.demonym
		}
		key := c.noun + "/" + c.demonym
		if c.victim == "" || c.victim == "-" {
			key = ""
		}
		seen[key] = max(seen[key], c.value)
	}
	if len(seen) == 0 {
		return deaths, injuries, victim, victimCC
	}
	sum, any := 0, 0
	for k, v := range seen {
		if k == "" {
			any = v
			continue
		}
		sum += v
	}
	return max(sum, any), injuries, victim, victimCC
}

// kindsOf returns a clause's dead by kind of victim, as cand.kinds holds
// them; nil when it counts none. Within the clause, counts of different
// nouns of one kind add up as tally adds them ("27 of its fighters and
// 89 militants").
func kindsOf(cas []casualty) map[string]int {
	type key struct{ kind, noun string }
	byNoun := map[key]int{}
	for _, c := range cas {
		if c.injured {
			continue
		}
		k := key{c.victim, c.noun + "/" + c.demonym}
		if k.kind == "-" || genericNoun(c.noun) {
			k = key{}
		}
		byNoun[k] = max(byNoun[k], c.value)
	}
	if len(byNoun) == 0 {
		return nil
	}
	out := map[string]int{}
	for k, v := range byNoun {
		if k.kind == "" {
			out[""] = max(out[""], v)
		} else {
			out[k.kind] += v
		}
	}
	return out
}

// sumKinds adds up the dead of different kinds; a count of "people" is a
// total that stands for them all when it is larger.
func sumKinds(kinds map[string]int) int {
	sum := 0
	for k, v := range kinds {
		if k != "" {
			sum += v
		}
	}
	return max(sum, kinds[""])
}

// genericNoun reports whether a victim noun counts anyone ("people").
func genericNoun(w string) bool { return w == "people" || w == "persons" || w == "person" || w == "" }

// genericVictims reports whether a clause counts its dead only as
// "people", not as civilians by name.
func genericVictims(cas []casualty) bool {
	for _, c := range cas {
		if c.victim == "civilians" && !genericNoun(c.noun) {
			return false
		}
	}
	return true
}

// twoSidedWords are triggers of fighting between armed sides.
var twoSidedWords = setOf("clashes clash clashed fighting fought gunfight firefight battle battles battled skirmishes exchange exchanged")

// facilityWords after a weapon name a thing, not an attack: "a missile
// store", "drone factories", "rocket launchers".
var facilityWords = setOf("store stores depot depots factory factories warehouse warehouses launcher launchers " +
	"stockpile stockpiles programme program defence defense defences defenses system systems production site sites " +
	"maker makers workshop workshops cache caches arsenal parts")

// facilityAfter reports whether the trigger ending before toks[k] names a
// weapon as a thing: a facility word follows it, directly or after "and
// X" ("drone and missile store").
func facilityAfter(toks []token, k int) bool {
	if k < len(toks) && facilityWords[toks[k].norm] {
		return true
	}
	return k+2 < len(toks) && (toks[k].norm == "and" || toks[k].norm == "or") && facilityWords[toks[k+2].norm]
}

// speechDate reports whether a sentence's date is that of a statement:
// "said on Sunday", "announced on Monday that".
func speechDate(toks []token, w when) bool {
	k := w.start - 1
	if k >= 0 && toks[k].norm == "on" {
		k--
	}
	if k < 0 {
		return false
	}
	switch toks[k].norm {
	case "said", "says", "announced", "told", "reported", "added", "stated", "confirmed", "claimed":
		return true
	}
	return false
}

// allCapsWord reports whether w is written in capitals (and dots) only.
func allCapsWord(w string) bool {
	for _, r := range w {
		if r != '.' && (r < 'A' || r > 'Z') {
			return false
		}
	}
	return true
}

// isOld reports whether a calendar date lies more than a month before the
// article date: what a sentence tells of it is history, not news.
func (a *analysis) isOld(w when) bool {
	return !a.ref.IsZero() && w.explicit && w.date.Before(a.ref.AddDate(0, 0, -31))
}

// oldCue reports whether a sentence that gives no date places what it
// tells in an earlier year ("in 2014", "in early 2014", "last year",
// "three years ago", "a decade earlier"), some months back ("months ago",
// "two months ago") or in a month at least two months before the
// article's ("had seized Palmyra in December").
func (a *analysis) oldCue(toks []token) bool {
	if a.ref.IsZero() {
		return false
	}
	if yearsBack(toks) {
		return true
	}
	for i := 1; i < len(toks); i++ {
		switch toks[i-1].norm {
		case "in", "early", "late", "mid", "since":
		default:
			continue
		}
		t := toks[i]
		if t.kind == tokNumber && len(t.text) == 4 {
			if y, err := strconv.Atoi(t.text); err == nil && y >= 1900 && y < a.ref.Year() {
				return true
			}
			continue
		}
		m, ok := months[t.norm]
		if !ok || !t.cap || len(t.norm) < 4 || t.norm == "march" && toks[i-1].norm != "in" {
			continue
		}
		if i+1 < len(toks) && toks[i+1].kind == tokNumber {
			continue // a calendar date, which findDate reads
		}
		if back := (int(a.ref.Month()) - int(m) + 12) % 12; back >= 2 {
			return true
		}
	}
	return false
}

// yearsBack reports whether toks say their time is a year or more back,
// or several months: "last year", "the previous year", "two years ago",
// "years earlier", "a decade ago", "months ago", "three months ago" (but
// not "a month ago").
func yearsBack(toks []token) bool {
	for i := 1; i < len(toks); i++ {
		prev, w := toks[i-1].norm, toks[i].norm
		if w == "year" && (prev == "last" || prev == "previous") {
			return true
		}
		if w != "ago" && w != "earlier" {
			continue
		}
		switch prev {
		case "year", "years", "decade", "decades":
			return true
		case "months":
			if i < 2 {
				return true
			}
			n, isNum := wordNumber(toks[i-2].norm)
			if v, err := strconv.Atoi(toks[i-2].text); err == nil {
				n, isNum = v, true
			}
			if !isNum || n >= 2 {
				return true // "months ago", "several months ago", "three months ago"
			}
		}
	}
	return false
}

// placeLeft returns the place a withdrawal trigger names as left: right
// after it ("pulled out of Izium"), or after "from" within a few words
// ("withdrawing its troops from Avdiivka"); "from the town" is the town
// named last.
func (a *analysis) placeLeft(f found, cl clause, s sentence) *span {
	for k := f.end; k < cl.end && k < f.end+5; k++ {
		sp := a.spanAt(k)
		after := k == f.end || a.toks[k-1].norm == "from" || a.toks[k-1].norm == "of"
		if sp != nil && sp.kind == spanPlace && sp.match != nil && sp.role != RoleActor && after {
			return sp
		}
		if sp == nil && after && a.toks[k].norm == "the" && k+1 < cl.end {
			switch a.toks[k+1].norm {
			case "town", "city", "village", "base", "area", "district":
				return a.lastNamed(s, k)
			}
		}
		if sp != nil && sp.kind == spanActor {
			k = sp.end - 1 // "withdrawing its troops from Avdiivka"
			continue
		}
		if sp != nil || a.toks[k].kind != tokWord {
			return nil
		}
	}
	return nil
}

// dealCue reports whether a sentence tells of leaving under a deal.
func dealCue(toks []token) bool {
	for i, t := range toks {
		switch t.norm {
		case "deal", "agreement", "brokered", "negotiated", "evacuation", "accord", "handover":
			return true
		case "without":
			if i+2 < len(toks) && toks[i+2].norm == "fight" {
				return true
			}
		}
	}
	return false
}

// fightWords tell of fighting around a place a side left.
var fightWords = setOf("attacked attack attacks assault offensive counteroffensive encirclement encircled surrounded " +
	"pushed pushing advance advancing advanced shelling shelled pounded pounding fighting clashes battle besieged siege")

// fightNear reports whether sentence si or its neighbours in the same
// paragraph tell of fighting.
func (a *analysis) fightNear(si int) bool {
	for k := max(0, si-2); k < len(a.sents) && k <= si+2; k++ {
		if a.sents[k].para != a.sents[si].para && k != si {
			continue
		}
		for _, t := range a.sents[k].toks {
			if fightWords[t.norm] {
				return true
			}
		}
	}
	return false
}

// crowdWords name the people of a demonstration; riotActs what makes it a
// riot.
var (
	crowdWords = setOf("protesters protestors demonstrators rioters crowd crowds mob youths residents villagers locals students mourners")
	riotActs   = setOf("torched stormed ransacked looted smashed burned burnt stoned")
)

// crowdPreps before a crowd word make it no subject.
var crowdPreps = setOf("of on at against to for from with among by")

// violentCrowd reports whether a clause tells of a crowd's violence: a
// crowd that "torched", "stormed", "set fire to" or "threw stones/petrol
// bombs" — a riot, however its trigger reads (protest, storming, looting).
func (a *analysis) violentCrowd(cl clause, f found) bool {
	toks := a.toks
	crowd := -1
	for k := cl.start; k < cl.end; k++ {
		if crowdWords[toks[k].norm] {
			if k > cl.start && crowdPreps[toks[k-1].norm] {
				continue // "the homes of residents": the crowd suffered, it did not act
			}
			crowd = k
			break
		}
	}
	if crowd < 0 || f.t.eventType != "Protests" && f.t.eventType != "Riots" && f.start < crowd {
		return false
	}
	for k := crowd + 1; k < cl.end; k++ {
		w := toks[k].norm
		if riotActs[w] {
			return true
		}
		if k+1 < cl.end {
			next := toks[k+1].norm
			if (w == "set" || w == "setting") && (next == "fire" || next == "alight" || next == "ablaze") {
				return true
			}
			if (w == "threw" || w == "hurled" || w == "throwing") && k+3 < cl.end {
				for _, o := range toks[k+1 : k+4] {
					if o.norm == "stones" || o.norm == "rocks" || o.norm == "bombs" || o.norm == "molotov" || o.norm == "bricks" || o.norm == "firebombs" {
						return true
					}
				}
			}
		}
	}
	return false
}
