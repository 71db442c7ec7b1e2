-- 0002: what vector tiles need: a data version that every write bumps, and
-- cluster cells precomputed at a few zoom levels so that a low-zoom tile over
-- a million incidents reads a few thousand cell rows instead of the incidents.
--
-- data_version is a single counter bumped by triggers in the writing
-- transaction. Unlike PRAGMA data_version, whose value is private to each
-- connection (so a pool of readers cannot compare it), it is one number every
-- connection and every process sees (a `mapd import` into the file of a
-- running server included), and it only moves when incidents change.
CREATE TABLE data_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO data_version (id, version) VALUES (1, 0);

CREATE TRIGGER incidents_version_ai AFTER INSERT ON incidents BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER incidents_version_au AFTER UPDATE ON incidents BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER incidents_version_ad AFTER DELETE ON incidents BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;

-- tile_cells aggregates the incidents by Web Mercator cell (the tile of zoom
-- `level` holding the point) and event type: how many, their fatalities,
-- and the sums of their coordinates (for the centroid). Cells are computed
-- once at level 17 and shifted down to the coarser levels, so a point is in
-- the same cell at every level that contains it. Incidents beyond the
-- Mercator latitude limit are in no cell. Levels three apart serve the 8x8
-- cluster grid of every tile up to zoom 14 from at most 4^5 cells per event
-- type; the store reads the levels from tile_levels.
-- incidents_tile_scan holds every column a tile needs, in date order, so
-- that a date-filtered tile over a crowded area reads the date range of this
-- index instead of every incident of the area one by one.
CREATE INDEX incidents_tile_scan ON incidents (date, lat, lon, event_type, fatalities);

CREATE TABLE tile_levels (level INTEGER PRIMARY KEY);
INSERT INTO tile_levels (level) VALUES (5), (8), (11), (14), (17);

CREATE TABLE tile_cells (
    level      INTEGER NOT NULL,
    cx         INTEGER NOT NULL,
    cy         INTEGER NOT NULL,
    event_type TEXT    NOT NULL,
    n          INTEGER NOT NULL,
    fatalities INTEGER NOT NULL,
    sum_lon    REAL    NOT NULL,
    sum_lat    REAL    NOT NULL,
    PRIMARY KEY (level, cx, cy, event_type)
) WITHOUT ROWID;

INSERT INTO tile_cells (level, cx, cy, event_type, n, fatalities, sum_lon, sum_lat)
    SELECT l.level, c.x >> (17 - l.level), c.y >> (17 - l.level), c.event_type,
           count(*), sum(c.fatalities), sum(c.lon), sum(c.lat)
    FROM tile_levels l,
         (SELECT min(131071, max(0, CAST(floor((i.lon + 180.0) / 360.0 * 131072) AS INTEGER))) AS x,
                 min(131071, max(0, CAST(floor((1.0 - ln(tan(i.lat * pi() / 180.0) + 1.0 / cos(i.lat * pi() / 180.0)) / pi()) / 2.0 * 131072) AS INTEGER))) AS y,
                 i.event_type, coalesce(i.fatalities, 0) AS fatalities, i.lon, i.lat
          FROM incidents i
          WHERE i.lat BETWEEN -85.05112877980659 AND 85.05112877980659) c
    GROUP BY 1, 2, 3, 4;

CREATE TRIGGER tile_cells_ai AFTER INSERT ON incidents BEGIN
    INSERT INTO tile_cells (level, cx, cy, event_type, n, fatalities, sum_lon, sum_lat)
        SELECT l.level, c.x >> (17 - l.level), c.y >> (17 - l.level), new.event_type, 1, coalesce(new.fatalities, 0), new.lon, new.lat
        FROM tile_levels l,
             (SELECT min(131071, max(0, CAST(floor((new.lon + 180.0) / 360.0 * 131072) AS INTEGER))) AS x,
                 min(131071, max(0, CAST(floor((1.0 - ln(tan(new.lat * pi() / 180.0) + 1.0 / cos(new.lat * pi() / 180.0)) / pi()) / 2.0 * 131072) AS INTEGER))) AS y) c
        WHERE new.lat BETWEEN -85.05112877980659 AND 85.05112877980659
        ON CONFLICT (level, cx, cy, event_type) DO UPDATE SET
            n = n + 1, fatalities = fatalities + excluded.fatalities,
            sum_lon = sum_lon + excluded.sum_lon, sum_lat = sum_lat + excluded.sum_lat;
END;

