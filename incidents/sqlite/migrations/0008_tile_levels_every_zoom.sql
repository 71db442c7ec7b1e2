-- 0008: more levels of precomputed cells, so that the 8x8 cluster grid of a
-- tile reads cells of its own zoom rather than 16 times as many from a level
-- two deeper: tile_cells gains levels 9, 10, 12 and 13 (the grids of tiles
-- of zoom 6, 7, 9 and 10), tile_cells_monthly level 9 (zoom 6). Each new
-- level is aggregated from the next deeper one; the triggers and the bulk
-- rebuild read the levels from tile_levels and tile_month_levels.
INSERT INTO tile_levels (level) VALUES (9), (10), (12), (13);
INSERT INTO tile_cells (level, cx, cy, event_type, n, fatalities, sum_lon, sum_lat)
    SELECT 13, cx >> 1, cy >> 1, event_type, sum(n), sum(fatalities), sum(sum_lon), sum(sum_lat)
    FROM tile_cells WHERE level = 14 GROUP BY 2, 3, 4;
INSERT INTO tile_cells (level, cx, cy, event_type, n, fatalities, sum_lon, sum_lat)
    SELECT 12, cx >> 1, cy >> 1, event_type, sum(n), sum(fatalities), sum(sum_lon), sum(sum_lat)
    FROM tile_cells WHERE level = 13 GROUP BY 2, 3, 4;
INSERT INTO tile_cells (level, cx, cy, event_type, n, fatalities, sum_lon, sum_lat)
    SELECT 10, cx >> 1, cy >> 1, event_type, sum(n), sum(fatalities), sum(sum_lon), sum(sum_lat)
    FROM tile_cells WHERE level = 11 GROUP BY 2, 3, 4;
INSERT INTO tile_cells (level, cx, cy, event_type, n, fatalities, sum_lon, sum_lat)
    SELECT 9, cx >> 1, cy >> 1, event_type, sum(n), sum(fatalities), sum(sum_lon), sum(sum_lat)
    FROM tile_cells WHERE level = 10 GROUP BY 2, 3, 4;

INSERT INTO tile_month_levels (level) VALUES (9);
INSERT INTO tile_cells_monthly (level, month, cx, cy, event_type, n, fatalities, sum_lon, sum_lat)
    SELECT 9, month, cx >> 2, cy >> 2, event_type, sum(n), sum(fatalities), sum(sum_lon), sum(sum_lat)
    FROM tile_cells_monthly WHERE level = 11 GROUP BY 2, 3, 4, 5;
