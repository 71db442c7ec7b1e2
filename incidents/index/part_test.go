package index

import (
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
)

// TestPartsMatchBruteForce builds the index from several feeders at once,
// as a store scanning on several connections does: the Builder's own Add
// and Parts, each with its own dictionaries (values first seen in
// different orders), joined by AddPart in ascending id order or not, with
// writes applied during the scan; every answer must match brute force.
func TestPartsMatchBruteForce(t *testing.T) {
	for _, tc := range []struct {
		name   string
		splits []int  // the id ranges' first ids, after the Builder's own
		order  []int  // the order the parts are joined in
		empty  []bool // parts left empty
	}{
		{name: "two halves", splits: []int{1500}, order: []int{0}},
		{name: "four, joined in reverse", splits: []int{700, 1400, 2100}, order: []int{2, 1, 0}},
		{name: "an empty part", splits: []int{1000, 2000}, order: []int{0, 1}, empty: []bool{true, false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(11, 12))
			w := world{}
			for id := int64(1); id <= 3000; id++ {
				if r.IntN(7) != 0 { // gaps in the ids
					w[id] = randRow(r, id)
				}
			}
			// Each feeder meets the strings in its own order, so that a
			// part's dictionary ids differ from the Builder's.
			ids := slices.Sorted(mapKeys(w))
			ix := New(Options{})
			b := ix.NewBuilder(len(ids) / 2)
			bounds := append(append([]int{0}, tc.splits...), 1<<30)
			shares := make([][]int64, len(bounds)-1)
			for k := range shares {
				empty := k > 0 && k-1 < len(tc.empty) && tc.empty[k-1]
				for _, id := range ids {
					if id < int64(bounds[k]) || id >= int64(bounds[k+1]) {
						continue
					}
					if empty {
						delete(w, id)
					} else {
						shares[k] = append(shares[k], id)
					}
				}
				if k%2 == 1 {
					slices.Reverse(shares[k]) // and out of id order
				}
			}
			ids = slices.Sorted(mapKeys(w))
			parts := make([]*Part, len(tc.splits))
			var wg sync.WaitGroup
			errs := make([]error, len(shares))
			for k, share := range shares {
				add := b.Add
				if k > 0 {
					parts[k-1] = b.NewPart(0)
					add = parts[k-1].Add
				}
				rows := make([]Row, len(share))
				for i, id := range share {
					rows[i] = w[id]
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range rows {
						if errs[k] = add(&rows[i]); errs[k] != nil {
							return
						}
					}
				}()
			}
			// A write during the scan, replayed by Finish.
			up := []Row{randRow(r, 5), randRow(r, 4000)}
			if err := ix.Apply(2, up, []int64{ids[len(ids)-1]}); err != nil {
				t.Fatal(err)
			}
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			for _, k := range tc.order {
				if err := b.AddPart(parts[k]); err != nil {
					t.Fatal(err)
				}
			}
			if got, want := b.Len(), len(w); got != want {
				t.Fatalf("Len after AddPart: got %d, want %d", got, want)
			}
			if err := b.Finish(1); err != nil {
				t.Fatal(err)
			}
			w[5], w[4000] = up[0], up[1]
			delete(w, ids[len(ids)-1])
			check(t, r, ix.Current(), w, 30)
		})
	}
}

// TestPartsShareTheBudget checks that the memory budget holds for the
// rows of every part of a build together, not for each part alone.
func TestPartsShareTheBudget(t *testing.T) {
	const budgetRows = 3 * countEvery
	ix := New(Options{MaxBytes: budgetRows * rowBytes})
	r := rand.New(rand.NewPCG(13, 14))
	b := ix.NewBuilder(0)
	p, q := b.NewPart(0), b.NewPart(0)
	var err error
	for id := int64(1); id <= budgetRows && err == nil; id++ {
		row := randRow(r, id)
		switch id % 3 {
		case 0:
			err = b.Add(&row)
		case 1:
			err = p.Add(&row)
		default:
			err = q.Add(&row)
		}
	}
	if err != nil {
		t.Fatalf("Add within the budget: %v", err)
	}
	for id := int64(budgetRows + 1); err == nil && id <= 2*budgetRows; id++ {
		row := randRow(r, id)
		err = []func(*Row) error{b.Add, p.Add, q.Add}[id%3](&row)
	}
	if err == nil || !strings.Contains(err.Error(), "over the memory budget") {
		t.Fatalf("Add past the budget in three parts: got %v, want ErrOverBudget", err)
	}
	b.Abort()
}

// TestAddPartOfAnotherBuild checks that a Part joins only its own build.
func TestAddPartOfAnotherBuild(t *testing.T) {
	ix := New(Options{})
	b, other := ix.NewBuilder(0), ix.NewBuilder(0)
	defer b.Abort()
	defer other.Abort()
	if err := b.AddPart(other.NewPart(0)); err == nil {
		t.Fatal("AddPart of another build's part: got nil error")
	}
}

// TestGatherOnTwoProcessors checks gather's result where it shares the
// columns between two goroutines.
func TestGatherOnTwoProcessors(t *testing.T) {
	defer runtime.GOMAXPROCS(max(2, runtime.GOMAXPROCS(0)))
	r := rand.New(rand.NewPCG(15, 16))
	n := minParallelGather + 100
	c := makeCols(n)
	for i := range n {
		c.append(cell{x: r.Uint32(), y: r.Uint32(), day: r.Int32(), id: int64(i), et: uint16(i), sub: uint16(i >> 3),
			a1: r.Uint32(), a2: r.Uint32(), country: uint16(i >> 5), admin1: r.Uint32(), fat: uint16(i >> 7), inj: uint16(i >> 9), gp: uint8(i)})
	}
	want := make([]cell, n)
	perm := r.Perm(n)
	p32 := make([]uint32, n)
	for i, p := range perm {
		p32[i], want[i] = uint32(p), c.row(p)
	}
	got := gather(&c, p32)
	for i := range want {
		if g := got.row(i); g != want[i] {
			t.Fatalf("row %d: got %+v, want %+v", i, g, want[i])
		}
	}
}
