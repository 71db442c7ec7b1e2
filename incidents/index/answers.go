package index

import (
	"cmp"
	"container/heap"
	"math"
	"slices"

	"github.com/mapd/mapd/geo"
	"github.com/mapd/mapd/incidents"
)

// View is one row with its values decoded.
type View struct {
	ID           int64
	Day          int32 // days since 1970-01-01
	EventType    string
	SubEventType string
	Actor1       string
	Actor2       string
	Country      string
	Admin1       string
	Fatalities   int // -1 when unknown
	Injuries     int // -1 when unknown
	GeoPrecision int
	x, y         uint32
	lon, lat     float64 // exact, for polar points only
	polar        bool
}

// Date returns the row's date as "YYYY-MM-DD".
func (v *View) Date() string { return formatDay(v.Day) }

// Point returns the row's coordinates, to about 1e-7 degrees.
func (v *View) Point() (lon, lat float64) {
	if v.polar {
		return v.lon, v.lat
	}
	return lonOf(float64(v.x) + 0.5), latOf(float64(v.y) + 0.5)
}

func (s *Snapshot) view(seg *segment, i int) View {
	c := &seg.c
	v := View{ID: c.id.at(i), Day: c.day[i], EventType: s.et.vals[c.et[i]], SubEventType: s.sub.vals[c.sub[i]],
		Actor1: s.actor.vals[c.a1[i]], Actor2: s.actor.vals[c.a2[i]], Country: s.country.vals[c.country[i]],
		Admin1: s.admin1.vals[c.admin1[i]], Fatalities: s.fatalities(seg, i), Injuries: s.injuries(seg, i),
		GeoPrecision: int(c.gp[i] &^ polarBit), x: c.x[i], y: c.y[i], polar: c.gp[i]&polarBit != 0}
	if v.polar {
		e := s.extras[v.ID]
		v.lon, v.lat = e.lon, e.lat
	}
	return v
}

// fatalities returns row i's fatalities, -1 when unknown.
func (s *Snapshot) fatalities(seg *segment, i int) int {
	switch f := seg.c.fat[i]; f {
	case countNull:
		return -1
	case countLarge:
		return s.extras[seg.c.id.at(i)].fat
	default:
		return int(f)
	}
}

func (s *Snapshot) injuries(seg *segment, i int) int {
	switch f := seg.c.inj[i]; f {
	case countNull:
		return -1
	case countLarge:
		return s.extras[seg.c.id.at(i)].inj
	default:
		return int(f)
	}
}

// fatalSum returns row i's fatalities as a sum counts them (unknown: 0).
func (s *Snapshot) fatalSum(seg *segment, i int) int {
	f := seg.c.fat[i]
	if f < countLarge {
		return int(f)
	}
	if f == countNull {
		return 0
	}
	return s.extras[seg.c.id.at(i)].fat
}

// plain reports whether the query has no condition but the box.
func (q *Query) plain() bool {
	return !q.hasDay && q.et == nil && q.actor == nil && q.country < 0 && q.minFat == 0 && !q.ids && q.expr == nil
}

// polygonOnly returns the query's one condition when it is a CQL2
// geometry with a raster that gave the query its box (no polar points
// possible), nil otherwise: Count then counts the raster's inside cells
// without reading their rows.
func (q *Query) polygonOnly() *spatialNode {
	if q.hasDay || q.et != nil || q.actor != nil || q.country >= 0 || q.minFat != 0 || q.ids || q.expr == nil ||
		q.polarPossible || len(q.rects) != 1 || len(q.expr.conj) != 1 {
		return nil
	}
	sp, ok := q.expr.conj[0].(*spatialNode)
	if !ok || !sp.inRects || sp.raster == nil || sp.raster.r != q.rects[0] {
		return nil
	}
	return sp
}

