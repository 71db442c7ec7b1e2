-- 0002: what lets the in-memory index of every mapd process follow the
-- writes of the others, and a data version that only moves when an
-- incident really changed.
--
-- changed is the data version that a row's last write committed. mapd's
-- imports set it themselves (the version of their transaction, read under
-- the lock of data_version's row); for every other write, mapd's Create and
-- Replace and other programs alike, the row triggers below set it.
-- Existing rows keep 0: a process builds its index from a full scan and
-- then reads the rows whose changed is above the version it has.
ALTER TABLE incidents ADD COLUMN changed bigint NOT NULL DEFAULT 0;
CREATE INDEX incidents_changed ON incidents (changed);

-- rebuild_below: a process whose index is at a version below it must scan
-- every row again instead of reading the changes (after a TRUNCATE, a bulk
-- load, or once the deletes it would need were pruned).
ALTER TABLE data_version ADD COLUMN rebuild_below bigint NOT NULL DEFAULT 0;

-- incident_deletes lists the ids each version deleted, for a day.
CREATE TABLE incident_deletes (
    version    bigint      NOT NULL,
    id         bigint      NOT NULL,
    deleted_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX incident_deletes_version ON incident_deletes (version);

-- mapd_stamp_changed gives a row written without a changed of its own the
-- version its transaction will commit. Taking the lock of data_version's
-- row here, before any version is announced, is what makes a version's
-- rows visible together with it: no other writer can commit in between.
CREATE FUNCTION mapd_stamp_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT version + 1 INTO NEW.changed FROM data_version WHERE id = 1 FOR UPDATE;
    RETURN NEW;
END $$;

CREATE TRIGGER incidents_changed_insert BEFORE INSERT ON incidents
    FOR EACH ROW WHEN (NEW.changed = 0) EXECUTE FUNCTION mapd_stamp_changed();
CREATE TRIGGER incidents_changed_update BEFORE UPDATE ON incidents
    FOR EACH ROW WHEN (NEW.changed = OLD.changed) EXECUTE FUNCTION mapd_stamp_changed();

-- After each insert or update statement the data version moves to the
-- highest changed when a row is above it: a statement that wrote nothing
-- (an import of records that are all unchanged) leaves it as it was.
DROP TRIGGER incidents_version ON incidents;
DROP TRIGGER incidents_version_truncate ON incidents;
DROP FUNCTION mapd_bump_version();

CREATE FUNCTION mapd_version_written() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE cur bigint; top bigint;
BEGIN
    SELECT version INTO cur FROM data_version WHERE id = 1;
    SELECT max(changed) INTO top FROM incidents WHERE changed > cur;
    IF top IS NOT NULL THEN
        UPDATE data_version SET version = top WHERE id = 1;
        PERFORM pg_notify('mapd_incidents', top::text);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER incidents_version AFTER INSERT OR UPDATE ON incidents
    FOR EACH STATEMENT EXECUTE FUNCTION mapd_version_written();

-- A delete statement that removed rows moves the version and records the
-- ids; records older than a day are pruned, and processes further behind
-- than the pruned versions rebuild.
CREATE FUNCTION mapd_version_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE v bigint; pruned bigint;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM deleted_rows) THEN
        RETURN NULL;
    END IF;
    UPDATE data_version SET version = version + 1 WHERE id = 1 RETURNING version INTO v;
    INSERT INTO incident_deletes (version, id) SELECT v, id FROM deleted_rows;
    WITH gone AS (DELETE FROM incident_deletes WHERE deleted_at < now() - interval '1 day' RETURNING version)
    SELECT max(version) INTO pruned FROM gone;
    IF pruned IS NOT NULL THEN
        UPDATE data_version SET rebuild_below = greatest(rebuild_below, pruned) WHERE id = 1;
    END IF;
    PERFORM pg_notify('mapd_incidents', v::text);
    RETURN NULL;
END $$;

CREATE TRIGGER incidents_version_delete AFTER DELETE ON incidents
    REFERENCING OLD TABLE AS deleted_rows
    FOR EACH STATEMENT EXECUTE FUNCTION mapd_version_deleted();

CREATE FUNCTION mapd_version_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE v bigint;
BEGIN
    UPDATE data_version SET version = version + 1, rebuild_below = version + 1 WHERE id = 1 RETURNING version INTO v;
    PERFORM pg_notify('mapd_incidents', v::text);
    RETURN NULL;
END $$;

CREATE TRIGGER incidents_version_truncate AFTER TRUNCATE ON incidents
    FOR EACH STATEMENT EXECUTE FUNCTION mapd_version_truncated();
