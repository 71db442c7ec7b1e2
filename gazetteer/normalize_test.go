package gazetteer

import (
	"math"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestNormalizeMeets lists spellings that must share a key.
func TestNormalizeMeets(t *testing.T) {
	groups := [][]string{
		{"Deir ez-Zor", "Deir Ezzor", "Deir el-Zor", "Deir al-Zor", "Dair ez-Zor", "Deyr ez Zor", "DEIR EZ-ZOR", "Deïr ez Zor"},
		{"Dayr az Zawr", "Dayr al-Zawr", "Deir ez-Zawr"},
		{"Raqqa", "Al-Raqqah", "Ar Raqqah", "Rakka", "ar-Raqqa", "Arraqqa", "al Raqqa", "Raqqah"},
		{"Talbiseh", "Tallbisah", "Tall Bisah", "Talbisah", "Tallbīsah"},
		{"Homs", "homs", "HOMS", "Homs province", "Homs Governorate", "Muhafazat Homs", "Homs district"},
		{"Ma'arrat an-Nu'man", "Ma‘arrat an Nu‘mān", "Maarat al-Numan", "Ma`arrat al Nu`man", "Maʿarrat al-Nuʿman"},
		{"Khan Shaykhun", "Khan Sheikhoun", "Khan Sheykhun"},
		{"Qamishli", "Kamishli", "Al-Qamishli"},
		{"Djerba", "Jerba"},
		{"Salamiyah", "Salamieh", "Salamiya"},
		{"Damascus", "Damaskus"},
		{"Ḩamāh", "Hamah", "Hama", "Hameh"},
		{"Plymouth County", "Plymouth Co.", "PLYMOUTH CO.", "Plymouth Co"},
		{"County Cork", "Co. Cork", "Co Cork"},
	}
	for _, group := range groups {
		want := Normalize(group[0])
		for _, s := range group[1:] {
			if got := Normalize(s); got != want {
				t.Errorf("Normalize(%q) = %q, want %q as for %q", s, got, want, group[0])
			}
		}
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Deir ez-Zor", "dairzor"},
		{"Al-Raqqah Governorate", "raka"},
		{"Muhafazat Hims", "hims"},
		{"Province of Idlib", "idlib"},
		{"Ḩimş", "hims"},
		{"Şanlıurfa", "sanliurfa"},
		{"Ceylanpınar", "sailanpinar"},
		{"Zürich", "zurish"},
		{"Œuvre Straße", "oeuvrestrase"},
		{"Al", "al"},
		{"el", "el"},
		{"Province", "provinse"},
		{"", ""},
		{"   ", ""},
		{"!!!", ""},
		{"Дамаск", "дамаск"},
		{"دير الزور", "ديرالزور"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Normalize(tt.in); got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestNormalizeKeepsApart lists names that must not meet.
func TestNormalizeKeepsApart(t *testing.T) {
	pairs := [][2]string{
		{"Homs", "Hama"},
		{"Raqqa", "Rastan"},
		{"Idlib", "Irbid"},
		{"Tripoli", "Tripolis"},
	}
	for _, p := range pairs {
		if Normalize(p[0]) == Normalize(p[1]) {
			t.Errorf("Normalize(%q) = Normalize(%q) = %q, want them apart", p[0], p[1], Normalize(p[0]))
		}
	}
}

func TestParseNameRegion(t *testing.T) {
	tests := []struct {
		in     string
		region bool
	}{
		{"Homs", false},
		{"Homs province", true},
		{"Al-Raqqah Governorate", true},
		{"Muhafazat Hims", true},
		{"Province", false},
	}
	for _, tt := range tests {
		if _, got := parseName(tt.in); got != tt.region {
			t.Errorf("parseName(%q) region = %v, want %v", tt.in, got, tt.region)
		}
	}
}

func TestNormalizeLongInput(t *testing.T) {
	long := strings.Repeat("Deir ez-Zor ", 10_000)
	if got := Normalize(long); len(got) > 4*maxNameBytes {
		t.Errorf("got a key of %d bytes, want at most %d", len(got), 4*maxNameBytes)
	}
}

func TestNormalizeAllocs(t *testing.T) {
	allocs := testing.AllocsPerRun(100, func() { Normalize("Deir ez-Zor Governorate") })
	if allocs > 1 {
		t.Errorf("got %v allocations, want at most 1", allocs)
	}
}

// FuzzNormalize checks that Normalize never panics, is idempotent and
// returns valid UTF-8.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"Deir ez-Zor", "Ma‘arrat an Nu‘mān", "Muhafazat Hims", "Al-Raqqah Governorate", "qh", "ßß", "ッッ", "a\xffb", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := Normalize(s)
		if !utf8.ValidString(k) {
			t.Errorf("Normalize(%q) = %q, not valid UTF-8", s, k)
		}
		if k2 := Normalize(k); k2 != k {
			t.Errorf("Normalize(%q) = %q, but Normalize(%q) = %q", s, k, k, k2)
		}
	})
}

func TestSimilarEnough(t *testing.T) {
	tests := []struct {
		a, b  string
		floor float64
		sim   float64
		ok    bool
	}{
		{"dairzor", "dairzor", 0.7, 1, true},
		{"dairzor", "dairzawr", 0.7, 0.75, true},
		{"falujan", "faluja", 0.75, 6.0 / 7, true},
		{"homs", "hama", 0.7, 0, false},
		{"a", "abcdefgh", 0.5, 0, false},
		{"", "", 0.9, 1, true},
	}
	for _, tt := range tests {
		sim, ok := similarEnough(tt.a, tt.b, tt.floor)
		if ok != tt.ok || (ok && math.Abs(sim-tt.sim) > 1e-9) {
			t.Errorf("similarEnough(%q, %q, %v) = %v, %v, want %v, %v", tt.a, tt.b, tt.floor, sim, ok, tt.sim, tt.ok)
		}
	}
	if d := boundedLevenshtein("kitten", "sitting", 5); d != 3 {
		t.Errorf("boundedLevenshtein(kitten, sitting, 5) = %d, want 3", d)
	}
	if d := boundedLevenshtein("kitten", "sitting", 1); d <= 1 {
		t.Errorf("boundedLevenshtein(kitten, sitting, 1) = %d, want more than 1", d)
	}
}

func TestSkeleton(t *testing.T) {
	tests := []struct{ key, want string }{
		{"dairzor", "drzr"},
		{"dairzawr", "drzr"},
		{"homs", "hms"},
		{"hims", "hms"},
		{"idlib", "adlb"},
		{"shaihmaksud", "shmksd"},
	}
	for _, tt := range tests {
		if got := skeleton(tt.key); got != tt.want {
			t.Errorf("skeleton(%q) = %q, want %q", tt.key, got, tt.want)
		}
	}
}
