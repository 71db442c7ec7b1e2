// Package index is mapd's in-memory columnar index of every incident: it
// answers counts, statistics, tile clusters and points, heat maps, the
// extent and the choice of a page's rows for any filter, without reading
// the store. A store feeds it the same way whichever it is: one scan when
// it opens (Builder), then every write it commits (Index.Apply), and a new
// scan when another process moved its data version.
//
// Rows live in fixed-width columns (Web Mercator x and y as uint32, day
// number, dictionary ids for the text fields, 16-bit counts), about 47
// bytes per incident. The base segment is sorted along the Z-order curve,
// so a tile is one run of rows and a box a few; writes go to a small
// delta segment and mark replaced rows dead, and the delta is merged into
// a new base when it grows. A base also keeps summaries of its blocks of
// rows (see summary and statSummary, under a byte per incident), from
// which a count of one condition and the statistics of a box add a few
// numbers a block instead of reading its rows. Readers work on an
// immutable Snapshot and never wait for a writer.
//
// How a store feeds it:
//
//	b := ix.NewBuilder(n)         // before the scan's read transaction starts
//	for each row (ascending id):  //   SELECT ... FROM incidents ORDER BY id
//		b.Add(&row)
//	b.Finish(versionOfTheScan)    // writes applied meanwhile are replayed
//
// A store that scans on several connections at once (each reading the
// same data version) feeds each share into a Part of its own, from its
// own goroutine, and joins it with b.AddPart before Finish.
//
//	// every committed write, in commit order, before it returns:
//	ix.Apply(newVersion, rowsCreatedOrChanged, idsDeleted)
//
// and how it reads:
//
//	s := ix.Current()             // nil: not built yet, or over budget
//	q, err := s.Compile(filter, ftsIDs)
//	q.Count(); q.Stats(); q.Clusters(tile, depth); q.Page(cursor, limit)
//
// The memory budget (Options.MaxBytes) is checked on every build and
// write; past it the index logs why, Current returns nil, and the store
// answers from its own indexes: slower, never out of memory.
package index

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/mapd/mapd/incidents"
)

// ErrOverBudget is returned when the incidents need more memory than
// Options.MaxBytes allows; the index then holds nothing and the store
// answers from its own indexes.
var ErrOverBudget = errors.New("index: over the memory budget")

// DefaultMaxBytes is the memory budget of an Index whose Options set none:
// about 22 million incidents.
const DefaultMaxBytes = 1 << 30

// Options configure an Index.
type Options struct {
	// MaxBytes bounds the memory of the columns (0: DefaultMaxBytes).
	// Building or growing past it disables the index with a log line.
	MaxBytes int64
	// Logger receives the index's rare log lines (nil: none).
	Logger *slog.Logger
}

// Index holds the current Snapshot and applies writes to it.
type Index struct {
	opts Options
	log  *slog.Logger
	cur  atomic.Pointer[Snapshot]

	mu       sync.Mutex // serialises writers; readers never take it
	w        *writer    // the writable state behind cur; nil before the first build
	builders map[*Builder]struct{}
	disabled error
}

// New returns an empty index; Current returns nil until a Builder
// finishes.
func New(opts Options) *Index {
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Index{opts: opts, log: log, builders: map[*Builder]struct{}{}}
}

// MaxRows returns the number of incidents the memory budget holds.
func (ix *Index) MaxRows() int { return int(ix.opts.MaxBytes / rowBytes) }

// Current returns the snapshot readers should use, or nil when the index
// is not built yet or was disabled (see Err).
func (ix *Index) Current() *Snapshot { return ix.cur.Load() }

// Err returns why the index was disabled, nil when it is not.
func (ix *Index) Err() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.disabled
}

// writer is the state behind the current snapshot that only writers touch.
type writer struct {
	dicts     dicts
	base      segment
	delta     cols // appended to; snapshots view a prefix
	deltaDead []uint64
	deltaPos  map[int64]uint32
	extras    map[int64]extra // copied on write
	live      int
	version   int64
	// dayMin and dayMax bound the days of every row ever added (dead ones
	// too), so that statistics can count days in an array.
	dayMin, dayMax int32
}