// Count returns the number of incidents matching the query: the count of
// an earlier scan of the query (a page's) when there was one.
func (q *Query) Count() int {
	if q.none {
		return 0
	}
	if c := q.counted.Load(); c > 0 {
		return int(c - 1)
	}
	s := q.s
	if sm, ok := q.summed(); ok {
		// The whole blocks count from the base's summary.
		if q.box == nil {
			return q.countSummed(&sm, 0, s.base.c.len()) + q.countRows(&s.delta, true, 0, s.delta.c.len(), area{})
		}
		n := 0
		for _, sp := range q.boxSpans {
			if sp.test {
				n += q.countRows(&s.base, false, sp.lo, sp.hi, q.queryArea())
			} else {
				n += q.countSummed(&sm, sp.lo, sp.hi)
			}
		}
		return n + q.countRows(&s.delta, true, 0, s.delta.c.len(), q.queryArea())
	}
	spans := q.boxSpans
	switch sp := q.polygonOnly(); {
	case sp != nil:
		// Runs of rows wholly in the polygon's inside cells count without
		// reading them, as a box's do.
		spans = s.cellSpans(sp.raster.classify, maxSpans, false)
	case q.plain() && q.box == nil:
		return s.live
	case q.box == nil:
		return q.countRows(&s.base, false, 0, s.base.c.len(), area{}) + q.countRows(&s.delta, true, 0, s.delta.c.len(), area{})
	}
	// Runs wholly inside the region count without reading their rows
	// when nothing else is asked of them.
	whole := q.plain() || q.polygonOnly() != nil
	n := 0
	for _, sp := range spans {
		if !sp.test && whole {
			n += sp.hi - sp.lo - countDead(s.base.dead, sp.lo, sp.hi)
			continue
		}
		n += q.countRows(&s.base, false, sp.lo, sp.hi, q.queryArea().test(sp.test))
	}
	return n + q.countRows(&s.delta, true, 0, s.delta.c.len(), q.queryArea())
}

// countDead counts the set bits of dead in [lo, hi).
func countDead(dead []uint64, lo, hi int) int {
	if dead == nil {
		return 0
	}
	n := 0
	for i := lo; i < hi; {
		w := i >> 6
		if w >= len(dead) {
			break
		}
		if i&63 == 0 && i+64 <= hi {
			n += popcount(dead[w])
			i += 64
			continue
		}
		if dead[w]&(1<<(i&63)) != 0 {
			n++
		}
		i++
	}
	return n
}

func popcount(w uint64) int { return bitset{w}.count() }

// Stats returns the count, fatalities and date range of the matches,
// grouped by event type, month, country, admin1 and actor. The answer for
// no filter at all is computed once per snapshot.
func (q *Query) Stats() incidents.Stats {
	s := q.s
	if q.plain() && q.box == nil && !q.none {
		s.statsOnce.Do(func() { s.stats = q.stats() })
		st := s.stats
		for _, g := range []*[]incidents.StatBucket{&st.ByEventType, &st.ByMonth, &st.ByCountry, &st.ByAdmin1, &st.ByActor} {
			*g = slices.Clone(*g)
		}
		return st
	}
	return q.stats()
}

