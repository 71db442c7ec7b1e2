package web_test

import (
	"cmp"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/mapd/mapd/geo"
	"github.com/mapd/mapd/incidents"
)

type playbackBody struct {
	Zoom       int      `json:"zoom"`
	CellZoom   int      `json:"cell_zoom"`
	EventTypes []string `json:"event_types"`
	Frames     []struct {
		From, To   string
		Count      int
		Fatalities int
		Clusters   [][5]float64
	} `json:"frames"`
}

// TestPlaybackFrames checks each window of /api/playback against what the
// map draws when it is not playing: the totals against /api/stats for the
// same dates and view, the clusters against those of the vector tiles of
// the zoom (the view spans three tiles of zoom 7 a side, so the server
// computes them on tiles of zoom 6 with a deeper grid).
func TestPlaybackFrames(t *testing.T) {
	ts, store, _ := newTileServer(t, 600, nil)
	ctx := context.Background()
	const bbox = "35,32,41,37"
	windows := [][2]string{{"2016-01-01", "2016-01-31"}, {"2016-02-01", "2016-03-31"}, {"2016-01-01", "2016-12-31"}, {"2017-01-01", "2017-01-31"}}
	var ws []string
	for _, w := range windows {
		ws = append(ws, w[0]+"/"+w[1])
	}
	q := url.Values{"bbox": {bbox}, "zoom": {"7"}, "windows": {strings.Join(ws, ",")}, "event_type": {incidents.EventTypes[0] + "," + incidents.EventTypes[1]}}
	resp, body := getTile(t, ts.URL+"/api/playback?"+q.Encode())
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("got %d (%s), want 200", resp.StatusCode, body)
	}
	var pb playbackBody
	if err := json.Unmarshal(body, &pb); err != nil {
		t.Fatal(err)
	}
	if pb.Zoom != 7 || pb.CellZoom != 10 || len(pb.Frames) != len(windows) {
		t.Fatalf("got zoom %d, cell zoom %d, %d frames; want 7, 10 and %d", pb.Zoom, pb.CellZoom, len(pb.Frames), len(windows))
	}
	type cl struct {
		lon, lat   float64
		n, fat     int
		event_type string
	}
	less := func(a, b cl) int { return cmp.Or(cmp.Compare(a.lat, b.lat), cmp.Compare(a.lon, b.lon)) }
	round := func(v float64) float64 { return float64(int64(v*1e6+0.5*sign(v))) / 1e6 }
	for i, w := range windows {
		fr := pb.Frames[i]
		if fr.From != w[0] || fr.To != w[1] {
			t.Errorf("frame %d: window %s/%s, want %s/%s", i, fr.From, fr.To, w[0], w[1])
		}
		var st incidents.Stats
		sq := url.Values{"bbox": {bbox}, "from": {w[0]}, "to": {w[1]}, "event_type": q["event_type"]}
		sresp, sbody := getTile(t, ts.URL+"/api/stats?"+sq.Encode())
		if err := json.Unmarshal(sbody, &st); err != nil || sresp.StatusCode != http.StatusOK {
			t.Fatalf("stats %s: %d %s %v", sq.Encode(), sresp.StatusCode, sbody, err)
		}
		if fr.Count != st.Count || fr.Fatalities != st.Fatalities {
			t.Errorf("frame %s/%s: count %d, fatalities %d; /api/stats says %d and %d", w[0], w[1], fr.Count, fr.Fatalities, st.Count, st.Fatalities)
		}
		if w == [2]string{"2016-01-01", "2016-12-31"} && (fr.Count != 400 || len(fr.Clusters) < 5) {
			t.Errorf("frame of 2016: %d incidents in %d clusters, want the 400 of two event types in five or more", fr.Count, len(fr.Clusters))
		}
		if w[0] == "2017-01-01" && (fr.Count != 0 || len(fr.Clusters) != 0) {
			t.Errorf("frame after the data: %d incidents, %d clusters, want none", fr.Count, len(fr.Clusters))
		}
		var got, want []cl
		sum := 0
		for _, c := range fr.Clusters {
			got = append(got, cl{c[0], c[1], int(c[2]), int(c[3]), pb.EventTypes[int(c[4])]})
			sum += int(c[2])
		}
		if sum != fr.Count {
			t.Errorf("frame %s/%s: the clusters hold %d incidents, the totals say %d", w[0], w[1], sum, fr.Count)
		}
		f := incidents.Filter{From: w[0], To: w[1], EventTypes: incidents.EventTypes[:2]}
		for x := 76; x <= 78; x++ {
			for y := 49; y <= 52; y++ {
				cs, err := store.TileClusters(ctx, f, geo.Tile{Z: 7, X: x, Y: y}, geo.DefaultClusterDepth)
				if err != nil {
					t.Fatal(err)
				}
				for _, c := range cs {
					want = append(want, cl{round(c.Lon), round(c.Lat), c.Count, c.Fatalities, c.EventType})
				}
			}
		}
		slices.SortFunc(got, less)
		slices.SortFunc(want, less)
		if !slices.Equal(got, want) {
			t.Errorf("frame %s/%s: clusters\n got %v\nwant %v (the vector tiles')", w[0], w[1], got, want)
		}
	}
}

func sign(v float64) float64 {
	if v < 0 {
		return -1
	}
	return 1
}

// TestPlaybackErrors checks that malformed requests get 400 naming the
// parameter.
func TestPlaybackErrors(t *testing.T) {
	ts, _, _ := newTileServer(t, 10, nil)
	many := strings.TrimSuffix(strings.Repeat("2016-01-01/2016-01-02,", 101), ",")
	for _, tc := range []struct {
		name, query, field string
	}{
		{"no bbox", "zoom=7&windows=2016-01-01/2016-01-31", "bbox"},
		{"no zoom", "bbox=35,32,41,37&windows=2016-01-01/2016-01-31", "zoom"},
		{"zoom too deep", "bbox=35,32,41,37&zoom=23&windows=2016-01-01/2016-01-31", "zoom"},
		{"no windows", "bbox=35,32,41,37&zoom=7", "windows"},
		{"window without end", "bbox=35,32,41,37&zoom=7&windows=2016-01-01", "windows"},
		{"bad date", "bbox=35,32,41,37&zoom=7&windows=2016-02-30/2016-03-01", "windows"},
		{"reversed window", "bbox=35,32,41,37&zoom=7&windows=2016-03-01/2016-02-01", "windows"},
		{"too many windows", "bbox=35,32,41,37&zoom=7&windows=" + many, "windows"},
		{"dates outside the windows", "bbox=35,32,41,37&zoom=7&windows=2016-01-01/2016-01-31&from=2016-01-01", "from"},
		{"bad bbox", "bbox=35,32,41&zoom=7&windows=2016-01-01/2016-01-31", "bbox"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := getTile(t, ts.URL+"/api/playback?"+tc.query)
			var e struct{ Error, Field string }
			if err := json.Unmarshal(body, &e); err != nil {
				t.Fatalf("%s: %v", body, err)
			}
			if resp.StatusCode != http.StatusBadRequest || e.Field != tc.field {
				t.Errorf("got %d %s, want 400 on field %q", resp.StatusCode, body, tc.field)
			}
		})
	}
}