type dicts struct {
	et, sub, actor, country, admin1 *dict
}

func newDicts() dicts {
	return dicts{et: newDict(false), sub: newDict(false), actor: newDict(true), country: newDict(false), admin1: newDict(false)}
}

// encode turns a Row into column values, adding new strings to the
// dictionaries, and reports the extra to keep for it (if any).
func (d *dicts) encode(r *Row) (cell, *extra, error) {
	day, err := parseDay(r.Date)
	if err != nil {
		return cell{}, nil, fmt.Errorf("index: incident %d: %w", r.ID, err)
	}
	x, y, polar := mercator(r.Lon, r.Lat)
	c := cell{x: x, y: y, day: day, id: r.ID, a1: d.actor.id(r.Actor1), a2: d.actor.id(r.Actor2),
		admin1: d.admin1.id(r.Admin1), gp: uint8(min(max(r.GeoPrecision, 0), 0x7f))}
	et, sub, country := d.et.id(r.EventType), d.sub.id(r.SubEventType), d.country.id(r.Country)
	if et > 0xFFFF || sub > 0xFFFF || country > 0xFFFF {
		return cell{}, nil, fmt.Errorf("%w: more than 65,535 distinct event types, sub-event types or countries", ErrOverBudget)
	}
	c.et, c.sub, c.country = uint16(et), uint16(sub), uint16(country)
	var ex *extra
	c.fat, c.inj = small(r.Fatalities), small(r.Injuries)
	if polar || c.fat == countLarge || c.inj == countLarge {
		ex = &extra{fat: r.Fatalities, inj: r.Injuries, lon: r.Lon, lat: r.Lat}
		if polar {
			c.gp |= polarBit
		}
	}
	return c, ex, nil
}

func small(n int) uint16 {
	switch {
	case n < 0:
		return countNull
	case n >= countLarge:
		return countLarge
	}
	return uint16(n)
}

// Builder collects the rows of one scan of a store. Writes the store
// applies while the scan runs are recorded and replayed when it finishes,
// so a store may scan in its own read transaction, concurrently with its
// writes, provided it calls NewBuilder before that transaction starts.
type Builder struct {
	ix      *Index
	part    Part
	added   atomic.Int64 // rows added to the Parts of this build, see Part.Add
	pending []op
	stale   bool
}

// op is one recorded write.
type op struct {
	version int64
	upsert  []Row
	del     []int64
}

// maxPending bounds the rows of writes a running build records; beyond
// it the build is stale and Finish says so.
const maxPending = 1 << 20

// NewBuilder starts a build; sizeHint is the expected number of rows.
func (ix *Index) NewBuilder(sizeHint int) *Builder {
	b := &Builder{ix: ix}
	b.part = b.newPart(sizeHint)
	ix.mu.Lock()
	ix.builders[b] = struct{}{}
	ix.mu.Unlock()
	return b
}

// Add adds one row. It returns ErrOverBudget when the rows outgrow the
// memory budget, and an error matching incidents.ErrInvalid for a row
// whose date does not parse. Rows added in ascending id order build
// fastest.
func (b *Builder) Add(r *Row) error { return b.part.Add(r) }

// Part collects a share of a build's rows for a feeder of its own, so
// that a store can scan on several connections at once: each feeds its
// own Part (one goroutine each; the Builder's own Add is one more
// feeder), and AddPart then joins them to the Builder's rows.
type Part struct {
	b       *Builder
	d       dicts
	c       cols
	extras  map[int64]extra
	lastID  int64
	ordered bool
	dayMin  int32
	dayMax  int32
	unsent  int64 // rows added but not yet counted in b.added
	maxRows int   // b.ix.MaxRows(), without a division per row
}

