package incidents

import (
	"encoding/json"
	"math"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// Feature returns the incident as a GeoJSON Feature (RFC 7946): a Point
// geometry [lon, lat], the id on the Feature, and every other field of the
// contract as a property. lat and lon are left out of the properties: the
// geometry holds them, and ParseJSON restores them from it.
func (in *Incident) Feature() *geojson.Feature {
	var g orb.Geometry // nil, "geometry": null, when the incident has no point
	if in.HasPoint() {
		g = orb.Point{*in.Lon, *in.Lat}
	}
	f := geojson.NewFeature(g)
	if in.ID != 0 {
		f.ID = in.ID
	}
	f.Properties = in.Properties()
	return f
}

// Properties returns the incident's fields as GeoJSON properties, leaving
// out lat and lon and any field that is empty.
func (in *Incident) Properties() geojson.Properties {
	p := geojson.Properties{}
	if in.ID != 0 {
		p["id"] = in.ID
	}
	set := func(k, v string) {
		if v != "" {
			p[k] = v
		}
	}
	set("source_id", in.SourceID)
	set("date", in.Date)
	set("date_precision", in.DatePrecision)
	set("event_type", in.EventType)
	set("sub_event_type", in.SubEventType)
	set("actor1", in.Actor1)
	set("actor2", in.Actor2)
	if in.Fatalities != nil {
		p["fatalities"] = *in.Fatalities
	}
	if in.Injuries != nil {
		p["injuries"] = *in.Injuries
	}
	set("place", in.Place)
	set("country", in.Country)
	set("admin1", in.Admin1)
	if in.GeoPrecision != 0 {
		p["geo_precision"] = in.GeoPrecision
	}
	if in.GeonameID != 0 {
		p["geonameid"] = in.GeonameID
	}
	set("notes", in.Notes)
	if len(in.Sources) > 0 {
		p["sources"] = in.Sources
	}
	if len(in.Tags) > 0 {
		p["tags"] = in.Tags
	}
	set("created_at", in.CreatedAt)
	set("updated_at", in.UpdatedAt)
	return p
}

// MarshalFeature encodes the incident as the GeoJSON Feature that Feature
// describes (properties in field order rather than sorted), many times
// faster than marshalling Feature's result; listings and exports use it.
func (in *Incident) MarshalFeature() ([]byte, error) {
	return in.AppendFeature(make([]byte, 0, 512)), nil
}

// AppendFeature appends what MarshalFeature returns to dst. It writes the
// members itself, field by field, instead of through reflection.
func (in *Incident) AppendFeature(dst []byte) []byte {
	b := dst
	if in.ID != 0 {
		b = append(b, `{"id":`...)
		b = strconv.AppendInt(b, in.ID, 10)
		b = append(b, `,"type":"Feature","geometry":`...)
	} else {
		b = append(b, `{"type":"Feature","geometry":`...)
	}
	if in.HasPoint() {
		b = append(b, `{"type":"Point","coordinates":[`...)
		b = appendJSONFloat(b, *in.Lon)
		b = append(b, ',')
		b = appendJSONFloat(b, *in.Lat)
		b = append(b, "]}"...)
	} else {
		b = append(b, "null"...)
	}
	b = append(b, `,"properties":{`...)
	p := propertyWriter{b: b}
	if in.ID != 0 {
		p.int("id", in.ID)
	}
	p.str("source_id", in.SourceID)
	p.str("date", in.Date)
	p.str("date_precision", in.DatePrecision)
	p.str("event_type", in.EventType)
	p.str("sub_event_type", in.SubEventType)
	p.str("actor1", in.Actor1)
	p.str("actor2", in.Actor2)
	if in.Fatalities != nil {
		p.int("fatalities", int64(*in.Fatalities))
	}
	if in.Injuries != nil {
		p.int("injuries", int64(*in.Injuries))
	}
	p.str("place", in.Place)
	p.str("country", in.Country)
	p.str("admin1", in.Admin1)
	if in.GeoPrecision != 0 {
		p.int("geo_precision", int64(in.GeoPrecision))
	}
	if in.GeonameID != 0 {
		p.int("geonameid", in.GeonameID)
	}
	p.str("notes", in.Notes)
	p.list("sources", in.Sources)
	p.list("tags", in.Tags)
	p.str("created_at", in.CreatedAt)
	p.str("updated_at", in.UpdatedAt)
	return append(p.b, "}}"...)
}

// propertyWriter appends the members of a JSON object, leaving out empty
// strings and lists.
type propertyWriter struct {
	b      []byte
	follow bool // a member was written: the next one needs a comma
}

func (p *propertyWriter) key(k string) {
	if p.follow {
		p.b = append(p.b, ',')
	}
	p.follow = true
	p.b = append(p.b, '"')
	p.b = append(p.b, k...)
	p.b = append(p.b, '"', ':')
}

func (p *propertyWriter) str(k, v string) {
	if v != "" {
		p.key(k)
		p.b = appendJSONString(p.b, v)
	}
}

func (p *propertyWriter) int(k string, v int64) {
	p.key(k)
	p.b = strconv.AppendInt(p.b, v, 10)
}

func (p *propertyWriter) list(k string, vs []string) {
	if len(vs) == 0 {
		return
	}
	p.key(k)
	p.b = append(p.b, '[')
	for i, v := range vs {
		if i > 0 {
			p.b = append(p.b, ',')
		}
		p.b = appendJSONString(p.b, v)
	}
	p.b = append(p.b, ']')
}

// appendJSONString appends s as a JSON string. Plain printable ASCII, the
// usual content, is copied as it is; anything else goes through
// encoding/json, which escapes it as the rest of mapd's JSON does (HTML
// characters, control characters, invalid UTF-8, U+2028 and U+2029).
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always marshals
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendJSONFloat appends f as encoding/json writes a float64: the
// shortest decimal that reads back as f, with an exponent only for very
// small or very large magnitudes. Coordinates are always finite.
func appendJSONFloat(b []byte, f float64) []byte {
	if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) {
		q, _ := json.Marshal(f)
		return append(b, q...)
	}
	return strconv.AppendFloat(b, f, 'f', -1, 64)
}
