package sqlite

import "sync"

// featureCacheBytes bounds the memory of the encoded-feature cache: at
// about 700 bytes a feature, some 45,000 features, the pages of a few
// dozen busy boxes.
const featureCacheBytes = 32 << 20

// featureEntryOverhead is what one entry costs beside its bytes: the
// slot, the map entry and the slice's allocation rounding, roughly.
const featureEntryOverhead = 96

// featureCache holds the GeoJSON Feature of recently listed incidents, as
// incidents.Incident.AppendFeature encodes it, valid at one data version
// of the index. Every write of this process moves it to the write's
// version and drops the written incidents (carry, from apply, with the
// write lock held); any other move of the version (a rebuild after
// another process wrote, or a large import) leaves it at an older
// version, and the first read at the newer one empties it. A reader only
// adds features read after it took a snapshot at the cache's version,
// which are never older than that version, so a feature in the cache is
// never older than the cache's version. Eviction is CLOCK over the slots.
type featureCache struct {
	mu      sync.Mutex
	max     int // bytes
	bytes   int
	version int64
	slots   []featureSlot
	free    []int32         // indexes of empty slots
	byID    map[int64]int32 // slot of each cached incident
	hand    int
}

type featureSlot struct {
	id   int64
	b    []byte // nil: the slot is empty
	used bool   // read since the hand last passed
}

func newFeatureCache(maxBytes int) *featureCache {
	return &featureCache{max: maxBytes, version: -1, byID: map[int64]int32{}}
}

// get sets out[i] to the cached feature of ids[i] at version, leaving nil
// the ones not cached, and returns how many it found. The bytes are never
// changed once cached: out's slices stay valid after eviction.
func (c *featureCache) get(version int64, ids []int64, out [][]byte) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if version > c.version {
		c.resetLocked(version)
		return 0
	}
	if version != c.version {
		return 0 // a snapshot older than the cache's
	}
	n := 0
	for i, id := range ids {
		if k, ok := c.byID[id]; ok {
			c.slots[k].used = true
			out[i] = c.slots[k].b
			n++
		}
	}
	return n
}

// put adds the features fs of the incidents ids, read after a snapshot
// at version was taken; at any other version of the cache it adds none.
func (c *featureCache) put(version int64, ids []int64, fs [][]byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if version != c.version {
		return
	}
	for i, id := range ids {
		b := fs[i]
		size := len(b) + featureEntryOverhead
		if b == nil || size > c.max/8 {
			continue
		}
		if _, ok := c.byID[id]; ok {
			continue // another reader added it meanwhile
		}
		for c.bytes+size > c.max {
			c.evictLocked()
		}
		var k int32
		if n := len(c.free); n > 0 {
			k, c.free = c.free[n-1], c.free[:n-1]
		} else {
			k = int32(len(c.slots))
			c.slots = append(c.slots, featureSlot{})
		}
		c.slots[k] = featureSlot{id: id, b: b}
		c.byID[id] = k
		c.bytes += size
	}
}

// evictLocked empties the first slot the hand finds not read since it
// last passed. It is called only while the cache holds something.
func (c *featureCache) evictLocked() {
	for {
		if c.hand >= len(c.slots) {
			c.hand = 0
		}
		s := &c.slots[c.hand]
		c.hand++
		switch {
		case s.b == nil:
		case s.used:
			s.used = false
		default:
			c.removeLocked(int32(c.hand - 1))
			return
		}
	}
}

func (c *featureCache) removeLocked(k int32) {
	s := &c.slots[k]
	delete(c.byID, s.id)
	c.bytes -= len(s.b) + featureEntryOverhead
	*s = featureSlot{}
	c.free = append(c.free, k)
}

// carry moves the cache from version from to version to, the versions
// before and after this process's write of the incidents ids, dropping
// those; a cache at any other version is emptied instead.
func (c *featureCache) carry(from, to int64, ids []int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != from {
		c.resetLocked(to)
		return
	}
	for _, id := range ids {
		if k, ok := c.byID[id]; ok {
			c.removeLocked(k)
		}
	}
	c.version = to
}

func (c *featureCache) resetLocked(version int64) {
	c.version = version
	c.bytes, c.hand = 0, 0
	c.slots, c.free = nil, nil
	clear(c.byID)
}
