package gazetteer

import (
	"unicode"
	"unicode/utf8"
)

// latinFold maps U+00C0..U+024F to a lower-case ASCII letter, or '_' when the
// rune has no one-letter ASCII base (see latinMulti). The table was derived
// from the Unicode compatibility decompositions of those code points.
const latinFold = "aaaaaa_ceeeeiiiidnooooo_ouuuuy__aaaaaa_ceeeeiiiidnooooo_ouuuuy_yaaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii__jjkkkllllllllllnnnnnn_nnoooooo__rrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzsbb____occ_d___eeeffg___ikkl__nn_oo__pp_____ttttuu_vyyzz______________________aaiioouuuuuuuuuueaaaa__ggggkkoooo__j___gg__nnaa____aaaaeeeeiiiioooorrrruuuusstt__hh_d__zzaaeeooooooooyylntj__accltsz__bu_eejj__rryy"

// extFold does the same for Latin Extended Additional, U+1E00..U+1EFF.
const extFold = "aabbbbbbccddddddddddeeeeeeeeeeffgghhhhhhhhhhiiiikkkkkkllllllllmmmmmmnnnnnnnnoooooooopppprrrrrrrrssssssssssttttttttuuuuuuuuuuvvvvwwwwwwwwwwxxxxyyzzzzzzhtwy_s____aaaaaaaaaaaaaaaaaaaaaaaaeeeeeeeeeeeeeeeeiiiioooooooooooooooooooooooouuuuuuuuuuuuuuyyyyyyyy______"

// foldRune returns the ASCII folding of a Latin letter with diacritics, or ""
// when r is not one. Ligatures and letters such as ß fold to two letters.
func foldRune(r rune) string {
	switch r {
	case 'Æ', 'æ':
		return "ae"
	case 'Þ', 'þ':
		return "th"
	case 'ß', 'ẞ':
		return "ss"
	case 'Œ', 'œ':
		return "oe"
	case 'Ĳ', 'ĳ':
		return "ij"
	case 'Ʃ', 'ʃ':
		return "sh"
	case 'Ǆ', 'ǅ', 'ǆ', 'Ǳ', 'ǲ', 'ǳ':
		return "dz"
	case 'Ǉ', 'ǈ', 'ǉ':
		return "lj"
	case 'Ǌ', 'ǋ', 'ǌ':
		return "nj"
	case 'ə', 'Ə', 'ɛ', 'Ɛ':
		return "e"
	case 'ɔ', 'Ɔ':
		return "o"
	}
	var c byte = '_'
	switch {
	case r >= 0xC0 && r < 0x250:
		c = latinFold[r-0xC0]
	case r >= 0x1E00 && r < 0x1F00:
		c = extFold[r-0x1E00]
	}
	if c == '_' {
		return ""
	}
	return asciiLetters[c-'a' : c-'a'+1]
}

const asciiLetters = "abcdefghijklmnopqrstuvwxyz"

// isMark reports whether r is an apostrophe-like mark that transliterations
// use for ayn and hamza (‘ ’ ʿ ʾ ' ` ...). Such marks vanish without
// splitting the word: "Ma'arrat" and "Maarrat" meet.
func isMark(r rune) bool {
	switch r {
	case '\'', '`', '´', '‘', '’', '‛', 'ʿ', 'ʾ', 'ʼ', 'ʻ', 'ʽ', 'ʹ', 'ˈ', '′', 'ʔ', 'ʕ':
		return true
	}
	return false
}

// isArticle reports whether w is an Arabic definite article as
// transliterations write it detached ("al Raqqah", "Deir ez-Zor").
func isArticle(w []byte) bool {
	switch string(w) {
	case "al", "el", "il", "ul", "ar", "er", "ur", "as", "es", "us", "ash", "esh", "ush",
		"at", "et", "ut", "ath", "az", "ez", "uz", "ad", "ed", "ud", "adh", "an", "en", "un":
		return true
	}
	return false
}

