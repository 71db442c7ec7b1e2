package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/mapd/mapd/incidents"
	"github.com/mapd/mapd/incidents/index"
)

// TestHeatmap checks that the heat map's points hold every match of the
// filters once, with and without the index, and that a bad zoom is a 400.
func TestHeatmap(t *testing.T) {
	ts, store := newServer(t, nil)
	ctx := context.Background()
	want, err := store.Count(ctx, incidents.Filter{})
	if err != nil || want == 0 {
		t.Fatalf("count: got %d, %v", want, err)
	}
	for _, indexed := range []bool{false, true} {
		if indexed {
			store.StartIndex(index.Options{})
			if err := store.WaitIndex(ctx); err != nil {
				t.Fatal(err)
			}
		}
		for _, zoom := range []string{"0", "5", "12"} {
			resp, body := do(t, "GET", ts.URL+"/api/heatmap?zoom="+zoom, "")
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("zoom %s: got %d %s", zoom, resp.StatusCode, body)
			}
			var got struct {
				Points [][4]float64 `json:"points"`
			}
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, p := range got.Points {
				n += int(p[2])
			}
			if n != want || len(got.Points) == 0 {
				t.Errorf("indexed %v, zoom %s: got %d incidents in %d points, want %d", indexed, zoom, n, len(got.Points), want)
			}
		}
	}
	for _, bad := range []string{"-1", "25", "x"} {
		if resp, body := do(t, "GET", ts.URL+"/api/heatmap?zoom="+bad, ""); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("zoom %s: got %d %s, want 400", bad, resp.StatusCode, body)
		}
	}
}
