package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/mapd/mapd/extract"
	"github.com/mapd/mapd/gazetteer"
	"github.com/mapd/mapd/incidents"
	"github.com/mapd/mapd/internal/flight"
	"github.com/mapd/mapd/web"
)

// placeResolver adapts the gazetteer to incidents.Resolver, and gives the
// server its gazetteer, extractor and reverse geocoder (web.Config's
// LoadPlaces). It loads the gazetteer on first use, so commands and servers
// that never resolve a place never pay for loading it (about 1 s of CPU and
// 150 MB). The load is shared work: it runs through a flight.Group, so a
// first caller that goes away neither cancels it for the others nor leaves
// its cancellation behind as the resolver's answer.
type placeResolver struct {
	files  []string
	log    *slog.Logger // may be nil
	flight flight.Group[struct{}, *loaded]

	mu  sync.Mutex
	l   *loaded
	err error // a load failure other than a cancellation, returned from then on
}

// loaded is what one load of the gazetteer yields.
type loaded struct {
	gz  *gazetteer.Gazetteer
	rev *gazetteer.ReverseIndex
	x   *extract.Extractor
}

// openResolver returns a resolver over the embedded gazetteer plus files.
func openResolver(ctx context.Context, files []string) (incidents.Resolver, error) {
	return &placeResolver{files: files}, nil
}

func (r *placeResolver) load(ctx context.Context) (*loaded, error) {
	r.mu.Lock()
	l, err := r.l, r.err
	r.mu.Unlock()
	if l != nil || err != nil {
		return l, err
	}
	l, err = r.flight.Do(ctx, struct{}{}, func(ctx context.Context) (*loaded, error) {
		start := time.Now()
		gz, err := loadGazetteer(ctx, r.files)
		if err != nil {
			return nil, err
		}
		x, err := extract.New(gz)
		if err != nil {
			return nil, err
		}
		if r.log != nil {
			r.log.Info("gazetteer loaded", "places", gz.Len(), "duration_ms", time.Since(start).Milliseconds())
		}
		// The reverse-geocoding grid is built now rather than by the
		// first bare point. The fuzzy-match table is not: the gazetteer
		// starts it on the first name searched, so a server whose writes
		// only carry coordinates never holds it (about 12 MB).
		rev := gazetteer.NewReverseIndex(gz)
		go rev.Build(context.Background())
		return &loaded{gz: gz, rev: rev, x: x}, nil
	})
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case err == nil:
		r.l = l
	case ctx.Err() == nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded):
		r.err = err
		if r.log != nil {
			r.log.Error("the gazetteer failed to load", "err", err)
		}
	}
	return l, err
}

// places implements web.Config's LoadPlaces.
func (r *placeResolver) places(ctx context.Context) (web.Places, error) {
	l, err := r.load(ctx)
	if err != nil {
		return web.Places{}, err
	}
	return web.Places{Gazetteer: l.gz, Extractor: l.x, Reverser: l.rev}, nil
}

// ResolvePlace implements incidents.Resolver.
func (r *placeResolver) ResolvePlace(ctx context.Context, place, country string, context []string) (incidents.Resolution, bool, error) {
	l, err := r.load(ctx)
	if err != nil {
		return incidents.Resolution{}, false, err
	}
	res, err := l.gz.Resolve(ctx, gazetteer.Query{Name: place, Country: country, Context: context})
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
	l, err := r.load(ctx)
	if err != nil {
		return incidents.PointResolution{}, false, err
	}
	p, ok := l.rev.Nearest(lat, lon)
	if !ok {
		return incidents.PointResolution{}, false, nil
	}
	return incidents.PointResolution{Place: p.Name, Country: p.Country, Admin1: p.Admin1, DistanceKm: p.DistanceKm}, true, nil
}
