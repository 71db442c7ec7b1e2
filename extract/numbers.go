package extract

import (
	"strconv"
	"strings"
)

// numberWords are the counts written as words.
var numberWords = map[string]int{
	"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
	"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
	"seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
	"sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "a": 1, "an": 1, "single": 1,
}

// vagueCounts are ACLED's conventions for vague plurals: the lower bound.
var vagueCounts = map[string]int{
	"dozens": 12, "scores": 20, "hundreds": 100, "thousands": 1000, "several": 3, "tens": 10,
}

// singular victim nouns count one after "a": "a child", "a soldier".
var singular = map[string]bool{"child": true, "woman": true, "man": true, "boy": true, "girl": true,
	"soldier": true, "civilian": true, "policeman": true, "fighter": true, "person": true, "journalist": true,
	"villager": true, "farmer": true, "student": true, "teacher": true, "worker": true, "imam": true, "priest": true,
	"doctor": true, "nurse": true, "shepherd": true, "herder": true, "trader": true, "resident": true, "baby": true,
	"pilgrim": true, "passenger": true, "driver": true, "militant": true, "rebel": true, "guard": true}

// multipliers scale the number before them.
var multipliers = map[string]int{"hundred": 100, "thousand": 1000, "million": 1_000_000, "dozen": 12}

// number is a count found in the text.
type number struct {
	value      int
	start, end int // token indexes [start, end)
	vague      bool
}

// parseNumber reads a count at toks[i]: digits ("62", "300,000", "1.5
// million"), words ("five", "twenty-five", "a dozen", "two hundred") or a
// vague plural ("dozens", "scores", "hundreds"). Qualifiers such as "at
// least" and "more than" are left to the caller: the number itself is the
// lower bound.
func parseNumber(toks []token, i int) (number, bool) {
	if i >= len(toks) {
		return number{}, false
	}
	t := toks[i]
	n := number{start: i, end: i + 1}
	switch {
	case t.kind == tokNumber:
		s := strings.ReplaceAll(t.text, ",", "")
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || f > 1e9 {
			return number{}, false
		}
		if strings.Count(t.text, ".") > 0 && (i+1 >= len(toks) || multipliers[toks[i+1].norm] == 0) {
			return number{}, false // a decimal without "million" is no count
		}
		n.value = int(f)
		if i+1 < len(toks) && multipliers[toks[i+1].norm] > 0 {
			n.value = int(f * float64(multipliers[toks[i+1].norm]))
			n.end++
		}
		return n, true
	case vagueCounts[t.norm] > 0:
		n.value, n.vague = vagueCounts[t.norm], true
		return n, true
	}
	v, ok := wordNumber(t.norm)
	if !ok {
		return number{}, false
	}
	if (t.norm == "a" || t.norm == "an" || t.norm == "single") && (i+1 >= len(toks) || multipliers[toks[i+1].norm] == 0) {
		if i+1 < len(toks) && singular[toks[i+1].norm] {
			return number{value: 1, start: i, end: i + 1}, true // "a child"
		}
		return number{}, false // "a" is a count only in "a dozen", "a hundred", "a child"
	}
	n.value = v
	for n.end < len(toks) {
		m := multipliers[toks[n.end].norm]
		if m == 0 {
			break
		}
		n.value *= m
		n.end++
		// "two hundred and fifty"
		if n.end+1 < len(toks) && toks[n.end].norm == "and" {
			if w, ok := wordNumber(toks[n.end+1].norm); ok && w < 100 {
				n.value += w
				n.end += 2
			}
		}
	}
	return n, true
}

// wordNumber reads "five", "twenty", "twentyfive" (the hyphen is dropped).
func wordNumber(w string) (int, bool) {
	if v, ok := numberWords[w]; ok {
		return v, true
	}
	for _, tens := range []string{"twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"} {
		if strings.HasPrefix(w, tens) {
			if u, ok := numberWords[w[len(tens):]]; ok && u < 10 && w[len(tens):] != "a" && w[len(tens):] != "an" {
				return numberWords[tens] + u, true
			}
		}
	}
	return 0, false
}

