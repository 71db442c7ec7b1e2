package gazetteer

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestResolveDocument checks the document API: one result per mention in
// order, invalid names reported per mention, Within and the document's
// country hint applied.
func TestResolveDocument(t *testing.T) {
	g := testGazetteer(t)
	ctx := context.Background()
	doc := []Mention{
		{Name: "Talbiseh", Within: []string{"Homs province"}},
		{Name: "Homs\x00"},
		{Name: "Palmyra"},
		{Name: "Homs", Country: "LY"},
		{Name: strings.Repeat("x", 10_000)},
		{Name: "\xff\xfe"},
		{Name: "  "},
	}
	got, err := g.ResolveDocument(ctx, doc, WithLimit(3))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(doc) {
		t.Fatalf("got %d results, want %d", len(got), len(doc))
	}
	for i, want := range []int64{163779, 0, 163808, 2219905, 0, 0, 0} {
		r := got[i]
		if r.Query != doc[i].Name {
			t.Errorf("result %d: got query %q, want %q", i, r.Query, doc[i].Name)
		}
		if r.Alternatives == nil {
			t.Errorf("result %d: got nil alternatives, want a slice", i)
		}
		if len(r.Alternatives) > 2 {
			t.Errorf("result %d: got %d alternatives, want at most 2 (limit 3)", i, len(r.Alternatives))
		}
		switch {
		case want == 0 && (r.Match != nil || !errors.Is(r.Err, ErrInvalidQuery)):
			t.Errorf("result %d: got %+v, %v; want no match and ErrInvalidQuery", i, r.Match, r.Err)
		case want != 0 && (r.Match == nil || r.Match.GeonameID != want || r.Err != nil):
			t.Errorf("result %d (%s): got %+v, %v; want %d", i, doc[i].Name, r.Match, r.Err, want)
		}
	}

	// The document's hint applies to mentions without one.
	got, err = g.ResolveDocument(ctx, []Mention{{Name: "Homs"}, {Name: "Homs", Country: "SY"}}, WithCountry("ly"))
	if err != nil {
		t.Fatal(err)
	}
	if m := got[0].Match; m == nil || m.Country != "LY" {
		t.Errorf("Homs with WithCountry(ly): got %+v, want Al Khums in LY", m)
	}
	if m := got[1].Match; m == nil || m.Country != "SY" {
		t.Errorf("Homs with its own hint SY: got %+v, want Homs in SY", m)
	}

	// An empty document has no results; an ended context is an error.
	if got, err := g.ResolveDocument(ctx, nil); err != nil || len(got) != 0 {
		t.Errorf("empty document: got %v, %v; want no results and no error", got, err)
	}
	done, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := g.ResolveDocument(done, doc); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: got %v, want context.Canceled", err)
	}
}
