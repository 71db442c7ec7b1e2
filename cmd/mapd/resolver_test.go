package main

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// TestResolverLoadSurvivesFirstCallerLeaving checks that the gazetteer's
// lazy load is shared work: a first caller that gives up neither fails the
// callers still waiting nor leaves its cancellation as the answer for later
// ones.
func TestResolverLoadSurvivesFirstCallerLeaving(t *testing.T) {
	r := &placeResolver{}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.load(cancelled); !errors.Is(err, context.Canceled) {
		t.Fatalf("load with a cancelled context: %v, want context.Canceled", err)
	}

	impatient, stop := context.WithTimeout(context.Background(), 5*time.Millisecond)
	defer stop()
	var wg sync.WaitGroup
	var impatientErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, impatientErr = r.load(impatient)
	}()
	l, err := r.load(context.Background())
	wg.Wait()
	if err != nil || l.gz == nil || l.rev == nil || l.x == nil {
		t.Fatalf("load by a patient caller beside an impatient one: %v", err)
	}
	if impatientErr != nil && !errors.Is(impatientErr, context.DeadlineExceeded) {
		t.Fatalf("the impatient caller got %v, want success or its own deadline", impatientErr)
	}
	res, ok, err := r.ResolvePlace(context.Background(), "Aleppo", "SY", nil)
	if err != nil || !ok || res.Country != "SY" {
		t.Fatalf("ResolvePlace after the load: %+v %v %v", res, ok, err)
	}
}
