// Package incidents holds mapd's domain: the Incident record, its
// validation, the filters used to query incidents and their cursors, the
// import decoders and pipeline, and the interfaces every store implements
// (incidents/sqlite, incidents/postgis). It holds no SQL.
package incidents

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"reflect"
	"strings"

	"github.com/mapd/mapd/geo"
)

// Sentinel errors of the package. Callers test for them with errors.Is.
var (
	ErrNotFound = errors.New("incidents: not found")
	ErrConflict = errors.New("incidents: conflict")
	ErrInvalid  = errors.New("incidents: invalid")
	// ErrSchema: the database's schema is not one this mapd can use (written
	// by a newer mapd, or an applied migration that was edited since).
	ErrSchema = errors.New("incidents: database schema does not match this mapd")
	// ErrUnavailable: the database cannot be reached for now (connection
	// refused or lost); the request may be retried.
	ErrUnavailable = errors.New("incidents: database unavailable")
)

// EventTypes is ACLED's vocabulary of event types, the default for mapd.
var EventTypes = []string{
	"Battles",
	"Explosions/Remote violence",
	"Violence against civilians",
	"Protests",
	"Riots",
	"Strategic developments",
}

// Incident is one reported event. Its JSON form is the contract of
// DESIGN.md; the same fields are the properties of its GeoJSON Feature.
type Incident struct {
	ID            int64    `json:"id,omitempty"`
	SourceID      string   `json:"source_id,omitempty"`
	Date          string   `json:"date"`
	DatePrecision string   `json:"date_precision,omitempty"`
	EventType     string   `json:"event_type"`
	SubEventType  string   `json:"sub_event_type,omitempty"`
	Actor1        string   `json:"actor1,omitempty"`
	Actor2        string   `json:"actor2,omitempty"`
	Fatalities    *int     `json:"fatalities,omitempty"`
	Injuries      *int     `json:"injuries,omitempty"`
	Place         string   `json:"place,omitempty"`
	Country       string   `json:"country,omitempty"`
	Admin1        string   `json:"admin1,omitempty"`
	Lat           *float64 `json:"lat,omitempty"`
	Lon           *float64 `json:"lon,omitempty"`
	GeoPrecision  int      `json:"geo_precision,omitempty"`
	GeonameID     int64    `json:"geonameid,omitempty"`
	Notes         string   `json:"notes,omitempty"`
	Sources       []string `json:"sources,omitempty"`
	Tags          []string `json:"tags,omitempty"`
	CreatedAt     string   `json:"created_at,omitempty"`
	UpdatedAt     string   `json:"updated_at,omitempty"`
}

// HasPoint reports whether both coordinates are present.
func (in *Incident) HasPoint() bool { return in.Lat != nil && in.Lon != nil }

// FieldError is a validation error that names the offending field.
type FieldError struct {
	Field    string
	Msg      string
	Conflict bool // the value clashes with stored data (HTTP 409) rather than being malformed
}

func (e *FieldError) Error() string { return e.Msg }

// Unwrap lets errors.Is(err, ErrInvalid) match every FieldError.
// A conflict matches ErrConflict instead.
func (e *FieldError) Unwrap() error {
	if e.Conflict {
		return ErrConflict
	}
	return ErrInvalid
}

