package incidents

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
)

// rawSource yields the raw JSON text of one record at a time from some
// container: an array, a FeatureCollection, NDJSON lines, a stream of
// values. The returned bytes are valid until the next call.
type rawSource interface {
	// next returns the next record's bytes, or a problem with that record
	// alone (recErr), or an error that ends the stream (io.EOF at the end).
	next() (raw []byte, recErr, err error)
}

// checkedSource is a rawSource that does not check the grammar of the
// records it yields: check returns the error that ends the stream when a
// record that failed to parse is malformed JSON.
type checkedSource interface {
	rawSource
	check(raw []byte) error
}

// jsonDecoder turns the raw records of a rawSource into Records.
type jsonDecoder struct {
	src   rawSource
	parse func([]byte) (Incident, error)
	index int
	err   error // sticky stream error

	// The first record, read ahead by NewDecoder to choose parse.
	pending             bool
	pendRaw             []byte
	pendRecErr, pendErr error
}

// newJSONDecoder reads the first record of src to choose between the mapd
// and the ACLED field names, unless format is "acled", and returns the
// decoder with the detected format.
func newJSONDecoder(src rawSource, format, container string) (Decoder, string, error) {
	d := &jsonDecoder{src: src, parse: ParseJSON, pending: true}
	raw, recErr, err := src.next()
	d.pendRaw, d.pendRecErr, d.pendErr = bytes.Clone(raw), recErr, err
	acled := format == "acled"
	if !acled && err == nil && recErr == nil {
		var keys map[string]json.RawMessage
		if json.Unmarshal(raw, &keys) == nil {
			acled = looksACLED(func(k string) bool { _, ok := keys[k]; return ok })
		}
	}
	if acled {
		d.parse = parseACLEDJSON
		return d, "acled", nil
	}
	return d, detectedOr(format, container), nil
}

// Next implements Decoder.
func (d *jsonDecoder) Next() (Record, error) {
	if d.err != nil {
		return Record{}, d.err
	}
	var raw []byte
	var recErr, err error
	if d.pending {
		d.pending = false
		raw, recErr, err = d.pendRaw, d.pendRecErr, d.pendErr
		d.pendRaw = nil
	} else {
		raw, recErr, err = d.src.next()
	}
	if err != nil {
		d.err = err
		return Record{}, err
	}
	rec := Record{Index: d.index}
	d.index++
	if recErr != nil {
		rec.Err = recErr
		return rec, nil
	}
	in, err := d.parse(raw)
	if err != nil {
		if c, ok := d.src.(checkedSource); ok {
			if err := c.check(raw); err != nil {
				d.err = err
				return Record{}, err
			}
		}
		rec.Err = err
		rec.Incident.SourceID = probeSourceID(raw)
		return rec, nil
	}
	in.Normalize()
	rec.Incident = in
	return rec, nil
}

// probeSourceID digs the source_id (or ACLED's event_id_cnty) out of a
// record that failed to parse, so that its error can name it.
func probeSourceID(raw []byte) string {
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil {
		return ""
	}
	if props, ok := obj["properties"]; ok {
		var p map[string]json.RawMessage
		if json.Unmarshal(props, &p) == nil {
			obj = p
		}
	}
	for _, key := range []string{"source_id", "event_id_cnty"} {
		var s string
		if json.Unmarshal(obj[key], &s) == nil && s != "" {
			return Clip(s)
		}
	}
	return ""
}

// emptySource is an input without records.
type emptySource struct{}

func (emptySource) next() ([]byte, error, error) { return nil, nil, io.EOF }

// lineSource yields the non-blank lines of NDJSON. A line longer than
// MaxRecordBytes is skipped with a per-record error.
type lineSource struct {
	br  *bufio.Reader
	buf []byte
}

func newLineSource(br *bufio.Reader) *lineSource { return &lineSource{br: br} }

