package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mapd/mapd/geo"
)

// town is a real place the generated incidents cluster around.
type town struct {
	name     string
	country  string
	lon, lat float64
	weight   float64  // share of the incidents
	variants []string // other spellings the news uses for it
}

// towns are real coordinates; weights are the share of incidents.
var towns = []town{
	{"Aleppo", "SY", 37.1612, 36.2021, 14, []string{"Halab", "Alep"}},
	{"Damascus", "SY", 36.2765, 33.5138, 12, []string{"Dimashq"}},
	{"Baghdad", "IQ", 44.3661, 33.3152, 12, nil},
	{"Mosul", "IQ", 43.1189, 36.3400, 10, []string{"Al Mawsil", "Mossul"}},
	{"Homs", "SY", 36.7237, 34.7308, 8, []string{"Hims"}},
	{"Idlib", "SY", 36.6339, 35.9306, 8, []string{"Idleb"}},
	{"Raqqa", "SY", 39.0079, 35.9528, 7, []string{"Ar-Raqqah", "Al-Raqqa", "Rakka"}},
	{"Deir ez-Zor", "SY", 40.1408, 35.3359, 7, []string{"Deir Ezzor", "Deir el-Zour", "Dayr az Zawr", "Deir al-Zor"}},
	{"Hama", "SY", 36.7578, 35.1318, 5, []string{"Hamah"}},
	{"Daraa", "SY", 36.1062, 32.6189, 5, []string{"Deraa", "Dara'a"}},
	{"Fallujah", "IQ", 43.7843, 33.3494, 4, []string{"Falluja", "Al Fallujah"}},
	{"Ramadi", "IQ", 43.3058, 33.4206, 4, []string{"Al-Ramadi"}},
	{"Douma", "SY", 36.4017, 33.5722, 3, []string{"Duma"}},
	{"Al-Hasakah", "SY", 40.7487, 36.5024, 3, []string{"Hasakeh", "Al Hasakah", "Hasaka"}},
	{"Tikrit", "IQ", 43.6793, 34.6071, 3, nil},
	{"Kirkuk", "IQ", 44.3922, 35.4681, 3, []string{"Kerkuk"}},
	{"Latakia", "SY", 35.7832, 35.5317, 2, []string{"Lattakia"}},
	{"Palmyra", "SY", 38.2684, 34.5601, 2, []string{"Tadmur"}},
	{"Qamishli", "SY", 41.2278, 37.0522, 2, []string{"Al-Qamishli", "Qamishlo"}},
	{"Manbij", "SY", 37.9527, 36.5281, 2, []string{"Menbij"}},
	{"Al-Bab", "SY", 37.5166, 36.3706, 2, []string{"al-Bab"}},
	{"Samarra", "IQ", 43.8756, 34.1959, 2, nil},
	{"Baqubah", "IQ", 44.6550, 33.7466, 2, []string{"Baquba"}},
	{"Basra", "IQ", 47.7804, 30.5085, 2, []string{"Basrah"}},
	{"Kobani", "SY", 38.3571, 36.8903, 1, []string{"Kobane", "Ayn al-Arab"}},
	{"Erbil", "IQ", 44.0091, 36.1911, 1, []string{"Arbil", "Irbil"}},
	{"Tal Afar", "IQ", 42.4506, 36.3765, 1, []string{"Tall Afar"}},
	{"Hit", "IQ", 42.8262, 33.6416, 1, nil},
	{"Haditha", "IQ", 42.3400, 34.1400, 1, nil},
	{"Sinjar", "IQ", 41.8687, 36.3209, 1, nil},
}

// inventedPlaces are names no gazetteer knows; the place-name file carries
// a few of them so that rejection is exercised too.
var inventedPlaces = []string{"Qzrwat al-Bench", "Xelbiquor", "Tell Vyxxor", "Mzzbrin Qwab"}

// inventedShare is the share of place-only records with an invented name.
const inventedShare = 0.01

