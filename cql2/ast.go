package cql2

import (
	"time"

	"github.com/paulmach/orb"

	"github.com/mapd/mapd/geo"
)

// Expr is a boolean expression: a whole filter, or any part of one that is
// true, false or (with a null property) unknown.
type Expr interface {
	// Pos is the byte offset in the input where the expression starts.
	Pos() int
	expr()
}

// Scalar is an operand of a predicate: a property or a literal.
type Scalar interface {
	Pos() int
	scalar()
}

// And is true when every argument is.
type And struct {
	Args []Expr
	At   int
}

// Or is true when any argument is.
type Or struct {
	Args []Expr
	At   int
}

// Not negates its argument.
type Not struct {
	Arg Expr
	At  int
}

// Bool is the literal TRUE or FALSE, both a predicate and a value.
type Bool struct {
	Value bool
	At    int
}

// CompareOp is a binary comparison operator.
type CompareOp uint8

// The comparison operators.
const (
	Eq CompareOp = iota // =
	Ne                  // <>
	Lt                  // <
	Le                  // <=
	Gt                  // >
	Ge                  // >=
)

var compareText = [...]string{Eq: "=", Ne: "<>", Lt: "<", Le: "<=", Gt: ">", Ge: ">="}

func (op CompareOp) String() string { return compareText[op] }

// flip returns the operator with its operands swapped: a < b is b > a.
func (op CompareOp) flip() CompareOp {
	switch op {
	case Lt:
		return Gt
	case Le:
		return Ge
	case Gt:
		return Lt
	case Ge:
		return Le
	}
	return op
}

// Comparison compares two operands. In a checked tree Left is a *Property
// and Right a literal of the property's type.
type Comparison struct {
	Op          CompareOp
	Left, Right Scalar
	At          int
}

// Like matches a string against a pattern in which % stands for any run of
// characters, _ for one character and a backslash makes the next character
// literal. The match is case-sensitive. In a checked tree Arg is a
// *Property and Pattern a *String.
type Like struct {
	Arg, Pattern Scalar
	Not          bool
	At           int
}

// In is true when Arg equals one of List.
type In struct {
	Arg  Scalar
	List []Scalar
	Not  bool
	At   int
}

// Between is true when Low <= Arg <= High.
type Between struct {
	Arg, Low, High Scalar
	Not            bool
	At             int
}

// IsNull is true when Arg has no value.
type IsNull struct {
	Arg Scalar
	Not bool
	At  int
}

// SpatialOp is a spatial function.
type SpatialOp uint8

// The spatial functions understood. For the points mapd stores, S_WITHIN,
// S_COVEREDBY and S_INTERSECTS coincide on everything but a polygon's edge.
const (
	SIntersects SpatialOp = iota
	SDisjoint
)

var spatialText = [...]string{SIntersects: "S_INTERSECTS", SDisjoint: "S_DISJOINT"}

func (op SpatialOp) String() string { return spatialText[op] }

// Spatial applies a spatial function to two geometries. In a checked tree
// Op is SIntersects, Left is the geometry *Property and Right a *Geometry or
// an *Envelope.
type Spatial struct {
	Op          SpatialOp
	Left, Right Scalar
	At          int
}

// TemporalOp is a temporal function.
type TemporalOp uint8

// The temporal functions of CQL2, with their meaning for intervals a and b
// (an instant is an interval whose start is its end).
const (
	TAfter        TemporalOp = iota // a.start > b.end
	TBefore                         // a.end < b.start
	TContains                       // a.start < b.start and a.end > b.end
	TDisjoint                       // a.start > b.end or a.end < b.start
	TDuring                         // a.start > b.start and a.end < b.end
	TEquals                         // a.start = b.start and a.end = b.end
	TFinishedBy                     // a.start < b.start and a.end = b.end
	TFinishes                       // a.start > b.start and a.end = b.end
	TIntersects                     // a.start <= b.end and a.end >= b.start
	TMeets                          // a.end = b.start
	TMetBy                          // a.start = b.end
	TOverlappedBy                   // a.start > b.start and a.start < b.end and a.end > b.end
	TOverlaps                       // a.start < b.start and a.end > b.start and a.end < b.end
	TStartedBy                      // a.start = b.start and a.end > b.end
	TStarts                         // a.start = b.start and a.end < b.end
)

