package sqlite

import (
	"encoding/json"
	"testing"
)

// TestJSONListMatchesMarshal checks that jsonList writes every list as
// json.Marshal does, on its fast path and off it.
func TestJSONListMatchesMarshal(t *testing.T) {
	for _, xs := range [][]string{
		nil,
		{},
		{""},
		{"SOHR"},
		{"SOHR", "ACLED", "local media ~ 2"},
		{"a\"b"},
		{`back\slash`},
		{"a<b"},
		{"a>b"},
		{"x&y"},
		{"tab\there", "nl\n"},
		{"Alep حلب", "café"},
		{"\u2028", "bad \xff utf-8"},
		{"plain", "\x7f"},
	} {
		want := "[]"
		if len(xs) > 0 {
			b, err := json.Marshal(xs)
			if err != nil {
				t.Fatal(err)
			}
			want = string(b)
		}
		if got := jsonList(xs); got != want {
			t.Errorf("jsonList(%q) = %s, want %s", xs, got, want)
		}
	}
}
