// Package extract turns a news report into candidate incidents: it splits
// the text into sentences, finds place names through the gazetteer, event
// triggers, casualty counts, actors and dates, and merges the repeated
// tellings of one event into one candidate that keeps every sentence it came
// from as evidence, with byte offsets into the input.
//
// The grammar is a set of small, explicit rules over a token stream and
// three data files embedded in the package (data/triggers.tsv,
// data/actors.tsv, data/countries.tsv); users extend the first two with
// their own files. Nothing here stores anything: the caller decides what to
// keep.
package extract

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/mapd/mapd/gazetteer"
	"github.com/mapd/mapd/incidents"
)

// ErrEmpty is returned (wrapped) for a text with nothing to read.
var ErrEmpty = errors.New("extract: empty text")

// MaxInputBytes is the largest text Extract reads.
const MaxInputBytes = 1 << 20

// DefaultMinConfidence is the confidence below which candidates are
// dropped unless the caller asks for less.
const DefaultMinConfidence = 0.3

// Roles of the place names found.
const (
	RoleEvent     = "event"     // where a candidate incident happened
	RoleMentioned = "mentioned" // named, but no incident is placed there
	RoleDemonym   = "demonym"   // "Syrian": the document's country focus
	RoleActor     = "actor"     // a metonym: "Washington has warned"
)

// Gazetteer is what extraction needs from the gazetteer: the places of a
// document's names, resolved together, and one name alone (a country).
type Gazetteer interface {
	ResolveDocument(ctx context.Context, doc []gazetteer.Mention, opts ...gazetteer.Option) ([]gazetteer.Result, error)
	Resolve(ctx context.Context, q gazetteer.Query) (gazetteer.Result, error)
}

// Options are the per-document inputs.
type Options struct {
	// Date is the article date (YYYY-MM-DD); when empty it is read from a
	// first line "date YYYY-MM-DD" or a dateline.
	Date string
	// Country is an ISO alpha-2 hint for place names.
	Country string
	// Source is the outlet or URL, copied to each candidate's sources.
	Source string
	// HTML says the text is HTML; when false, LooksLikeHTML decides.
	HTML bool
	// MinConfidence drops weaker candidates (0: DefaultMinConfidence; a
	// negative value keeps all).
	MinConfidence float64
}

// Evidence is a sentence that tells of a candidate, with its byte offsets
// into the input.
type Evidence struct {
	Text  string `json:"text"`
	Start int    `json:"start"`
	End   int    `json:"end"`
}

// Candidate is an incident found in the text, for an analyst to confirm.
// Its JSON form is the import format plus confidence and evidence.
type Candidate struct {
	incidents.Incident
	Confidence float64    `json:"confidence"`
	Evidence   []Evidence `json:"evidence"`
}

// Place is a place name found in the text, with its role and the
// gazetteer's match (nil when the name resolved to nothing).
type Place struct {
	Text  string           `json:"text"`
	Start int              `json:"start"`
	End   int              `json:"end"`
	Role  string           `json:"role"`
	Match *gazetteer.Match `json:"match"`
}

// Kinds of the spans of a Result.
const (
	SpanPlace   = "place"   // a place name (its role is in Places)
	SpanDate    = "date"    // "on Saturday", "17 September 2016", "last week"
	SpanNumber  = "number"  // "62", "a dozen", "hundreds"
	SpanTrigger = "trigger" // the words that tell of a candidate's event: "air strike", "clashes"
)

// Span is a stretch of the input that the analysis read as something, for
// showing the text with its highlights. Trigger spans are those of the
// candidates returned and carry the candidate's event type.
type Span struct {
	Kind         string `json:"kind"`
	Text         string `json:"text"`
	Start        int    `json:"start"`
	End          int    `json:"end"`
	EventType    string `json:"event_type,omitempty"`
	SubEventType string `json:"sub_event_type,omitempty"`
}

// Result is what Extract found in one document.
type Result struct {
	// Date is the article date used (YYYY-MM-DD), "" when none was known.
	Date       string      `json:"date"`
	Candidates []Candidate `json:"candidates"`
	Places     []Place     `json:"places"`
	// Spans are the places, dates, numbers and triggers, by start offset.
	Spans []Span `json:"spans"`
	// Warnings say what the caller should know: invalid UTF-8 replaced, no
	// article date.
	Warnings []string `json:"warnings,omitempty"`
}

//go:embed data/*.tsv
var dataFS embed.FS

// Extractor holds the dictionaries. It is safe for concurrent use once
// built; Add* methods must not run concurrently with Extract.
type Extractor struct {
	gz        Gazetteer
	triggers  *phraseTable[trigger]
	actors    *phraseTable[actorEntry]
	countries map[string]country   // by code
	names     *phraseTable[string] // country names -> code
	demonyms  *phraseTable[string] // demonyms -> code
	demonymOf map[string]string    // one-word demonym (normalised) -> code
	now       func() time.Time
}