// NewPart returns an empty Part of the build; sizeHint is the expected
// number of its rows.
func (b *Builder) NewPart(sizeHint int) *Part {
	p := b.newPart(sizeHint)
	return &p
}

func (b *Builder) newPart(sizeHint int) Part {
	n := b.ix.MaxRows()
	return Part{b: b, d: newDicts(), c: makeCols(max(0, min(sizeHint, n))), extras: map[int64]extra{}, ordered: true,
		dayMin: math.MaxInt32, dayMax: math.MinInt32, maxRows: n}
}

// countEvery is how many rows a Part adds between two updates of its
// Builder's shared count, which the memory budget is checked against.
const countEvery = 1024

// Add adds one row to the part, as Builder.Add does. The memory budget
// holds for the rows of every part of the build together.
func (p *Part) Add(r *Row) error {
	if p.unsent++; p.unsent == countEvery {
		p.unsent = 0
		if n := p.b.added.Add(countEvery); n > int64(p.maxRows) {
			return p.b.overBudget()
		}
	}
	if p.c.len() >= p.maxRows {
		return p.b.overBudget()
	}
	c, ex, err := p.d.encode(r)
	if err != nil {
		return err
	}
	if r.ID <= p.lastID && p.c.len() > 0 {
		p.ordered = false
	}
	p.lastID = r.ID
	p.dayMin, p.dayMax = min(p.dayMin, c.day), max(p.dayMax, c.day)
	p.c.append(c)
	if ex != nil {
		p.extras[r.ID] = *ex
	}
	return nil
}

func (b *Builder) overBudget() error {
	return fmt.Errorf("%w: more than %d incidents (%d MiB)", ErrOverBudget, b.ix.MaxRows(), b.ix.opts.MaxBytes>>20)
}

// AddPart joins the rows of p, a Part of this build, to the Builder's
// own rows; p is empty afterwards. Parts whose rows all have greater ids
// than those already added, joined in ascending id order, build fastest.
func (b *Builder) AddPart(p *Part) error {
	if p.b != b {
		return errors.New("index: AddPart of another build's part")
	}
	q := &b.part
	if q.c.len()+p.c.len() > b.ix.MaxRows() {
		return b.overBudget()
	}
	et, sub, actor := q.d.et.merge(p.d.et), q.d.sub.merge(p.d.sub), q.d.actor.merge(p.d.actor)
	country, admin1 := q.d.country.merge(p.d.country), q.d.admin1.merge(p.d.admin1)
	if len(q.d.et.vals) > 0x10000 || len(q.d.sub.vals) > 0x10000 || len(q.d.country.vals) > 0x10000 {
		return fmt.Errorf("%w: more than 65,535 distinct event types, sub-event types or countries", ErrOverBudget)
	}
	if p.c.len() > 0 {
		if q.c.len() > 0 && p.c.id.at(0) <= q.lastID || !p.ordered {
			q.ordered = false
		}
		q.lastID = p.lastID
	}
	q.dayMin, q.dayMax = min(q.dayMin, p.dayMin), max(q.dayMax, p.dayMax)
	pc := &p.c
	q.c.x, q.c.y, q.c.day = append(q.c.x, pc.x...), append(q.c.y, pc.y...), append(q.c.day, pc.day...)
	q.c.id.pushAll(&pc.id)
	q.c.et, q.c.sub = appendMapped(q.c.et, pc.et, et), appendMapped(q.c.sub, pc.sub, sub)
	q.c.a1, q.c.a2 = appendMapped(q.c.a1, pc.a1, actor), appendMapped(q.c.a2, pc.a2, actor)
	q.c.country, q.c.admin1 = appendMapped(q.c.country, pc.country, country), appendMapped(q.c.admin1, pc.admin1, admin1)
	q.c.fat, q.c.inj, q.c.gp = append(q.c.fat, pc.fat...), append(q.c.inj, pc.inj...), append(q.c.gp, pc.gp...)
	for id, ex := range p.extras {
		q.extras[id] = ex
	}
	*p = b.newPart(0)
	return nil
}