func (s *lineSource) next() ([]byte, error, error) {
	s.buf = s.buf[:0]
	tooLong := false
	for {
		chunk, err := s.br.ReadSlice('\n')
		if !tooLong && len(s.buf)+len(chunk) <= MaxRecordBytes {
			s.buf = append(s.buf, chunk...)
		} else {
			tooLong = true
			s.buf = s.buf[:0]
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil && err != io.EOF {
			return nil, nil, streamError(err)
		}
		if tooLong {
			return nil, fieldErr("", "record is longer than %d bytes", MaxRecordBytes), nil
		}
		line := bytes.TrimSpace(s.buf)
		if len(line) > 0 {
			return line, nil, nil
		}
		if err == io.EOF {
			return nil, nil, io.EOF
		}
		s.buf = s.buf[:0]
	}
}

// valueReader reads JSON text a value at a time. It finds where a value
// ends by its brackets and strings alone, without checking its grammar:
// each record's grammar is checked once, by the parser that decodes it,
// and a record that fails to parse is checked again by check, which tells
// malformed JSON (an error that ends the stream, as the structure around
// the record can no longer be trusted) from a record that is well-formed
// but wrong. encoding/json's Decoder checked every record before the
// parser read it, which cost GeoJSON imports three times their parsing.
type valueReader struct {
	br    *bufio.Reader
	off   int64 // bytes consumed
	start int64 // offset of the last value read
	buf   []byte
}

// peek returns the next byte that is not white space, without consuming
// it.
func (r *valueReader) peek() (byte, error) {
	for {
		c, err := r.br.ReadByte()
		if err != nil {
			return 0, err
		}
		switch c {
		case ' ', '\t', '\n', '\r':
			r.off++
			continue
		}
		r.br.UnreadByte()
		return c, nil
	}
}

// expect consumes the next byte that is not white space when it is want,
// and returns a malformed-JSON error when it is another; context says
// where ("after array element").
func (r *valueReader) expect(want byte, context string) error {
	c, err := r.peek()
	if err != nil {
		return streamError(inStructure(err))
	}
	if c != want {
		return r.malformed(c, context)
	}
	r.br.ReadByte()
	r.off++
	return nil
}

// skip consumes one byte that peek returned.
func (r *valueReader) skip() {
	r.br.ReadByte()
	r.off++
}

// malformed is the error for an unexpected byte c at the reader's offset.
func (r *valueReader) malformed(c byte, context string) error {
	return formatErr("malformed JSON at byte %d: invalid character %q %s", r.off, c, context)
}

// value returns the bytes of the next value: an object or array up to its
// matching bracket, a string up to its closing quote, a number or literal
// up to the next delimiter. The bytes are valid until the next call.
func (r *valueReader) value() ([]byte, error) {
	c, err := r.peek()
	if err != nil {
		return nil, streamError(inStructure(err))
	}
	switch c {
	case ',', ':', ']', '}':
		return nil, r.malformed(c, "looking for beginning of value")
	}
	r.start = r.off
	r.buf = r.buf[:0]
	scalar := c != '{' && c != '[' && c != '"'
	depth := 0
	inString := false
	for {
		n := r.br.Buffered()
		if n == 0 {
			if _, err := r.br.Peek(1); err != nil {
				if err == io.EOF && scalar {
					return r.buf, nil // a literal ends the input
				}
				return nil, streamError(inStructure(err))
			}
			n = r.br.Buffered()
		}
		chunk, _ := r.br.Peek(n)
		end := -1
		i := 0
	scan:
		for i < len(chunk) {
			b := chunk[i]
			switch {
			case scalar:
				switch b {
				case ',', ']', '}', ':', ' ', '\t', '\n', '\r':
					end = i
					break scan
				}
				i++
			case inString:
				// Most of a record is strings: jump to the next quote
				// and see whether a backslash escapes it.
				j := bytes.IndexByte(chunk[i:], '"')
				if j < 0 {
					i = len(chunk)
					break scan
				}
				i += j
				if r.escaped(chunk[:i]) {
					i++
					continue
				}
				inString = false
				i++
				if depth == 0 {
					end = i
					break scan
				}
			default:
				switch b {
				case '"':
					inString = true
				case '{', '[':
					depth++
				case '}', ']':
					depth--
					if depth == 0 {
						end = i + 1
						break scan
					}
				}
				i++
			}
		}
		if end >= 0 {
			r.buf = append(r.buf, chunk[:end]...)
			r.br.Discard(end)
			r.off += int64(end)
			return r.buf, nil
		}
		r.buf = append(r.buf, chunk...)
		r.br.Discard(len(chunk))
		r.off += int64(len(chunk))
	}
}

// escaped reports whether a quote that follows before (the bytes of this
// chunk before it) and the value read so far (r.buf) is escaped: whether
// an odd number of backslashes precede it.
func (r *valueReader) escaped(before []byte) bool {
	n := 0
	for i := len(before) - 1; i >= 0 && before[i] == '\\'; i-- {
		n++
	}
	if n == len(before) {
		for i := len(r.buf) - 1; i >= 0 && r.buf[i] == '\\'; i-- {
			n++
		}
	}
	return n%2 == 1
}

// check returns the error that ends the stream when raw, the last value
// read, is not well-formed JSON, and nil when it is.
func (r *valueReader) check(raw []byte) error {
	var v any
	err := json.Unmarshal(raw, &v)
	var syntaxErr *json.SyntaxError
	if errors.As(err, &syntaxErr) {
		return formatErr("malformed JSON at byte %d: %v", r.start+syntaxErr.Offset, syntaxErr)
	}
	return nil
}

// end returns io.EOF when nothing but white space follows the top-level
// value.
func (r *valueReader) end() error {
	c, err := r.peek()
	if err == io.EOF {
		return io.EOF
	}
	if err != nil {
		return streamError(err)
	}
	return formatErr("malformed JSON at byte %d: unexpected data %q after the top-level value", r.off, c)
}

// arraySource yields the elements of a top-level JSON array.
type arraySource struct {
	r       valueReader
	started bool // the '[' was read
	more    bool // an element was read: a ',' or the ']' comes next
	done    bool
}

func newArraySource(r io.Reader) *arraySource {
	return &arraySource{r: valueReader{br: bufio.NewReader(r)}}
}

func (s *arraySource) next() ([]byte, error, error) {
	if s.done {
		return nil, nil, io.EOF
	}
	if !s.started {
		s.started = true
		if err := s.r.expect('[', "looking for the beginning of the array"); err != nil {
			return nil, nil, err
		}
	}
	raw, end, err := s.r.element(&s.more)
	if err != nil || !end {
		return raw, nil, err
	}
	s.done = true
	return nil, nil, s.r.end()
}

func (s *arraySource) check(raw []byte) error { return s.r.check(raw) }

// element reads the next element of an array whose '[' was read: it
// reports end when the ']' came instead. more says whether an element was
// read before (a ',' must then come first), and is set.
func (r *valueReader) element(more *bool) (raw []byte, end bool, err error) {
	c, err := r.peek()
	if err != nil {
		return nil, false, streamError(inStructure(err))
	}
	if c == ']' {
		r.skip()
		*more = false
		return nil, true, nil
	}
	if *more {
		if c != ',' {
			return nil, false, r.malformed(c, "after array element")
		}
		r.skip()
	}
	*more = true
	raw, err = r.value()
	return raw, false, err
}

// collectionSource yields the elements of the array under one key of a
// top-level object: "features" of a FeatureCollection, "data" of an ACLED
// API answer. Other keys, before or after, are skipped; a GeoJSON "type"
// other than FeatureCollection stops the stream.
type collectionSource struct {
	r        valueReader
	key      string
	started  bool // the '{' was read
	member   bool // a member was read: a ',' or the '}' comes next
	inArray  bool
	more     bool // in the array, an element was read
	sawArray bool
	done     bool
}

func newCollectionSource(r io.Reader, key string) *collectionSource {
	return &collectionSource{r: valueReader{br: bufio.NewReader(r)}, key: key}
}

func (s *collectionSource) check(raw []byte) error { return s.r.check(raw) }

func (s *collectionSource) next() ([]byte, error, error) {
	if s.done {
		return nil, nil, io.EOF
	}
	if !s.started {
		s.started = true
		if err := s.r.expect('{', "looking for the beginning of the object"); err != nil {
			return nil, nil, err
		}
	}
	for {
		if s.inArray {
			raw, end, err := s.r.element(&s.more)
			if err != nil || !end {
				return raw, nil, err
			}
			s.inArray = false
			continue
		}
		c, err := s.r.peek()
		if err != nil {
			return nil, nil, streamError(inStructure(err))
		}
		if c == '}' {
			s.r.skip()
			s.done = true
			if !s.sawArray {
				return nil, nil, formatErr("the JSON object has no %q array", s.key)
			}
			return nil, nil, s.r.end()
		}
		if s.member {
			if c != ',' {
				return nil, nil, s.r.malformed(c, "after object key:value pair")
			}
			s.r.skip()
			if c, err = s.r.peek(); err != nil {
				return nil, nil, streamError(inStructure(err))
			}
		}
		s.member = true
		if c != '"' {
			return nil, nil, s.r.malformed(c, "looking for beginning of object key string")
		}
		raw, err := s.r.value()
		if err != nil {
			return nil, nil, err
		}
		var key string
		if err := json.Unmarshal(raw, &key); err != nil {
			if err := s.r.check(raw); err != nil {
				return nil, nil, err
			}
			return nil, nil, formatErr("malformed JSON at byte %d: a key is no string", s.r.start)
		}
		if err := s.r.expect(':', "after object key"); err != nil {
			return nil, nil, err
		}
		if key == s.key && !s.sawArray {
			if c, err = s.r.peek(); err != nil {
				return nil, nil, streamError(inStructure(err))
			}
			if c != '[' {
				return nil, nil, formatErr("%q must be an array", s.key)
			}
			s.r.skip()
			s.sawArray, s.inArray = true, true
			continue
		}
		raw, err = s.r.value()
		if err != nil {
			return nil, nil, err
		}
		if err := s.r.check(raw); err != nil {
			return nil, nil, err
		}
		if key == "type" && s.key == "features" {
			var typ any
			json.Unmarshal(raw, &typ)
			if typ != "FeatureCollection" {
				return nil, nil, formatErr("GeoJSON type %v is not FeatureCollection", typ)
			}
		}
	}
}

// streamSource yields consecutive JSON values, however they are spread
// over lines.
type streamSource struct {
	dec *json.Decoder
	raw json.RawMessage
}

func newStreamSource(r io.Reader) *streamSource { return &streamSource{dec: json.NewDecoder(r)} }

func (s *streamSource) next() ([]byte, error, error) {
	if err := s.dec.Decode(&s.raw); err != nil {
		if err == io.EOF {
			return nil, nil, io.EOF
		}
		return nil, nil, streamError(err)
	}
	return s.raw, nil, nil
}

// inStructure turns io.EOF met inside a JSON structure into
// io.ErrUnexpectedEOF.
func inStructure(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
