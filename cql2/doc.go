// Package cql2 reads filter expressions written in OGC CQL2 (the Common
// Query Language of OGC API - Features Part 3), in its text encoding
// (cql2-text) and its JSON encoding (cql2-json), into one typed syntax
// tree.
//
// ParseText and ParseJSON build the tree; Queryables.Check validates it
// against the properties a collection offers (an unknown property is an
// error naming it), checks the types of the literals, and rewrites it into
// the checked form every evaluator relies on: a property on the left of each
// predicate and literals on the right, temporal functions on a date
// property lowered to date comparisons, spatial predicates reduced to
// S_INTERSECTS, and expressions of literals alone folded to TRUE or FALSE.
// Eval evaluates a checked tree in Go with SQL's three-valued logic, so the
// stores that translate the tree to SQL and the in-memory index can be
// tested against it.
//
// The language covered: comparisons (=, <>, <, <=, >, >=), LIKE, IN,
// BETWEEN, IS NULL, each with NOT where CQL2 allows it; AND, OR, NOT and
// parentheses; the literals TRUE, FALSE, numbers, 'strings', DATE(),
// TIMESTAMP() and INTERVAL(); S_INTERSECTS and S_DISJOINT with BBOX and WKT
// geometries (POINT, MULTIPOINT, LINESTRING, MULTILINESTRING, POLYGON,
// MULTIPOLYGON, GEOMETRYCOLLECTION) or their GeoJSON twins; and the
// fifteen temporal functions T_AFTER ... T_STARTS.
//
// Every error is an *Error carrying the byte offset in the input where the
// problem was found. Input is bounded so that hostile filters are refused
// quickly: MaxInput bytes, MaxDepth levels of nesting, MaxList values in
// one IN list, MaxPredicates predicates, MaxValues literal values in all
// and MaxVertices geometry coordinates.
package cql2
