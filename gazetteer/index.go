package gazetteer

import "slices"

// index maps normalised keys to records, keys to consonant skeletons, and
// skeletons (with each one letter deleted) to a sorted deletion table for
// fuzzy lookups.
type index struct {
	keys    map[string]int32 // key -> key id
	keyStr  []string         // key id -> key
	keyRecs [][]int32        // key id -> record<<1 | 1 when the key is a primary name
	skels   map[uint64]int32 // skeleton hash -> skeleton id
	skelKey [][]int32        // skeleton id -> key ids
	dels    []uint64         // hash<<32 | skeleton id, sorted
	delsFor int              // skeletons already in dels
}

func newIndex() index {
	return index{keys: map[string]int32{}, skels: map[uint64]int32{}}
}

// grow makes room for n more keys.
func (x *index) grow(n int) {
	if len(x.keys) == 0 {
		x.keys = make(map[string]int32, n)
		x.skels = make(map[uint64]int32, n/2)
	}
	x.keyStr = slices.Grow(x.keyStr, n)
	x.keyRecs = slices.Grow(x.keyRecs, n)
	x.skelKey = slices.Grow(x.skelKey, n/2)
}

// add indexes record rec under key, whose skeleton hashes to sk.
func (x *index) add(key string, sk uint64, rec int32, primary bool) {
	if key == "" {
		return
	}
	ki, ok := x.keys[key]
	if !ok {
		ki = int32(len(x.keyStr))
		x.keys[key] = ki
		x.keyStr = append(x.keyStr, key)
		x.keyRecs = append(x.keyRecs, nil)
		si, ok := x.skels[sk]
		if !ok {
			si = int32(len(x.skelKey))
			x.skels[sk] = si
			x.skelKey = append(x.skelKey, nil)
		}
		x.skelKey[si] = append(x.skelKey[si], ki)
	}
	v := rec << 1
	if primary {
		v |= 1
	}
	recs := x.keyRecs[ki]
	for j, old := range recs {
		if old>>1 == rec {
			recs[j] |= v & 1
			return
		}
	}
	x.keyRecs[ki] = append(recs, v)
}

// minDeleteSkeleton is the shortest skeleton whose one-letter deletions are
// indexed: deleting a letter from a shorter one matches far too much.
const minDeleteSkeleton = 4

// build adds the skeletons indexed since the last build to the deletion
// table and sorts it.
func (x *index) build() {
	if x.delsFor == len(x.skelKey) {
		return
	}
	x.dels = slices.Grow(x.dels, 8*(len(x.skelKey)-x.delsFor))
	var sk, del []byte
	for i := x.delsFor; i < len(x.skelKey); i++ {
		sk = appendSkeleton(sk[:0], x.keyStr[x.skelKey[i][0]])
		x.dels = append(x.dels, uint64(delHash(sk))<<32|uint64(i))
		if len(sk) < minDeleteSkeleton {
			continue
		}
		for j := range sk {
			if j > 0 && sk[j] == sk[j-1] {
				continue // same deletion as the previous one
			}
			del = append(append(del[:0], sk[:j]...), sk[j+1:]...)
			x.dels = append(x.dels, uint64(delHash(del))<<32|uint64(i))
		}
	}
	slices.Sort(x.dels)
	x.dels = slices.Compact(x.dels)
	x.delsFor = len(x.skelKey)
}

// lookupDeletes calls fn with each skeleton id whose entry in the deletion
// table has hash h.
func (x *index) lookupDeletes(h uint32, fn func(skel int32)) {
	lo := uint64(h) << 32
	i, _ := slices.BinarySearch(x.dels, lo)
	for ; i < len(x.dels) && uint32(x.dels[i]>>32) == h; i++ {
		fn(int32(uint32(x.dels[i])))
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
func appendSkeleton(b []byte, key string) []byte {
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

// similarity returns 1 - levenshtein(a, b) / max(len(a), len(b)), in [0, 1].
func similarity(a, b string) float64 {
	if a == b {
		return 1
	}
	n := max(len(a), len(b))
	if n == 0 {
		return 1
	}
	return 1 - float64(levenshtein(a, b))/float64(n)
}

// levenshtein is the byte edit distance between a and b.
func levenshtein(a, b string) int {
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
		for j := 1; j <= len(b); j++ {
			cur := row[j]
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			row[j] = min(row[j]+1, row[j-1]+1, prev+cost)
			prev = cur
		}
	}
	return row[len(b)]
}
