package postgis

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

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
	return appendSearchWords(nil, s)
}

// appendSearchWords appends the words of s (see searchWords) to out. It
// splits as strings.FieldsFunc would with a separator that is neither a
// letter nor a number, but an ASCII word already in lower case is a slice
// of s, not a copy: a bulk load splits every record's text.
func appendSearchWords(out []string, s string) []string {
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf && !asciiWord[c] || c >= utf8.RuneSelf && !wordRune(s, i) {
			i += runeLen(s, i)
			continue
		}
		j, ascii, upper := i, true, false
		for j < len(s) {
			c := s[j]
			if c < utf8.RuneSelf {
				if !asciiWord[c] {
					break
				}
				upper = upper || 'A' <= c && c <= 'Z'
				j++
				continue
			}
			if !wordRune(s, j) {
				break
			}
			ascii = false
			j += runeLen(s, j)
		}
		w := s[i:j]
		switch {
		case !ascii:
			w = foldWord(w)
		case upper:
			w = strings.ToLower(w)
		}
		if w != "" && len(w) <= maxLexeme {
			out = append(out, w)
		}
		i = j
	}
	return out
}

// asciiWord tells the ASCII letters and digits.
var asciiWord = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
	}
	return t
}()

// wordRune reports whether the rune at s[i] is a letter or a number.
func wordRune(s string, i int) bool {
	if c := s[i]; c < utf8.RuneSelf {
		return asciiWord[c]
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsLetter(r) || unicode.IsNumber(r)
}

// runeLen returns the length in bytes of the rune at s[i] (1 for a byte
// that does not start a valid one).
func runeLen(s string, i int) int {
	if s[i] < utf8.RuneSelf {
		return 1
	}
	_, n := utf8.DecodeRuneInString(s[i:])
	return n
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
// so that the server need not sort them. Its four texts are split as one,
// joined by spaces with their ASCII capitals lowered first, so that their
// ASCII words are slices of a single string rather than a copy each.
func searchVector(in *incidents.Incident) pgtype.TSVector {
	texts := [...]string{in.Notes, in.Place, in.Actor1, in.Actor2}
	n := len(texts)
	for _, t := range texts {
		n += len(t)
	}
	buf := make([]byte, 0, n)
	for _, t := range texts {
		for i := 0; i < len(t); i++ {
			c := t[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			buf = append(buf, c)
		}
		buf = append(buf, ' ')
	}
	words := appendSearchWords(make([]string, 0, 32), string(buf))
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
