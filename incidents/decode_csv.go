package incidents

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// csvDecoder reads mapd's own CSV or an ACLED CSV export. The header row
// is required; empty cells are absent values.
type csvDecoder struct {
	r       *csv.Reader
	setters []setter // one per column; nil ignores the column
	acled   bool
	ncols   int
	index   int
	err     error
}

// newCSVDecoder reads the header and checks every column. Unknown columns
// are an error of the whole input, listing them all.
func newCSVDecoder(br *bufio.Reader, forceACLED bool) (Decoder, string, error) {
	r := csv.NewReader(br)
	r.ReuseRecord = true
	header, err := r.Read()
	if err == io.EOF {
		return nil, "", formatErr("the CSV input is empty; a header row is required")
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, "", formatErr("malformed CSV header: %v", err)
		}
		return nil, "", streamError(err)
	}
	cols := make([]string, len(header))
	for i, h := range header {
		cols[i] = strings.ToLower(strings.TrimSpace(h))
	}
	acled := forceACLED || looksACLED(func(k string) bool { return slices.Contains(cols, k) })
	d := &csvDecoder{r: r, acled: acled, ncols: len(cols), setters: make([]setter, len(cols))}
	var unknown []string
	seen := make(map[string]bool, len(cols))
	for i, c := range cols {
		if c == "" {
			continue // a trailing separator in the header
		}
		if seen[c] {
			return nil, "", fmt.Errorf("incidents: %w", fieldErr(c, "CSV column %q appears twice in the header", Clip(c)))
		}
		seen[c] = true
		var set setter
		var ok bool
		if acled {
			set, ok = acledColumn(c)
		} else {
			set, ok = mapdColumn(c)
		}
		if !ok {
			unknown = append(unknown, strconv.Quote(Clip(c)))
			continue
		}
		d.setters[i] = set
	}
	if len(unknown) > 0 {
		name := "mapd CSV columns are " + strings.Join(CSVColumns, ", ")
		if acled {
			name = "they are not ACLED columns that mapd knows"
		}
		return nil, "", fmt.Errorf("incidents: %w", fieldErr(strings.Trim(unknown[0], `"`),
			"unknown CSV column(s) %s; %s", strings.Join(unknown, ", "), name))
	}
	if acled {
		return d, "acled", nil
	}
	return d, "csv", nil
}

// Next implements Decoder.
func (d *csvDecoder) Next() (Record, error) {
	if d.err != nil {
		return Record{}, d.err
	}
	row, err := d.r.Read()
	if err == io.EOF {
		d.err = io.EOF
		return Record{}, io.EOF
	}
	rec := Record{Index: d.index}
	if err != nil {
		var pe *csv.ParseError
		if !errors.As(err, &pe) {
			d.err = streamError(err)
			return Record{}, d.err
		}
		d.index++
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			rec.Err = fieldErr("", "line %d has %d fields but the header has %d", pe.Line, len(row), d.ncols)
		} else {
			rec.Err = fieldErr("", "malformed CSV on line %d: %v", pe.Line, pe.Err)
		}
		return rec, nil
	}
	d.index++
	var st rowState
	for i, v := range row {
		set := d.setters[i]
		if set == nil {
			continue
		}
		if v = strings.TrimSpace(v); v == "" {
			continue
		}
		if err := set(&st, v); err != nil {
			rec.Err = err
			rec.Incident.SourceID = strings.TrimSpace(st.in.SourceID)
			return rec, nil
		}
	}
	if d.acled {
		if err := st.finishACLED(); err != nil {
			rec.Err = err
			rec.Incident.SourceID = strings.TrimSpace(st.in.SourceID)
			return rec, nil
		}
	}
	st.in.Normalize()
	rec.Incident = st.in
	return rec, nil
}