var temporalText = [...]string{
	TAfter: "T_AFTER", TBefore: "T_BEFORE", TContains: "T_CONTAINS", TDisjoint: "T_DISJOINT",
	TDuring: "T_DURING", TEquals: "T_EQUALS", TFinishedBy: "T_FINISHEDBY", TFinishes: "T_FINISHES",
	TIntersects: "T_INTERSECTS", TMeets: "T_MEETS", TMetBy: "T_METBY", TOverlappedBy: "T_OVERLAPPEDBY",
	TOverlaps: "T_OVERLAPS", TStartedBy: "T_STARTEDBY", TStarts: "T_STARTS",
}

func (op TemporalOp) String() string { return temporalText[op] }

// Temporal applies a temporal function to two instants or intervals. A
// checked tree holds none: Check lowers them to comparisons of the date.
type Temporal struct {
	Op          TemporalOp
	Left, Right Scalar
	At          int
}

// Property names a queryable property of the features.
type Property struct {
	Name string
	At   int
}

// String is a character string literal.
type String struct {
	Value string
	At    int
}

// Number is a numeric literal. IsInt reports whether it was written as an
// integer that fits an int64, held exactly in Int.
type Number struct {
	Value float64
	Int   int64
	IsInt bool
	At    int
}

// Date is a calendar date literal, DATE('YYYY-MM-DD').
type Date struct {
	Value string // "YYYY-MM-DD"
	At    int
}

// Timestamp is an instant literal, TIMESTAMP('...') in RFC 3339.
type Timestamp struct {
	Value time.Time
	At    int
}

// Interval is INTERVAL(start, end); a nil end is open ('..').
type Interval struct {
	Start, End Scalar // *Date, *Timestamp or nil
	At         int
}

// Envelope is BBOX(minx, miny, maxx, maxy) in longitude and latitude; a
// minimum longitude above the maximum crosses the antimeridian.
type Envelope struct {
	Box geo.BBox
	At  int
}

// Geometry is a geometry literal in longitude and latitude: orb.Point,
// orb.MultiPoint, orb.LineString, orb.MultiLineString, orb.Polygon,
// orb.MultiPolygon or orb.Collection.
type Geometry struct {
	G  orb.Geometry
	At int
}

func (e *And) Pos() int        { return e.At }
func (e *Or) Pos() int         { return e.At }
func (e *Not) Pos() int        { return e.At }
func (e *Bool) Pos() int       { return e.At }
func (e *Comparison) Pos() int { return e.At }
func (e *Like) Pos() int       { return e.At }
func (e *In) Pos() int         { return e.At }
func (e *Between) Pos() int    { return e.At }
func (e *IsNull) Pos() int     { return e.At }
func (e *Spatial) Pos() int    { return e.At }
func (e *Temporal) Pos() int   { return e.At }
func (e *Property) Pos() int   { return e.At }
func (e *String) Pos() int     { return e.At }
func (e *Number) Pos() int     { return e.At }
func (e *Date) Pos() int       { return e.At }
func (e *Timestamp) Pos() int  { return e.At }
func (e *Interval) Pos() int   { return e.At }
func (e *Envelope) Pos() int   { return e.At }
func (e *Geometry) Pos() int   { return e.At }

func (*And) expr()        {}
func (*Or) expr()         {}
func (*Not) expr()        {}
func (*Bool) expr()       {}
func (*Comparison) expr() {}
func (*Like) expr()       {}
func (*In) expr()         {}
func (*Between) expr()    {}
func (*IsNull) expr()     {}
func (*Spatial) expr()    {}
func (*Temporal) expr()   {}

func (*Bool) scalar()      {}
func (*Property) scalar()  {}
func (*String) scalar()    {}
func (*Number) scalar()    {}
func (*Date) scalar()      {}
func (*Timestamp) scalar() {}
func (*Interval) scalar()  {}
func (*Envelope) scalar()  {}
func (*Geometry) scalar()  {}

// PredicateArg returns the scalar a comparison, LIKE, IN, BETWEEN or IS NULL
// predicate tests (after Check, the property); for any other expression, an
// empty string literal at the expression's position, which no evaluator
// takes for a property.
func PredicateArg(e Expr) Scalar {
	switch e := e.(type) {
	case *Comparison:
		return e.Left
	case *Like:
		return e.Arg
	case *In:
		return e.Arg
	case *Between:
		return e.Arg
	case *IsNull:
		return e.Arg
	}
	return &String{At: e.Pos()}
}
