package gazetteer

import (
	"math"
	"slices"
	"sort"
	"strings"
)

// merge adds a parsed batch. A record whose id is already known replaces
// the old one. A region (by admin1 code) or country (by ISO code) that is
// already known under another id is updated in place when the known one is
// a synthetic embedded entry, so that loading admin1CodesASCII.txt or
// countryInfo.txt gives the embedded regions their real GeoNames ids and
// keeps their alternate names. The caller holds g.mu for writing.
func (g *Gazetteer) merge(b *batch) {
	for code, name := range b.admin1 {
		if _, ok := g.admin1[code]; !ok || b.admin1Owned {
			g.admin1[code] = name
		}
	}
	if len(g.recs) == 0 && cap(g.recs) < len(b.recs) {
		g.adopt(b)
		return
	}
	g.recs = slices.Grow(g.recs, len(b.recs))
	for j, rec := range b.recs {
		i, known := g.byID[rec.id]
		if !known {
			if k, ok := g.sameArea(rec); ok {
				if rec.id < 0 {
					// A synthetic entry for a region or country already
					// known by its real id: only its names are new.
					g.indexRecord(k, b, j, false)
					continue
				}
				// A real entry for a synthetic one: take its place.
				old := &g.recs[k]
				delete(g.byID, old.id)
				if rec.noPoint && !old.noPoint {
					rec.lat, rec.lon, rec.noPoint = old.lat, old.lon, false
				}
				if rec.population == 0 {
					rec.population = old.population
				}
				i, known = k, true
				g.byID[rec.id] = i
			}
		} else if rec.noPoint && !g.recs[i].noPoint {
			rec.lat, rec.lon, rec.noPoint = g.recs[i].lat, g.recs[i].lon, false
		}
		if known {
			g.recs[i] = rec
		} else {
			i = int32(len(g.recs))
			g.recs = append(g.recs, rec)
			g.byID[rec.id] = i
		}
		g.indexRecord(i, b, j, true)
	}
}

// adopt takes over the records of the first batch loaded into an empty
// Gazetteer without copying them.
func (g *Gazetteer) adopt(b *batch) {
	g.recs = b.recs
	g.idx.grow(len(b.keyEnd))
	for i := range g.recs {
		rec := &g.recs[i]
		if j, dup := g.byID[rec.id]; dup {
			// The same id twice in one file: the later line wins.
			g.recs[j].dead = true
		}
		g.byID[rec.id] = int32(i)
		g.indexRecord(int32(i), b, i, true)
	}
}

// indexRecord registers record i as its area's entry and indexes its keys,
// those of row j of b; the first key is a primary name when primary is set.
func (g *Gazetteer) indexRecord(i int32, b *batch, j int, primary bool) {
	from, to := b.recordKeys(j)
	rec := &g.recs[i]
	switch rec.fcode {
	case "ADM1":
		g.regions[rec.country+"."+rec.admin1] = i
	case "PCLI":
		g.nations[rec.country] = i
	}
	for k := from; k < to; k++ {
		g.idx.add(b.key(k), b.skels[k], i, primary && k == from)
	}
}

// sameArea returns the known region or country that rec stands for when one
// of the two has a synthetic id and the other a real one.
func (g *Gazetteer) sameArea(rec record) (int32, bool) {
	var i int32
	var ok bool
	switch rec.fcode {
	case "ADM1":
		i, ok = g.regions[rec.country+"."+rec.admin1]
	case "PCLI":
		i, ok = g.nations[rec.country]
	}
	if !ok || (g.recs[i].id < 0) == (rec.id < 0) {
		return 0, false
	}
	return i, true
}

// finalize derives missing region and country points, importances and the
// id order. The caller holds g.mu for writing.
func (g *Gazetteer) finalize() {
	g.derivePoints()
	g.findSeats()
	g.numberAreas()
	g.sorted = g.sorted[:0]
	for i := range g.recs {
		r := &g.recs[i]
		r.importance = importance(r.fcode, r.population)
		if !r.dead && !r.noPoint {
			g.sorted = append(g.sorted, int32(i))
		}
	}
	slices.SortFunc(g.sorted, func(a, b int32) int { return cmpInt64(g.recs[a].id, g.recs[b].id) })
	g.sortSkeletonBuckets()
}

