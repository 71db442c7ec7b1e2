package extract

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mapd/mapd/gazetteer"
	"github.com/mapd/mapd/geo"
)

func TestParseNumber(t *testing.T) {
	tests := []struct {
		text string
		want int
		ok   bool
	}{
		{"62", 62, true}, {"300,000", 300000, true}, {"1.5 million", 1500000, true}, {"five", 5, true},
		{"twenty-five", 25, true}, {"a dozen", 12, true}, {"dozens", 12, true}, {"scores", 20, true},
		{"hundreds", 100, true}, {"two hundred", 200, true}, {"a", 0, false}, {"3.5", 0, false}, {"Syria", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			n, ok := parseNumber(tokenize(tt.text), 0)
			if ok != tt.ok || ok && n.value != tt.want {
				t.Errorf("got %d, %v; want %d, %v", n.value, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestFindCasualties(t *testing.T) {
	tests := []struct {
		text            string
		killed, wounded int // -1: none
	}{
		{"at least 62 soldiers were killed in the air raid and more than 100 wounded", 62, 100},
		{"62 of its soldiers were killed", 62, -1},
		{"the strike killed five civilians", 5, -1},
		{"killing at least 12 people and wounding 30", 12, 30},
		{"dozens of people were injured", -1, 12},
		{"the death toll rose to 17", 17, -1},
		{"five people were arrested", -1, -1},
		{"in 2014 the town was captured", -1, -1},
		{"the army said it had lost two soldiers", 2, -1},
		{"the company lost 20 workers to rival firms", -1, -1},
		{"at least 20 fighters from both sides were killed", 20, -1},
		{"at least three LNA soldiers were killed", 3, -1},
		{"12 SDF fighters were wounded", -1, 12},
		{"the death toll from Tuesday's strike on a market has risen to 41", 41, -1},
		{"prices have risen to 41 dollars", -1, -1},
		{"gunmen killed a teacher and wounded a shepherd", 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			killed, wounded := -1, -1
			for _, c := range findCasualties(tokenize(tt.text), func(string) string { return "" }) {
				if c.injured {
					wounded = max(wounded, c.value)
				} else {
					killed = max(killed, c.value)
				}
			}
			if killed != tt.killed || wounded != tt.wounded {
				t.Errorf("got killed %d, wounded %d; want %d, %d", killed, wounded, tt.killed, tt.wounded)
			}
		})
	}
}

func TestBackgroundCue(t *testing.T) {
	for text, want := range map[string]bool{
		"Syria's conflict has killed more than 300,000 people since March 2011.": true,
		"The war has killed 10,000 people so far this year.":                     true,
		"At least 62 soldiers were killed on Saturday.":                          false,
		"The war in Syria has killed more than 370,000 people.":                  true,
		"Violence linked to the two groups has left 700 dead.":                   true,
		"The junta has relied on drones since peacekeepers began leaving.":       true,
		"Troops killed eight protesters on the bloodiest day since the coup.":    false,
		"The war ended, and 20 people were killed in a raid on Monday.":          false,
	} {
		if got := backgroundCue(tokenize(text)); got != want {
			t.Errorf("%q: got %v, want %v", text, got, want)
		}
	}
}

func TestFindDate(t *testing.T) {
	ref := time.Date(2016, 9, 17, 0, 0, 0, 0, time.UTC) // a Saturday
	tests := []struct {
		text, want, precision, words string // words: the date's own words
	}{
		{"the raid on Saturday", "2016-09-17", "day", "Saturday"},
		{"the truce took effect on Monday", "2016-09-12", "day", "Monday"},
		{"fighting yesterday", "2016-09-16", "day", "yesterday"},
		{"clashes last week", "2016-09-05", "week", "last week"},
		{"earlier this month", "2016-09-01", "month", "earlier this month"},
		{"on 17 September 2016", "2016-09-17", "day", "17 September 2016"},
		{"on Sept. 3", "2016-09-03", "day", "Sept. 3"},
		{"on September 30, 2015", "2015-09-30", "day", "September 30, 2015"},
		{"on December 30, when", "2015-12-30", "day", "December 30"},
		{"in March 2011", "2011-03-01", "month", "March 2011"},
		{"killed 3 days ago", "2016-09-14", "day", "3 days ago"},
		{"killed two days ago", "2016-09-15", "day", "two days ago"},
		{"since March 2011", "", "", ""},
		{"took the town earlier in the week", "2016-09-12", "week", "earlier in the week"},
		{"drones struck overnight, officials said", "2016-09-16", "day", "overnight"},
		{"missiles struck overnight into Saturday", "2016-09-16", "day", "overnight into Saturday"},
		{"missiles struck overnight into Friday", "2016-09-15", "day", "overnight into Friday"},
		{"fighting overnight Thursday", "2016-09-15", "day", "overnight Thursday"},
		{"shelling overnight from Thursday to Friday", "2016-09-15", "day", "overnight from Thursday"},
		{"an attack on Thursday night", "2016-09-15", "day", "Thursday"},
		{"clashes last night", "2016-09-16", "day", "last night"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			toks := tokenize(tt.text)
			w, ok := findDate(toks, ref)
			got, prec, words := "", "", ""
			if ok {
				got, prec = day(w.date), w.precision
				words = tt.text[toks[w.start].start:toks[w.end-1].end]
			}
			if got != tt.want || prec != tt.precision || words != tt.words {
				t.Errorf("got %q (%s, %q), want %q (%s, %q)", got, prec, words, tt.want, tt.precision, tt.words)
			}
		})
	}
}

func TestStoryDate(t *testing.T) {
	base := time.Date(2021, 3, 21, 0, 0, 0, 0, time.UTC)
	for text, want := range map[string]string{
		"A week earlier, 58 people were killed.":  "2021-03-14",
		"A day earlier, rebels shelled the town.": "2021-03-20",
		"Two days earlier, a bomb went off.":      "2021-03-19",
		"3 days earlier, a bomb went off.":        "2021-03-18",
		"The previous day, troops advanced.":      "2021-03-20",
		"The day before, troops advanced.":        "2021-03-20",
		"Earlier, troops advanced.":               "",
	} {
		w, ok := storyDate(tokenize(text), base)
		got := ""
		if ok {
			got = day(w.date)
		}
		if got != want {
			t.Errorf("%q: got %q, want %q", text, got, want)
		}
	}
}

func TestSplitSentences(t *testing.T) {
	text := "Maj. Gen. Igor Konashenkov said the U.S. jets struck. The planes left.\n\n" +
		"Ms Smith met John F. Kennedy's aide. \"We saw it,\" he said. It ended.\n" +
		"2/10 Smoke rises over the town\n3/10 A second caption"
	var got []string
	var captions []bool
	for _, s := range splitSentences(tokenize(text)) {
		got = append(got, text[s.start:s.end])
		captions = append(captions, s.caption)
	}
	want := []string{
		"Maj. Gen. Igor Konashenkov said the U.S. jets struck.", "The planes left.",
		"Ms Smith met John F. Kennedy's aide.", "\"We saw it,\" he said.", "It ended.",
		"2/10 Smoke rises over the town", "3/10 A second caption",
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("got %q, want %q", got, want)
	}
	if !captions[5] || !captions[6] || captions[0] {
		t.Errorf("captions: got %v, want only the last two", captions)
	}
}

func TestStripHTMLOffsets(t *testing.T) {
	in := `<html><head><style>p{}</style></head><body><p>Shelling hit <b>Aleppo</b> &amp; Idlib.</p><script>var x="Homs";</script></body></html>`
	d := stripHTML(in)
	if strings.Contains(d.text, "Homs") || strings.Contains(d.text, "p{}") {
		t.Errorf("script or style text kept: %q", d.text)
	}
	i := strings.Index(d.text, "Aleppo")
	if i < 0 {
		t.Fatalf("text lost: %q", d.text)
	}
	if got := in[d.inputOffset(i) : d.inputOffset(i)+len("Aleppo")]; got != "Aleppo" {
		t.Errorf("offset maps to %q, want Aleppo", got)
	}
	if !strings.Contains(d.text, "& Idlib") {
		t.Errorf("entity not decoded: %q", d.text)
	}
	// A stretch's end maps to the end of its own input, before the tags
	// that follow it and after an entity it ends with.
	for _, tt := range []struct{ in, text, want string }{
		{"<p>In <b>Raqqa</b> today</p>", "Raqqa", "Raqqa"},
		{"<p>Homs &amp;</p> Hama", "Homs &", "Homs &amp;"},
	} {
		d := stripHTML(tt.in)
		i := strings.Index(d.text, tt.text)
		if got := tt.in[d.inputOffset(i):d.inputEnd(i+len(tt.text))]; got != tt.want {
			t.Errorf("%q: %q maps to %q, want %q", tt.in, tt.text, got, tt.want)
		}
	}
}

// TestStatements covers what a statement says of its event: negated,
// hypothetical, generic, metonyms and demonyms.
func TestStatements(t *testing.T) {
	x := testExtractor(t)
	tests := []struct {
		name, text string
		events     int
		check      func(t *testing.T, r Result)
	}{
		{"negated", "Coalition forces would not intentionally strike a Syrian army unit near Deir ez-Zor.", 0, nil},
		{"future", "The army will launch air strikes on Raqqa next week.", 0, nil},
		{"generic", "Russia has been waging a year-old air campaign in Syria.", 0, nil},
		{"background", "Syria's conflict has killed more than 300,000 people since March 2011.", 0, nil},
		{"no event", "Officials met in Geneva to discuss aid deliveries to Aleppo.", 0, nil},
		{"metonym", "Washington has warned Moscow over air strikes in Idlib on Monday.", 1, func(t *testing.T, r Result) {
			for _, p := range r.Places {
				if (p.Text == "Washington" || p.Text == "Moscow") && p.Role != RoleActor {
					t.Errorf("%s: got role %s, want actor", p.Text, p.Role)
				}
			}
			if c := r.Candidates[0]; c.Place != "Idlib" {
				t.Errorf("place: got %q, want Idlib", c.Place)
			}
		}},
		{"demonym", "Syrian troops shelled the town of Kafr Nabl on Sunday, killing three civilians.", 1, func(t *testing.T, r Result) {
			c := r.Candidates[0]
			if c.Actor1 != "Military Forces of Syria" || c.Actor2 != "Civilians (Syria)" || c.Fatalities == nil || *c.Fatalities != 3 {
				t.Errorf("got actors %q/%q fatalities %v", c.Actor1, c.Actor2, c.Fatalities)
			}
			for _, p := range r.Places {
				if p.Text == "Syrian" && p.Role != RoleDemonym {
					t.Errorf("Syrian: got role %s, want demonym", p.Role)
				}
			}
		}},
		{"organisation", "The Syrian Observatory for Human Rights said an air strike hit Maarat al-Numan on Friday.", 1, func(t *testing.T, r Result) {
			if c := r.Candidates[0]; c.Country != "SY" || c.SubEventType != "Air/drone strike" {
				t.Errorf("got %+v", c.Incident)
			}
		}},
		{"years ago", "Three years ago, government troops shelled Kafr Nabl, killing 12 civilians.", 0, nil},
		{"last year", "Last year, a drone strike on a market in Finote Selam killed more than 30 people.", 0, nil},
		{"a decade earlier", "A decade earlier, rebels had attacked the garrison in Kidal, killing 20 soldiers.", 0, nil},
		{"months ago", "Two months ago, militants ambushed a convoy near Djibo, killing 15 soldiers.", 0, nil},
		{"a month ago", "A month ago, militants ambushed a convoy near Djibo, killing 15 soldiers.", 1, nil},
		{"last month", "Government troops shelled the town of Kafr Nabl last month, killing four civilians.", 1, func(t *testing.T, r Result) {
			if c := r.Candidates[0]; c.Date != "2016-08-01" || c.DatePrecision != "month" || c.Confidence >= 0.5 {
				t.Errorf("got %s (%s) at confidence %.2f, want 2016-08-01 (month) below 0.5", c.Date, c.DatePrecision, c.Confidence)
			}
		}},
		{"withdrawal under attack", "Rebels said on Friday they were withdrawing from Saraqib to avoid encirclement.", 1, wantType("Battles", "Saraqib")},
		{"withdrawal under a deal", "Rebels withdrew from Saraqib on Friday under a deal brokered by Turkey.", 1, wantType("Strategic developments", "Saraqib")},
		{"withdrawal of no place", "The president announced the withdrawal of troops on Friday.", 0, nil},
		{"arrests at a protest", "Police arrested 20 protesters in Homs on Friday.", 1, func(t *testing.T, r Result) {
			if c := r.Candidates[0]; c.SubEventType != "Protest with intervention" || c.Actor1 != "Protesters (Syria)" || c.Actor2 != "Police Forces of Syria" {
				t.Errorf("got %s, %q/%q; want Protest with intervention, Protesters (Syria)/Police Forces of Syria", c.SubEventType, c.Actor1, c.Actor2)
			}
		}},
		{"riot", "Demonstrators set fire to the governor's office in Homs on Friday and threw stones at police.", 1, wantType("Riots", "Homs")},
		{"peaceful crowd", "Hundreds of students held a sit-in in Homs on Friday.", 1, wantType("Protests", "Homs")},
		{"offset", "An air strike hit a village about 40 km north of Monywa on Tuesday.", 1, func(t *testing.T, r Result) {
			c := r.Candidates[0]
			if c.Place != "40 km north of Monywa" || c.GeoPrecision != 2 || c.Lat == nil {
				t.Fatalf("got place %q precision %d", c.Place, c.GeoPrecision)
			}
			monywa := placeMatch(t, r, "Monywa")
			if d := geo.Distance(monywa.Lat, monywa.Lon, *c.Lat, *c.Lon); math.Abs(d-40) > 1 || *c.Lat < monywa.Lat {
				t.Errorf("the candidate is %.1f km from Monywa (lat %.3f, Monywa's %.3f), want 40 km north", d, *c.Lat, monywa.Lat)
			}
		}},
		{"elaboration", "An ambush on a police checkpoint south of Kirkuk killed 13 policemen on Sunday. Militants attacked with small arms and then detonated a roadside bomb as reinforcements arrived.", 1, nil},
		{"next event", "A car bomb killed five people in Kirkuk on Sunday. Clashes erupted in Mosul, killing two fighters.", 2, nil},
		{"elaboration by another actor", "Islamic State fighters attacked a prison in Hasakah on Thursday, killing 27 guards. US-led coalition aircraft struck buildings held by the attackers.", 2, nil},
		{"count after a later telling", "Fighting between rebels and government troops near Myitkyina forced villagers to flee on Thursday. The clashes lasted several hours. A military spokesman said the army had lost two soldiers.", 1, func(t *testing.T, r Result) {
			if c := r.Candidates[0]; c.Fatalities == nil || *c.Fatalities != 2 {
				t.Errorf("fatalities: got %v, want 2", c.Fatalities)
			}
		}},
		{"old year", "The militants had seized Palmyra in 2015.", 0, nil},
		{"old month", "The militants had seized Raqqa in May and lost it on Friday.", 1, nil},
		{"months before", "The militants had seized Palmyra in June.", 0, nil},
		{"old calendar date", "Government forces recaptured Palmyra on 27 March 2016.", 0, nil},
		{"such strikes", "Turkey has carried out dozens of such strikes in northern Syria this year.", 0, nil},
		{"since a weekday", "Security forces have killed 20 protesters in Homs since Monday.", 0, nil},
		{"a war's toll", "The war in Syria has killed more than 370,000 people.", 0, nil},
		{"a superlative's since", "Troops opened fire on protesters in Homs on Friday, killing eight people, on the bloodiest day since the coup.", 1, wantType("Protests", "Homs")},
		{"clashes kill people", "Clashes between two armed groups in Homs killed five people on Friday.", 1, wantType("Battles", "Homs")},
		{"gunmen kill people", "Gunmen attacked a village near Homs on Friday, killing five civilians.", 1, wantType("Violence against civilians", "Homs")},
		{"bombers storm", "Suicide bombers stormed two security buildings in Homs on Friday, killing 32 people.", 1, wantType("Explosions/Remote violence", "Homs")},
		{"residents riot", "Angry residents of Homs stormed the council building on Friday and set it on fire.", 1, wantType("Riots", "Homs")},
		{"a weapon as a thing", "Officials said warplanes hit a drone and missile store in Homs on Friday.", 1, wantType("Explosions/Remote violence", "Homs")},
		{"a consequence", "Families displaced by attacks near Homs waited for aid on Friday.", 0, nil},
		{"weeks after", "Life returned to normal in Homs on Friday, two weeks after government forces took over the city.", 0, nil},
		{"a day after", "Rebels shelled Aleppo on Friday, a day after an air strike killed 12 civilians in Idlib.", 2, func(t *testing.T, r Result) {
			for _, c := range r.Candidates {
				if c.Place == "Aleppo" && (c.Date != "2016-09-16" || c.Fatalities != nil) {
					t.Errorf("Aleppo: got %s with %v dead, want 2016-09-16 and none", c.Date, c.Fatalities)
				}
				if c.Place == "Idlib" && (c.Date != "2016-09-15" || c.Fatalities == nil || *c.Fatalities != 12) {
					t.Errorf("Idlib: got %s with %v dead, want 2016-09-15 and 12", c.Date, c.Fatalities)
				}
			}
		}},
		{"reported in the pluperfect elsewhere", "Rebels shelled Aleppo on Thursday, killing four people. The governor said artillery had damaged homes in Idlib.", 2, func(t *testing.T, r Result) {
			for _, c := range r.Candidates {
				if want := map[string]string{"Aleppo": "2016-09-15", "Idlib": "2016-09-17"}[c.Place]; c.Date != want {
					t.Errorf("%s: got %s, want %s", c.Place, c.Date, want)
				}
			}
		}},
		{"counts joined by and", "Clashes in Homs on Friday killed 27 of its fighters and at least 89 militants, the group said.", 1, func(t *testing.T, r Result) {
			if c := r.Candidates[0]; c.Fatalities == nil || *c.Fatalities != 116 {
				t.Errorf("fatalities: got %v, want 116", c.Fatalities)
			}
		}},
		{"far district", "An air strike hit Derna on Monday, Libyan officials said.\nClashes broke out in the Maghar district on Monday, a military source said.", 2, func(t *testing.T, r Result) {
			for _, c := range r.Candidates {
				if c.Country != "LY" {
					t.Errorf("%s at %q in %s, want Libya", c.EventType, c.Place, c.Country)
				}
			}
		}},
		{"fighting for a town taken", "Government forces regained control of Sirte on Monday. Clashes continued in the south of the city, where at least four soldiers were killed.", 1, func(t *testing.T, r Result) {
			if c := r.Candidates[0]; c.SubEventType != "Government regains territory" || c.Fatalities == nil || *c.Fatalities != 4 {
				t.Errorf("got %s with fatalities %v, want Government regains territory with 4", c.SubEventType, c.Fatalities)
			}
		}},
		{"a modal's clause ends at a comma", "Suicide bombers stormed a base in Homs on Friday, killing 32 people. A rebel group claimed the attack. The government said it would respond, and warplanes later struck rebel-held areas of the city.", 2, nil},
		{"said in a capital", "A Houthi missile struck Marib on Friday, the government in Aden said.", 1, wantType("Explosions/Remote violence", "Marib")},
		{"said from a capital", "Militants attacked Tinkeltoum on Friday, killing 10 soldiers, the army said from Bamako.", 1, wantType("Battles", "Mali")},
		{"residents speak of their town", "Residents in Marib said a drone struck a car on Friday, killing three people.", 1, wantType("Explosions/Remote violence", "Marib")},
		{"a dateline and a village unknown", "BAMAKO, Mali — Militants attacked an army post in Tinkeltoum on Friday, killing 10 soldiers.", 1, wantType("Battles", "Mali")},
		{"a dateline alone", "KHARTOUM, Sudan — Thousands of protesters marched on Friday.", 1, wantType("Protests", "KHARTOUM")},
		{"a place and its locator", "An air strike killed 12 people in Maarat al-Numan, south of Idlib city, on Friday.", 1, wantType("Explosions/Remote violence", "Maarat al-Numan")},
		{"a country's strikes that kill", "Israeli strikes on Rafah killed 20 people on Friday.", 1, wantType("Explosions/Remote violence", "Rafah")},
		{"a country's strikes that kill nobody", "French strikes disrupted trains in Paris on Friday.", 0, nil},
		{"a city by another of its names", "A landmine killed two children near Hodeidah on Friday.", 1, wantType("Explosions/Remote violence", "Hodeidah")},
		{"a city by another of its names, no event", "Officials met in Geneva on Friday.", 0, func(t *testing.T, r Result) {
			if m := placeMatch(t, r, "Geneva"); m.Country != "CH" {
				t.Errorf("Geneva: got %s in %s, want Switzerland", m.Name, m.Country)
			}
		}},
		{"a place before a count of days", "Rebels shelled Aleppo 3 days ago, killing four people.", 1, func(t *testing.T, r Result) {
			if c := r.Candidates[0]; c.Place != "Aleppo" || c.Date != "2016-09-14" {
				t.Errorf("got %q on %s, want Aleppo on 2016-09-14", c.Place, c.Date)
			}
		}},
		{"a weapon's act after a generic attack", "In a separate attack on Friday, a drone hit a hospital in El Obeid, wounding six people.", 1, wantType("Explosions/Remote violence", "El Obeid")},
		{"a vehicle struck a mine", "Two soldiers were killed when their vehicle struck a mine near Ansongo on Friday.", 1, wantType("Explosions/Remote violence", "Ansongo")},
		{"victims add up", "Jihadists attacked an army post near Homs on Friday, killing 10 soldiers. Troops killed 18 attackers in the fighting.", 1, func(t *testing.T, r Result) {
			if c := r.Candidates[0]; c.Fatalities == nil || *c.Fatalities != 28 {
				t.Errorf("fatalities: got %v, want 28", c.Fatalities)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := x.Extract(context.Background(), tt.text, Options{Date: "2016-09-17"})
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Candidates) != tt.events {
				t.Fatalf("candidates: got %d, want %d: %+v", len(r.Candidates), tt.events, r.Candidates)
			}
			if tt.check != nil {
				tt.check(t, r)
			}
		})
	}
}

// wantType checks the first candidate's event type and place.
func wantType(eventType, place string) func(t *testing.T, r Result) {
	return func(t *testing.T, r Result) {
		t.Helper()
		if c := r.Candidates[0]; c.EventType != eventType || c.Place != place {
			t.Errorf("got %s at %q, want %s at %q", c.EventType, c.Place, eventType, place)
		}
	}
}

func TestExtractBadInput(t *testing.T) {
	x := testExtractor(t)
	if _, err := x.Extract(context.Background(), "   \n ", Options{}); err == nil {
		t.Error("empty text: got no error")
	}
	if _, err := x.Extract(context.Background(), "text", Options{Date: "17/09/2016"}); err == nil {
		t.Error("bad date: got no error")
	}
	r, err := x.Extract(context.Background(), "Shelling hit Aleppo \xff\xfe on Monday.", Options{Date: "2016-09-17"})
	if err != nil || len(r.Warnings) == 0 {
		t.Errorf("invalid UTF-8: got %v, warnings %v; want a warning", err, r.Warnings)
	}
}

// TestExtractLinear feeds hostile inputs; each must finish (the fuzz
// target checks that nothing panics).
func TestExtractHostile(t *testing.T) {
	x := testExtractor(t)
	inputs := map[string]string{
		"one word":          strings.Repeat("word ", 200_000),
		"capitalised words": strings.Repeat("Aleppo Homs Raqqa Idlib ", 25_000),
		"numbers":           strings.Repeat("62 killed ", 10_000),
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			if len(in) > MaxInputBytes {
				in = in[:MaxInputBytes]
			}
			if _, err := x.Extract(context.Background(), in, Options{Date: "2016-09-17"}); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func FuzzExtract(f *testing.F) {
	f.Add("date 2016-09-17 At least 62 soldiers were killed in an air strike near Deir Ezzor airport on Saturday.")
	f.Add("<p>Shelling hit <b>Aleppo</b> &amp; Idlib.</p>")
	f.Add("2/10 Smoke rises over Talbiseh, in Homs province")
	f.Add("U.S. Maj. Gen. \"X\" said ... 1,000,000 dozens of ;;; while")
	x := testExtractor(f)
	f.Fuzz(func(t *testing.T, s string) {
		r, err := x.Extract(context.Background(), s, Options{})
		if err != nil {
			return
		}
		for _, c := range r.Candidates {
			for _, e := range c.Evidence {
				if e.Start < 0 || e.End > len(s) || e.Start > e.End {
					t.Fatalf("evidence offsets %d-%d outside the input of %d bytes", e.Start, e.End, len(s))
				}
			}
		}
		for _, p := range r.Places {
			if p.Start < 0 || p.End > len(s) || p.Start > p.End {
				t.Fatalf("place offsets %d-%d outside the input of %d bytes", p.Start, p.End, len(s))
			}
		}
		for i, sp := range r.Spans {
			if sp.Start < 0 || sp.End > len(s) || sp.Start >= sp.End {
				t.Fatalf("%s span offsets %d-%d outside the input of %d bytes", sp.Kind, sp.Start, sp.End, len(s))
			}
			if i > 0 && sp.Start < r.Spans[i-1].Start {
				t.Fatalf("spans out of order: %+v after %+v", sp, r.Spans[i-1])
			}
		}
	})
}

// BenchmarkExtract1000Words measures one 1,000-word article (the corpus's
// plain-text articles joined) once the gazetteer is loaded.
func BenchmarkExtract1000Words(b *testing.B) {
	x := testExtractor(b)
	article := article1000(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := x.Extract(ctx, article, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// article1000 joins the corpus's plain-text articles into one of 1,000
// words.
func article1000(b *testing.B) string {
	b.Helper()
	files, _ := filepath.Glob("testdata/articles/*.txt")
	var words []string
	for _, f := range files {
		t, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		words = append(words, strings.Fields(string(t))[2:]...) // without the date line
		if len(words) >= 1000 {
			break
		}
	}
	return "date 2020-01-01\n" + strings.Join(words[:1000], " ")
}

func TestOffsetBefore(t *testing.T) {
	tests := []struct {
		text        string // the place is the last token
		km, bearing float64
	}{
		{"about 40 km north of Monywa", 40, 0},
		{"some 20 kilometres to the south of Djibo", 20, 180},
		{"60 miles northwest of Mosul", 60 * 1.609344, 315},
		{"15 km north-east of Hama", 15, 45},
		{"north of Monywa", 0, 0},                 // no distance
		{"dozens of km east of Homs", 0, 0},       // no measured distance
		{"40 km from Monywa", 0, 0},               // no direction
		{"1,200 km south of Tripoli", 0, 0},       // too far to be where an event was
		{"two soldiers north of Kharkiv", 0, 0},   // no unit
		{"the town 30 km east and Aleppo", 0, 0},  // no "of"
		{"killed 40 people east of Aleppo", 0, 0}, // a count, no distance
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			toks := tokenize(tt.text)
			o := offsetBefore(toks, len(toks)-1)
			if math.Abs(o.km-tt.km) > 1e-9 || o.bearing != tt.bearing {
				t.Errorf("got %.2f km at %.0f°, want %.2f km at %.0f°", o.km, o.bearing, tt.km, tt.bearing)
			}
		})
	}
}

func TestDestination(t *testing.T) {
	tests := []struct {
		lat, lon, km, bearing float64
	}{
		{22.11, 95.14, 40, 0}, {14.10, -1.63, 20, 180}, {36.34, 43.13, 97, 315}, {0, 179.9, 50, 90}, {-33.9, 18.4, 300, 225},
	}
	for _, tt := range tests {
		lat, lon := destination(tt.lat, tt.lon, tt.km, tt.bearing)
		if d := geo.Distance(tt.lat, tt.lon, lat, lon); math.Abs(d-tt.km) > 0.01*tt.km {
			t.Errorf("%v: the point is %.1f km away, want %.1f", tt, d, tt.km)
		}
		if lon < -180 || lon > 180 {
			t.Errorf("%v: longitude %.3f out of range", tt, lon)
		}
		// The bearing: north puts the point due north, and so on.
		dLat, dLon := lat-tt.lat, math.Mod(lon-tt.lon+540, 360)-180
		wantLat, wantLon := math.Cos(tt.bearing*math.Pi/180), math.Sin(tt.bearing*math.Pi/180)
		if dLat*wantLat < -1e-9 || dLon*wantLon < -1e-9 {
			t.Errorf("%v: moved by %.3f, %.3f, the wrong way", tt, dLat, dLon)
		}
	}
}

// placeMatch returns the gazetteer's match for the place name text in r.
func placeMatch(t *testing.T, r Result, text string) *gazetteer.Match {
	t.Helper()
	for _, p := range r.Places {
		if p.Text == text && p.Match != nil {
			return p.Match
		}
	}
	t.Fatalf("no match for %q among %+v", text, r.Places)
	return nil
}

func TestForcesOfFocus(t *testing.T) {
	x := testExtractor(t)
	tests := []struct {
		text, actor1, actor2 string
	}{
		{"Government forces clashed with Fano fighters near Gondar on Sunday, killing 12.", "Military Forces of Ethiopia", ""},
		{"Police fought gang members in Cabaret, Haiti, on Monday, killing five of them.", "Police Forces of Haiti", ""},
		{"Security forces attacked a village near Kutum on Monday, killing three civilians.", "Military Forces of Sudan", "Civilians (Sudan)"},
		{"Police fired tear gas at protesters in Omdurman on Monday.", "Protesters (Sudan)", "Police Forces of Sudan"},
		{"Police dispersed a protest in Khan Younis on Friday and wounded four people.", "Protesters (Palestine)", "Police Forces of Palestine"},
		{"Thousands of protesters marched in Khartoum on Friday.", "Protesters (Sudan)", ""},
		{"Sudanese protesters rallied in Omdurman on Friday.", "Protesters (Sudan)", ""},
		{"Rioters set fire to a police station in Mandalay on Friday.", "Rioters (Myanmar)", "Police Forces of Myanmar"},
		{"Troops opened fire on protesters in Homs on Friday, killing eight people.", "Military Forces of Syria", "Protesters (Syria)"},
		{"Security forces raided a village near Kutum on Monday, killing three civilians.", "Military Forces of Sudan", "Civilians (Sudan)"},
		{"Government troops shelled Kafr Nabl on Sunday, killing three civilians.", "Military Forces of Syria", "Civilians (Syria)"},
		{"RSF fighters attacked the town of El Fasher on Monday, killing 20 civilians.", "Rapid Support Forces", "Civilians (Sudan)"},
		{"Al-Shabaab militants ambushed a convoy near Mogadishu on Monday.", "Al Shabaab", ""},
		{"Hundreds of people protested in Bamako on Monday against the junta.", "Protesters (Mali)", "Military Forces of Mali"},
		{"The Popular Mobilization Forces shelled a village near Mosul on Monday, killing five civilians.", "Popular Mobilization Forces", "Civilians (Iraq)"},
		{"Army warplanes struck a market in Homs on Monday, killing five civilians.", "Military Forces of Syria", "Civilians (Syria)"},
		{"HOMS, Syria — Suicide bombers stormed two security buildings in Homs on Friday, killing 32 people.", "", "Civilians (Syria)"},
		{"Gunmen ambushed an army convoy near Kidal on Saturday, killing eight soldiers.", "Unidentified Armed Group", "Military Forces of Mali"},
		{"Government troops shelled the town of Kafr Nabl on Sunday, killing three civilians.", "Military Forces of Syria", "Civilians (Syria)"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			r, err := x.Extract(context.Background(), tt.text, Options{Date: "2024-03-05"})
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Candidates) != 1 {
				t.Fatalf("candidates: got %d, want 1: %+v", len(r.Candidates), r.Candidates)
			}
			if c := r.Candidates[0]; c.Actor1 != tt.actor1 || c.Actor2 != tt.actor2 {
				t.Errorf("got actors %q/%q, want %q/%q", c.Actor1, c.Actor2, tt.actor1, tt.actor2)
			}
		})
	}
}

func TestForcesOf(t *testing.T) {
	x := testExtractor(t)
	tests := []struct {
		actor, cc string
		focus     []string
		want      string
	}{
		{"Military Forces of %s", "ET", []string{"SD"}, "Military Forces of Ethiopia"},
		{"Military Forces of %s", "", []string{"HT", "US"}, "Military Forces of Haiti"},
		{"Police Forces of %s", "ZZ", []string{"PS"}, "Police Forces of Palestine"},
		{"Police Forces of %s", "", nil, "Police Forces"},
		{"Islamic State", "SY", []string{"IQ"}, "Islamic State"},
		{"", "SY", nil, ""},
	}
	for _, tt := range tests {
		a := &analysis{x: x, focus: tt.focus}
		if got := a.forcesOf(tt.actor, tt.cc); got != tt.want {
			t.Errorf("forcesOf(%q, %q) with focus %q: got %q, want %q", tt.actor, tt.cc, tt.focus, got, tt.want)
		}
	}
}
