package extract

import (
	"html"
	"strings"
	"unicode/utf8"
)

// doc is the text that the grammar reads, with a map from its byte offsets
// back to the input's. For plain, valid UTF-8 input the two are the same
// and off is nil.
type doc struct {
	text string
	off  []int32 // off[i] is the input offset of text byte i; len(text)+1 entries
	ends []int32 // ends[i] is the input offset after what text byte i came from ("&amp;", not the tags after it)
	// replaced counts invalid UTF-8 sequences replaced by spaces.
	replaced int
}

// inputOffset maps a byte offset into d.text to one into the input.
func (d *doc) inputOffset(i int) int {
	if d.off == nil {
		return i
	}
	return int(d.off[i])
}

// inputEnd maps the end of a stretch of d.text, byte offset i, to the end
// of what that stretch came from in the input: "Raqqa" in "<b>Raqqa</b>"
// ends before "</b>".
func (d *doc) inputEnd(i int) int {
	if d.off == nil {
		return i
	}
	if i == 0 {
		return int(d.off[0])
	}
	return int(d.ends[i-1])
}

// newDoc prepares input for the grammar: HTML is stripped of tags, its
// entities decoded and its block elements turned into line breaks; invalid
// UTF-8 bytes become spaces (one byte for one, so offsets still hold).
func newDoc(input string, isHTML bool) *doc {
	if isHTML {
		return stripHTML(input)
	}
	if utf8.ValidString(input) {
		return &doc{text: input}
	}
	b := []byte(input)
	n := 0
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			b[i] = ' '
			n++
			i++
			continue
		}
		i += size
	}
	return &doc{text: string(b), replaced: n}
}

// LooksLikeHTML reports whether text is probably an HTML document or
// fragment rather than plain text.
func LooksLikeHTML(text string) bool {
	head := strings.ToLower(strings.TrimSpace(text[:min(len(text), 2048)]))
	if strings.HasPrefix(head, "<!doctype html") || strings.HasPrefix(head, "<html") {
		return true
	}
	for _, tag := range []string{"<p>", "<p ", "<br", "<div", "<body", "<article", "<h1", "<h2", "<span", "<figcaption"} {
		if strings.Contains(head, tag) {
			return true
		}
	}
	return false
}

// blockTags are the elements that end a paragraph.
var blockTags = map[string]bool{
	"p": true, "div": true, "br": true, "li": true, "ul": true, "ol": true, "h1": true, "h2": true,
	"h3": true, "h4": true, "h5": true, "h6": true, "tr": true, "table": true, "figcaption": true,
	"figure": true, "blockquote": true, "article": true, "section": true, "header": true,
	"footer": true, "title": true, "dt": true, "dd": true, "hr": true, "caption": true, "pre": true,
}

// skipTags are the elements whose content is no text.
var skipTags = map[string]bool{"script": true, "style": true, "noscript": true, "template": true, "svg": true, "head": false}

// stripHTML removes tags and comments, decodes entities and maps every
// byte of the result back to the input. It is a tolerant scanner, not a
// validating parser: broken markup still yields its text, in linear time.
func stripHTML(in string) *doc {
	var sb strings.Builder
	off := make([]int32, 0, len(in)+1)
	ends := make([]int32, 0, len(in))
	emit := func(s string, at, n int) { // s stands for the n input bytes at at
		for i := 0; i < len(s); i++ {
			off = append(off, int32(at))
			ends = append(ends, int32(at+n))
		}
		sb.WriteString(s)
	}
	lastBreak := true
	breakLine := func(at int) {
		if !lastBreak {
			emit("\n\n", at, 0)
			lastBreak = true
		}
	}
	skipUntil := ""
	replaced := 0
	for i := 0; i < len(in); {
		c := in[i]
		if c == '<' {
			if strings.HasPrefix(in[i:], "<!--") {
				j := strings.Index(in[i+4:], "-->")
				if j < 0 {
					break
				}
				i += 4 + j + 3
				continue
			}
			j := strings.IndexByte(in[i:], '>')
			if j < 0 {
				// A lone '<' is text.
				emit("<", i, 1)
				lastBreak = false
				i++
				continue
			}
			name, closing := tagName(in[i+1 : i+j])
			if skipUntil != "" {
				if closing && name == skipUntil {
					skipUntil = ""
				}
				i += j + 1
				continue
			}
			if !closing && skipTags[name] && !strings.HasSuffix(in[i:i+j], "/") {
				skipUntil = name
			}
			if blockTags[name] {
				breakLine(i)
			}
			i += j + 1
			continue
		}
		if skipUntil != "" {
			i++
			continue
		}
		if c == '&' {
			if j := strings.IndexByte(in[i:min(len(in), i+40)], ';'); j > 1 {
				ent := in[i : i+j+1]
				dec := html.UnescapeString(ent)
				if dec != ent {
					if dec == "\u00a0" {
						dec = " "
					}
					emit(dec, i, j+1)
					lastBreak = false
					i += j + 1
					continue
				}
			}
		}
		r, size := utf8.DecodeRuneInString(in[i:])
		if r == utf8.RuneError && size <= 1 {
			emit(" ", i, 1)
			replaced++
			i++
			continue
		}
		if c == '\n' || c == '\r' || c == '\t' {
			emit(" ", i, 1)
			i++
			continue
		}
		for k := 0; k < size; k++ {
			off = append(off, int32(i+k))
			ends = append(ends, int32(i+k+1))
		}
		sb.WriteString(in[i : i+size])
		if r != ' ' {
			lastBreak = false
		}
		i += size
	}
	off = append(off, int32(len(in)))
	return &doc{text: sb.String(), off: off, ends: ends, replaced: replaced}
}

// tagName returns the lower-case element name of a tag's inside ("p
// class=x", "/div") and whether it closes an element.
func tagName(s string) (string, bool) {
	closing := strings.HasPrefix(s, "/")
	s = strings.TrimPrefix(s, "/")
	end := 0
	for end < len(s) && (isASCIILetter(s[end]) || (end > 0 && s[end] >= '0' && s[end] <= '9')) {
		end++
	}
	return strings.ToLower(s[:end]), closing
}

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
