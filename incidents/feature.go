package incidents

import (
	"encoding/json"

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

// featureJSON is the wire form of a Feature for fast encoding: the same
// members Feature produces (properties in field order rather than sorted),
// without building a map per incident.
type featureJSON struct {
	ID         int64      `json:"id,omitempty"`
	Type       string     `json:"type"`
	Geometry   *pointJSON `json:"geometry"`
	Properties *Incident  `json:"properties"` // lat and lon cleared: the geometry holds them
}

type pointJSON struct {
	Type        string     `json:"type"`
	Coordinates [2]float64 `json:"coordinates"`
}

// MarshalFeature encodes the incident as the GeoJSON Feature that Feature
// describes, about fifteen times faster than marshalling Feature's result;
// listings and exports use it.
func (in *Incident) MarshalFeature() ([]byte, error) {
	props := *in
	props.Lat, props.Lon = nil, nil
	f := featureJSON{ID: in.ID, Type: "Feature", Properties: &props}
	if in.HasPoint() {
		f.Geometry = &pointJSON{Type: "Point", Coordinates: [2]float64{*in.Lon, *in.Lat}}
	}
	return json.Marshal(&f)
}
