package incidents

import (
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// parseJSONFast decodes the common, well-formed record without reflection,
// in one pass over data: a flat JSON object of Incident fields (and the
// three fields of an extractedRecord, which it skips), or a GeoJSON Feature
// with a Point geometry (or a null one) and such an object, or null, as
// its properties. data is what ParseJSON has trimmed and found to start
// with '{'.
//
// It reports false for anything it does not decode exactly as
// encoding/json would: a key that is not spelled exactly as a field's tag
// (encoding/json matches keys case-insensitively and unescapes them), a
// duplicate key, a value of the wrong type, an integer that encoding/json
// would refuse, a null inside an array, malformed JSON, trailing data, a
// nesting deeper than maxFastDepth. ParseJSON then decodes data with
// encoding/json, which gives the result or the error it always gave. When
// it reports true, its Incident is the one encoding/json gives.
func parseJSONFast(data []byte) (Incident, bool) {
	p := fastParser{data: data}
	var (
		in, props Incident
		seen      fieldSet
		id        []byte // the raw value of the top-level "id"
		lon, lat  float64
		hasPoint  bool
	)
	ok := p.object(func(key []byte) bool {
		switch string(key) {
		case "id":
			// The Incident's int64 in a plain record, any value on a
			// Feature: which one is known at the end.
			start := p.pos
			if !seen.add(fieldID) || !p.skipValue(0) {
				return false
			}
			id = p.data[start:p.pos]
			return true
		case "type":
			// Only the exact bytes "Feature": ParseJSON looks for them
			// before it takes an object for a Feature.
			const feature = `"Feature"`
			if !seen.add(fieldType) || len(p.data)-p.pos < len(feature) || string(p.data[p.pos:p.pos+len(feature)]) != feature {
				return false
			}
			p.pos += len(feature)
			return true
		case "geometry":
			if !seen.add(fieldGeometry) {
				return false
			}
			var ok bool
			lon, lat, hasPoint, ok = p.geometry()
			return ok
		case "properties":
			if !seen.add(fieldProperties) {
				return false
			}
			if p.null() {
				return true
			}
			var propsSeen fieldSet
			return p.object(func(key []byte) bool { return p.field(&props, key, &propsSeen, true) })
		case "bbox":
			return seen.add(fieldBBox) && p.skipValue(0)
		}
		return p.field(&in, key, &seen, false)
	})
	if !ok || p.pos != len(p.data) {
		return Incident{}, false
	}
	if seen.has(fieldType) {
		if seen&^(featureFields|fieldID) != 0 {
			return Incident{}, false // a key a Feature does not have
		}
		if hasPoint {
			props.Lon, props.Lat = &lon, &lat
		}
		return props, true
	}
	if seen&featureFields != 0 {
		return Incident{}, false // a Feature's key in a plain record
	}
	if id != nil {
		q := fastParser{data: id}
		if !q.int64Value(&in.ID) {
			return Incident{}, false
		}
	}
	return in, true
}

// maxFastDepth bounds the nesting parseJSONFast skips in values it ignores;
// deeper values go to encoding/json.
const maxFastDepth = 64

// fieldSet records which keys of one object were seen, one bit a key.
type fieldSet uint32

// The keys of a record and of a Feature, as bits of a fieldSet.
const (
	fieldID fieldSet = 1 << iota
	fieldSourceID
	fieldDate
	fieldDatePrecision
	fieldEventType
	fieldSubEventType
	fieldActor1
	fieldActor2
	fieldFatalities
	fieldInjuries
	fieldPlace
	fieldCountry
	fieldAdmin1
	fieldLat
	fieldLon
	fieldGeoPrecision
	fieldGeonameID
	fieldNotes
	fieldSources
	fieldTags
	fieldCreatedAt
	fieldUpdatedAt
	fieldFile
	fieldConfidence
	fieldEvidence
	fieldType
	fieldGeometry
	fieldProperties
	fieldBBox

	// featureFields are the keys only a Feature has ("id" is shared).
	featureFields = fieldType | fieldGeometry | fieldProperties | fieldBBox
)

// add marks f as seen and reports whether it was not seen before.
func (s *fieldSet) add(f fieldSet) bool {
	if *s&f != 0 {
		return false
	}
	*s |= f
	return true
}

func (s fieldSet) has(f fieldSet) bool { return s&f != 0 }

// fastParser is a cursor over the bytes of one JSON record. Its methods
// report false for input they do not handle; none of them panics.
type fastParser struct {
	data []byte
	pos  int
	buf  []byte // scratch for strings with escapes
}

// field decodes the value of the Incident field named key into in,
// marking it in seen. withID tells whether "id" is one of the fields (it
// is in a Feature's properties; at the top level parseJSONFast handles it).
func (p *fastParser) field(in *Incident, key []byte, seen *fieldSet, withID bool) bool {
	switch string(key) {
	case "id":
		return withID && seen.add(fieldID) && p.int64Value(&in.ID)
	case "source_id":
		return seen.add(fieldSourceID) && p.stringValue(&in.SourceID)
	case "date":
		return seen.add(fieldDate) && p.stringValue(&in.Date)
	case "date_precision":
		return seen.add(fieldDatePrecision) && p.stringValue(&in.DatePrecision)
	case "event_type":
		return seen.add(fieldEventType) && p.stringValue(&in.EventType)
	case "sub_event_type":
		return seen.add(fieldSubEventType) && p.stringValue(&in.SubEventType)
	case "actor1":
		return seen.add(fieldActor1) && p.stringValue(&in.Actor1)
	case "actor2":
		return seen.add(fieldActor2) && p.stringValue(&in.Actor2)
	case "fatalities":
		return seen.add(fieldFatalities) && p.intPointer(&in.Fatalities)
	case "injuries":
		return seen.add(fieldInjuries) && p.intPointer(&in.Injuries)
	case "place":
		return seen.add(fieldPlace) && p.stringValue(&in.Place)
	case "country":
		return seen.add(fieldCountry) && p.stringValue(&in.Country)
	case "admin1":
		return seen.add(fieldAdmin1) && p.stringValue(&in.Admin1)
	case "lat":
		return seen.add(fieldLat) && p.floatPointer(&in.Lat)
	case "lon":
		return seen.add(fieldLon) && p.floatPointer(&in.Lon)
	case "geo_precision":
		return seen.add(fieldGeoPrecision) && p.intValue(&in.GeoPrecision)
	case "geonameid":
		return seen.add(fieldGeonameID) && p.int64Value(&in.GeonameID)
	case "notes":
		return seen.add(fieldNotes) && p.stringValue(&in.Notes)
	case "sources":
		return seen.add(fieldSources) && p.stringList(&in.Sources)
	case "tags":
		return seen.add(fieldTags) && p.stringList(&in.Tags)
	case "created_at":
		return seen.add(fieldCreatedAt) && p.stringValue(&in.CreatedAt)
	case "updated_at":
		return seen.add(fieldUpdatedAt) && p.stringValue(&in.UpdatedAt)
	case "file":
		return seen.add(fieldFile) && p.skipValue(0)
	case "confidence":
		return seen.add(fieldConfidence) && p.skipValue(0)
	case "evidence":
		return seen.add(fieldEvidence) && p.skipValue(0)
	}
	return false
}

// geometry decodes a GeoJSON geometry that is null or a Point with two or
// three coordinates, as parseFeature accepts it.
func (p *fastParser) geometry() (lon, lat float64, hasPoint, ok bool) {
	if p.null() {
		return 0, 0, false, true
	}
	var (
		isPoint, typeSeen, coordsSeen bool
		coords                        [3]float64
		n                             int
	)
	ok = p.object(func(key []byte) bool {
		switch string(key) {
		case "type":
			if typeSeen {
				return false
			}
			typeSeen = true
			var typ string
			if !p.stringValue(&typ) {
				return false
			}
			isPoint = typ == "Point"
			return true
		case "coordinates":
			if coordsSeen {
				return false
			}
			coordsSeen = true
			return p.array(func() bool {
				if n == len(coords) {
					return false
				}
				f, ok := p.float() // a null coordinate is left to encoding/json
				coords[n] = f
				n++
				return ok
			})
		}
		return false
	})
	if !ok || !isPoint || n < 2 {
		return 0, 0, false, false
	}
	return coords[0], coords[1], true, true
}

// object reads a JSON object at p.pos, calling member for each key with
// p.pos at the start of the key's value; member reads the value. Keys
// with escapes or characters other than printable ASCII are not handled.
func (p *fastParser) object(member func(key []byte) bool) bool {
	if !p.consume('{') {
		return false
	}
	p.skipSpace()
	if p.consume('}') {
		return true
	}
	for {
		p.skipSpace()
		key, ok := p.key()
		if !ok {
			return false
		}
		p.skipSpace()
		if !p.consume(':') {
			return false
		}
		p.skipSpace()
		if !member(key) {
			return false
		}
		p.skipSpace()
		if p.consume('}') {
			return true
		}
		if !p.consume(',') {
			return false
		}
	}
}

// array reads a JSON array at p.pos, calling elem with p.pos at the start
// of each element; elem reads the element.
func (p *fastParser) array(elem func() bool) bool {
	if !p.consume('[') {
		return false
	}
	p.skipSpace()
	if p.consume(']') {
		return true
	}
	for {
		p.skipSpace()
		if !elem() {
			return false
		}
		p.skipSpace()
		if p.consume(']') {
			return true
		}
		if !p.consume(',') {
			return false
		}
	}
}

// key reads an object key made of printable ASCII other than '"' and '\\'.
func (p *fastParser) key() ([]byte, bool) {
	if !p.consume('"') {
		return nil, false
	}
	start := p.pos
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		if c == '"' {
			key := p.data[start:p.pos]
			p.pos++
			return key, true
		}
		if c < 0x20 || c >= 0x7f || c == '\\' {
			return nil, false
		}
		p.pos++
	}
	return nil, false
}

