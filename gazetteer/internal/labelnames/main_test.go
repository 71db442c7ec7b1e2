package main

import (
	"encoding/binary"
	"testing"
)

// buildMO writes a catalogue of pairs in byte order bo, as msgfmt does.
func buildMO(bo binary.ByteOrder, pairs [][2]string) []byte {
	n := len(pairs)
	head := 28
	orig, trans := head, head+8*n
	data := trans + 8*n
	b := make([]byte, data)
	magic := uint32(0x950412de)
	bo.PutUint32(b[0:], magic)
	bo.PutUint32(b[8:], uint32(n))
	bo.PutUint32(b[12:], uint32(orig))
	bo.PutUint32(b[16:], uint32(trans))
	for i, p := range pairs {
		for j, table := range []int{orig, trans} {
			off := len(b)
			b = append(b, p[j]...)
			b = append(b, 0)
			bo.PutUint32(b[table+8*i:], uint32(len(p[j])))
			bo.PutUint32(b[table+8*i+4:], uint32(off))
		}
	}
	return b
}

func TestParseMO(t *testing.T) {
	pairs := [][2]string{{"", "Content-Type: text/plain; charset=UTF-8\n"}, {"170654", "دمشق"}, {"71137", "Sanaa\x00Sanaas"}}
	for _, bo := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		got, err := parseMO(buildMO(bo, pairs))
		if err != nil {
			t.Fatalf("%v: %v", bo, err)
		}
		if len(got) != 2 || got["170654"] != "دمشق" || got["71137"] != "Sanaa" {
			t.Errorf("%v: got %q", bo, got)
		}
	}
	bad := buildMO(binary.LittleEndian, pairs)
	for name, b := range map[string][]byte{
		"short":     bad[:10],
		"magic":     append([]byte{1, 2, 3, 4}, bad[4:]...),
		"truncated": bad[:len(bad)-3],
	} {
		if _, err := parseMO(b); err == nil {
			t.Errorf("%s: parsed, want an error", name)
		}
	}
}

func TestClean(t *testing.T) {
	for in, want := range map[string]string{"طريف\u200e\u200e": "طريف", " Damas ": "Damas", "a\tb": "", "": ""} {
		if got := clean(in); got != want {
			t.Errorf("clean(%q) = %q, want %q", in, got, want)
		}
	}
}
