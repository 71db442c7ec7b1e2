package incidents

import (
	"context"
	"fmt"

	"github.com/mapd/mapd/geo"
)

// Reader is the read side of a store. Every method takes the filter's
// meaning from Filter's documentation, so that two stores answer the same
// question the same way (see incidents/storetest).
type Reader interface {
	// Get returns the incident with the given id, or an error matching
	// ErrNotFound.
	Get(ctx context.Context, id int64) (Incident, error)
	// List calls fn for each incident of one page of the filter's matches,
	// newest first (date descending, then id descending).
	List(ctx context.Context, f Filter, fn func(*Incident) error) (Page, error)
	// Count returns the number of incidents matching the filter.
	Count(ctx context.Context, f Filter) (int, error)
	// Export calls fn with every incident matching f (Limit and Cursor
	// ignored), in ascending id order, from one consistent snapshot.
	Export(ctx context.Context, f Filter, fn func(*Incident) error) error
	// Stats summarises the filter's matches (Limit and Cursor ignored).
	Stats(ctx context.Context, f Filter) (Stats, error)
	// Extent returns the bounding box and date range of every incident.
	Extent(ctx context.Context) (Extent, error)
	// Version returns a counter that changes whenever incidents change.
	Version(ctx context.Context) (int64, error)
	// TilePoints returns up to limit incidents of the filter (its BBox,
	// Limit and Cursor ignored) in tile t, and whether there are more.
	TilePoints(ctx context.Context, f Filter, t geo.Tile, limit int) ([]TilePoint, bool, error)
	// TileClusters returns the grid clusters of the filter's incidents in
	// tile t, 2^depth by 2^depth cells per tile.
	TileClusters(ctx context.Context, f Filter, t geo.Tile, depth int) ([]geo.Cluster, error)
}

// Writer is the write side of a store. Each method is one transaction.
type Writer interface {
	// Create validates and stores a new incident (see PrepareWrite),
	// filling in.ID and the timestamps. A source_id already present is a
	// *FieldError matching ErrConflict.
	Create(ctx context.Context, in *Incident, r Resolver) error
	// Replace replaces every field of incident id, keeping id and
	// created_at. A missing id matches ErrNotFound.
	Replace(ctx context.Context, id int64, in *Incident, r Resolver) error
	// Delete removes incident id, or returns an error matching ErrNotFound.
	Delete(ctx context.Context, id int64) error
	// Import stores the records of dec as Import describes.
	Import(ctx context.Context, dec Decoder, opts ImportOptions) (ImportResult, error)
}

// Store is a place incidents are kept: SQLite (incidents/sqlite) or
// PostGIS (incidents/postgis).
type Store interface {
	Reader
	Writer
	Close() error
}

// Page describes one page of a listing.
type Page struct {
	Matched  int    // every incident matching the filter, ignoring limit and cursor
	Returned int    // incidents passed to the callback
	Next     string // cursor of the next page, "" on the last page
}

// Stats summarises the incidents matching a filter.
type Stats struct {
	Count       int          `json:"count"`
	Fatalities  int          `json:"fatalities"`
	MinDate     string       `json:"min_date,omitempty"`
	MaxDate     string       `json:"max_date,omitempty"`
	ByEventType []StatBucket `json:"by_event_type"`
	ByMonth     []StatBucket `json:"by_month"`
	ByCountry   []StatBucket `json:"by_country"`
	// ByAdmin1 holds the TopAdmin1 first-level regions (admin1 not empty)
	// with the most incidents; ByActor the TopActors actors, as actor1 or
	// actor2 (an incident with the same actor on both sides counts once).
	ByAdmin1 []StatBucket `json:"by_admin1"`
	ByActor  []StatBucket `json:"by_actor"`
}

// How many regions and actors Stats lists, the most frequent first.
const (
	TopAdmin1 = 50
	TopActors = 20
)

// NewStats returns empty Stats whose groups are empty lists, not nil, so
// that they encode as [].
func NewStats() Stats {
	return Stats{ByEventType: []StatBucket{}, ByMonth: []StatBucket{}, ByCountry: []StatBucket{},
		ByAdmin1: []StatBucket{}, ByActor: []StatBucket{}}
}

// HeatPoint is the aggregate of the matching incidents in one cell of a
// heat map: their mean position, number and total fatalities.
type HeatPoint struct {
	Lon        float64 `json:"lon"`
	Lat        float64 `json:"lat"`
	Count      int     `json:"count"`
	Fatalities int     `json:"fatalities"`
}

// StatBucket is one group of Stats. ByEventType, ByCountry, ByAdmin1 and
// ByActor are ordered by count descending, then key; ByMonth by month.
type StatBucket struct {
	Key        string `json:"key"`
	Count      int    `json:"count"`
	Fatalities int    `json:"fatalities"`
}

// Extent is the spatial and temporal extent of all stored incidents.
type Extent struct {
	Count                          int
	MinLon, MinLat, MaxLon, MaxLat float64
	MinDate, MaxDate               string
}

// TilePoint is an incident as a vector tile shows it.
type TilePoint struct {
	ID         int64
	Lon, Lat   float64
	Date       string
	EventType  string
	Fatalities *int
}

// ValidateStored validates the record and additionally requires the
// coordinates a stored incident must have.
func (in *Incident) ValidateStored() error {
	if err := in.Validate(); err != nil {
		return err
	}
	if !in.HasPoint() {
		if in.Place != "" {
			return fieldErr("place", "place %q could not be resolved to coordinates", Clip(in.Place))
		}
		return fieldErr("lat", "lat and lon are required")
	}
	return nil
}

// PrepareWrite normalises and validates a record about to be written,
// resolving its place through r when it has no coordinates (r may be nil).
func PrepareWrite(ctx context.Context, in *Incident, r Resolver) error {
	in.Normalize()
	if err := in.Validate(); err != nil {
		return err
	}
	if err := resolve(ctx, in, r, nil); err != nil {
		return err
	}
	return in.ValidateStored()
}

// ConflictError is the error of a write whose source_id another incident
// already uses; it matches ErrConflict.
func ConflictError(sourceID string) *FieldError {
	return &FieldError{Field: "source_id", Conflict: true, Msg: fmt.Sprintf("source_id %q is already used by another incident", Clip(sourceID))}
}

// LoadDemo stores the demo incidents when s holds no incident at all, and
// returns how many it stored.
func LoadDemo(ctx context.Context, s Store) (int, error) {
	n, err := s.Count(ctx, Filter{})
	if err != nil {
		return 0, err
	}
	if n > 0 {
		return 0, nil
	}
	res, err := s.Import(ctx, NewSliceDecoder(Demo()), ImportOptions{Atomic: true})
	if err != nil {
		return 0, fmt.Errorf("incidents: demo: %w", err)
	}
	if res.Rejected > 0 {
		return 0, fmt.Errorf("incidents: demo: %d records rejected: %v", res.Rejected, res.Errors)
	}
	return res.Inserted, nil
}
