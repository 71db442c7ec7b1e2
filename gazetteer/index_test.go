package gazetteer

import (
	"fmt"
	"testing"
)

// TestKeyTable adds keys to an index whose tables were never sized, so
// that they resize many times, and to one sized up front, and checks that
// every key and skeleton finds its own id, absent ones find none, and a key
// added twice keeps one id.
func TestKeyTable(t *testing.T) {
	for _, sized := range []int{0, 5000} {
		t.Run(fmt.Sprint("sized=", sized), func(t *testing.T) {
			x := newIndex()
			if sized > 0 {
				x.grow(sized)
			}
			if _, ok := keyID(x, "homs"); ok {
				t.Fatal("an empty index finds homs")
			}
			const n = 3000
			for i := range n {
				x.add(fmt.Sprint("key", i), uint64(i%97), int32(i), true)
			}
			x.add("key7", 7, 9999, false)
			if len(x.keyStr) != n || x.keys.n != n {
				t.Fatalf("got %d keys, %d in the table, want %d", len(x.keyStr), x.keys.n, n)
			}
			if 2*x.keys.n > len(x.keys.slots) {
				t.Errorf("table of %d slots holds %d ids, more than half full", len(x.keys.slots), x.keys.n)
			}
			for i := range n {
				key := fmt.Sprint("key", i)
				ki, ok := keyID(x, []byte(key))
				if !ok || x.keyStr[ki] != key {
					t.Fatalf("key %q: got id %d, %v", key, ki, ok)
				}
			}
			for _, key := range []string{"", "key", "key3000", "key-1", "homs"} {
				if ki, ok := keyID(x, key); ok {
					t.Errorf("absent key %q: got id %d", key, ki)
				}
			}
			if len(x.skelKey) != 97 || x.skels.n != 97 {
				t.Fatalf("got %d skeletons, %d in the table, want 97", len(x.skelKey), x.skels.n)
			}
			for h := range uint64(97) {
				si, ok := x.skelID(h)
				if !ok || x.skelHash[si] != h || len(x.skelKey[si]) == 0 || x.skelKey[si][0] != int32(h) {
					t.Fatalf("skeleton hash %d: got id %d, %v", h, si, ok)
				}
			}
			if si, ok := x.skelID(97); ok {
				t.Errorf("absent skeleton hash 97: got id %d", si)
			}
			ki, _ := keyID(x, "key7")
			if first, more := x.recs(ki); first != 7<<1|1 || len(more) != 1 || more[0] != 9999<<1 {
				t.Errorf("key7: got records %d %v, want %d [%d]", first, more, 7<<1|1, 9999<<1)
			}
		})
	}
}
