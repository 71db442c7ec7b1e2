package incidents

//go:generate go run countries_gen.go

import (
	"strconv"
	"strings"
	"sync"
	"unicode"
)

// isoCountry is one row of the ISO 3166-1 table in countries_table.go.
type isoCountry struct {
	Alpha2, Alpha3 string
	Numeric        int
	Name           string // ISO short name, e.g. "Syrian Arab Republic"
	CommonName     string // e.g. "Syria", when it differs
	OfficialName   string // e.g. "Republic of Albania", when it differs
}

// countryAliases holds English names that news outlets and ACLED use but
// ISO 3166-1 does not, keyed by their normalised form (see normCountryName).
var countryAliases = map[string]string{
	"democratic republic of congo": "CD", "dr congo": "CD", "drc": "CD", "congo kinshasa": "CD",
	"republic of congo": "CG", "congo brazzaville": "CG", "congo": "CG",
	"ivory coast": "CI", "swaziland": "SZ", "czech republic": "CZ",
	"palestine": "PS", "palestinian territories": "PS", "occupied palestinian territory": "PS",
	"russia": "RU", "kosovo": "XK", "cape verde": "CV", "east timor": "TL", "turkey": "TR",
	"micronesia": "FM", "vatican": "VA", "vatican city": "VA", "holy see": "VA", "brunei": "BN",
	"macedonia": "MK", "burma": "MM", "united states": "US", "usa": "US", "us": "US",
	"united states of america": "US", "uk": "GB", "great britain": "GB", "britain": "GB",
	"caribbean netherlands": "BQ", "bonaire": "BQ", "saint martin": "MF", "st martin": "MF",
	"st kitts and nevis": "KN", "st lucia": "LC", "st vincent and grenadines": "VC",
	"saint vincent and grenadines": "VC", "falkland islands": "FK", "korea": "KR",
	"us virgin islands": "VI", "virgin islands us": "VI", "british virgin islands": "VG",
	"macau": "MO", "hong kong": "HK", "iran": "IR", "syria": "SY", "laos": "LA",
	"st helena": "SH", "saint helena": "SH", "sao tome": "ST", "uae": "AE",
	"emirates": "AE", "bosnia": "BA", "bosnia herzegovina": "BA", "gambia": "GM",
	"bahamas": "BS", "netherlands": "NL", "philippines": "PH", "sudan": "SD",
	"south sudan": "SS", "central african republic": "CF", "car": "CF",
	"yemen": "YE", "libya": "LY", "vietnam": "VN", "tanzania": "TZ", "moldova": "MD",
	"bolivia": "BO", "venezuela": "VE", "taiwan": "TW", "north korea": "KP", "south korea": "KR",
}

// countryIndex maps normalised names, alpha-3 codes and numeric codes to
// alpha-2 codes. It is built once, on first use, and never changed.
type countryIndex struct {
	alpha2  map[string]bool
	alpha3  map[string]string
	numeric map[int]string
	names   map[string]string
}

var countries = sync.OnceValue(func() *countryIndex {
	ix := &countryIndex{
		alpha2:  make(map[string]bool, len(isoCountries)),
		alpha3:  make(map[string]string, len(isoCountries)),
		numeric: make(map[int]string, len(isoCountries)),
		names:   make(map[string]string, 4*len(isoCountries)),
	}
	for _, c := range isoCountries {
		ix.alpha2[c.Alpha2] = true
		ix.alpha3[c.Alpha3] = c.Alpha2
		ix.numeric[c.Numeric] = c.Alpha2
		for _, n := range []string{c.Name, c.CommonName, c.OfficialName} {
			if n == "" {
				continue
			}
			ix.names[normCountryName(n)] = c.Alpha2
			// "Korea, Republic of" is also written "Republic of Korea".
			if head, tail, ok := strings.Cut(n, ", "); ok {
				ix.names[normCountryName(tail+" "+head)] = c.Alpha2
			}
		}
	}
	for n, code := range countryAliases {
		ix.names[n] = code
	}
	// Kosovo has no ISO 3166-1 entry; "XK" is the code in common use.
	ix.alpha2["XK"] = true
	ix.alpha3["XKX"] = "XK"
	return ix
})

// CountryCode returns the ISO 3166-1 alpha-2 code for s, which may be an
// alpha-2 or alpha-3 code, a numeric code ("760") or an English country name
// ("Syria", "Syrian Arab Republic", "Democratic Republic of Congo").
func CountryCode(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", false
	}
	ix := countries()
	if n, err := strconv.Atoi(s); err == nil {
		code, ok := ix.numeric[n]
		return code, ok
	}
	up := strings.ToUpper(s)
	switch len(s) {
	case 2:
		if ix.alpha2[up] {
			return up, true
		}
	case 3:
		if code, ok := ix.alpha3[up]; ok {
			return code, true
		}
	}
	code, ok := ix.names[normCountryName(s)]
	return code, ok
}

// normCountryName lower-cases a name, folds common Latin diacritics, drops
// apostrophes and the word "the", turns other punctuation into spaces and
// "&" into "and", so that "Côte d'Ivoire" and "cote divoire" meet.
func normCountryName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r == '\'' || r == '’' || r == '.':
			continue
		case r == '&':
			b.WriteString(" and ")
		case r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
		case r >= 0x80 && unicode.IsLetter(r):
			b.WriteRune(foldLatin(r))
		default:
			b.WriteByte(' ')
		}
	}
	words := strings.Fields(b.String())
	out := words[:0]
	for _, w := range words {
		if w != "the" {
			out = append(out, w)
		}
	}
	return strings.Join(out, " ")
}

func foldLatin(r rune) rune {
	switch r {
	case 'à', 'á', 'â', 'ã', 'ä', 'å':
		return 'a'
	case 'ç':
		return 'c'
	case 'è', 'é', 'ê', 'ë':
		return 'e'
	case 'ì', 'í', 'î', 'ï':
		return 'i'
	case 'ñ':
		return 'n'
	case 'ò', 'ó', 'ô', 'õ', 'ö', 'ø':
		return 'o'
	case 'ù', 'ú', 'û', 'ü':
		return 'u'
	case 'ý', 'ÿ':
		return 'y'
	}
	return r
}
