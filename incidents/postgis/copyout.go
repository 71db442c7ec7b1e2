package postgis

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"unsafe"

	"github.com/mapd/mapd/incidents/index"
)

// copyDecoder reads the binary COPY of indexColumns (COPY ... TO STDOUT
// (FORMAT binary)) as the server sends it, in pieces of any size, and
// hands each row to add. The row's strings point into the decoder's
// buffers until add returns, which index.Builder.Add allows.
type copyDecoder struct {
	add    func(*index.Row) error
	buf    []byte // bytes of an incomplete tuple kept from earlier writes
	header bool   // the header has been read
	done   bool   // the trailer has been read
	row    index.Row
	date   [10]byte // the text of row.Date
	err    error    // the error that stopped the decoder
}

// copySignature starts every binary COPY.
var copySignature = []byte("PGCOPY\n\xff\r\n\x00")

// errShort means a tuple is not complete yet.
var errShort = errors.New("short")

// Write implements io.Writer.
func (d *copyDecoder) Write(p []byte) (int, error) {
	if d.err != nil {
		return 0, d.err
	}
	data := p
	if len(d.buf) > 0 {
		d.buf = append(d.buf, p...)
		data = d.buf
	}
	rest, err := d.decode(data)
	if err != nil {
		d.err = err
		return 0, err
	}
	// Keep what is left of an incomplete tuple; it is small.
	if len(d.buf) > 0 {
		d.buf = append(d.buf[:0], rest...)
	} else {
		d.buf = append(d.buf, rest...)
	}
	return len(p), nil
}

// end reports an error when the data stopped before the trailer.
func (d *copyDecoder) end() error {
	if d.err != nil {
		return d.err
	}
	if !d.done {
		return errors.New("binary COPY ended early")
	}
	return nil
}

// decode reads every complete tuple of data and returns the rest.
func (d *copyDecoder) decode(data []byte) ([]byte, error) {
	if !d.header {
		if len(data) < len(copySignature)+8 {
			return data, nil
		}
		if !bytes.Equal(data[:len(copySignature)], copySignature) {
			return nil, errors.New("binary COPY: bad signature")
		}
		ext := int(binary.BigEndian.Uint32(data[len(copySignature)+4:]))
		if len(data) < len(copySignature)+8+ext {
			return data, nil
		}
		data = data[len(copySignature)+8+ext:]
		d.header = true
	}
	for len(data) > 0 && !d.done {
		n, err := d.tuple(data)
		if err == errShort {
			return data, nil
		}
		if err != nil {
			return nil, err
		}
		data = data[n:]
	}
	return data, nil
}

// tuple decodes the tuple at the start of data, hands it to add, and
// returns its length; errShort when data does not hold all of it.
func (d *copyDecoder) tuple(data []byte) (int, error) {
	if len(data) < 2 {
		return 0, errShort
	}
	nf := int16(binary.BigEndian.Uint16(data))
	if nf == -1 {
		d.done = true
		return 2, nil
	}
	if nf != 13 {
		return 0, fmt.Errorf("binary COPY: a tuple of %d fields, want 13", nf)
	}
	pos := 2
	var fields [13][]byte // nil: NULL
	for i := range fields {
		if len(data) < pos+4 {
			return 0, errShort
		}
		n := int(int32(binary.BigEndian.Uint32(data[pos:])))
		pos += 4
		if n < 0 {
			continue
		}
		if len(data) < pos+n {
			return 0, errShort
		}
		fields[i] = data[pos : pos+n : pos+n]
		pos += n
	}
	r := &d.row
	for i, size := range [...]int{8, 8, 8, 4} { // id, lon, lat, date
		if len(fields[i]) != size {
			return 0, fmt.Errorf("binary COPY: field %d has %d bytes, want %d", i, len(fields[i]), size)
		}
	}
	r.ID = int64(binary.BigEndian.Uint64(fields[0]))
	r.Lon = math.Float64frombits(binary.BigEndian.Uint64(fields[1]))
	r.Lat = math.Float64frombits(binary.BigEndian.Uint64(fields[2]))
	r.Date = dayString(&d.date, int32(binary.BigEndian.Uint32(fields[3])))
	r.EventType, r.SubEventType = bytesString(fields[4]), bytesString(fields[5])
	r.Actor1, r.Actor2 = bytesString(fields[6]), bytesString(fields[7])
	r.Country, r.Admin1 = bytesString(fields[8]), bytesString(fields[9])
	r.Fatalities, r.Injuries = int4(fields[10]), int4(fields[11])
	r.GeoPrecision = 1
	if len(fields[12]) == 2 {
		r.GeoPrecision = int(int16(binary.BigEndian.Uint16(fields[12])))
	}
	if err := d.add(r); err != nil {
		return 0, err
	}
	return pos, nil
}

// int4 is a binary integer field as an index count: -1 for NULL.
func int4(b []byte) int {
	if len(b) != 4 {
		return -1
	}
	return int(int32(binary.BigEndian.Uint32(b)))
}

func bytesString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// dayString formats a binary date, days since 2000-01-01, as YYYY-MM-DD
// into buf (the proleptic Gregorian calendar, as PostgreSQL counts), with
// the inverse of Howard Hinnant's days_from_civil.
func dayString(buf *[10]byte, days int32) string {
	z := int64(days) + 730425 // days since 0000-03-01
	era := z
	if era < 0 {
		era -= 146096
	}
	era /= 146097
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day := doy - (153*mp+2)/5 + 1
	month := mp + 3
	if month > 12 {
		month -= 12
		y++
	}
	if y < 0 || y > 9999 {
		return fmt.Sprintf("%d-%02d-%02d", y, month, day)
	}
	*buf = [10]byte{byte('0' + y/1000), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), '-',
		byte('0' + month/10), byte('0' + month%10), '-', byte('0' + day/10), byte('0' + day%10)}
	return unsafe.String(&buf[0], len(buf))
}