func (p *fastParser) skipSpace() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

// consume advances past c when it is the next byte.
func (p *fastParser) consume(c byte) bool {
	if p.pos < len(p.data) && p.data[p.pos] == c {
		p.pos++
		return true
	}
	return false
}

// literal advances past lit when it comes next.
func (p *fastParser) literal(lit string) bool {
	if len(p.data)-p.pos >= len(lit) && string(p.data[p.pos:p.pos+len(lit)]) == lit {
		p.pos += len(lit)
		return true
	}
	return false
}

// null advances past a null literal when one comes next.
func (p *fastParser) null() bool { return p.literal("null") }

// stringValue decodes a JSON string into dst; a null leaves dst as it is,
// as encoding/json does.
func (p *fastParser) stringValue(dst *string) bool {
	if p.null() {
		return true
	}
	s, ok := p.str()
	if ok {
		*dst = s
	}
	return ok
}

// str decodes the JSON string at p.pos as encoding/json does: every
// escape, a \u surrogate pair combined, a lone surrogate and each byte of
// invalid UTF-8 replaced by U+FFFD.
func (p *fastParser) str() (string, bool) {
	if !p.consume('"') {
		return "", false
	}
	start := p.pos
	ascii := true
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		switch {
		case c == '"':
			s := p.data[start:p.pos]
			if !ascii && !utf8.Valid(s) {
				p.pos = start
				return p.strSlow()
			}
			p.pos++
			return string(s), true
		case c == '\\':
			p.pos = start
			return p.strSlow()
		case c < 0x20:
			return "", false
		case c >= utf8.RuneSelf:
			ascii = false
		}
		p.pos++
	}
	return "", false
}

