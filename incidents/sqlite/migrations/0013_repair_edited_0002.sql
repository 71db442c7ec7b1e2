-- 0013: brings databases created before 0002 reached its final text to
-- today's schema. 0002 was edited twice after it had been released
-- (commits e51f71d and 7356bb8), and the runner never applies a recorded
-- migration again, so a database created by the first release kept:
-- tile_cells computed at level 14 and kept by triggers that shift level-14
-- cells (wrong for level 15, which 0009 added, and without level 17), and
-- no incidents_tile_scan (see 0005). On such a database this migration
-- adds level 17, recreates the tile_cells triggers as 0002 has them today
-- and recomputes every level of tile_cells from the incidents. On any
-- other database only the triggers are recreated, identical to what they
-- were, and tile_cells is left as it is.
CREATE TEMP TABLE m0013 AS SELECT EXISTS (SELECT 1 FROM sqlite_master
    WHERE type = 'trigger' AND name = 'tile_cells_ai' AND sql NOT LIKE '%131072%') AS stale;

INSERT OR IGNORE INTO tile_levels (level) VALUES (17);

DELETE FROM tile_cells WHERE (SELECT stale FROM temp.m0013);
INSERT INTO tile_cells (level, cx, cy, event_type, n, fatalities, sum_lon, sum_lat)
    SELECT l.level, c.x >> (17 - l.level), c.y >> (17 - l.level), c.event_type,
           count(*), sum(c.fatalities), sum(c.lon), sum(c.lat)
    FROM tile_levels l,
         (SELECT min(131071, max(0, CAST(floor((i.lon + 180.0) / 360.0 * 131072) AS INTEGER))) AS x,
                 min(131071, max(0, CAST(floor((1.0 - ln(tan(i.lat * pi() / 180.0) + 1.0 / cos(i.lat * pi() / 180.0)) / pi()) / 2.0 * 131072) AS INTEGER))) AS y,
                 i.event_type, coalesce(i.fatalities, 0) AS fatalities, i.lon, i.lat
          FROM incidents i
          WHERE i.lat BETWEEN -85.05112877980659 AND 85.05112877980659
            AND (SELECT stale FROM temp.m0013)) c
    GROUP BY 1, 2, 3, 4;
UPDATE data_version SET version = version + 1 WHERE id = 1 AND (SELECT stale FROM temp.m0013);

DROP TRIGGER tile_cells_ai;
DROP TRIGGER tile_cells_ad;
DROP TRIGGER tile_cells_au;

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

DROP INDEX IF EXISTS incidents_tile_scan;
DROP TABLE temp.m0013;
