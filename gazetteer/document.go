package gazetteer

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Mention is one place name in a document, as the text wrote it.
type Mention struct {
	// Name is the name as written. It may carry a qualifier after a comma
	// ("Springfield, Mass.", "Raqqa, Syria") and region or nearness words
	// ("Homs province", "near Aleppo"), as in Query.Name.
	Name string
	// Country is an optional ISO 3166-1 alpha-2 hint for this name alone.
	// It overrides the document's WithCountry hint.
	Country string
	// Within lists the areas the text puts the place in, as written:
	// "Homs province" for "Talbiseh, in Homs province", "Massachusetts"
	// for "Springfield in western Massachusetts". Names the gazetteer does
	// not know as a country or region are ignored.
	Within []string
}

// Option adjusts ResolveDocument.
type Option func(*documentOptions)

type documentOptions struct {
	country string
	limit   int
}

// WithCountry hints the country (ISO 3166-1 alpha-2) of every mention that
// has no hint of its own, as "mapd geocode --country" does.
func WithCountry(cc string) Option {
	return func(o *documentOptions) { o.country = strings.ToUpper(strings.TrimSpace(cc)) }
}

// WithLimit sets the number of candidates per mention, the match included:
// 5 by default, at most 100.
func WithLimit(n int) Option {
	return func(o *documentOptions) { o.limit = n }
}

// ResolveDocument resolves the place names of one document together, so
// that each is read in the light of the others: the countries and regions
// they resolve to, the places they are near, and the containment the text
// states. It returns one Result per mention, in order. A mention whose name
// is invalid gets a Result with a nil Match and Err wrapping
// ErrInvalidQuery; the others are still resolved. The error is non-nil only
// when ctx ends.
//
// Context breaks ties between plausible readings; it never turns a capital
// into a village abroad of the same name.
func (g *Gazetteer) ResolveDocument(ctx context.Context, doc []Mention, opts ...Option) ([]Result, error) {
	o := documentOptions{limit: 5}
	for _, opt := range opts {
		opt(&o)
	}
	out := make([]Result, len(doc))
	// First pass: each name alone, for the countries of the document.
	matched := make([]string, len(doc))
	found := map[string]int{}
	for i, m := range doc {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("gazetteer: %w", err)
			}
		}
		res, err := g.Resolve(ctx, g.mentionQuery(m, o, 1))
		switch {
		case errors.Is(err, ErrInvalidQuery):
			out[i] = Result{Query: m.Name, Alternatives: []Match{}, Err: err}
		case err != nil:
			return nil, err
		case res.Match != nil:
			matched[i] = res.Match.Country
			found[res.Match.Country]++
		}
	}
	// Second pass: each name with the countries of the others.
	others := make([]string, 0, len(found))
	for i, m := range doc {
		if out[i].Err != nil {
			continue
		}
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("gazetteer: %w", err)
			}
		}
		q := g.mentionQuery(m, o, o.limit)
		if q.Country == "" {
			others = others[:0]
			for cc, n := range found {
				if cc == matched[i] {
					n--
				}
				if n > 0 {
					others = append(others, cc)
				}
			}
			q.Context = others
		}
		res, err := g.Resolve(ctx, q)
		if err != nil {
			return nil, err
		}
		out[i] = res
	}
	return out, nil
}

// mentionQuery is the query for a mention alone.
func (g *Gazetteer) mentionQuery(m Mention, o documentOptions, limit int) Query {
	q := Query{Name: m.Name, Country: strings.ToUpper(strings.TrimSpace(m.Country)), Within: m.Within, Limit: limit}
	if q.Country == "" {
		q.Country = o.country
	}
	return q
}