func (q *Query) stats() incidents.Stats {
	s := q.s
	type acc struct{ n, fat int }
	et := make([]acc, len(s.et.vals))
	country := make([]acc, len(s.country.vals))
	admin1 := make([]acc, len(s.admin1.vals))
	actor := make([]acc, len(s.actor.vals))
	lo, hi := s.dayMin, s.dayMax
	var days []acc
	months := map[int]*acc{}
	if hi >= lo && int64(hi)-int64(lo) < 1<<16 {
		days = make([]acc, int(hi-lo)+1)
	}
	var total acc
	minDay, maxDay := int32(math.MaxInt32), int32(math.MinInt32)
	// The loop avoids branches that depend on the data (an unknown count,
	// actor2 equal to actor1), which a CPU cannot predict.
	visit := func(seg *segment, sel []int32) {
		c := &seg.c
		total.n += len(sel)
		for _, i := range sel {
			fv := c.fat[i]
			f := int(fv) & -b2i(fv < countLarge) // unknown: 0
			if fv == countLarge {
				f = s.extras[c.id.at(int(i))].fat
			}
			d := c.day[i]
			if days != nil {
				a := &days[d-lo]
				a.n++
				a.fat += f
			} else {
				minDay, maxDay = min(minDay, d), max(maxDay, d)
				m := monthOf(d)
				a := months[m]
				if a == nil {
					a = &acc{}
					months[m] = a
				}
				a.n++
				a.fat += f
			}
			a := &et[c.et[i]]
			a.n++
			a.fat += f
			a = &country[c.country[i]]
			a.n++
			a.fat += f
			a = &admin1[c.admin1[i]]
			a.n++
			a.fat += f
			a1, a2 := c.a1[i], c.a2[i]
			a = &actor[a1]
			a.n++
			a.fat += f
			other := b2i(a2 != a1)
			a = &actor[a2]
			a.n += other
			a.fat += f & -other
		}
	}
	if sum := s.base.stats; q.plain() && sum != nil {
		monthAcc := func(m int) *acc {
			a := months[m]
			if a == nil {
				a = &acc{}
				months[m] = a
			}
			return a
		}
		var dead []int32
		q.scanSummarised(visit, func(k int) bool {
			lo, hi := k*statRows, (k+1)*statRows
			dead = s.base.deadRows(lo, hi, dead[:0])
			c := &s.base.c
			for _, i := range dead {
				if c.fat[i] == countLarge {
					return false // its count went with its extra: read the block
				}
			}
			for e := sum.off[k]; e < sum.off[k+1]; e++ {
				key := sum.keys[e]
				id, n, f := key&(1<<statKeyBits-1), int(sum.n[e]), int(sum.fat[e])
				var a *acc
				switch key >> statKeyBits {
				case statET:
					a = &et[id]
					total.n += n
				case statCountry:
					a = &country[id]
				case statAdmin1:
					a = &admin1[id]
				case statActor:
					a = &actor[id]
				default:
					a = monthAcc(int(id))
				}
				a.n += n
				a.fat += f
			}
			if len(dead) == 0 {
				minDay, maxDay = min(minDay, sum.minDay[k]), max(maxDay, sum.maxDay[k])
				return true
			}
			// Take the dead rows out, and find the first and last days
			// of the live ones.
			total.n -= len(dead)
			for _, i := range dead {
				f := int(c.fat[i]) & -b2i(c.fat[i] != countNull)
				for _, a := range []*acc{monthAcc(monthOf(c.day[i])), &et[c.et[i]], &country[c.country[i]], &admin1[c.admin1[i]], &actor[c.a1[i]]} {
					a.n--
					a.fat -= f
				}
				if c.a2[i] != c.a1[i] {
					actor[c.a2[i]].n--
					actor[c.a2[i]].fat -= f
				}
			}
			for i := lo; i < hi; i++ {
				if !s.base.isDead(i) {
					minDay, maxDay = min(minDay, c.day[i]), max(maxDay, c.day[i])
				}
			}
			return true
		})
	} else {
		q.scan(visit)
	}
	for _, a := range et {
		total.fat += a.fat
	}
	for i, a := range days {
		if a.n > 0 {
			minDay, maxDay = min(minDay, lo+int32(i)), max(maxDay, lo+int32(i))
		}
	}
	out := incidents.NewStats()
	out.Count, out.Fatalities = total.n, total.fat
	if total.n == 0 {
		return out
	}
	out.MinDate, out.MaxDate = formatDay(minDay), formatDay(maxDay)
	for i, a := range days {
		if a.n == 0 {
			continue
		}
		m := monthOf(lo + int32(i))
		b := months[m]
		if b == nil {
			b = &acc{}
			months[m] = b
		}
		b.n += a.n
		b.fat += a.fat
	}
	for _, m := range slices.Sorted(mapKeys(months)) {
		if months[m].n == 0 {
			continue // its rows were dead ones of a summarised block
		}
		out.ByMonth = append(out.ByMonth, incidents.StatBucket{Key: formatMonth(m), Count: months[m].n, Fatalities: months[m].fat})
	}
	buckets := func(accs []acc, vals []string, skipEmpty bool, top int) []incidents.StatBucket {
		out := []incidents.StatBucket{}
		for i, a := range accs {
			if a.n > 0 && !(skipEmpty && i == 0) {
				out = append(out, incidents.StatBucket{Key: vals[i], Count: a.n, Fatalities: a.fat})
			}
		}
		slices.SortFunc(out, func(a, b incidents.StatBucket) int {
			return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Key, b.Key))
		})
		if top > 0 && len(out) > top {
			out = out[:top]
		}
		return out
	}
	out.ByEventType = buckets(et, s.et.vals, false, 0)
	out.ByCountry = buckets(country, s.country.vals, false, 0)
	out.ByAdmin1 = buckets(admin1, s.admin1.vals, true, incidents.TopAdmin1)
	out.ByActor = buckets(actor, s.actor.vals, true, incidents.TopActors)
	return out
}

