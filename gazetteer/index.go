package gazetteer

import (
	"slices"
	"sync"
	"sync/atomic"
)

// index maps normalised keys to records, keys to consonant skeletons, and
// skeletons (with each one letter deleted) to a sorted deletion table for
// fuzzy lookups. The deletion table is built on the first fuzzy lookup, so
// that loading stays fast.
type index struct {
	keys     idTable  // key -> key id
	keyStr   []string // key id -> key
	keyLen   []uint8  // key id -> length of the key, at most 255, to filter fast
	keyRec   []int32  // key id -> first record<<1 | 1 when the key is its primary name
	keyMore  map[int32][]int32
	skels    idTable   // skeleton hash -> skeleton id
	skelHash []uint64  // skeleton id -> hash of the skeleton
	skelKey  [][]int32 // skeleton id -> key ids
	sized    bool      // grow has sized the tables

	delsMu sync.Mutex               // serialises building the deletion table
	dels   atomic.Pointer[delTable] // nil until the first fuzzy lookup
}

// delTable is the deletion table: hash<<32 | skeleton id, sorted, for the
// first upto skeletons. Entries for a skeleton with one letter deleted have
// bit 31 (delBit) set; entries for a whole skeleton do not.
type delTable struct {
	entries []uint64
	upto    int
}

func newIndex() *index {
	return &index{keyMore: map[int32][]int32{}}
}

// idTable is an open-addressing hash table of ids: of keys (index.keys)
// or of skeletons (index.skels). It holds only the ids (id+1, 0 for an
// empty slot) and its user compares what they stand for, so that it costs 4
// bytes a slot where a map[string]int32 costs about 25 bytes an entry. It
// stays at most half full, so that probe runs stay short.
type idTable struct {
	slots []int32 // id+1, or 0; the length is a power of two
	shift uint    // 64 - log2(len(slots))
	n     int     // ids held
}

// slot returns the first slot to probe for hash h.
func (t *idTable) slot(h uint64) int {
	return int((h * 0x9e3779b97f4a7c15) >> t.shift) // Fibonacci hashing
}

// put stores id under hash h, making room first. hash returns the hash of
// an id already held, to move it when the table grows.
func (t *idTable) put(h uint64, id int32, hash func(id int32) uint64) {
	if 2*(t.n+1) > len(t.slots) {
		t.reserve(2*(t.n+1), hash)
	}
	t.place(h, id)
}

// place stores id in the first free slot for hash h.
func (t *idTable) place(h uint64, id int32) {
	mask := len(t.slots) - 1
	i := t.slot(h)
	for t.slots[i] != 0 {
		i = (i + 1) & mask
	}
	t.slots[i] = id + 1
	t.n++
}

// reserve makes room for n ids at most half full, moving those held.
func (t *idTable) reserve(n int, hash func(id int32) uint64) {
	size, shift := 8, uint(61)
	for size < 2*n {
		size, shift = size*2, shift-1
	}
	if size <= len(t.slots) {
		return
	}
	old := t.slots
	*t = idTable{slots: make([]int32, size), shift: shift}
	for _, s := range old {
		if s != 0 {
			t.place(hash(s-1), s-1)
		}
	}
}

// keyID returns the id of key and whether it is indexed.
func keyID[T ~string | ~[]byte](x *index, key T) (int32, bool) {
	t := &x.keys
	if t.n == 0 {
		return 0, false
	}
	mask := len(t.slots) - 1
	for i := t.slot(hash64(key)); ; i = (i + 1) & mask {
		s := t.slots[i]
		if s == 0 {
			return 0, false
		}
		if x.keyStr[s-1] == string(key) {
			return s - 1, true
		}
	}
}

// skelID returns the id of the skeleton hashing to h and whether it is
// indexed.
func (x *index) skelID(h uint64) (int32, bool) {
	t := &x.skels
	if t.n == 0 {
		return 0, false
	}
	mask := len(t.slots) - 1
	for i := t.slot(h); ; i = (i + 1) & mask {
		s := t.slots[i]
		if s == 0 {
			return 0, false
		}
		if x.skelHash[s-1] == h {
			return s - 1, true
		}
	}
}

