package incidents

import (
	"io"
)

// Demo returns a small sample of real incidents reported in Syria, most in
// September 2016, summarised in mapd's own words with approximate
// coordinates. `mapd serve --demo` loads it into an empty database.
func Demo() []Incident {
	p := func(v int) *int { return &v }
	f := func(v float64) *float64 { return &v }
	return []Incident{
		{
			SourceID: "demo-2016-09-17-deir-ez-zor-airstrike", Date: "2016-09-17",
			EventType: "Explosions/Remote violence", SubEventType: "Air/drone strike",
			Actor1: "Military Forces of the United States", Actor2: "Military Forces of Syria",
			Fatalities: p(62), Injuries: p(100),
			Place: "Deir ez-Zor airport", Country: "SY", Admin1: "Deir ez-Zor",
			Lat: f(35.2747), Lon: f(40.1772), GeoPrecision: 2, GeonameID: 170794,
			Notes: "US-led coalition aircraft struck Syrian army positions on the Jabal Tharda hills beside Deir ez-Zor airport. " +
				"Syria and Russia said 62 soldiers were killed and more than 100 wounded; the coalition said it believed it was hitting Islamic State fighters and halted the strike when Russia told it otherwise.",
			Sources: []string{"Reuters", "BBC News", "US Central Command"},
			Tags:    []string{"coalition", "ceasefire-2016"},
		},
		{
			SourceID: "demo-2016-09-17-jabal-tharda-is-advance", Date: "2016-09-17",
			EventType: "Battles", SubEventType: "Non-state actor overtakes territory",
			Actor1: "Islamic State", Actor2: "Military Forces of Syria",
			Place: "Jabal Tharda, Deir ez-Zor", Country: "SY", Admin1: "Deir ez-Zor",
			Lat: f(35.2600), Lon: f(40.1950), GeoPrecision: 2,
			Notes:   "Right after the air strike, Islamic State fighters attacked and took the hill overlooking the air base; government forces said they later retook part of the high ground.",
			Sources: []string{"Syrian Observatory for Human Rights", "Reuters"},
		},
		{
			SourceID: "demo-2016-09-12-cessation-of-hostilities", Date: "2016-09-12",
			EventType: "Strategic developments", SubEventType: "Agreement",
			Actor1: "Government of the United States", Actor2: "Government of Russia",
			Place: "Damascus", Country: "SY", Admin1: "Damascus",
			Lat: f(33.5102), Lon: f(36.2913), GeoPrecision: 3,
			Notes:   "A nationwide cessation of hostilities negotiated by the United States and Russia took effect at sundown, at the start of Eid al-Adha.",
			Sources: []string{"Reuters"},
		},
		{
			SourceID: "demo-2016-09-16-aleppo-ceasefire-violations", Date: "2016-09-16",
			EventType: "Battles", SubEventType: "Armed clash",
			Actor1: "Military Forces of Syria", Actor2: "Rebel groups",
			Place: "Aleppo", Country: "SY", Admin1: "Aleppo",
			Lat: f(36.2021), Lon: f(37.1343), GeoPrecision: 1, GeonameID: 170063,
			Notes:   "Both sides accused each other of breaching the truce in and around Aleppo, with shelling reported on the city's southern edge while aid trucks waited at the Turkish border.",
			Sources: []string{"Syrian Observatory for Human Rights", "Associated Press"},
		},
		{
			SourceID: "demo-2016-09-19-truce-declared-over", Date: "2016-09-19",
			EventType: "Strategic developments", SubEventType: "Change to group/activity",
			Actor1: "Military Forces of Syria",
			Place:  "Damascus", Country: "SY", Admin1: "Damascus",
			Lat: f(33.5138), Lon: f(36.2765), GeoPrecision: 1, GeonameID: 170654,
			Notes:   "The Syrian army command announced that the week-long truce was over, blaming rebel violations.",
			Sources: []string{"SANA", "Reuters"},
		},
		{
			SourceID: "demo-2016-09-19-urum-al-kubra-aid-convoy", Date: "2016-09-19",
			EventType: "Explosions/Remote violence", SubEventType: "Air/drone strike",
			Actor1: "Unidentified Military Forces", Actor2: "Civilians (Syria)",
			Fatalities: p(20),
			Place:      "Urum al-Kubra", Country: "SY", Admin1: "Aleppo",
			Lat: f(36.1530), Lon: f(36.9530), GeoPrecision: 1,
			Notes:   "An aid convoy of the UN and the Syrian Arab Red Crescent was hit while unloading west of Aleppo; about 20 civilians and a Red Crescent staff member were killed and most trucks destroyed.",
			Sources: []string{"United Nations OCHA", "Syrian Arab Red Crescent"},
			Tags:    []string{"humanitarian"},
		},
		{
			SourceID: "demo-2016-09-23-east-aleppo-airstrikes", Date: "2016-09-23",
			EventType: "Explosions/Remote violence", SubEventType: "Air/drone strike",
			Actor1: "Military Forces of Syria", Actor2: "Civilians (Syria)",
			Place: "Eastern Aleppo", Country: "SY", Admin1: "Aleppo",
			Lat: f(36.2100), Lon: f(37.1750), GeoPrecision: 2,
			Notes:   "After the army announced an offensive on rebel-held eastern Aleppo, heavy air strikes hit residential districts; rescue workers reported scores of dead.",
			Sources: []string{"Syria Civil Defence", "Reuters"},
		},
		{
			SourceID: "demo-2015-09-30-talbiseh-russian-strikes", Date: "2015-09-30",
			EventType: "Explosions/Remote violence", SubEventType: "Air/drone strike",
			Actor1: "Military Forces of Russia", Actor2: "Civilians (Syria)",
			Place: "Talbiseh", Country: "SY", Admin1: "Homs",
			Lat: f(34.8406), Lon: f(36.7300), GeoPrecision: 1,
			Notes:   "On the first day of Russia's air campaign, strikes hit Talbiseh and nearby towns north of Homs; local activists reported civilian deaths, while Moscow said it had targeted Islamic State.",
			Sources: []string{"Reuters", "Al Jazeera"},
			Tags:    []string{"russia-campaign"},
		},
		{
			SourceID: "demo-2015-10-03-raqqa-russian-strikes", Date: "2015-10-03",
			EventType: "Explosions/Remote violence", SubEventType: "Air/drone strike",
			Actor1: "Military Forces of Russia", Actor2: "Islamic State",
			Place: "Ar-Raqqah governorate", Country: "SY", Admin1: "Ar-Raqqah",
			Lat: f(35.9500), Lon: f(39.0100), GeoPrecision: 3,
			Notes:   "Russia's defence ministry said its aircraft struck Islamic State command posts and depots in Ar-Raqqah governorate.",
			Sources: []string{"Russian Ministry of Defence", "Reuters"},
			Tags:    []string{"russia-campaign"},
		},
		{
			SourceID: "demo-2016-09-20-khan-tuman-clashes", Date: "2016-09-20",
			EventType: "Battles", SubEventType: "Armed clash",
			Actor1: "Military Forces of Syria", Actor2: "Jabhat Fateh al-Sham",
			Place: "Khan Tuman", Country: "SY", Admin1: "Aleppo",
			Lat: f(36.0920), Lon: f(37.0870), GeoPrecision: 1,
			Notes:   "Fighting resumed south-west of Aleppo the day after the truce collapsed, with government forces and rebel factions exchanging fire near Khan Tuman.",
			Sources: []string{"Syrian Observatory for Human Rights"},
		},
	}
}

// sliceDecoder yields records from a slice; it feeds LoadDemo and tests.
type sliceDecoder struct {
	items []Incident
	next  int
}

// NewSliceDecoder returns a Decoder over in-memory incidents.
func NewSliceDecoder(items []Incident) Decoder { return &sliceDecoder{items: items} }

func (d *sliceDecoder) Next() (Record, error) {
	if d.next >= len(d.items) {
		return Record{}, io.EOF
	}
	rec := Record{Index: d.next, Incident: d.items[d.next]}
	d.next++
	return rec, nil
}