func mapKeys[K comparable, V any](m map[K]V) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// maxCellGrid bounds the cells times event types Clusters accumulates in
// arrays; larger grids go through geo.Clusterer point by point.
const maxCellGrid = 1 << 20

// Clusters returns the clusters of the matches (the query's box ignored)
// in tile t on a grid of 2^depth by 2^depth cells, as geo.Clusterer makes
// them: each centroid is the mean longitude and latitude of the points,
// within 1e-7 degrees.
func (q *Query) Clusters(t geo.Tile, depth int) []geo.Cluster {
	depth = min(max(depth, 0), 32-t.Z)
	cl := geo.NewClusterer(t, depth)
	s := q.s
	nET := len(s.et.vals)
	side := 1 << depth
	if side*side*nET > maxCellGrid {
		q.scanTile(t, func(seg *segment, sel []int32) {
			for _, i := range sel {
				v := s.view(seg, int(i))
				lon, lat := v.Point()
				cl.AddPoint(lon, lat, v.EventType, s.fatalSum(seg, int(i)))
			}
		})
		return cl.Clusters()
	}
	type acc struct {
		n, fat int
		sumX   uint64
		sumLat float64
	}
	lat := latTable()
	cells := make([]acc, side*side)
	byType := make([]int32, side*side*nET)
	g := newTileGrid(t.Z, t.X, t.Y, depth)
	cx0, cy0 := g.cx0, g.cy0
	addRows := func(seg *segment, sel []int32) {
		xs, ys, ets := seg.c.x, seg.c.y, seg.c.et
		for _, i := range sel {
			x, y := xs[i], ys[i]
			k := g.cell(uint64(x>>g.sh), uint64(y>>g.sh))
			a := &cells[k]
			a.n++
			a.fat += s.fatalSum(seg, int(i))
			a.sumX += uint64(x)
			a.sumLat += latFast(lat, y)
			byType[k*nET+int(ets[i])]++
		}
	}
	// The base's rows come from its cell summary when the tile's cells are
	// no deeper than the summary's and the query asks for every row.
	if sum := s.base.cells; sum != nil && g.cz <= sum.level && q.plain() && !q.none && t.Valid() &&
		q.clustersFromCells(g, func(k int, e uint16, n int, fat int64, sumX uint64, sumLat float64) {
			a := &cells[k]
			a.n += n
			a.fat += int(fat)
			a.sumX += sumX
			a.sumLat += sumLat
			byType[k*nET+int(e)] += int32(n)
		}) {
		q.scanTileDelta(t, addRows)
	} else {
		clear(cells)
		clear(byType)
		q.scanTile(t, addRows)
	}
	cz := g.cz
	for k, a := range cells {
		if a.n == 0 {
			continue
		}
		cell := geo.Tile{Z: cz, X: int(cx0) + k%side, Y: int(cy0) + k/side}
		lon := lonOf(float64(a.sumX)/float64(a.n) + 0.5)
		meanLat := a.sumLat / float64(a.n)
		fat := a.fat
		for e := range nET {
			if n := int(byType[k*nET+e]); n > 0 {
				cl.Add(cell, s.et.vals[e], n, fat, lon*float64(n), meanLat*float64(n))
				fat = 0
			}
		}
	}
	return cl.Clusters()
}

