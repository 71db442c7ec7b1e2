-- 0007: tile_cells_monthly is tile_cells split by month ('YYYY-MM', from the
-- incident's date), so that a date-filtered tile at low zoom reads the cells
-- of the filter's whole months instead of every incident of the tile; only
-- the days of a partial first or last month are read from the incidents.
-- Rows are ordered by level and month first, so the months of a filter are
-- contiguous runs. Levels (tile_month_levels) are those of tile_cells but
-- 17, whose cells hold about one incident each: tiles deep enough to need
-- them hold few enough incidents to read.
CREATE TABLE tile_month_levels (level INTEGER PRIMARY KEY);
INSERT INTO tile_month_levels (level) VALUES (5), (8), (11), (14);

CREATE TABLE tile_cells_monthly (
    level      INTEGER NOT NULL,
    month      TEXT    NOT NULL,
    cx         INTEGER NOT NULL,
    cy         INTEGER NOT NULL,
    event_type TEXT    NOT NULL,
    n          INTEGER NOT NULL,
    fatalities INTEGER NOT NULL,
    sum_lon    REAL    NOT NULL,
    sum_lat    REAL    NOT NULL,
    PRIMARY KEY (level, month, cx, cy, event_type)
) WITHOUT ROWID;

INSERT INTO tile_cells_monthly (level, month, cx, cy, event_type, n, fatalities, sum_lon, sum_lat)
    SELECT 14, substr(i.date, 1, 7),
           min(131071, max(0, CAST(floor((i.lon + 180.0) / 360.0 * 131072) AS INTEGER))) >> 3,
           min(131071, max(0, CAST(floor((1.0 - ln(tan(i.lat * pi() / 180.0) + 1.0 / cos(i.lat * pi() / 180.0)) / pi()) / 2.0 * 131072) AS INTEGER))) >> 3,
           i.event_type, count(*), sum(coalesce(i.fatalities, 0)), sum(i.lon), sum(i.lat)
    FROM incidents i
    WHERE i.lat BETWEEN -85.05112877980659 AND 85.05112877980659
    GROUP BY 2, 3, 4, 5;
INSERT INTO tile_cells_monthly (level, month, cx, cy, event_type, n, fatalities, sum_lon, sum_lat)
    SELECT 11, month, cx >> 3, cy >> 3, event_type, sum(n), sum(fatalities), sum(sum_lon), sum(sum_lat)
    FROM tile_cells_monthly WHERE level = 14 GROUP BY 2, 3, 4, 5;
INSERT INTO tile_cells_monthly (level, month, cx, cy, event_type, n, fatalities, sum_lon, sum_lat)
    SELECT 8, month, cx >> 3, cy >> 3, event_type, sum(n), sum(fatalities), sum(sum_lon), sum(sum_lat)
    FROM tile_cells_monthly WHERE level = 11 GROUP BY 2, 3, 4, 5;
INSERT INTO tile_cells_monthly (level, month, cx, cy, event_type, n, fatalities, sum_lon, sum_lat)
    SELECT 5, month, cx >> 3, cy >> 3, event_type, sum(n), sum(fatalities), sum(sum_lon), sum(sum_lat)
    FROM tile_cells_monthly WHERE level = 8 GROUP BY 2, 3, 4, 5;

CREATE TRIGGER tile_cells_monthly_ai AFTER INSERT ON incidents BEGIN
    INSERT INTO tile_cells_monthly (level, month, cx, cy, event_type, n, fatalities, sum_lon, sum_lat)
        SELECT l.level, substr(new.date, 1, 7), c.x >> (17 - l.level), c.y >> (17 - l.level), new.event_type,
               1, coalesce(new.fatalities, 0), new.lon, new.lat
        FROM tile_month_levels l,
             (SELECT min(131071, max(0, CAST(floor((new.lon + 180.0) / 360.0 * 131072) AS INTEGER))) AS x,
                 min(131071, max(0, CAST(floor((1.0 - ln(tan(new.lat * pi() / 180.0) + 1.0 / cos(new.lat * pi() / 180.0)) / pi()) / 2.0 * 131072) AS INTEGER))) AS y) c
        WHERE new.lat BETWEEN -85.05112877980659 AND 85.05112877980659
        ON CONFLICT (level, month, cx, cy, event_type) DO UPDATE SET
            n = n + 1, fatalities = fatalities + excluded.fatalities,
            sum_lon = sum_lon + excluded.sum_lon, sum_lat = sum_lat + excluded.sum_lat;
END;

CREATE TRIGGER tile_cells_monthly_ad AFTER DELETE ON incidents BEGIN
    UPDATE tile_cells_monthly SET n = n - 1, fatalities = fatalities - coalesce(old.fatalities, 0),
            sum_lon = sum_lon - old.lon, sum_lat = sum_lat - old.lat
        WHERE (level, month, cx, cy, event_type) IN (SELECT l.level, substr(old.date, 1, 7), c.x >> (17 - l.level), c.y >> (17 - l.level), old.event_type
             FROM tile_month_levels l,
                  (SELECT min(131071, max(0, CAST(floor((old.lon + 180.0) / 360.0 * 131072) AS INTEGER))) AS x,
                 min(131071, max(0, CAST(floor((1.0 - ln(tan(old.lat * pi() / 180.0) + 1.0 / cos(old.lat * pi() / 180.0)) / pi()) / 2.0 * 131072) AS INTEGER))) AS y) c
             WHERE old.lat BETWEEN -85.05112877980659 AND 85.05112877980659);
    DELETE FROM tile_cells_monthly WHERE n <= 0 AND (level, month, cx, cy, event_type) IN (SELECT l.level, substr(old.date, 1, 7), c.x >> (17 - l.level), c.y >> (17 - l.level), old.event_type
             FROM tile_month_levels l,
                  (SELECT min(131071, max(0, CAST(floor((old.lon + 180.0) / 360.0 * 131072) AS INTEGER))) AS x,
                 min(131071, max(0, CAST(floor((1.0 - ln(tan(old.lat * pi() / 180.0) + 1.0 / cos(old.lat * pi() / 180.0)) / pi()) / 2.0 * 131072) AS INTEGER))) AS y) c
             WHERE old.lat BETWEEN -85.05112877980659 AND 85.05112877980659);
END;

CREATE TRIGGER tile_cells_monthly_au AFTER UPDATE OF lon, lat, event_type, fatalities, date ON incidents
WHEN old.lon IS NOT new.lon OR old.lat IS NOT new.lat OR old.event_type IS NOT new.event_type
    OR old.fatalities IS NOT new.fatalities OR substr(old.date, 1, 7) IS NOT substr(new.date, 1, 7)
BEGIN
    UPDATE tile_cells_monthly SET n = n - 1, fatalities = fatalities - coalesce(old.fatalities, 0),
            sum_lon = sum_lon - old.lon, sum_lat = sum_lat - old.lat
        WHERE (level, month, cx, cy, event_type) IN (SELECT l.level, substr(old.date, 1, 7), c.x >> (17 - l.level), c.y >> (17 - l.level), old.event_type
             FROM tile_month_levels l,
                  (SELECT min(131071, max(0, CAST(floor((old.lon + 180.0) / 360.0 * 131072) AS INTEGER))) AS x,
                 min(131071, max(0, CAST(floor((1.0 - ln(tan(old.lat * pi() / 180.0) + 1.0 / cos(old.lat * pi() / 180.0)) / pi()) / 2.0 * 131072) AS INTEGER))) AS y) c
             WHERE old.lat BETWEEN -85.05112877980659 AND 85.05112877980659);
    DELETE FROM tile_cells_monthly WHERE n <= 0 AND (level, month, cx, cy, event_type) IN (SELECT l.level, substr(old.date, 1, 7), c.x >> (17 - l.level), c.y >> (17 - l.level), old.event_type
             FROM tile_month_levels l,
                  (SELECT min(131071, max(0, CAST(floor((old.lon + 180.0) / 360.0 * 131072) AS INTEGER))) AS x,
                 min(131071, max(0, CAST(floor((1.0 - ln(tan(old.lat * pi() / 180.0) + 1.0 / cos(old.lat * pi() / 180.0)) / pi()) / 2.0 * 131072) AS INTEGER))) AS y) c
             WHERE old.lat BETWEEN -85.05112877980659 AND 85.05112877980659);
    INSERT INTO tile_cells_monthly (level, month, cx, cy, event_type, n, fatalities, sum_lon, sum_lat)
        SELECT l.level, substr(new.date, 1, 7), c.x >> (17 - l.level), c.y >> (17 - l.level), new.event_type,
               1, coalesce(new.fatalities, 0), new.lon, new.lat
        FROM tile_month_levels l,
             (SELECT min(131071, max(0, CAST(floor((new.lon + 180.0) / 360.0 * 131072) AS INTEGER))) AS x,
                 min(131071, max(0, CAST(floor((1.0 - ln(tan(new.lat * pi() / 180.0) + 1.0 / cos(new.lat * pi() / 180.0)) / pi()) / 2.0 * 131072) AS INTEGER))) AS y) c
        WHERE new.lat BETWEEN -85.05112877980659 AND 85.05112877980659
        ON CONFLICT (level, month, cx, cy, event_type) DO UPDATE SET
            n = n + 1, fatalities = fatalities + excluded.fatalities,
            sum_lon = sum_lon + excluded.sum_lon, sum_lat = sum_lat + excluded.sum_lat;
END;

-- The two scan indexes of tiles also carry each point's level-17 cell, as
-- the expressions the cell triggers compute, so that clustering a scan
-- reads the cells from the index instead of computing a logarithm, a
-- tangent and a cosine per row. incidents_tile_scan walks a date range
-- (the days of a partial month, or a crowded filtered tile);
-- incidents_tile_points walks the points of a tile.
DROP INDEX incidents_tile_scan;
CREATE INDEX incidents_tile_scan ON incidents (date,
    min(131071, max(0, CAST(floor((lon + 180.0) / 360.0 * 131072) AS INTEGER))),
    min(131071, max(0, CAST(floor((1.0 - ln(tan(lat * pi() / 180.0) + 1.0 / cos(lat * pi() / 180.0)) / pi()) / 2.0 * 131072) AS INTEGER))),
    event_type, fatalities, lon, lat);
DROP INDEX incidents_tile_points;
CREATE INDEX incidents_tile_points ON incidents (
    CAST(floor((lon + 180.0) / 360.0 * 16384) AS INTEGER), lat, lon, event_type, date, fatalities,
    min(131071, max(0, CAST(floor((lon + 180.0) / 360.0 * 131072) AS INTEGER))),
    min(131071, max(0, CAST(floor((1.0 - ln(tan(lat * pi() / 180.0) + 1.0 / cos(lat * pi() / 180.0)) / pi()) / 2.0 * 131072) AS INTEGER))));
