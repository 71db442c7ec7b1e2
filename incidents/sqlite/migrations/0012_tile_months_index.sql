-- 0012: incidents_tile_months orders the points by month, then as
-- incidents_tile_points does (level-14 column, latitude), with every column
-- a tile needs and the level-17 cell. A date-filtered tile reads, for each
-- month of the filter, the run of each of its columns within its latitudes:
-- the tile's incidents of those months and no others, where a date walk
-- (incidents_tile_scan, dropped here) read every incident of the dates and
-- the point index every incident of the tile.
CREATE INDEX incidents_tile_months ON incidents (substr(date, 1, 7),
    CAST(floor((lon + 180.0) / 360.0 * 16384) AS INTEGER), lat, lon, date, event_type, fatalities,
    min(131071, max(0, CAST(floor((lon + 180.0) / 360.0 * 131072) AS INTEGER))),
    min(131071, max(0, CAST(floor((1.0 - ln(tan(lat * pi() / 180.0) + 1.0 / cos(lat * pi() / 180.0)) / pi()) / 2.0 * 131072) AS INTEGER))));
DROP INDEX incidents_tile_scan;
