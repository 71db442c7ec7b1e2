package postgis_test

import (
	"context"
	"fmt"
	"io"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mapd/mapd/incidents"
	"github.com/mapd/mapd/incidents/postgis"
	"github.com/mapd/mapd/incidents/postgis/pgtest"
)

// storedRows returns every incident row of the database at url as text,
// in id order, with the columns a write sets (timestamps excepted) and
// the ones the server derives from them.
func storedRows(t *testing.T, url string) []string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT concat_ws('|', id, source_id, date, date_precision, event_type, sub_event_type, actor1, actor2,
		fatalities, injuries, place, country, admin1, lat, lon, geo_precision, geonameid, notes, sources, tags, search,
		ST_AsText(geom), search = to_tsvector('simple', mapd_search_text(notes || ' ' || place || ' ' || actor1 || ' ' || actor2)))
		FROM incidents ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestBulkLoadStoresWhatInsertStores imports incidents with every kind of
// value (NULLs, dates before and after 2000, text with diacritics, empty
// and full lists) into an empty table, the bulk load's binary COPY, and
// creates the same ones one by one in another database: the rows are the
// same, and the timestamps are the import's clock.
func TestBulkLoadStoresWhatInsertStores(t *testing.T) {
	ctx := context.Background()
	c := pgtest.Start(t)
	bulkURL, oneURL := c.NewDatabase(t), c.NewDatabase(t)
	bulk, one := openURL(t, bulkURL), openURL(t, oneURL)

	var items []incidents.Incident
	for i, date := range []string{"1969-07-20", "1999-12-31", "2000-01-01", "2000-03-01", "2024-02-29", "1900-01-01"} {
		in := incidents.Incident{
			Date:      date,
			EventType: incidents.EventTypes[i%len(incidents.EventTypes)],
			Actor1:    "Forces de l'État", Place: "Ḥamā", Country: "SY", Admin1: "Hama",
			Notes: fmt.Sprintf("Café shelling near the MARKET (%d); ٣٤ killed", i),
			Lat:   ptr(35.13 + float64(i)/1000), Lon: ptr(-179.97 + float64(i)),
		}
		if i%2 == 0 {
			in.SourceID = fmt.Sprintf("bulk-%d", i)
			in.Fatalities, in.Injuries = ptr(i), ptr(0)
			in.Sources, in.Tags = []string{"SOHR", "a,b \"quoted\""}, []string{"x"}
			in.GeonameID = 170063
			in.GeoPrecision = 2
			in.SubEventType = "Shelling/artillery/missile attack"
			in.DatePrecision = "month"
		}
		items = append(items, in)
	}
	now := time.Date(2026, 5, 4, 3, 2, 1, 0, time.UTC)
	res, err := bulk.Import(ctx, incidents.NewSliceDecoder(items), incidents.ImportOptions{Now: func() time.Time { return now }})
	if err != nil || res.Inserted != len(items) {
		t.Fatalf("import: got %+v, %v", res, err)
	}
	for i := range items {
		in := items[i]
		if err := one.Create(ctx, &in, nil); err != nil {
			t.Fatal(err)
		}
	}
	got, want := storedRows(t, bulkURL), storedRows(t, oneURL)
	if len(got) != len(want) {
		t.Fatalf("bulk load stored %d rows, inserts %d", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("row %d:\nbulk   %s\ninsert %s", i, got[i], want[i])
		}
	}
	var created, updated time.Time
	conn, err := pgx.Connect(ctx, bulkURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if err := conn.QueryRow(ctx, "SELECT min(created_at), max(updated_at) FROM incidents").Scan(&created, &updated); err != nil {
		t.Fatal(err)
	}
	if !created.Equal(now) || !updated.Equal(now) {
		t.Errorf("timestamps %v, %v; want %v", created, updated, now)
	}
}

// openURL opens the store at url for the test.
func openURL(t *testing.T, url string) *postgis.Store {
	t.Helper()
	s, err := postgis.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// pausedDecoder yields n incidents, then closes paused and waits for
// release before it ends the stream.
type pausedDecoder struct {
	n       int
	i       int
	paused  chan struct{}
	release chan struct{}
}

func (d *pausedDecoder) Next() (incidents.Record, error) {
	if d.i == d.n {
		close(d.paused)
		<-d.release
		return incidents.Record{}, io.EOF
	}
	d.i++
	return incidents.Record{Index: d.i - 1, Incident: incidents.Incident{
		SourceID: fmt.Sprintf("paused-%d", d.i), Date: "2020-01-02", EventType: "Battles", Country: "SY",
		Lat: ptr(35.0), Lon: ptr(38.0),
	}}, nil
}

// TestImportLocks looks at the table locks an import holds while its
// transaction is open with rows written: into a table with rows, only
// ROW EXCLUSIVE, so that another connection reads rows meanwhile without
// waiting; into an empty table (a bulk load, which drops the indexes),
// ACCESS EXCLUSIVE.
func TestImportLocks(t *testing.T) {
	ctx := context.Background()
	c := pgtest.Start(t)
	for _, tc := range []struct {
		name      string
		seed      bool
		want      string
		readsWait bool
	}{
		{"into rows", true, "RowExclusiveLock", false},
		{"into an empty table", false, "AccessExclusiveLock", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url := c.NewDatabase(t)
			s := openURL(t, url)
			if tc.seed {
				if err := s.Create(ctx, &incidents.Incident{Date: "2019-01-01", EventType: "Battles", Lat: ptr(1.0), Lon: ptr(2.0)}, nil); err != nil {
					t.Fatal(err)
				}
			}
			// An atomic import writes a group of 5,000 and commits at the
			// end; the reader hands records on in chunks of 256.
			dec := &pausedDecoder{n: 20 * 256, paused: make(chan struct{}), release: make(chan struct{})}
			done := make(chan error, 1)
			go func() {
				_, err := s.Import(ctx, dec, incidents.ImportOptions{Atomic: true})
				done <- err
			}()
			defer func() {
				close(dec.release)
				if err := <-done; err != nil {
					t.Error(err)
				}
			}()
			conn, err := pgx.Connect(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close(ctx)
			// The import's backend is the one holding locks on incidents.
			<-dec.paused
			var modes []string
			deadline := time.Now().Add(30 * time.Second)
			for {
				rows, err := conn.Query(ctx, `SELECT l.mode FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
					WHERE l.relation = 'incidents'::regclass AND l.granted AND l.pid <> pg_backend_pid() ORDER BY l.mode`)
				if err != nil {
					t.Fatal(err)
				}
				if modes, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
					t.Fatal(err)
				}
				if slices.Contains(modes, "RowExclusiveLock") {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("the import did not write its group within 30 s")
				}
				time.Sleep(20 * time.Millisecond)
			}
			// PostgreSQL's table lock modes, weakest first.
			rank := []string{"AccessShareLock", "RowShareLock", "RowExclusiveLock", "ShareUpdateExclusiveLock",
				"ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock"}
			strongest := ""
			for _, m := range modes {
				if slices.Index(rank, m) > slices.Index(rank, strongest) {
					strongest = m
				}
			}
			if strongest != tc.want {
				t.Errorf("import holds %v on incidents; the strongest should be %s", modes, tc.want)
			}
			if _, err := conn.Exec(ctx, "SET lock_timeout = '500ms'"); err != nil {
				t.Fatal(err)
			}
			var n int
			err = conn.QueryRow(ctx, "SELECT count(*) FROM incidents WHERE id = ANY($1)", []int64{1, 2, 3}).Scan(&n)
			if waited := err != nil; waited != tc.readsWait {
				t.Errorf("a read during the import: %v (want waiting: %v)", err, tc.readsWait)
			}
		})
	}
}

// TestBulkLoadRefusedRow imports into an empty table records of which one
// holds text the server refuses (not UTF-8), which a bulk load's COPY
// only reports as it ends: the import fails, stores nothing and counts
// nothing as inserted.
func TestBulkLoadRefusedRow(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, pgtest.Start(t))
	var items []incidents.Incident
	for i := range 12_000 {
		in := incidents.Incident{SourceID: fmt.Sprint(i), Date: "2020-01-01", EventType: "Battles", Lat: ptr(1.0), Lon: ptr(2.0), Notes: "fine"}
		if i == 7000 {
			in.Notes = "not UTF-8: \xff"
		}
		items = append(items, in)
	}
	res, err := s.Import(ctx, incidents.NewSliceDecoder(items), incidents.ImportOptions{})
	if err == nil || res.Inserted != 0 {
		t.Errorf("import: got %+v, %v; want an error and nothing inserted", res, err)
	}
	if n, err := s.Count(ctx, incidents.Filter{}); err != nil || n != 0 {
		t.Errorf("count %d, %v; want 0", n, err)
	}
}

