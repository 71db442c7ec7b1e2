package postgis

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mapd/mapd/geo"
	"github.com/mapd/mapd/incidents"
)

// Options configure OpenOptions.
type Options struct {
	// Replicas are URLs of streaming replicas of the database. Reads go
	// to one of them, in turn; writes, and reads this process cannot be
	// sure a replica has caught up with, go to the primary.
	Replicas []string
	// Logger receives a line when a replica leaves or rejoins the read
	// rotation (nil: none).
	Logger *slog.Logger
}

// replica is one read replica and what the health loop last saw of it.
type replica struct {
	name     string // URL without password, for logs
	pool     *pgxpool.Pool
	up       atomic.Bool
	replayed atomic.Int64 // WAL position it has replayed, in bytes
	reads    atomic.Int64
}

// healthEvery is how often replicas are checked.
const healthEvery = 250 * time.Millisecond

// OpenOptions is Open with read replicas. A replica that cannot be
// reached at start or later is left out of the rotation, with a log line,
// until it answers again; reads never fail because of one.
func OpenOptions(ctx context.Context, url string, o Options) (*Store, error) {
	s, err := Open(ctx, url)
	if err != nil {
		return nil, err
	}
	s.log = o.Logger
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	for _, u := range o.Replicas {
		cfg, err := pgxpool.ParseConfig(u)
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("postgis: the replica URL does not parse: %w", redact(err))
		}
		cfg.ConnConfig.ConnectTimeout = 5 * time.Second
		p, err := pgxpool.NewWithConfig(ctx, cfg)
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("postgis: replica: %w", err)
		}
		s.replicas = append(s.replicas, &replica{name: redactURL(u), pool: p})
	}
	if len(s.replicas) > 0 {
		s.checkReplicas(ctx)
		hctx, cancel := context.WithCancel(context.Background())
		s.stopHealth = cancel
		s.healthDone.Add(1)
		go s.healthLoop(hctx)
	}
	return s, nil
}

func redactURL(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "(replica)"
	}
	return p.Redacted()
}

func (s *Store) healthLoop(ctx context.Context) {
	defer s.healthDone.Done()
	t := time.NewTicker(healthEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.checkReplicas(ctx)
		}
	}
}

// checkReplicas asks each replica how far it has replayed the primary's
// WAL, and takes it out of the rotation when it does not answer.
func (s *Store) checkReplicas(ctx context.Context) {
	var wg sync.WaitGroup
	for _, r := range s.replicas {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
			defer cancel()
			var lsn int64
			err := r.pool.QueryRow(cctx, "SELECT (coalesce(pg_last_wal_replay_lsn(), pg_current_wal_lsn()) - '0/0')::bigint").Scan(&lsn)
			if err != nil {
				if ctx.Err() == nil {
					s.markDown(r, err)
				}
				return
			}
			r.replayed.Store(lsn)
			if !r.up.Swap(true) {
				s.log.Info("postgis: replica in the read rotation", "replica", r.name)
			}
		}()
	}
	wg.Wait()
}

func (s *Store) markDown(r *replica, err error) {
	if r.up.Swap(false) {
		s.log.Warn("postgis: replica dropped from the read rotation; reads go elsewhere", "replica", r.name, "error", err.Error())
	}
}

// reader returns where the next read goes: a replica in the rotation that
// has replayed every write this process made, in turn, else the primary.
func (s *Store) reader() (*pgxpool.Pool, *replica) {
	n := len(s.replicas)
	if n == 0 {
		return s.pool, nil
	}
	written := s.written.Load()
	start := int(s.next.Add(1))
	for i := range n {
		r := s.replicas[(start+i)%n]
		if r.up.Load() && r.replayed.Load() >= written {
			return r.pool, r
		}
	}
	return s.pool, nil
}

// read runs fn on a reader. When a replica fails it as unreachable, the
// replica leaves the rotation and fn runs again on the primary, unless it
// already handed rows to its caller (*emitted).
func (s *Store) read(ctx context.Context, emitted *bool, fn func(db *pgxpool.Pool) error) error {
	db, r := s.reader()
	err := fn(db)
	if err == nil || r == nil || ctx.Err() != nil || !errors.Is(classify(err), incidents.ErrUnavailable) || emitted != nil && *emitted {
		if r != nil && err == nil {
			r.reads.Add(1)
		}
		return err
	}
	s.markDown(r, err)
	return fn(s.pool)
}

// noteWrite records the primary's WAL position after a committed write,
// so that this process reads from a replica only once it has replayed
// the write (read-your-writes).
func (s *Store) noteWrite(ctx context.Context) {
	if len(s.replicas) == 0 {
		return
	}
	var lsn int64
	if err := s.pool.QueryRow(context.WithoutCancel(ctx), "SELECT (pg_current_wal_insert_lsn() - '0/0')::bigint").Scan(&lsn); err != nil {
		// Unknown: read from the primary until a replica passes any position.
		lsn = 1 << 62
	}
	for {
		old := s.written.Load()
		if lsn <= old || s.written.CompareAndSwap(old, lsn) {
			return
		}
	}
}

