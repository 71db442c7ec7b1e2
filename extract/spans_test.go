package extract

import (
	"context"
	"testing"
)

// TestSpans checks the highlights of a short report of our own: every kind
// of span at its byte offsets, the trigger with its candidate's event type,
// and a date's numbers inside the date rather than counts of their own.
func TestSpans(t *testing.T) {
	x := testExtractor(t)
	text := "date 2016-09-17\n<p>Coalition air strikes hit Syrian army positions near Deir ez-Zor on Saturday, killing at least 62 soldiers, the ministry said on 17 September 2016.</p>"
	res, err := x.Extract(context.Background(), text, Options{HTML: true})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		kind, text, eventType string
	}{
		{SpanTrigger, "air strikes", "Explosions/Remote violence"},
		{SpanPlace, "Deir ez-Zor", ""},
		{SpanDate, "Saturday", ""},
		{SpanNumber, "at least 62", ""},
		{SpanDate, "17 September 2016", ""},
	}
	for _, tt := range tests {
		t.Run(tt.kind+" "+tt.text, func(t *testing.T) {
			for _, s := range res.Spans {
				if s.Kind != tt.kind || s.Text != tt.text {
					continue
				}
				if got := text[s.Start:s.End]; got != tt.text {
					t.Errorf("offsets [%d, %d) hold %q, want %q", s.Start, s.End, got, tt.text)
				}
				if s.EventType != tt.eventType {
					t.Errorf("event_type %q, want %q", s.EventType, tt.eventType)
				}
				return
			}
			t.Errorf("no %s span %q in %+v", tt.kind, tt.text, res.Spans)
		})
	}
	for i, s := range res.Spans {
		if s.Kind == SpanNumber && (s.Text == "17" || s.Text == "2016") {
			t.Errorf("a date's number is a count: %+v", s)
		}
		if i > 0 && s.Start < res.Spans[i-1].Start {
			t.Errorf("spans out of order at %d: %+v after %+v", i, s, res.Spans[i-1])
		}
	}
}

// TestSpansOnlyOfCandidates checks that a trigger that yields no candidate
// (a negated one) is not shown as a trigger.
func TestSpansOnlyOfCandidates(t *testing.T) {
	x := testExtractor(t)
	res, err := x.Extract(context.Background(), "The army said it would not carry out air strikes on Idlib.", Options{Date: "2020-01-01"})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range res.Spans {
		if s.Kind == SpanTrigger {
			t.Errorf("trigger span without a candidate: %+v (candidates %d)", s, len(res.Candidates))
		}
	}
}
