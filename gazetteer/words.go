package gazetteer

// commonWords are the normalised keys of English words that news capitalises
// at the start of a sentence or in titles and that GeoNames also has as
// place names ("Police" in Poland, "Reading", "Mobile"). Such a word
// matches only exactly, and only an area or a town of at least
// commonWordMinPopulation inhabitants.
var commonWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range []string{
		"police", "army", "government", "market", "city", "state", "union", "republic",
		"north", "south", "east", "west", "center", "centre", "central", "president", "minister",
		"school", "hospital", "church", "university", "court", "council", "county", "district",
		"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
		"january", "february", "march", "april", "may", "june", "july", "august", "september",
		"october", "november", "december", "news", "world", "people", "today", "said", "will",
		"can", "home", "man", "woman", "water", "fire", "time", "day", "year", "week", "hope",
		"mission", "unity", "victory", "liberty", "freedom", "justice", "peace", "friendship",
		"commerce", "industry", "progress", "enterprise", "reading", "mobile", "split", "nice",
		"orange", "independence", "opportunity", "paradise", "harmony", "concord", "triumph",
		"success", "welcome", "pleasant", "normal", "ordinary", "plain", "plains", "valley",
		"summit", "beach", "park", "lake", "river", "island", "port", "bay", "mount", "hill",
		"hills", "forest", "bridge", "station", "airport", "border", "camp", "base", "office",
		"house", "senate", "congress", "parliament", "embassy", "prison", "jail", "mall", "bank",
		"hotel", "village", "town", "capital", "region", "province", "country", "nation",
		"national", "international", "federal", "local", "global", "public", "general", "royal",
		"major", "minor", "god", "love", "life", "health", "family", "children", "party",
		"media", "press", "post", "times", "daily", "weekly", "star", "sun", "moon", "earth",
		"police department", "fire department", "white house", "pentagon", "kremlin",
		"taliban", "hamas", "hezbollah", "isis", "nato", "un", "ngo", "red cross", "reuters",
		"bbc", "cnn", "nbc", "cbs", "abc news", "fox news", "afp", "google", "apple", "amazon", "facebook", "twitter", "microsoft", "toyota", "ford",
		"china daily", "obama", "trump", "putin", "assad", "erdogan", "biden", "clinton",
		"bush", "merkel", "macron", "netanyahu", "zelensky", "modi", "xi", "kim", "john",
		"james", "mary", "david", "michael", "robert", "william", "richard", "thomas", "charles",
		"joseph", "george", "paul", "mark", "peter", "hill",
		"ahmed", "mohammed", "muhammad", "ali", "hassan", "hussein", "omar", "abdullah",
		"islamic state", "al qaeda", "al-qaeda", "free syrian army", "kurdish", "shia", "sunni",
		"al-shabaab", "al shabaab", "shabaab", "boko haram",
		// News vocabulary that fuzzy matching would turn into places.
		"mosque", "mosques", "forces", "force", "attack", "attacks", "women", "men", "talks", "sources",
		"source", "refugee", "refugees", "telegram", "houthi", "houthis", "tatmadaw", "jazeera",
		"al jazeera", "mohammed ali", "militia", "militias", "soldiers", "soldier", "fighters",
		"fighter", "victims", "victim", "protest", "protests", "protesters", "strike", "strikes",
		"shelling", "missile", "missiles", "drone", "drones", "rocket", "rockets", "mortar",
		"convoy", "checkpoint", "ministry", "officials", "official", "witness", "witnesses",
		"spokesman", "spokeswoman", "agency", "agencies", "report", "reports", "statement",
		"coalition", "regime", "opposition", "insurgents", "jihadists", "clashes", "battle",
		"offensive", "siege", "truce", "deal", "sanctions", "economy", "inflation", "budget",
		"tax", "taxes", "school board", "sheriff", "mayor", "governor", "senator", "commissioner",
		"residents", "neighbors", "neighbours", "students", "teachers", "doctors", "nurses",
		"patients", "workers", "farmers", "voters", "tourists", "visitors", "pilgrims",
		// Peoples without a homeland of their name, whom fuzzy matching
		// would make villages ("Fulani" one letter off a Greek hamlet).
		"fulani", "tuareg", "bedouin", "bedouins", "druze", "yazidi", "yazidis", "pashtun", "pashtuns",
		"rohingya", "hausa", "yoruba", "igbo", "xhosa", "hispanic", "latino", "latinos",
	} {
		m[Normalize(w)] = true
	}
	for w := range surnames {
		m[w] = true
	}
	return m
}()

// surnames are the normalised keys of common English surnames that are also
// the names of towns ("Clinton", "Anderson", "Nelson"). They are common
// words (see commonWords), except that in a document a small town of the
// name is its reading when the document's other names are, surely enough,
// its state or county, or lie next to it (see resolveSurnames).
var surnames = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range []string{
		"clinton", "smith", "johnson", "williams", "brown", "jones", "miller", "davis", "wilson",
		"anderson", "taylor", "moore", "jackson", "martin", "lee", "white", "harris", "thompson",
		"young", "allen", "king", "wright", "scott", "green", "baker", "adams", "nelson",
		"campbell", "mitchell", "roberts", "carter", "phillips", "evans", "turner", "parker",
		"collins", "edwards", "stewart", "morris",
	} {
		m[Normalize(w)] = true
	}
	return m
}()

// isCommonWord reports whether key, a normalised key, is an English word or
// a name that is rarely a place in the news.
func isCommonWord(key string) bool { return commonWords[key] }
