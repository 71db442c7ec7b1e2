package incidents

import (
	"context"
	"fmt"
)

// Resolver turns a place name as a source wrote it into coordinates. The
// gazetteer satisfies it through a small adapter; tests use fakes.
// context lists the countries of other places in the same request or file,
// most frequent first, to steer ambiguous names.
type Resolver interface {
	ResolvePlace(ctx context.Context, place, country string, context []string) (Resolution, bool, error)
}

// Resolution is the gazetteer's answer for one place name.
type Resolution struct {
	Lat, Lon     float64
	Country      string
	Admin1       string
	GeonameID    int64
	GeoPrecision int
}

// resolve fills coordinates (and admin1, country, geonameid, geo_precision
// where absent) from r when the incident has a place and no point. A record
// with coordinates keeps them.
func resolve(ctx context.Context, in *Incident, r Resolver, countries []string) error {
	if in.HasPoint() || in.Place == "" || r == nil {
		return nil
	}
	res, ok, err := r.ResolvePlace(ctx, in.Place, in.Country, countries)
	if err != nil {
		return fmt.Errorf("incidents: resolve %q: %w", Clip(in.Place), err)
	}
	if !ok {
		return fieldErr("place", "place %q could not be resolved; give lat and lon or a clearer name", Clip(in.Place))
	}
	lat, lon := res.Lat, res.Lon
	in.Lat, in.Lon = &lat, &lon
	if in.Country == "" {
		in.Country = res.Country
	}
	if in.Admin1 == "" {
		in.Admin1 = res.Admin1
	}
	if in.GeonameID == 0 {
		in.GeonameID = res.GeonameID
	}
	if in.GeoPrecision == 0 {
		in.GeoPrecision = res.GeoPrecision
	}
	return nil
}
