-- 0009: tile_cells level 15, the cluster grid of tiles of zoom 12, which
-- otherwise read 16 times as many level-17 cells. Aggregated from level 17.
INSERT INTO tile_levels (level) VALUES (15);
INSERT INTO tile_cells (level, cx, cy, event_type, n, fatalities, sum_lon, sum_lat)
    SELECT 15, cx >> 2, cy >> 2, event_type, sum(n), sum(fatalities), sum(sum_lon), sum(sum_lat)
    FROM tile_cells WHERE level = 17 GROUP BY 2, 3, 4;