// casualty is a count of dead or wounded in one sentence.
type casualty struct {
	value   int
	injured bool   // wounded rather than killed
	victim  string // the kind of victim counted: "civilians", "military", "fighters"
	noun    string // the noun as written: "soldiers", "people"
	demonym string // a demonym before the noun: "Syrian soldiers" -> SY
	start   int    // token index of the number
	end     int    // token index after the casualty word
}

var deathWords = map[string]bool{
	"killed": true, "dead": true, "died": true, "slain": true, "killing": true, "kill": true, "kills": true,
	"deaths": true, "fatalities": true, "lives": true, "perished": true, "executed": true, "massacred": true,
}

var injuryWords = map[string]bool{
	"wounded": true, "injured": true, "hurt": true, "wounding": true, "injuring": true, "injuries": true,
	"wounds": true,
}

// victimNouns are the nouns a casualty count counts.
var victimNouns = map[string]string{
	"civilians": "civilians", "civilian": "civilians", "people": "civilians", "persons": "civilians",
	"residents": "civilians", "villagers": "civilians", "children": "civilians", "women": "civilians",
	"men": "", "passengers": "civilians", "worshippers": "civilians", "pilgrims": "civilians",
	"students": "civilians", "farmers": "civilians", "workers": "civilians", "shoppers": "civilians",
	"miners": "civilians", "displaced": "civilians", "journalists": "civilians", "refugees": "civilians",
	"protesters": "protesters", "protestors": "protesters", "demonstrators": "protesters",
	"soldiers": "military", "troops": "military", "servicemen": "military", "personnel": "military",
	"officers": "military", "conscripts": "military", "policemen": "police", "police": "police",
	"guards": "military", "fighters": "fighters", "militants": "fighters", "rebels": "fighters",
	"insurgents": "fighters", "jihadists": "fighters", "militiamen": "fighters", "gunmen": "fighters",
	"combatants": "fighters", "members": "", "others": "", "more": "", "of": "",
	"child": "civilians", "woman": "civilians", "man": "civilians", "boy": "civilians", "girl": "civilians",
	"soldier": "military", "policeman": "police", "fighter": "fighters", "person": "civilians",
	"journalist": "civilians", "militant": "fighters", "rebel": "fighters", "resident": "civilians",
	"attackers": "fighters", "assailants": "fighters", "attacker": "fighters", "assailant": "fighters",
	"villager": "civilians", "farmer": "civilians", "student": "civilians", "teacher": "civilians", "worker": "civilians",
	"imam": "civilians", "priest": "civilians", "doctor": "civilians", "nurse": "civilians", "shepherd": "civilians",
	"herder": "civilians", "trader": "civilians", "baby": "civilians", "pilgrim": "civilians", "passenger": "civilians",
	"driver": "civilians", "guard": "military",
}

// fillerWords may stand between a count and its casualty word.
var fillerWords = map[string]bool{
	"were": true, "was": true, "have": true, "has": true, "had": true, "been": true, "being": true,
	"are": true, "is": true, "reportedly": true, "also": true, "later": true, "all": true, "allegedly": true,
	"apparently": true, "either": true, "critically": true, "seriously": true,
	"badly": true, "severely": true, "lightly": true, "fatally": true, "its": true, "their": true, "his": true,
	"other": true, "them": true, "whom": true, "who": true, "left": true, "found": true, "confirmed": true,
}

