package incidents

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Formats lists the import formats NewDecoder accepts. "auto" detects the
// format from the first bytes of the input.
var Formats = []string{"auto", "json", "ndjson", "geojson", "csv", "acled"}

// Record and Decoder are declared in import.go. A Record's Index is the
// 0-based position of the record in the input: the element of a JSON array,
// of a FeatureCollection's "features" or of an ACLED "data" array, the
// non-blank line of NDJSON, the data row of CSV (the header excluded). When
// its Err is set, its Incident holds at most the SourceID, so that the error
// can name the record.

// MaxRecordBytes bounds one NDJSON line (one record); a longer line is
// reported as a per-record error and skipped.
const MaxRecordBytes = 16 << 20

// sniffBytes is how much of the input NewDecoder looks at to detect the
// format. A FeatureCollection's "features" key or the end of the first
// NDJSON object is expected within it.
const sniffBytes = 64 << 10

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// NewDecoder returns a streaming decoder for r in the given format, one of
// Formats, and the format it found ("json", "ndjson", "geojson", "csv" or
// "acled"). A gzip-compressed input is decompressed transparently and a
// UTF-8 byte order mark is skipped.
//
// Detection, for "auto": a JSON array ("[") holds incident objects or
// GeoJSON Features; an object ("{") is a GeoJSON FeatureCollection when it
// has "type":"FeatureCollection" or a "features" array, an ACLED API answer
// when it has a "data" array, and otherwise the first of a stream of
// objects, one per line (NDJSON) or spread over several lines (a JSON
// stream); anything else is CSV. JSON records and CSV headers that carry
// ACLED's keys (event_id_cnty, or event_date with latitude) are read as
// ACLED, and the detected format is then "acled". Explicit formats fix what
// they name and detect the rest: "ndjson" always splits lines, "csv"
// always reads CSV, "acled" always maps ACLED's columns.
//
// An empty input (no bytes, or only white space and a byte order mark) is
// a stream of no records, except for "csv", which needs its header. An
// input whose text starts with a NUL byte (what a crash leaves in a
// preallocated or sparse file) is no format at all: a *FieldError on
// "format", like the other inputs NewDecoder cannot read as their format.
//
// A CSV header with unknown columns is an error of NewDecoder itself,
// listing them, because every row would fail the same way. NewDecoder
// reads ahead (up to 64 KiB and the first record), so it blocks until that
// much input has arrived.
func NewDecoder(r io.Reader, format string) (Decoder, string, error) {
	format = strings.ToLower(strings.TrimSpace(format))
	if format == "" {
		format = "auto"
	}
	if !slices.Contains(Formats, format) {
		return nil, "", formatErr("unknown import format %q; use one of %s", format, strings.Join(Formats, ", "))
	}
	br := bufio.NewReaderSize(r, sniffBytes)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, "", streamError(err)
		}
		br = bufio.NewReaderSize(zr, sniffBytes)
	}
	if b, _ := br.Peek(3); bytes.Equal(b, utf8BOM) {
		br.Discard(3)
	}
	skipped, err := skipSpace(br)
	if err != nil {
		return nil, "", streamError(err)
	}
	head, err := br.Peek(sniffBytes)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, "", streamError(err)
	}
	trimmed := bytes.TrimLeft(head, " \t\r\n")
	if len(trimmed) > 0 && trimmed[0] == 0 {
		// What a crash leaves in a preallocated or sparse file: taking it
		// for an empty input would tell the user the import worked.
		return nil, "", formatErr("the input holds NUL bytes where its text should start (byte %d): it is no import format, or a file a crash left unwritten", skipped+len(head)-len(trimmed))
	}
	var first byte
	if len(trimmed) > 0 {
		first = trimmed[0]
	}
	isJSON := first == '[' || first == '{'
	switch {
	case len(trimmed) == 0:
		// An empty input (nothing, or only white space and a byte order
		// mark) holds no records: an empty NDJSON stream, but not CSV,
		// which needs its header.
		if format == "csv" {
			return nil, "", formatErr("the CSV input is empty; a header row is required")
		}
		return &jsonDecoder{src: emptySource{}, parse: ParseJSON}, detectedOr(format, "ndjson"), nil
	case format == "csv" || (format == "auto" || format == "acled") && !isJSON:
		return newCSVDecoder(br, format == "acled")
	case !isJSON:
		return nil, "", formatErr("the input is not %s: it starts with %q", format, Clip(string(firstLine(trimmed))))
	}
	if first == '[' {
		return newJSONDecoder(newArraySource(br), format, "json")
	}
	if format == "ndjson" {
		return newJSONDecoder(newLineSource(br), format, "ndjson")
	}
	switch sniffObject(trimmed) {
	case "features":
		d := &jsonDecoder{src: newCollectionSource(br, "features"), parse: ParseJSON}
		if format == "acled" {
			d.parse = parseACLEDJSON
		}
		return d, detectedOr(format, "geojson"), nil
	case "data":
		return newJSONDecoder(newCollectionSource(br, "data"), "acled", "acled")
	case "line":
		return newJSONDecoder(newLineSource(br), format, "ndjson")
	default:
		return newJSONDecoder(newStreamSource(br), format, "json")
	}
}

