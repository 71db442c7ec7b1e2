-- 0016: the in-memory index (incidents/index) answers tiles, counts,
-- statistics and the choice of newest-first pages for every filter, so the
-- SQLite indexes that served only those answers go, and the full-text index
-- keeps only what `q` needs. At 1,000,000 incidents this takes the database
-- from 696 MB to about 430 MB (bench/results.md).
--
-- incidents_tile_points and incidents_tile_months (0006, 0007, 0012) carried
-- every column a tile needs; tiles without the index (while it is built,
-- or past its memory budget) now read the R*Tree and the table.
-- incidents_event_type and incidents_country (0001) paged a type's or a
-- country's newest incidents; without the index such pages walk
-- incidents_date and skip the others.
DROP INDEX IF EXISTS incidents_tile_points;
DROP INDEX IF EXISTS incidents_tile_months;
DROP INDEX IF EXISTS incidents_event_type;
DROP INDEX IF EXISTS incidents_country;

-- The full-text index answers `q`, whose words each become a phrase of one
-- token (ftsQuery), and nothing ranks the matches: it needs neither token
-- positions (detail = none) nor the size of each document (columnsize = 0).
-- The triggers of 0001 and 0003 name the table and keep working on the new
-- one.
DROP TABLE incidents_fts;
CREATE VIRTUAL TABLE incidents_fts USING fts5 (
    notes, place, actor1, actor2,
    content = 'incidents', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    detail = none, columnsize = 0
);
INSERT INTO incidents_fts (incidents_fts) VALUES ('rebuild');