// numberAreas numbers the countries and first- and second-level regions
// of the records (record.areas), so that documents weigh them without
// hashing their codes. The caller holds g.mu for writing.
func (g *Gazetteer) numberAreas() {
	countries := map[string]int32{}
	regions := map[admin1Key]int32{}
	counties := map[admin2Key]int32{}
	for i := range g.recs {
		r := &g.recs[i]
		r.areas = candAreas{country: number(countries, r.country), region: -1, county: -1}
		if r.admin1 == "" || r.admin1 == "00" {
			continue
		}
		key := admin1Key{r.country, r.admin1}
		r.areas.region = number(regions, key)
		if r.admin2 != "" {
			r.areas.county = number(counties, admin2Key{key, r.admin2})
		}
	}
}

// findSeats links each country to its capital (the most populous PPLC, or
// the place named as its capital in countryInfo) and each first-level
// region to its seat (its most populous PPLA or PPLC). The caller holds
// g.mu for writing.
func (g *Gazetteer) findSeats() {
	capitals := map[string]int32{} // country -> PPLC
	seats := map[string]int32{}    // "CC.A1" -> PPLA or PPLC
	better := func(m map[string]int32, k string, i int32) {
		if j, ok := m[k]; !ok || g.recs[i].population > g.recs[j].population {
			m[k] = i
		}
	}
	for i := range g.recs {
		r := &g.recs[i]
		if r.dead || r.noPoint {
			continue
		}
		switch r.fcode {
		case "PPLC":
			better(capitals, r.country, int32(i))
			better(seats, r.country+"."+r.admin1, int32(i))
		case "PPLA":
			better(seats, r.country+"."+r.admin1, int32(i))
		}
	}
	for i := range g.recs {
		r := &g.recs[i]
		r.seat = 0
		var at int32
		var ok bool
		switch r.fcode {
		case "PCLI", "PCLD", "PCLS", "PCLF", "PCL", "PCLIX", "TERR":
			at, ok = capitals[r.country]
		case "ADM1":
			at, ok = seats[r.country+"."+r.admin1]
		}
		if ok {
			r.seat = at + 1
		}
	}
}

// sortSkeletonBuckets orders the keys of large skeleton buckets by the
// importance of their places, so that the caps on keys examined per query
// cut the least important ones. The caller holds g.mu for writing.
func (g *Gazetteer) sortSkeletonBuckets() {
	type ranked struct {
		key int32
		imp float32
	}
	var buf []ranked
	for _, keys := range g.idx.skelKey {
		if len(keys) <= 8 {
			continue
		}
		buf = buf[:0]
		for _, ki := range keys {
			first, more := g.idx.recs(ki)
			imp := g.recs[first>>1].importance
			for _, v := range more {
				imp = max(imp, g.recs[v>>1].importance)
			}
			buf = append(buf, ranked{ki, imp})
		}
		slices.SortStableFunc(buf, func(a, b ranked) int {
			switch {
			case a.imp > b.imp:
				return -1
			case a.imp < b.imp:
				return 1
			}
			return 0
		})
		for i, r := range buf {
			keys[i] = r.key
		}
	}
}

