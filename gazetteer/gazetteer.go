// Package gazetteer resolves place names as news reports write them ("Deir
// Ezzor", "Dayr az Zawr", "Homs province") to GeoNames places, offline.
//
// A Gazetteer holds populated places, first- and second-level regions and
// countries read from GeoNames dump files (the geoname table such as
// cities500.txt or SY.txt, admin1CodesASCII.txt and countryInfo.txt, plain,
// gzipped or zipped). Default returns one built from data embedded in the
// binary: every GeoNames populated place with at least 500 inhabitants,
// first- and second-level regions, countries, demonyms, and a curated table
// of continents, seas, rivers, deserts and macro-regions.
//
// Resolve reads one name alone; ResolveDocument reads the names of one
// document together, so that each breaks the others' ties.
//
// Names are compared through Normalize, which makes common transliterations
// meet, then through a consonant skeleton and a deletion table for what
// still differs. A query may carry a region word ("Homs province",
// "Muhafazat Hims"), which steers it to the region; a town word ("Idlib
// city"); a qualifier after a comma ("Raqqa, Syria", "Palmyra, Homs"); or
// words that put the event near the place ("near Aleppo", "Hama
// countryside"), which give geo_precision 2. Candidates are ranked by how
// well the name matched, the place's importance, and agreement with the
// country hint and the countries of the other places in the same story.
//
// Data: GeoNames (geonames.org), CC BY 4.0.
package gazetteer

import (
	"errors"
	"slices"
	"sync"
)

// ErrInvalidQuery is returned (wrapped) by Resolve and Search for a query
// that is empty, too long or contains control characters.
var ErrInvalidQuery = errors.New("gazetteer: invalid query")

// Place is one gazetteer entry.
type Place struct {
	GeonameID   int64   `json:"geonameid"`
	Name        string  `json:"name"`
	Country     string  `json:"country"` // ISO 3166-1 alpha-2
	Admin1      string  `json:"admin1"`  // first-level region name, not code
	Lat         float64 `json:"lat"`
	Lon         float64 `json:"lon"`
	FeatureCode string  `json:"feature_code"` // PPL, PPLA, PPLC, ADM1, PCLI ...
	Population  int64   `json:"population"`
	// Kind is what the place is: KindPlace, KindRegion, KindCountry,
	// KindContinent, KindWater or KindArea; a Match found through a
	// demonym or adjective ("Syrian") has KindDemonym.
	Kind string `json:"kind,omitempty"`
	// Capital is a country's capital, for display; the country's own
	// point (Lat, Lon) is that of the area.
	Capital *PlaceRef `json:"capital,omitempty"`
	// Seat is a region's administrative seat, for display.
	Seat *PlaceRef `json:"seat,omitempty"`
}

// PlaceRef names another place of the gazetteer, such as a country's
// capital.
type PlaceRef struct {
	GeonameID int64   `json:"geonameid"`
	Name      string  `json:"name"`
	Lat       float64 `json:"lat"`
	Lon       float64 `json:"lon"`
}

// The kinds of Place.Kind.
const (
	KindPlace     = "place"     // a populated place
	KindRegion    = "region"    // an administrative division: ADM1, ADM2 ...
	KindCountry   = "country"   // a country or dependent territory
	KindContinent = "continent" // Africa, Europe ...
	KindWater     = "water"     // an ocean, sea, gulf, lake or river
	KindArea      = "area"      // a macro-region, desert, peninsula ...: "Middle East", "Sahel"
	KindDemonym   = "demonym"   // a Match read from a demonym or adjective: "Syrian"
)

// kindOf returns the Kind of a feature code.
func kindOf(fcode string) string {
	switch {
	case fcode == "CONT":
		return KindContinent
	case len(fcode) >= 3 && fcode[:3] == "PCL", fcode == "TERR":
		return KindCountry
	case isAdminCode(fcode):
		return KindRegion
	case fcode == "OCN", fcode == "SEA", fcode == "GULF", fcode == "BAY", fcode == "STM", fcode == "LK", fcode == "STRT", fcode == "CHN":
		return KindWater
	case len(fcode) >= 3 && fcode[:3] == "PPL", fcode == "STLMT":
		return KindPlace
	}
	return KindArea
}

