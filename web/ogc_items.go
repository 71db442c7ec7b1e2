package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb/geojson"

	"github.com/mapd/mapd/geo"
	"github.com/mapd/mapd/incidents"
)

// Paging through incidents is keyset-based: cursor continues after the
// last incident of the previous page. To offer a prev link without
// offsets, each link also carries back, the cursors of the pages before
// the current one, oldest first, joined by backSep. The first page needs no
// cursor and is implied at the bottom of the stack. Only the last maxBack
// cursors are kept; a stack that lost older ones starts with backLost, and
// when it runs out the prev link is left out.
const (
	backSep  = "."
	backLost = "~"
	maxBack  = 100
)

// backStack is the decoded back parameter.
type backStack struct {
	cursors []string
	lost    bool // older cursors were dropped: the bottom is not the first page
}

func parseBack(s, sortby string) (backStack, error) {
	var b backStack
	if s == "" {
		return b, nil
	}
	parts := strings.Split(s, backSep)
	if parts[0] == backLost {
		b.lost = true
		parts = parts[1:]
	}
	if len(parts) > maxBack {
		return b, httpError(http.StatusBadRequest, "back", fmt.Sprintf("back holds more than %d cursors", maxBack))
	}
	for _, p := range parts {
		if _, err := incidents.ParseFilter(func(k string) []string {
			switch {
			case k == "cursor":
				return []string{p}
			case k == "sortby" && sortby != "":
				return []string{sortby}
			}
			return nil
		}); err != nil || p == "" {
			return b, httpError(http.StatusBadRequest, "back", "back is not a list of cursors this server issued")
		}
	}
	b.cursors = parts
	return b, nil
}

func (b backStack) String() string {
	parts := b.cursors
	if b.lost {
		parts = append([]string{backLost}, parts...)
	}
	return strings.Join(parts, backSep)
}

// push returns the stack with cursor on top, dropping the oldest cursor
// beyond maxBack.
func (b backStack) push(cursor string) backStack {
	cs := append(append([]string(nil), b.cursors...), cursor)
	lost := b.lost
	if len(cs) > maxBack {
		cs, lost = cs[len(cs)-maxBack:], true
	}
	return backStack{cursors: cs, lost: lost}
}

// incidentFilterKeys are the incident filter parameters the items resource
// passes on to incidents.ParseFilter unchanged.
var incidentFilterKeys = []string{"event_type", "actor", "country", "q", "min_fatalities", "from", "to", "filter", "filter-lang", "sortby", "cursor"}

// incidentItemsFilter builds the store filter and the back stack of an
// incidents items request.
func incidentItemsFilter(q url.Values) (incidents.Filter, backStack, error) {
	var none backStack
	bboxCRS, err := parseCRSParam(q, "bbox-crs")
	if err != nil {
		return incidents.Filter{}, none, err
	}
	if fc, err := parseCRSParam(q, "filter-crs"); err != nil || fc != crs84 {
		if err == nil {
			err = httpError(http.StatusBadRequest, "filter-crs", "filter-crs must be "+crs84+": filter geometries are in WGS 84 longitude, latitude")
		}
		return incidents.Filter{}, none, err
	}
	bboxText, err := single(q, "bbox")
	if err != nil {
		return incidents.Filter{}, none, err
	}
	dt, err := single(q, "datetime")
	if err != nil {
		return incidents.Filter{}, none, err
	}
	if dt != "" && (q.Has("from") || q.Has("to")) {
		return incidents.Filter{}, none, httpError(http.StatusBadRequest, "datetime", "datetime and from/to cannot be combined; use datetime alone")
	}
	f, err := incidents.ParseFilter(func(k string) []string {
		for _, a := range incidentFilterKeys {
			if k == a {
				return q[k]
			}
		}
		return nil
	})
	if err != nil {
		return incidents.Filter{}, none, err
	}
	if bboxText != "" {
		b, err := parseBBoxIn(bboxText, bboxCRS)
		if err != nil {
			return incidents.Filter{}, none, err
		}
		f.BBox = &b
	}
	if dt != "" {
		iv, err := parseDatetime(dt)
		if err != nil {
			return incidents.Filter{}, none, err
		}
		f.From, f.To = iv.From, iv.To
	}
	if f.Limit, err = parseLimit(q); err != nil {
		return incidents.Filter{}, none, err
	}
	backText, err := single(q, "back")
	if err != nil {
		return incidents.Filter{}, none, err
	}
	sortby, err := single(q, "sortby")
	if err != nil {
		return incidents.Filter{}, none, err
	}
	back, err := parseBack(backText, sortby)
	if err != nil {
		return incidents.Filter{}, none, err
	}
	if f.Cursor == "" && (len(back.cursors) > 0 || back.lost) {
		return incidents.Filter{}, none, httpError(http.StatusBadRequest, "back", "back is only meaningful with a cursor")
	}
	return f, back, nil
}