var eventTypes = []struct {
	name   string
	weight float64
	subs   []string
}{
	{"Battles", 30, []string{"Armed clash", "Government regains territory", "Non-state actor overtakes territory"}},
	{"Explosions/Remote violence", 35, []string{"Air/drone strike", "Shelling/artillery/missile attack", "Remote explosive/landmine/IED", "Suicide bomb"}},
	{"Violence against civilians", 15, []string{"Attack", "Abduction/forced disappearance"}},
	{"Protests", 10, []string{"Peaceful protest", "Protest with intervention"}},
	{"Riots", 3, []string{"Violent demonstration", "Mob violence"}},
	{"Strategic developments", 7, []string{"Headquarters or base established", "Looting/property destruction", "Agreement"}},
}

var actors = []string{
	"Military Forces of Syria", "Military Forces of Russia", "Military Forces of the United States",
	"Military Forces of Turkey", "Military Forces of Iraq", "Islamic State (Iraq and the Levant)",
	"Hayat Tahrir al-Sham", "Syrian Democratic Forces", "Popular Mobilization Forces",
	"Unidentified Armed Group (Syria)", "Civilians (Syria)", "Civilians (Iraq)", "Protesters (Iraq)",
}

var noteWords = []string{"market", "checkpoint", "convoy", "hospital", "school", "bridge", "village", "district",
	"airbase", "mosque", "bakery", "camp", "oil field", "highway", "outskirts", "old city", "neighbourhood", "farm"}

var outlets = []string{"SOHR", "Reuters", "AFP", "Local media"}

// properties are the fields of a generated incident other than its
// coordinates, in mapd's import field names.
type properties struct {
	SourceID     string   `json:"source_id"`
	Date         string   `json:"date"`
	EventType    string   `json:"event_type"`
	SubEventType string   `json:"sub_event_type"`
	Actor1       string   `json:"actor1"`
	Actor2       string   `json:"actor2,omitempty"`
	Fatalities   int      `json:"fatalities"`
	Place        string   `json:"place"`
	Country      string   `json:"country,omitempty"`
	GeoPrecision int      `json:"geo_precision,omitempty"`
	Notes        string   `json:"notes"`
	Sources      []string `json:"sources"`
}

