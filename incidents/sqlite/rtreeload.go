package sqlite

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
)

// SQLite's R*Tree inserts one row at a time: each insert walks the tree
// and weighs every cell of each node it passes, which made the spatial
// index the largest single cost of a bulk load. A bulk load instead
// keeps the cell of each row it inserts, packs them all into a new tree
// with the Sort-Tile-Recursive method (packTree, in Go, while SQLite
// builds the full-text index) and writes the tree's three shadow tables
// directly, in the R*Tree module's file format (sqlite/ext/rtree/rtree.c):
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

// pointEntry returns the cell of incident id at lon, lat.
func pointEntry(id int64, lon, lat float64) rtEntry {
	return rtEntry{id: id, box: [4]float32{roundDown(lon), roundUp(lon), roundDown(lat), roundUp(lat)}}
}

// rtNode is a node of a packed tree: its number and cells.
type rtNode struct {
	no    int64
	cells []rtEntry
}

// packedTree is an R*Tree packed in memory, ready to be written.
type packedTree struct {
	nodes    []rtNode   // from the leaves up; the root, node 1, last
	depth    int        // levels below the root
	leafOf   [][2]int64 // incident id and its leaf, by incident id
	parentOf [][2]int64 // node and its parent, by node
}

// packTree packs the cells es of every incident into a tree of nodes of up
// to capacity cells. It reorders es, which the tree's leaves then share.
func packTree(es []rtEntry, capacity int) *packedTree {
	t := &packedTree{leafOf: make([][2]int64, 0, len(es))}
	link := func(leaf bool, child, node int64) {
		if leaf {
			t.leafOf = append(t.leafOf, [2]int64{child, node})
		} else {
			t.parentOf = append(t.parentOf, [2]int64{child, node})
		}
	}
	level := es
	next := int64(2)
	for len(level) > capacity {
		groups := packSTR(level, capacity)
		parents := make([]rtEntry, len(groups))
		for i, g := range groups {
			t.nodes = append(t.nodes, rtNode{no: next, cells: g})
			for _, e := range g {
				link(t.depth == 0, e.id, next)
			}
			parents[i] = rtEntry{id: next, box: union(g)}
			next++
		}
		level = parents
		t.depth++
	}
	t.nodes = append(t.nodes, rtNode{no: 1, cells: level})
	for _, e := range level {
		link(t.depth == 0, e.id, 1)
	}
	// The links are written in key order, so that their tables grow by
	// appending instead of by inserts at scattered places.
	slices.SortFunc(t.leafOf, func(a, b [2]int64) int { return cmp.Compare(a[0], b[0]) })
	slices.SortFunc(t.parentOf, func(a, b [2]int64) int { return cmp.Compare(a[0], b[0]) })
	return t
}

// rtreeCapacity returns the node size of incidents_rtree, read from its
// root, and how many cells a node holds. It must run inside the
// transaction of the bulk load.
func rtreeCapacity(c *writeConn) (nodeSize, capacity int, err error) {
	var n int64
	if err := c.queryInt64s("SELECT length(data) FROM incidents_rtree_node WHERE nodeno = 1", &n); err != nil {
		return 0, 0, fmt.Errorf("incidents: spatial index: node size: %w", err)
	}
	nodeSize, capacity = int(n), (int(n)-4)/24
	if capacity < 4 {
		return 0, 0, fmt.Errorf("incidents: spatial index: unexpected node size %d", n)
	}
	return nodeSize, capacity, nil
}

// write replaces the content of incidents_rtree with t, whose nodes are
// nodeSize bytes. It must run inside the transaction of the bulk load.
func (t *packedTree) write(c *writeConn, nodeSize int) error {
	for _, q := range []string{
		"DELETE FROM incidents_rtree_node WHERE nodeno <> 1",
		"DELETE FROM incidents_rtree_rowid",
		"DELETE FROM incidents_rtree_parent",
	} {
		if err := c.exec(q); err != nil {
			return fmt.Errorf("incidents: spatial index: %w", err)
		}
	}
	st, err := c.prepareRow("INSERT OR REPLACE INTO incidents_rtree_node (nodeno, data) VALUES (?, ?)")
	if err != nil {
		return fmt.Errorf("incidents: spatial index: %w", err)
	}
	defer st.close()
	data := make([]byte, nodeSize)
	for _, n := range t.nodes {
		clear(data)
		depth := 0
		if n.no == 1 {
			depth = t.depth
		}
		binary.BigEndian.PutUint16(data[0:], uint16(depth))
		binary.BigEndian.PutUint16(data[2:], uint16(len(n.cells)))
		for i, e := range n.cells {
			cell := data[4+24*i:]
			binary.BigEndian.PutUint64(cell, uint64(e.id))
			for k, v := range e.box {
				binary.BigEndian.PutUint32(cell[8+4*k:], math.Float32bits(v))
			}
		}
		if err := st.row(nodeSize); err != nil {
			return fmt.Errorf("incidents: spatial index: %w", err)
		}
		st.int(1, n.no)
		st.blob(2, data)
		if err := st.exec(); err != nil {
			return fmt.Errorf("incidents: spatial index: node %d: %w", n.no, err)
		}
	}
	for _, l := range []struct {
		table string
		pairs [][2]int64
	}{
		{"incidents_rtree_rowid (rowid, nodeno)", t.leafOf},
		{"incidents_rtree_parent (nodeno, parentnode)", t.parentOf},
	} {
		if err := writePairs(c, l.table, l.pairs); err != nil {
			return err
		}
	}
	return nil
}

// writePairs inserts pairs into table, which names its two columns.
func writePairs(c *writeConn, table string, pairs [][2]int64) error {
	st, err := c.prepareRow("INSERT INTO " + table + " VALUES (?, ?)")
	if err != nil {
		return fmt.Errorf("incidents: spatial index: %w", err)
	}
	defer st.close()
	for _, p := range pairs {
		if err := st.row(0); err != nil {
			return fmt.Errorf("incidents: spatial index: %w", err)
		}
		st.int(1, p[0])
		st.int(2, p[1])
		if err := st.exec(); err != nil {
			return fmt.Errorf("incidents: spatial index: %w", err)
		}
	}
	return nil
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
