package web

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"sort"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/mapd/mapd/gazetteer"
	"github.com/mapd/mapd/incidents"
)

//go:embed templates/ogc/*.html
var ogcTemplateFS embed.FS

// ogcTemplates renders the HTML representation of every OGC resource:
// one escaped page without script, as the security headers require.
var ogcTemplates = template.Must(template.ParseFS(ogcTemplateFS, "templates/ogc/*.html"))

// ogcPage is what the HTML page shows; empty parts are left out.
type ogcPage struct {
	Kind        string // landing, conformance, collections, collection, items, item
	Title       string
	Description string
	Links       []link
	List        []string
	Collections []htmlCollection
	Paged       bool
	Matched     int
	Returned    int
	Table       *htmlTable
	Props       [][2]string
}

type htmlCollection struct {
	Info      collectionInfo
	HTMLHref  string
	ItemsHref string
}

// htmlTable is a table of features, the first cell of a row linking to the
// feature when Href is set.
type htmlTable struct {
	Head []string
	Rows []htmlRow
}

type htmlRow struct {
	Href  string
	Cells []string
}

// renderOGC writes page as HTML. It renders into a buffer first so that a
// template error is still a clean error response.
func renderOGC(c *gin.Context, kind string, page ogcPage) error {
	page.Kind = kind
	page.Paged = kind == "items"
	var buf bytes.Buffer
	if err := ogcTemplates.ExecuteTemplate(&buf, "page.html", page); err != nil {
		return fmt.Errorf("web: render %s: %w", kind, err)
	}
	c.Data(http.StatusOK, "text/html; charset=utf-8", buf.Bytes())
	return nil
}

// htmlCollections pairs collections with the links the page shows.
func htmlCollections(c *gin.Context, cols []collectionInfo) []htmlCollection {
	out := make([]htmlCollection, len(cols))
	for i, ci := range cols {
		out[i] = htmlCollection{
			Info:      ci,
			HTMLHref:  ogcURL(c, "/ogc/collections/"+ci.ID, "html"),
			ItemsHref: ogcURL(c, "/ogc/collections/"+ci.ID+"/items", "html"),
		}
	}
	return out
}

func incidentTable(c *gin.Context, list []incidents.Incident) *htmlTable {
	t := &htmlTable{Head: []string{"id", "date", "event_type", "sub_event_type", "actor1", "actor2", "place", "country", "fatalities", "lon", "lat"}}
	for _, in := range list {
		id := strconv.FormatInt(in.ID, 10)
		fat, lon, lat := "", "", ""
		if in.Fatalities != nil {
			fat = strconv.Itoa(*in.Fatalities)
		}
		if in.HasPoint() {
			lon, lat = formatCoord(*in.Lon), formatCoord(*in.Lat)
		}
		t.Rows = append(t.Rows, htmlRow{
			Href:  ogcURL(c, "/ogc/collections/incidents/items/"+id, "html"),
			Cells: []string{id, in.Date, in.EventType, in.SubEventType, in.Actor1, in.Actor2, in.Place, in.Country, fat, lon, lat},
		})
	}
	return t
}

func placeTable(c *gin.Context, list []gazetteer.Place) *htmlTable {
	t := &htmlTable{Head: []string{"geonameid", "name", "country", "admin1", "feature_code", "population", "lon", "lat"}}
	for _, p := range list {
		id := strconv.FormatInt(p.GeonameID, 10)
		t.Rows = append(t.Rows, htmlRow{
			Href: ogcURL(c, "/ogc/collections/places/items/"+id, "html"),
			Cells: []string{id, p.Name, p.Country, p.Admin1, p.FeatureCode, strconv.FormatInt(p.Population, 10),
				formatCoord(p.Lon), formatCoord(p.Lat)},
		})
	}
	return t
}

func formatCoord(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// featureRows lists a feature's properties by name, values as text, and
// its point last.
func featureRows(f *geojson.Feature) [][2]string {
	rows := propertyRows(f.Properties)
	if pt, ok := f.Geometry.(orb.Point); ok && f.Geometry != nil {
		rows = append(rows, [2]string{"geometry", "POINT (" + formatCoord(pt.Lon()) + " " + formatCoord(pt.Lat()) + ")"})
	}
	return rows
}

// propertyRows lists feature properties by name, values as text.
func propertyRows(props map[string]any) [][2]string {
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	rows := make([][2]string, 0, len(keys))
	for _, k := range keys {
		v := props[k]
		s, ok := v.(string)
		if !ok {
			b, err := json.Marshal(v)
			if err != nil {
				s = fmt.Sprint(v)
			} else {
				s = string(b)
			}
		}
		rows = append(rows, [2]string{k, s})
	}
	return rows
}
