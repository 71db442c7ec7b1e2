package incidents

import (
	"bufio"
	"bytes"
	"encoding/json"
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

// arraySource yields the elements of a top-level JSON array.
type arraySource struct {
	dec     *json.Decoder
	raw     json.RawMessage
	started bool
}

func newArraySource(r io.Reader) *arraySource { return &arraySource{dec: json.NewDecoder(r)} }

func (s *arraySource) next() ([]byte, error, error) {
	if !s.started {
		s.started = true
		if err := expectDelim(s.dec, '['); err != nil {
			return nil, nil, err
		}
	}
	if !s.dec.More() {
		if err := expectDelim(s.dec, ']'); err != nil {
			return nil, nil, err
		}
		return nil, nil, expectEnd(s.dec)
	}
	if err := s.dec.Decode(&s.raw); err != nil {
		return nil, nil, streamError(inStructure(err))
	}
	return s.raw, nil, nil
}

// collectionSource yields the elements of the array under one key of a
// top-level object: "features" of a FeatureCollection, "data" of an ACLED
// API answer. Other keys, before or after, are skipped; a GeoJSON "type"
// other than FeatureCollection stops the stream.
type collectionSource struct {
	dec      *json.Decoder
	key      string
	raw      json.RawMessage
	started  bool
	inArray  bool
	sawArray bool
}

func newCollectionSource(r io.Reader, key string) *collectionSource {
	return &collectionSource{dec: json.NewDecoder(r), key: key}
}

func (s *collectionSource) next() ([]byte, error, error) {
	if !s.started {
		s.started = true
		if err := expectDelim(s.dec, '{'); err != nil {
			return nil, nil, err
		}
	}
	for {
		if s.inArray {
			if s.dec.More() {
				if err := s.dec.Decode(&s.raw); err != nil {
					return nil, nil, streamError(inStructure(err))
				}
				return s.raw, nil, nil
			}
			if err := expectDelim(s.dec, ']'); err != nil {
				return nil, nil, err
			}
			s.inArray = false
			continue
		}
		if !s.dec.More() {
			if err := expectDelim(s.dec, '}'); err != nil {
				return nil, nil, err
			}
			if !s.sawArray {
				return nil, nil, formatErr("the JSON object has no %q array", s.key)
			}
			return nil, nil, expectEnd(s.dec)
		}
		tok, err := s.dec.Token()
		if err != nil {
			return nil, nil, streamError(inStructure(err))
		}
		key, _ := tok.(string)
		switch {
		case key == s.key && !s.sawArray:
			tok, err := s.dec.Token()
			if err != nil {
				return nil, nil, streamError(inStructure(err))
			}
			if tok != json.Delim('[') {
				return nil, nil, formatErr("%q must be an array", s.key)
			}
			s.sawArray, s.inArray = true, true
		case key == "type" && s.key == "features":
			var typ any
			if err := s.dec.Decode(&typ); err != nil {
				return nil, nil, streamError(inStructure(err))
			}
			if typ != "FeatureCollection" {
				return nil, nil, formatErr("GeoJSON type %v is not FeatureCollection", typ)
			}
		default:
			if err := s.dec.Decode(&s.raw); err != nil {
				return nil, nil, streamError(inStructure(err))
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

// expectDelim reads one token and checks that it is the delimiter want.
func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return streamError(inStructure(err))
	}
	if tok != want {
		return formatErr("malformed JSON at byte %d: expected %q, got %v", dec.InputOffset(), string(want), tok)
	}
	return nil
}

// expectEnd checks that nothing but white space follows the top-level
// value, and returns io.EOF when so.
func expectEnd(dec *json.Decoder) error {
	_, err := dec.Token()
	switch err {
	case io.EOF:
		return io.EOF
	case nil:
		return formatErr("unexpected data after the top-level JSON value at byte %d", dec.InputOffset())
	}
	return streamError(err)
}

// inStructure turns io.EOF met inside a JSON structure into
// io.ErrUnexpectedEOF.
func inStructure(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
