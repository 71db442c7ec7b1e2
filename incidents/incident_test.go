package incidents

import (
	"errors"
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