// isRegionWord reports whether w, ending a name, steers it to a first-level
// region: "Homs province", "Al-Raqqah Governorate".
func isRegionWord(w []byte) bool {
	switch string(w) {
	case "governorate", "province", "district", "region", "muhafazat", "muhafazah",
		"muhafaza", "mohafazat", "mohafaza", "wilayah", "wilayat", "vilayet", "governorat",
		"gouvernorat", "provincia", "oblast", "state":
		return true
	}
	return false
}

// isLeadingRegionWord reports whether w, opening a name, steers it to a
// first-level region: "Muhafazat Hims", "Governorate of Homs".
func isLeadingRegionWord(w []byte) bool {
	switch string(w) {
	case "muhafazat", "muhafazah", "muhafaza", "mohafazat", "mohafaza", "wilayat",
		"wilayah", "governorate", "province":
		return true
	}
	return false
}

// Normalize folds a place name to the key under which transliterations of
// the same name meet: diacritics and ayn/hamza marks removed, lower case,
// punctuation and spaces dropped, Arabic articles removed, a region word
// ("governorate", "province") removed, common English/French transliteration
// variants unified (ou/u, ei/ay/ai, final eh/ah, q/k, c/k/s, kh/h, dj/j,
// ch/sh) and
// doubled letters collapsed. "Deir ez-Zor", "Deir Ezzor" and "Deir el-Zor"
// all normalise to "dairzor". Normalize is idempotent.
func Normalize(s string) string {
	k, _ := parseName(s)
	return k
}

// maxNameBytes bounds the input that the normaliser looks at; longer input
// is no place name and only costs time.
const maxNameBytes = 1024

// maxWords bounds the words of a name; further words join the last one.
const maxWords = 32

// parseName returns the normalised key of s and whether s carried a region
// word that steers it to a first-level region.
func parseName(s string) (key string, region bool) {
	var buf [128]byte
	k, region := appendKey(buf[:0], s)
	return string(k), region
}

// span is a word's position in a buffer.
type span struct{ from, to int }

// appendKey appends the normalised key of s to dst, and reports whether s
// carried a region word.
func appendKey(dst []byte, s string) (key []byte, region bool) {
	if len(s) > maxNameBytes {
		s = s[:maxNameBytes]
	}
	var wordBuf [256]byte
	var spanBuf [maxWords]span
	text, words := tokenize(wordBuf[:0], spanBuf[:0], s)
	if len(words) == 0 {
		return dst, false
	}
	word := func(i int) []byte { return text[words[i].from:words[i].to] }
	// Region words: trailing ones first, then a leading Arabic one.
	for len(words) > 1 && isRegionWord(word(len(words)-1)) {
		words = words[:len(words)-1]
		region = true
	}
	if len(words) > 1 && isLeadingRegionWord(word(0)) {
		words = words[1:]
		region = true
		if len(words) > 1 && string(word(0)) == "of" {
			words = words[1:]
		}
	}
	start := len(dst)
	for i := range words {
		w := word(i)
		if i < len(words)-1 && isArticle(w) {
			continue
		}
		// Words join without spaces: "Tall Bisah" meets "Tallbisah".
		if len(words) > 1 && string(w) == "co" && (i == 0 || i == len(words)-1) {
			// "Plymouth Co.", "Co. Cork": "Co." opening or closing a
			// name is a county.
			w = []byte("county")
		} else if i < len(words)-1 {
			w = expandAbbreviation(w)
		}
		dst = append(dst, stripAttachedArticle(w)...)
	}
	// One pass can create a new digraph ("qh" -> "kh"); repeat to a fixed
	// point so that Normalize is idempotent.
	k := dst[start:]
	for changed := true; changed; {
		k, changed = transliterate(k)
	}
	return dst[:start+len(k)], region
}

// expandAbbreviation spells out the abbreviations that open English place
// names, so that "St. Petersburg" meets "Saint Petersburg" and "Mt.
// Pleasant" meets "Mount Pleasant".
func expandAbbreviation(w []byte) []byte {
	switch string(w) {
	case "st":
		return []byte("saint")
	case "ste":
		return []byte("sainte")
	case "mt":
		return []byte("mount")
	case "ft":
		return []byte("fort")
	}
	return w
}

