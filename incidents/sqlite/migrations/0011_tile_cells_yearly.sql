-- 0011: tile_cells_monthly also holds one row per year ("YYYY" in its month
-- column, beside the months' "YYYY-MM"), so that a filter spanning whole
-- calendar years reads one row per cell and year instead of twelve. The
-- triggers keep both.
INSERT INTO tile_cells_monthly (level, month, cx, cy, event_type, n, fatalities, sum_lon, sum_lat)
    SELECT level, substr(month, 1, 4), cx, cy, event_type, sum(n), sum(fatalities), sum(sum_lon), sum(sum_lat)
    FROM tile_cells_monthly WHERE length(month) = 7
    GROUP BY 1, 2, 3, 4, 5;

DROP TRIGGER tile_cells_monthly_ai;
DROP TRIGGER tile_cells_monthly_ad;
DROP TRIGGER tile_cells_monthly_au;

CREATE TRIGGER tile_cells_monthly_ai AFTER INSERT ON incidents BEGIN
    INSERT INTO tile_cells_monthly (level, month, cx, cy, event_type, n, fatalities, sum_lon, sum_lat)
        SELECT l.level, p.p, c.x >> (17 - l.level), c.y >> (17 - l.level), new.event_type,
               1, coalesce(new.fatalities, 0), new.lon, new.lat
        FROM tile_month_levels l, (SELECT substr(new.date, 1, 7) AS p UNION ALL SELECT substr(new.date, 1, 4)) p,
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
        WHERE (level, month, cx, cy, event_type) IN (SELECT l.level, p.p, c.x >> (17 - l.level), c.y >> (17 - l.level), old.event_type
             FROM tile_month_levels l, (SELECT substr(old.date, 1, 7) AS p UNION ALL SELECT substr(old.date, 1, 4)) p,
                  (SELECT min(131071, max(0, CAST(floor((old.lon + 180.0) / 360.0 * 131072) AS INTEGER))) AS x,
                 min(131071, max(0, CAST(floor((1.0 - ln(tan(old.lat * pi() / 180.0) + 1.0 / cos(old.lat * pi() / 180.0)) / pi()) / 2.0 * 131072) AS INTEGER))) AS y) c
             WHERE old.lat BETWEEN -85.05112877980659 AND 85.05112877980659);
    DELETE FROM tile_cells_monthly WHERE n <= 0 AND (level, month, cx, cy, event_type) IN (SELECT l.level, p.p, c.x >> (17 - l.level), c.y >> (17 - l.level), old.event_type
             FROM tile_month_levels l, (SELECT substr(old.date, 1, 7) AS p UNION ALL SELECT substr(old.date, 1, 4)) p,
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
        WHERE (level, month, cx, cy, event_type) IN (SELECT l.level, p.p, c.x >> (17 - l.level), c.y >> (17 - l.level), old.event_type
             FROM tile_month_levels l, (SELECT substr(old.date, 1, 7) AS p UNION ALL SELECT substr(old.date, 1, 4)) p,
                  (SELECT min(131071, max(0, CAST(floor((old.lon + 180.0) / 360.0 * 131072) AS INTEGER))) AS x,
                 min(131071, max(0, CAST(floor((1.0 - ln(tan(old.lat * pi() / 180.0) + 1.0 / cos(old.lat * pi() / 180.0)) / pi()) / 2.0 * 131072) AS INTEGER))) AS y) c
             WHERE old.lat BETWEEN -85.05112877980659 AND 85.05112877980659);
    DELETE FROM tile_cells_monthly WHERE n <= 0 AND (level, month, cx, cy, event_type) IN (SELECT l.level, p.p, c.x >> (17 - l.level), c.y >> (17 - l.level), old.event_type
             FROM tile_month_levels l, (SELECT substr(old.date, 1, 7) AS p UNION ALL SELECT substr(old.date, 1, 4)) p,
                  (SELECT min(131071, max(0, CAST(floor((old.lon + 180.0) / 360.0 * 131072) AS INTEGER))) AS x,
                 min(131071, max(0, CAST(floor((1.0 - ln(tan(old.lat * pi() / 180.0) + 1.0 / cos(old.lat * pi() / 180.0)) / pi()) / 2.0 * 131072) AS INTEGER))) AS y) c
             WHERE old.lat BETWEEN -85.05112877980659 AND 85.05112877980659);
    INSERT INTO tile_cells_monthly (level, month, cx, cy, event_type, n, fatalities, sum_lon, sum_lat)
        SELECT l.level, p.p, c.x >> (17 - l.level), c.y >> (17 - l.level), new.event_type,
               1, coalesce(new.fatalities, 0), new.lon, new.lat
        FROM tile_month_levels l, (SELECT substr(new.date, 1, 7) AS p UNION ALL SELECT substr(new.date, 1, 4)) p,
             (SELECT min(131071, max(0, CAST(floor((new.lon + 180.0) / 360.0 * 131072) AS INTEGER))) AS x,
                 min(131071, max(0, CAST(floor((1.0 - ln(tan(new.lat * pi() / 180.0) + 1.0 / cos(new.lat * pi() / 180.0)) / pi()) / 2.0 * 131072) AS INTEGER))) AS y) c
        WHERE new.lat BETWEEN -85.05112877980659 AND 85.05112877980659
        ON CONFLICT (level, month, cx, cy, event_type) DO UPDATE SET
            n = n + 1, fatalities = fatalities + excluded.fatalities,
            sum_lon = sum_lon + excluded.sum_lon, sum_lat = sum_lat + excluded.sum_lat;
END;
