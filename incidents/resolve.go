package incidents

import (
	"context"
	"fmt"
	"strings"
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

// PointResolver is a Resolver that can also name what is at a point
// (reverse geocoding): the nearest populated place, its first-level region
// and country.
type PointResolver interface {
	ResolvePoint(ctx context.Context, lat, lon float64) (PointResolution, bool, error)
}

// PointResolution is the gazetteer's answer for one point.
type PointResolution struct {
	Place      string
	Country    string
	Admin1     string
	DistanceKm float64 // from the point to the place
}

// maxPointPlaceKm is how far the nearest place may be for its name to
// become an incident's place; its region and country are used up to
// maxPointRegionKm.
const (
	maxPointPlaceKm  = 25
	maxPointRegionKm = 100
)

// resolvePoint fills country, admin1 and place where absent from the
// nearest gazetteer place to the incident's point, when r can tell.
func resolvePoint(ctx context.Context, in *Incident, r Resolver) error {
	pr, ok := r.(PointResolver)
	if !ok || in.Country != "" && in.Admin1 != "" && in.Place != "" {
		return nil
	}
	res, ok, err := pr.ResolvePoint(ctx, *in.Lat, *in.Lon)
	if err != nil {
		return fmt.Errorf("incidents: reverse geocode: %w", err)
	}
	if !ok || res.DistanceKm > maxPointRegionKm {
		return nil
	}
	if in.Country == "" {
		in.Country = res.Country
	}
	if in.Admin1 == "" && in.Country == res.Country {
		in.Admin1 = res.Admin1
	}
	if in.Place == "" && res.DistanceKm <= maxPointPlaceKm {
		in.Place = res.Place
	}
	return nil
}

// resolve fills coordinates (and admin1, country, geonameid, geo_precision
// where absent) from r when the incident has a place and no point. A record
// with coordinates keeps them, and gets its missing country, admin1 and
// place from the point when r is a PointResolver.
func resolve(ctx context.Context, in *Incident, r Resolver, countries []string) error {
	if in.HasPoint() && r != nil {
		return resolvePoint(ctx, in, r)
	}
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

// memoResolver remembers the answers of a Resolver for the names of one
// import: a file names the same places again and again ("Aleppo" in
// thousands of records), and each resolution with context costs several
// microseconds. It answers ResolvePoint through the resolver it wraps when
// that is a PointResolver, and as one that cannot tell otherwise. It is
// used by one goroutine.
type memoResolver struct {
	r    Resolver
	memo map[memoKey]memoAnswer
}

// memoKey is a question to ResolvePlace; context holds the countries
// joined by commas, which no country code holds.
type memoKey struct{ place, country, context string }

// memoAnswer is a remembered answer of ResolvePlace.
type memoAnswer struct {
	res Resolution
	ok  bool
}

// maxMemo bounds the names a memoResolver remembers.
const maxMemo = 1 << 16

func newMemoResolver(r Resolver) *memoResolver {
	return &memoResolver{r: r, memo: map[memoKey]memoAnswer{}}
}

// ResolvePlace implements Resolver. Errors are not remembered.
func (m *memoResolver) ResolvePlace(ctx context.Context, place, country string, context []string) (Resolution, bool, error) {
	key := memoKey{place, country, strings.Join(context, ",")}
	if a, ok := m.memo[key]; ok {
		return a.res, a.ok, nil
	}
	res, ok, err := m.r.ResolvePlace(ctx, place, country, context)
	if err == nil && len(m.memo) < maxMemo {
		m.memo[key] = memoAnswer{res, ok}
	}
	return res, ok, err
}

// ResolvePoint implements PointResolver.
func (m *memoResolver) ResolvePoint(ctx context.Context, lat, lon float64) (PointResolution, bool, error) {
	if pr, ok := m.r.(PointResolver); ok {
		return pr.ResolvePoint(ctx, lat, lon)
	}
	return PointResolution{}, false, nil
}