CREATE TRIGGER tile_cells_ad AFTER DELETE ON incidents BEGIN
    UPDATE tile_cells SET n = n - 1, fatalities = fatalities - coalesce(old.fatalities, 0),
            sum_lon = sum_lon - old.lon, sum_lat = sum_lat - old.lat
        WHERE (level, cx, cy, event_type) IN (SELECT l.level, c.x >> (17 - l.level), c.y >> (17 - l.level), old.event_type
             FROM tile_levels l,
                  (SELECT min(131071, max(0, CAST(floor((old.lon + 180.0) / 360.0 * 131072) AS INTEGER))) AS x,
                 min(131071, max(0, CAST(floor((1.0 - ln(tan(old.lat * pi() / 180.0) + 1.0 / cos(old.lat * pi() / 180.0)) / pi()) / 2.0 * 131072) AS INTEGER))) AS y) c
             WHERE old.lat BETWEEN -85.05112877980659 AND 85.05112877980659);
    DELETE FROM tile_cells WHERE n <= 0 AND (level, cx, cy, event_type) IN (SELECT l.level, c.x >> (17 - l.level), c.y >> (17 - l.level), old.event_type
             FROM tile_levels l,
                  (SELECT min(131071, max(0, CAST(floor((old.lon + 180.0) / 360.0 * 131072) AS INTEGER))) AS x,
                 min(131071, max(0, CAST(floor((1.0 - ln(tan(old.lat * pi() / 180.0) + 1.0 / cos(old.lat * pi() / 180.0)) / pi()) / 2.0 * 131072) AS INTEGER))) AS y) c
             WHERE old.lat BETWEEN -85.05112877980659 AND 85.05112877980659);
END;

CREATE TRIGGER tile_cells_au AFTER UPDATE OF lon, lat, event_type, fatalities ON incidents
WHEN old.lon IS NOT new.lon OR old.lat IS NOT new.lat OR old.event_type IS NOT new.event_type
    OR old.fatalities IS NOT new.fatalities
BEGIN
    UPDATE tile_cells SET n = n - 1, fatalities = fatalities - coalesce(old.fatalities, 0),
            sum_lon = sum_lon - old.lon, sum_lat = sum_lat - old.lat
        WHERE (level, cx, cy, event_type) IN (SELECT l.level, c.x >> (17 - l.level), c.y >> (17 - l.level), old.event_type
             FROM tile_levels l,
                  (SELECT min(131071, max(0, CAST(floor((old.lon + 180.0) / 360.0 * 131072) AS INTEGER))) AS x,
                 min(131071, max(0, CAST(floor((1.0 - ln(tan(old.lat * pi() / 180.0) + 1.0 / cos(old.lat * pi() / 180.0)) / pi()) / 2.0 * 131072) AS INTEGER))) AS y) c
             WHERE old.lat BETWEEN -85.05112877980659 AND 85.05112877980659);
    DELETE FROM tile_cells WHERE n <= 0 AND (level, cx, cy, event_type) IN (SELECT l.level, c.x >> (17 - l.level), c.y >> (17 - l.level), old.event_type
             FROM tile_levels l,
                  (SELECT min(131071, max(0, CAST(floor((old.lon + 180.0) / 360.0 * 131072) AS INTEGER))) AS x,
                 min(131071, max(0, CAST(floor((1.0 - ln(tan(old.lat * pi() / 180.0) + 1.0 / cos(old.lat * pi() / 180.0)) / pi()) / 2.0 * 131072) AS INTEGER))) AS y) c
             WHERE old.lat BETWEEN -85.05112877980659 AND 85.05112877980659);
    INSERT INTO tile_cells (level, cx, cy, event_type, n, fatalities, sum_lon, sum_lat)
        SELECT l.level, c.x >> (17 - l.level), c.y >> (17 - l.level), new.event_type, 1, coalesce(new.fatalities, 0), new.lon, new.lat
        FROM tile_levels l,
             (SELECT min(131071, max(0, CAST(floor((new.lon + 180.0) / 360.0 * 131072) AS INTEGER))) AS x,
                 min(131071, max(0, CAST(floor((1.0 - ln(tan(new.lat * pi() / 180.0) + 1.0 / cos(new.lat * pi() / 180.0)) / pi()) / 2.0 * 131072) AS INTEGER))) AS y) c
        WHERE new.lat BETWEEN -85.05112877980659 AND 85.05112877980659
        ON CONFLICT (level, cx, cy, event_type) DO UPDATE SET
            n = n + 1, fatalities = fatalities + excluded.fatalities,
            sum_lon = sum_lon + excluded.sum_lon, sum_lat = sum_lat + excluded.sum_lat;
END;
