package extract

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"
)

// phraseTable finds phrases (sequences of normalised words) in a token
// stream, longest first.
type phraseTable[V any] struct {
	byFirst map[string][]phraseEntry[V]
}

type phraseEntry[V any] struct {
	words []string
	val   V
}

func newPhraseTable[V any]() *phraseTable[V] {
	return &phraseTable[V]{byFirst: map[string][]phraseEntry[V]{}}
}

// phraseWords normalises a phrase as the tokenizer normalises words.
func phraseWords(phrase string) []string {
	toks := tokenize(phrase)
	words := make([]string, 0, len(toks))
	for _, t := range toks {
		words = append(words, t.norm)
	}
	return words
}

// add adds a phrase; a later entry for the same words replaces the earlier.
func (pt *phraseTable[V]) add(phrase string, v V) {
	words := phraseWords(phrase)
	if len(words) == 0 {
		return
	}
	list := pt.byFirst[words[0]]
	for i := range list {
		if slices.Equal(list[i].words, words) {
			list[i].val = v
			return
		}
	}
	list = append(list, phraseEntry[V]{words: words, val: v})
	slices.SortStableFunc(list, func(a, b phraseEntry[V]) int { return len(b.words) - len(a.words) })
	pt.byFirst[words[0]] = list
}

// match returns the longest phrase starting at toks[i] and its length in
// tokens.
func (pt *phraseTable[V]) match(toks []token, i int) (V, int) {
	var zero V
	for _, e := range pt.byFirst[toks[i].norm] {
		if i+len(e.words) > len(toks) {
			continue
		}
		ok := true
		for k := 1; k < len(e.words); k++ {
			if toks[i+k].norm != e.words[k] {
				ok = false
				break
			}
		}
		if ok {
			return e.val, len(e.words)
		}
	}
	return zero, 0
}

// readTSV calls fn with the fields of each line of r that is neither blank
// nor a comment ("#"), failing on lines with fewer than min fields.
func readTSV(r io.Reader, name string, min int, fn func(f []string) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(s) == "" || strings.HasPrefix(strings.TrimSpace(s), "#") {
			continue
		}
		f := strings.Split(s, "\t")
		for i := range f {
			f[i] = strings.TrimSpace(f[i])
		}
		if len(f) < min {
			return fmt.Errorf("extract: %s line %d: want %d tab-separated fields, got %d", name, line, min, len(f))
		}
		if err := fn(f); err != nil {
			return fmt.Errorf("extract: %s line %d: %w", name, line, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("extract: %s: %w", name, err)
	}
	return nil
}
