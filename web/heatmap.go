package web

import (
	"context"
	"math"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/mapd/mapd/incidents"
)

// HeatStore is what the heat map needs from incident storage, beyond
// Store. A store that does not have it answers 501.
type HeatStore interface {
	// Heat returns the filter's matches aggregated into the tiles of zoom
	// z, coarser when that gives more than maxPoints cells.
	Heat(ctx context.Context, f incidents.Filter, z, maxPoints int) ([]incidents.HeatPoint, error)
}

// Heat map bounds: the cells are the tiles of the map's zoom plus
// heatDepth (8 pixels on a 256-pixel tile), at most maxHeatPoints of them.
const (
	heatDepth      = 5
	maxHeatPoints  = 20000
	maxHeatZoom    = 24
	heatPointsHelp = "zoom must be an integer in [0, 24]"
)

// heatmap answers GET /api/heatmap?zoom=Z&filters...: the matches of the
// filters (bbox included) as weighted points, one per cell of the tiles of
// zoom Z + 5, as {"zoom":..., "points":[[lon, lat, count, fatalities], ...]}.
func (s *Server) heatmap(c *gin.Context) error {
	hs, ok := s.cfg.Store.(HeatStore)
	if !ok {
		return httpError(http.StatusNotImplemented, "", "this server's store does not serve heat maps")
	}
	f, err := queryFilter(c, "zoom")
	if err != nil {
		return err
	}
	zoom := 6
	if v := c.Query("zoom"); v != "" {
		if zoom, err = strconv.Atoi(v); err != nil || zoom < 0 || zoom > maxHeatZoom {
			return httpError(http.StatusBadRequest, "zoom", heatPointsHelp)
		}
	}
	pts, err := hs.Heat(c.Request.Context(), f, min(zoom+heatDepth, maxHeatZoom), maxHeatPoints)
	if err != nil {
		return err
	}
	out := make([][4]float64, len(pts))
	for i, p := range pts {
		out[i] = [4]float64{round6(p.Lon), round6(p.Lat), float64(p.Count), float64(p.Fatalities)}
	}
	c.JSON(http.StatusOK, gin.H{"zoom": zoom, "points": out})
	return nil
}

func round6(v float64) float64 { return math.Round(v*1e6) / 1e6 }
