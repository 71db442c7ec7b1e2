package incidents_test

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/mapd/mapd/incidents"
)

func ExampleNewDecoder() {
	input := `event_id_cnty,event_date,event_type,location,latitude,longitude,iso,fatalities
SYRX0003,17 September 2016,Explosions/Remote violence,Deir-ez-Zor,35.3359,40.1408,760,62
SYRX0004,2016-09-19,Violence against civilians,Orem Elkobra,36.1577,east,760,20
`
	dec, format, err := incidents.NewDecoder(strings.NewReader(input), "auto")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("format:", format)
	for {
		rec, err := dec.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		if rec.Err != nil {
			fmt.Printf("record %d (%s) rejected: %v\n", rec.Index, rec.Incident.SourceID, rec.Err)
			continue
		}
		in := rec.Incident
		fmt.Printf("record %d: %s %s %s in %s, %s: %d killed\n", rec.Index, in.SourceID, in.Date, in.EventType, in.Place, in.Country, *in.Fatalities)
	}
	// Output:
	// format: acled
	// record 0: SYRX0003 2016-09-17 Explosions/Remote violence in Deir-ez-Zor, SY: 62 killed
	// record 1 (SYRX0004) rejected: longitude "east" is not a number
}

func ExampleNewEncoder() {
	lat, lon, killed := 35.3359, 40.1408, 62
	in := incidents.Incident{ID: 1, SourceID: "SYRX0003", Date: "2016-09-17", EventType: "Explosions/Remote violence",
		Place: "Deir ez-Zor", Country: "SY", Lat: &lat, Lon: &lon, Fatalities: &killed, Sources: []string{"AFP", "SANA"}}
	for _, format := range incidents.ExportFormats {
		enc, err := incidents.NewEncoder(os.Stdout, format)
		if err != nil {
			fmt.Println(err)
			return
		}
		enc.Write(&in)
		enc.Close()
	}
	// Output:
	// {"type":"FeatureCollection","features":[
	// {"id":1,"type":"Feature","geometry":{"type":"Point","coordinates":[40.1408,35.3359]},"properties":{"id":1,"source_id":"SYRX0003","date":"2016-09-17","event_type":"Explosions/Remote violence","fatalities":62,"place":"Deir ez-Zor","country":"SY","sources":["AFP","SANA"]}}
	// ]}
	// {"id":1,"source_id":"SYRX0003","date":"2016-09-17","event_type":"Explosions/Remote violence","fatalities":62,"place":"Deir ez-Zor","country":"SY","lat":35.3359,"lon":40.1408,"sources":["AFP","SANA"]}
	// id,source_id,date,date_precision,event_type,sub_event_type,actor1,actor2,fatalities,injuries,place,country,admin1,lat,lon,geo_precision,geonameid,notes,sources,tags,created_at,updated_at
	// 1,SYRX0003,2016-09-17,,Explosions/Remote violence,,,,62,,Deir ez-Zor,SY,,35.3359,40.1408,,,,AFP; SANA,,,
}
