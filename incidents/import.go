package incidents

import (
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sort"
	"time"
)

// Record is one decoded input record: an Incident or the error that made
// the record unusable.
type Record struct {
	Index    int      // 0-based position in the input
	Incident Incident // normalised, not yet validated
	Err      error    // a per-record problem; decoding goes on with the next record
}

// Decoder yields the records of an import stream one by one. Next returns
// io.EOF at the end, and any other error only when the stream itself is
// unusable, which stops the import.
type Decoder interface {
	Next() (Record, error)
}

// ImportOptions tune an import (see Import).
type ImportOptions struct {
	Atomic    bool              // store nothing if any record is rejected
	Resolver  Resolver          // resolves places without coordinates; nil rejects them
	BatchSize int               // records per transaction when not atomic (default 5000)
	Progress  func(n int)       // called after each batch with the number of records read up to its last one
	Stage     func(what string) // called as a bulk load builds each index, with what it builds
	MaxErrors int               // errors kept in the result (default 10000); the count stays exact
	Limit     int               // reject the stream after this many records (0: no limit)
	Now       func() time.Time  // clock for timestamps (default time.Now)
}

// WithDefaults returns the options with every unset tunable at its default.
func (o ImportOptions) WithDefaults() ImportOptions {
	if o.BatchSize <= 0 {
		o.BatchSize = 5000
	}
	if o.MaxErrors <= 0 {
		o.MaxErrors = 10000
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// ImportError reports one rejected record.
type ImportError struct {
	Index    int    `json:"index"`
	SourceID string `json:"source_id,omitempty"`
	Field    string `json:"field"`
	Error    string `json:"error"`
}

// ImportResult is the import result object of the contract.
type ImportResult struct {
	Received        int           `json:"received"`
	Inserted        int           `json:"inserted"`
	Updated         int           `json:"updated"`
	Unchanged       int           `json:"unchanged"`
	Rejected        int           `json:"rejected"`
	Errors          []ImportError `json:"errors"`
	ErrorsTruncated bool          `json:"errors_truncated,omitempty"`
}

// Reject counts the record at index as rejected because of fe, keeping
// at most max errors in the list.
func (r *ImportResult) Reject(index int, sourceID string, fe *FieldError, max int) {
	r.Rejected++
	if len(r.Errors) < max {
		r.Errors = append(r.Errors, ImportError{Index: index, SourceID: sourceID, Field: fe.Field, Error: fe.Msg})
	}
}

// ErrTooManyRecords is returned by Import when ImportOptions.Limit is exceeded.
var ErrTooManyRecords = errors.New("incidents: too many records")

// CheckedRecord is a validated record ready to be written, with its
// place resolved. Rejected is the number of records of the input rejected
// before it.
type CheckedRecord struct {
	Index    int
	Incident Incident
	Rejected int
}

// ImportWriter is what a store gives Import to write the valid records of
// one import, in input order.
type ImportWriter interface {
	// Write stores rec, or queues it to be stored with the next ones. It
	// counts what it did in res: Inserted, Updated and Unchanged, and a
	// record it cannot store because of its content (a *FieldError, such
	// as a source_id conflict) as rejected through res.Reject. Any other
	// error stops the import.
	Write(ctx context.Context, rec *CheckedRecord, res *ImportResult) error
	// Flush stores the queued records.
	Flush(ctx context.Context, res *ImportResult) error
	// Finish commits what is written when commit is true, else rolls back
	// what is not committed yet and sets res's counts to what stays
	// stored. It releases every resource the writer holds.
	Finish(ctx context.Context, commit bool, res *ImportResult) error
}

// Import reads every record from dec, validates it, resolves places
// without coordinates, and hands valid records to w in input order. With
// opts.Atomic a rejected record stops the writing and nothing is
// committed. The result's counts are those of what w committed.
//
// Decoding and validation run in their own goroutine, one chunk of records
// ahead of the writer, so that the two share the machine's cores.
func Import(ctx context.Context, dec Decoder, opts ImportOptions, w ImportWriter) (ImportResult, error) {
	opts = opts.WithDefaults()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	rd := &importReader{dec: dec, opts: opts, countries: map[string]int{}}
	if opts.Resolver != nil {
		rd.opts.Resolver = newMemoResolver(opts.Resolver)
	}
	chunks := make(chan []CheckedRecord, 4)
	go rd.run(ctx, chunks)

	res := ImportResult{}
	var failure error
	for chunk := range chunks {
		if failure != nil {
			continue // drain until the reader sees the cancellation
		}
		for i := range chunk {
			if opts.Atomic && chunk[i].Rejected+res.Rejected > 0 {
				continue // nothing will be stored
			}
			if err := w.Write(ctx, &chunk[i], &res); err != nil {
				failure = callerGone(ctx, err)
				cancel()
				break
			}
		}
	}
	if failure == nil && rd.err == nil && ctx.Err() == nil {
		failure = callerGone(ctx, w.Flush(ctx, &res))
	}
	// The reader is done: its fields are safe to read.
	res.Received = rd.received
	res.Rejected += rd.rejected
	res.Errors = mergeErrors(rd.errors, res.Errors, opts.MaxErrors)
	res.ErrorsTruncated = len(res.Errors) < res.Rejected
	if failure == nil {
		failure = rd.err
	}
	if failure == nil {
		failure = ctx.Err()
	}
	commit := failure == nil && !(opts.Atomic && res.Rejected > 0)
	if err := w.Finish(ctx, commit, &res); err != nil && failure == nil {
		return res, err
	}
	if commit && opts.Progress != nil {
		opts.Progress(res.Received)
	}
	return res, failure
}

// callerGone returns err, or the context's own error when the caller went
// away: a store's writer then fails with whatever its driver says of a
// transaction rolled back under it ("statement is closed"), and the caller
// must be told the import was cancelled, not that the store broke.
func callerGone(ctx context.Context, err error) error {
	if err != nil && ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
		return fmt.Errorf("incidents: import: %w", ctx.Err())
	}
	return err
}

// importReader decodes, validates and resolves records for Import.
type importReader struct {
	dec       Decoder
	opts      ImportOptions
	countries map[string]int // country of each valid record so far, to steer resolution

	received, rejected int
	errors             []ImportError
	err                error // what stopped the stream, if anything
}

// readChunk is how many records go to the writer at once.
const readChunk = 256

func (rd *importReader) run(ctx context.Context, out chan<- []CheckedRecord) {
	defer close(out)
	chunk := make([]CheckedRecord, 0, readChunk)
	send := func() bool {
		select {
		case out <- chunk:
			chunk = make([]CheckedRecord, 0, readChunk)
			return true
		case <-ctx.Done():
			return false
		}
	}
	for {
		if err := ctx.Err(); err != nil {
			return
		}
		rec, err := rd.dec.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			rd.err = fmt.Errorf("incidents: import: %w", err)
			break
		}
		rd.received++
		if rd.opts.Limit > 0 && rd.received > rd.opts.Limit {
			rd.err = fmt.Errorf("%w: more than %d in one import", ErrTooManyRecords, rd.opts.Limit)
			break
		}
		if err := rd.check(ctx, &rec); err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) {
				rd.err = err
				break
			}
			rd.reject(rec, fe)
			continue
		}
		chunk = append(chunk, CheckedRecord{Index: rec.Index, Incident: rec.Incident, Rejected: rd.rejected})
		if len(chunk) == readChunk && !send() {
			return
		}
	}
	if len(chunk) > 0 {
		send()
	}
}