// strSlow decodes the string whose content starts at p.pos, escapes and
// invalid UTF-8 included, into p.buf.
func (p *fastParser) strSlow() (string, bool) {
	b := p.buf[:0]
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		switch {
		case c == '"':
			p.pos++
			p.buf = b
			return string(b), true
		case c < 0x20:
			return "", false
		case c == '\\':
			if p.pos+1 >= len(p.data) {
				return "", false
			}
			esc := p.data[p.pos+1]
			p.pos += 2
			switch esc {
			case '"', '\\', '/':
				b = append(b, esc)
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				r, ok := hex4(p.data[p.pos:])
				if !ok {
					return "", false
				}
				p.pos += 4
				if utf16.IsSurrogate(r) {
					// A pair only when a low surrogate follows as an
					// escape; otherwise U+FFFD, and whatever follows is
					// read on its own.
					r2 := rune(-1)
					if rest := p.data[p.pos:]; len(rest) >= 2 && rest[0] == '\\' && rest[1] == 'u' {
						if v, ok := hex4(rest[2:]); ok {
							r2 = v
						}
					}
					if pair := utf16.DecodeRune(r, r2); pair != utf8.RuneError {
						b = utf8.AppendRune(b, pair)
						p.pos += 6
						continue
					}
					r = utf8.RuneError
				}
				b = utf8.AppendRune(b, r)
			default:
				return "", false
			}
		case c < utf8.RuneSelf:
			b = append(b, c)
			p.pos++
		default:
			r, size := utf8.DecodeRune(p.data[p.pos:])
			b = utf8.AppendRune(b, r)
			p.pos += size
		}
	}
	return "", false
}

// hex4 reads four hexadecimal digits.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// stringList decodes an array of strings into dst: null is a nil slice,
// [] an empty one, as encoding/json gives. A null element is not handled.
func (p *fastParser) stringList(dst *[]string) bool {
	if p.null() {
		*dst = nil
		return true
	}
	list := []string{}
	ok := p.array(func() bool {
		s, ok := p.str()
		list = append(list, s)
		return ok
	})
	if ok {
		*dst = list
	}
	return ok
}

