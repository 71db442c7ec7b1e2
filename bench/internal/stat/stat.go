// Package stat holds what make bench and make bench-pg both measure with:
// latency percentiles and the feature count of a GeoJSON page.
package stat

import (
	"bytes"
	"slices"
	"strconv"
	"time"
)

// Percentiles returns the 50th and 99th percentiles of d (zero for none).
func Percentiles(d []time.Duration) (p50, p99 time.Duration) {
	if len(d) == 0 {
		return 0, 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)*50/100], s[min(len(s)-1, len(s)*99/100)]
}

// NumberReturned reads the last "numberReturned" member of a page (mapd
// and pg_featureserv both write it after the features), or -1 when there is
// none.
func NumberReturned(b []byte) int {
	const name = `"numberReturned":`
	i := bytes.LastIndex(b, []byte(name))
	if i < 0 {
		return -1
	}
	rest := bytes.TrimLeft(b[i+len(name):], " ")
	j := 0
	for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
		j++
	}
	n, err := strconv.Atoi(string(rest[:j]))
	if err != nil {
		return -1
	}
	return n
}
