package web

import (
	"encoding/binary"
)

// mvtLayer encodes one layer of point features as a Mapbox Vector Tile
// (protobuf, specification 2.1) directly, without building GeoJSON
// features and a protobuf tree first: a tile of 2,000 points encodes
// several times faster than through orb's encoding/mvt, which decodes it.
// Keys and values are shared between features through the layer's tables,
// as the specification intends; integers are sint64 values, as orb writes
// them.
type mvtLayer struct {
	name     string
	extent   int
	features []byte // Feature messages, each with its field tag and length
	keys     []string
	keyIndex map[string]uint32
	values   []byte // Value messages, each with its field tag and length
	valIndex map[mvtValue]uint32
	nValues  uint32
	tags     []uint32 // scratch for one feature's tags
	scratch  []byte   // scratch for one feature's packed fields
}

// mvtValue is a property value: a string, an integer or a boolean.
type mvtValue struct {
	kind byte // 's', 'i' or 'b'
	s    string
	i    int64
}

func mvtString(s string) mvtValue { return mvtValue{kind: 's', s: s} }
func mvtInt(i int) mvtValue       { return mvtValue{kind: 'i', i: int64(i)} }
func mvtBool(b bool) mvtValue {
	if b {
		return mvtValue{kind: 'b', i: 1}
	}
	return mvtValue{kind: 'b'}
}

// mvtProp is one property of a feature.
type mvtProp struct {
	key   string
	value mvtValue
}

func newMVTLayer(name string, extent int) *mvtLayer {
	return &mvtLayer{name: name, extent: extent, keyIndex: map[string]uint32{}, valIndex: map[mvtValue]uint32{}}
}

// Protobuf wire types and the field tags of the vector tile messages.
const (
	wireVarint = 0
	wireBytes  = 2

	tileLayers     = 3<<3 | wireBytes
	layerName      = 1<<3 | wireBytes
	layerFeatures  = 2<<3 | wireBytes
	layerKeys      = 3<<3 | wireBytes
	layerValues    = 4<<3 | wireBytes
	layerExtent    = 5<<3 | wireVarint
	layerVersion   = 15<<3 | wireVarint
	featureID      = 1<<3 | wireVarint
	featureTags    = 2<<3 | wireBytes
	featureType    = 3<<3 | wireVarint
	featureGeom    = 4<<3 | wireBytes
	valueString    = 1<<3 | wireBytes
	valueSint      = 6<<3 | wireVarint
	valueBool      = 7<<3 | wireVarint
	geomTypePoint  = 1
	geomMoveToOnce = 1<<3 | 1 // command MoveTo, count 1
)

// addPoint adds a point feature at pixel (x, y) of the tile's grid, with
// an id when hasID, and the properties in the order given.
func (l *mvtLayer) addPoint(id uint64, hasID bool, x, y int, props []mvtProp) {
	l.tags = l.tags[:0]
	for _, p := range props {
		l.tags = append(l.tags, l.key(p.key), l.value(p.value))
	}
	f := l.scratch[:0]
	if hasID {
		f = append(f, featureID)
		f = binary.AppendUvarint(f, id)
	}
	f = append(f, featureTags)
	n := 0
	for _, t := range l.tags {
		n += uvarintLen(uint64(t))
	}
	f = binary.AppendUvarint(f, uint64(n))
	for _, t := range l.tags {
		f = binary.AppendUvarint(f, uint64(t))
	}
	f = append(f, featureType, geomTypePoint)
	zx, zy := zigzag32(int32(x)), zigzag32(int32(y))
	f = append(f, featureGeom)
	f = binary.AppendUvarint(f, uint64(1+uvarintLen(uint64(zx))+uvarintLen(uint64(zy))))
	f = append(f, geomMoveToOnce)
	f = binary.AppendUvarint(f, uint64(zx))
	f = binary.AppendUvarint(f, uint64(zy))
	l.scratch = f
	l.features = append(l.features, layerFeatures)
	l.features = binary.AppendUvarint(l.features, uint64(len(f)))
	l.features = append(l.features, f...)
}

func (l *mvtLayer) key(k string) uint32 {
	if i, ok := l.keyIndex[k]; ok {
		return i
	}
	i := uint32(len(l.keys))
	l.keys = append(l.keys, k)
	l.keyIndex[k] = i
	return i
}

func (l *mvtLayer) value(v mvtValue) uint32 {
	if i, ok := l.valIndex[v]; ok {
		return i
	}
	i := l.nValues
	l.nValues++
	l.valIndex[v] = i
	l.values = append(l.values, layerValues)
	switch v.kind {
	case 's':
		l.values = binary.AppendUvarint(l.values, uint64(1+uvarintLen(uint64(len(v.s)))+len(v.s)))
		l.values = append(l.values, valueString)
		l.values = binary.AppendUvarint(l.values, uint64(len(v.s)))
		l.values = append(l.values, v.s...)
	case 'i':
		z := zigzag64(v.i)
		l.values = append(l.values, byte(1+uvarintLen(z)), valueSint)
		l.values = binary.AppendUvarint(l.values, z)
	default:
		l.values = append(l.values, 2, valueBool, byte(v.i))
	}
	return i
}

// empty reports whether the layer has no feature.
func (l *mvtLayer) empty() bool { return len(l.features) == 0 }

// tile returns the encoded tile holding this one layer.
func (l *mvtLayer) tile() []byte {
	body := make([]byte, 0, len(l.features)+len(l.values)+len(l.name)+64+16*len(l.keys))
	body = append(body, layerName)
	body = binary.AppendUvarint(body, uint64(len(l.name)))
	body = append(body, l.name...)
	body = append(body, l.features...)
	for _, k := range l.keys {
		body = append(body, layerKeys)
		body = binary.AppendUvarint(body, uint64(len(k)))
		body = append(body, k...)
	}
	body = append(body, l.values...)
	body = append(body, layerExtent)
	body = binary.AppendUvarint(body, uint64(l.extent))
	body = append(body, layerVersion, 2)
	out := make([]byte, 0, len(body)+8)
	out = append(out, tileLayers)
	out = binary.AppendUvarint(out, uint64(len(body)))
	return append(out, body...)
}

func zigzag32(v int32) uint32 { return uint32((v << 1) ^ (v >> 31)) }
func zigzag64(v int64) uint64 { return uint64((v << 1) ^ (v >> 63)) }

func uvarintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}
