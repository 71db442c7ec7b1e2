package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/mapd/mapd/gazetteer"
	"github.com/mapd/mapd/geo"
)

// placeGetter is implemented by gazetteers that look places up by id; the
// places item resource uses it when the configured gazetteer has it and
// scans the gazetteer otherwise.
type placeGetter interface {
	Get(id int64) (gazetteer.Place, bool)
}

// placeFeature returns a gazetteer place as a GeoJSON Feature.
func placeFeature(p gazetteer.Place) *geojson.Feature {
	f := geojson.NewFeature(orb.Point{p.Lon, p.Lat})
	f.ID = p.GeonameID
	f.Properties = geojson.Properties{
		"geonameid":     p.GeonameID,
		"name":          p.Name,
		"country":       p.Country,
		"admin1":        p.Admin1,
		"feature_code":  p.FeatureCode,
		"population":    p.Population,
		"geo_precision": p.GeoPrecision(),
	}
	return f
}

// ogcPlaceItems answers one page of gazetteer places, filtered by bbox and
// name, paged by offset.
func (s *Server) ogcPlaceItems(c *gin.Context) error {
	q := c.Request.URL.Query()
	if err := checkParams(q, paramNames(placeItemsParams)); err != nil {
		return err
	}
	html, err := wantHTML(c)
	if err != nil {
		return err
	}
	if !s.hasPlaces() {
		return errNoPlaces
	}
	if err := checkCRS(q); err != nil {
		return err
	}
	box := geo.World
	if v, err := single(q, "bbox"); err != nil {
		return err
	} else if v != "" {
		if box, err = parseOGCBBox(v); err != nil {
			return err
		}
	}
	name, err := single(q, "name")
	if err != nil {
		return err
	}
	if len(name) > 200 {
		return httpError(http.StatusBadRequest, "name", "name is longer than 200 bytes")
	}
	limit, err := parseLimit(q)
	if err != nil {
		return err
	}
	offset := 0
	if v, err := single(q, "offset"); err != nil {
		return err
	} else if v != "" {
		if offset, err = strconv.Atoi(v); err != nil || offset < 0 {
			return httpError(http.StatusBadRequest, "offset", fmt.Sprintf("offset %q must be an integer >= 0", clipText(v)))
		}
	}
	pd, err := s.placeData(c.Request.Context())
	if err != nil {
		return err
	}
	if pd.Gazetteer == nil {
		return errNoPlaces
	}
	places, matched := pd.Gazetteer.Within(box.MinLon, box.MinLat, box.MaxLon, box.MaxLat, name, limit, offset)

	pl := pageLinks{c: c, q: q, html: html}
	links := pl.base(placesID)
	setOffset := func(n int) func(url.Values) {
		return func(q url.Values) {
			q.Del("offset")
			if n > 0 {
				q.Set("offset", strconv.Itoa(n))
			}
		}
	}
	if offset+len(places) < matched {
		links = append(links, link{Href: pl.href(setOffset(offset + len(places))), Rel: "next", Type: pl.mediaType(), Title: "the next page"})
	}
	if offset > 0 {
		links = append(links, link{Href: pl.href(setOffset(max(0, offset-limit))), Rel: "prev", Type: pl.mediaType(), Title: "the previous page"})
	}
	if html {
		return renderOGC(c, "items", ogcPage{Title: "Places", Links: links, Matched: matched, Returned: len(places), Table: placeTable(c, places)})
	}
	features := make([]*geojson.Feature, len(places))
	for i, p := range places {
		features[i] = placeFeature(p)
	}
	b, err := json.Marshal(map[string]any{
		"type":           "FeatureCollection",
		"features":       features,
		"numberMatched":  matched,
		"numberReturned": len(places),
		"timeStamp":      time.Now().UTC().Format(time.RFC3339),
		"links":          links,
	})
	if err != nil {
		return fmt.Errorf("web: encode places: %w", err)
	}
	c.Data(http.StatusOK, geoJSONType, b)
	return nil
}

// ogcPlaceItem answers one gazetteer place by its GeoNames id.
func (s *Server) ogcPlaceItem(c *gin.Context) error {
	q := c.Request.URL.Query()
	if err := checkParams(q, paramNames(itemParams)); err != nil {
		return err
	}
	if err := checkCRS(q); err != nil {
		return err
	}
	html, err := wantHTML(c)
	if err != nil {
		return err
	}
	if !s.hasPlaces() {
		return errNoPlaces
	}
	raw := c.Param("featureId")
	notFound := httpError(http.StatusNotFound, "featureId", fmt.Sprintf("no place has the id %q", clipText(raw)))
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return notFound
	}
	pd, err := s.placeData(c.Request.Context())
	if err != nil {
		return err
	}
	if pd.Gazetteer == nil {
		return errNoPlaces
	}
	p, ok := lookupPlace(pd.Gazetteer, id)
	if !ok {
		return notFound
	}
	links := featureLinks(c, placesID, html)
	if html {
		return renderOGC(c, "item", ogcPage{Title: p.Name, Links: links, Props: featureRows(placeFeature(p))})
	}
	return writeOGCFeature(c, placeFeature(p), links)
}

// lookupPlace finds a place by id, directly when the gazetteer can and by
// scanning it otherwise.
func lookupPlace(gz Gazetteer, id int64) (gazetteer.Place, bool) {
	if g, ok := gz.(placeGetter); ok {
		return g.Get(id)
	}
	const pageSize = 10000
	for offset := 0; ; offset += pageSize {
		places, matched := gz.Within(-180, -90, 180, 90, "", pageSize, offset)
		for _, p := range places {
			if p.GeonameID == id {
				return p, true
			}
		}
		if offset+len(places) >= matched || len(places) == 0 {
			return gazetteer.Place{}, false
		}
	}
}
