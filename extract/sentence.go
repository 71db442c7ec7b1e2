package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// tokKind tells words, numbers and punctuation apart.
type tokKind uint8

const (
	tokWord tokKind = iota
	tokNumber
	tokPunct
)

// token is one word, number or punctuation mark, with its byte span in the
// document text.
type token struct {
	start, end int
	text       string
	norm       string // lower case, hyphens dropped, curly apostrophes straightened
	kind       tokKind
	cap        bool // starts with an upper-case letter (after an Arabic article: "ez-Zor")
	nlBefore   int  // line breaks between the previous token and this one
	pair       bool // one name of a hyphenated pair ("India-Pakistan"): no event's place
}

// sentence is a run of tokens with its byte span.
type sentence struct {
	start, end int
	toks       []token
	first      int  // index of toks[0] in the document's tokens
	caption    bool // a photo caption ("2/10 Smoke rises ...")
	para       int  // paragraph number
}

// tokenize splits text into tokens. It runs in time linear in the text.
func tokenize(text string) []token {
	toks := make([]token, 0, len(text)/5+1)
	nl := 0
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case r == '\n':
			nl++
			i += size
			continue
		case unicode.IsSpace(r) || r == '\u00a0':
			i += size
			continue
		case isWordRune(r):
			j := scanWord(text, i)
			toks = appendWord(toks, text, i, j, nl)
			i = j
		default:
			toks = append(toks, token{start: i, end: i + size, text: text[i : i+size], norm: normPunct(text[i : i+size]), kind: tokPunct})
			toks[len(toks)-1].nlBefore = nl
			i += size
		}
		nl = 0
	}
	return toks
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func isApostrophe(r rune) bool { return r == '\'' || r == '’' || r == 'ʼ' || r == '‘' }

// scanWord returns the end of the word starting at i: letters and digits,
// joined by hyphens, apostrophes, and dots or commas between digits
// ("300,000", "1.5") or single letters ("U.S.").
func scanWord(text string, i int) int {
	j := i
	for j < len(text) {
		r, size := utf8.DecodeRuneInString(text[j:])
		if isWordRune(r) {
			j += size
			continue
		}
		if r == '-' || isApostrophe(r) || r == '.' || r == ',' {
			n, nsize := utf8.DecodeRuneInString(text[j+size:])
			if j+size >= len(text) || !isWordRune(n) {
				// "U.S." keeps its final dot when it is an abbreviation of letters.
				if r == '.' && (dottedAbbrev(text[i:j]) || partyPrefix(text[i:j]+".")) {
					j += size
				}
				return j
			}
			p, _ := utf8.DecodeLastRuneInString(text[i:j])
			switch r {
			case ',':
				if !unicode.IsDigit(p) || !unicode.IsDigit(n) || !threeDigits(text[j+size:]) {
					return j
				}
			case '.':
				if !(unicode.IsDigit(p) && unicode.IsDigit(n)) && !dottedAbbrev(text[i:j]+"."+string(n)) {
					return j
				}
			}
			_ = nsize
			j += size
			continue
		}
		return j
	}
	return j
}

// threeDigits reports whether s starts with exactly three digits, as after
// a thousands comma.
func threeDigits(s string) bool {
	if len(s) < 3 {
		return false
	}
	for k := 0; k < 3; k++ {
		if s[k] < '0' || s[k] > '9' {
			return false
		}
	}
	return len(s) == 3 || s[3] < '0' || s[3] > '9'
}

// dottedAbbrev reports whether s is single letters joined by dots ("U",
// "U.S", "U.S.", "U.N").
func dottedAbbrev(s string) bool {
	if len(s) == 0 {
		return false
	}
	letters := 0
	for k := 0; k < len(s); k++ {
		c := s[k]
		if c == '.' {
			continue
		}
		if !isASCIILetter(c) || (k > 0 && s[k-1] != '.') {
			return false
		}
		letters++
	}
	return letters >= 1 && letters <= 4
}