// number reads a JSON number and returns its text, and whether it is an
// integer (no fraction, no exponent).
func (p *fastParser) number() (text []byte, integer, ok bool) {
	start := p.pos
	p.consume('-')
	switch {
	case p.consume('0'):
	case p.digits() == 0:
		return nil, false, false
	}
	integer = true
	if p.consume('.') {
		integer = false
		if p.digits() == 0 {
			return nil, false, false
		}
	}
	if p.consume('e') || p.consume('E') {
		integer = false
		if !p.consume('+') {
			p.consume('-')
		}
		if p.digits() == 0 {
			return nil, false, false
		}
	}
	return p.data[start:p.pos], integer, true
}

// digits advances past decimal digits and returns how many there were.
func (p *fastParser) digits() int {
	start := p.pos
	for p.pos < len(p.data) && '0' <= p.data[p.pos] && p.data[p.pos] <= '9' {
		p.pos++
	}
	return p.pos - start
}

// integer reads a JSON number that strconv.ParseInt(text, 10, bits)
// accepts, which is what encoding/json stores in an integer field.
func (p *fastParser) integer(bits int) (int64, bool) {
	text, integer, ok := p.number()
	if !ok || !integer {
		return 0, false
	}
	neg := text[0] == '-'
	if neg {
		text = text[1:]
	}
	if len(text) > 19 {
		return 0, false // beyond int64 in any case
	}
	var u uint64 // 19 digits fit
	for _, c := range text {
		u = u*10 + uint64(c-'0')
	}
	limit := uint64(1) << (bits - 1)
	if neg {
		if u > limit {
			return 0, false
		}
		// For u == limit, int64(u) wraps to the minimum and its negation
		// stays there: the value wanted.
		return -int64(u), true
	}
	if u >= limit {
		return 0, false
	}
	return int64(u), true
}

// int64Value decodes an integer into dst; null leaves it.
func (p *fastParser) int64Value(dst *int64) bool {
	if p.null() {
		return true
	}
	v, ok := p.integer(64)
	if ok {
		*dst = v
	}
	return ok
}

// intValue decodes an integer that fits an int into dst; null leaves it.
func (p *fastParser) intValue(dst *int) bool {
	if p.null() {
		return true
	}
	v, ok := p.integer(strconv.IntSize)
	if ok {
		*dst = int(v)
	}
	return ok
}

// intPointer decodes an integer into a new int; null is a nil pointer.
func (p *fastParser) intPointer(dst **int) bool {
	if p.null() {
		*dst = nil
		return true
	}
	v, ok := p.integer(strconv.IntSize)
	if ok {
		n := int(v)
		*dst = &n
	}
	return ok
}

// floatPointer decodes a number into a new float64; null is a nil pointer.
func (p *fastParser) floatPointer(dst **float64) bool {
	if p.null() {
		*dst = nil
		return true
	}
	f, ok := p.float()
	if ok {
		*dst = &f
	}
	return ok
}

// float decodes a number with strconv.ParseFloat, as encoding/json does; a
// number out of float64's range is refused, as encoding/json refuses it.
func (p *fastParser) float() (float64, bool) {
	text, _, ok := p.number()
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(string(text), 64)
	return f, err == nil
}

// skipValue reads any JSON value, checking its syntax as encoding/json
// does, nested at most maxFastDepth deep.
func (p *fastParser) skipValue(depth int) bool {
	if depth > maxFastDepth || p.pos >= len(p.data) {
		return false
	}
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.object(func([]byte) bool { return p.skipValue(depth + 1) })
	case c == '[':
		return p.array(func() bool { return p.skipValue(depth + 1) })
	case c == '"':
		return p.skipString()
	case c == 't':
		return p.literal("true")
	case c == 'f':
		return p.literal("false")
	case c == 'n':
		return p.null()
	case c == '-' || '0' <= c && c <= '9':
		_, _, ok := p.number()
		return ok
	}
	return false
}

// skipString reads a JSON string without decoding it.
func (p *fastParser) skipString() bool {
	if !p.consume('"') {
		return false
	}
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		p.pos++
		switch {
		case c == '"':
			return true
		case c < 0x20:
			return false
		case c == '\\':
			if p.pos >= len(p.data) {
				return false
			}
			esc := p.data[p.pos]
			p.pos++
			switch esc {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if _, ok := hex4(p.data[p.pos:]); !ok {
					return false
				}
				p.pos += 4
			default:
				return false
			}
		}
	}
	return false
}
