package flight_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mapd/mapd/internal/flight"
)

// waitFor polls cond until it holds, failing after a minute.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestDoSharesOneCall starts many callers of one key while the work is
// held back: the work must run once and every caller get its result.
func TestDoSharesOneCall(t *testing.T) {
	var g flight.Group[string, int]
	var calls atomic.Int32
	release := make(chan struct{})
	const n = 20
	var wg sync.WaitGroup
	results := make([]int, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := g.Do(context.Background(), "k", func(ctx context.Context) (int, error) {
				calls.Add(1)
				<-release
				return 42, nil
			})
			if err != nil {
				t.Errorf("caller %d: got error %v, want none", i, err)
			}
			results[i] = v
		}()
	}
	waitFor(t, "every caller waiting", func() bool { return g.Waiting("k") == n })
	close(release)
	wg.Wait()
	if got := calls.Load(); got != 1 {
		t.Fatalf("got %d calls, want 1", got)
	}
	for i, v := range results {
		if v != 42 {
			t.Fatalf("caller %d got %d, want 42", i, v)
		}
	}
	if got := g.Waiting("k"); got != 0 {
		t.Fatalf("got %d waiting after the call, want 0", got)
	}
}

// TestCancelledCallerDoesNotFailOthers is the rule of the package: the
// caller that started the work gives up, and the caller that joined it
// still gets the result, computed on a context that was never cancelled.
func TestCancelledCallerDoesNotFailOthers(t *testing.T) {
	tests := []struct {
		name      string
		cancelled int // which caller gives up: 0 started the work, 1 joined it
	}{
		{"the caller that started the work gives up", 0},
		{"the caller that joined gives up", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var g flight.Group[string, string]
			release := make(chan struct{})
			var workErr atomic.Value
			fn := func(ctx context.Context) (string, error) {
				select {
				case <-release:
				case <-ctx.Done():
				}
				if err := ctx.Err(); err != nil {
					workErr.Store(err)
					return "", err
				}
				return "tile", nil
			}
			ctxs := make([]context.Context, 2)
			cancels := make([]context.CancelFunc, 2)
			for i := range ctxs {
				ctxs[i], cancels[i] = context.WithCancel(context.Background())
				defer cancels[i]()
			}
			type result struct {
				v   string
				err error
			}
			out := make([]chan result, 2)
			for i := range out {
				out[i] = make(chan result, 1)
				go func() {
					v, err := g.Do(ctxs[i], "k", fn)
					out[i] <- result{v, err}
				}()
				waitFor(t, "caller joined", func() bool { return g.Waiting("k") == i+1 })
			}
			cancels[tt.cancelled]()
			if r := <-out[tt.cancelled]; !errors.Is(r.err, context.Canceled) {
				t.Fatalf("cancelled caller: got %q, %v; want context.Canceled", r.v, r.err)
			}
			close(release)
			other := 1 - tt.cancelled
			if r := <-out[other]; r.err != nil || r.v != "tile" {
				t.Fatalf("waiting caller: got %q, %v; want \"tile\", nil", r.v, r.err)
			}
			if err := workErr.Load(); err != nil {
				t.Fatalf("the work's context was cancelled (%v) while a caller waited", err)
			}
		})
	}
}

// TestLastCallerLeavingCancelsWork checks that abandoned work stops, and
// that a caller arriving afterwards starts new work rather than joining the
// cancelled one.
func TestLastCallerLeavingCancelsWork(t *testing.T) {
	var g flight.Group[int, int]
	stopped := make(chan error, 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := g.Do(ctx, 1, func(ctx context.Context) (int, error) {
			<-ctx.Done()
			stopped <- ctx.Err()
			return 0, ctx.Err()
		})
		done <- err
	}()
	waitFor(t, "caller waiting", func() bool { return g.Waiting(1) == 1 })
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if err := <-stopped; !errors.Is(err, context.Canceled) {
		t.Fatalf("work's context: got %v, want context.Canceled", err)
	}
	v, err := g.Do(context.Background(), 1, func(ctx context.Context) (int, error) { return 7, ctx.Err() })
	if err != nil || v != 7 {
		t.Fatalf("after the abandoned call: got %d, %v; want 7, nil", v, err)
	}
}

type ctxKey struct{}

// TestDo covers the smaller promises of Do, one case each.
func TestDo(t *testing.T) {
	t.Run("the work sees the caller's values", func(t *testing.T) {
		var g flight.Group[string, string]
		ctx := context.WithValue(context.Background(), ctxKey{}, "req-1")
		v, err := g.Do(ctx, "k", func(ctx context.Context) (string, error) {
			s, _ := ctx.Value(ctxKey{}).(string)
			return s, nil
		})
		if err != nil || v != "req-1" {
			t.Fatalf("got %q, %v; want \"req-1\", nil", v, err)
		}
	})
	t.Run("the work has no deadline of its caller and outlives it while another waits", func(t *testing.T) {
		var g flight.Group[string, string]
		short, cancel := context.WithTimeout(context.Background(), time.Hour)
		defer cancel()
		release := make(chan struct{})
		fn := func(ctx context.Context) (string, error) {
			<-release
			if _, ok := ctx.Deadline(); ok {
				return "", errors.New("the work inherited a deadline")
			}
			return "ok", ctx.Err()
		}
		go g.Do(short, "k", fn)
		waitFor(t, "first caller", func() bool { return g.Waiting("k") == 1 })
		res := make(chan error, 1)
		go func() { _, err := g.Do(context.Background(), "k", fn); res <- err }()
		waitFor(t, "second caller", func() bool { return g.Waiting("k") == 2 })
		cancel()
		waitFor(t, "first caller gone", func() bool { return g.Waiting("k") == 1 })
		close(release)
		if err := <-res; err != nil {
			t.Fatalf("got %v, want nil", err)
		}
	})
	t.Run("a caller already cancelled runs nothing", func(t *testing.T) {
		var g flight.Group[string, int]
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		ran := false
		_, err := g.Do(ctx, "k", func(context.Context) (int, error) { ran = true; return 1, nil })
		if !errors.Is(err, context.Canceled) || ran {
			t.Fatalf("got %v, ran %v; want context.Canceled, not run", err, ran)
		}
	})
	t.Run("an error reaches every waiter", func(t *testing.T) {
		var g flight.Group[string, int]
		boom := errors.New("boom")
		_, err := g.Do(context.Background(), "k", func(context.Context) (int, error) { return 0, boom })
		if !errors.Is(err, boom) {
			t.Fatalf("got %v, want boom", err)
		}
	})
	t.Run("a panic becomes a PanicError", func(t *testing.T) {
		var g flight.Group[string, int]
		_, err := g.Do(context.Background(), "k", func(context.Context) (int, error) { panic("bad tile") })
		var pe *flight.PanicError
		if !errors.As(err, &pe) || pe.Value != "bad tile" {
			t.Fatalf("got %v, want a PanicError of \"bad tile\"", err)
		}
	})
	t.Run("different keys run at the same time", func(t *testing.T) {
		var g flight.Group[int, int]
		release := make(chan struct{})
		var wg sync.WaitGroup
		for k := range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				g.Do(context.Background(), k, func(context.Context) (int, error) { <-release; return k, nil })
			}()
		}
		waitFor(t, "three calls", func() bool { return g.Waiting(0)+g.Waiting(1)+g.Waiting(2) == 3 })
		close(release)
		wg.Wait()
	})
}