// appendWord appends the word text[i:j], cutting a possessive "'s" and a
// "n't" off into tokens of their own.
func appendWord(toks []token, text string, i, j, nl int) []token {
	w := text[i:j]
	// "Texas-based", "Gainesville-area": the name is a word of its own;
	// so is the home town in "D-Charleston" (a party and a town).
	if k := strings.LastIndexByte(w, '-'); k > 1 && isASCIIUpper(w[0]) && placeSuffixes[strings.ToLower(w[k+1:])] {
		toks = appendWord(toks, text, i, i+k, nl)
		return append(toks, newWord(text, i+k+1, j, 0))
	}
	if partyPrefix(w) {
		return appendWord(toks, text, i+2, j, nl) // the party letter is no word of the name
	}
	cut := j
	if k := lastApostrophe(w); k > 0 {
		tail := strings.ToLower(w[k:])
		_, asize := utf8.DecodeRuneInString(w[k:])
		switch {
		case tail[asize:] == "s":
			cut = i + k
		case tail[asize:] == "t" && k > 0 && (w[k-1] == 'n' || w[k-1] == 'N'):
			cut = i + k - 1
		}
	}
	toks = append(toks, newWord(text, i, cut, nl))
	if cut < j {
		toks = append(toks, newWord(text, cut, j, 0))
	}
	return toks
}

// partyPrefix reports whether w is a party letter before a home town or
// state: "D-Charleston", "R-Texas", "D-W." (of "D-W. Va.").
func partyPrefix(w string) bool {
	return len(w) > 3 && w[1] == '-' && (w[0] == 'D' || w[0] == 'R' || w[0] == 'I') && isASCIIUpper(w[2]) &&
		(isASCIILetter(w[3]) || w[3] == '.' && len(w) == 4)
}

// placeSuffixes follow a place name joined by a hyphen.
var placeSuffixes = map[string]bool{"based": true, "area": true, "born": true, "bound": true, "headquartered": true,
	"raised": true, "bred": true, "registered": true, "flagged": true, "owned": true, "made": true}

func isASCIIUpper(c byte) bool { return c >= 'A' && c <= 'Z' }

func lastApostrophe(w string) int {
	for k := len(w) - 1; k >= 0; k-- {
		r, _ := utf8.DecodeRuneInString(w[k:])
		if isApostrophe(r) {
			return k
		}
		if w[k] < 0x80 && !isASCIILetter(w[k]) {
			return -1
		}
		if len(w)-k > 4 {
			return -1
		}
	}
	return -1
}

func newWord(text string, i, j, nl int) token {
	w := text[i:j]
	t := token{start: i, end: j, text: w, norm: normWord(w), nlBefore: nl}
	r, _ := utf8.DecodeRuneInString(w)
	switch {
	case unicode.IsDigit(r) && isNumeric(w):
		t.kind = tokNumber
	case unicode.IsUpper(r):
		t.cap = true
	default:
		// "ez-Zor", "al-Assad": an Arabic article joined to a capitalised word.
		if k := strings.IndexByte(w, '-'); k > 0 && k <= 3 && k+1 < len(w) {
			n, _ := utf8.DecodeRuneInString(w[k+1:])
			t.cap = unicode.IsUpper(n)
		}
	}
	return t
}

func isNumeric(w string) bool {
	for k := 0; k < len(w); k++ {
		if (w[k] < '0' || w[k] > '9') && w[k] != ',' && w[k] != '.' {
			return false
		}
	}
	return true
}

// normWord folds a word for dictionary look-ups: lower case, hyphens
// dropped, curly apostrophes made straight.
func normWord(w string) string {
	simple := true
	for k := 0; k < len(w); k++ {
		c := w[k]
		if c >= 0x80 || c == '-' || (c >= 'A' && c <= 'Z') {
			simple = false
			break
		}
	}
	if simple {
		return w
	}
	var sb strings.Builder
	sb.Grow(len(w))
	for _, r := range w {
		switch {
		case r == '-' || r == '‐' || r == '‑':
			continue
		case isApostrophe(r):
			sb.WriteByte('\'')
		default:
			sb.WriteRune(unicode.ToLower(r))
		}
	}
	return sb.String()
}

func normPunct(p string) string {
	switch p {
	case "“", "”", "„", "«", "»":
		return "\""
	case "‘", "’":
		return "'"
	case "—", "–":
		return "-"
	}
	return p
}

