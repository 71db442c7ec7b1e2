package index

import (
	"fmt"
	"math"
	"sync"

	"github.com/mapd/mapd/geo"
	"github.com/mapd/mapd/incidents"
)

// Row is one incident as a store hands it to the index: the fields the
// index answers from, nothing more. Strings may point into memory the
// caller reuses after Add or Apply returns (sql.RawBytes, a COPY buffer):
// the index copies every string it keeps.
type Row struct {
	ID           int64
	Lon, Lat     float64
	Date         string // "YYYY-MM-DD"
	EventType    string
	SubEventType string
	Actor1       string
	Actor2       string
	Country      string
	Admin1       string
	Fatalities   int // -1 when unknown
	Injuries     int // -1 when unknown
	GeoPrecision int
}

// RowOf returns the Row of a stored incident (one with an ID and
// coordinates).
func RowOf(in *incidents.Incident) Row {
	r := Row{
		ID: in.ID, Date: in.Date, EventType: in.EventType, SubEventType: in.SubEventType,
		Actor1: in.Actor1, Actor2: in.Actor2, Country: in.Country, Admin1: in.Admin1,
		Fatalities: -1, Injuries: -1, GeoPrecision: in.GeoPrecision,
	}
	if in.Lat != nil && in.Lon != nil {
		r.Lon, r.Lat = *in.Lon, *in.Lat
	}
	if in.Fatalities != nil {
		r.Fatalities = *in.Fatalities
	}
	if in.Injuries != nil {
		r.Injuries = *in.Injuries
	}
	return r
}

// Small counts are kept in 16 bits; the two largest values mark an
// unknown count and one kept beside the columns (see extra).
const (
	countNull  = math.MaxUint16
	countLarge = math.MaxUint16 - 1
)

// polarBit marks, in the geo_precision column, a point beyond the Web
// Mercator latitudes: its y is clamped, it lies in no tile, and bbox tests
// read its exact coordinates from the extras.
const polarBit = 0x80

// extra holds what does not fit a row's fixed-width columns: counts of
// countLarge or more and the exact coordinates of polar points.
type extra struct {
	fat, inj int
	lon, lat float64
}

// mercator returns the point's position on a 2^32 by 2^32 Web Mercator
// grid, x eastwards from the antimeridian and y southwards from
// geo.MaxMercatorLat, and whether the point lies beyond the Mercator
// latitudes (y is then clamped). x >> (32 - z) is the column of the tile
// of zoom z that geo.TileAt gives, because scaling by a power of two is
// exact.
func mercator(lon, lat float64) (x, y uint32, polar bool) {
	fx, fy := geo.MercatorFraction(lon, lat)
	polar = !(lat >= -geo.MaxMercatorLat && lat <= geo.MaxMercatorLat)
	return gridCoord(fx), gridCoord(fy), polar
}

func gridCoord(f float64) uint32 {
	v := math.Floor(f * (1 << 32))
	if !(v >= 0) { // also NaN
		return 0
	}
	if v >= 1<<32 {
		return math.MaxUint32
	}
	return uint32(v)
}

// lonOf returns the longitude of the western edge of grid column x.
func lonOf(x float64) float64 { return x/(1<<32)*360 - 180 }

// latOf returns the latitude of the northern edge of grid row y.
func latOf(y float64) float64 {
	return math.Atan(math.Sinh(math.Pi*(1-2*y/(1<<32)))) * 180 / math.Pi
}

// parseDay returns the day number (days since 1970-01-01) of a
// "YYYY-MM-DD" date, checking that the date exists.
func parseDay(s string) (int32, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, fmt.Errorf("%w: date %q is not YYYY-MM-DD", incidents.ErrInvalid, s)
	}
	num := func(b string) int {
		n := 0
		for i := 0; i < len(b); i++ {
			c := b[i]
			if c < '0' || c > '9' {
				return -1
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	y, m, d := num(s[:4]), num(s[5:7]), num(s[8:])
	if y < 0 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return 0, fmt.Errorf("%w: date %q is not a real calendar date", incidents.ErrInvalid, s)
	}
	return daysFromCivil(y, m, d), nil
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil is Howard Hinnant's days_from_civil.
func daysFromCivil(y, m, d int) int32 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int32(era*146097 + doe - 719468)
}

// civil is the inverse of daysFromCivil.
func civil(z int32) (y, m, d int) {
	zz := int(z) + 719468
	era := zz / 146097
	if zz < 0 && zz%146097 != 0 {
		era--
	}
	doe := zz - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

// formatDay returns the "YYYY-MM-DD" of a day number.
func formatDay(day int32) string {
	y, m, d := civil(day)
	var b [10]byte
	put4(b[:4], y)
	b[4] = '-'
	put2(b[5:7], m)
	b[7] = '-'
	put2(b[8:], d)
	return string(b[:])
}

// monthOf returns the month number y*12 + m-1 of a day number.
func monthOf(day int32) int {
	y, m, _ := civil(day)
	return y*12 + m - 1
}

// formatMonth returns the "YYYY-MM" of a month number.
func formatMonth(month int) string {
	var b [7]byte
	put4(b[:4], month/12)
	b[4] = '-'
	put2(b[5:], month%12+1)
	return string(b[:])
}

func put4(b []byte, v int) {
	b[0], b[1], b[2], b[3] = byte('0'+v/1000%10), byte('0'+v/100%10), byte('0'+v/10%10), byte('0'+v%10)
}

func put2(b []byte, v int) { b[0], b[1] = byte('0'+v/10%10), byte('0'+v%10) }

// latSteps is the number of rows of latTable: the latitude of every 2^16th
// grid row, between which latFast interpolates.
const latSteps = 1 << 16

var latTable = sync.OnceValue(func() []float64 {
	t := make([]float64, latSteps+1)
	for i := range t {
		t[i] = latOf(float64(i) * (1 << 16))
	}
	return t
})

// latFast returns the latitude of the middle of grid row y, to within
// 1e-7 degrees (linear interpolation between rows 2^16 apart; the
// curvature of the inverse Mercator keeps the error below 4e-8), at the
// cost of two loads instead of a sinh and an atan.
func latFast(t []float64, y uint32) float64 {
	i := y >> 16
	f := (float64(y&0xFFFF) + 0.5) / (1 << 16)
	a := t[i]
	return a + (t[i+1]-a)*f
}