// TilePoints returns up to limit matches (the query's box ignored) in
// tile t, in a stable order, and whether the tile holds more; limit <= 0
// means no limit. Coordinates are those of the grid, within 1e-7 degrees
// of the stored ones.
func (q *Query) TilePoints(t geo.Tile, limit int) ([]incidents.TilePoint, bool) {
	s := q.s
	var pts []incidents.TilePoint
	more := false
	stop := false
	q.scanTile(t, func(seg *segment, sel []int32) {
		c := &seg.c
		for _, i := range sel {
			if stop {
				return
			}
			if limit > 0 && len(pts) == limit {
				more, stop = true, true
				return
			}
			p := incidents.TilePoint{ID: c.id.at(int(i)), Lon: lonOf(float64(c.x[i]) + 0.5), Lat: latOf(float64(c.y[i]) + 0.5),
				Date: formatDay(c.day[i]), EventType: s.et.vals[c.et[i]]}
			if f := s.fatalities(seg, int(i)); f >= 0 {
				p.Fatalities = &f
			}
			pts = append(pts, p)
		}
	})
	return pts, more
}

// Heat returns the matches (in the query's box) aggregated into the
// tiles of zoom z, at most 24, one point per non-empty cell at the mean
// position of its incidents; when that gives more than maxPoints cells
// (maxPoints > 0), coarser zooms are tried until it does not. Points
// beyond the Mercator latitudes are left out.
func (q *Query) Heat(z, maxPoints int) []incidents.HeatPoint {
	z = min(max(z, 0), sortBits/2)
	s := q.s
	type acc struct {
		key        uint64
		n, fat     int
		sumX, sumY uint64
	}
	var cells []acc
	var deltaCells map[uint64]*acc
	shift := uint(64 - 2*z)
	keyOf := func(x, y uint32) uint64 {
		if z == 0 {
			return 0
		}
		return zkey(x, y) >> shift
	}
	q.scan(func(seg *segment, sel []int32) {
		c := &seg.c
		for _, i := range sel {
			if c.gp[i]&polarBit != 0 {
				continue
			}
			x, y := c.x[i], c.y[i]
			k := keyOf(x, y)
			var a *acc
			if seg == &s.base {
				if n := len(cells); n > 0 && cells[n-1].key == k {
					a = &cells[n-1]
				} else {
					cells = append(cells, acc{key: k})
					a = &cells[len(cells)-1]
				}
			} else {
				if deltaCells == nil {
					deltaCells = map[uint64]*acc{}
				}
				if a = deltaCells[k]; a == nil {
					a = &acc{key: k}
					deltaCells[k] = a
				}
			}
			a.n++
			a.fat += s.fatalSum(seg, int(i))
			a.sumX += uint64(x)
			a.sumY += uint64(y)
		}
	})
	for _, a := range deltaCells {
		cells = append(cells, *a)
	}
	merge := func(cells []acc) []acc {
		slices.SortFunc(cells, func(a, b acc) int { return cmp.Compare(a.key, b.key) })
		out := cells[:0]
		for _, a := range cells {
			if n := len(out); n > 0 && out[n-1].key == a.key {
				b := &out[n-1]
				b.n, b.fat, b.sumX, b.sumY = b.n+a.n, b.fat+a.fat, b.sumX+a.sumX, b.sumY+a.sumY
				continue
			}
			out = append(out, a)
		}
		return out
	}
	cells = merge(cells)
	for maxPoints > 0 && len(cells) > maxPoints && z > 0 {
		z--
		for i := range cells {
			cells[i].key >>= 2
		}
		cells = merge(cells)
	}
	out := make([]incidents.HeatPoint, len(cells))
	for i, a := range cells {
		out[i] = incidents.HeatPoint{Lon: lonOf(float64(a.sumX)/float64(a.n) + 0.5), Lat: latOf(float64(a.sumY)/float64(a.n) + 0.5),
			Count: a.n, Fatalities: a.fat}
	}
	return out
}