// check normalises, validates and resolves one record. A *FieldError
// rejects the record; any other error stops the import.
func (rd *importReader) check(ctx context.Context, rec *Record) error {
	if rec.Err != nil {
		var fe *FieldError
		if !errors.As(rec.Err, &fe) {
			return &FieldError{Msg: rec.Err.Error()}
		}
		return rec.Err
	}
	in := &rec.Incident
	in.Normalize()
	if err := in.Validate(); err != nil {
		return err
	}
	// A record with its point is ready: besides the point, ValidateStored
	// checks what Validate just did.
	if !in.HasPoint() {
		if in.Place != "" {
			if err := resolve(ctx, in, rd.opts.Resolver, topCountries(rd.countries)); err != nil {
				return err
			}
		}
		if err := in.ValidateStored(); err != nil {
			return err
		}
	}
	if in.Country != "" {
		rd.countries[in.Country]++
	}
	return nil
}

func (rd *importReader) reject(rec Record, fe *FieldError) {
	rd.rejected++
	if len(rd.errors) < rd.opts.MaxErrors {
		rd.errors = append(rd.errors, ImportError{Index: rec.Index, SourceID: rec.Incident.SourceID, Field: fe.Field, Error: fe.Msg})
	}
}

// mergeErrors merges two lists of errors sorted by index, keeping at most
// max.
func mergeErrors(a, b []ImportError, max int) []ImportError {
	out := make([]ImportError, 0, min(len(a)+len(b), max))
	for len(out) < max && (len(a) > 0 || len(b) > 0) {
		if len(b) == 0 || (len(a) > 0 && a[0].Index <= b[0].Index) {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	return out
}

// topCountries returns up to three countries seen most often so far.
func topCountries(countries map[string]int) []string {
	if len(countries) == 0 {
		return nil
	}
	cs := make([]string, 0, len(countries))
	for c := range countries {
		cs = append(cs, c)
	}
	sort.Slice(cs, func(i, j int) bool {
		if countries[cs[i]] != countries[cs[j]] {
			return countries[cs[i]] > countries[cs[j]]
		}
		return cs[i] < cs[j]
	})
	if len(cs) > 3 {
		cs = cs[:3]
	}
	return cs
}

// SameContent reports whether two incidents hold the same data, ignoring
// id and timestamps; an import counts a record equal to the stored one as
// unchanged.
func SameContent(a, b *Incident) bool {
	x, y := *a, *b
	x.ID, y.ID = 0, 0
	x.CreatedAt, y.CreatedAt, x.UpdatedAt, y.UpdatedAt = "", "", "", ""
	if x.GeoPrecision == 0 {
		x.GeoPrecision = 1
	}
	if y.GeoPrecision == 0 {
		y.GeoPrecision = 1
	}
	return reflect.DeepEqual(x, y)
}