// parseDatetime parses the datetime parameter: an instant or an interval,
// either end open with ".." or empty. Incidents carry dates, so times are
// truncated to their (UTC) date; a date followed by a bare "T", as GDAL
// writes dates, is read as the date.
func parseDatetime(s string) (geo.Interval, error) {
	parts := strings.Split(s, "/")
	for i, p := range parts {
		if len(p) == len("2006-01-02T") && strings.HasSuffix(p, "T") {
			parts[i] = strings.TrimSuffix(p, "T")
		}
	}
	iv, err := geo.ParseInterval(strings.Join(parts, "/"))
	var ge *geo.Error
	if errors.As(err, &ge) {
		return geo.Interval{}, httpError(http.StatusBadRequest, "datetime",
			ge.Msg+"; datetime takes a date or RFC 3339 time, or an interval such as 2016-09-01/2016-09-30, ../2016-09-30 or 2016-09-01/..")
	} else if err != nil {
		return geo.Interval{}, err
	}
	return iv, nil
}

// pageLinks builds the links of one page of items from the request's
// query, each link rewriting a copy of it.
type pageLinks struct {
	c    *gin.Context
	q    url.Values
	html bool
}

// href returns the URL of this resource with the query edited by edit.
func (p pageLinks) href(edit func(q url.Values)) string {
	q := url.Values{}
	for k, v := range p.q {
		q[k] = append([]string(nil), v...)
	}
	edit(q)
	return absURL(p.c, p.c.Request.URL.Path, q)
}

// mediaType is the type of the page and of its next and prev links.
func (p pageLinks) mediaType() string {
	if p.html {
		return htmlType
	}
	return geoJSONType
}

// base returns self, alternate and collection links.
func (p pageLinks) base(collection string) []link {
	self := link{Href: absURL(p.c, p.c.Request.URL.Path, p.q), Rel: "self", Type: p.mediaType(), Title: "this page"}
	other, otherType := "html", htmlType
	if p.html {
		other, otherType = "json", geoJSONType
	}
	alt := link{Href: p.href(func(q url.Values) { q.Set("f", other) }), Rel: "alternate", Type: otherType, Title: "this page as " + other}
	col := link{Href: ogcURL(p.c, "/ogc/collections/"+collection, "json"), Rel: "collection", Type: jsonType, Title: "the collection"}
	return []link{self, alt, col}
}

// incidentPageLinks returns the links of a page of incidents: self,
// alternate and collection, next when there are more, and prev unless this
// is the first page or the back stack has lost it.
func incidentPageLinks(p pageLinks, cursor string, back backStack, next string) []link {
	links := p.base(incidentsID)
	setPage := func(cursor string, back backStack) func(q url.Values) {
		return func(q url.Values) {
			q.Del("cursor")
			q.Del("back")
			if cursor != "" {
				q.Set("cursor", cursor)
			}
			if s := back.String(); s != "" {
				q.Set("back", s)
			}
		}
	}
	if next != "" {
		nb := backStack{}
		if cursor != "" {
			nb = back.push(cursor)
		}
		links = append(links, link{Href: p.href(setPage(next, nb)), Rel: "next", Type: p.mediaType(), Title: "the next page"})
	}
	if cursor != "" {
		switch n := len(back.cursors); {
		case n > 0:
			prev := backStack{cursors: back.cursors[:n-1], lost: back.lost}
			links = append(links, link{Href: p.href(setPage(back.cursors[n-1], prev)), Rel: "prev", Type: p.mediaType(), Title: "the previous page"})
		case !back.lost:
			links = append(links, link{Href: p.href(setPage("", backStack{})), Rel: "prev", Type: p.mediaType(), Title: "the previous page"})
		}
	}
	return links
}

