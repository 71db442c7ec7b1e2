package incidents_test

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/mapd/mapd/incidents"
)

// TestAppendFeatureMatchesFeature checks the hand-written encoder against
// orb's encoding of Feature for random incidents, including strings that
// need escaping and coordinates that need an exponent.
func TestAppendFeatureMatchesFeature(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	texts := []string{"", "Deir ez-Zor", `a "quoted" \ path`, "<b>&</b>", "tab\tnew\nline\x01", "Dayr az Zawr é ü", "日本", "\u2028\u2029", "bad \xff utf-8", "emoji 🙂"}
	coords := []float64{0, 35.336, -179.99999, 1e-7, -3.5e-9, 89.99, 40.141000000000005}
	pick := func() string { return texts[r.IntN(len(texts))] }
	for i := 0; i < 2000; i++ {
		in := incidents.Incident{
			ID: int64(r.IntN(3)) * int64(r.IntN(1<<40)), SourceID: pick(), Date: pick(), DatePrecision: pick(),
			EventType: pick(), SubEventType: pick(), Actor1: pick(), Actor2: pick(), Place: pick(),
			Country: pick(), Admin1: pick(), GeoPrecision: r.IntN(3), GeonameID: int64(r.IntN(2)) * 170063,
			Notes: pick(), CreatedAt: pick(), UpdatedAt: pick(),
		}
		if r.IntN(2) == 0 {
			in.Fatalities = ptr(r.IntN(100))
		}
		if r.IntN(3) == 0 {
			in.Injuries = ptr(0)
		}
		if r.IntN(4) > 0 {
			in.Lat, in.Lon = ptr(coords[r.IntN(len(coords))]), ptr(-coords[r.IntN(len(coords))])
		}
		for range r.IntN(3) {
			in.Sources = append(in.Sources, pick())
		}
		for range r.IntN(2) {
			in.Tags = append(in.Tags, pick())
		}
		fast, err := in.MarshalFeature()
		if err != nil {
			t.Fatal(err)
		}
		slow, err := json.Marshal(in.Feature())
		if err != nil {
			t.Fatal(err)
		}
		var a, b map[string]any
		if err := json.Unmarshal(fast, &a); err != nil {
			t.Fatalf("%v in %s", err, fast)
		}
		if err := json.Unmarshal(slow, &b); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("incident %d:\n got %s\nwant %s", i, fast, slow)
		}
	}
}

func ptr[T any](v T) *T { return &v }
