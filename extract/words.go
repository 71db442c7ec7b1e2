package extract

import "strings"

// stopCaps are capitalised words that never begin a place name: articles,
// pronouns, weekdays, months, titles of address, and the conjunctions,
// adverbs and verbs that open a sentence ("Although Edmonton's economy").
var stopCaps = setOf(`the a an in on at but and or he she they it we this that these those his her its
their our my your i if when while after before as by for from of to with without during since until
there here then also meanwhile however yet so still now earlier later last next on monday tuesday
wednesday thursday friday saturday sunday january february march april june july august september
october november december may jan feb aug sept oct nov dec mr mrs ms dr sir lord according asked some many
most several both each every all no not one two three four five six seven eight nine ten photo caption
video image file read more advertisement related updated published breaking exclusive analysis opinion
editor although though because unless whereas whether once where why how what which who whose whatever
perhaps indeed instead thus therefore besides nevertheless nonetheless overall including like unlike
inside outside across around throughout despite amid among between against beyond elsewhere separately
yesterday tomorrow tonight today only even just already again is are was were has have had will would
can could should might must do does did`)

// common words are English words that GeoNames also holds as places
// ("Police", "Many", "Of"); at the start of a sentence or alone they are
// words, not places.
var common = setOf(`police many most said says man men women children people army forces military
government state states islamic nations united security council human rights watch command central
coalition news agency officials official witnesses residents activists hospital university street
square mosque market airport base road highway bridge dam camp village town city province district region
border north south east west northern southern eastern western central middle upper lower new old great
little big long high white black red green blue gold silver green victory peace hope liberty unity
freedom independence union republic democratic popular national federal royal free general minister
president secretary spokesman commander leader chief deputy foreign defence defense interior justice
health education fire water oil gas power energy trade industry air land sea navy marine marines
islam muslim christian jewish arab arabs kurds kurd shiite sunni alawite druze turkmen yazidi tribe
tribal sheikh imam saint st mount lake river valley hill hills mountain mountains desert island islands
coast beach bay gulf port harbour harbor station center centre park garden palace castle tower gate
wall church temple school college academy institute library museum stadium prison jail court office
house home hotel restaurant cafe shop store bank company group party front movement brigade battalion
unit units division regiment corps guard guards militia militias rebels rebel fighters soldiers troops
civilians victims survivors refugees displaced local international global world earth sun moon star
day week month year today tonight morning evening night time hour minute second first last next early
late ago before after during despite amid among between within without against toward towards across
along around behind beyond near outside inside over under up down out off about above below
good bad best worst better worse real true false major minor key main prime top end start part
side area zone sector front line point field camp post site clinic market bakery school mosque
so such very much more less few little other another same different whole half full empty open
closed strong weak young old ancient modern early russia's iran's israel's syria's iraq's
america american europe european africa african asia asian western eastern northern southern
spring summer autumn winter christmas easter ramadan eid friday saturday sunday monday tuesday
wednesday thursday may june august march april orange lemon olive palm cedar rose lily jasmine
alliance victory justice salvation glory dawn sunrise sunset storm thunder lightning shield sword
libya's yemen's mali's niger's chad's sudan's ukraine's myanmar's burma's pakistan's afghanistan's
attack attacks strike strikes raid raids bomb bombs shelling clashes fighting battle war conflict
crisis ceasefire truce deal talks summit meeting conference election elections vote referendum
reuters ap afp bbc cnn tass xinhua anadolu sana irna al jazeera arabiya
twitter google facebook amazon apple microsoft youtube instagram whatsapp telegram cia fbi nato fifa uefa
euro euros dollar dollars liberal conservative labour christmas children being fish none`)

func setOf(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[normWord(w)] = true
	}
	return m
}

// commonWord reports whether w is a common English word that is also a
// place name somewhere.
func commonWord(w string) bool { return common[w] || stopCaps[w] }