// appendMapped appends the dictionary ids src, mapped through m, to dst.
func appendMapped[T uint16 | uint32](dst, src []T, m []uint32) []T {
	for _, v := range src {
		dst = append(dst, T(m[v]))
	}
	return dst
}

// Len returns the rows added so far, those of parts not yet joined
// aside.
func (b *Builder) Len() int { return b.part.c.len() }

// Abort abandons the build.
func (b *Builder) Abort() {
	b.ix.mu.Lock()
	delete(b.ix.builders, b)
	b.ix.mu.Unlock()
}

// ErrStale is returned by Finish when more writes came during the build
// than it could record; the store should build again.
var ErrStale = errors.New("index: writes outran the build")

// Finish sorts the rows, replays the writes applied during the build and
// makes the result the current snapshot, at the store's data version
// version (that of the scan's read transaction). Readers keep using the
// previous snapshot until it returns.
func (b *Builder) Finish(version int64) error {
	base, err := b.base()
	if err != nil {
		b.Abort()
		return err
	}
	ix := b.ix
	ix.mu.Lock()
	defer ix.mu.Unlock()
	delete(ix.builders, b)
	if b.stale {
		return ErrStale
	}
	p := &b.part
	w := &writer{dicts: p.d, base: base, delta: makeCols(0), deltaPos: map[int64]uint32{}, extras: p.extras,
		live: base.c.len(), version: version, dayMin: p.dayMin, dayMax: p.dayMax}
	for _, o := range b.pending {
		if err := w.apply(ix, o.version, o.upsert, o.del); err != nil {
			return ix.disable(err)
		}
	}
	ix.w, ix.disabled = w, nil
	ix.publish()
	return nil
}

// base sorts the builder's rows into a base segment.
func (b *Builder) base() (segment, error) {
	p := &b.part
	if !p.ordered {
		perm := make([]uint32, p.c.len())
		for i := range perm {
			perm[i] = uint32(i)
		}
		slices.SortStableFunc(perm, func(i, j uint32) int {
			switch x, y := p.c.id.at(int(i)), p.c.id.at(int(j)); {
			case x < y:
				return -1
			case x > y:
				return 1
			}
			return 0
		})
		for k := 1; k < len(perm); k++ {
			if p.c.id.at(int(perm[k])) == p.c.id.at(int(perm[k-1])) {
				return segment{}, fmt.Errorf("index: incident %d was added twice", p.c.id.at(int(perm[k])))
			}
		}
		p.c = gather(&p.c, perm)
	}
	return sortedSegment(&p.c, p.extras), nil
}

// blockMaxima returns the largest count of col (fatalities or injuries)
// in each block of chunk rows, -1 for a block with none known; a large
// count is read from extras through field.
func blockMaxima(col []uint16, ids *idCol, extras map[int64]extra, field func(extra) int) []int32 {
	out := make([]int32, (len(col)+chunk-1)/chunk)
	for k := range out {
		m := -1
		for i := k * chunk; i < min((k+1)*chunk, len(col)); i++ {
			switch v := col[i]; v {
			case countNull:
			case countLarge:
				m = max(m, field(extras[ids.at(i)]))
			default:
				m = max(m, int(v))
			}
		}
		out[k] = int32(min(m, math.MaxInt32))
	}
	return out
}

