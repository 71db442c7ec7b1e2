package incidents

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// sampleIncidents covers every field, absent optional values, a record
// without coordinates and text that CSV must quote.
func sampleIncidents() []Incident {
	return []Incident{
		{ID: 7, SourceID: "SYRX0003", Date: "2016-09-17", DatePrecision: "day", EventType: "Explosions/Remote violence",
			SubEventType: "Air/drone strike", Actor1: "Military Forces of the United States", Actor2: "Military Forces of Syria (2000-)",
			Fatalities: ptr(62), Injuries: ptr(0), Place: "Deir ez-Zor", Country: "SY", Admin1: "Deir ez-Zor",
			Lat: ptr(35.33588), Lon: ptr(40.14084), GeoPrecision: 2, GeonameID: 170794,
			Notes: "Strikes on Jabal Tharda, \"by mistake\",\nsaid the coalition <b>.", Sources: []string{"AFP", "https://example.org/a?b=c"},
			Tags: []string{"coalition", "airbase"}, CreatedAt: "2026-11-25T06:00:00Z", UpdatedAt: "2026-11-25T06:30:00Z"},
		{ID: 8, Date: "2016-09-19", DatePrecision: "week", EventType: "Violence against civilians", Place: "Orem Elkobra",
			Lat: ptr(-0.000001), Lon: ptr(179.99999999999997)},
		{Date: "2016-09-23", DatePrecision: "month", EventType: "Protests", Place: "Aleppo", Country: "SY"},
	}
}

func TestEncodeRoundTrip(t *testing.T) {
	for _, format := range ExportFormats {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			enc, err := NewEncoder(&buf, format)
			if err != nil {
				t.Fatal(err)
			}
			want := sampleIncidents()
			for i := range want {
				if err := enc.Write(&want[i]); err != nil {
					t.Fatal(err)
				}
			}
			if err := enc.Close(); err != nil {
				t.Fatal(err)
			}
			dec, detected, err := NewDecoder(bytes.NewReader(buf.Bytes()), "auto")
			if err != nil {
				t.Fatal(err)
			}
			if detected != format {
				t.Errorf("detected format: got %q, want %q", detected, format)
			}
			recs := decodeAll(t, dec)
			if len(recs) != len(want) {
				t.Fatalf("records: got %d, want %d\n%s", len(recs), len(want), buf.String())
			}
			for i, r := range recs {
				if r.Err != nil {
					t.Fatalf("record %d: %v\n%s", i, r.Err, buf.String())
				}
				if !reflect.DeepEqual(r.Incident, want[i]) {
					t.Errorf("record %d:\n got %s\nwant %s", i, dump(r.Incident), dump(want[i]))
				}
			}
		})
	}
}

func TestEncodeEmpty(t *testing.T) {
	tests := map[string]string{
		"geojson": `{"type":"FeatureCollection","features":[` + "\n]}\n",
		"ndjson":  "",
		"csv":     strings.Join(CSVColumns, ",") + "\n",
	}
	for format, want := range tests {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			enc, err := NewEncoder(&buf, format)
			if err != nil {
				t.Fatal(err)
			}
			if err := enc.Close(); err != nil {
				t.Fatal(err)
			}
			if got := buf.String(); got != want {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
	if _, err := NewEncoder(&bytes.Buffer{}, "kml"); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown format: got %v, want ErrInvalid", err)
	}
}

func TestEncodeGeoJSONShape(t *testing.T) {
	var buf bytes.Buffer
	enc, _ := NewEncoder(&buf, "geojson")
	in := sampleIncidents()[0]
	enc.Write(&in)
	enc.Close()
	var fc struct {
		Type     string `json:"type"`
		Features []struct {
			ID       int64 `json:"id"`
			Geometry struct {
				Type        string    `json:"type"`
				Coordinates []float64 `json:"coordinates"`
			} `json:"geometry"`
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(buf.Bytes(), &fc); err != nil {
		t.Fatalf("invalid JSON: %v\n%s", err, buf.String())
	}
	f := fc.Features[0]
	if fc.Type != "FeatureCollection" || f.ID != 7 || f.Geometry.Type != "Point" ||
		!slices.Equal(f.Geometry.Coordinates, []float64{40.14084, 35.33588}) {
		t.Errorf("got %+v, want a FeatureCollection with Feature 7 at [40.14084, 35.33588]", fc)
	}
	for _, k := range []string{"lat", "lon"} {
		if _, ok := f.Properties[k]; ok {
			t.Errorf("properties: got %q, want it left out", k)
		}
	}
	if f.Properties["event_type"] != "Explosions/Remote violence" {
		t.Errorf("event_type: got %v", f.Properties["event_type"])
	}
}

func TestCSVColumns(t *testing.T) {
	if got := strings.Join(CSVColumns, ","); !strings.HasPrefix(string(mustRead(t, "incidents.csv")), got+"\n") {
		t.Errorf("testdata/incidents.csv header differs from CSVColumns %s", got)
	}
	full := sampleIncidents()[0]
	for _, col := range CSVColumns {
		if _, ok := mapdColumn(col); !ok {
			t.Errorf("column %q: the decoder does not know it", col)
		}
		if csvCell(&full, col) == "" {
			t.Errorf("column %q: the encoder writes nothing for a full incident", col)
		}
	}
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