// record is one incident with coordinates, as a line of mapd NDJSON.
type record struct {
	properties
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

// feature is the same incident as a GeoJSON Feature, a line of GDAL's
// GeoJSONSeq.
type feature struct {
	Type       string      `json:"type"`
	Geometry   point       `json:"geometry"`
	Properties *properties `json:"properties"`
}

type point struct {
	Type        string     `json:"type"`
	Coordinates [2]float64 `json:"coordinates"`
}

// Datasets the generator draws from.
const (
	// townsData clusters every incident around the towns: 70% in the town
	// (sigma 3 km), 30% in its surroundings (sigma 25 km), 2012-2023.
	townsData = "towns"
	// spreadData is village-level data as ACLED's is: 70% around the 20
	// largest towns (as townsData), 30% spread evenly over Syria and Iraq,
	// 2011-2024. Distinct places, and so distinct tiles and cells, grow
	// with the data.
	spreadData = "spread"
)

// spreadBox is the region spreadData's even share covers: Syria and Iraq.
var spreadBox = struct{ minLon, minLat, maxLon, maxLat float64 }{35.7, 29.1, 48.6, 37.3}

// spreadTowns is how many of the towns (the first, the largest) gather
// spreadData's clustered share.
const spreadTowns = 20

// generator draws seeded incidents of one dataset.
type generator struct {
	r       *rand.Rand
	data    string
	townCum []float64
	typeCum []float64
	first   time.Time
	days    int
}

func newGenerator(data string, seed, stream uint64) *generator {
	first, last := time.Date(2012, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2023, 12, 31, 0, 0, 0, 0, time.UTC)
	nTowns := len(towns)
	if data == spreadData {
		first, last = time.Date(2011, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)
		nTowns = spreadTowns
	}
	return &generator{
		r:       rand.New(rand.NewPCG(seed, stream)),
		data:    data,
		townCum: cumulative(nTowns, func(i int) float64 { return towns[i].weight }),
		typeCum: cumulative(len(eventTypes), func(i int) float64 { return eventTypes[i].weight }),
		first:   first,
		days:    int(last.Sub(first).Hours()/24) + 1,
	}
}

// next returns the i-th incident: the index of its town in towns (the
// nearest one for an incident of the even share), its properties and its
// coordinates.
func (g *generator) next(prefix string, i int) (int, properties, float64, float64) {
	r := g.r
	ti := pick(r, g.townCum)
	t := towns[ti]
	sigma := 3.0
	var lat, lon float64
	if g.data == spreadData && r.Float64() < 0.3 {
		b := spreadBox
		lon, lat = b.minLon+r.Float64()*(b.maxLon-b.minLon), b.minLat+r.Float64()*(b.maxLat-b.minLat)
		ti = nearestTown(lon, lat)
		t = towns[ti]
		sigma = 50 // geo_precision 3: only the region is known
	} else {
		if r.Float64() < 0.3 {
			sigma = 25
		}
		lat = t.lat + r.NormFloat64()*sigma/111.2
		lon = t.lon + r.NormFloat64()*sigma/(111.2*math.Cos(t.lat*math.Pi/180))
	}
	et := eventTypes[pick(r, g.typeCum)]
	fat := 0
	if r.Float64() < 0.5 {
		fat = int(r.ExpFloat64() * 3)
	}
	a1 := actors[r.IntN(len(actors))]
	a2 := ""
	if r.Float64() < 0.6 {
		a2 = actors[r.IntN(len(actors))]
	}
	sub := et.subs[r.IntN(len(et.subs))]
	p := properties{
		SourceID:     prefix + strconv.Itoa(i),
		Date:         g.first.AddDate(0, 0, r.IntN(g.days)).Format(geo.DateLayout),
		EventType:    et.name,
		SubEventType: sub,
		Actor1:       a1,
		Actor2:       a2,
		Fatalities:   fat,
		Place:        t.name,
		Country:      t.country,
		GeoPrecision: min(3, 1+int(sigma/25)),
		Notes: fmt.Sprintf("%s near the %s of %s; %s reported", sub, noteWords[r.IntN(len(noteWords))], t.name,
			noteWords[r.IntN(len(noteWords))]),
		Sources: []string{outlets[r.IntN(len(outlets))]},
	}
	return ti, p, math.Round(lat*1e5) / 1e5, math.Round(lon*1e5) / 1e5
}

// nearestTown returns the index of the town nearest to the point.
func nearestTown(lon, lat float64) int {
	best, bestD := 0, math.Inf(1)
	for i, t := range towns {
		if d := geo.Distance(lat, lon, t.lat, t.lon); d < bestD {
			best, bestD = i, d
		}
	}
	return best
}

// csvHeader is the header of the CSV file written for ogr2ogr: the
// coordinates as lon and lat columns, then the properties.
var csvHeader = []string{"lon", "lat", "source_id", "date", "event_type", "sub_event_type", "actor1", "actor2",
	"fatalities", "place", "country", "geo_precision", "notes", "sources"}

// writeIncidents writes n incidents with coordinates three times, with the
// same content: as mapd NDJSON to ndjsonPath, and for ogr2ogr as
// GeoJSONSeq (one GeoJSON Feature per line, coordinates in the geometry)
// to seqPath and as CSV with lon and lat columns (sources joined with
// "; ") to csvPath.
func writeIncidents(ndjsonPath, seqPath, csvPath string, n int, seed uint64, data string) error {
	nd, err := newJSONLines(ndjsonPath)
	if err != nil {
		return err
	}
	defer nd.abort()
	seq, err := newJSONLines(seqPath)
	if err != nil {
		return err
	}
	defer seq.abort()
	cf, err := os.Create(csvPath)
	if err != nil {
		return err
	}
	defer cf.Close()
	cbw := bufio.NewWriterSize(cf, 1<<20)
	cw := csv.NewWriter(cbw)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	g := newGenerator(data, seed, 0x6d617064)
	for i := range n {
		_, p, lat, lon := g.next("bench-", i)
		if err := nd.enc.Encode(&record{properties: p, Lat: lat, Lon: lon}); err != nil {
			return err
		}
		f := feature{Type: "Feature", Geometry: point{Type: "Point", Coordinates: [2]float64{lon, lat}}, Properties: &p}
		if err := seq.enc.Encode(&f); err != nil {
			return err
		}
		err := cw.Write([]string{formatCoord(lon), formatCoord(lat), p.SourceID, p.Date, p.EventType, p.SubEventType,
			p.Actor1, p.Actor2, strconv.Itoa(p.Fatalities), p.Place, p.Country, strconv.Itoa(p.GeoPrecision), p.Notes,
			strings.Join(p.Sources, "; ")})
		if err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	if err := cbw.Flush(); err != nil {
		return err
	}
	if err := cf.Close(); err != nil {
		return err
	}
	if err := seq.close(); err != nil {
		return err
	}
	return nd.close()
}

// formatCoord formats a coordinate as encoding/json does.
// writeNDJSON writes only the NDJSON file of writeIncidents, the same
// incidents for the same n, seed and dataset (bench -gen).
func writeNDJSON(path string, n int, seed uint64, data string) error {
	if data != spreadData && data != townsData {
		return fmt.Errorf("-data %q: want %s or %s", data, spreadData, townsData)
	}
	nd, err := newJSONLines(path)
	if err != nil {
		return err
	}
	defer nd.abort()
	g := newGenerator(data, seed, 0x6d617064)
	for i := range n {
		_, p, lat, lon := g.next("bench-", i)
		if err := nd.enc.Encode(&record{properties: p, Lat: lat, Lon: lon}); err != nil {
			return err
		}
	}
	return nd.close()
}

func formatCoord(x float64) string {
	return strconv.FormatFloat(x, 'f', -1, 64)
}

// writePlaces writes n incidents without coordinates to path as NDJSON:
// each gives only a place name as the news spells it (one of its town's
// spellings), 80% with the country as a hint, and inventedShare of them an
// invented name. It returns the intended town of every record, by index
// (nil for an invented name), and how many names are invented.
func writePlaces(path string, n int, seed uint64) ([]*town, int, error) {
	w, err := newJSONLines(path)
	if err != nil {
		return nil, 0, err
	}
	defer w.abort()
	g := newGenerator(townsData, seed, 0x706c6163)
	want := make([]*town, n)
	invented := 0
	for i := range n {
		ti, p, _, _ := g.next("place-", i)
		t := towns[ti]
		p.GeoPrecision = 0
		spellings := append([]string{t.name}, t.variants...)
		p.Place = spellings[g.r.IntN(len(spellings))]
		if g.r.Float64() < 0.2 {
			p.Country = ""
		}
		if g.r.Float64() < inventedShare {
			p.Place = inventedPlaces[g.r.IntN(len(inventedPlaces))]
			invented++
		} else {
			want[i] = &towns[ti]
		}
		if err := w.enc.Encode(&p); err != nil {
			return nil, 0, err
		}
	}
	return want, invented, w.close()
}

// jsonLines writes JSON values one per line to a file.
type jsonLines struct {
	f   *os.File
	bw  *bufio.Writer
	enc *json.Encoder
}

func newJSONLines(path string) (*jsonLines, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	w := &jsonLines{f: f, bw: bufio.NewWriterSize(f, 1<<20)}
	w.enc = json.NewEncoder(w.bw)
	w.enc.SetEscapeHTML(false)
	return w, nil
}

func (w *jsonLines) close() error {
	if w.f == nil {
		return nil
	}
	err := w.bw.Flush()
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	w.f = nil
	return err
}

// abort closes the file if close was not called, after an error.
func (w *jsonLines) abort() {
	if w.f != nil {
		w.f.Close()
		w.f = nil
	}
}

func cumulative(n int, w func(int) float64) []float64 {
	c := make([]float64, n)
	sum := 0.0
	for i := range n {
		sum += w(i)
		c[i] = sum
	}
	for i := range c {
		c[i] /= sum
	}
	return c
}

func pick(r *rand.Rand, cum []float64) int {
	i, _ := slices.BinarySearch(cum, r.Float64())
	return min(i, len(cum)-1)
}
