// Package geo holds the small geometric vocabulary mapd shares between its
// layers: coordinate checks, bounding boxes (including ones that cross the
// antimeridian), bbox and datetime parsing, and great-circle distance. It
// knows nothing of databases or HTTP.
package geo

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ErrInvalid is matched (errors.Is) by every parsing and validation error
// of this package, each of which is an *Error.
var ErrInvalid = errors.New("geo: invalid value")

// Error is a parsing or validation error: which value was wrong (Field:
// "lat", "lon", "bbox", "date", "datetime" or "tile") and why, in a
// message fit to show to the user who gave the value. Callers take the
// two apart with errors.As rather than by reading Error's text.
type Error struct {
	Field string
	Msg   string
}

func (e *Error) Error() string { return "geo: invalid " + e.Field + ": " + e.Msg }

// Unwrap lets errors.Is(err, ErrInvalid) match every *Error.
func (e *Error) Unwrap() error { return ErrInvalid }

func invalid(field, format string, args ...any) *Error {
	return &Error{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// asField returns err as an *Error on field, keeping its message.
func asField(err error, field string) error {
	var e *Error
	if errors.As(err, &e) {
		return &Error{Field: field, Msg: e.Msg}
	}
	return err
}

// EarthRadiusKm is the mean Earth radius used by Distance.
const EarthRadiusKm = 6371.0088

// CheckLat reports an error unless lat is a finite latitude in [-90, 90].
func CheckLat(lat float64) error {
	if math.IsNaN(lat) || math.IsInf(lat, 0) {
		return invalid("lat", "latitude must be a finite number")
	}
	if lat < -90 || lat > 90 {
		return invalid("lat", "latitude %s is outside [-90, 90]", formatFloat(lat))
	}
	return nil
}

// CheckLon reports an error unless lon is a finite longitude in [-180, 180].
func CheckLon(lon float64) error {
	if math.IsNaN(lon) || math.IsInf(lon, 0) {
		return invalid("lon", "longitude must be a finite number")
	}
	if lon < -180 || lon > 180 {
		return invalid("lon", "longitude %s is outside [-180, 180]", formatFloat(lon))
	}
	return nil
}

// Distance returns the great-circle distance in kilometres between two
// points given in degrees, using the haversine formula.
func Distance(lat1, lon1, lat2, lon2 float64) float64 {
	const rad = math.Pi / 180
	dLat := (lat2 - lat1) * rad
	dLon := (lon2 - lon1) * rad
	a := math.Sin(dLat/2)*math.Sin(dLat/2) +
		math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * EarthRadiusKm * math.Asin(math.Min(1, math.Sqrt(a)))
}

// BBox is a bounding box in degrees. When MinLon > MaxLon the box crosses
// the antimeridian: it covers MinLon..180 and -180..MaxLon.
type BBox struct {
	MinLon, MinLat, MaxLon, MaxLat float64
}

// World is the bounding box of the whole globe.
var World = BBox{MinLon: -180, MinLat: -90, MaxLon: 180, MaxLat: 90}

// CrossesAntimeridian reports whether the box wraps across longitude 180.
func (b BBox) CrossesAntimeridian() bool { return b.MinLon > b.MaxLon }

// Split returns the box as one or two boxes that do not cross the
// antimeridian, so that each can be used in a plain range query.
func (b BBox) Split() []BBox {
	if !b.CrossesAntimeridian() {
		return []BBox{b}
	}
	return []BBox{
		{MinLon: b.MinLon, MinLat: b.MinLat, MaxLon: 180, MaxLat: b.MaxLat},
		{MinLon: -180, MinLat: b.MinLat, MaxLon: b.MaxLon, MaxLat: b.MaxLat},
	}
}

// Contains reports whether the point lies in the box, edges included.
func (b BBox) Contains(lon, lat float64) bool {
	if lat < b.MinLat || lat > b.MaxLat {
		return false
	}
	if b.CrossesAntimeridian() {
		return lon >= b.MinLon || lon <= b.MaxLon
	}
	return lon >= b.MinLon && lon <= b.MaxLon
}

// Validate checks that every corner is a finite coordinate in range and that
// MinLat <= MaxLat. MinLon > MaxLon is allowed: it crosses the antimeridian.
// Its errors are *Error on "bbox".
func (b BBox) Validate() error {
	for _, lon := range []float64{b.MinLon, b.MaxLon} {
		if err := CheckLon(lon); err != nil {
			return asField(err, "bbox")
		}
	}
	for _, lat := range []float64{b.MinLat, b.MaxLat} {
		if err := CheckLat(lat); err != nil {
			return asField(err, "bbox")
		}
	}
	if b.MinLat > b.MaxLat {
		return invalid("bbox", "bbox minLat %s is greater than maxLat %s", formatFloat(b.MinLat), formatFloat(b.MaxLat))
	}
	return nil
}

// String formats the box as "minLon,minLat,maxLon,maxLat".
func (b BBox) String() string {
	return formatFloat(b.MinLon) + "," + formatFloat(b.MinLat) + "," + formatFloat(b.MaxLon) + "," + formatFloat(b.MaxLat)
}

// ParseBBox parses "minLon,minLat,maxLon,maxLat": exactly four finite
// numbers, validated with BBox.Validate.
func ParseBBox(s string) (BBox, error) {
	parts := strings.Split(s, ",")
	if len(parts) != 4 {
		return BBox{}, invalid("bbox", "bbox needs 4 numbers: minLon,minLat,maxLon,maxLat")
	}
	var v [4]float64
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return BBox{}, invalid("bbox", "bbox value %q is not a finite number", truncate(p, 32))
		}
		v[i] = f
	}
	b := BBox{MinLon: v[0], MinLat: v[1], MaxLon: v[2], MaxLat: v[3]}
	if err := b.Validate(); err != nil {
		return BBox{}, err
	}
	return b, nil
}

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