// derivePoints places regions and countries read without coordinates: a
// region at its seat (the most populous PPLA or PPLC with its admin1 code)
// or else the median of its places, a country at its capital or else the
// most populous of its places.
func (g *Gazetteer) derivePoints() {
	need := false
	for i := range g.recs {
		if g.recs[i].noPoint {
			need = true
			break
		}
	}
	if !need {
		return
	}
	type group struct {
		members []int32
		seat    int32
		pop     int64
	}
	groups := map[string]*group{}
	grp := func(k string) *group {
		gr := groups[k]
		if gr == nil {
			gr = &group{seat: -1}
			groups[k] = gr
		}
		return gr
	}
	for i := range g.recs {
		r := &g.recs[i]
		if r.dead || r.noPoint || isAdminCode(r.fcode) {
			continue
		}
		for _, k := range []string{r.country + "." + r.admin1, r.country} {
			gr := grp(k)
			gr.members = append(gr.members, int32(i))
			gr.pop += r.population
			isSeat := r.fcode == "PPLC" || (strings.Contains(k, ".") && r.fcode == "PPLA")
			if isSeat && (gr.seat < 0 || r.population > g.recs[gr.seat].population) {
				gr.seat = int32(i)
			}
		}
	}
	for i := range g.recs {
		r := &g.recs[i]
		if !r.noPoint {
			continue
		}
		key := r.country + "." + r.admin1
		if r.fcode == "PCLI" {
			key = r.country
		}
		gr := groups[key]
		if gr == nil || len(gr.members) == 0 {
			continue
		}
		at := gr.seat
		if r.fcode == "PCLI" && r.capital != "" {
			ck := Normalize(r.capital)
			for _, m := range gr.members {
				if Normalize(g.recs[m].name) == ck && (at < 0 || g.recs[m].population > g.recs[at].population || Normalize(g.recs[at].name) != ck) {
					at = m
				}
			}
		}
		if r.population == 0 {
			r.population = gr.pop
		}
		r.noPoint = false
		if at >= 0 {
			r.lat, r.lon = g.recs[at].lat, g.recs[at].lon
			continue
		}
		if r.fcode == "PCLI" {
			best := gr.members[0]
			for _, m := range gr.members {
				if g.recs[m].population > g.recs[best].population {
					best = m
				}
			}
			r.lat, r.lon = g.recs[best].lat, g.recs[best].lon
			continue
		}
		lats := make([]float64, len(gr.members))
		lons := make([]float64, len(gr.members))
		for j, m := range gr.members {
			lats[j], lons[j] = g.recs[m].lat, g.recs[m].lon
		}
		sort.Float64s(lats)
		sort.Float64s(lons)
		r.lat, r.lon = lats[len(lats)/2], lons[len(lons)/2]
	}
}

// importance weighs a place by its feature code and population, in [0, 1].
// Capitals and admin seats come before villages; a region comes after a city
// of the same size, so that "Homs" is the city and "Homs province" the
// region.
func importance(fcode string, population int64) float32 {
	var f float64
	switch fcode {
	case "PCLI", "PCLD", "PCLS", "PCLF", "PCL", "PCLIX":
		f = 1
	case "PPLC":
		f = 0.95
	case "PPLA":
		f = 0.7
	case "PPLG":
		f = 0.6
	case "PPLA2":
		f = 0.55
	case "ADM1":
		f = 0.45
	case "PPLA3":
		f = 0.45
	case "PPLA4", "PPLA5":
		f = 0.4
	case "ADM2":
		f = 0.35
	case "CONT", "OCN":
		f = 1
	case "SEA", "GULF", "RGN", "DSRT", "PEN", "STRT", "LK", "STM", "CNL",
		"ISL", "ISLS", "MTS", "MT", "VAL", "DLTA", "FRST", "BAY", "REEF":
		f = 0.9
	case "AIRP", "BLDG", "SQR", "PRK", "MILB", "DAM":
		// Airports, buildings, squares, parks, bases and dams: only the
		// curated table (data/areas.tsv) has them, since loaded dumps
		// keep GeoNames' classes P and A alone.
		f = 0.6
	case "PPL":
		f = 0.3
	case "PPLH", "PPLQ", "PPLW":
		f = 0.1 // historical, abandoned or destroyed
	default:
		f = 0.2
	}
	if population == 0 && isArea(fcode) && !isAdminCode(fcode) {
		// A continent, sea or macro-region: its feature code says it all.
		return float32(f)
	}
	if population == 0 {
		// GeoNames leaves many admin seats' populations unknown (0).
		population = typicalPopulation(fcode)
	}
	p := math.Log10(float64(population)+1) / 7
	p = min(p, 1)
	return float32(0.5*f + 0.5*p)
}

// typicalPopulation stands in for an unknown population.
func typicalPopulation(fcode string) int64 {
	switch fcode {
	case "PPLC":
		return 500_000
	case "PPLA":
		return 100_000
	case "PPLA2":
		return 20_000
	case "PPLA3":
		return 5_000
	case "PPLA4", "PPLA5":
		return 2_000
	}
	return 500
}