// Page chooses one page of the matches, newest first (date descending,
// then id descending): the ids of the first limit matches after cursor
// (as incidents.EncodeCursor makes it; "" for the first page), and the
// cursor of the next page, "" when this is the last one. limit <= 0 means
// incidents.DefaultLimit. The store then only fetches those rows.
func (q *Query) Page(cursor string, limit int) (ids []int64, next string, err error) {
	if limit <= 0 {
		limit = incidents.DefaultLimit
	}
	afterDay, afterID := int32(math.MaxInt32), int64(math.MaxInt64)
	if cursor != "" {
		date, id, err := incidents.DecodeCursor(cursor)
		if err != nil {
			return nil, "", err
		}
		if afterDay, err = parseDay(date); err != nil {
			return nil, "", err
		}
		afterID = id
	}
	if keys, more, ok := q.pageFromOrder(afterDay, afterID, limit); ok {
		ids, next = pageIDs(keys, more)
		return ids, next, nil
	}
	h := &pageHeap{}
	more := false
	visit := func(seg *segment, sel []int32) {
		days, idc := seg.c.day, &seg.c.id
		for _, i := range sel {
			k := pageKey{days[i], idc.at(int(i))}
			if !k.before(afterDay, afterID) {
				continue
			}
			more = more || len(h.k) == limit
			h.offer(k, limit)
		}
	}
	// Once the page is full, a block of rows whose latest day is older
	// than the page's oldest row holds nothing for the page: the newest
	// rows are recent, and most blocks are left unread. Only a query
	// whose count needs no scan of every row (a box, or a polygon's
	// raster) skips: another must read every row for its count anyway,
	// which a scan that reads them all gives at once.
	var skip func(int) bool
	if q.plain() || q.polygonOnly() != nil {
		latest := q.s.base.blockLatest
		skip = func(b int) bool { return len(h.k) == limit && latest[b] < h.k[0].day }
	}
	skipped := q.scanSkipping(visit, skip)
	// A block left out may still hold a match after the page: the first
	// one found says there is a next page.
	for _, r := range skipped {
		if more {
			break
		}
		q.scanRun(r, make([]int32, 0, chunk), visit, nil, nil)
	}
	keys := h.k
	slices.SortFunc(keys, newestFirst)
	ids, next = pageIDs(keys, more)
	return ids, next, nil
}

// pageIDs returns the ids of a page's keys, newest first, and the cursor
// of the next page when there is one.
func pageIDs(keys []pageKey, more bool) (ids []int64, next string) {
	ids = make([]int64, len(keys))
	for i, k := range keys {
		ids[i] = k.id
	}
	if more {
		last := keys[len(keys)-1]
		next = incidents.EncodeCursor(formatDay(last.day), last.id)
	}
	return ids, next
}

type pageKey struct {
	day int32
	id  int64
}

// before reports whether k comes after the cursor (afterDay, afterID) in
// page order, that is, is older.
func (k pageKey) before(afterDay int32, afterID int64) bool {
	return k.day < afterDay || k.day == afterDay && k.id < afterID
}

// newestFirst orders keys in page order.
func newestFirst(a, b pageKey) int { return cmp.Or(cmp.Compare(b.day, a.day), cmp.Compare(b.id, a.id)) }

// pageHeap is a min-heap of the page so far: its root is the oldest.
type pageHeap struct{ k []pageKey }

func (h *pageHeap) Len() int { return len(h.k) }
func (h *pageHeap) Less(i, j int) bool {
	a, b := h.k[i], h.k[j]
	return a.day < b.day || a.day == b.day && a.id < b.id
}
func (h *pageHeap) Swap(i, j int) { h.k[i], h.k[j] = h.k[j], h.k[i] }
func (h *pageHeap) Push(x any)    { h.k = append(h.k, x.(pageKey)) }

// offer adds k to a heap of at most max keys, replacing the oldest when
// the heap is full and k is newer.
func (h *pageHeap) offer(k pageKey, max int) {
	if len(h.k) < max {
		heap.Push(h, k)
		return
	}
	if top := h.k[0]; k.day > top.day || k.day == top.day && k.id > top.id {
		h.k[0] = k
		heap.Fix(h, 0)
	}
}

