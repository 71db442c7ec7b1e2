package incidents

import (
	"encoding/base64"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/mapd/mapd/cql2"
	"github.com/mapd/mapd/geo"
)

// Queryables are the incident properties a CQL2 filter may name, with
// their types. The stores translate exactly these names to columns.
var Queryables = cql2.Queryables{
	"id":             cql2.TypeInteger,
	"source_id":      cql2.TypeString,
	"date":           cql2.TypeDate,
	"date_precision": cql2.TypeString,
	"event_type":     cql2.TypeString,
	"sub_event_type": cql2.TypeString,
	"actor1":         cql2.TypeString,
	"actor2":         cql2.TypeString,
	"fatalities":     cql2.TypeInteger,
	"injuries":       cql2.TypeInteger,
	"place":          cql2.TypeString,
	"country":        cql2.TypeString,
	"admin1":         cql2.TypeString,
	"geo_precision":  cql2.TypeInteger,
	"geonameid":      cql2.TypeInteger,
	"notes":          cql2.TypeString,
	"geometry":       cql2.TypeGeometry,
}

// Filter languages of the filter-lang parameter.
const (
	LangText = "cql2-text"
	LangJSON = "cql2-json"
)

// ParseCQL2 parses a CQL2 filter in lang (LangText when empty) and checks
// it against Queryables. Errors are *FieldError on "filter" (or
// "filter-lang") saying where the problem is.
func ParseCQL2(text, lang string) (cql2.Expr, error) {
	var e cql2.Expr
	var err error
	switch lang {
	case "", LangText:
		e, err = cql2.ParseText(text)
	case LangJSON:
		e, err = cql2.ParseJSON(text)
	default:
		return nil, fieldErr("filter-lang", "filter-lang %q must be %s or %s", Clip(lang), LangText, LangJSON)
	}
	if err == nil {
		e, err = Queryables.Check(e)
	}
	var ce *cql2.Error
	if errors.As(err, &ce) {
		return nil, fieldErr("filter", "%s", ce.Message())
	}
	return e, err
}

// Value returns the value of the property name of the incident as a CQL2
// filter sees it: the stores' view, where a missing number or source_id is
// null and a missing text is the empty string.
func (in *Incident) Value(name string) cql2.Value {
	str := func(s string) cql2.Value { return cql2.Value{Type: cql2.TypeString, Str: s} }
	num := func(n int64) cql2.Value { return cql2.Value{Type: cql2.TypeInteger, Num: float64(n)} }
	opt := func(p *int) cql2.Value {
		if p == nil {
			return cql2.Value{}
		}
		return num(int64(*p))
	}
	switch name {
	case "id":
		return num(in.ID)
	case "source_id":
		if in.SourceID == "" {
			return cql2.Value{}
		}
		return str(in.SourceID)
	case "date":
		return cql2.Value{Type: cql2.TypeDate, Str: in.Date}
	case "date_precision":
		return str(in.DatePrecision)
	case "event_type":
		return str(in.EventType)
	case "sub_event_type":
		return str(in.SubEventType)
	case "actor1":
		return str(in.Actor1)
	case "actor2":
		return str(in.Actor2)
	case "fatalities":
		return opt(in.Fatalities)
	case "injuries":
		return opt(in.Injuries)
	case "place":
		return str(in.Place)
	case "country":
		return str(in.Country)
	case "admin1":
		return str(in.Admin1)
	case "geo_precision":
		return num(int64(in.GeoPrecision))
	case "geonameid":
		if in.GeonameID == 0 {
			return cql2.Value{}
		}
		return num(in.GeonameID)
	case "notes":
		return str(in.Notes)
	case "geometry":
		if !in.HasPoint() {
			return cql2.Value{}
		}
		return cql2.Value{Type: cql2.TypeGeometry, Point: orb.Point{*in.Lon, *in.Lat}}
	}
	return cql2.Value{}
}

// MatchesExpr reports whether the incident satisfies a checked CQL2
// expression (nil matches everything). It is the reference the stores'
// translations are tested against.
func MatchesExpr(e cql2.Expr, in *Incident) bool {
	return e == nil || cql2.Eval(e, in.Value) == cql2.True
}

// absorbExpr moves the conjuncts of f.Expr that the filter's own fields
// can say (dates, event types, country, minimum fatalities) into
// those fields, so that a CQL2 filter is answered by the same queries and
// precomputed counts as the same native filter. What is left stays in
// f.Expr. A conjunct is only moved when the result means the same.
func (f *Filter) absorbExpr() {
	if f.Expr == nil {
		return
	}
	var parts []cql2.Expr
	if and, ok := f.Expr.(*cql2.And); ok {
		parts = and.Args
	} else {
		parts = []cql2.Expr{f.Expr}
	}
	var rest []cql2.Expr
	for _, p := range parts {
		if !f.absorb(p) {
			rest = append(rest, p)
		}
	}
	switch len(rest) {
	case 0:
		f.Expr = nil
	case 1:
		f.Expr = rest[0]
	default:
		f.Expr = &cql2.And{Args: rest, At: f.Expr.Pos()}
	}
}

