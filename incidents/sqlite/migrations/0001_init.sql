-- 0001: incidents, their spatial (R*Tree) and full-text (FTS5) indexes.
CREATE TABLE incidents (
    id             INTEGER PRIMARY KEY,
    source_id      TEXT UNIQUE,
    date           TEXT    NOT NULL,
    date_precision TEXT    NOT NULL DEFAULT 'day',
    event_type     TEXT    NOT NULL,
    sub_event_type TEXT    NOT NULL DEFAULT '',
    actor1         TEXT    NOT NULL DEFAULT '',
    actor2         TEXT    NOT NULL DEFAULT '',
    fatalities     INTEGER,
    injuries       INTEGER,
    place          TEXT    NOT NULL DEFAULT '',
    country        TEXT    NOT NULL DEFAULT '',
    admin1         TEXT    NOT NULL DEFAULT '',
    lat            REAL    NOT NULL,
    lon            REAL    NOT NULL,
    geo_precision  INTEGER NOT NULL DEFAULT 1,
    geonameid      INTEGER,
    notes          TEXT    NOT NULL DEFAULT '',
    sources        TEXT    NOT NULL DEFAULT '[]',
    tags           TEXT    NOT NULL DEFAULT '[]',
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL
);

CREATE INDEX incidents_date ON incidents (date DESC, id DESC);
CREATE INDEX incidents_event_type ON incidents (event_type, date DESC, id DESC);
CREATE INDEX incidents_country ON incidents (country, date DESC, id DESC);

CREATE VIRTUAL TABLE incidents_rtree USING rtree (id, min_lon, max_lon, min_lat, max_lat);

CREATE VIRTUAL TABLE incidents_fts USING fts5 (
    notes, place, actor1, actor2,
    content = 'incidents', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER incidents_ai AFTER INSERT ON incidents BEGIN
    INSERT INTO incidents_rtree (id, min_lon, max_lon, min_lat, max_lat)
        VALUES (new.id, new.lon, new.lon, new.lat, new.lat);
    INSERT INTO incidents_fts (rowid, notes, place, actor1, actor2)
        VALUES (new.id, new.notes, new.place, new.actor1, new.actor2);
END;

CREATE TRIGGER incidents_ad AFTER DELETE ON incidents BEGIN
    DELETE FROM incidents_rtree WHERE id = old.id;
    INSERT INTO incidents_fts (incidents_fts, rowid, notes, place, actor1, actor2)
        VALUES ('delete', old.id, old.notes, old.place, old.actor1, old.actor2);
END;

CREATE TRIGGER incidents_au AFTER UPDATE ON incidents BEGIN
    UPDATE incidents_rtree SET min_lon = new.lon, max_lon = new.lon, min_lat = new.lat, max_lat = new.lat
        WHERE id = new.id;
    INSERT INTO incidents_fts (incidents_fts, rowid, notes, place, actor1, actor2)
        VALUES ('delete', old.id, old.notes, old.place, old.actor1, old.actor2);
    INSERT INTO incidents_fts (rowid, notes, place, actor1, actor2)
        VALUES (new.id, new.notes, new.place, new.actor1, new.actor2);
END;
