package extract

import (
	"context"
	"encoding/json"
	"os"
	"testing"

	"github.com/mapd/mapd/geo"
)

// TestSeedArticle reads the article mapd was designed from, when it is
// present (it is never copied into the project).
func TestSeedArticle(t *testing.T) {
	path := sharedFile("seed/deir-ezzor-2016-09-17.txt")
	if path == "" {
		t.Skip("seed article ../shared/seed/deir-ezzor-2016-09-17.txt absent: skipping")
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	x := testExtractor(t)
	res, err := x.Extract(context.Background(), string(raw), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if testing.Verbose() {
		for _, c := range res.Candidates {
			b, _ := json.Marshal(c)
			t.Logf("%s", b)
		}
		for _, p := range res.Places {
			t.Logf("place %q %d-%d %s %v", p.Text, p.Start, p.End, p.Role, p.Match != nil)
		}
	}
	if res.Date != "2016-09-17" {
		t.Errorf("article date: got %q, want 2016-09-17", res.Date)
	}
	near := func(c Candidate, lat, lon, km float64) bool {
		return c.Lat != nil && geo.Distance(*c.Lat, *c.Lon, lat, lon) <= km
	}
	var strike, advance, aleppo, talbiseh bool
	for _, c := range res.Candidates {
		if near(c, 35.2852, 40.1758, 25) && c.Date == "2016-09-17" && c.Fatalities != nil && *c.Fatalities == 62 &&
			c.Injuries != nil && *c.Injuries >= 100 {
			strike = true
		}
		if near(c, 35.2852, 40.1758, 25) && c.EventType == "Battles" && c.SubEventType == "Non-state actor overtakes territory" {
			advance = true
		}
		if near(c, 36.2021, 37.1343, 25) && c.Date == "2016-09-17" {
			aleppo = true
		}
		if near(c, 34.8342, 36.7306, 10) && c.SubEventType == "Air/drone strike" {
			talbiseh = true
		}
		for _, bad := range []struct {
			name     string
			lat, lon float64
		}{{"Kyrgyzstan", 41.5, 74.8}, {"Moscow", 55.75, 37.62}, {"Washington", 38.9, -77.04}, {"Afghanistan", 33.9, 67.7}} {
			if near(c, bad.lat, bad.lon, 400) {
				t.Errorf("candidate placed in %s: %+v", bad.name, c.Evidence)
			}
		}
		if c.Fatalities != nil && *c.Fatalities >= 300000 {
			t.Errorf("background total taken as an incident: %+v", c.Evidence)
		}
	}
	for name, ok := range map[string]bool{"the Deir ez-Zor air strike (62 killed, 100 wounded)": strike,
		"the IS advance near the air base": advance, "ceasefire violations in Aleppo": aleppo, "the Talbiseh strike": talbiseh} {
		if !ok {
			t.Errorf("no candidate for %s", name)
		}
	}
}