func (h *pageHeap) Pop() any {
	x := h.k[len(h.k)-1]
	h.k = h.k[:len(h.k)-1]
	return x
}

// Extent returns the bounding box and date range of every incident of the
// snapshot; the box contains every point (its edges are within 1e-7
// degrees of the extreme coordinates). A store makes it exact with the
// coordinates of the rows ExtentIDs names.
func (s *Snapshot) Extent() incidents.Extent {
	s.computeExtent()
	return s.extent
}

// ExtentIDs returns the ids of the incidents whose exact coordinates give
// the extreme longitudes and latitudes of Extent: the rows in the
// westernmost, easternmost, northernmost and southernmost grid columns
// and rows, at most 64 of each, which holds the extreme unless more than
// 64 distinct points share a column 1e-7 degrees wide, and the points
// beyond the Mercator latitudes at the extremes.
func (s *Snapshot) ExtentIDs() []int64 {
	s.computeExtent()
	return s.extentIDs
}

func (s *Snapshot) computeExtent() {
	s.extentOnce.Do(func() {
		var e incidents.Extent
		minX, minY := uint32(math.MaxUint32), uint32(math.MaxUint32)
		var maxX, maxY uint32
		minLon, minLat, maxLon, maxLat := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
		minDay, maxDay := int32(math.MaxInt32), int32(math.MinInt32)
		var polarIDs [4]int64 // of the polar points at minLon, maxLon, minLat, maxLat
		for _, seg := range []*segment{&s.base, &s.delta} {
			c := &seg.c
			for i := range c.len() {
				if seg.isDead(i) {
					continue
				}
				e.Count++
				minDay, maxDay = min(minDay, c.day[i]), max(maxDay, c.day[i])
				if c.gp[i]&polarBit != 0 {
					x, id := s.extras[c.id.at(i)], c.id.at(i)
					for k, better := range [4]bool{x.lon < minLon, x.lon > maxLon, x.lat < minLat, x.lat > maxLat} {
						if better {
							polarIDs[k] = id
						}
					}
					minLon, maxLon = min(minLon, x.lon), max(maxLon, x.lon)
					minLat, maxLat = min(minLat, x.lat), max(maxLat, x.lat)
					continue
				}
				minX, maxX = min(minX, c.x[i]), max(maxX, c.x[i])
				minY, maxY = min(minY, c.y[i]), max(maxY, c.y[i])
			}
		}
		// The rows in the extreme columns and rows, for ExtentIDs.
		for _, id := range polarIDs {
			if id != 0 && !slices.Contains(s.extentIDs, id) {
				s.extentIDs = append(s.extentIDs, id)
			}
		}
		if minX <= maxX {
			const most = 64
			var nx0, nx1, ny0, ny1 int
			for _, seg := range []*segment{&s.base, &s.delta} {
				c := &seg.c
				for i := range c.len() {
					if seg.isDead(i) || c.gp[i]&polarBit != 0 {
						continue
					}
					x, y := c.x[i], c.y[i]
					hit := false
					for _, b := range []struct {
						on bool
						n  *int
					}{{x == minX, &nx0}, {x == maxX, &nx1}, {y == minY, &ny0}, {y == maxY, &ny1}} {
						if b.on && *b.n < most {
							*b.n++
							hit = true
						}
					}
					if hit {
						s.extentIDs = append(s.extentIDs, c.id.at(i))
					}
				}
			}
		}
		if e.Count > 0 {
			if minX <= maxX {
				minLon, maxLon = min(minLon, lonOf(float64(minX))), max(maxLon, min(180, lonOf(float64(maxX)+1)))
				minLat, maxLat = min(minLat, latOf(float64(maxY)+1)), max(maxLat, latOf(float64(minY)))
			}
			e.MinLon, e.MinLat, e.MaxLon, e.MaxLat = minLon, minLat, maxLon, maxLat
			e.MinDate, e.MaxDate = formatDay(minDay), formatDay(maxDay)
		}
		s.extent = e
	})
}
