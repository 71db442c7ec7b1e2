package incidents

import (
	"bytes"
	"encoding/json"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// rowState collects one tabular record (a CSV row or an ACLED JSON object)
// while its columns are set one by one.
type rowState struct {
	in          Incident
	iso         string // ACLED's numeric ISO 3166-1 code
	countryName string // ACLED's country name
}

// setter stores one non-empty cell into a rowState. A nil setter marks a
// column that is accepted and ignored.
type setter func(st *rowState, v string) error

// CSVColumns are the columns of mapd's own CSV, in the order of the
// contract. The CSV encoder writes them; the CSV decoder accepts them in any
// order and any subset.
var CSVColumns = []string{
	"id", "source_id", "date", "date_precision", "event_type", "sub_event_type",
	"actor1", "actor2", "fatalities", "injuries", "place", "country", "admin1",
	"lat", "lon", "geo_precision", "geonameid", "notes", "sources", "tags",
	"created_at", "updated_at",
}

// mapdColumn returns the setter for a column of mapd's CSV.
func mapdColumn(name string) (setter, bool) {
	str := func(f func(*Incident) *string) setter {
		return func(st *rowState, v string) error { *f(&st.in) = v; return nil }
	}
	switch name {
	case "id":
		return func(st *rowState, v string) error {
			n, err := parseInt64("id", "id", v)
			st.in.ID = n
			return err
		}, true
	case "source_id":
		return str(func(in *Incident) *string { return &in.SourceID }), true
	case "date":
		return str(func(in *Incident) *string { return &in.Date }), true
	case "date_precision":
		return str(func(in *Incident) *string { return &in.DatePrecision }), true
	case "event_type":
		return str(func(in *Incident) *string { return &in.EventType }), true
	case "sub_event_type":
		return str(func(in *Incident) *string { return &in.SubEventType }), true
	case "actor1":
		return str(func(in *Incident) *string { return &in.Actor1 }), true
	case "actor2":
		return str(func(in *Incident) *string { return &in.Actor2 }), true
	case "place":
		return str(func(in *Incident) *string { return &in.Place }), true
	case "country":
		return str(func(in *Incident) *string { return &in.Country }), true
	case "admin1":
		return str(func(in *Incident) *string { return &in.Admin1 }), true
	case "notes":
		return str(func(in *Incident) *string { return &in.Notes }), true
	case "created_at":
		return str(func(in *Incident) *string { return &in.CreatedAt }), true
	case "updated_at":
		return str(func(in *Incident) *string { return &in.UpdatedAt }), true
	case "fatalities":
		return intPtr("fatalities", "fatalities", func(in *Incident) **int { return &in.Fatalities }), true
	case "injuries":
		return intPtr("injuries", "injuries", func(in *Incident) **int { return &in.Injuries }), true
	case "lat":
		return floatPtr("lat", "lat", func(in *Incident) **float64 { return &in.Lat }), true
	case "lon":
		return floatPtr("lon", "lon", func(in *Incident) **float64 { return &in.Lon }), true
	case "geo_precision":
		return geoPrecision("geo_precision"), true
	case "geonameid":
		return func(st *rowState, v string) error {
			n, err := parseInt64("geonameid", "geonameid", v)
			st.in.GeonameID = n
			return err
		}, true
	case "sources":
		return func(st *rowState, v string) error { st.in.Sources = strings.Split(v, ";"); return nil }, true
	case "tags":
		return func(st *rowState, v string) error { st.in.Tags = strings.Split(v, ";"); return nil }, true
	}
	return nil, false
}

// acledColumn returns the setter for a column (or JSON key) of an ACLED
// export. Errors name mapd's field and quote ACLED's column.
//
// Mapped: event_id_cnty → source_id; event_date → date (2016-09-17,
// 17 September 2016, 17-September-2016, 2016-09-17 00:00:00, ...);
// time_precision 1/2/3 → date_precision day/week/month; event_type;
// sub_event_type; actor1; actor2; location → place; latitude → lat;
// longitude → lon; geo_precision; fatalities; notes; source → sources
// (split on ";"); iso (numeric, 0 = Kosovo) or else country (a name) →
// country; admin1; tags (split on ";") and inter1/inter2 (actor types, as
// tags "inter1:State forces") → tags. Accepted and ignored: the columns
// of ACLED exports that mapd does not store (year, region, admin2, ...).
func acledColumn(name string) (setter, bool) {
	switch name {
	case "event_id_cnty":
		return func(st *rowState, v string) error { st.in.SourceID = v; return nil }, true
	case "event_date":
		return func(st *rowState, v string) error {
			d, ok := parseACLEDDate(v)
			if !ok {
				return fieldErr("date", "event_date %q is not a date such as 2016-09-17 or 17 September 2016", Clip(v))
			}
			st.in.Date = d
			return nil
		}, true
	case "time_precision":
		return func(st *rowState, v string) error {
			switch v {
			case "1":
				st.in.DatePrecision = "day"
			case "2":
				st.in.DatePrecision = "week"
			case "3":
				st.in.DatePrecision = "month"
			default:
				return fieldErr("date_precision", "time_precision %q must be 1, 2 or 3", Clip(v))
			}
			return nil
		}, true
	case "event_type":
		return func(st *rowState, v string) error { st.in.EventType = v; return nil }, true
	case "sub_event_type":
		return func(st *rowState, v string) error { st.in.SubEventType = v; return nil }, true
	case "actor1":
		return func(st *rowState, v string) error { st.in.Actor1 = v; return nil }, true
	case "actor2":
		return func(st *rowState, v string) error { st.in.Actor2 = v; return nil }, true
	case "location":
		return func(st *rowState, v string) error { st.in.Place = v; return nil }, true
	case "admin1":
		return func(st *rowState, v string) error { st.in.Admin1 = v; return nil }, true
	case "notes":
		return func(st *rowState, v string) error { st.in.Notes = v; return nil }, true
	case "latitude":
		return floatPtr("lat", "latitude", func(in *Incident) **float64 { return &in.Lat }), true
	case "longitude":
		return floatPtr("lon", "longitude", func(in *Incident) **float64 { return &in.Lon }), true
	case "geo_precision":
		return geoPrecision("geo_precision"), true
	case "fatalities":
		return intPtr("fatalities", "fatalities", func(in *Incident) **int { return &in.Fatalities }), true
	case "source":
		return func(st *rowState, v string) error { st.in.Sources = strings.Split(v, ";"); return nil }, true
	case "tags":
		return func(st *rowState, v string) error {
			st.in.Tags = append(st.in.Tags, strings.Split(v, ";")...)
			return nil
		}, true
	case "inter1", "inter2":
		return func(st *rowState, v string) error {
			if t := interName(v); t != "" {
				st.in.Tags = append(st.in.Tags, name+":"+t)
			}
			return nil
		}, true
	case "iso":
		return func(st *rowState, v string) error { st.iso = v; return nil }, true
	case "country":
		return func(st *rowState, v string) error { st.countryName = v; return nil }, true
	case "year", "event_id_no_cnty", "data_id", "disorder_type", "assoc_actor_1", "assoc_actor_2",
		"interaction", "civilian_targeting", "region", "admin2", "admin3", "iso3", "source_scale",
		"timestamp", "population_1km", "population_2km", "population_5km", "population_best":
		return nil, true
	}
	return nil, false
}

// finishACLED resolves the country of an ACLED record from iso, or else
// from the country name.
func (st *rowState) finishACLED() error {
	iso := strings.TrimSpace(st.iso)
	if iso != "" {
		if n, err := strconv.Atoi(iso); err == nil && n == 0 {
			st.in.Country = "XK" // ACLED's code for Kosovo
			return nil
		}
		if code, ok := CountryCode(iso); ok {
			st.in.Country = code
			return nil
		}
		if st.countryName == "" {
			return fieldErr("country", "iso %q is not an ISO 3166-1 numeric country code", Clip(iso))
		}
	}
	if st.countryName != "" {
		code, ok := CountryCode(st.countryName)
		if !ok {
			return fieldErr("country", "country %q is not a known country name or ISO 3166-1 code", Clip(st.countryName))
		}
		st.in.Country = code
	}
	return nil
}

// interName names ACLED's actor type codes; newer exports already give
// the name.
func interName(v string) string {
	switch v {
	case "", "0":
		return ""
	case "1":
		return "State forces"
	case "2":
		return "Rebel groups"
	case "3":
		return "Political militias"
	case "4":
		return "Identity militias"
	case "5":
		return "Rioters"
	case "6":
		return "Protesters"
	case "7":
		return "Civilians"
	case "8":
		return "External/Other forces"
	}
	return v
}

// acledDateLayouts are the forms of event_date found in ACLED exports and
// in spreadsheets made from them. Month names match in any case.
var acledDateLayouts = []string{
	"2006-01-02", "2 January 2006", "2-January-2006", "2006-01-02 15:04:05",
	"2006-01-02T15:04:05Z07:00", "2006-01-02T15:04:05", "2 Jan 2006", "2-Jan-2006",
	"2006/01/02", "January 2, 2006", "Jan 2, 2006",
}

// parseACLEDDate returns an ACLED event_date as YYYY-MM-DD.
func parseACLEDDate(v string) (string, bool) {
	if len(v) == 10 && v[4] == '-' && v[7] == '-' {
		if _, err := time.Parse("2006-01-02", v); err == nil {
			return v, true
		}
		return "", false
	}
	for _, layout := range acledDateLayouts {
		if t, err := time.Parse(layout, v); err == nil {
			return t.Format("2006-01-02"), true
		}
	}
	return "", false
}

func intPtr(field, col string, f func(*Incident) **int) setter {
	return func(st *rowState, v string) error {
		n, err := parseInt64(field, col, v)
		if err != nil {
			return err
		}
		if n > math.MaxInt32 || n < math.MinInt32 {
			return fieldErr(field, "%s %q is out of range", col, Clip(v))
		}
		i := int(n)
		*f(&st.in) = &i
		return nil
	}
}

func floatPtr(field, col string, f func(*Incident) **float64) setter {
	return func(st *rowState, v string) error {
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return fieldErr(field, "%s %q is not a number", col, Clip(v))
		}
		*f(&st.in) = &x
		return nil
	}
}

