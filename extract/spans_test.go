package extract

import (
	"context"
	"slices"
	"testing"
)

// TestSpans checks the highlights of a short report of our own: every kind
// of span at its byte offsets, the trigger with its candidate's event type,
// and a date's numbers inside the date rather than counts of their own.
func TestSpans(t *testing.T) {
	x := testExtractor(t)
	text := "date 2016-09-17\n<p>Coalition air strikes hit Syrian army positions near Deir ez-Zor on Saturday, killing at least 62 soldiers, the ministry said on 17 September 2016.</p>"
	res, err := x.Extract(context.Background(), text, Options{HTML: true})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		kind, text, eventType string
	}{
		{SpanTrigger, "air strikes", "Explosions/Remote violence"},
		{SpanPlace, "Deir ez-Zor", ""},
		{SpanDate, "Saturday", ""},
		{SpanNumber, "at least 62", ""},
		{SpanDate, "17 September 2016", ""},
	}
	for _, tt := range tests {
		t.Run(tt.kind+" "+tt.text, func(t *testing.T) {
			for _, s := range res.Spans {
				if s.Kind != tt.kind || s.Text != tt.text {
					continue
				}
				if got := text[s.Start:s.End]; got != tt.text {
					t.Errorf("offsets [%d, %d) hold %q, want %q", s.Start, s.End, got, tt.text)
				}
				if s.EventType != tt.eventType {
					t.Errorf("event_type %q, want %q", s.EventType, tt.eventType)
				}
				return
			}
			t.Errorf("no %s span %q in %+v", tt.kind, tt.text, res.Spans)
		})
	}
	for i, s := range res.Spans {
		if s.Kind == SpanNumber && (s.Text == "17" || s.Text == "2016") {
			t.Errorf("a date's number is a count: %+v", s)
		}
		if i > 0 && s.Start < res.Spans[i-1].Start {
			t.Errorf("spans out of order at %d: %+v after %+v", i, s, res.Spans[i-1])
		}
	}
}

// TestSpansOnlyOfCandidates checks that a trigger that yields no candidate
// (a negated one) is not shown as a trigger.
func TestSpansOnlyOfCandidates(t *testing.T) {
	x := testExtractor(t)
	res, err := x.Extract(context.Background(), "The army said it would not carry out air strikes on Idlib.", Options{Date: "2020-01-01"})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range res.Spans {
		if s.Kind == SpanTrigger {
			t.Errorf("trigger span without a candidate: %+v (candidates %d)", s, len(res.Candidates))
		}
	}
}

