package sqlite

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/mapd/mapd/incidents"
)

// TestFetchRowsAsGet checks that fetchRows, which reads the text columns
// packed into one, reads every incident as Get does, one column per
// value, for text that looks like the packing (digits and colons), empty
// and absent values, multibyte and control characters and NUL bytes, in
// both orders and leaving out an id that is not stored.
func TestFetchRowsAsGet(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "fetch.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	texts := []string{"", "3:abc", "12:", ":", "0:", "日本語 ü", "line\nbreak\ttab", "nul\x00byte", "9999999999999999999:x", "\u2028"}
	var ids []int64
	for i, text := range texts {
		in := incidents.Incident{
			SourceID: text, Date: "2016-02-03", EventType: "Battles", SubEventType: text,
			Actor1: text, Actor2: "b" + text, Place: text, Country: "SY", Admin1: text, Notes: text + text,
			Sources: []string{text, "s"}, Tags: []string{"t" + text}, Lat: ptrTo(35.5), Lon: ptrTo(38.25),
		}
		if text == "" {
			in.Sources, in.Tags = nil, nil
		}
		if i%2 == 0 {
			in.Fatalities, in.Injuries = ptrTo(i), ptrTo(0)
		}
		if text == "3:abc" || text == "nul\x00byte" {
			in.SourceID = "" // also two stored without one
		}
		if err := s.Create(ctx, &in, nil); err != nil {
			t.Fatalf("create with %q: %v", text, err)
		}
		ids = append(ids, in.ID)
	}
	want := map[int64]incidents.Incident{}
	for _, id := range ids {
		in, err := s.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		want[id] = in
	}
	asked := append([]int64{999_999}, ids...) // an id not stored
	for i, j := 1, len(asked)-1; i < j; i, j = i+1, j-1 {
		asked[i], asked[j] = asked[j], asked[i] // not in id order
	}
	for _, ordered := range []bool{true, false} {
		var got []int64
		err := s.fetchRows(ctx, asked, ordered, func(in *incidents.Incident) error {
			got = append(got, in.ID)
			if w := want[in.ID]; !reflect.DeepEqual(*in, w) {
				t.Errorf("ordered %v, incident %d: fetchRows read\n%#v\nGet\n%#v", ordered, in.ID, *in, w)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		wantOrder := asked[1:]
		if !ordered {
			wantOrder = ids
		}
		if !reflect.DeepEqual(got, wantOrder) {
			t.Errorf("ordered %v: read ids %v, want %v", ordered, got, wantOrder)
		}
	}
}