// tokenize appends the lower-case folded words of s to text, recording
// where each word lies in spans.
func tokenize(text []byte, spans []span, s string) ([]byte, []span) {
	from := len(text)
	flush := func() {
		if len(text) > from {
			if len(spans) == maxWords {
				spans[len(spans)-1].to = len(text)
			} else {
				spans = append(spans, span{from, len(text)})
			}
		}
		from = len(text)
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
				text = append(text, c)
			case c >= 'A' && c <= 'Z':
				text = append(text, c+'a'-'A')
			case c == '\'' || c == '`':
			default:
				flush()
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError:
			flush()
		case isMark(r):
		case unicode.Is(unicode.Mn, r):
			// Combining marks of a decomposed letter.
		default:
			if f := foldRune(r); f != "" {
				text = append(text, f...)
			} else if f := foldRune(unicode.ToLower(r)); f != "" {
				text = append(text, f...)
			} else if unicode.IsLetter(r) || unicode.IsDigit(r) {
				text = utf8.AppendRune(text, unicode.ToLower(r))
			} else {
				flush()
			}
		}
	}
	flush()
	return text, spans
}

// stripAttachedArticle removes an assimilated article written as part of the
// word, as in "Ezzor" (ez-Zor) or "Arraqqa" (ar-Raqqa): a vowel, then a sun
// letter written twice. The rest must keep at least three letters.
func stripAttachedArticle(w []byte) []byte {
	if len(w) < 5 || (w[0] != 'a' && w[0] != 'e') {
		return w
	}
	switch w[1] {
	case 't', 'd', 'r', 'z', 's', 'n':
		if w[2] == w[1] {
			return w[2:]
		}
	}
	return w
}

// transliterate unifies spelling variants in b, in place, and reports
// whether it changed anything. Bytes of non-ASCII runes stay as they are.
func transliterate(b []byte) ([]byte, bool) {
	w := 0
	changed := false
	put := func(c byte) {
		// Collapse doubled ASCII letters.
		if c < utf8.RuneSelf && w > 0 && b[w-1] == c {
			changed = true
			return
		}
		b[w] = c
		w++
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		var next byte
		if i+1 < len(b) {
			next = b[i+1]
		}
		switch {
		case c == 'k' && next == 'h':
			c = 'h'
			i++
			changed = true
		case c == 'd' && next == 'j':
			c = 'j'
			i++
			changed = true
		case c == 'c' && next == 'h':
			put('s')
			c = 'h'
			i++
			changed = true
		case c == 'p' && next == 'h':
			c = 'f'
			i++
			changed = true
		case c == 'q':
			c = 'k'
			changed = true
		case c == 'c' && (next == 'e' || next == 'i' || next == 'y'):
			// A soft c: "Ceylanpinar" meets "Seylanpinar".
			c = 's'
			changed = true
		case c == 'c':
			// A hard c: "Damascus" meets "Damaskus".
			c = 'k'
			changed = true
		case c == 'o' && (next == 'u' || next == 'o'):
			c = 'u'
			i++
			changed = true
		case c == 'i' && next == 'y' && i+2 < len(b) && isVowel(b[i+2]):
			// -iya, -iyah: "Salamiyah" meets "Salamieh".
			i++
			changed = true
		case c == 'e' && next == 'e':
			c = 'i'
			i++
			changed = true
		case (c == 'e' || c == 'a') && (next == 'i' || next == 'y'):
			// ei, ey, ay, ai -> ai
			if c != 'a' || next != 'i' {
				changed = true
			}
			put('a')
			c = 'i'
			i++
		}
		put(c)
	}
	b = b[:w]
	// Final -eh/-ah/-a unify as -a.
	if n := len(b); n > 3 && b[n-1] == 'h' && (b[n-2] == 'a' || b[n-2] == 'e') {
		b = b[:n-1]
		b[n-2] = 'a'
		changed = true
	}
	return b, changed
}
