package main

import (
	"fmt"
	"slices"
	"time"

	"github.com/mapd/mapd/incidents"
)

// benchCQL2Parse measures, in this process, how many simple CQL2 filters
// (one predicate each, the kind a map or GDAL sends) incidents.ParseCQL2
// parses and checks a second: the median of five rounds of half a second
// on one goroutine. The target is at least 1,000,000 a second.
func benchCQL2Parse() []row {
	exprs := []string{"fatalities > 10", "event_type = 'Battles'", "date >= DATE('2016-09-01')", "country IN ('SY', 'IQ')"}
	var rates []float64
	n := 0
	for range 5 {
		count := 0
		start := time.Now()
		for time.Since(start) < 500*time.Millisecond {
			for range 1000 {
				if _, err := incidents.ParseCQL2(exprs[count%len(exprs)], ""); err != nil {
					return []row{{what: "CQL2 parser", note: "failed: " + err.Error()}}
				}
				count++
			}
		}
		rates = append(rates, float64(count)/time.Since(start).Seconds())
		n += count
	}
	slices.Sort(rates)
	rate := rates[len(rates)/2]
	return []row{{what: "CQL2 parse and check, simple expressions", n: n, rate: thousands(rate) + " expressions/s",
		target: verdict(rate >= 1e6, "≥ 1,000,000 expressions/s"),
		note:   fmt.Sprintf("median of 5 rounds of 0.5 s, 1 goroutine; %s and 3 others", exprs[0])}}
}
