-- 0004: the date index also carries the point, so a listing that walks it
-- (a large bbox, newest first) tests each row's coordinates from the index
-- and reads from the table only the rows it returns.
DROP INDEX incidents_date;
CREATE INDEX incidents_date ON incidents (date DESC, id DESC, lat, lon);