// keyHash and skelHashOf return the hash of a key or skeleton id, for
// idTable.
func (x *index) keyHash(ki int32) uint64    { return hash64(x.keyStr[ki]) }
func (x *index) skelHashOf(si int32) uint64 { return x.skelHash[si] }

// grow makes room for n more keys. It sizes the tables of an empty index
// only once, so that a first, larger estimate stands.
func (x *index) grow(n int) {
	if len(x.keyStr) == 0 && !x.sized {
		x.keys.reserve(n, x.keyHash)
		x.skels.reserve(n/2, x.skelHashOf)
		x.keyMore = make(map[int32][]int32, n/8)
		x.sized = true
	}
	x.keyStr = slices.Grow(x.keyStr, n)
	x.keyLen = slices.Grow(x.keyLen, n)
	x.keyRec = slices.Grow(x.keyRec, n)
	x.skelKey = slices.Grow(x.skelKey, n/2)
	x.skelHash = slices.Grow(x.skelHash, n/2)
}

// add indexes record rec under key, whose skeleton hashes to sk.
func (x *index) add(key string, sk uint64, rec int32, primary bool) {
	if key == "" {
		return
	}
	v := rec << 1
	if primary {
		v |= 1
	}
	ki, ok := keyID(x, key)
	if !ok {
		ki = int32(len(x.keyStr))
		x.keyStr = append(x.keyStr, key)
		x.keys.put(hash64(key), ki, x.keyHash)
		x.keyLen = append(x.keyLen, uint8(min(len(key), 255)))
		x.keyRec = append(x.keyRec, v)
		si, ok := x.skelID(sk)
		if !ok {
			si = int32(len(x.skelKey))
			x.skelKey = append(x.skelKey, nil)
			x.skelHash = append(x.skelHash, sk)
			x.skels.put(sk, si, x.skelHashOf)
		}
		x.skelKey[si] = append(x.skelKey[si], ki)
		return
	}
	if x.keyRec[ki]>>1 == rec {
		x.keyRec[ki] |= v & 1
		return
	}
	more := x.keyMore[ki]
	for j, old := range more {
		if old>>1 == rec {
			more[j] |= v & 1
			return
		}
	}
	x.keyMore[ki] = append(more, v)
}

// recs returns the records of key id ki, each as record<<1 | primary, the
// first one apart so that the common single-record key allocates nothing.
func (x *index) recs(ki int32) (first int32, more []int32) {
	return x.keyRec[ki], x.keyMore[ki]
}

// minDeleteSkeleton is the shortest skeleton whose one-letter deletions are
// indexed: deleting a letter from a shorter one matches far too much.
const minDeleteSkeleton = 4

// deletions returns the deletion table, bringing it up to date with the
// skeletons indexed so far. The caller holds the Gazetteer's lock, shared
// or exclusive, so that no skeleton is added meanwhile.
func (x *index) deletions() *delTable {
	if t := x.dels.Load(); t != nil && t.upto == len(x.skelKey) {
		return t
	}
	x.delsMu.Lock()
	defer x.delsMu.Unlock()
	old := x.dels.Load()
	if old != nil && old.upto == len(x.skelKey) {
		return old
	}
	t := &delTable{}
	if old != nil {
		t.entries = slices.Clone(old.entries)
		t.upto = old.upto
	}
	t.entries = slices.Grow(t.entries, 8*(len(x.skelKey)-t.upto))
	var sk, del []byte
	for i := t.upto; i < len(x.skelKey); i++ {
		sk = appendSkeleton(sk[:0], x.keyStr[x.skelKey[i][0]])
		t.entries = append(t.entries, uint64(delHash(sk))<<32|uint64(i))
		if len(sk) < minDeleteSkeleton {
			continue
		}
		for j := range sk {
			if j > 0 && sk[j] == sk[j-1] {
				continue // same deletion as the previous one
			}
			del = append(append(del[:0], sk[:j]...), sk[j+1:]...)
			t.entries = append(t.entries, uint64(delHash(del))<<32|delBit|uint64(i))
		}
	}
	slices.Sort(t.entries)
	t.entries = slices.Compact(t.entries)
	t.upto = len(x.skelKey)
	x.dels.Store(t)
	return t
}

