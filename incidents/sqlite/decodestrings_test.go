package sqlite

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestDecodeStringsAgreesWithEncodingJSON checks the direct split of a
// sources or tags column against json.Unmarshal: plain arrays, and every
// form that must fall back (escapes, spaces, invalid UTF-8, bad JSON).
func TestDecodeStringsAgreesWithEncodingJSON(t *testing.T) {
	cols := []string{
		`[]`, `[""]`, `["a"]`, `["https://example.org/a?b=1","AP"]`, `["",""]`,
		`["Dayr az Zawr","دير الزور"]`, `["a\"b"]`, `["a\\b"]`, `["\u00e9"]`, `["tab\there"]`,
		`[ "a" ]`, `["a", "b"]`, `["a",]`, `["a"`, `"a"]`, `[a]`, `[1]`, `["a""b"]`, `["a",,"b"]`,
		"[\"\xff\"]", "[\"a\x01\"]", `null`, `["a"]x`, `[["a"]]`, `[]]`,
	}
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := []string{"a", "Z", " ", ",", "\"", "\\", "é", "د", "\xff", "[", "]", "/", "\x02"}
	for range 2000 {
		var b []byte
		b = append(b, '[')
		for k := range rng.IntN(4) {
			if k > 0 {
				b = append(b, ',')
			}
			b = append(b, '"')
			for range rng.IntN(6) {
				b = append(b, alphabet[rng.IntN(len(alphabet))]...)
			}
			b = append(b, '"')
		}
		b = append(b, ']')
		cols = append(cols, string(b))
	}
	for _, col := range cols {
		var want []string
		wantErr := json.Unmarshal([]byte(col), &want)
		if len(want) == 0 {
			want = nil
		}
		got, err := decodeStrings(col)
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("%q: error %v, json.Unmarshal's %v", col, err, wantErr)
		}
		if err == nil && !slices.Equal(got, want) {
			t.Fatalf("%q: got %q, want %q", col, got, want)
		}
	}
}

func BenchmarkDecodeStrings(b *testing.B) {
	col := `["https://www.example.org/news/2016/09/17/deir-ezzor-air-strike","AP"]`
	for b.Loop() {
		if _, err := decodeStrings(col); err != nil {
			b.Fatal(err)
		}
	}
}
