package incidents

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/mapd/mapd/cql2"
	"github.com/mapd/mapd/geo"
)

// Page size limits for List.
const (
	DefaultLimit = 1000
	MaxLimit     = 10000
)

// Filter selects incidents. Zero values mean "no constraint". Results are
// ordered by date descending, then id descending, unless Sort says
// otherwise; Cursor continues a listing after the last incident of the
// previous page (keyset pagination, see NextCursor).
type Filter struct {
	BBox          *geo.BBox
	From, To      string // inclusive dates, "YYYY-MM-DD"
	EventTypes    []string
	Actor         string // case-insensitive substring of actor1 or actor2
	Country       string // ISO alpha-2
	Q             string // full-text words, all required
	MinFatalities int
	Limit         int
	Cursor        string

	// Expr is a CQL2 filter checked against Queryables (filter=), in
	// addition to the fields above; nil for none. ParseFilter moves what
	// the fields can say into them, so Expr holds only the rest.
	Expr cql2.Expr
	// Sort is the order of a listing (sortby=), id always last; nil is
	// date descending, id descending.
	Sort []SortKey
}

// FilterKeys are the query parameters ParseFilter understands.
var FilterKeys = []string{"bbox", "from", "to", "event_type", "actor", "country", "q", "min_fatalities", "filter", "filter-lang", "sortby", "limit", "cursor"}

// ParseFilter builds a Filter from URL-query-like values. get returns every
// value given for a key. Errors are *FieldError naming the parameter.
func ParseFilter(get func(key string) []string) (Filter, error) {
	var f Filter
	one := func(key string) (string, error) {
		vs := get(key)
		if len(vs) > 1 {
			return "", fieldErr(key, "%s is given more than once", key)
		}
		if len(vs) == 0 {
			return "", nil
		}
		return strings.TrimSpace(vs[0]), nil
	}
	var err error
	var s string
	if s, err = one("bbox"); err != nil {
		return f, err
	} else if s != "" {
		b, err := geo.ParseBBox(s)
		var ge *geo.Error
		if errors.As(err, &ge) {
			return f, fieldErr("bbox", "%s", ge.Msg)
		} else if err != nil {
			return f, err
		}
		f.BBox = &b
	}
	for _, key := range []string{"from", "to"} {
		if s, err = one(key); err != nil {
			return f, err
		}
		if s == "" {
			continue
		}
		if _, err := geo.ParseDate(s); err != nil {
			return f, fieldErr(key, "%s %q is not a real calendar date in the form YYYY-MM-DD", key, Clip(s))
		}
		if key == "from" {
			f.From = s
		} else {
			f.To = s
		}
	}
	if f.From != "" && f.To != "" && f.From > f.To {
		return f, fieldErr("from", "from %s is after to %s", f.From, f.To)
	}
	for _, v := range get("event_type") {
		for _, t := range strings.Split(v, ",") {
			if t = strings.TrimSpace(t); t != "" {
				f.EventTypes = append(f.EventTypes, t)
			}
		}
	}
	if len(f.EventTypes) > 50 {
		return f, fieldErr("event_type", "at most 50 event types can be given")
	}
	if f.Actor, err = one("actor"); err != nil {
		return f, err
	}
	if s, err = one("country"); err != nil {
		return f, err
	} else if s != "" {
		f.Country = strings.ToUpper(s)
		if !isCountryCode(f.Country) {
			return f, fieldErr("country", "country %q must be an ISO 3166-1 alpha-2 code such as SY", Clip(s))
		}
	}
	if f.Q, err = one("q"); err != nil {
		return f, err
	}
	if len(f.Q) > 500 || len(f.Actor) > 500 {
		return f, fieldErr("q", "search text is longer than 500 bytes")
	}
	if s, err = one("min_fatalities"); err != nil {
		return f, err
	} else if s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return f, fieldErr("min_fatalities", "min_fatalities %q must be an integer >= 0", Clip(s))
		}
		f.MinFatalities = n
	}
	if s, err = one("limit"); err != nil {
		return f, err
	} else if s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxLimit {
			return f, fieldErr("limit", "limit %q must be an integer in [1, %d]", Clip(s), MaxLimit)
		}
		f.Limit = n
	}
	lang, err := one("filter-lang")
	if err != nil {
		return f, err
	}
	if s, err = one("filter"); err != nil {
		return f, err
	} else if s != "" {
		if f.Expr, err = ParseCQL2(s, lang); err != nil {
			return f, err
		}
		f.absorbExpr()
	} else if lang != "" && lang != LangText && lang != LangJSON {
		_, err := ParseCQL2("TRUE", lang)
		return f, err
	}
	if s, err = one("sortby"); err != nil {
		return f, err
	} else if s != "" {
		if f.Sort, err = ParseSortBy(s); err != nil {
			return f, err
		}
	}
	if f.Cursor, err = one("cursor"); err != nil {
		return f, err
	}
	if _, err := f.CursorValues(); err != nil {
		return f, err
	}
	return f, nil
}

// Values returns the filter as query parameters, the inverse of
// ParseFilter; Cursor is left out.
func (f Filter) Values() map[string][]string {
	v := map[string][]string{}
	if f.BBox != nil {
		v["bbox"] = []string{f.BBox.String()}
	}
	add := func(k, s string) {
		if s != "" {
			v[k] = []string{s}
		}
	}
	add("from", f.From)
	add("to", f.To)
	if len(f.EventTypes) > 0 {
		v["event_type"] = append([]string(nil), f.EventTypes...)
	}
	add("actor", f.Actor)
	add("country", f.Country)
	add("q", f.Q)
	if f.MinFatalities > 0 {
		add("min_fatalities", strconv.Itoa(f.MinFatalities))
	}
	if f.Expr != nil {
		add("filter", cql2.Text(f.Expr))
	}
	add("sortby", f.sortText())
	if f.Limit > 0 {
		add("limit", strconv.Itoa(f.Limit))
	}
	return v
}

// PageLimit returns the page size a listing uses: Limit, or DefaultLimit
// when unset, at most MaxLimit.
func (f Filter) PageLimit() int {
	if f.Limit <= 0 {
		return DefaultLimit
	}
	if f.Limit > MaxLimit {
		return MaxLimit
	}
	return f.Limit
}

// EncodeCursor returns the opaque cursor that continues a newest-first
// listing after the incident (date, id). Every store issues and accepts the
// same cursors, so a cursor stays valid whichever store serves the next page.
func EncodeCursor(date string, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(date + "|" + strconv.FormatInt(id, 10)))
}

// DecodeCursor returns the (date, id) a cursor continues after, or a
// *FieldError on "cursor" when c is not one EncodeCursor made.
func DecodeCursor(c string) (string, int64, error) {
	bad := fieldErr("cursor", "cursor is not one this server issued")
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return "", 0, bad
	}
	date, idStr, ok := strings.Cut(string(b), "|")
	if !ok {
		return "", 0, bad
	}
	if _, err := geo.ParseDate(date); err != nil {
		return "", 0, bad
	}
	id, err := strconv.ParseInt(idStr, 10, 64)
	if err != nil || id < 0 {
		return "", 0, bad
	}
	return date, id, nil
}

// String is used in error messages and logs.
func (f Filter) String() string { return fmt.Sprint(f.Values()) }
