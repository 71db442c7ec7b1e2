-- The in-memory index (incidents/index) answers counts, statistics and
-- tiles for any filter, so the precomputed tile cells go: their triggers
-- updated 10 cell levels and 12 monthly and yearly rows on every write,
-- they held more rows than the incidents, and building them was most of a
-- bulk load.
DROP TRIGGER IF EXISTS tile_cells_ai;
DROP TRIGGER IF EXISTS tile_cells_ad;
DROP TRIGGER IF EXISTS tile_cells_au;
DROP TRIGGER IF EXISTS tile_cells_monthly_ai;
DROP TRIGGER IF EXISTS tile_cells_monthly_ad;
DROP TRIGGER IF EXISTS tile_cells_monthly_au;
DROP TABLE IF EXISTS tile_cells;
DROP TABLE IF EXISTS tile_cells_monthly;
DROP TABLE IF EXISTS tile_levels;
DROP TABLE IF EXISTS tile_month_levels;
