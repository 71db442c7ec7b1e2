//go:build linux

package extract

import (
	"context"
	"runtime"
	"slices"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// BenchmarkExtract1000WordsCPU times a 1,000-word article by the CPU time
// of the thread that runs it (Linux CLOCK_THREAD_CPUTIME_ID, to the
// nanosecond; getrusage counts in scheduler ticks), so that other work on a
// shared machine does not count, and reports the median and 90th
// percentile per article in ms. Memory: B/op bounds what one article
// needs at once (everything it allocates), and heap-MB-over-gazetteer is
// what stays in use over the loaded gazetteer after the runs and a
// collection (caches included). Run it on one core:
// go test -run '^$' -bench 1000WordsCPU -cpu 1 ./extract.
func BenchmarkExtract1000WordsCPU(b *testing.B) {
	x := testExtractor(b)
	article := article1000(b)
	ctx := context.Background()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var cpu []time.Duration
	b.ReportAllocs()
	for b.Loop() {
		c0 := threadCPU(b)
		if _, err := x.Extract(ctx, article, Options{}); err != nil {
			b.Fatal(err)
		}
		cpu = append(cpu, threadCPU(b)-c0)
	}
	b.StopTimer()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	slices.Sort(cpu)
	b.ReportMetric(float64(cpu[len(cpu)/2].Microseconds())/1000, "cpu-ms-p50")
	b.ReportMetric(float64(cpu[len(cpu)*9/10].Microseconds())/1000, "cpu-ms-p90")
	b.ReportMetric(float64(base)/1e6, "gazetteer-heap-MB")
	b.ReportMetric((float64(ms.HeapInuse)-float64(base))/1e6, "heap-MB-over-gazetteer")
}

// threadCPU returns the CPU time the calling thread has used.
func threadCPU(b *testing.B) time.Duration {
	const clockThreadCPUTime = 3 // CLOCK_THREAD_CPUTIME_ID
	var ts syscall.Timespec
	if _, _, errno := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTime, uintptr(unsafe.Pointer(&ts)), 0); errno != 0 {
		b.Fatal(errno)
	}
	return time.Duration(ts.Nano())
}
