package postgis

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/mapd/mapd/incidents"
)

// fieldsWords is searchWords as strings.FieldsFunc and foldWord define
// it, the reference appendSearchWords must agree with.
func fieldsWords(s string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) }) {
		if w = foldWord(w); w != "" && len(w) <= maxLexeme {
			out = append(out, w)
		}
	}
	return out
}

func TestSearchWordsAgreeWithFieldsFunc(t *testing.T) {
	cases := []string{
		"", " ", "shelling near the market", "Armed clash near the old city of Ramadi; bridge reported",
		"Café Ḥamā ÉCOLE", "Deir ez-Zor", "x2 42 ٣٤ ²", "\xff\xfeinvalid\xc3", "tab\tnew\nline", "Straße İstanbul",
		"日本語のテキスト", "a" + strings.Repeat("b", maxLexeme+3) + " c", "MiXeD CaSe wOrDs", "o'clock (12)", "0123456789 AZaz@[`{",
	}
	alphabet := []rune("aZé Ḥ1;-\u0301٣İß\xff")
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		var b strings.Builder
		for range r.IntN(20) {
			b.WriteRune(alphabet[r.IntN(len(alphabet))])
		}
		cases = append(cases, b.String())
	}
	for _, s := range cases {
		got, want := searchWords(s), fieldsWords(s)
		if !slices.Equal(got, want) {
			t.Errorf("searchWords(%q) = %q, want %q", s, got, want)
		}
	}
}

// TestSearchVectorAgreesWithFieldsFunc checks searchVector, which splits
// an incident's four texts as one with their ASCII capitals lowered,
// against the distinct words fieldsWords finds in each text, in order.
func TestSearchVectorAgreesWithFieldsFunc(t *testing.T) {
	alphabet := []rune("aZé Ḥ1;-\u0301٣İßQ\xff")
	r := rand.New(rand.NewPCG(3, 4))
	text := func() string {
		var b strings.Builder
		for range r.IntN(24) {
			b.WriteRune(alphabet[r.IntN(len(alphabet))])
		}
		return b.String()
	}
	cases := []incidents.Incident{
		{}, {Notes: "Shelling near the MARKET", Place: "Ḥamā", Actor1: "Forces de l'État", Actor2: "market"},
		{Notes: "end", Place: "Start"}, {Notes: "ÉCOLE" + strings.Repeat("X", maxLexeme), Actor2: "Ab\xffCd"},
	}
	for range 2000 {
		cases = append(cases, incidents.Incident{Notes: text(), Place: text(), Actor1: text(), Actor2: text()})
	}
	for _, in := range cases {
		var want []string
		for _, s := range []string{in.Notes, in.Place, in.Actor1, in.Actor2} {
			want = append(want, fieldsWords(s)...)
		}
		slices.Sort(want)
		want = slices.Compact(want)
		var got []string
		for _, l := range searchVector(&in).Lexemes {
			got = append(got, l.Word)
		}
		if !slices.Equal(got, want) {
			t.Errorf("searchVector(%q, %q, %q, %q) = %q, want %q", in.Notes, in.Place, in.Actor1, in.Actor2, got, want)
		}
	}
}