// ReplicaReads returns how many reads each replica served, in the order
// of Options.Replicas.
func (s *Store) ReplicaReads() []int64 {
	out := make([]int64, len(s.replicas))
	for i, r := range s.replicas {
		out[i] = r.reads.Load()
	}
	return out
}

// Get returns the incident with the given id, or ErrNotFound.
func (s *Store) Get(ctx context.Context, id int64) (in incidents.Incident, err error) {
	err = s.read(ctx, nil, func(db *pgxpool.Pool) error {
		in, err = s.get(ctx, db, id)
		return err
	})
	return in, err
}

// List calls fn for each incident of one page of the filter's matches
// (see list).
func (s *Store) List(ctx context.Context, f incidents.Filter, fn func(*incidents.Incident) error) (page incidents.Page, err error) {
	if len(f.Sort) == 0 {
		if q, err := s.indexQuery(ctx, f.LiftBBox()); err != nil || q != nil {
			if err != nil {
				return incidents.Page{}, err
			}
			return s.listFromIndex(ctx, q, f, fn)
		}
	}
	var emitted bool
	err = s.read(ctx, &emitted, func(db *pgxpool.Pool) error {
		page, err = s.list(ctx, db, f, func(in *incidents.Incident) error {
			emitted = true
			return fn(in)
		})
		return err
	})
	return page, err
}

// Count returns the number of incidents matching the filter.
func (s *Store) Count(ctx context.Context, f incidents.Filter) (n int, err error) {
	if q, err := s.indexQuery(ctx, f.LiftBBox()); err != nil || q != nil {
		if err != nil {
			return 0, err
		}
		return q.Count(), nil
	}
	err = s.read(ctx, nil, func(db *pgxpool.Pool) error {
		n, err = s.count(ctx, db, f)
		return err
	})
	return n, err
}

// Export calls fn with every incident matching f (see export).
func (s *Store) Export(ctx context.Context, f incidents.Filter, fn func(*incidents.Incident) error) error {
	var emitted bool
	return s.read(ctx, &emitted, func(db *pgxpool.Pool) error {
		return s.export(ctx, db, f, func(in *incidents.Incident) error {
			emitted = true
			return fn(in)
		})
	})
}

// Stats returns counts and fatalities by event type, month and country
// for the filter (see stats).
func (s *Store) Stats(ctx context.Context, f incidents.Filter) (st incidents.Stats, err error) {
	if q, err := s.indexQuery(ctx, f.LiftBBox()); err != nil || q != nil {
		if err != nil {
			return incidents.Stats{}, err
		}
		return q.Stats(), nil
	}
	err = s.read(ctx, nil, func(db *pgxpool.Pool) error {
		st, err = s.stats(ctx, db, f)
		return err
	})
	return st, err
}

// Version returns the data version (see version): the index's while it
// follows the database, which is what the index answers.
func (s *Store) Version(ctx context.Context) (v int64, err error) {
	if snap := s.snapshot(); snap != nil {
		return snap.Version(), nil
	}
	err = s.read(ctx, nil, func(db *pgxpool.Pool) error {
		v, err = s.version(ctx, db)
		return err
	})
	return v, err
}

// TilePoints returns the incidents of the filter in tile t (see
// tilePoints).
func (s *Store) TilePoints(ctx context.Context, f incidents.Filter, t geo.Tile, limit int) (points []incidents.TilePoint, more bool, err error) {
	if q, err := s.indexQuery(ctx, noBBox(f)); err != nil || q != nil {
		if err != nil {
			return nil, false, err
		}
		points, more := q.TilePoints(t, limit)
		return points, more, nil
	}
	err = s.read(ctx, nil, func(db *pgxpool.Pool) error {
		points, more, err = s.tilePoints(ctx, db, f, t, limit)
		return err
	})
	return points, more, err
}

// TileClusters returns the clusters of the filter's incidents in tile t
// (see tileClusters).
func (s *Store) TileClusters(ctx context.Context, f incidents.Filter, t geo.Tile, depth int) (cs []geo.Cluster, err error) {
	if q, err := s.indexQuery(ctx, noBBox(f)); err != nil || q != nil {
		if err != nil {
			return nil, err
		}
		return q.Clusters(t, depth), nil
	}
	err = s.read(ctx, nil, func(db *pgxpool.Pool) error {
		cs, err = s.tileClusters(ctx, db, f, t, depth)
		return err
	})
	return cs, err
}
