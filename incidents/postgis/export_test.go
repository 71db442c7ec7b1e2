package postgis

import (
	"context"
	"io"

	"github.com/mapd/mapd/incidents/index"
)

// Indexed reports whether reads are answered from the in-memory index.
func (s *Store) Indexed() bool { return s.snapshot() != nil }

// ScanIndex runs the scan that builds the index into b.
func (s *Store) ScanIndex(ctx context.Context, b *index.Builder) (int, error) {
	return s.scanIndex(ctx, b)
}

// CopyIndexColumns sends the binary COPY the scan reads to w, for a
// reference: what the server and the wire cost without decoding.
func (s *Store) CopyIndexColumns(ctx context.Context, w io.Writer) error {
	_, err := s.pool.Exec(ctx, "SELECT 1") // a warm connection, as the scan has
	if err != nil {
		return err
	}
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	_, err = conn.Conn().PgConn().CopyTo(ctx, w, "COPY (SELECT "+indexColumns+" FROM incidents i ORDER BY i.id) TO STDOUT (FORMAT binary)")
	return err
}