// absorb moves one conjunct into the filter's fields when it can.
func (f *Filter) absorb(e cql2.Expr) bool {
	switch e := e.(type) {
	case *cql2.Comparison:
		name := e.Left.(*cql2.Property).Name
		switch lit := e.Right.(type) {
		case *cql2.Date:
			if name != "date" {
				return false
			}
			return f.absorbDates(e.Op, lit.Value)
		case *cql2.String:
			switch {
			case name == "event_type" && e.Op == cql2.Eq && len(f.EventTypes) == 0:
				f.EventTypes = []string{lit.Value}
				return true
			case name == "country" && e.Op == cql2.Eq && f.Country == "" && isCountryCode(lit.Value):
				f.Country = lit.Value
				return true
			}
		case *cql2.Number:
			if name != "fatalities" || !lit.IsInt || f.MinFatalities > 0 {
				return false
			}
			n := lit.Int
			if e.Op == cql2.Gt {
				n++
			} else if e.Op != cql2.Ge {
				return false
			}
			if n < 1 || n > 1<<31 {
				return false
			}
			f.MinFatalities = int(n)
			return true
		}
	case *cql2.IsNull:
		// Every incident has a date: T_ functions with an open interval
		// say "date IS NOT NULL".
		return e.Not && e.Arg.(*cql2.Property).Name == "date"
	case *cql2.Between:
		low, ok1 := e.Low.(*cql2.Date)
		high, ok2 := e.High.(*cql2.Date)
		if e.Not || !ok1 || !ok2 || e.Arg.(*cql2.Property).Name != "date" || f.From != "" || f.To != "" {
			return false
		}
		f.From, f.To = low.Value, high.Value
		return true
	case *cql2.In:
		if e.Not || e.Arg.(*cql2.Property).Name != "event_type" || len(f.EventTypes) > 0 || len(e.List) > 50 {
			return false
		}
		for _, v := range e.List {
			f.EventTypes = append(f.EventTypes, v.(*cql2.String).Value)
		}
		return true
	}
	return false
}

// LiftBBox returns the filter with a bbox conjunct of Expr,
// S_INTERSECTS(geometry, BBOX(...)), moved into BBox when BBox is unset,
// so that listings and counts use the stores' spatial indexes and
// precomputed counts for it. ParseFilter leaves it in Expr because tile
// queries ignore BBox (the tile is the box) but must honour Expr.
func (f Filter) LiftBBox() Filter {
	if f.BBox != nil || f.Expr == nil {
		return f
	}
	parts := []cql2.Expr{f.Expr}
	if and, ok := f.Expr.(*cql2.And); ok {
		parts = and.Args
	}
	for i, p := range parts {
		sp, ok := p.(*cql2.Spatial)
		if !ok {
			continue
		}
		env, ok := sp.Right.(*cql2.Envelope)
		if !ok {
			continue
		}
		b := env.Box
		f.BBox = &b
		rest := slices.Delete(slices.Clone(parts), i, i+1)
		switch len(rest) {
		case 0:
			f.Expr = nil
		case 1:
			f.Expr = rest[0]
		default:
			f.Expr = &cql2.And{Args: rest, At: f.Expr.Pos()}
		}
		return f
	}
	return f
}

// absorbDates narrows From and To by "date op day" when that is a range.
func (f *Filter) absorbDates(op cql2.CompareOp, day string) bool {
	t, err := geo.ParseDate(day)
	if err != nil {
		return false
	}
	from, to := "", ""
	switch op {
	case cql2.Eq:
		from, to = day, day
	case cql2.Ge:
		from = day
	case cql2.Gt:
		from = t.AddDate(0, 0, 1).Format(geo.DateLayout)
	case cql2.Le:
		to = day
	case cql2.Lt:
		to = t.AddDate(0, 0, -1).Format(geo.DateLayout)
	default:
		return false
	}
	if from != "" && (f.From == "" || from > f.From) {
		f.From = from
	}
	if to != "" && (f.To == "" || to < f.To) {
		f.To = to
	}
	return true
}

// SortKey is one key of a listing's order.
type SortKey struct {
	Field string // one of SortFields
	Desc  bool
}

// SortFields are the properties a listing can be ordered by.
var SortFields = []string{"date", "fatalities", "injuries", "id"}

