-- 0003: new incidents enter the full-text index in one statement per
-- transaction (indexNewFTS) instead of one trigger call per row. FTS5 writes
-- its pending index out at every statement savepoint, so a per-row trigger
-- turned each inserted row into an index segment and made bulk imports slow.
-- Updates and deletes keep their triggers.
DROP TRIGGER incidents_ai;

CREATE TRIGGER incidents_ai AFTER INSERT ON incidents BEGIN
    INSERT INTO incidents_rtree (id, min_lon, max_lon, min_lat, max_lat)
        VALUES (new.id, new.lon, new.lon, new.lat, new.lat);
END;
