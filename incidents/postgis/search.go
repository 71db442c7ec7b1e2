package postgis

import (
	"slices"
	"strings"
	"unicode"

	"github.com/jackc/pgx/v5/pgtype"
	"golang.org/x/text/unicode/norm"

	"github.com/mapd/mapd/incidents"
)

// maxLexeme is the longest word, in bytes, a tsvector holds.
const maxLexeme = 2046

// searchWords splits text into the words full-text search matches, as
// the SQLite store's FTS5 tokenizer (unicode61, remove_diacritics 2) does:
// runs of letters and digits, lower-cased, without diacritics.
func searchWords(s string) []string {
	ws := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
	out := ws[:0]
	for _, w := range ws {
		w = foldWord(w)
		if w != "" && len(w) <= maxLexeme {
			out = append(out, w)
		}
	}
	return out
}

// foldWord lower-cases a word and removes its diacritics (the combining
// marks of its canonical decomposition).
func foldWord(w string) string {
	ascii := true
	for i := 0; i < len(w); i++ {
		if w[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(w)
	}
	var b strings.Builder
	for _, r := range norm.NFD.String(w) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return norm.NFC.String(b.String())
}

// searchVector returns the search column of an incident: its distinct
// words in byte order, the order PostgreSQL keeps a tsvector's lexemes in,
// so that the server need not sort them.
func searchVector(in *incidents.Incident) pgtype.TSVector {
	var words []string
	for _, text := range []string{in.Notes, in.Place, in.Actor1, in.Actor2} {
		words = append(words, searchWords(text)...)
	}
	slices.Sort(words)
	words = slices.Compact(words)
	v := pgtype.TSVector{Valid: true, Lexemes: make([]pgtype.TSVectorLexeme, len(words))}
	for i, w := range words {
		v.Lexemes[i].Word = w
	}
	return v
}

// searchQuery returns the tsquery text that requires every word of q (at
// most 32, as in the SQLite store), or "" when q has no word. Words hold
// only letters and digits, so quoting them is enough to keep tsquery
// operators in q from being parsed.
func searchQuery(q string) string {
	ws := strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(ws) > 32 {
		ws = ws[:32]
	}
	var parts []string
	for _, w := range ws {
		for _, f := range searchWords(w) {
			parts = append(parts, "'"+f+"'")
		}
	}
	return strings.Join(parts, " & ")
}
