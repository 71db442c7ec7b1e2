package postgis

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/mapd/mapd/incidents"
)

// writeColumns are the columns a write sets, in columnValues' order.
var writeColumns = []string{"source_id", "date", "date_precision", "event_type", "sub_event_type",
	"actor1", "actor2", "fatalities", "injuries", "place", "country", "admin1", "lat", "lon", "geo_precision", "geonameid",
	"notes", "sources", "tags", "created_at", "updated_at", "search"}

// contentColumns are the columns that hold an incident's data (all but
// the timestamps and search, derived from them), those an import compares
// to tell an unchanged record.
var contentColumns = writeColumns[:len(writeColumns)-3]

// columnValues returns the values of writeColumns for in, whose
// timestamps are RFC 3339.
func columnValues(in *incidents.Incident) ([]any, error) {
	if err := checkText(in); err != nil {
		return nil, err
	}
	var sourceID, fat, inj, gid any
	if in.SourceID != "" {
		sourceID = in.SourceID
	}
	if in.Fatalities != nil {
		fat = int32(*in.Fatalities)
	}
	if in.Injuries != nil {
		inj = int32(*in.Injuries)
	}
	if in.GeonameID != 0 {
		gid = in.GeonameID
	}
	gp := in.GeoPrecision
	if gp == 0 {
		gp = 1
	}
	date, err := time.Parse(time.DateOnly, in.Date)
	if err != nil {
		return nil, &incidents.FieldError{Field: "date", Msg: fmt.Sprintf("date %q is not a date", incidents.Clip(in.Date))}
	}
	created, err := time.Parse(time.RFC3339, in.CreatedAt)
	if err != nil {
		return nil, fmt.Errorf("postgis: created_at %q: %w", in.CreatedAt, err)
	}
	updated := created
	if in.UpdatedAt != in.CreatedAt {
		if updated, err = time.Parse(time.RFC3339, in.UpdatedAt); err != nil {
			return nil, fmt.Errorf("postgis: updated_at %q: %w", in.UpdatedAt, err)
		}
	}
	return []any{sourceID, date, in.DatePrecision, in.EventType, in.SubEventType,
		in.Actor1, in.Actor2, fat, inj, in.Place, in.Country, in.Admin1, *in.Lat, *in.Lon, int16(gp), gid,
		in.Notes, list(in.Sources), list(in.Tags), created, updated, searchVector(in)}, nil
}

func list(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

// checkText rejects text PostgreSQL cannot store: a NUL byte.
func checkText(in *incidents.Incident) error {
	fields := []struct {
		name, v string
	}{
		{"source_id", in.SourceID}, {"event_type", in.EventType}, {"sub_event_type", in.SubEventType},
		{"actor1", in.Actor1}, {"actor2", in.Actor2}, {"place", in.Place}, {"country", in.Country},
		{"admin1", in.Admin1}, {"notes", in.Notes}, {"date_precision", in.DatePrecision},
	}
	for _, f := range fields {
		if strings.IndexByte(f.v, 0) >= 0 {
			return &incidents.FieldError{Field: f.name, Msg: f.name + " holds a NUL byte"}
		}
	}
	for _, xs := range [][]string{in.Sources, in.Tags} {
		for _, x := range xs {
			if strings.IndexByte(x, 0) >= 0 {
				return &incidents.FieldError{Field: "sources", Msg: "sources and tags must not hold a NUL byte"}
			}
		}
	}
	return nil
}

// conflict turns a unique violation of source_id into the domain's
// conflict error.
func conflict(err error, in *incidents.Incident) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" && pgErr.ConstraintName == "incidents_source_id_key" {
		return incidents.ConflictError(in.SourceID)
	}
	return err
}

func (s *Store) stamp() string { return s.now().UTC().Format(time.RFC3339) }

// Create validates and stores a new incident, resolving its place through
// r when it has no coordinates (r may be nil). It fills in.ID and the
// timestamps. A source_id already present is ErrConflict.
func (s *Store) Create(ctx context.Context, in *incidents.Incident, r incidents.Resolver) error {
	if err := incidents.PrepareWrite(ctx, in, r); err != nil {
		return err
	}
	in.CreatedAt, in.UpdatedAt = s.stamp(), s.stamp()
	vals, err := columnValues(in)
	if err != nil {
		return err
	}
	ph := make([]string, len(vals))
	for i := range ph {
		ph[i] = fmt.Sprintf("$%d", i+1)
	}
	sql := "INSERT INTO incidents (" + strings.Join(writeColumns, ", ") + ") VALUES (" + strings.Join(ph, ", ") + ") RETURNING id"
	if err := s.pool.QueryRow(ctx, sql, vals...).Scan(&in.ID); err != nil {
		return wrap("create", conflict(err, in))
	}
	s.noteWrite(ctx)
	s.caughtUp(ctx)
	return nil
}

// Replace validates the record and replaces every field of incident id
// with it, keeping id and created_at, in one transaction. A source_id used
// by another incident is ErrConflict; a missing id is ErrNotFound.
func (s *Store) Replace(ctx context.Context, id int64, in *incidents.Incident, r incidents.Resolver) error {
	if err := incidents.PrepareWrite(ctx, in, r); err != nil {
		return err
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var created time.Time
		err := tx.QueryRow(ctx, "SELECT created_at FROM incidents WHERE id = $1 FOR UPDATE", id).Scan(&created)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("incident %d: %w", id, incidents.ErrNotFound)
		}
		if err != nil {
			return err
		}
		in.ID = id
		in.CreatedAt = created.UTC().Format(time.RFC3339)
		in.UpdatedAt = s.stamp()
		vals, err := columnValues(in)
		if err != nil {
			return err
		}
		sets := make([]string, len(writeColumns))
		for i, c := range writeColumns {
			sets[i] = fmt.Sprintf("%s = $%d", c, i+1)
		}
		sql := fmt.Sprintf("UPDATE incidents SET %s WHERE id = $%d", strings.Join(sets, ", "), len(vals)+1)
		_, err = tx.Exec(ctx, sql, append(vals, id)...)
		return conflict(err, in)
	})
	if err == nil {
		s.noteWrite(ctx)
		s.caughtUp(ctx)
	}
	return wrap("replace", err)
}

// Delete removes incident id, or returns ErrNotFound.
func (s *Store) Delete(ctx context.Context, id int64) error {
	tag, err := s.pool.Exec(ctx, "DELETE FROM incidents WHERE id = $1", id)
	if err != nil {
		return wrap(fmt.Sprintf("delete %d", id), err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("incident %d: %w", id, incidents.ErrNotFound)
	}
	s.noteWrite(ctx)
	s.caughtUp(ctx)
	return nil
}
