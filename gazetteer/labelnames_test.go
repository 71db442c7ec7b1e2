package gazetteer

import "testing"

func TestLabelLanguage(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"ar", "ar"}, {"AR", "ar"}, {"fr-CH", "fr"}, {"de_AT", "de"}, {"zh-Hans-CN", "zh"},
		{"en-GB", "en"}, {"xx", ""}, {"", ""}, {"-", ""}, {"ar-", "ar"},
	} {
		got, err := LabelLanguage(c.in)
		if err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("LabelLanguage(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestLocalName(t *testing.T) {
	for _, c := range []struct {
		lang string
		id   int64
		want string
	}{
		{"ar", 170654, "دمشق"}, {"fr", 170654, "Damas"}, {"ru", 170654, "Дамаск"}, {"de", 170654, "Damaskus"},
		{"en", 71137, "Sanaa"}, {"", 170654, ""}, {"ar", -1, ""}, {"xx", 170654, ""},
	} {
		if got := LocalName(c.lang, c.id); got != c.want {
			t.Errorf("LocalName(%q, %d) = %q, want %q", c.lang, c.id, got, c.want)
		}
	}
}
