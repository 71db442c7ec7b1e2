// Command coldstart measures how long loading the embedded default
// gazetteer takes in a fresh process, and how much memory it holds:
//
//	go run ./gazetteer/internal/coldstart
package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"syscall"
	"time"

	"github.com/mapd/mapd/gazetteer"
)

func main() {
	start := time.Now()
	g, err := gazetteer.Default(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	wall := time.Since(start)
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("places %d  wall %v  cpu %v (user %v, sys %v)  max RSS %d MB  heap in use %d MB\n",
		g.Len(), wall.Round(time.Millisecond), cpu.Round(time.Millisecond),
		time.Duration(ru.Utime.Nano()).Round(time.Millisecond), time.Duration(ru.Stime.Nano()).Round(time.Millisecond),
		ru.Maxrss>>10, ms.HeapInuse>>20)
}
