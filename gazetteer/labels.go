package gazetteer

import (
	"cmp"
	"math"
	"slices"
	"strings"
)

// Label is a place name for a map to draw: a populated place or a
// first-level region, with the smallest zoom level from which it is shown.
type Label struct {
	GeonameID  int64
	Name       string
	Kind       string // "capital", "city", "town" or "region"
	Country    string
	Lat, Lon   float64
	Population int64
	MinZoom    int
}

// Labels is an index of the gazetteer's places by the zoom level they are
// labelled from. It is a snapshot: build another after loading more data.
// It is safe for concurrent use.
type Labels struct {
	// cells holds, per cell of a labelCellDeg-degree grid, its labels
	// ordered by MinZoom and then by importance.
	cells map[int32][]Label
	n     int
}

// labelCellDeg is the size, in degrees, of the cells Labels keeps.
const labelCellDeg = 2

// labelZoomSteps are the population from which a populated place is shown,
// by zoom level: a place of at least pop inhabitants is labelled from zoom.
var labelZoomSteps = []struct {
	pop  int64
	zoom int
}{
	{5_000_000, 3}, {2_000_000, 4}, {700_000, 5}, {250_000, 6}, {100_000, 7},
	{40_000, 8}, {15_000, 9}, {7_000, 10}, {3_000, 11}, {1_500, 12}, {0, 13},
}

// LabelMaxRegionZoom is the last zoom level that shows region names: from
// the next one, towns fill the map.
const LabelMaxRegionZoom = 8

// labelZoom returns the zoom level from which a populated place is
// labelled: by its population, one level earlier for the seat of a region
// and from zoom 3 at the latest for a national capital.
func labelZoom(fcode string, population int64) int {
	z := 13
	for _, s := range labelZoomSteps {
		if population >= s.pop {
			z = s.zoom
			break
		}
	}
	switch {
	case fcode == "PPLC":
		z = min(z, 3)
	case fcode == "PPLA":
		z = max(3, z-1)
	}
	return z
}

// labelledPPL reports whether a feature code is a populated place a map
// labels (not a section of a city, nor an abandoned, destroyed or
// historical one).
func labelledPPL(fcode string) bool {
	if !strings.HasPrefix(fcode, "PPL") {
		return false
	}
	switch fcode {
	case "PPLX", "PPLH", "PPLQ", "PPLW", "PPLCH", "PPLCD":
		return false
	}
	return true
}

// Labels returns the label index of the places loaded now: every live
// populated place, and every first-level region placed at the median of its
// places (not at its seat, whose own name is drawn there).
func (g *Gazetteer) Labels() *Labels {
	g.mu.RLock()
	defer g.mu.RUnlock()
	l := &Labels{cells: map[int32][]Label{}, n: len(g.sorted)}
	type acc struct{ lats, lons []float64 }
	regionPoints := map[string]*acc{}
	for _, i := range g.sorted {
		r := &g.recs[i]
		if r.dead || r.noPoint || !labelledPPL(r.fcode) {
			continue
		}
		kind := "town"
		switch {
		case r.fcode == "PPLC":
			kind = "capital"
		case r.population >= 100_000:
			kind = "city"
		}
		l.add(Label{GeonameID: r.id, Name: r.name, Kind: kind, Country: r.country, Lat: r.lat, Lon: r.lon,
			Population: r.population, MinZoom: labelZoom(r.fcode, r.population)})
		if r.admin1 != "" && r.admin1 != "00" {
			k := r.country + "." + r.admin1
			a := regionPoints[k]
			if a == nil {
				a = &acc{}
				regionPoints[k] = a
			}
			a.lats = append(a.lats, r.lat)
			a.lons = append(a.lons, r.lon)
		}
	}
	for k, ri := range g.regions {
		r := &g.recs[ri]
		if r.dead {
			continue
		}
		lat, lon := r.lat, r.lon
		if a := regionPoints[k]; a != nil && len(a.lats) >= 3 {
			lat, lon = median(a.lats), median(a.lons)
		} else if r.noPoint {
			continue
		}
		l.add(Label{GeonameID: r.id, Name: r.name, Kind: "region", Country: r.country, Lat: lat, Lon: lon,
			Population: r.population, MinZoom: 5})
	}
	for c, ls := range l.cells {
		slices.SortFunc(ls, func(a, b Label) int {
			return cmp.Or(cmp.Compare(a.MinZoom, b.MinZoom), labelOrder(a, b), cmp.Compare(a.GeonameID, b.GeonameID))
		})
		l.cells[c] = ls
	}
	return l
}

// labelOrder puts capitals first, then cities, regions and towns, each by
// population.
func labelOrder(a, b Label) int {
	return cmp.Or(cmp.Compare(kindRank[a.Kind], kindRank[b.Kind]), cmp.Compare(b.Population, a.Population))
}

var kindRank = map[string]int{"capital": 0, "city": 1, "region": 2, "town": 3}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

func labelCell(lat, lon float64) int32 {
	cy := int32(math.Floor((lat + 90) / labelCellDeg))
	cx := int32(math.Floor((lon + 180) / labelCellDeg))
	return cy*1000 + cx
}

func (l *Labels) add(lb Label) {
	c := labelCell(lb.Lat, lb.Lon)
	l.cells[c] = append(l.cells[c], lb)
}

// Places returns the number of places the index was built from (the
// gazetteer's Len then), so that a holder can tell when to rebuild it.
func (l *Labels) Places() int { return l.n }

// In returns the labels shown at zoom z inside the box, most important
// first (capitals, then by population; regions only up to
// LabelMaxRegionZoom), at most limit of them (limit <= 0: no limit).
func (l *Labels) In(z int, minLon, minLat, maxLon, maxLat float64, limit int) []Label {
	var out []Label
	y0 := int32(math.Floor((max(-90, minLat) + 90) / labelCellDeg))
	y1 := int32(math.Floor((min(90, maxLat) + 90) / labelCellDeg))
	x0 := int32(math.Floor((max(-180, minLon) + 180) / labelCellDeg))
	x1 := int32(math.Floor((min(180, maxLon) + 180) / labelCellDeg))
	for cy := y0; cy <= y1; cy++ {
		for cx := x0; cx <= x1; cx++ {
			for _, lb := range l.cells[cy*1000+cx] {
				if lb.MinZoom > z {
					break
				}
				if lb.Kind == "region" && z > LabelMaxRegionZoom {
					continue
				}
				if lb.Lat < minLat || lb.Lat >= maxLat || lb.Lon < minLon || lb.Lon >= maxLon {
					continue
				}
				out = append(out, lb)
			}
		}
	}
	slices.SortFunc(out, func(a, b Label) int {
		return cmp.Or(labelOrder(a, b), cmp.Compare(a.MinZoom, b.MinZoom), cmp.Compare(a.GeonameID, b.GeonameID))
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}