type trigger struct {
	eventType, subType                                string
	weak, territory, agreement, violation, withdrawal bool
}

type actorEntry struct {
	name, kind string
	exactCase  string // for all-capital mentions ("IS", "UN"): the text must match exactly
}

type country struct {
	code, name string
}

// New returns an Extractor over gz with the embedded dictionaries.
func New(gz Gazetteer) (*Extractor, error) {
	x := &Extractor{
		gz:        gz,
		triggers:  newPhraseTable[trigger](),
		actors:    newPhraseTable[actorEntry](),
		countries: map[string]country{},
		names:     newPhraseTable[string](),
		demonyms:  newPhraseTable[string](),
		demonymOf: map[string]string{},
		now:       time.Now,
	}
	for _, f := range []struct {
		name string
		add  func(io.Reader, string) error
	}{{"data/countries.tsv", x.addCountries}, {"data/triggers.tsv", x.AddLexicon}, {"data/actors.tsv", x.AddActors}} {
		r, err := dataFS.Open(f.name)
		if err != nil {
			return nil, fmt.Errorf("extract: %w", err)
		}
		err = f.add(r, f.name)
		r.Close()
		if err != nil {
			return nil, err
		}
	}
	return x, nil
}

// AddLexicon reads trigger lines (phrase, event_type, sub_event_type,
// flags; tab-separated, as in data/triggers.tsv) from r; a phrase already
// known is replaced.
func (x *Extractor) AddLexicon(r io.Reader, name string) error {
	return readTSV(r, name, 3, func(f []string) error {
		if !slices.Contains(incidents.EventTypes, f[1]) {
			return fmt.Errorf("unknown event_type %q (want one of %s)", f[1], strings.Join(incidents.EventTypes, ", "))
		}
		t := trigger{eventType: f[1], subType: f[2]}
		if len(f) > 3 {
			for _, flag := range strings.Fields(strings.ReplaceAll(f[3], ",", " ")) {
				switch flag {
				case "weak":
					t.weak = true
				case "territory":
					t.territory = true
				case "agreement":
					t.agreement = true
				case "violation":
					t.violation = true
				case "withdrawal":
					t.withdrawal = true
				default:
					return fmt.Errorf("unknown flag %q", flag)
				}
			}
		}
		x.triggers.add(f[0], t)
		return nil
	})
}

// AddActors reads actor lines (mention, actor name, kind; tab-separated,
// as in data/actors.tsv) from r; a mention already known is replaced.
func (x *Extractor) AddActors(r io.Reader, name string) error {
	return readTSV(r, name, 2, func(f []string) error {
		a := actorEntry{name: f[1], kind: "rebel"}
		if len(f) > 2 && f[2] != "" {
			switch f[2] {
			case "state", "rebel", "civilian", "org":
				a.kind = f[2]
			default:
				return fmt.Errorf("unknown actor kind %q (want state, rebel, civilian or org)", f[2])
			}
		}
		if allCaps(f[0]) {
			a.exactCase = f[0]
		}
		x.actors.add(f[0], a)
		return nil
	})
}

// addCountries reads data/countries.tsv.
func (x *Extractor) addCountries(r io.Reader, name string) error {
	return readTSV(r, name, 4, func(f []string) error {
		c := country{code: f[0], name: f[1]}
		x.countries[c.code] = c
		for _, n := range strings.Split(f[2], ",") {
			if n = strings.TrimSpace(n); n != "" {
				x.names.add(n, c.code)
			}
		}
		for _, d := range strings.Split(f[3], ",") {
			if d = strings.TrimSpace(d); d != "" {
				x.demonyms.add(d, c.code)
				if w := phraseWords(d); len(w) == 1 {
					x.demonymOf[w[0]] = c.code
				}
			}
		}
		return nil
	})
}

// allCaps reports whether s is an acronym of two or more capitals ("IS",
// "UN", "SDF").
func allCaps(s string) bool {
	n := 0
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
		n++
	}
	return n >= 2 && n <= 5
}

// Extract reads one document. It returns an error wrapping ErrEmpty for a
// text with no words, and the context's error when it is cancelled.
func (x *Extractor) Extract(ctx context.Context, input string, opts Options) (Result, error) {
	if len(input) > MaxInputBytes {
		return Result{}, fmt.Errorf("extract: text of %d bytes is longer than the limit of %d", len(input), MaxInputBytes)
	}
	d := newDoc(input, opts.HTML || LooksLikeHTML(input))
	a := &analysis{x: x, d: d, opts: opts}
	if err := a.run(ctx); err != nil {
		return Result{}, err
	}
	return a.result(), nil
}
