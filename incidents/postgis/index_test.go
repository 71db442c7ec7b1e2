package postgis_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/mapd/mapd/geo"
	"github.com/mapd/mapd/incidents"
	"github.com/mapd/mapd/incidents/postgis"
	"github.com/mapd/mapd/incidents/postgis/pgtest"
	"github.com/mapd/mapd/incidents/storetest"
)

// answers is what a store answers for a few filters: counts, statistics,
// a page and the clusters of a tile.
func answers(t *testing.T, s *postgis.Store) string {
	t.Helper()
	ctx := context.Background()
	var out []any
	for _, f := range []incidents.Filter{
		{},
		{Country: "SY"},
		{From: "2014-01-01", To: "2017-12-31", Actor: "forces"},
		{BBox: &geo.BBox{MinLon: 36, MinLat: 33, MaxLon: 38, MaxLat: 37}, Q: "market"},
	} {
		st, err := s.Stats(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var page []int64
		p, err := s.List(ctx, incidents.Filter{Country: f.Country, From: f.From, To: f.To, Actor: f.Actor, BBox: f.BBox, Q: f.Q, Limit: 7},
			func(in *incidents.Incident) error {
				page = append(page, in.ID)
				return nil
			})
		if err != nil {
			t.Fatal(err)
		}
		cs, err := s.TileClusters(ctx, f, geo.Tile{Z: 4, X: 9, Y: 6}, 3)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, st, p.Matched, page, len(cs))
	}
	return fmt.Sprint(out...)
}

// converge waits until b answers as want does, for at most limit.
func converge(t *testing.T, what string, b, want *postgis.Store, limit time.Duration) {
	t.Helper()
	start := time.Now()
	for {
		got, w := answers(t, b), answers(t, want)
		if got == w {
			return
		}
		if time.Since(start) > limit {
			t.Fatalf("%s: not agreeing within %v:\n got %s\nwant %s", what, limit, got, w)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestIndexFollowsWrites runs two indexed stores on one database, as two
// mapd processes would, beside one that answers from SQL alone: after each
// write, through either store or by another program in SQL, both indexes
// answer what SQL answers within a second, and the index answers.
func TestIndexFollowsWrites(t *testing.T) {
	ctx := context.Background()
	c := pgtest.Start(t)
	url := c.NewDatabase(t)
	a, b := openIndexed(t, url), openIndexed(t, url)
	ref, err := postgis.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer ref.Close()
	name := url[strings.LastIndex(url, "/")+1 : strings.Index(url, "?")]

	all := storetest.Seed(t, a, 600, rand.New(rand.NewPCG(3, 5))) // a bulk load: b scans again
	check := func(what string) {
		t.Helper()
		converge(t, what+": a", a, ref, time.Second)
		converge(t, what+": b", b, ref, time.Second)
		if !a.Indexed() || !b.Indexed() {
			t.Fatalf("%s: a indexed %v, b indexed %v; want both", what, a.Indexed(), b.Indexed())
		}
	}
	check("bulk load through a")

	in := all[10]
	in.ID, in.SourceID, in.Country, in.Actor1 = 0, "new-1", "SY", "Military Forces of Syria"
	if err := b.Create(ctx, &in, nil); err != nil {
		t.Fatal(err)
	}
	check("create through b")

	in.Fatalities, in.Date = ptr(41), "2015-05-05"
	if err := a.Replace(ctx, in.ID, &in, nil); err != nil {
		t.Fatal(err)
	}
	check("replace through a")

	if err := b.Delete(ctx, all[20].ID); err != nil {
		t.Fatal(err)
	}
	check("delete through b")

	// An import that updates some records and adds others.
	var recs []incidents.Incident
	for _, x := range all[100:160] {
		if x.SourceID == "" {
			continue
		}
		x.ID = 0
		x.Fatalities = ptr(7)
		recs = append(recs, x)
	}
	recs = append(recs, incidents.Incident{SourceID: "new-2", Date: "2019-01-02", EventType: "Battles", Country: "SY",
		Lat: ptr(36.2), Lon: ptr(37.1)})
	res, err := a.Import(ctx, incidents.NewSliceDecoder(recs), incidents.ImportOptions{BatchSize: 13})
	if err != nil || res.Updated != len(recs)-1 || res.Inserted != 1 {
		t.Fatalf("import: got %+v, %v", res, err)
	}
	check("import through a")

	// Another program writes in SQL.
	for _, sql := range []string{
		"UPDATE incidents SET country = 'IQ', fatalities = 3 WHERE id IN (SELECT id FROM incidents ORDER BY id LIMIT 5)",
		"DELETE FROM incidents WHERE id IN (SELECT id FROM incidents ORDER BY id DESC LIMIT 3)",
		"INSERT INTO incidents (date, event_type, lat, lon, country, created_at, updated_at) VALUES ('2012-03-04', 'Riots', 36.1, 37.2, 'SY', now(), now())",
	} {
		if err := c.Exec(ctx, name, sql); err != nil {
			t.Fatal(err)
		}
		check(sql)
	}

	// The listening connections drop: each store connects again and
	// catches up with what it missed.
	if err := c.Exec(ctx, name, fmt.Sprintf("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '%s'", postgis.ListenerName)); err != nil {
		t.Fatal(err)
	}
	if err := c.Exec(ctx, name, "UPDATE incidents SET actor2 = 'Rebel groups' WHERE id IN (SELECT id FROM incidents ORDER BY id LIMIT 40)"); err != nil {
		t.Fatal(err)
	}
	converge(t, "after the listeners dropped: b", b, ref, 5*time.Second)
	converge(t, "after the listeners dropped: a", a, ref, 5*time.Second)
	deadline := time.Now().Add(5 * time.Second)
	for !a.Indexed() || !b.Indexed() {
		if time.Now().After(deadline) {
			t.Fatal("the indexes did not follow the database again")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestUnchangedImportKeepsVersion imports the same records twice: the
// second import changes nothing, and the data version stays.
func TestUnchangedImportKeepsVersion(t *testing.T) {
	ctx := context.Background()
	c := pgtest.Start(t)
	url := c.NewDatabase(t)
	for _, indexed := range []bool{false, true} {
		var s *postgis.Store
		if indexed {
			s = openIndexed(t, url)
		} else {
			s = openStore(t, c)
		}
		items := benchIncidents(300)
		if _, err := s.Import(ctx, incidents.NewSliceDecoder(items), incidents.ImportOptions{BatchSize: 100}); err != nil {
			t.Fatal(err)
		}
		v, err := s.Version(ctx)
		if err != nil {
			t.Fatal(err)
		}
		res, err := s.Import(ctx, incidents.NewSliceDecoder(items), incidents.ImportOptions{BatchSize: 100})
		if err != nil || res.Unchanged != len(items) {
			t.Fatalf("indexed %v: re-import: got %+v, %v, want %d unchanged", indexed, res, err, len(items))
		}
		if v2, err := s.Version(ctx); err != nil || v2 != v {
			t.Fatalf("indexed %v: version %d after an unchanged re-import (%v), want %d", indexed, v2, err, v)
		}
		items[5].Fatalities = ptr(999)
		if _, err := s.Import(ctx, incidents.NewSliceDecoder(items), incidents.ImportOptions{BatchSize: 100}); err != nil {
			t.Fatal(err)
		}
		if v3, err := s.Version(ctx); err != nil || v3 <= v {
			t.Fatalf("indexed %v: version %d after an import that changed a record (%v), want above %d", indexed, v3, err, v)
		}
		url = c.NewDatabase(t)
	}
}
