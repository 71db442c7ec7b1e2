package postgis_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mapd/mapd/incidents"
	"github.com/mapd/mapd/incidents/index"
	"github.com/mapd/mapd/incidents/postgis/pgtest"
)

// benchIncidents returns n incidents spread over many places and years.
func benchIncidents(n int) []incidents.Incident {
	r := rand.New(rand.NewPCG(7, 11))
	items := make([]incidents.Incident, n)
	for i := range items {
		lat, lon := -40+r.Float64()*100, -120+r.Float64()*240
		fat := r.IntN(30)
		items[i] = incidents.Incident{
			SourceID:  fmt.Sprintf("B%08d", i),
			Date:      fmt.Sprintf("%d-%02d-%02d", 1997+r.IntN(28), 1+r.IntN(12), 1+r.IntN(28)),
			EventType: incidents.EventTypes[r.IntN(len(incidents.EventTypes))],
			Actor1:    fmt.Sprintf("Armed group %d", r.IntN(500)),
			Place:     fmt.Sprintf("Village %d", r.IntN(20000)),
			Country:   "SY",
			Notes:     "shelling reported near the market and the checkpoint on the main road",
			Lat:       &lat, Lon: &lon, Fatalities: &fat,
		}
	}
	return items
}

// BenchmarkImportCOPY imports 200,000 incidents into an empty table and
// reports the rate (records/s), decoding excluded.
func BenchmarkImportCOPY(b *testing.B) {
	c := pgtest.Start(b)
	items := benchIncidents(200_000)
	for b.Loop() {
		b.StopTimer()
		s := openStore(b, c)
		b.StartTimer()
		start := time.Now()
		res, err := s.Import(context.Background(), incidents.NewSliceDecoder(items), incidents.ImportOptions{})
		if err != nil || res.Inserted != len(items) {
			b.Fatalf("got %+v, %v", res, err)
		}
		b.ReportMetric(float64(len(items))/time.Since(start).Seconds(), "records/s")
	}
}

// BenchmarkCOPYReference is the ceiling BenchmarkImportCOPY is read
// against, measured in the same run: the same records, already converted,
// COPYed by pgx into a table with the same columns and no index, trigger
// or generated column.
func BenchmarkCOPYReference(b *testing.B) {
	c := pgtest.Start(b)
	ctx := context.Background()
	items := benchIncidents(200_000)
	now := time.Now().UTC()
	rows := make([][]any, len(items))
	for i := range items {
		in := &items[i]
		d, _ := time.Parse(time.DateOnly, in.Date)
		rows[i] = []any{in.SourceID, d, "day", in.EventType, "", in.Actor1, "", int32(*in.Fatalities), nil, in.Place, in.Country, "",
			*in.Lat, *in.Lon, int16(1), nil, in.Notes, []string{}, []string{}, now, now}
	}
	cols := []string{"source_id", "date", "date_precision", "event_type", "sub_event_type", "actor1", "actor2", "fatalities", "injuries",
		"place", "country", "admin1", "lat", "lon", "geo_precision", "geonameid", "notes", "sources", "tags", "created_at", "updated_at"}
	for b.Loop() {
		b.StopTimer()
		url := c.NewDatabase(b)
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := conn.Exec(ctx, `CREATE TABLE t (source_id text, date date, date_precision text, event_type text, sub_event_type text,
			actor1 text, actor2 text, fatalities int, injuries int, place text, country text, admin1 text, lat float8, lon float8,
			geo_precision int2, geonameid int8, notes text, sources text[], tags text[], created_at timestamptz, updated_at timestamptz)`); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		if _, err := conn.CopyFrom(ctx, pgx.Identifier{"t"}, cols, pgx.CopyFromRows(rows)); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(rows))/time.Since(start).Seconds(), "records/s")
		conn.Close(ctx)
	}
}

// BenchmarkIndexBuild builds the in-memory index from 200,000 incidents
// (one binary COPY out, decoded into index.Builder), beside the same COPY
// sent to io.Discard, the server's and the wire's share, in the same run;
// build reports seconds per million incidents.
func BenchmarkIndexBuild(b *testing.B) {
	c := pgtest.Start(b)
	ctx := context.Background()
	s := openStore(b, c)
	const n = 200_000
	if res, err := s.Import(ctx, incidents.NewSliceDecoder(benchIncidents(n)), incidents.ImportOptions{}); err != nil || res.Inserted != n {
		b.Fatalf("got %+v, %v", res, err)
	}
	b.Run("copy-discard", func(b *testing.B) {
		for b.Loop() {
			if err := s.CopyIndexColumns(ctx, io.Discard); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(b.Elapsed().Seconds()/float64(b.N)*1e6/n, "s/1M")
	})
	b.Run("build", func(b *testing.B) {
		for b.Loop() {
			ix := index.New(index.Options{})
			if got, err := s.ScanIndex(ctx, ix.NewBuilder(0)); err != nil || got != n {
				b.Fatalf("got %d, %v", got, err)
			}
		}
		b.ReportMetric(b.Elapsed().Seconds()/float64(b.N)*1e6/n, "s/1M")
	})
}