// findCasualties reads the counts of dead and wounded in a sentence:
// "at least 62 soldiers were killed", "more than 100 wounded", "killing
// five civilians", "the death toll rose to 12", "62 of its soldiers".
func findCasualties(toks []token, demonymOf func(string) string) []casualty {
	var out []casualty
	// pending is a count of victims joined by "and" to the count after it
	// ("27 of its fighters and at least 89 militants had been killed"): it
	// counts when that one does.
	var pending *casualty
	pendingEnd := -1
	keep := func(c casualty) {
		if pending != nil && c.start > pendingEnd && c.start <= pendingEnd+4 {
			p := *pending
			p.injured, p.end = c.injured, pendingEnd
			out = append(out, p)
		}
		pending = nil
		out = append(out, c)
	}
	for i := 0; i < len(toks); i++ {
		n, ok := parseNumber(toks, i)
		if !ok {
			continue
		}
		if i > 0 && (toks[i-1].norm == "since" || toks[i-1].norm == "in" && n.value > 1900 && n.value < 2100) {
			continue // a year
		}
		c := casualty{value: n.value, start: i}
		j := n.end
		// "62 Syrian soldiers", "five more civilians", "12 government soldiers"
		for k := 0; k < 4 && j < len(toks); k++ {
			w := toks[j].norm
			if v, ok := victimNouns[w]; ok && w != "of" {
				if c.victim == "" {
					c.victim, c.noun = v, w
					if c.victim == "" {
						c.victim = "-"
					}
				}
				j++
				continue
			}
			if (w == "from" || w == "on") && j+2 < len(toks) && (toks[j+1].norm == "both" || toks[j+1].norm == "each" || toks[j+1].norm == "either") &&
				(toks[j+2].norm == "sides" || toks[j+2].norm == "side") {
				j += 3 // "20 fighters from both sides were killed"
				continue
			}
			if (w == "of" || w == "its" || w == "their" || w == "the") && j+1 < len(toks) {
				j++ // "62 of its soldiers"
				continue
			}
			if cc := demonymOf(w); cc != "" {
				c.demonym = cc
				j++
				continue
			}
			if toks[j].kind == tokWord && !fillerWords[w] && !deathWords[w] && !injuryWords[w] && k < 2 && (len(w) > 2 && isAdjective(w) || acronym(toks[j].text)) {
				j++
				continue
			}
			break
		}
		for j < len(toks) && fillerWords[toks[j].norm] && j-n.end < 8 {
			j++
		}
		if j < len(toks) {
			w := toks[j].norm
			switch {
			case deathWords[w] && w != "kill" && w != "kills" && w != "killing":
				c.end = j + 1
				keep(c)
				i = j
				continue
			case injuryWords[w] && w != "wounding" && w != "injuring":
				c.injured, c.end = true, j+1
				keep(c)
				i = j
				continue
			case w == "and" && c.victim != "" && c.victim != "-":
				pc := c
				pending, pendingEnd = &pc, j
			}
		}
		// "killing at least five", "wounded 20 others", "death toll rose to 12"
		if k, injured, ok := casualtyBefore(toks, i); ok && (toks[k].norm != "lost" || c.victim != "" && c.victim != "-" && c.victim != "civilians") {
			c.injured, c.end = injured, j
			out = append(out, c)
			continue
		}
		// "killing two women and a child", "killed 27 fighters and at least
		// 89 militants": a count joined to the one before.
		and := i - 1
		for and > 0 && and > i-4 && qualifierWord(toks[and].norm) && toks[and].norm != "and" {
			and--
		}
		if len(out) > 0 && and >= 0 && toks[and].norm == "and" && out[len(out)-1].end == and && c.victim != "" {
			c.injured, c.end = out[len(out)-1].injured, j
			out = append(out, c)
		}
	}
	return out
}

// isAdjective guesses whether a word between a count and its noun is an
// adjective ("government", "Kurdish", "unarmed").
func isAdjective(w string) bool {
	switch w {
	case "government", "army", "regime", "rebel", "unarmed", "innocent", "kurdish", "security",
		"police", "militia", "pro", "progovernment", "opposition", "local", "young", "elderly", "wounded",
		"islamist", "jihadist", "enemy", "armed", "military", "national", "foreign", "displaced", "army's":
		return true
	}
	return false
}

