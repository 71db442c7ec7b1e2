package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
)

// reverseGeocode answers the populated place nearest to lat, lon, with its
// region (admin1) and country, for the map's editor.
func (s *Server) reverseGeocode(c *gin.Context) error {
	q := c.Request.URL.Query()
	if err := checkParams(q, []string{"lat", "lon"}); err != nil {
		return err
	}
	if s.cfg.Reverser == nil && s.cfg.LoadPlaces == nil {
		return httpError(http.StatusServiceUnavailable, "", "no gazetteer is loaded")
	}
	lat, err := coordParam(q.Get("lat"), "lat", 90)
	if err != nil {
		return err
	}
	lon, err := coordParam(q.Get("lon"), "lon", 180)
	if err != nil {
		return err
	}
	places, err := s.placeData(c.Request.Context())
	if err != nil {
		return err
	}
	if places.Reverser == nil {
		return httpError(http.StatusServiceUnavailable, "", "no gazetteer is loaded")
	}
	p, ok := places.Reverser.Nearest(lat, lon)
	if !ok {
		return httpError(http.StatusNotFound, "", fmt.Sprintf("no populated place within about 500 km of %g, %g", lat, lon))
	}
	c.Header("Cache-Control", "public, max-age=3600")
	c.JSON(http.StatusOK, gin.H{
		"type":     "Feature",
		"geometry": gin.H{"type": "Point", "coordinates": []float64{p.Lon, p.Lat}},
		"properties": gin.H{
			"geonameid": p.GeonameID, "name": p.Name, "admin1": p.Admin1, "country": p.Country,
			"feature_code": p.FeatureCode, "population": p.Population, "distance_km": p.DistanceKm,
		},
	})
	return nil
}

// coordParam parses a required coordinate within [-limit, limit].
func coordParam(v, name string, limit float64) (float64, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, httpError(http.StatusBadRequest, name, name+" is required")
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f != f || f < -limit || f > limit {
		return 0, httpError(http.StatusBadRequest, name, fmt.Sprintf("%s %q must be a number in [%g, %g]", name, clipText(v), -limit, limit))
	}
	return f, nil
}
