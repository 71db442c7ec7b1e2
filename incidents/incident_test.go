package incidents

import (
	"errors"
	"strings"
	"testing"
)

// TestParseJSONNamesUnknownField checks that a record with a field mapd
// does not know is refused with a FieldError naming that field, in a plain
// object and in a Feature, while every known spelling is accepted.
func TestParseJSONNamesUnknownField(t *testing.T) {
	tests := []struct {
		name, body string
		field      string // "" when the body must parse
	}{
		{"plain", `{"date":"2016-09-17","event_type":"Battles","colour":"red"}`, "colour"},
		{"first unknown of two", `{"date":"2016-09-17","zz":1,"aa":2,"event_type":"Battles"}`, "zz"},
		{"case-insensitive known", `{"Date":"2016-09-17","EVENT_TYPE":"Battles"}`, ""},
		{"extract fields accepted", `{"date":"2016-09-17","event_type":"Battles","file":"a.txt","confidence":0.8,"evidence":[]}`, ""},
		{"feature top level", `{"type":"Feature","geometry":null,"properties":{"date":"2016-09-17","event_type":"Battles"},"crs":{}}`, "crs"},
		{"feature properties", `{"type":"Feature","geometry":null,"properties":{"date":"2016-09-17","event_type":"Battles","mood":"x"}}`, "mood"},
		{"unknown key after a nested value", `{"tags":["a",{"b":1}],"date":"2016-09-17","event_type":"Battles","x":1}`, "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseJSON([]byte(tt.body))
			if tt.field == "" {
				if err != nil {
					t.Fatalf("ParseJSON: %v", err)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("ParseJSON: got %v, want a FieldError", err)
			}
			if fe.Field != tt.field {
				t.Fatalf("ParseJSON: field %q (%v), want %q", fe.Field, err, tt.field)
			}
		})
	}
}

// TestValidateNamesFirstTooLong checks that a record with several fields
// too long is rejected naming the first of them in the format's order,
// every time.
func TestValidateNamesFirstTooLong(t *testing.T) {
	lat, lon := 35.3, 40.1
	long := strings.Repeat("x", 5000)
	tests := []struct {
		name string
		edit func(in *Incident)
		want string
	}{
		{"actor1 and place", func(in *Incident) { in.Actor1, in.Place = long, long }, "actor1"},
		{"source_id and admin1", func(in *Incident) { in.SourceID, in.Admin1 = long, long }, "source_id"},
		{"sub_event_type and actor2", func(in *Incident) { in.SubEventType, in.Actor2 = long, long }, "sub_event_type"},
		{"sources and tags", func(in *Incident) { in.Sources, in.Tags = []string{long}, []string{long} }, "sources"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 20 { // a map's order would differ between runs
				in := Incident{Date: "2016-09-17", DatePrecision: "day", EventType: "Battles", Lat: &lat, Lon: &lon}
				tt.edit(&in)
				var fe *FieldError
				if err := in.Validate(); !errors.As(err, &fe) || fe.Field != tt.want {
					t.Fatalf("got %v, want an error on %s", err, tt.want)
				}
			}
		})
	}
}