// acronym reports whether a word is a group's initials in capitals ("LNA",
// "SDF", "RSF"), which may name whose victims a count is: "three LNA
// soldiers".
func acronym(w string) bool {
	if len(w) < 2 || len(w) > 6 {
		return false
	}
	for _, r := range w {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

// casualtyBefore reports whether a casualty verb governs the count at
// toks[i] from before: "killing (at least) five", "killed 12", "wounding
// 20", "the death toll rose to 12", "claimed 30 lives".
func casualtyBefore(toks []token, i int) (int, bool, bool) {
	for k := i - 1; k >= 0 && k >= i-5; k-- {
		w := toks[k].norm
		switch {
		case w == "killing" || w == "killed" || w == "kill" || w == "kills" || w == "executed" || w == "massacred":
			return k, false, true
		case w == "wounding" || w == "injuring" || w == "wounded" || w == "injured":
			return k, true, true
		case w == "toll", w == "lost": // "the army had lost two soldiers"
			return k, false, true
		case tollVerbs[w]:
			// "The death toll from Tuesday's strike on a market has risen to 41".
			for j := k - 1; j >= 0 && j >= k-12 && toks[j].kind != tokPunct; j-- {
				if toks[j].norm == "toll" {
					return j, false, true
				}
			}
		}
		if !qualifierWord(w) {
			return 0, false, false
		}
	}
	return 0, false, false
}

// tollVerbs tell a death toll's new figure, far from the word "toll".
var tollVerbs = map[string]bool{"risen": true, "rose": true, "climbed": true, "reached": true, "jumped": true, "increased": true}

// superlative reports whether w ranks a day or an event against others
// ("the deadliest attack since 2015", "the first since the truce").
func superlative(w string) bool {
	switch w {
	case "first", "biggest", "largest", "worst", "highest", "fiercest", "most", "latest", "greatest",
		"strongest", "longest", "gravest", "widest":
		return true
	}
	return len(w) > 5 && strings.HasSuffix(w, "iest") // deadliest, bloodiest, heaviest
}

// qualifierWord may stand between a casualty verb and its count.
func qualifierWord(w string) bool {
	switch w {
	case "at", "least", "more", "than", "over", "some", "about", "around", "nearly", "almost", "up", "to",
		"rose", "risen", "climbed", "reached", "stood", "stands", "is", "was", "has", "had", "of", "another",
		"roughly", "approximately", "an", "estimated", "the", "a", "as", "many", "least,":
		return true
	}
	return false
}

// backgroundCue reports whether a sentence states a running total rather
// than an incident: "Syria's conflict has killed more than 300,000 people
// since March 2011", "so far this year", "in total".
func backgroundCue(toks []token) bool {
	perfect := false // a "has"/"have" seen: "has relied on drones since ..."
	for i, t := range toks {
		switch t.norm {
		case "has", "have":
			perfect = true
		case "since":
			if i > 0 && superlative(toks[i-1].norm) || i > 1 && superlative(toks[i-2].norm) {
				continue // "the bloodiest day since the coup" dates one day
			}
			if perfect {
				return true // a period up to now, whatever starts it
			}
			if i+1 < len(toks) {
				n := toks[i+1]
				if n.kind == tokNumber || months[n.norm] > 0 || n.norm == "the" || n.norm == "it" || n.norm == "its" ||
					n.norm == "last" || n.norm == "early" || weekdays[n.norm] > 0 || n.norm == "sunday" {
					return true
				}
			}
		case "conflict", "war", "insurgency", "uprising", "crisis", "violence", "campaign":
			// "The war in Syria has killed ...", "Violence linked to the
			// group has left ...": the subject's verb, before any comma.
			for k := i + 1; k+1 < len(toks) && k <= i+8; k++ {
				w := toks[k].norm
				if w == "," || w == "." || w == ";" {
					break
				}
				if (w == "has" || w == "have" || w == "had") && (toks[k+1].norm == "killed" || toks[k+1].norm == "left" ||
					toks[k+1].norm == "claimed" || toks[k+1].norm == "displaced") {
					return true
				}
			}
		case "total", "overall", "cumulative", "tally":
			return true
		case "far":
			if i > 0 && toks[i-1].norm == "so" {
				return true
			}
		case "past":
			if i+2 < len(toks) && (toks[i+2].norm == "years" || toks[i+2].norm == "decades" || toks[i+2].norm == "months") {
				return true
			}
		}
	}
	return false
}
