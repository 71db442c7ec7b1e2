// Package geoparse reads the gold toponyms of the geoparsing corpora in
// ../shared/geoparse (TR-News, LGL, GeoVirus; see that folder's README) for
// the gazetteer's evaluation and weight fitting. It reads them at run time;
// nothing of them is kept in the project.
package geoparse

import (
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Toponym is one gold place name: as written, with its gold point when the
// corpus has one and its country's name when the corpus gives it.
type Toponym struct {
	Phrase   string
	Lat, Lon float64
	HasPoint bool
	Country  string
}

// Corpora are the corpus files, by the name the tables show.
var Corpora = []struct{ Name, File string }{
	{"LGL", "lgl.xml"}, {"TR-News", "TR-News.xml"}, {"GeoVirus", "GeoVirus.xml"},
}

type lglXML struct {
	Articles []struct {
		Toponyms []struct {
			Phrase string `xml:"phrase"`
			Gaztag *struct {
				Lat     string `xml:"lat"`
				Lon     string `xml:"lon"`
				Country string `xml:"country"`
			} `xml:"gaztag"`
		} `xml:"toponyms>toponym"`
	} `xml:"article"`
}

type geoVirusXML struct {
	Articles []struct {
		Locations []struct {
			Name string `xml:"name"`
			Lat  string `xml:"lat"`
			Lon  string `xml:"lon"`
		} `xml:"locations>location"`
	} `xml:"article"`
}

// Read returns the gold toponyms of a corpus file, one slice per article,
// in the order of the text.
func Read(path string) ([][]Toponym, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var docs [][]Toponym
	if strings.Contains(filepath.Base(path), "GeoVirus") {
		var x geoVirusXML
		if err := xml.Unmarshal(data, &x); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		for _, a := range x.Articles {
			var doc []Toponym
			for _, l := range a.Locations {
				t := Toponym{Phrase: l.Name}
				t.Lat, t.Lon, t.HasPoint = point(l.Lat, l.Lon)
				doc = append(doc, t)
			}
			docs = append(docs, doc)
		}
		return docs, nil
	}
	var x lglXML
	if err := xml.Unmarshal(data, &x); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for _, a := range x.Articles {
		var doc []Toponym
		for _, tp := range a.Toponyms {
			t := Toponym{Phrase: tp.Phrase}
			if tp.Gaztag != nil {
				t.Lat, t.Lon, t.HasPoint = point(tp.Gaztag.Lat, tp.Gaztag.Lon)
				t.Country = strings.TrimSpace(tp.Gaztag.Country)
			}
			doc = append(doc, t)
		}
		docs = append(docs, doc)
	}
	return docs, nil
}

func point(lat, lon string) (float64, float64, bool) {
	a, err1 := strconv.ParseFloat(strings.TrimSpace(lat), 64)
	b, err2 := strconv.ParseFloat(strings.TrimSpace(lon), 64)
	return a, b, err1 == nil && err2 == nil
}

// Dev reports whether article i of a corpus is in the development split the
// gazetteer is tuned and its ranking weights fitted on: the even-numbered
// articles of each corpus. The odd-numbered ones are held out. (Until
// December 2026 the split was LGL's even-numbered articles alone; it was
// widened so that international news, not only US local news, is looked
// at when tuning.)
func Dev(corpus string, i int) bool { return i%2 == 0 }