// skipSpace discards white space at the start of br while it fills whole
// windows of sniffBytes, so that the window NewDecoder then looks at starts
// within sniffBytes of the first other byte. It returns how many bytes it
// discarded.
func skipSpace(br *bufio.Reader) (int, error) {
	n := 0
	for {
		b, err := br.Peek(sniffBytes)
		if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
			return n, err
		}
		if len(b) < sniffBytes || len(bytes.TrimLeft(b, " \t\r\n")) > 0 {
			return n, nil // the input ends within the window, or text starts in it
		}
		br.Discard(len(b))
		n += len(b)
	}
}

func detectedOr(format, detected string) string {
	if format == "auto" {
		return detected
	}
	return format
}

func firstLine(b []byte) []byte {
	if i := bytes.IndexAny(b, "\r\n"); i >= 0 {
		return b[:i]
	}
	return b
}

// sniffObject looks at the first top-level JSON object of data and tells
// what it is: "features" (a FeatureCollection), "data" (an ACLED API
// answer), "line" (an object that ends on its first line: NDJSON) or
// "stream" (anything else: a stream of JSON values). An object too long to
// end within data is "line" when data holds no line break (one long NDJSON
// record), else "stream".
func sniffObject(data []byte) string {
	undecided := "stream"
	if !bytes.ContainsAny(data, "\r\n") {
		undecided = "line"
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return undecided
	}
	var skip json.RawMessage
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return undecided
		}
		key, _ := tok.(string)
		rest := bytes.TrimLeft(data[dec.InputOffset():], " \t\r\n:")
		switch {
		case (key == "features" || key == "data") && len(rest) > 0 && rest[0] == '[':
			return key
		case key == "type" && bytes.HasPrefix(rest, []byte(`"FeatureCollection"`)):
			return "features"
		}
		if err := dec.Decode(&skip); err != nil {
			return undecided
		}
	}
	if _, err := dec.Token(); err != nil {
		return undecided
	}
	if bytes.ContainsAny(data[:dec.InputOffset()], "\r\n") {
		return "stream"
	}
	return "line"
}

// looksACLED reports whether a record or header with these keys comes from
// ACLED.
func looksACLED(has func(key string) bool) bool {
	return has("event_id_cnty") || has("event_date") && has("latitude")
}

// formatErr is the error of an input that is not in a format it claims or
// that NewDecoder detects: a *FieldError on "format", which matches
// ErrInvalid.
func formatErr(format string, args ...any) *FieldError {
	return fieldErr("format", format, args...)
}

// streamError turns an error from reading the input into the error that
// stops a decoder: malformed structure and corrupt compression are a
// formatErr, failures of the reader itself are passed on wrapped.
func streamError(err error) error {
	var syntaxErr *json.SyntaxError
	var flateErr flate.CorruptInputError
	switch {
	case errors.As(err, &syntaxErr):
		return formatErr("malformed JSON at byte %d: %v", syntaxErr.Offset, syntaxErr)
	case errors.Is(err, gzip.ErrHeader), errors.Is(err, gzip.ErrChecksum), errors.As(err, &flateErr):
		return formatErr("unreadable gzip data: %v", err)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return formatErr("the input ends in the middle of a record")
	}
	return fmt.Errorf("incidents: reading input: %w", err)
}