func fieldErr(field, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// Limits on free-text fields, so that one record cannot bloat the database.
const (
	maxShortText = 500
	maxNotes     = 100_000
	maxListItems = 100
)

var datePrecisions = map[string]bool{"day": true, "week": true, "month": true, "year": true}

// Normalize trims text fields, upper-cases the country code and applies
// defaults. It is called before Validate.
func (in *Incident) Normalize() {
	for _, p := range []*string{&in.SourceID, &in.Date, &in.DatePrecision, &in.EventType, &in.SubEventType,
		&in.Actor1, &in.Actor2, &in.Place, &in.Country, &in.Admin1} {
		*p = strings.TrimSpace(*p)
	}
	in.Country = strings.ToUpper(in.Country)
	if in.DatePrecision == "" {
		in.DatePrecision = "day"
	}
	in.Sources = cleanList(in.Sources)
	in.Tags = cleanList(in.Tags)
}

func cleanList(xs []string) []string {
	var out []string
	for _, x := range xs {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// Validate checks every field against the contract and returns a
// *FieldError for the first problem found. A record without coordinates is
// valid only when it names a place for the gazetteer to resolve; storing
// requires coordinates, see ValidateStored.
func (in *Incident) Validate() error {
	if in.Date == "" {
		return fieldErr("date", "date is required (YYYY-MM-DD)")
	}
	if _, err := geo.ParseDate(in.Date); err != nil {
		return fieldErr("date", "date %q is not a real calendar date in the form YYYY-MM-DD", Clip(in.Date))
	}
	if !datePrecisions[in.DatePrecision] {
		return fieldErr("date_precision", "date_precision %q must be one of day, week, month, year", Clip(in.DatePrecision))
	}
	if in.EventType == "" {
		return fieldErr("event_type", "event_type is required")
	}
	if in.Fatalities != nil && *in.Fatalities < 0 {
		return fieldErr("fatalities", "fatalities %d must be >= 0", *in.Fatalities)
	}
	if in.Injuries != nil && *in.Injuries < 0 {
		return fieldErr("injuries", "injuries %d must be >= 0", *in.Injuries)
	}
	if (in.Lat == nil) != (in.Lon == nil) {
		if in.Lat == nil {
			return fieldErr("lat", "lat is required when lon is given")
		}
		return fieldErr("lon", "lon is required when lat is given")
	}
	if in.Lat != nil {
		if err := checkCoord("lat", *in.Lat, 90); err != nil {
			return err
		}
		if err := checkCoord("lon", *in.Lon, 180); err != nil {
			return err
		}
	}
	if in.Lat == nil && in.Place == "" {
		return fieldErr("lat", "lat and lon are required when no place is given")
	}
	if in.Country != "" && !isCountryCode(in.Country) {
		return fieldErr("country", "country %q must be an ISO 3166-1 alpha-2 code such as SY", Clip(in.Country))
	}
	if in.GeoPrecision != 0 && (in.GeoPrecision < 1 || in.GeoPrecision > 3) {
		return fieldErr("geo_precision", "geo_precision %d must be 1, 2 or 3", in.GeoPrecision)
	}
	if in.GeonameID < 0 {
		return fieldErr("geonameid", "geonameid %d must be positive", in.GeonameID)
	}
	// The fields in the order of the format, so that the first too long
	// is the one named; an array, not a map, so that nothing is allocated.
	for _, f := range [...]struct{ name, v string }{{"source_id", in.SourceID}, {"event_type", in.EventType},
		{"sub_event_type", in.SubEventType}, {"actor1", in.Actor1}, {"actor2", in.Actor2}, {"place", in.Place}, {"admin1", in.Admin1}} {
		if len(f.v) > maxShortText {
			return fieldErr(f.name, "%s is longer than %d bytes", f.name, maxShortText)
		}
	}
	if len(in.Notes) > maxNotes {
		return fieldErr("notes", "notes is longer than %d bytes", maxNotes)
	}
	for _, f := range [...]struct {
		name string
		xs   []string
	}{{"sources", in.Sources}, {"tags", in.Tags}} {
		if len(f.xs) > maxListItems {
			return fieldErr(f.name, "%s has more than %d items", f.name, maxListItems)
		}
		for _, x := range f.xs {
			if len(x) > 2000 {
				return fieldErr(f.name, "an item of %s is longer than 2000 bytes", f.name)
			}
		}
	}
	return nil
}

func checkCoord(field string, v, max float64) error {
	name := "latitude"
	if field == "lon" {
		name = "longitude"
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fieldErr(field, "%s must be a finite number", name)
	}
	if v < -max || v > max {
		return fieldErr(field, "%s %g is outside [%g, %g]", name, v, -max, max)
	}
	return nil
}

func isCountryCode(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}

// Clip shortens s to 40 bytes for an error message, marking the cut.
func Clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// ParseJSON decodes one incident from a JSON object or a GeoJSON Feature
// whose properties hold the incident fields (its Point geometry wins over
// lat/lon). Unknown fields are reported as errors, never silently dropped.
// Read-only fields (id, created_at, updated_at) are accepted and ignored by
// the store.
func ParseJSON(data []byte) (Incident, error) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || data[0] != '{' {
		return Incident{}, fieldErr("", "expected a JSON object")
	}
	// The common well-formed record decodes without reflection; anything
	// else, errors included, takes encoding/json's way below.
	if in, ok := parseJSONFast(data); ok {
		return in, nil
	}
	return parseJSONStd(data)
}

// parseJSONStd is ParseJSON through encoding/json, for data that is
// trimmed and starts with '{'. It gives every error ParseJSON reports.
func parseJSONStd(data []byte) (Incident, error) {
	// Most records are plain objects: decode them once, strictly. Only a
	// body that mentions "Feature" needs the probe for its type.
	if !bytes.Contains(data, []byte(`"Feature"`)) {
		return decodeStrict(data)
	}
	var probe struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return Incident{}, jsonFieldError(err)
	}
	if probe.Type == "Feature" {
		return parseFeature(data)
	}
	return decodeStrict(data)
}

// extractedRecord is an Incident as "mapd extract --json" prints it: the
// extraction's own fields (file, confidence, evidence) are accepted and
// ignored, so that its output imports as it is.
type extractedRecord struct {
	Incident
	File       json.RawMessage `json:"file"`
	Confidence json.RawMessage `json:"confidence"`
	Evidence   json.RawMessage `json:"evidence"`
}

func decodeStrict(data []byte) (Incident, error) {
	var rec extractedRecord
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rec); err != nil {
		return Incident{}, strictDecodeError(err, data, &rec)
	}
	in := rec.Incident
	if _, err := dec.Token(); err != io.EOF {
		return Incident{}, fieldErr("", "unexpected data after the JSON object")
	}
	return in, nil
}

