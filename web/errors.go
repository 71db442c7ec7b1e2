package web

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/mapd/mapd/extract"
	"github.com/mapd/mapd/gazetteer"
	"github.com/mapd/mapd/geo"
	"github.com/mapd/mapd/incidents"
)

// Error is an error with an HTTP status, raised by handlers for problems
// that are not domain errors (bad parameters, auth, limits).
type Error struct {
	Status int
	Field  string
	Msg    string
	Header map[string]string // extra response headers, e.g. Retry-After
}

func (e *Error) Error() string { return e.Msg }

func httpError(status int, field, msg string) *Error {
	return &Error{Status: status, Field: field, Msg: msg}
}

// errorBody is the JSON error of the contract.
type errorBody struct {
	Error string `json:"error"`
	Field string `json:"field,omitempty"`
}

// handlerFunc is a gin handler that returns its error instead of writing it.
type handlerFunc func(c *gin.Context) error

// handle adapts a handlerFunc: it is the one place where errors become HTTP
// responses. A 500 never shows the underlying error to the client; it is
// logged with the request id instead.
func (s *Server) handle(h handlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := h(c); err != nil {
			s.writeError(c, err)
		}
	}
}

func (s *Server) writeError(c *gin.Context, err error) {
	status, body, headers := s.classify(err)
	switch {
	case status >= 500 && c.Request.Context().Err() != nil:
		// The client went away (a map cancelling a tile it panned off):
		// the error is its context's, not the server's.
		s.log.InfoContext(c.Request.Context(), "client went away",
			"request_id", c.GetString(requestIDKey), "path", c.Request.URL.Path, "error", err.Error())
	case status >= 500:
		s.log.ErrorContext(c.Request.Context(), "request failed",
			"request_id", c.GetString(requestIDKey), "path", c.Request.URL.Path, "error", err.Error())
	}
	if c.Writer.Written() {
		// The response is already streaming; the best we can do is stop.
		c.Abort()
		return
	}
	for k, v := range headers {
		c.Header(k, v)
	}
	c.AbortWithStatusJSON(status, body)
}

// classify maps an error to its status, body and extra headers by its type
// (errors.As, errors.Is), never by its text: whatever store or library an
// error comes from, an error of no known kind is a 500 whose text stays in
// the log.
func (s *Server) classify(err error) (int, errorBody, map[string]string) {
	var he *Error
	var fe *incidents.FieldError
	var ge *geo.Error
	var mbe *http.MaxBytesError
	var de *extract.DateError
	switch {
	case errors.As(err, &he):
		return he.Status, errorBody{Error: he.Msg, Field: he.Field}, he.Header
	case errors.As(err, &mbe):
		return http.StatusRequestEntityTooLarge, errorBody{Error: "request body is larger than the limit of " + formatBytes(mbe.Limit)}, nil
	case errors.As(err, &fe):
		status := http.StatusBadRequest
		if fe.Conflict {
			status = http.StatusConflict
		}
		return status, errorBody{Error: fe.Msg, Field: fe.Field}, nil
	case errors.As(err, &ge):
		return http.StatusBadRequest, errorBody{Error: ge.Msg, Field: ge.Field}, nil
	case errors.Is(err, extract.ErrEmpty):
		return http.StatusBadRequest, errorBody{Error: "text has no words: send the report's text", Field: "text"}, nil
	case errors.As(err, &de):
		return http.StatusBadRequest, errorBody{Error: fmt.Sprintf("date %q is not a YYYY-MM-DD date", clipText(de.Value)), Field: "date"}, nil
	case errors.Is(err, incidents.ErrNotFound):
		return http.StatusNotFound, errorBody{Error: "not found"}, nil
	case errors.Is(err, gazetteer.ErrInvalidQuery):
		return http.StatusBadRequest, errorBody{Field: "q", Error: fmt.Sprintf(
			"q must be a place name: non-empty UTF-8 text of at most %d bytes without control characters", gazetteer.MaxQueryBytes)}, nil
	case errors.Is(err, incidents.ErrUnavailable):
		return http.StatusServiceUnavailable, errorBody{Error: "the database is unavailable; try again shortly"}, map[string]string{"Retry-After": "2"}
	case errors.Is(err, incidents.ErrTooManyRecords):
		return http.StatusRequestEntityTooLarge, errorBody{Error: fmt.Sprintf(
			"an import holds at most %d records; split the input", s.cfg.MaxImportRecords)}, nil
	}
	return http.StatusInternalServerError, errorBody{Error: "internal server error"}, nil
}

func formatBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return itoa(n>>20) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return itoa(n>>10) + " KiB"
	}
	return itoa(n) + " bytes"
}
