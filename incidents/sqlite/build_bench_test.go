package sqlite

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/mapd/mapd/incidents/index"
)

// BenchmarkBuildIndex measures one build of the index over the database
// named by MAPD_PAGE_DB (see openBenchDB), and reports the process's CPU
// time per build beside the wall time (on a shared machine the two
// differ).
func BenchmarkBuildIndex(b *testing.B) {
	ctx := context.Background()
	s := openBenchDB(b)
	ictx, cancel := context.WithCancel(ctx)
	s.idx = &indexer{ix: index.New(index.Options{}), ctx: ictx, cancel: cancel}
	benchBuild(b, func(ctx context.Context) (int, error) {
		n, _, err := s.buildIndex(ctx)
		return n, err
	})
}

// benchBuild runs build b.N times and reports its CPU time per build.
func benchBuild(b *testing.B, build func(context.Context) (int, error)) {
	var r0, r1 syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &r0)
	for b.Loop() {
		if _, err := build(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	syscall.Getrusage(syscall.RUSAGE_SELF, &r1)
	cpu := time.Duration(r1.Utime.Nano() + r1.Stime.Nano() - r0.Utime.Nano() - r0.Stime.Nano())
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
}