func parseFeature(data []byte) (Incident, error) {
	var f struct {
		Type       string          `json:"type"`
		ID         json.RawMessage `json:"id"`
		Geometry   *rawGeometry    `json:"geometry"`
		Properties json.RawMessage `json:"properties"`
		BBox       json.RawMessage `json:"bbox"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return Incident{}, strictDecodeError(err, data, &f)
	}
	var in Incident
	props := bytes.TrimSpace(f.Properties)
	if len(props) > 0 && !bytes.Equal(props, []byte("null")) {
		var err error
		if in, err = decodeStrict(props); err != nil {
			return Incident{}, err
		}
	}
	if f.Geometry != nil {
		if f.Geometry.Type != "Point" {
			return Incident{}, fieldErr("geometry", "geometry type %q is not supported; use Point", Clip(f.Geometry.Type))
		}
		if n := len(f.Geometry.Coordinates); n < 2 || n > 3 {
			return Incident{}, fieldErr("geometry", "Point coordinates must be [lon, lat] or [lon, lat, elevation], got %d numbers", n)
		}
		lon, lat := f.Geometry.Coordinates[0], f.Geometry.Coordinates[1]
		in.Lon, in.Lat = &lon, &lat
	}
	return in, nil
}

type rawGeometry struct {
	Type        string    `json:"type"`
	Coordinates []float64 `json:"coordinates"`
}

// strictDecodeError explains why a decoder with DisallowUnknownFields
// refused data meant for v. encoding/json reports an unknown field as an
// untyped error, so the field is found by comparing data's keys with v's.
func strictDecodeError(err error, data []byte, v any) error {
	if name, ok := unknownKey(data, v); ok {
		return fieldErr(name, "unknown field %q", Clip(name))
	}
	return jsonFieldError(err)
}

// unknownKey returns the first key of the JSON object data that none of the
// JSON fields of struct v (a pointer or a value, embedded structs included)
// would take, matching case-insensitively as encoding/json does.
func unknownKey(data []byte, v any) (string, bool) {
	known := jsonFieldNames(reflect.TypeOf(v))
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return "", false
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return "", false
		}
		key, _ := tok.(string)
		if !known[strings.ToLower(key)] {
			return key, true
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return "", false
		}
	}
	return "", false
}

// jsonFieldNames lists, lower-cased, the JSON names of t's fields.
func jsonFieldNames(t reflect.Type) map[string]bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	names := map[string]bool{}
	for f := range t.Fields() {
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case tag == "-" || !f.IsExported() && !f.Anonymous:
		case f.Anonymous && tag == "":
			maps.Copy(names, jsonFieldNames(f.Type))
		case tag != "":
			names[strings.ToLower(tag)] = true
		default:
			names[strings.ToLower(f.Name)] = true
		}
	}
	return names
}

// jsonFieldError turns encoding/json errors into FieldErrors naming the field.
func jsonFieldError(err error) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		field := strings.TrimPrefix(typeErr.Field, "Incident.") // the field of an extractedRecord
		if field == "" {
			return fieldErr("", "expected a JSON object, got %s", typeErr.Value)
		}
		return fieldErr(field, "%s must be %s, got %s", field, jsonTypeName(typeErr.Type.String()), typeErr.Value)
	case errors.As(err, &syntaxErr):
		return fieldErr("", "malformed JSON at byte %d: %v", syntaxErr.Offset, syntaxErr)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return fieldErr("", "truncated JSON")
	}
	return fieldErr("", "malformed JSON: %v", err)
}

func jsonTypeName(t string) string {
	switch t {
	case "*int", "int", "int64":
		return "an integer"
	case "*float64", "float64":
		return "a number"
	case "string":
		return "a string"
	case "[]string":
		return "an array of strings"
	}
	return t
}
