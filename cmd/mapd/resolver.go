package main

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/mapd/mapd/gazetteer"
	"github.com/mapd/mapd/incidents"
	"github.com/mapd/mapd/internal/flight"
)

// placeResolver adapts the gazetteer to incidents.Resolver. It loads the
// gazetteer on first use, so commands that never resolve a place never pay
// for loading it. The load is shared work: it runs through a flight.Group,
// so a first caller that goes away neither cancels it for the others nor
// leaves its cancellation behind as the resolver's answer.
type placeResolver struct {
	files  []string
	flight flight.Group[struct{}, loaded]

	mu  sync.Mutex
	gz  *gazetteer.Gazetteer
	rev *gazetteer.ReverseIndex
	err error // a load failure other than a cancellation, returned from then on
}

// loaded is what one load of the gazetteer yields.
type loaded struct {
	gz  *gazetteer.Gazetteer
	rev *gazetteer.ReverseIndex
}

// openResolver returns a resolver over the embedded gazetteer plus files.
func openResolver(ctx context.Context, files []string) (incidents.Resolver, error) {
	return &placeResolver{files: files}, nil
}

// newResolver wraps an already loaded gazetteer.
func newResolver(gz *gazetteer.Gazetteer) *placeResolver {
	return &placeResolver{gz: gz, rev: gazetteer.NewReverseIndex(gz)}
}

func (r *placeResolver) load(ctx context.Context) (*gazetteer.Gazetteer, *gazetteer.ReverseIndex, error) {
	r.mu.Lock()
	gz, rev, err := r.gz, r.rev, r.err
	r.mu.Unlock()
	if gz != nil || err != nil {
		return gz, rev, err
	}
	l, err := r.flight.Do(ctx, struct{}{}, func(ctx context.Context) (loaded, error) {
		gz, err := loadGazetteer(ctx, r.files)
		if err != nil {
			return loaded{}, err
		}
		return loaded{gz: gz, rev: gazetteer.NewReverseIndex(gz)}, nil
	})
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case err == nil:
		r.gz, r.rev = l.gz, l.rev
	case ctx.Err() == nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded):
		r.err = err
	}
	return l.gz, l.rev, err
}

// ResolvePlace implements incidents.Resolver.
func (r *placeResolver) ResolvePlace(ctx context.Context, place, country string, context []string) (incidents.Resolution, bool, error) {
	gz, _, err := r.load(ctx)
	if err != nil {
		return incidents.Resolution{}, false, err
	}
	res, err := gz.Resolve(ctx, gazetteer.Query{Name: place, Country: country, Context: context})
	if errors.Is(err, gazetteer.ErrInvalidQuery) {
		return incidents.Resolution{}, false, nil
	}
	if err != nil {
		return incidents.Resolution{}, false, err
	}
	if res.Match == nil {
		return incidents.Resolution{}, false, nil
	}
	m := res.Match
	out := incidents.Resolution{
		Lat: m.Lat, Lon: m.Lon, Country: m.Country, Admin1: m.Admin1,
		GeonameID: m.GeonameID, GeoPrecision: m.GeoPrecision(),
	}
	if out.GeonameID <= 0 {
		out.GeonameID = 0 // a region the embedded data knows without its GeoNames id
	}
	if out.Admin1 == "" && m.FeatureCode == "ADM1" {
		out.Admin1 = m.Name
	}
	return out, true, nil
}

// loadGazetteer loads the embedded default gazetteer and then each file.
func loadGazetteer(ctx context.Context, files []string) (*gazetteer.Gazetteer, error) {
	gz, err := gazetteer.Default(ctx)
	if err != nil {
		return nil, fmt.Errorf("load gazetteer: %w", err)
	}
	for _, f := range files {
		if err := gz.LoadFile(ctx, f); err != nil {
			return nil, fmt.Errorf("load gazetteer: %w", err)
		}
	}
	return gz, nil
}

// ResolvePoint implements incidents.PointResolver: the nearest populated
// place, its region and country.
func (r *placeResolver) ResolvePoint(ctx context.Context, lat, lon float64) (incidents.PointResolution, bool, error) {
	_, rev, err := r.load(ctx)
	if err != nil {
		return incidents.PointResolution{}, false, err
	}
	p, ok := rev.Nearest(lat, lon)
	if !ok {
		return incidents.PointResolution{}, false, nil
	}
	return incidents.PointResolution{Place: p.Name, Country: p.Country, Admin1: p.Admin1, DistanceKm: p.DistanceKm}, true, nil
}