// TestBulkLoadRepeatedSourceIDs imports into an empty table records whose
// source_ids repeat in every way a bulk load meets them (a repeat of a
// copied record, then a record first written by the upsert that the
// repeat led to, a repeat within a group of 5,000, a repeat after the
// groups before it were copied): each source_id is stored once, with its
// last record, the counts are those of an import into a table with rows,
// and the unique constraint on source_id is in place afterwards.
func TestBulkLoadRepeatedSourceIDs(t *testing.T) {
	ctx := context.Background()
	c := pgtest.Start(t)
	rec := func(id, notes string) incidents.Incident {
		return incidents.Incident{SourceID: id, Date: "2020-01-01", EventType: "Battles", Lat: ptr(1.0), Lon: ptr(2.0), Notes: notes}
	}
	var items []incidents.Incident
	items = append(items, rec("a", "first"), rec("a", "second"), rec("b", "first"), rec("b", "second"))
	for i := range 12_000 {
		items = append(items, rec(fmt.Sprint("n", i), "first"))
	}
	items = append(items, rec("n5", "second"), rec("a", "third"), rec("n11999", "second"))
	url := c.NewDatabase(t)
	res, err := openURL(t, url).Import(ctx, incidents.NewSliceDecoder(items), incidents.ImportOptions{})
	if want := 12_002; err != nil || res.Inserted != want || res.Updated != 5 || res.Unchanged != 0 {
		t.Fatalf("import: got %+v, %v; want %d inserted, 5 updated", res, err, want)
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	got := map[string]string{}
	rows, err := conn.Query(ctx, "SELECT source_id, notes FROM incidents WHERE source_id IN ('a', 'b', 'n5', 'n11999', 'n6')")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, notes string
		if err := rows.Scan(&id, &notes); err != nil {
			t.Fatal(err)
		}
		got[id] = notes
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"a": "third", "b": "second", "n5": "second", "n11999": "second", "n6": "first"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("stored %v, want %v", got, want)
	}
	var unique bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_constraint
		WHERE conrelid = 'incidents'::regclass AND contype = 'u' AND pg_get_constraintdef(oid) = 'UNIQUE (source_id)')`).Scan(&unique); err != nil || !unique {
		t.Errorf("unique constraint on source_id: %v, %v; want it", unique, err)
	}
	if _, err := conn.Exec(ctx, "INSERT INTO incidents (source_id, date, event_type, lat, lon, created_at, updated_at) VALUES ('a', '2020-01-01', 'Battles', 1, 2, now(), now())"); err == nil {
		t.Error("a second row with source_id a was stored")
	}
}