// ogcIncidentItems streams one page of incidents as a GeoJSON
// FeatureCollection, through the same store call and writer as
// /api/incidents, so a page costs the same.
func (s *Server) ogcIncidentItems(c *gin.Context) error {
	q := c.Request.URL.Query()
	if err := checkParams(q, paramNames(incidentItemsParams)); err != nil {
		return err
	}
	html, err := wantHTML(c)
	if err != nil {
		return err
	}
	f, back, err := incidentItemsFilter(q)
	if err != nil {
		return err
	}
	view, err := parseFeatureView(q)
	if err != nil {
		return err
	}
	setContentCRS(c, view.crs)
	pl := pageLinks{c: c, q: q, html: html}
	if html {
		var list []incidents.Incident
		page, err := s.cfg.Store.List(c.Request.Context(), f, func(in *incidents.Incident) error {
			view.apply(in)
			list = append(list, *in)
			return nil
		})
		if err != nil {
			return err
		}
		return renderOGC(c, "items", ogcPage{
			Title: "Incidents", Links: incidentPageLinks(pl, f.Cursor, back, page.Next),
			Matched: page.Matched, Returned: page.Returned, Table: incidentTable(c, list),
		})
	}
	fw := newFeatureWriter(c, geoJSONType)
	var page incidents.Page
	if view.props != nil || view.crs != crs84 {
		page, err = s.cfg.Store.List(c.Request.Context(), f, func(in *incidents.Incident) error {
			view.apply(in)
			return fw.write(in)
		})
	} else {
		page, err = s.listFeatures(c.Request.Context(), f, fw)
	}
	if err != nil {
		return err
	}
	return fw.close(map[string]any{
		"numberMatched":  page.Matched,
		"numberReturned": page.Returned,
		"timeStamp":      time.Now().UTC().Format(time.RFC3339),
		"links":          incidentPageLinks(pl, f.Cursor, back, page.Next),
	})
}

// featureLinks returns the links of a single feature.
func featureLinks(c *gin.Context, collection string, html bool) []link {
	links := ogcLinks(c, html, geoJSONType)
	return append(links, link{Href: ogcURL(c, "/ogc/collections/"+collection, "json"), Rel: "collection", Type: jsonType, Title: "the collection"})
}

// writeOGCFeature answers with one GeoJSON Feature and its links.
func writeOGCFeature(c *gin.Context, feat *geojson.Feature, links []link) error {
	feat.ExtraMembers = geojson.Properties{"links": links}
	b, err := json.Marshal(feat)
	if err != nil {
		return fmt.Errorf("web: encode feature: %w", err)
	}
	c.Data(http.StatusOK, geoJSONType, b)
	return nil
}

func (s *Server) ogcIncidentItem(c *gin.Context) error {
	q := c.Request.URL.Query()
	if err := checkParams(q, paramNames(incidentItemParams)); err != nil {
		return err
	}
	view, err := parseFeatureView(q)
	if err != nil {
		return err
	}
	html, err := wantHTML(c)
	if err != nil {
		return err
	}
	raw := c.Param("featureId")
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return httpError(http.StatusNotFound, "featureId", fmt.Sprintf("no incident has the id %q", clipText(raw)))
	}
	in, err := s.cfg.Store.Get(c.Request.Context(), id)
	if err != nil {
		return err
	}
	view.apply(&in)
	setContentCRS(c, view.crs)
	links := featureLinks(c, incidentsID, html)
	if html {
		return renderOGC(c, "item", ogcPage{Title: "Incident " + raw, Description: in.EventType + ", " + in.Date, Links: links, Props: featureRows(in.Feature())})
	}
	return writeOGCFeature(c, in.Feature(), links)
}

func (s *Server) ogcIncidentsSchema(c *gin.Context) error {
	if err := checkParams(c.Request.URL.Query(), []string{"f"}); err != nil {
		return err
	}
	b, err := json.Marshal(featureSchema("Incident", incidentProperties))
	if err != nil {
		return fmt.Errorf("web: encode schema: %w", err)
	}
	c.Data(http.StatusOK, schemaType, b)
	return nil
}
