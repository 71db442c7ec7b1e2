package stat

import (
	"testing"
	"time"
)

func TestNumberReturned(t *testing.T) {
	tests := []struct {
		body string
		want int
	}{
		{`{"features":[],"numberMatched":5,"numberReturned":3}`, 3},
		{`{"numberReturned": 12,"links":[]}`, 12},
		{`{"features":[{"properties":{"numberReturned":9}}],"numberReturned":1}`, 1},
		{`{"features":[]}`, -1},
		{`{"numberReturned":"x"}`, -1},
	}
	for _, tt := range tests {
		if got := NumberReturned([]byte(tt.body)); got != tt.want {
			t.Errorf("NumberReturned(%s) = %d, want %d", tt.body, got, tt.want)
		}
	}
}

func TestPercentiles(t *testing.T) {
	var d []time.Duration
	for i := 100; i >= 1; i-- {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	if p50, p99 := Percentiles(d); p50 != 51*time.Millisecond || p99 != 100*time.Millisecond {
		t.Errorf("got %v, %v; want 51ms, 100ms", p50, p99)
	}
	if d[0] != 100*time.Millisecond {
		t.Error("Percentiles sorted its argument")
	}
	if p50, p99 := Percentiles(nil); p50 != 0 || p99 != 0 {
		t.Errorf("empty: got %v, %v", p50, p99)
	}
}
