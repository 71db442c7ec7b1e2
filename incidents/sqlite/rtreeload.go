package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strings"
)

// SQLite's R*Tree inserts one row at a time: each insert walks the tree
// and weighs every cell of each node it passes, which made the spatial
// index the largest single cost of a bulk load. buildRTree instead packs
// every incident into a new tree with the Sort-Tile-Recursive method and
// writes the tree's three shadow tables directly, in the R*Tree module's
// file format (sqlite/ext/rtree/rtree.c):
//
//   - incidents_rtree_node(nodeno, data): node 1 is the root. A node is a
//     blob of the tree's node size: a 2-byte big-endian tree depth (read
//     from the root only), a 2-byte cell count, then cells of an 8-byte
//     rowid (a child node number in an inner node) and four 4-byte
//     floats: min_lon, max_lon, min_lat, max_lat, all big-endian.
//   - incidents_rtree_rowid(rowid, nodeno): the leaf of each incident.
//   - incidents_rtree_parent(nodeno, parentnode): the parent of each
//     node but the root.
//
// Coordinates are rounded outwards to 32-bit floats exactly as the module
// rounds them on insert, so the tree holds the same boxes as one built
// row by row (TestBulkLoadMatchesIncrementalWrites compares the two and
// runs rtreecheck).

// rtEntry is a cell: an incident or a child node, and its box.
type rtEntry struct {
	id  int64
	box [4]float32 // min_lon, max_lon, min_lat, max_lat
}

// buildRTree replaces the content of incidents_rtree with one entry per
// incident. It must run inside the transaction of a bulk load.
func buildRTree(ctx context.Context, tx *sql.Tx) error {
	var nodeSize int
	if err := tx.QueryRowContext(ctx, "SELECT length(data) FROM incidents_rtree_node WHERE nodeno = 1").Scan(&nodeSize); err != nil {
		return fmt.Errorf("incidents: spatial index: node size: %w", err)
	}
	capacity := (nodeSize - 4) / 24
	if capacity < 4 {
		return fmt.Errorf("incidents: spatial index: unexpected node size %d", nodeSize)
	}
	for _, q := range []string{
		"DELETE FROM incidents_rtree_node WHERE nodeno <> 1",
		"DELETE FROM incidents_rtree_rowid",
		"DELETE FROM incidents_rtree_parent",
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("incidents: spatial index: %w", err)
		}
	}
	level, err := loadPoints(ctx, tx)
	if err != nil {
		return err
	}
	w := &rtreeWriter{tx: tx, nodeSize: nodeSize, leafOf: make([][2]int64, 0, len(level))}
	next := int64(2)
	depth := 0
	for len(level) > capacity {
		groups := packSTR(level, capacity)
		parents := make([]rtEntry, len(groups))
		for i, g := range groups {
			if err := w.node(ctx, next, 0, g); err != nil {
				return err
			}
			for _, e := range g {
				w.link(depth == 0, e.id, next)
			}
			parents[i] = rtEntry{id: next, box: union(g)}
			next++
		}
		level = parents
		depth++
	}
	if err := w.node(ctx, 1, depth, level); err != nil {
		return err
	}
	for _, e := range level {
		w.link(depth == 0, e.id, 1)
	}
	return w.flush(ctx)
}

// loadPoints reads every incident's point as an R*Tree cell.
func loadPoints(ctx context.Context, tx *sql.Tx) ([]rtEntry, error) {
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM incidents").Scan(&n); err != nil {
		return nil, fmt.Errorf("incidents: spatial index: %w", err)
	}
	rows, err := tx.QueryContext(ctx, "SELECT id, lon, lat FROM incidents")
	if err != nil {
		return nil, fmt.Errorf("incidents: spatial index: %w", err)
	}
	defer rows.Close()
	es := make([]rtEntry, 0, n)
	for rows.Next() {
		var id int64
		var lon, lat float64
		if err := rows.Scan(&id, &lon, &lat); err != nil {
			return nil, fmt.Errorf("incidents: spatial index: %w", err)
		}
		es = append(es, rtEntry{id: id, box: [4]float32{roundDown(lon), roundUp(lon), roundDown(lat), roundUp(lat)}})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("incidents: spatial index: %w", err)
	}
	return es, nil
}