// delBit marks the deletion table's entries for a skeleton less a letter.
const delBit = 1 << 31

// lookup calls fn with each skeleton id whose entry in the deletion table
// has hash h and is (deleted) or is not a skeleton less a letter.
func (t *delTable) lookup(h uint32, deleted bool, fn func(skel int32)) {
	lo := uint64(h) << 32
	if deleted {
		lo |= delBit
	}
	i, _ := slices.BinarySearch(t.entries, lo)
	for ; i < len(t.entries) && uint32(t.entries[i]>>32) == h; i++ {
		e := uint32(t.entries[i])
		if (e&delBit != 0) != deleted {
			return
		}
		fn(int32(e &^ delBit))
	}
}

// hash64 is FNV-1a over b.
func hash64[T ~string | ~[]byte](b T) uint64 {
	var h uint64 = 14695981039346656037
	for i := 0; i < len(b); i++ {
		h ^= uint64(b[i])
		h *= 1099511628211
	}
	return h
}

// delHash hashes an entry of the deletion table.
func delHash[T ~string | ~[]byte](b T) uint32 {
	h := hash64(b)
	return uint32(h>>32) ^ uint32(h)
}

// skeleton reduces a normalised key to its consonants: a leading vowel
// becomes 'a', later vowels (and y, w) vanish, an h after a consonant
// vanishes (sh, th, dh, gh), and doubled letters collapse. "dairzor" and
// "dairzawr" share the skeleton "drzr"; "homs", "hims" and "hums" share "hms".
func skeleton(key string) string {
	return string(appendSkeleton(nil, key))
}

// appendSkeleton appends the skeleton of key to b.
func appendSkeleton[T ~string | ~[]byte](b []byte, key T) []byte {
	start := len(b)
	for i := 0; i < len(key); i++ {
		c := key[i]
		if i == 0 {
			if isVowel(c) {
				c = 'a'
			}
			b = append(b, c)
			continue
		}
		if isVowel(c) || c == 'y' || c == 'w' {
			continue
		}
		if c == 'h' && !isVowel(key[i-1]) {
			continue
		}
		if c < 0x80 && len(b) > start && b[len(b)-1] == c {
			continue
		}
		b = append(b, c)
	}
	return b
}

func isVowel(c byte) bool {
	switch c {
	case 'a', 'e', 'i', 'o', 'u':
		return true
	}
	return false
}

// similarEnough returns 1 - editDistance(a, b) / max(len(a), len(b)) and
// whether it reaches floor, giving up as soon as it cannot.
func similarEnough(a, b string, floor float64) (float64, bool) {
	n := max(len(a), len(b))
	if n == 0 {
		return 1, true
	}
	k := int((1 - floor) * float64(n))
	d := boundedLevenshtein(a, b, k)
	if d > k {
		return 0, false
	}
	sim := 1 - float64(d)/float64(n)
	return sim, sim >= floor
}

// boundedLevenshtein returns the edit distance between a and b when it is
// at most k, and some value above k otherwise. It stops as soon as every
// cell of a row exceeds k.
func boundedLevenshtein(a, b string, k int) int {
	if d := len(a) - len(b); d > k || -d > k {
		return k + 1
	}
	if len(a) < len(b) {
		a, b = b, a
	}
	var buf [65]int
	var row []int
	if len(b)+1 <= len(buf) {
		row = buf[:len(b)+1]
	} else {
		row = make([]int, len(b)+1)
	}
	for j := range row {
		row[j] = j
	}
	for i := 1; i <= len(a); i++ {
		prev := row[0]
		row[0] = i
		best := row[0]
		for j := 1; j <= len(b); j++ {
			cur := row[j]
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			row[j] = min(row[j]+1, row[j-1]+1, prev+cost)
			best = min(best, row[j])
			prev = cur
		}
		if best > k {
			return k + 1
		}
	}
	return row[len(b)]
}
