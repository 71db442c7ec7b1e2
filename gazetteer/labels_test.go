package gazetteer_test

import (
	"testing"

	"github.com/mapd/mapd/gazetteer"
)

// TestLabels checks the label index of the default gazetteer: capitals and
// large cities at low zoom, towns as the zoom grows, region names up to
// LabelMaxRegionZoom, most important first.
func TestLabels(t *testing.T) {
	g := gazetteer.SharedDefault(t)
	idx := g.Labels()
	if idx.Places() != g.Len() {
		t.Fatalf("got Places %d, want the gazetteer's Len %d", idx.Places(), g.Len())
	}
	names := func(ls []gazetteer.Label) map[string]gazetteer.Label {
		m := map[string]gazetteer.Label{}
		for _, l := range ls {
			if _, ok := m[l.Name]; !ok {
				m[l.Name] = l
			}
		}
		return m
	}
	// Syria and around.
	syria := func(z int) map[string]gazetteer.Label { return names(idx.In(z, 35, 32, 46, 38, 0)) }
	cases := []struct {
		z        int
		want     []string
		wantNone []string
	}{
		{4, []string{"Damascus", "Baghdad", "Beirut"}, []string{"Tallbīsah", "Palmyra"}},
		{6, []string{"Damascus", "Aleppo", "Homs"}, []string{"Tallbīsah"}},
		{9, []string{"Damascus", "Tallbīsah"}, nil},
	}
	for _, tc := range cases {
		got := syria(tc.z)
		for _, n := range tc.want {
			if _, ok := got[n]; !ok {
				t.Errorf("zoom %d: %s is not labelled", tc.z, n)
			}
		}
		for _, n := range tc.wantNone {
			if l, ok := got[n]; ok {
				t.Errorf("zoom %d: got %s (%s from zoom %d), want it only at higher zooms", tc.z, n, l.Kind, l.MinZoom)
			}
		}
	}
	if l := syria(6)["Damascus"]; l.Kind != "capital" {
		t.Errorf("Damascus: got kind %q, want capital", l.Kind)
	}
	regions := 0
	for _, l := range idx.In(6, 35, 32, 43, 38, 0) {
		if l.Kind == "region" {
			regions++
		}
	}
	if regions < 5 {
		t.Errorf("zoom 6 over Syria: got %d region labels, want at least 5", regions)
	}
	for _, l := range idx.In(10, 36, 34, 37.5, 35.5, 0) {
		if l.Kind == "region" {
			t.Errorf("zoom 10: got region label %s, want none past zoom %d", l.Name, gazetteer.LabelMaxRegionZoom)
		}
	}
	// Most important first, and the limit keeps the first.
	ls := idx.In(6, 35, 32, 43, 38, 3)
	if len(ls) != 3 || ls[0].Kind != "capital" {
		t.Errorf("limit 3: got %+v, want 3 labels, a capital first", ls)
	}
}

func BenchmarkLabelsIn(b *testing.B) {
	g := gazetteer.SharedDefault(b)
	idx := g.Labels()
	b.ResetTimer()
	for b.Loop() {
		idx.In(3, -90, 0, 0, 66.5, 200) // one zoom-3 tile
		idx.In(9, 36.5, 34.3, 37.2, 34.9, 200)
	}
}

func BenchmarkLabelsBuild(b *testing.B) {
	g := gazetteer.SharedDefault(b)
	for b.Loop() {
		g.Labels()
	}
}
