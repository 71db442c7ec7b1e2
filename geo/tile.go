package geo

import (
	"math"
	"strconv"
	"strings"
)

// MaxTileZoom is the deepest zoom level of the tile pyramid mapd serves.
const MaxTileZoom = 22

// MaxMercatorLat is the latitude where the Web Mercator square ends. Points
// further north or south lie outside every tile.
const MaxMercatorLat = 85.05112877980659

// Tile is one square of the Web Mercator tile pyramid (the XYZ scheme of
// OpenStreetMap and Mapbox): at zoom Z the world is 2^Z by 2^Z tiles, x
// growing eastwards from the antimeridian and y southwards from the top.
type Tile struct {
	Z, X, Y int
}

// String formats the tile as "z/x/y".
func (t Tile) String() string {
	return strconv.Itoa(t.Z) + "/" + strconv.Itoa(t.X) + "/" + strconv.Itoa(t.Y)
}

// Valid reports whether the zoom is in [0, MaxTileZoom] and x and y are in
// [0, 2^z).
func (t Tile) Valid() bool {
	if t.Z < 0 || t.Z > MaxTileZoom {
		return false
	}
	n := 1 << t.Z
	return t.X >= 0 && t.X < n && t.Y >= 0 && t.Y < n
}

// ParseTilePath parses a vector tile path "z/x/y.mvt". Each number must be
// plain decimal digits without sign or leading zeros, z at most
// MaxTileZoom and x and y inside the pyramid at that zoom, so that every
// tile has exactly one spelling.
func ParseTilePath(s string) (Tile, error) {
	rest, ok := strings.CutSuffix(s, ".mvt")
	if !ok {
		return Tile{}, invalid("tile", "tile path %q must be z/x/y.mvt", truncate(s, 40))
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 3 {
		return Tile{}, invalid("tile", "tile path %q must be z/x/y.mvt", truncate(s, 40))
	}
	var v [3]int
	for i, p := range parts {
		n, ok := parseTileNumber(p)
		if !ok {
			return Tile{}, invalid("tile", "tile %s %q is not a non-negative integer without leading zeros",
				[3]string{"z", "x", "y"}[i], truncate(p, 20))
		}
		v[i] = n
	}
	t := Tile{Z: v[0], X: v[1], Y: v[2]}
	if t.Z > MaxTileZoom {
		return Tile{}, invalid("tile", "tile zoom %d is outside [0, %d]", t.Z, MaxTileZoom)
	}
	if !t.Valid() {
		return Tile{}, invalid("tile", "tile %s is outside the pyramid: x and y must be in [0, %d] at zoom %d",
			t, (1<<t.Z)-1, t.Z)
	}
	return t, nil
}

// parseTileNumber accepts 1 to 7 decimal digits without a leading zero
// (2^22 has 7 digits), so the value never overflows.
func parseTileNumber(s string) (int, bool) {
	if s == "" || len(s) > 7 || (len(s) > 1 && s[0] == '0') {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// MercatorFraction returns the position of a point in the unit Web
// Mercator square: fx grows eastwards from the antimeridian, fy southwards
// from MaxMercatorLat, both in [0, 1] for points the projection can show.
// The formula is the one the SQLite cluster triggers use, so that Go and
// SQL put a point in the same cell.
func MercatorFraction(lon, lat float64) (fx, fy float64) {
	fx = (lon + 180) / 360
	r := lat * math.Pi / 180
	fy = (1 - math.Log(math.Tan(r)+1/math.Cos(r))/math.Pi) / 2
	return fx, fy
}

// TileAt returns the tile of zoom z that holds the point, and false when
// the point lies beyond MaxMercatorLat. Tiles are half-open: a point on the
// edge between two tiles belongs to the eastern or southern one; points on
// the antimeridian at 180 and on the southern edge of the pyramid belong
// to the last column and row.
func TileAt(lon, lat float64, z int) (Tile, bool) {
	if math.IsNaN(lon) || math.IsNaN(lat) || lat < -MaxMercatorLat || lat > MaxMercatorLat || lon < -180 || lon > 180 {
		return Tile{}, false
	}
	fx, fy := MercatorFraction(lon, lat)
	n := 1 << z
	return Tile{Z: z, X: clampCell(fx, n), Y: clampCell(fy, n)}, true
}

func clampCell(f float64, n int) int {
	c := int(math.Floor(f * float64(n)))
	return min(max(c, 0), n-1)
}

// Contains reports whether the point lies in the tile (see TileAt for
// which tile owns a point on an edge).
func (t Tile) Contains(lon, lat float64) bool {
	u, ok := TileAt(lon, lat, t.Z)
	return ok && u == t
}

// BBox returns the tile's bounds in degrees.
func (t Tile) BBox() BBox {
	n := float64(int(1) << t.Z)
	return BBox{
		MinLon: float64(t.X)/n*360 - 180,
		MaxLon: float64(t.X+1)/n*360 - 180,
		MinLat: mercatorLat(float64(t.Y+1) / n),
		MaxLat: mercatorLat(float64(t.Y) / n),
	}
}

// mercatorLat is the latitude of the unit-square row fy.
func mercatorLat(fy float64) float64 {
	return math.Atan(math.Sinh(math.Pi*(1-2*fy))) * 180 / math.Pi
}

// Parent returns the tile at zoom z (<= t.Z) that contains t.
func (t Tile) Parent(z int) Tile {
	s := t.Z - z
	return Tile{Z: z, X: t.X >> s, Y: t.Y >> s}
}

// Pixel returns the point's position inside the tile on a grid of extent
// by extent pixels (4096 in vector tiles), clamped to the grid, with y
// growing downwards.
func (t Tile) Pixel(lon, lat float64, extent int) (px, py int) {
	fx, fy := MercatorFraction(lon, lat)
	n := float64(int(1) << t.Z)
	px = int(math.Floor((fx*n - float64(t.X)) * float64(extent)))
	py = int(math.Floor((fy*n - float64(t.Y)) * float64(extent)))
	return min(max(px, 0), extent-1), min(max(py, 0), extent-1)
}
