package gazetteer

import (
	"strings"
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

// articles are Arabic definite articles as transliterations write them
// detached ("al Raqqah", "Deir ez-Zor"). They are dropped unless they are the
// whole name.
var articles = map[string]bool{
	"al": true, "el": true, "il": true, "ul": true,
	"ar": true, "er": true, "ur": true,
	"as": true, "es": true, "us": true,
	"ash": true, "esh": true, "ush": true,
	"at": true, "et": true, "ut": true,
	"ath": true, "az": true, "ez": true, "uz": true,
	"ad": true, "ed": true, "ud": true,
	"an": true, "en": true, "un": true,
	"adh": true,
}

// regionWords steer a query to first-level regions when they end (or, for
// the Arabic ones, start) a name: "Homs province", "Muhafazat Hims".
var regionWords = map[string]bool{
	"governorate": true, "province": true, "district": true, "region": true,
	"muhafazat": true, "muhafazah": true, "muhafaza": true, "mohafazat": true,
	"mohafaza": true, "wilayah": true, "wilayat": true, "vilayet": true,
	"governorat": true, "gouvernorat": true, "provincia": true, "oblast": true,
	"state": true,
}

// leadingRegionWords may also open a name: "Muhafazat Hims".
var leadingRegionWords = map[string]bool{
	"muhafazat": true, "muhafazah": true, "muhafaza": true, "mohafazat": true,
	"mohafaza": true, "wilayat": true, "wilayah": true, "governorate": true,
	"province": true,
}

// Normalize folds a place name to the key under which transliterations of
// the same name meet: diacritics and ayn/hamza marks removed, lower case,
// punctuation and spaces dropped, Arabic articles removed, a region word
// ("governorate", "province") removed, common English/French transliteration
// variants unified (ou/u, ei/ay/ai, final eh/ah, q/k, kh/h, dj/j, ch/sh) and
// doubled letters collapsed. "Deir ez-Zor", "Deir Ezzor" and "Deir el-Zor"
// all normalise to "dairzor". Normalize is idempotent.
func Normalize(s string) string {
	k, _ := parseName(s)
	return k
}

// maxNameBytes bounds the input that parseName looks at; longer input is no
// place name and only costs time.
const maxNameBytes = 1024

// parseName returns the normalised key of s and whether s carried a region
// word that steers it to a first-level region.
func parseName(s string) (key string, region bool) {
	if len(s) > maxNameBytes {
		s = s[:maxNameBytes]
	}
	var buf [16]string
	words := tokenize(s, buf[:0])
	if len(words) == 0 {
		return "", false
	}
	// Region words: trailing ones first, then a leading Arabic one.
	for len(words) > 1 && regionWords[words[len(words)-1]] {
		words = words[:len(words)-1]
		region = true
	}
	if len(words) > 1 && leadingRegionWords[words[0]] {
		words = words[1:]
		region = true
		if len(words) > 1 && words[0] == "of" {
			words = words[1:]
		}
	}
	var b strings.Builder
	b.Grow(len(s))
	for i, w := range words {
		if articles[w] && i < len(words)-1 {
			continue
		}
		// Words join without spaces: "Tall Bisah" meets "Tallbisah".
		b.WriteString(stripAttachedArticle(w))
	}
	// One pass can create a new digraph ("qh" -> "kh"); repeat to a fixed
	// point so that Normalize is idempotent.
	key = b.String()
	for range len(key) + 1 {
		t := transliterate(key)
		if t == key {
			break
		}
		key = t
	}
	return key, region
}

// tokenize splits s into lower-case folded words.
func tokenize(s string, words []string) []string {
	var w strings.Builder
	flush := func() {
		if w.Len() > 0 {
			words = append(words, w.String())
			w.Reset()
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
				w.WriteByte(c)
			case c >= 'A' && c <= 'Z':
				w.WriteByte(c + 'a' - 'A')
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
				w.WriteString(f)
			} else if unicode.IsLetter(r) || unicode.IsDigit(r) {
				w.WriteRune(unicode.ToLower(r))
			} else {
				flush()
			}
		}
	}
	flush()
	return words
}

// stripAttachedArticle removes an assimilated article written as part of the
// word, as in "Ezzor" (ez-Zor) or "Arraqqa" (ar-Raqqa): a vowel, then a sun
// letter written twice. The rest must keep at least three letters.
func stripAttachedArticle(w string) string {
	if len(w) < 6 || (w[0] != 'a' && w[0] != 'e') {
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

// transliterate unifies spelling variants inside an ASCII-folded word list
// joined without spaces. It works on bytes and leaves non-ASCII alone.
func transliterate(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		var next byte
		if i+1 < len(s) {
			next = s[i+1]
		}
		switch {
		case c == 'k' && next == 'h':
			c = 'h'
			i++
		case c == 'd' && next == 'j':
			c = 'j'
			i++
		case c == 'c' && next == 'h':
			b = append(b, 's')
			c = 'h'
			i++
		case c == 'p' && next == 'h':
			c = 'f'
			i++
		case c == 'q':
			c = 'k'
		case c == 'o' && next == 'u', c == 'o' && next == 'o':
			c = 'u'
			i++
		case c == 'e' && next == 'e':
			c = 'i'
			i++
		case (c == 'e' || c == 'a') && (next == 'i' || next == 'y'):
			// ei, ey, ay, ai -> ai
			b = append(b, 'a')
			c = 'i'
			i++
		}
		// Collapse doubled ASCII letters (bytes of multi-byte runes stay).
		if c < utf8.RuneSelf && len(b) > 0 && b[len(b)-1] == c {
			continue
		}
		b = append(b, c)
	}
	// Final -eh/-ah/-a unify as -a.
	if n := len(b); n > 3 && b[n-1] == 'h' && (b[n-2] == 'a' || b[n-2] == 'e') {
		b = b[:n-1]
		b[n-2] = 'a'
	}
	return string(b)
}
