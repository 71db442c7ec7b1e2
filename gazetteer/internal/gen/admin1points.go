package main

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/mapd/mapd/gazetteer"
)

// neFeature is one Natural Earth admin-1 polygon with the properties the
// generator reads: GeoNames' admin1 code (gn_a1_code, "CA.08") and the
// names it checks that code against.
type neFeature struct {
	Properties struct {
		Code    string `json:"gn_a1_code"`
		Country string `json:"iso_a2"`
		Name    string `json:"name"`
		NameEn  string `json:"name_en"`
		NameAlt string `json:"name_alt"`
		GNName  string `json:"gn_name"`
		WOEName string `json:"woe_name"`
	} `json:"properties"`
	Geometry struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	} `json:"geometry"`
}

// admin1Points returns the centre of the area (see areaCentre) of each
// GeoNames first-level region that Natural Earth's admin-1 layer (the
// GeoJSON raw) draws as one polygon or multipolygon, by admin1 code
// ("CA.08"). names gives GeoNames' name of each code. Natural Earth's
// gn_a1_code is not always GeoNames' current code (its French and Philippine
// features are departments and provinces carrying their former region's
// code), so a code is kept only when exactly one feature carries it and one
// of that feature's names matches GeoNames' name of the code (sameRegionName).
func admin1Points(raw []byte, names map[string]string) (map[string][2]float64, error) {
	var fc struct {
		Features []neFeature `json:"features"`
	}
	if err := json.Unmarshal(raw, &fc); err != nil {
		return nil, fmt.Errorf("natural earth admin-1: %w", err)
	}
	count := map[string]int{}
	for _, f := range fc.Features {
		count[f.Properties.Code]++
	}
	points := map[string][2]float64{}
	for _, f := range fc.Features {
		p := f.Properties
		gn, ok := names[p.Code]
		if !ok || count[p.Code] != 1 || !strings.HasPrefix(p.Code, p.Country+".") {
			continue
		}
		if !sameRegionName(gn, p.Name, p.NameEn, p.NameAlt, p.GNName, p.WOEName) {
			continue
		}
		polys, err := polygons(f.Geometry.Type, f.Geometry.Coordinates)
		if err != nil {
			return nil, fmt.Errorf("natural earth admin-1 %s: %w", p.Code, err)
		}
		if lat, lon, ok := areaCentre(polys); ok {
			points[p.Code] = [2]float64{lat, lon}
		}
	}
	return points, nil
}

// sameRegionName reports whether one of Natural Earth's names of a feature
// (name_alt may list several, separated by "|") names GeoNames' region gn:
// their normalised forms (gazetteer.Normalize) are equal, or, both of at
// least four letters, one begins or ends the other ("Inner Mongol" and
// "Inner Mongolia"; "Provincia de Entre Rios" and "Entre Rios").
func sameRegionName(gn string, ne ...string) bool {
	g := gazetteer.Normalize(gn)
	for _, field := range ne {
		for _, n := range strings.Split(field, "|") {
			k := gazetteer.Normalize(n)
			switch {
			case k == "":
			case k == g:
				return true
			case len(k) >= 4 && len(g) >= 4 && (strings.HasPrefix(k, g) || strings.HasPrefix(g, k) ||
				strings.HasSuffix(k, g) || strings.HasSuffix(g, k)):
				return true
			}
		}
	}
	return false
}

// polygons decodes a GeoJSON Polygon or MultiPolygon's coordinates as a
// list of polygons, each a list of rings of [lon, lat] points.
func polygons(typ string, coords json.RawMessage) ([][][][2]float64, error) {
	switch typ {
	case "Polygon":
		var p [][][2]float64
		if err := json.Unmarshal(coords, &p); err != nil {
			return nil, err
		}
		return [][][][2]float64{p}, nil
	case "MultiPolygon":
		var mp [][][][2]float64
		if err := json.Unmarshal(coords, &mp); err != nil {
			return nil, err
		}
		return mp, nil
	}
	return nil, fmt.Errorf("geometry type %q", typ)
}

// areaCentre returns the centroid of the area of polygons (rings of [lon,
// lat] points, the first ring of each its outline, the others its holes).
// Each polygon's centroid is taken in a sinusoidal projection around its
// first point's meridian, which is equal-area and unwraps the
// antimeridian (Chukotka, Fiji); the polygons' centroids are then averaged
// as unit vectors weighted by area.
func areaCentre(polys [][][][2]float64) (lat, lon float64, ok bool) {
	const rad = math.Pi / 180
	var sx, sy, sz float64
	for _, poly := range polys {
		if len(poly) == 0 || len(poly[0]) < 4 {
			continue
		}
		lon0 := poly[0][0][0]
		var area, cx, cy float64
		for i, ring := range poly {
			a, x, y := ringMoments(ring, lon0)
			// The outline counts positive and holes negative, whatever
			// the rings' winding.
			if (i == 0) != (a > 0) {
				a, x, y = -a, -x, -y
			}
			area += a
			cx += x
			cy += y
		}
		if area <= 0 {
			continue
		}
		pLat := cy / area
		pLon := lon0 + cx/area/math.Cos(pLat*rad)
		sx += area * math.Cos(pLat*rad) * math.Cos(pLon*rad)
		sy += area * math.Cos(pLat*rad) * math.Sin(pLon*rad)
		sz += area * math.Sin(pLat*rad)
	}
	if sx == 0 && sy == 0 && sz == 0 {
		return 0, 0, false
	}
	return math.Atan2(sz, math.Hypot(sx, sy)) / rad, math.Atan2(sy, sx) / rad, true
}

// ringMoments returns a ring's signed area and its first moments (the
// centroid times the area) in the sinusoidal projection x = (lon - lon0)
// cos(lat), y = lat, with longitudes unwrapped to within 180 degrees of
// lon0.
func ringMoments(ring [][2]float64, lon0 float64) (area, mx, my float64) {
	const rad = math.Pi / 180
	project := func(p [2]float64) (float64, float64) {
		d := math.Mod(p[0]-lon0+540, 360) - 180
		return d * math.Cos(p[1]*rad), p[1]
	}
	for i := range ring {
		x0, y0 := project(ring[i])
		x1, y1 := project(ring[(i+1)%len(ring)])
		c := x0*y1 - x1*y0
		area += c
		mx += (x0 + x1) * c
		my += (y0 + y1) * c
	}
	return area / 2, mx / 6, my / 6
}