// sortedSegment returns the rows of c, which are in ascending id order
// and whose large counts are in extras, as a base segment.
func sortedSegment(c *cols, extras map[int64]extra) segment {
	var lo, hi int64
	if n := c.len(); n > 0 {
		lo, hi = c.id.at(0), c.id.at(n-1)
	}
	perm := zorder(c)
	s := segment{c: gather(c, perm), sorted: true}
	// The statistics' summary takes longest: on a processor of its own
	// when there are two.
	var wg sync.WaitGroup
	if s.c.len() >= minParallelGather && runtime.GOMAXPROCS(0) >= 2 {
		wg.Go(func() { s.stats = summarizeStats(&s.c, extras) })
	} else {
		s.stats = summarizeStats(&s.c, extras)
	}
	s.sum = summarize(&s.c)
	s.cells = summarizeCells(&s.c, extras)
	s.blockLatest = make([]int32, (s.c.len()+chunk-1)/chunk)
	for k := range s.blockLatest {
		s.blockLatest[k] = math.MinInt32
	}
	for i, d := range s.c.day {
		s.blockLatest[i/chunk] = max(s.blockLatest[i/chunk], d)
	}
	s.blockMaxFat = blockMaxima(s.c.fat, &s.c.id, extras, func(e extra) int { return e.fat })
	s.blockMaxInj = blockMaxima(s.c.inj, &s.c.id, extras, func(e extra) int { return e.inj })
	s.ids = newIDMap(&s.c.id, perm, lo, hi)
	s.pageOrder = pageOrder(&s.c, &s.ids)
	wg.Wait()
	return s
}

// Apply records one committed write at the store's data version version:
// upsert holds the new state of every incident it created or changed,
// del the ids it deleted. A store calls it in commit order, after the
// commit and before the write returns to its caller, so that the caller
// reads its own write. A write that would outgrow the budget disables the
// index (see Err).
func (ix *Index) Apply(version int64, upsert []Row, del []int64) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for b := range ix.builders {
		if b.stale {
			continue
		}
		n := len(upsert) + len(del)
		for _, o := range b.pending {
			n += len(o.upsert) + len(o.del)
		}
		if n > maxPending {
			b.stale, b.pending = true, nil
			continue
		}
		b.pending = append(b.pending, op{version: version, upsert: cloneRows(upsert), del: slices.Clone(del)})
	}
	if ix.w == nil {
		return ix.disabled
	}
	if err := ix.w.apply(ix, version, upsert, del); err != nil {
		return ix.disable(err)
	}
	ix.publish()
	return nil
}

func cloneRows(rows []Row) []Row {
	out := slices.Clone(rows)
	for i := range out {
		r := &out[i]
		r.Date, r.EventType, r.SubEventType = cloneString(r.Date), cloneString(r.EventType), cloneString(r.SubEventType)
		r.Actor1, r.Actor2, r.Country, r.Admin1 = cloneString(r.Actor1), cloneString(r.Actor2), cloneString(r.Country), cloneString(r.Admin1)
	}
	return out
}

func cloneString(s string) string { return string([]byte(s)) }

// disable drops the index after err, with a log line, and returns err.
func (ix *Index) disable(err error) error {
	ix.w, ix.disabled = nil, err
	ix.cur.Store(nil)
	ix.log.Warn("index disabled: counts, statistics and tiles now come from the store's own indexes, which is slower",
		"err", err, "max_mib", ix.opts.MaxBytes>>20)
	return err
}

// Disable drops the index, for a store that cannot feed it (a failed scan);
// Current returns nil until a build finishes.
func (ix *Index) Disable(err error) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.disable(err)
}

// compactMin and compactShare decide when the delta is merged into a new
// base: when it holds more than compactMin rows and more than 1/compactShare
// of the base.
const (
	compactMin   = 8192
	compactShare = 16
)