// abbreviations end with a dot that ends no sentence.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "gen": true, "maj": true, "col": true, "lt": true,
	"sgt": true, "capt": true, "cpt": true, "cmdr": true, "adm": true, "sen": true, "rep": true, "gov": true,
	"st": true, "prof": true, "rev": true, "brig": true, "jan": true, "feb": true, "mar": true, "apr": true,
	"jun": true, "jul": true, "aug": true, "sep": true, "sept": true, "oct": true, "nov": true, "dec": true,
	"no": true, "vs": true, "inc": true, "ltd": true, "co": true, "corp": true, "jr": true, "sr": true,
	"mt": true, "ft": true, "gen.": true, "pvt": true, "cpl": true, "insp": true, "supt": true, "hon": true,
}

// sentenceStarters are words that, after "U.S." or a similar abbreviation,
// show that a new sentence began.
var sentenceStarters = map[string]bool{
	"the": true, "he": true, "she": true, "it": true, "they": true, "we": true, "a": true, "an": true,
	"in": true, "but": true, "this": true, "that": true, "on": true, "at": true, "its": true, "their": true,
	"his": true, "her": true, "i": true, "there": true, "officials": true, "however": true,
}

// splitSentences groups tokens into sentences. A blank line always ends a
// sentence, as does a line break unless the next line continues in lower
// case; a caption marker ("2/10") starts one.
func splitSentences(toks []token) []sentence {
	var out []sentence
	para := 0
	begin := 0
	captionLine := false // the current line began with a caption marker
	flush := func(end int) {
		if end > begin {
			s := sentence{start: toks[begin].start, end: toks[end-1].end, toks: toks[begin:end], first: begin, para: para}
			if toks[begin].nlBefore > 0 || begin == 0 {
				captionLine = isCaptionMarker(s.toks)
			}
			s.caption = captionLine
			out = append(out, s)
		}
		begin = end
	}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if i > begin && t.nlBefore > 0 {
			prev := toks[i-1]
			hard := t.nlBefore > 1 || isCaptionMarker(toks[i:]) || t.cap || t.kind != tokWord || prev.kind == tokPunct
			if hard {
				flush(i)
				if t.nlBefore > 1 {
					para++
				}
			}
		}
		if t.kind == tokPunct && (t.text == "." || t.text == "!" || t.text == "?" || t.text == "…") {
			j := i + 1
			for j < len(toks) && toks[j].kind == tokPunct && isCloser(toks[j].norm) && toks[j].start == toks[j-1].end {
				j++
			}
			if endsSentence(toks, i, j) {
				flush(j)
				i = j - 1
			}
			continue
		}
		if t.kind == tokWord && strings.HasSuffix(t.text, ".") && i+1 < len(toks) {
			// "U.S." ends a sentence only before a word that starts one.
			n := toks[i+1]
			if n.nlBefore == 0 && n.cap && sentenceStarters[n.norm] {
				flush(i + 1)
			}
		}
	}
	flush(len(toks))
	return out
}

func isCloser(p string) bool {
	switch p {
	case "\"", "'", ")", "]", "»":
		return true
	}
	return false
}

// endsSentence reports whether the full stop at toks[i] (closers up to j)
// ends a sentence.
func endsSentence(toks []token, i, j int) bool {
	if toks[i].text != "." {
		return true
	}
	if i > 0 {
		p := toks[i-1]
		if p.kind == tokWord && p.end == toks[i].start {
			if abbreviations[p.norm] {
				// "Gen. Igor", "Sept. 17": an abbreviation followed by a name or a number.
				if j >= len(toks) || toks[j].cap || toks[j].kind == tokNumber {
					return false
				}
			}
			r, size := utf8.DecodeRuneInString(p.text)
			if size == len(p.text) && unicode.IsUpper(r) && j < len(toks) && toks[j].cap {
				return false // an initial: "John F. Kennedy"
			}
		}
	}
	if j >= len(toks) {
		return true
	}
	n := toks[j]
	if n.nlBefore > 0 {
		return true
	}
	if n.kind == tokWord && !n.cap {
		r, _ := utf8.DecodeRuneInString(n.text)
		return !unicode.IsLower(r)
	}
	return true
}

// isCaptionMarker reports whether toks start with "N/M" (a photo gallery
// caption) or "Photo:".
func isCaptionMarker(toks []token) bool {
	if len(toks) >= 3 && toks[0].kind == tokNumber && toks[1].text == "/" && toks[2].kind == tokNumber &&
		toks[1].start == toks[0].end && toks[2].start == toks[1].end {
		return true
	}
	if len(toks) >= 2 && (toks[0].norm == "photo" || toks[0].norm == "caption") && toks[1].text == ":" {
		return true
	}
	return false
}