// defaultSort is the order of a listing without sortby.
var defaultSort = []SortKey{{Field: "date", Desc: true}, {Field: "id", Desc: true}}

// ParseSortBy parses sortby: properties separated by commas, each with an
// optional + (ascending, the default) or - (descending). A "+" sent
// unescaped in a URL arrives as a space, which is read as "+" too.
func ParseSortBy(s string) ([]SortKey, error) {
	var keys []SortKey
	seen := map[string]bool{}
	for _, part := range strings.Split(s, ",") {
		k := SortKey{}
		part = strings.TrimLeft(part, " ")
		switch {
		case strings.HasPrefix(part, "-"):
			k.Desc, part = true, part[1:]
		case strings.HasPrefix(part, "+"):
			part = part[1:]
		}
		k.Field = strings.TrimSpace(part)
		if !slices.Contains(SortFields, k.Field) {
			return nil, fieldErr("sortby", "sortby %q must list properties among %s, each with an optional + or -", Clip(s), strings.Join(SortFields, ", "))
		}
		if seen[k.Field] {
			return nil, fieldErr("sortby", "sortby names %s more than once", k.Field)
		}
		seen[k.Field] = true
		keys = append(keys, k)
	}
	if !seen["id"] {
		// id breaks ties, so that keyset paging never skips nor repeats.
		keys = append(keys, SortKey{Field: "id", Desc: keys[len(keys)-1].Desc})
	}
	if slices.Equal(keys, defaultSort) {
		return nil, nil
	}
	return keys, nil
}

// SortKeys returns the order of the filter's listing, id always last.
func (f Filter) SortKeys() []SortKey {
	if len(f.Sort) == 0 {
		return defaultSort
	}
	return f.Sort
}

// sortText is the sortby text of the filter's order, "" for the default.
func (f Filter) sortText() string {
	var parts []string
	for _, k := range f.Sort {
		if k.Desc {
			parts = append(parts, "-"+k.Field)
		} else {
			parts = append(parts, k.Field)
		}
	}
	return strings.Join(parts, ",")
}

// SortValue is the value of a sort field of the incident: the date
// string, or an int64 in which a missing number is -1, below every
// stored one. The stores order by the same values (coalesce(x, -1)).
func SortValue(in *Incident, field string) any {
	opt := func(p *int) int64 {
		if p == nil {
			return -1
		}
		return int64(*p)
	}
	switch field {
	case "date":
		return in.Date
	case "fatalities":
		return opt(in.Fatalities)
	case "injuries":
		return opt(in.Injuries)
	}
	return in.ID
}

// NextCursor returns the cursor that continues the filter's listing after
// the incident. The default order's cursors are EncodeCursor's; other
// orders' name their sortby, so that a cursor is never read in another
// order.
func (f Filter) NextCursor(in *Incident) string {
	if len(f.Sort) == 0 {
		return EncodeCursor(in.Date, in.ID)
	}
	parts := []string{"s", f.sortText()}
	for _, k := range f.Sort {
		switch v := SortValue(in, k.Field).(type) {
		case string:
			parts = append(parts, v)
		case int64:
			parts = append(parts, strconv.FormatInt(v, 10))
		}
	}
	return base64.RawURLEncoding.EncodeToString([]byte(strings.Join(parts, "|")))
}

// CursorValues returns the values of the filter's sort keys (SortKeys)
// that its cursor continues after, nil without a cursor, or a *FieldError
// on "cursor" when the cursor is not one NextCursor made for this order.
func (f Filter) CursorValues() ([]any, error) {
	if f.Cursor == "" {
		return nil, nil
	}
	if len(f.Sort) == 0 {
		date, id, err := DecodeCursor(f.Cursor)
		if err != nil {
			return nil, err
		}
		return []any{date, id}, nil
	}
	bad := fieldErr("cursor", "cursor is not one this server issued for sortby=%s", f.sortText())
	b, err := base64.RawURLEncoding.DecodeString(f.Cursor)
	if err != nil {
		return nil, bad
	}
	parts := strings.Split(string(b), "|")
	if len(parts) != 2+len(f.Sort) || parts[0] != "s" || parts[1] != f.sortText() {
		return nil, bad
	}
	vals := make([]any, len(f.Sort))
	for i, k := range f.Sort {
		p := parts[2+i]
		if k.Field == "date" {
			if _, err := time.Parse(geo.DateLayout, p); err != nil {
				return nil, bad
			}
			vals[i] = p
			continue
		}
		n, err := strconv.ParseInt(p, 10, 64)
		if err != nil || n < -1 {
			return nil, bad
		}
		vals[i] = n
	}
	return vals, nil
}
