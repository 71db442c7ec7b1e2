package gazetteer

import (
	"bufio"
	"fmt"
	"hash/fnv"
	"math"
	"strconv"
	"strings"
)

// areaID returns the stable negative id of a curated area or of an
// embedded region or country row: the generator's synthetic ids use the
// same hash.
func areaID(key string) int64 {
	h := fnv.New32a()
	h.Write([]byte(key))
	return -int64(h.Sum32()&math.MaxInt32) - 1
}

// parseAreas reads data/areas.tsv, the hand-written table of continents,
// oceans, seas, rivers, deserts and macro-regions: per line, a GeoNames
// feature code, latitude, longitude, an optional ISO country, names
// separated by "|" (the first is the display name) and demonyms separated
// by "|". It returns the batch of areas and, for each demonym, the index of
// its area in the batch.
func parseAreas(text string) (*batch, map[string][]int, error) {
	b := newBatch("areas.tsv", 128)
	b.kind = formatGeonames
	dem := map[string][]int{}
	sc := bufio.NewScanner(strings.NewReader(text))
	for line := 1; sc.Scan(); line++ {
		l := sc.Text()
		if l == "" || l[0] == '#' {
			continue
		}
		f := strings.Split(l, "\t")
		if len(f) < 5 {
			return nil, nil, fmt.Errorf("gazetteer: areas.tsv:%d: %d columns, want 5 or 6", line, len(f))
		}
		lat, lon, err := parsePoint(f[1], f[2])
		if err != nil {
			return nil, nil, fmt.Errorf("gazetteer: areas.tsv:%d: %w", line, err)
		}
		names := strings.Split(f[4], "|")
		rec := record{id: areaID("AREA:" + names[0]), name: names[0], country: f[3], lat: lat, lon: lon, fcode: f[0]}
		if len(f) > 5 && f[5] != "" {
			for _, d := range strings.Split(f[5], "|") {
				dem[d] = append(dem[d], len(b.recs))
			}
		}
		b.add(rec, names)
	}
	return b, dem, nil
}

// parseDemonyms reads demonyms.tsv: "name<TAB>id" of the country or area
// the demonym stands for.
func parseDemonyms(text string) (map[string][]int64, error) {
	out := map[string][]int64{}
	for line, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		if l == "" {
			continue
		}
		name, idText, ok := strings.Cut(l, "\t")
		id, err := strconv.ParseInt(idText, 10, 64)
		if !ok || err != nil {
			return nil, fmt.Errorf("gazetteer: demonyms.tsv:%d: want NAME<TAB>ID", line+1)
		}
		out[name] = append(out[name], id)
	}
	return out, nil
}

// addDemonym indexes a demonym or adjective ("Syrian") and its plural
// ("Syrians", "Czechs", "Marylanders", "Wisconsinites") for record i. The
// caller holds g.mu for writing.
func (g *Gazetteer) addDemonym(name string, i int32) {
	forms := []string{name}
	if len(name) > 2 && hasAnySuffix(name, "n", "i", "ch", "er", "ite") {
		forms = append(forms, name+"s")
	}
	for _, f := range forms {
		k := Normalize(f)
		if k == "" {
			continue
		}
		recs := g.demonyms[k]
		if !containsInt32(recs, i) {
			g.demonyms[k] = append(recs, i)
		}
	}
}

// hasAnySuffix reports whether s ends with one of the suffixes.
func hasAnySuffix(s string, suffixes ...string) bool {
	for _, x := range suffixes {
		if strings.HasSuffix(s, x) {
			return true
		}
	}
	return false
}

func containsInt32(s []int32, v int32) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
