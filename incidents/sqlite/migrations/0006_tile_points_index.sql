-- 0006: incidents_tile_points holds every column a point tile needs, ordered
-- by column of level-14 tiles (about 2.4 km wide) and then latitude, so the
-- points of a tile of zoom 9 and deeper are read from a few contiguous runs
-- of this index: one run per level-14 column the tile spans, bounded by the
-- tile's latitudes. It replaces a join of the R*Tree with the table, which
-- read one table page per point.
CREATE INDEX incidents_tile_points ON incidents (
    CAST(floor((lon + 180.0) / 360.0 * 16384) AS INTEGER), lat, lon, event_type, date, fatalities);