// TestPlaceNames covers how place names are cut from local news: places
// inside organisations, counties before titles, datelines, abbreviations
// with their stop, hyphenated compounds, roads with numbers; and words
// that are no place: firms, people with their age or after "according
// to", languages.
func TestPlaceNames(t *testing.T) {
	x := testExtractor(t)
	tests := []struct {
		text string
		want []string // the place names found, in order
	}{
		{"The Paris Public Library will offer a workshop.", []string{"Paris"}},
		{"She attended the University of Georgia last year.", []string{"Georgia"}},
		{"Agents of the Georgia Bureau of Investigation raided the home.", []string{"Georgia"}},
		{"And when Laurel County Clerk Dean Johnson was inducted, he beamed.", []string{"Laurel County"}},
		{"TORRINGTON — City Council approved several changes.", []string{"TORRINGTON"}},
		{"He was born in Charleston, W.Va. in 1950.", []string{"Charleston", "W.Va."}},
		{"The family moved to Louisville, Ky. last year.", []string{"Louisville", "Ky."}},
		{"The St. Petersburg police said nothing.", []string{"St. Petersburg"}},
		{"A Texas-based company runs the bunkhouse.", []string{"Texas"}},
		{"Rep. Wendell Gilliard, D-Charleston, spoke in Columbia.", []string{"Charleston", "Columbia"}},
		{"The crash closed Highway 19 near Atlanta.", []string{"Highway 19", "Atlanta"}},
		{"The city owes design firm Stevens & Wilkinson money.", nil},
		{"Samra, 46, was born near Delhi.", []string{"Delhi"}},
		{"The car was abandoned, according to Taylor.", nil},
		{"She spoke only French when she moved to Arlington, Va.", []string{"Arlington", "Va."}},
		{"Rep. Nick Rahall, D-W. Va., chairs the committee.", []string{"W. Va."}},
		{"Cases rose. New Zealand officials reported eleven.", []string{"New Zealand"}},
		{"New Jersey apologised last year.", []string{"New Jersey"}},
		{"British Columbia, Alberta and Ontario reported cases.", []string{"British Columbia", "Alberta", "Ontario"}},
		{"New figures from Ontario came out.", []string{"Ontario"}},
		{"British troops left Basra.", []string{"British", "Basra"}},
		{"He played football at Norfolk High last year.", []string{"Norfolk"}},
		{"She chairs the West Virginia Democratic party.", []string{"West Virginia"}},
		{"The storm spared Long Branch on Monday.", []string{"Long Branch"}},
		{"Police do not know how Bryan Harman, 28, died. Harman was last seen in Laconia.", []string{"Laconia"}},
		{"Although Edmonton's economy remains healthy, the city faltered. Edmonton came last.", []string{"Edmonton", "Edmonton"}},
		{"Overall Edmonton received a B ranking.", []string{"Edmonton"}},
		{"The US has so far pledged 8 million dollars.", []string{"US"}},
		{"The fine was 200 dinars (US$1,800).", nil},
		{"The State Department and the Finance Department said nothing in Cairo.", []string{"Cairo"}},
		{"A spokesman for the State Department said so.", nil},
		{"The Movement for Rebirth of Armenia was set up last year.", []string{"Armenia"}},
		{"The Professional Association of Ohio Educators said no.", []string{"Ohio"}},
		{"She chairs the Friends of Metropolitan Denver, which began in 2001. Groups led by the Denver office will meet.", []string{"Denver"}},
		{"Tensions over India-Pakistan trade rose.", []string{"India", "Pakistan"}},
		{"The Canada-EU deal and EU-Israel ties were discussed.", []string{"Canada", "EU", "EU", "Israel"}},
		{"The Israel-Gaza war went on.", []string{"Israel", "Gaza"}},
		{"The Turkish-Syrian border closed.", []string{"Turkish", "Syrian"}},
		{"Guinea-Bissau and Winston-Salem sent aid.", []string{"Guinea-Bissau", "Winston-Salem"}},
		{"Jean-Pierre Raffarin spoke.", nil},
		{"Traffic on the Damascus-Aleppo highway stopped.", []string{"Damascus", "Aleppo"}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			res, err := x.Extract(context.Background(), tt.text, Options{Date: "2010-01-01"})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range res.Places {
				if got = append(got, p.Text); tt.text[p.Start:p.End] != p.Text {
					t.Errorf("offsets [%d, %d) hold %q, want %q", p.Start, p.End, tt.text[p.Start:p.End], p.Text)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestLocalTowns(t *testing.T) {
	x := testExtractor(t)
	tests := []struct {
		text, name, country string
	}{
		// A country's name used as a town's is a town of the country the
		// document's other places lie in.
		{"A 49-year-old Lebanon man was sentenced on Friday by a judge in Texas.", "Lebanon", "US"},
		{"The Jordan High School band played in Salt Lake City and Provo.", "Jordan", "US"},
		// Used as a capital's, or with nothing to say otherwise, the name
		// keeps its notable place.
		{"Athens police fired tear gas at protesters in Thessaloniki and Patras.", "Athens", "GR"},
		{"Paris police closed the roads around the Eiffel Tower.", "Paris", "FR"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			res, err := x.Extract(context.Background(), tt.text, Options{Date: "2010-01-01"})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range res.Places {
				if p.Text == tt.name {
					if p.Match == nil || p.Match.Country != tt.country {
						t.Errorf("%s: got %+v, want a place in %s", tt.name, p.Match, tt.country)
					}
					return
				}
			}
			t.Errorf("%s not found among %+v", tt.name, res.Places)
		})
	}
}

func TestRegionsAsWritten(t *testing.T) {
	x := testExtractor(t)
	tests := []struct {
		text, name, admin1 string
	}{
		// "Scott County" is asked as written, not as "Scott province"
		// (which the gazetteer reads as Scotland).
		{"New cases in Scott County rose past 140 on Friday.", "Scott County", ""},
		// Every containing area after the name is passed on.
		{"Austin, in Scott County, Indiana, was at the centre of the outbreak.", "Austin", "Indiana"},
		{"Scott County, Indiana, declared an emergency.", "Scott County", "Indiana"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			res, err := x.Extract(context.Background(), tt.text, Options{Date: "2015-04-01"})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range res.Places {
				if p.Text == tt.name {
					if p.Match == nil || p.Match.Country != "US" || tt.admin1 != "" && p.Match.Admin1 != tt.admin1 {
						t.Errorf("%s: got %+v, want a place in the US (%s)", tt.name, p.Match, tt.admin1)
					}
					return
				}
			}
			t.Errorf("%s not found among %+v", tt.name, res.Places)
		})
	}
}

func TestCountryNames(t *testing.T) {
	x := testExtractor(t)
	tests := []struct {
		text string
		want []string // "text/role" of the places found, in order
	}{
		{"Mexican officials said flu cases rose in Mexico City.", []string{"Mexican/demonym", "Mexico City/mentioned"}},
		{"Haitian police fought gangs in Cabaret on Monday.", []string{"Haitian/demonym", "Cabaret/event"}},
		{"Kenyan officers arrived in Haiti last year.", []string{"Kenyan/demonym", "Haiti/mentioned"}},
		{"Rwandan troops retook the port in Mozambique.", []string{"Rwandan/demonym", "Mozambique/event"}},
		{"Flights from Kuwait City to Colombia resumed.", []string{"Kuwait City/mentioned", "Colombia/mentioned"}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			res, err := x.Extract(context.Background(), tt.text, Options{Date: "2024-03-05"})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range res.Places {
				got = append(got, p.Text+"/"+p.Role)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestQualifiedSense(t *testing.T) {
	x := testExtractor(t)
	tests := []struct {
		text, last, country string // the country of the last place named last
	}{
		{"Shelling hit Hama, in Hama province. A day later, Hama was quiet.", "Hama", "SY"},
		{"A fire broke out in Salem, Oregon on Monday. Salem officials said the fire was out.", "Salem", "US"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			res, err := x.Extract(context.Background(), tt.text, Options{Date: "2014-01-01"})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Places) == 0 {
				t.Fatal("no places")
			}
			p := res.Places[len(res.Places)-1]
			if p.Text != tt.last || p.Match == nil || p.Match.Country != tt.country {
				t.Errorf("last place %q at %+v, want %q in %s", p.Text, p.Match, tt.last, tt.country)
			}
		})
	}
}