// packSTR groups entries into nodes of up to m cells: sorted by x, cut
// into vertical slices of about sqrt(nodes) nodes each, and each slice
// sorted by y and cut into nodes. It reorders es.
func packSTR(es []rtEntry, m int) [][]rtEntry {
	nodes := (len(es) + m - 1) / m
	perSlice := int(math.Ceil(math.Sqrt(float64(nodes)))) * m
	centre := func(e rtEntry, d int) float64 { return (float64(e.box[2*d]) + float64(e.box[2*d+1])) / 2 }
	byCentre := func(d int) func(a, b rtEntry) int {
		return func(a, b rtEntry) int {
			if c := compareFloat(centre(a, d), centre(b, d)); c != 0 {
				return c
			}
			return compareFloat(float64(a.id), float64(b.id))
		}
	}
	slices.SortFunc(es, byCentre(0))
	groups := make([][]rtEntry, 0, nodes)
	for s := 0; s < len(es); s += perSlice {
		slice := es[s:min(s+perSlice, len(es))]
		slices.SortFunc(slice, byCentre(1))
		for g := 0; g < len(slice); g += m {
			groups = append(groups, slice[g:min(g+m, len(slice))])
		}
	}
	return groups
}

func compareFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// union returns the box that holds every entry's box.
func union(es []rtEntry) [4]float32 {
	b := es[0].box
	for _, e := range es[1:] {
		b[0], b[1] = min(b[0], e.box[0]), max(b[1], e.box[1])
		b[2], b[3] = min(b[2], e.box[2]), max(b[3], e.box[3])
	}
	return b
}

// roundDown returns the largest float32 not above d, as the R*Tree module
// stores a box's minimum.
func roundDown(d float64) float32 {
	f := float32(d)
	if float64(f) > d {
		b := math.Float32bits(f)
		if b&0x80000000 != 0 {
			b++
		} else {
			b--
		}
		f = math.Float32frombits(b)
	}
	return f
}

// roundUp returns the smallest float32 not below d, as the R*Tree module
// stores a box's maximum.
func roundUp(d float64) float32 {
	f := float32(d)
	if float64(f) < d {
		b := math.Float32bits(f)
		if b&0x80000000 != 0 {
			b--
		} else {
			b++
		}
		f = math.Float32frombits(b)
	}
	return f
}

// rtreeWriter writes the shadow tables' rows. Leaf links are kept until
// the end and written in rowid order, so that incidents_rtree_rowid grows
// by appending instead of by inserts at scattered places.
type rtreeWriter struct {
	tx       *sql.Tx
	nodeSize int
	leafOf   [][2]int64 // incident id, leaf node
	parentOf [][2]int64 // node, parent node
}

// rtreeBatch is how many rows one INSERT writes.
const rtreeBatch = 500

// node writes node nodeno holding the cells es; depth goes in the root's
// header only.
func (w *rtreeWriter) node(ctx context.Context, nodeno int64, depth int, es []rtEntry) error {
	data := make([]byte, w.nodeSize)
	binary.BigEndian.PutUint16(data[0:], uint16(depth))
	binary.BigEndian.PutUint16(data[2:], uint16(len(es)))
	for i, e := range es {
		c := data[4+24*i:]
		binary.BigEndian.PutUint64(c, uint64(e.id))
		for k, v := range e.box {
			binary.BigEndian.PutUint32(c[8+4*k:], math.Float32bits(v))
		}
	}
	_, err := w.tx.ExecContext(ctx, "INSERT OR REPLACE INTO incidents_rtree_node (nodeno, data) VALUES (?, ?)", nodeno, data)
	if err != nil {
		return fmt.Errorf("incidents: spatial index: node %d: %w", nodeno, err)
	}
	return nil
}

// link records that child (an incident in a leaf, else a node) is in node.
func (w *rtreeWriter) link(leaf bool, child, node int64) {
	if leaf {
		w.leafOf = append(w.leafOf, [2]int64{child, node})
	} else {
		w.parentOf = append(w.parentOf, [2]int64{child, node})
	}
}

// flush writes the links.
func (w *rtreeWriter) flush(ctx context.Context) error {
	slices.SortFunc(w.leafOf, func(a, b [2]int64) int { return cmp.Compare(a[0], b[0]) })
	slices.SortFunc(w.parentOf, func(a, b [2]int64) int { return cmp.Compare(a[0], b[0]) })
	for _, t := range []struct {
		table string
		pairs [][2]int64
	}{
		{"incidents_rtree_rowid (rowid, nodeno)", w.leafOf},
		{"incidents_rtree_parent (nodeno, parentnode)", w.parentOf},
	} {
		args := make([]any, 0, 2*rtreeBatch)
		for start := 0; start < len(t.pairs); start += rtreeBatch {
			batch := t.pairs[start:min(start+rtreeBatch, len(t.pairs))]
			args = args[:0]
			for _, p := range batch {
				args = append(args, p[0], p[1])
			}
			q := "INSERT INTO " + t.table + " VALUES " + strings.Repeat("(?, ?), ", len(batch)-1) + "(?, ?)"
			if _, err := w.tx.ExecContext(ctx, q, args...); err != nil {
				return fmt.Errorf("incidents: spatial index: %w", err)
			}
		}
	}
	return nil
}