// GeoPrecision returns ACLED's geo_precision for the place: 1 for a town or
// point, 3 for a region, country or any other area.
func (p Place) GeoPrecision() int {
	if p.FeatureCode != "" && kindOf(p.FeatureCode) != KindPlace {
		return 3
	}
	return 1
}

// isAdminCode reports whether a GeoNames feature code names an
// administrative area (class A: ADM1..ADM5, PCLI, PCLD ...).
func isAdminCode(code string) bool {
	return len(code) >= 3 && (code[:3] == "ADM" || code[:3] == "PCL" || code == "TERR" || code == "ZN")
}

// Match is a candidate place with its score in [0, 1]. The score combines
// how the name matched (an exact normalised key, the same consonant
// skeleton, or a fuzzy match), the place's importance (capital, admin seat,
// region; population) and agreement with the query's country hint and
// context. Resolve answers no match below MatchThreshold.
type Match struct {
	Place
	Score float64 `json:"score"`
	near  bool    // the query put the event near the place ("near Aleppo")
}

// GeoPrecision returns ACLED's geo_precision for the match: that of the
// place, but 2 (near a town, or part of a region) for a town that the query
// only put the event near ("near Aleppo", "Hama countryside").
func (m Match) GeoPrecision() int {
	p := m.Place.GeoPrecision()
	if m.near && p == 1 {
		return 2
	}
	return p
}

// Near reports whether the query put the event near the place rather than
// at it ("near Aleppo", "outskirts of Idlib", "Hama countryside").
func (m Match) Near() bool { return m.near }

// Query is one name to resolve.
type Query struct {
	Name    string
	Country string   // optional ISO alpha-2 hint
	Context []string // optional: countries of other places in the same request or file
	Within  []string // optional: areas the text puts the place in ("Homs province"), as in Mention.Within
	Limit   int      // maximum number of candidates, the match included; 0 means 5, at most 100
}

// Result is the answer to one query.
type Result struct {
	Query        string  `json:"query"`
	Match        *Match  `json:"match"`        // nil when nothing is good enough
	Alternatives []Match `json:"alternatives"` // never nil, best first, excluding Match
	// Err is set by ResolveDocument, wrapping ErrInvalidQuery, for a
	// mention whose name could not be resolved at all.
	Err error `json:"-"`
}

// record is a place as the gazetteer stores it.
type record struct {
	id         int64
	name       string
	country    string
	admin1     string // admin1 code, as in the geoname table ("07")
	admin2     string // admin2 code, as in the geoname table ("079"); often empty
	lat, lon   float64
	fcode      string
	population int64
	capital    string    // countryInfo: name of the capital, to place the country
	seat       int32     // index+1 of a country's capital or a region's seat; 0 when unknown
	noPoint    bool      // region or country whose point is still to be derived
	dead       bool      // replaced by a later load
	importance float32   // in [0, 1], from feature code and population
	areas      candAreas // numbers of its country and regions (numberAreas)
}

// Gazetteer resolves place names. It is safe for concurrent use; loading
// takes an exclusive lock, queries a shared one.
type Gazetteer struct {
	mu      sync.RWMutex
	recs    []record
	byID    map[int64]int32
	admin1  map[string]string // "SY.07" -> "Deir ez-Zor"
	regions map[string]int32  // "SY.07" -> record of the ADM1 entry
	nations map[string]int32  // "SY" -> record of the PCLI entry
	// demonyms maps the key of a demonym or adjective ("syrian") to the
	// records of the countries or areas it stands for.
	demonyms map[string][]int32
	idx      *index
	sorted   []int32 // live records by geoname id, for Within
	// warmOnce starts Warm in the background on the first name searched,
	// so that a later misspelt name finds the fuzzy table built, while a
	// gazetteer used only for reverse geocoding or labels never holds it.
	warmOnce sync.Once
}

