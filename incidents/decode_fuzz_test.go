package incidents

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to every import format. Decoding must
// never panic nor loop, indexes must count up from 0, and per-record errors
// must be *FieldError.
func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.*"))
	for _, name := range files {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, format := range Formats {
			dec, _, err := NewDecoder(bytes.NewReader(data), format)
			if err != nil {
				continue
			}
			for i := 0; ; i++ {
				if i > len(data)+1 {
					t.Fatalf("%s: more records (%d) than input bytes", format, i)
				}
				rec, err := dec.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					if _, again := dec.Next(); again != err {
						t.Fatalf("%s: Next after %v returned %v", format, err, again)
					}
					break
				}
				if rec.Index != i {
					t.Fatalf("%s: record %d has index %d", format, i, rec.Index)
				}
				var fe *FieldError
				if rec.Err != nil && !errors.As(rec.Err, &fe) {
					t.Fatalf("%s: record %d: error %T %v is not a *FieldError", format, i, rec.Err, rec.Err)
				}
			}
		}
	})
}
