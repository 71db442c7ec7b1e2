package cql2

import (
	"errors"
	"fmt"
)

// ErrInvalid is wrapped by every error of this package, so callers can
// tell a bad filter from other failures with errors.Is.
var ErrInvalid = errors.New("cql2: invalid filter")

// Limits on the input, checked as it is read so that a hostile filter is
// refused before it costs much.
const (
	MaxInput      = 1 << 20 // bytes of filter text or JSON
	MaxDepth      = 64      // levels of nested parentheses, NOTs, functions and arrays
	MaxList       = 1000    // values in one IN list
	MaxPredicates = 1000    // predicates in one filter
	MaxValues     = 10000   // literal values in one filter, IN lists included
	MaxVertices   = 20000   // coordinates of all geometry literals together
)

// Error is a problem with a filter at byte offset Pos of its input.
// Property is set when the problem is an unknown or misused property.
type Error struct {
	Pos      int
	Msg      string
	Property string
}

func (e *Error) Error() string { return fmt.Sprintf("cql2: at byte offset %d: %s", e.Pos, e.Msg) }

// Unwrap makes every *Error match ErrInvalid.
func (e *Error) Unwrap() error { return ErrInvalid }

// Message is the error without the package prefix, for users: "at byte
// offset 12: expected ...".
func (e *Error) Message() string { return fmt.Sprintf("at byte offset %d: %s", e.Pos, e.Msg) }

func errorf(pos int, format string, args ...any) *Error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}
