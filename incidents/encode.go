package incidents

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ExportFormats lists the formats NewEncoder writes.
var ExportFormats = []string{"geojson", "ndjson", "csv"}

// Encoder writes incidents one by one in an export format.
type Encoder interface {
	// Write adds one incident.
	Write(in *Incident) error
	// Close writes the trailer (if any) and flushes; it does not close the
	// underlying writer.
	Close() error
}

// ContentType returns the media type of an export format.
func ContentType(format string) string {
	switch format {
	case "geojson":
		return "application/geo+json"
	case "ndjson":
		return "application/x-ndjson"
	case "csv":
		return "text/csv; charset=utf-8"
	}
	return "application/octet-stream"
}

// NewEncoder returns an encoder that streams incidents to w as "geojson"
// (one FeatureCollection, each incident a Feature with its id on the
// Feature and its fields but lat/lon as properties), "ndjson" (one incident
// JSON object per line) or "csv" (a header of CSVColumns, then one row per
// incident; sources and tags joined with "; "). Whatever it writes, the
// decoder reads back as the same incidents.
func NewEncoder(w io.Writer, format string) (Encoder, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	switch strings.ToLower(strings.TrimSpace(format)) {
	case "geojson":
		return &geojsonEncoder{w: bw}, nil
	case "ndjson":
		enc := json.NewEncoder(bw)
		enc.SetEscapeHTML(false)
		return &ndjsonEncoder{w: bw, enc: enc}, nil
	case "csv":
		return &csvEncoder{w: bw, cw: csv.NewWriter(bw), row: make([]string, len(CSVColumns))}, nil
	}
	return nil, fmt.Errorf("%w: unknown export format %q; use one of %s", ErrInvalid, format, strings.Join(ExportFormats, ", "))
}

// geojsonEncoder streams a FeatureCollection.
type geojsonEncoder struct {
	w     *bufio.Writer
	n     int
	begun bool
	buf   []byte // the feature being written, reused
}

const (
	featureCollectionHead = `{"type":"FeatureCollection","features":[`
	featureCollectionTail = "\n]}\n"
)

func (e *geojsonEncoder) Write(in *Incident) error {
	e.buf = in.AppendFeature(e.buf[:0])
	b := e.buf
	if !e.begun {
		e.begun = true
		e.w.WriteString(featureCollectionHead)
	}
	if e.n > 0 {
		e.w.WriteByte(',')
	}
	e.n++
	e.w.WriteByte('\n')
	if _, err := e.w.Write(b); err != nil {
		return fmt.Errorf("incidents: writing export: %w", err)
	}
	return nil
}

func (e *geojsonEncoder) Close() error {
	if !e.begun {
		e.begun = true
		e.w.WriteString(featureCollectionHead)
	}
	e.w.WriteString(featureCollectionTail)
	if err := e.w.Flush(); err != nil {
		return fmt.Errorf("incidents: writing export: %w", err)
	}
	return nil
}

// ndjsonEncoder writes one incident JSON object per line.
type ndjsonEncoder struct {
	w   *bufio.Writer
	enc *json.Encoder
}

func (e *ndjsonEncoder) Write(in *Incident) error {
	if err := e.enc.Encode(in); err != nil {
		return fmt.Errorf("incidents: writing export: %w", err)
	}
	return nil
}

func (e *ndjsonEncoder) Close() error {
	if err := e.w.Flush(); err != nil {
		return fmt.Errorf("incidents: writing export: %w", err)
	}
	return nil
}

// csvEncoder writes a header of CSVColumns, then one row per incident.
type csvEncoder struct {
	w      *bufio.Writer
	cw     *csv.Writer
	row    []string
	header bool
}

func (e *csvEncoder) writeHeader() error {
	if e.header {
		return nil
	}
	e.header = true
	return e.cw.Write(CSVColumns)
}

func (e *csvEncoder) Write(in *Incident) error {
	if err := e.writeHeader(); err != nil {
		return fmt.Errorf("incidents: writing export: %w", err)
	}
	for i, col := range CSVColumns {
		e.row[i] = csvCell(in, col)
	}
	if err := e.cw.Write(e.row); err != nil {
		return fmt.Errorf("incidents: writing export: %w", err)
	}
	return nil
}

func (e *csvEncoder) Close() error {
	if err := e.writeHeader(); err != nil {
		return fmt.Errorf("incidents: writing export: %w", err)
	}
	e.cw.Flush()
	if err := e.cw.Error(); err != nil {
		return fmt.Errorf("incidents: writing export: %w", err)
	}
	if err := e.w.Flush(); err != nil {
		return fmt.Errorf("incidents: writing export: %w", err)
	}
	return nil
}

// csvCell formats one field of in for mapd's CSV; absent values are "".
func csvCell(in *Incident, col string) string {
	optInt := func(p *int) string {
		if p == nil {
			return ""
		}
		return strconv.Itoa(*p)
	}
	optFloat := func(p *float64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatFloat(*p, 'f', -1, 64)
	}
	nonZero := func(n int64) string {
		if n == 0 {
			return ""
		}
		return strconv.FormatInt(n, 10)
	}
	switch col {
	case "id":
		return nonZero(in.ID)
	case "source_id":
		return in.SourceID
	case "date":
		return in.Date
	case "date_precision":
		return in.DatePrecision
	case "event_type":
		return in.EventType
	case "sub_event_type":
		return in.SubEventType
	case "actor1":
		return in.Actor1
	case "actor2":
		return in.Actor2
	case "fatalities":
		return optInt(in.Fatalities)
	case "injuries":
		return optInt(in.Injuries)
	case "place":
		return in.Place
	case "country":
		return in.Country
	case "admin1":
		return in.Admin1
	case "lat":
		return optFloat(in.Lat)
	case "lon":
		return optFloat(in.Lon)
	case "geo_precision":
		return nonZero(int64(in.GeoPrecision))
	case "geonameid":
		return nonZero(in.GeonameID)
	case "notes":
		return in.Notes
	case "sources":
		return strings.Join(in.Sources, "; ")
	case "tags":
		return strings.Join(in.Tags, "; ")
	case "created_at":
		return in.CreatedAt
	case "updated_at":
		return in.UpdatedAt
	}
	return "" // not reached: TestCSVColumns keeps CSVColumns and csvCell in step
}
