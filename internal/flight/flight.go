// Package flight runs shared work: one computation whose result several
// callers wait for at the same time, such as a vector tile that many map
// clients ask for at once, the extent of the data, or an index that every
// query needs built.
//
// Its rule is that no caller fails because another caller went away. The
// work does not run on the context of the caller that happened to start
// it: it runs on a context of its own, which keeps that caller's values
// (request ids, loggers) but not its cancellation or deadline, and which is
// cancelled when the last caller still waiting for the result gives up.
// Work that somebody still wants therefore always finishes, and work that
// nobody wants any more stops. Its bound is the longest bound of its
// waiters: once every waiter's deadline has passed, it is cancelled.
//
// Every piece of shared or cached work in mapd goes through a Group: the
// tile cache of package web, the extent of the SQLite store, and any index
// built for queries.
package flight

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"
)

// Group runs at most one call per key at a time and hands its result to
// every caller that asks for the same key while it runs. The zero Group is
// ready to use; a Group must not be copied after its first use.
//
// A Group keeps no results: once a call returns, the next Do for its key
// starts a new one. Callers that cache results store them from inside fn,
// so that the result is stored even when every waiter has left.
type Group[K comparable, V any] struct {
	mu    sync.Mutex
	calls map[K]*call[V]
}

// call is one running computation and the callers waiting for it.
type call[V any] struct {
	done    chan struct{} // closed when fn has returned and val, err are set
	val     V
	err     error
	waiters int                // callers still waiting; the work is cancelled when it drops to 0
	cancel  context.CancelFunc // cancels the work's context
}

// Do returns the result of fn for key, running fn unless a call for key is
// already running, in which case Do waits for that call's result instead.
//
// fn runs in a goroutine of its own on a context that carries ctx's values
// and is cancelled only when every caller waiting for this call has given
// up (each one's ctx is done). A caller whose ctx is done returns ctx.Err()
// at once, while the others go on waiting; the last one to leave cancels
// the work and removes the call, so that a later Do for key starts afresh
// rather than joining cancelled work. A panic in fn is returned to every
// waiter as a *PanicError instead of crashing the process.
func (g *Group[K, V]) Do(ctx context.Context, key K, fn func(ctx context.Context) (V, error)) (V, error) {
	var zero V
	if err := ctx.Err(); err != nil {
		return zero, err
	}
	g.mu.Lock()
	if g.calls == nil {
		g.calls = map[K]*call[V]{}
	}
	c, ok := g.calls[key]
	if !ok {
		work, cancel := context.WithCancel(context.WithoutCancel(ctx))
		c = &call[V]{done: make(chan struct{}), cancel: cancel}
		g.calls[key] = c
		go g.run(work, key, c, fn)
	}
	c.waiters++
	g.mu.Unlock()

	select {
	case <-c.done:
		return c.val, c.err
	case <-ctx.Done():
		g.mu.Lock()
		c.waiters--
		last := c.waiters == 0
		if last && g.calls[key] == c {
			delete(g.calls, key)
		}
		g.mu.Unlock()
		if last {
			c.cancel()
		}
		return zero, ctx.Err()
	}
}

// run calls fn for c and publishes its result.
func (g *Group[K, V]) run(ctx context.Context, key K, c *call[V], fn func(ctx context.Context) (V, error)) {
	defer func() {
		if r := recover(); r != nil {
			c.err = &PanicError{Value: r, Stack: debug.Stack()}
		}
		g.mu.Lock()
		if g.calls[key] == c {
			delete(g.calls, key)
		}
		g.mu.Unlock()
		c.cancel()
		close(c.done)
	}()
	c.val, c.err = fn(ctx)
}

// Waiting returns how many callers wait for the running call for key, 0
// when none runs.
func (g *Group[K, V]) Waiting(key K) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	if c, ok := g.calls[key]; ok {
		return c.waiters
	}
	return 0
}

// PanicError is the error of a call whose function panicked.
type PanicError struct {
	Value any    // what fn panicked with
	Stack []byte // the goroutine's stack at the panic
}

func (e *PanicError) Error() string {
	return fmt.Sprintf("flight: shared work panicked: %v\n%s", e.Value, e.Stack)
}
