package postgis

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mapd/mapd/incidents"
	"github.com/mapd/mapd/incidents/index"
)

// noBBox returns f without its box, for tiles, which have their own.
func noBBox(f incidents.Filter) incidents.Filter {
	f.BBox = nil
	return f
}

// listFromIndex lists the page the index chooses: it reads only those
// rows, from a replica that has them or else the primary. A row deleted
// since the index's snapshot is left out.
func (s *Store) listFromIndex(ctx context.Context, q *index.Query, f incidents.Filter, fn func(*incidents.Incident) error) (incidents.Page, error) {
	ids, next, err := q.Page(f.Cursor, f.PageLimit())
	if err != nil {
		return incidents.Page{}, err
	}
	page := incidents.Page{Matched: q.Count(), Next: next}
	if len(ids) == 0 {
		return page, nil
	}
	// The rows come in the heap's order and take the page's places here:
	// sorting them on the server cost more than the lookups.
	pos := make(map[int64]int, len(ids))
	for i, id := range ids {
		pos[id] = i
	}
	fetch := func(db *pgxpool.Pool) ([]incidents.Incident, error) {
		rows, err := db.Query(ctx, "SELECT "+selectColumns+" FROM incidents i WHERE i.id = ANY($1)", ids)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		placed := make([]incidents.Incident, len(ids))
		found := make([]bool, len(ids))
		for rows.Next() {
			var in incidents.Incident
			if err := scanIncident(rows, &in); err != nil {
				return nil, err
			}
			if i, ok := pos[in.ID]; ok {
				placed[i], found[i] = in, true
			}
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
		out := placed[:0]
		for i := range placed {
			if found[i] {
				out = append(out, placed[i])
			}
		}
		return out, nil
	}
	var ins []incidents.Incident
	err = s.read(ctx, nil, func(db *pgxpool.Pool) error {
		ins, err = fetch(db)
		if err == nil && len(ins) < len(ids) && db != s.pool {
			// The replica has not replayed another process's write that
			// the index already holds.
			ins, err = fetch(s.pool)
		}
		return err
	})
	if err != nil {
		return incidents.Page{}, wrap("list", err)
	}
	for i := range ins {
		if err := fn(&ins[i]); err != nil {
			return incidents.Page{}, err
		}
		page.Returned++
	}
	return page, nil
}

// Heat returns the incidents matching f (in its BBox) aggregated into the
// tiles of zoom z, one point per non-empty cell, coarser when that gives
// more than maxPoints (see index.Query.Heat): from the index, else from
// the matching incidents, aggregated in Go on a throw-away index of them,
// which gives the same answer.
func (s *Store) Heat(ctx context.Context, f incidents.Filter, z, maxPoints int) ([]incidents.HeatPoint, error) {
	f = f.LiftBBox()
	if q, err := s.indexQuery(ctx, f); err != nil || q != nil {
		if err != nil {
			return nil, err
		}
		return q.Heat(z, maxPoints), nil
	}
	fq, err := filterQuery(f, true)
	if err != nil {
		return nil, err
	}
	cond := "true"
	if w := fq.where(); w != "" {
		cond = w[len(" WHERE "):]
	}
	var rows []index.Row
	err = s.read(ctx, nil, func(db *pgxpool.Pool) error {
		rows, err = readIndexRows(ctx, db, cond+" ORDER BY i.id", fq.args...)
		return err
	})
	if err != nil {
		return nil, wrap("heat", err)
	}
	ix := index.New(index.Options{})
	b := ix.NewBuilder(len(rows))
	for i := range rows {
		if err := b.Add(&rows[i]); err != nil {
			b.Abort()
			return nil, wrap("heat", err)
		}
	}
	if err := b.Finish(0); err != nil {
		return nil, wrap("heat", err)
	}
	q, err := ix.Current().Compile(incidents.Filter{}, nil)
	if err != nil {
		return nil, err
	}
	return q.Heat(z, maxPoints), nil
}

// extentFromIndex returns the index's extent with the exact coordinates
// of the incidents at its edges.
func (s *Store) extentFromIndex(ctx context.Context, snap *index.Snapshot) (incidents.Extent, error) {
	e := snap.Extent()
	ids := snap.ExtentIDs()
	if len(ids) == 0 {
		return e, nil
	}
	var minLon, minLat, maxLon, maxLat *float64
	err := s.pool.QueryRow(ctx, "SELECT min(lon), min(lat), max(lon), max(lat) FROM incidents WHERE id = ANY($1)", ids).
		Scan(&minLon, &minLat, &maxLon, &maxLat)
	if err != nil {
		return incidents.Extent{}, wrap("extent", err)
	}
	if minLon != nil {
		e.MinLon, e.MinLat, e.MaxLon, e.MaxLat = *minLon, *minLat, *maxLon, *maxLat
	}
	return e, nil
}
