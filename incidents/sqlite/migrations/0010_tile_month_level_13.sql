-- 0010: tile_cells_monthly level 13, the cluster grid of date-filtered
-- tiles of zoom 10, which otherwise read four times as many level-14 cells
-- per month. Aggregated from level 14.
INSERT INTO tile_month_levels (level) VALUES (13);
INSERT INTO tile_cells_monthly (level, month, cx, cy, event_type, n, fatalities, sum_lon, sum_lat)
    SELECT 13, month, cx >> 1, cy >> 1, event_type, sum(n), sum(fatalities), sum(sum_lon), sum(sum_lat)
    FROM tile_cells_monthly WHERE level = 14 GROUP BY 2, 3, 4, 5;