// New returns an empty Gazetteer.
func New() *Gazetteer {
	return &Gazetteer{
		byID:     map[int64]int32{},
		admin1:   map[string]string{},
		regions:  map[string]int32{},
		nations:  map[string]int32{},
		demonyms: map[string][]int32{},
		idx:      newIndex(),
	}
}

// Warm builds the fuzzy-matching table now rather than on the first query
// that needs it (a few hundred milliseconds and about 12 MB for the default
// data). The first name searched starts it in the background anyway; a
// caller that knows names will follow may call it sooner.
func (g *Gazetteer) Warm() {
	g.mu.RLock()
	defer g.mu.RUnlock()
	g.idx.deletions()
}

// Len returns the number of places, regions and countries.
func (g *Gazetteer) Len() int {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return len(g.sorted)
}

// Get returns the place with the given GeoNames id (negative for the
// embedded regions and countries, which GeoNames' cities files lack).
func (g *Gazetteer) Get(id int64) (Place, bool) {
	g.mu.RLock()
	defer g.mu.RUnlock()
	i, ok := g.byID[id]
	if !ok || g.recs[i].dead || g.recs[i].noPoint {
		return Place{}, false
	}
	return g.place(i), true
}

// place converts record i to a Place. The caller holds g.mu.
func (g *Gazetteer) place(i int32) Place {
	r := &g.recs[i]
	p := Place{
		GeonameID:   r.id,
		Name:        r.name,
		Country:     r.country,
		Lat:         r.lat,
		Lon:         r.lon,
		FeatureCode: r.fcode,
		Population:  r.population,
		Kind:        kindOf(r.fcode),
	}
	if r.fcode != "PCLI" && r.admin1 != "" && r.admin1 != "00" {
		var kb [32]byte // "SY.07": a lookup by a []byte key allocates nothing
		p.Admin1 = g.admin1[string(append(append(append(kb[:0], r.country...), '.'), r.admin1...))]
	}
	if r.seat > 0 {
		s := &g.recs[r.seat-1]
		ref := &PlaceRef{GeonameID: s.id, Name: s.name, Lat: s.lat, Lon: s.lon}
		if p.Kind == KindCountry {
			p.Capital = ref
		} else {
			p.Seat = ref
		}
	}
	return p
}

// isArea reports whether a feature code names an area rather than a
// populated place: a region, country, continent, sea ...
func isArea(fcode string) bool {
	return kindOf(fcode) != KindPlace
}

// Within returns the places inside a bounding box, for an OGC API
// "places" collection: ordered by geoname id, optionally only those with a
// name that normalises like name, from offset on and at most limit of them
// (limit <= 0 means no limit), with the number that matched in all. A
// minLon greater than maxLon crosses the antimeridian.
func (g *Gazetteer) Within(minLon, minLat, maxLon, maxLat float64, name string, limit, offset int) (places []Place, matched int) {
	g.mu.RLock()
	defer g.mu.RUnlock()
	inBox := func(r *record) bool {
		if r.dead || r.lat < minLat || r.lat > maxLat {
			return false
		}
		if minLon <= maxLon {
			return r.lon >= minLon && r.lon <= maxLon
		}
		return r.lon >= minLon || r.lon <= maxLon
	}
	candidates := g.sorted
	if name != "" {
		key, _ := parseName(name)
		ki, ok := keyID(g.idx, key)
		if !ok {
			return []Place{}, 0
		}
		first, more := g.idx.recs(ki)
		candidates = append(candidates[:0:0], first>>1)
		for _, v := range more {
			candidates = append(candidates, v>>1)
		}
		slices.SortFunc(candidates, func(a, b int32) int { return cmpInt64(g.recs[a].id, g.recs[b].id) })
		candidates = slices.Compact(candidates)
	}
	places = []Place{}
	for _, i := range candidates {
		if !inBox(&g.recs[i]) {
			continue
		}
		matched++
		if matched <= offset || (limit > 0 && len(places) >= limit) {
			continue
		}
		places = append(places, g.place(i))
	}
	return places, matched
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
