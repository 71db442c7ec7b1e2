package postgis

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
)

// A bulk load sends its rows in COPY's binary format, encoded here from
// the values columnValues returns: pgx's generic encoder, which plans each
// value through its type map, cost more client CPU than the server spent
// storing the rows.

// copyHeader starts a binary COPY stream: the signature, no flags, no
// header extension.
var copyHeader = []byte("PGCOPY\n\xff\r\n\x00\x00\x00\x00\x00\x00\x00\x00\x00")

// copyTrailer ends a binary COPY stream.
var copyTrailer = []byte{0xff, 0xff}

// pgEpoch is the zero of PostgreSQL's binary dates and timestamps.
var pgEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// textOID is the type of the elements of sources and tags.
const textOID = 25

// dateColumn is the position of date in importColumns, the one
// time.Time that is a date rather than a timestamptz.
const dateColumn = 1

// appendCopyRow appends one row of importColumns, as columnValues returns
// them with the version appended, in COPY's binary format.
func appendCopyRow(buf []byte, vals []any) ([]byte, error) {
	buf = binary.BigEndian.AppendUint16(buf, uint16(len(vals)))
	for i, v := range vals {
		switch v := v.(type) {
		case nil:
			buf = binary.BigEndian.AppendUint32(buf, math.MaxUint32) // -1: NULL
		case string:
			buf = binary.BigEndian.AppendUint32(buf, uint32(len(v)))
			buf = append(buf, v...)
		case time.Time:
			if i == dateColumn {
				buf = binary.BigEndian.AppendUint32(buf, 4)
				buf = binary.BigEndian.AppendUint32(buf, uint32(daysSinceEpoch(v)))
				continue
			}
			buf = binary.BigEndian.AppendUint32(buf, 8)
			buf = binary.BigEndian.AppendUint64(buf, uint64(v.UnixMicro()-pgEpoch.UnixMicro()))
		case int16:
			buf = binary.BigEndian.AppendUint32(buf, 2)
			buf = binary.BigEndian.AppendUint16(buf, uint16(v))
		case int32:
			buf = binary.BigEndian.AppendUint32(buf, 4)
			buf = binary.BigEndian.AppendUint32(buf, uint32(v))
		case int64:
			buf = binary.BigEndian.AppendUint32(buf, 8)
			buf = binary.BigEndian.AppendUint64(buf, uint64(v))
		case float64:
			buf = binary.BigEndian.AppendUint32(buf, 8)
			buf = binary.BigEndian.AppendUint64(buf, math.Float64bits(v))
		case []string:
			buf = appendTextArray(buf, v)
		case pgtype.TSVector:
			buf = appendTSVector(buf, v)
		default:
			return nil, fmt.Errorf("postgis: copy: column %s: no binary encoding for %T", importColumns[i], v)
		}
	}
	return buf, nil
}

// daysSinceEpoch returns the day of t, a date at midnight UTC as
// columnValues parses it, counted from 2000-01-01, negative before it.
func daysSinceEpoch(t time.Time) int32 {
	return int32((t.Unix() - pgEpoch.Unix()) / 86400)
}

// appendTextArray appends a one-dimensional text[] (zero dimensions when
// empty, as PostgreSQL sends '{}').
func appendTextArray(buf []byte, xs []string) []byte {
	size := 12
	if len(xs) > 0 {
		size += 8
	}
	for _, x := range xs {
		size += 4 + len(x)
	}
	buf = binary.BigEndian.AppendUint32(buf, uint32(size))
	ndim := uint32(0)
	if len(xs) > 0 {
		ndim = 1
	}
	buf = binary.BigEndian.AppendUint32(buf, ndim)
	buf = binary.BigEndian.AppendUint32(buf, 0) // no NULL element
	buf = binary.BigEndian.AppendUint32(buf, textOID)
	if len(xs) > 0 {
		buf = binary.BigEndian.AppendUint32(buf, uint32(len(xs)))
		buf = binary.BigEndian.AppendUint32(buf, 1) // lower bound
	}
	for _, x := range xs {
		buf = binary.BigEndian.AppendUint32(buf, uint32(len(x)))
		buf = append(buf, x...)
	}
	return buf
}

// appendTSVector appends a tsvector without positions: the number of
// lexemes, then each lexeme NUL-terminated with a zero position count.
// The lexemes are distinct and in byte order (see searchVector), so the
// server need not sort them.
func appendTSVector(buf []byte, v pgtype.TSVector) []byte {
	size := 4
	for _, l := range v.Lexemes {
		size += len(l.Word) + 3
	}
	buf = binary.BigEndian.AppendUint32(buf, uint32(size))
	buf = binary.BigEndian.AppendUint32(buf, uint32(len(v.Lexemes)))
	for _, l := range v.Lexemes {
		buf = append(buf, l.Word...)
		buf = append(buf, 0, 0, 0)
	}
	return buf
}

// chunkReader is the io.Reader of a binary COPY: the header, each chunk
// received from chunks until it closes, then the trailer. Closing abort
// makes Read fail, which makes pgconn end the COPY with CopyFail.
type chunkReader struct {
	chunks  <-chan []byte
	abort   <-chan struct{}
	cur     []byte
	started bool
	ended   bool
}

// errCopyAborted is what a chunkReader returns once its load is abandoned.
var errCopyAborted = fmt.Errorf("postgis: bulk load abandoned")

func (r *chunkReader) Read(p []byte) (int, error) {
	if !r.started {
		r.started = true
		r.cur = copyHeader
	}
	for len(r.cur) == 0 {
		if r.ended {
			return 0, io.EOF
		}
		select {
		case c, ok := <-r.chunks:
			if !ok {
				r.ended = true
				r.cur = copyTrailer
				continue
			}
			r.cur = c
		case <-r.abort:
			return 0, errCopyAborted
		}
	}
	n := copy(p, r.cur)
	r.cur = r.cur[n:]
	return n, nil
}