func geoPrecision(col string) setter {
	return func(st *rowState, v string) error {
		n, err := parseInt64("geo_precision", col, v)
		if err != nil {
			return err
		}
		if n < 1 || n > 3 {
			return fieldErr("geo_precision", "%s %d must be 1, 2 or 3", col, n)
		}
		st.in.GeoPrecision = int(n)
		return nil
	}
}

// parseInt64 parses an integer cell; "3.0" is accepted as 3, since
// spreadsheets write integers that way.
func parseInt64(field, col, v string) (int64, error) {
	n, err := strconv.ParseInt(v, 10, 64)
	if err == nil {
		return n, nil
	}
	if x, ferr := strconv.ParseFloat(v, 64); ferr == nil && x == math.Trunc(x) && math.Abs(x) < 1<<53 {
		return int64(x), nil
	}
	return 0, fieldErr(field, "%s %q is not an integer", col, Clip(v))
}

// parseACLEDJSON decodes one ACLED record given as a JSON object whose
// values are strings, numbers or null. Unknown keys are errors.
func parseACLEDJSON(data []byte) (Incident, error) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || data[0] != '{' {
		return Incident{}, fieldErr("", "expected a JSON object")
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(data, &obj); err != nil {
		return Incident{}, jsonFieldError(err)
	}
	var st rowState
	for _, key := range slices.Sorted(maps.Keys(obj)) {
		raw := obj[key]
		set, ok := acledColumn(key)
		if !ok {
			return Incident{}, fieldErr(key, "unknown ACLED field %q", Clip(key))
		}
		if set == nil {
			continue
		}
		v, ok := jsonScalar(raw)
		if !ok {
			return Incident{}, fieldErr(key, "%s must be a string or a number", key)
		}
		if v = strings.TrimSpace(v); v == "" {
			continue
		}
		if err := set(&st, v); err != nil {
			return Incident{}, err
		}
	}
	if err := st.finishACLED(); err != nil {
		return Incident{}, err
	}
	return st.in, nil
}

// jsonScalar returns the text of a JSON string or number; null is "".
func jsonScalar(raw json.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0 || string(raw) == "null":
		return "", true
	case raw[0] == '"':
		var s string
		return s, json.Unmarshal(raw, &s) == nil
	case raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9':
		return string(raw), true
	}
	return "", false
}