func (w *writer) apply(ix *Index, version int64, upsert []Row, del []int64) error {
	var baseCopied, deltaCopied bool
	deltaSeg := segment{c: w.delta, dead: w.deltaDead}
	extrasCopied := false
	remove := func(id int64) {
		if p, ok := w.base.find(id); ok {
			w.base.markDead(p, &baseCopied)
			w.live--
		} else if p, ok := w.deltaPos[id]; ok {
			deltaSeg.markDead(int(p), &deltaCopied)
			delete(w.deltaPos, id)
			w.live--
		}
		if _, ok := w.extras[id]; ok {
			if !extrasCopied {
				w.extras, extrasCopied = cloneExtras(w.extras), true
			}
			delete(w.extras, id)
		}
	}
	for _, id := range del {
		remove(id)
	}
	if w.live+len(upsert) > ix.MaxRows() {
		return fmt.Errorf("%w: more than %d incidents (%d MiB)", ErrOverBudget, ix.MaxRows(), ix.opts.MaxBytes>>20)
	}
	for i := range upsert {
		r := &upsert[i]
		c, ex, err := w.dicts.encode(r)
		if err != nil {
			return err
		}
		remove(r.ID)
		w.dayMin, w.dayMax = min(w.dayMin, c.day), max(w.dayMax, c.day)
		w.deltaPos[r.ID] = uint32(w.delta.len())
		w.delta.append(c)
		w.live++
		if ex != nil {
			if !extrasCopied {
				w.extras, extrasCopied = cloneExtras(w.extras), true
			}
			w.extras[r.ID] = *ex
		}
	}
	w.deltaDead = deltaSeg.dead
	w.version = max(w.version, version)
	if n := w.delta.len(); n > compactMin && n > w.base.c.len()/compactShare {
		w.compact()
	}
	return nil
}

func cloneExtras(m map[int64]extra) map[int64]extra {
	out := make(map[int64]extra, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// compact merges the live rows of the base and the delta into a new base,
// in ascending id order first, then sorted as a build sorts.
func (w *writer) compact() {
	delta := segment{c: w.delta, dead: w.deltaDead}
	dpos := make([]uint32, 0, len(w.deltaPos))
	for _, p := range w.deltaPos {
		dpos = append(dpos, p)
	}
	slices.SortFunc(dpos, func(a, b uint32) int {
		switch x, y := w.delta.id.at(int(a)), w.delta.id.at(int(b)); {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	})
	all := makeCols(w.live)
	k := 0
	w.base.ids.ascending(func(p uint32) {
		if w.base.isDead(int(p)) {
			return
		}
		id := w.base.c.id.at(int(p))
		for k < len(dpos) && w.delta.id.at(int(dpos[k])) < id {
			all.append(delta.c.row(int(dpos[k])))
			k++
		}
		all.append(w.base.c.row(int(p)))
	})
	for ; k < len(dpos); k++ {
		all.append(delta.c.row(int(dpos[k])))
	}
	w.base = sortedSegment(&all, w.extras)
	w.delta, w.deltaDead, w.deltaPos = makeCols(0), nil, map[int64]uint32{}
}

// publish makes the writer's state the current snapshot.
func (ix *Index) publish() {
	w := ix.w
	s := &Snapshot{
		version: w.version,
		base:    w.base,
		delta:   segment{c: w.delta.view(), dead: w.deltaDead},
		extras:  w.extras,
		live:    w.live,
		dayMin:  w.dayMin,
		dayMax:  w.dayMax,
		et:      w.dicts.et.view(), sub: w.dicts.sub.view(), actor: w.dicts.actor.view(),
		country: w.dicts.country.view(), admin1: w.dicts.admin1.view(),
	}
	ix.cur.Store(s)
}

// Snapshot is an immutable state of the index, safe for any number of
// concurrent readers.
type Snapshot struct {
	version int64
	base    segment
	delta   segment
	extras  map[int64]extra
	live    int
	dayMin  int32
	dayMax  int32

	et, sub, actor, country, admin1 dictView

	extentOnce sync.Once
	extent     incidents.Extent
	extentIDs  []int64
	statsOnce  sync.Once
	stats      incidents.Stats
}

// Version returns the store's data version the snapshot reflects.
func (s *Snapshot) Version() int64 { return s.version }

// Len returns the number of incidents in the snapshot.
func (s *Snapshot) Len() int { return s.live }

// Bytes returns the memory the snapshot's columns take.
func (s *Snapshot) Bytes() int64 {
	return int64(s.base.c.len()+s.delta.c.len()) * rowBytes
}
