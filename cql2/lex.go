package cql2

import (
	"strings"
	"unicode/utf8"
)

// tokenKind is the kind of a lexical token of cql2-text.
type tokenKind uint8

const (
	tEOF    tokenKind = iota
	tIdent            // a bare identifier or keyword
	tQuoted           // a "double-quoted" identifier
	tString           // a 'single-quoted' string
	tNumber
	tLParen
	tRParen
	tComma
	tOp // = <> < <= > >=
)

// token is one lexical token; text is the identifier, the unescaped string
// or the operator, usually a slice of the input.
type token struct {
	kind tokenKind
	pos  int
	text string
}

// describe names the token in error messages.
func (t token) describe() string {
	switch t.kind {
	case tEOF:
		return "the end of the filter"
	case tString:
		return "'" + clip(t.text) + "'"
	case tQuoted:
		return `"` + clip(t.text) + `"`
	}
	return strings.TrimSpace(`"` + clip(t.text) + `"`)
}

func clip(s string) string {
	if len(s) <= 40 {
		return s
	}
	i := 40
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "..."
}

// lexer splits cql2-text into tokens on demand.
type lexer struct {
	src string
	off int
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':' || c >= 0x80
}
func isIdentPart(c byte) bool { return isIdentStart(c) || isDigit(c) || c == '.' }

// next returns the next token, or an error for a character that starts
// none or a string left open.
func (l *lexer) next() (token, *Error) {
	for l.off < len(l.src) && isSpace(l.src[l.off]) {
		l.off++
	}
	start := l.off
	if start >= len(l.src) {
		return token{kind: tEOF, pos: start}, nil
	}
	c := l.src[start]
	switch {
	case c == '(':
		l.off++
		return token{kind: tLParen, pos: start, text: "("}, nil
	case c == ')':
		l.off++
		return token{kind: tRParen, pos: start, text: ")"}, nil
	case c == ',':
		l.off++
		return token{kind: tComma, pos: start, text: ","}, nil
	case c == '=':
		l.off++
		return token{kind: tOp, pos: start, text: "="}, nil
	case c == '<' || c == '>':
		l.off++
		if l.off < len(l.src) && (l.src[l.off] == '=' || c == '<' && l.src[l.off] == '>') {
			l.off++
		}
		return token{kind: tOp, pos: start, text: l.src[start:l.off]}, nil
	case c == '\'':
		return l.quoted('\'', tString)
	case c == '"':
		return l.quoted('"', tQuoted)
	case isDigit(c) || c == '.' || c == '-' || c == '+':
		return l.number()
	case isIdentStart(c):
		l.off++
		for l.off < len(l.src) && isIdentPart(l.src[l.off]) {
			l.off++
		}
		return token{kind: tIdent, pos: start, text: l.src[start:l.off]}, nil
	}
	r, _ := utf8.DecodeRuneInString(l.src[start:])
	return token{}, errorf(start, "unexpected character %q", r)
}

// quoted reads a string or a quoted identifier; a doubled quote stands for
// one.
func (l *lexer) quoted(q byte, kind tokenKind) (token, *Error) {
	start := l.off
	l.off++
	var b []byte // only when the text holds a doubled quote
	from := l.off
	for l.off < len(l.src) {
		c := l.src[l.off]
		if c != q {
			l.off++
			continue
		}
		if l.off+1 < len(l.src) && l.src[l.off+1] == q {
			b = append(b, l.src[from:l.off+1]...)
			l.off += 2
			from = l.off
			continue
		}
		text := l.src[from:l.off]
		if b != nil {
			text = string(append(b, text...))
		}
		l.off++
		return token{kind: kind, pos: start, text: text}, nil
	}
	what := "string"
	if kind == tQuoted {
		what = "quoted property name"
	}
	return token{}, errorf(start, "the %s that starts here is never closed", what)
}

// number reads [+-]digits[.digits][e[+-]digits].
func (l *lexer) number() (token, *Error) {
	start := l.off
	s := l.src
	i := start
	if s[i] == '-' || s[i] == '+' {
		i++
	}
	digits := 0
	for i < len(s) && isDigit(s[i]) {
		i++
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && isDigit(s[i]) {
			i++
			digits++
		}
	}
	if digits == 0 {
		return token{}, errorf(start, "expected a number")
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '-' || s[j] == '+') {
			j++
		}
		k := j
		for k < len(s) && isDigit(s[k]) {
			k++
		}
		if k == j {
			return token{}, errorf(i, "the exponent of the number has no digits")
		}
		i = k
	}
	if i < len(s) && isIdentPart(s[i]) {
		return token{}, errorf(start, "%q is not a number", clip(s[start:min(len(s), i+1)]))
	}
	l.off = i
	return token{kind: tNumber, pos: start, text: s[start:i]}, nil
}
