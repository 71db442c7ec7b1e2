package main

import (
	"encoding/json"
	"testing"
)

func TestShortest(t *testing.T) {
	tests := []struct {
		in   []string
		want string
	}{
		{[]string{"Syrien"}, "Syrien"},
		{[]string{"Russische Föderation", "Russland"}, "Russland"},
		{[]string{"Vereinigte Staaten von Amerika", "Vereinigte Staaten", "USA"}, "USA"},
		{[]string{"  ", "Irán "}, "Irán"},
		{[]string{"سوريا", "الجمهورية العربية السورية"}, "سوريا"}, // characters, not bytes
		{[]string{"ab", "cd"}, "ab"},
		{[]string{"a\tb"}, ""},
		{nil, ""},
	}
	for _, tt := range tests {
		if got := shortest(tt.in); got != tt.want {
			t.Errorf("shortest(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNamesByID(t *testing.T) {
	numeric, err := parseCodes([]byte(`[["SY","SYR","760","ISO 3166-2:SY"],["RU","RUS","643","ISO 3166-2:RU"],["FR","FRA","250","ISO 3166-2:FR"]]`))
	if err != nil {
		t.Fatal(err)
	}
	lang := []byte(`{"locale":"de","countries":{"SY":"Syrien","RU":["Russische Föderation","Russland"],"FR":"Frankreich","XX":"Nirgendwo"}}`)
	got, err := namesByID(lang, numeric, map[string]bool{"760": true, "643": true})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"760": "Syrien", "643": "Russland"} // France is not on this base map
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: got %q, want %q", k, got[k], v)
		}
	}
	if _, err := namesByID([]byte(`{"countries":{"SY":3}}`), numeric, map[string]bool{"760": true}); err == nil {
		t.Error("a number as a name: no error")
	}
	if _, err := parseCodes([]byte(`[["SY"]]`)); err == nil {
		t.Error("a short codes row: no error")
	}
}

func TestEncode(t *testing.T) {
	body, err := encode(map[string]string{"760": "سوريا", "004": "Afghanistan \"x\""})
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]string
	if err := json.Unmarshal(body, &back); err != nil {
		t.Fatalf("%s: %v", body, err)
	}
	if back["760"] != "سوريا" || back["004"] != "Afghanistan \"x\"" {
		t.Errorf("round trip: %v", back)
	}
	if string(body[:8]) != "{\n\"004\":" {
		t.Errorf("keys not sorted: %s", body)
	}
}

func TestUninvert(t *testing.T) {
	names := map[string]string{
		"760": "Syrien, Arabische Republik",
		"180": "Kongo, Jamhuri ya Kidemokrasia", // the other Congo is "Kongo": kept whole
		"178": "Kongo",
		"092": "Giravên Virgin, Brîtanî", // both would be "Giravên Virgin": kept whole
		"850": "Giravên Virgin, U.S.",
		"336": "ہولی سی، ویٹیکن", // Arabic script's comma
		"250": "Frankreich",
	}
	uninvert(names)
	want := map[string]string{
		"760": "Syrien", "180": "Kongo, Jamhuri ya Kidemokrasia", "178": "Kongo",
		"092": "Giravên Virgin, Brîtanî", "850": "Giravên Virgin, U.S.", "336": "ہولی سی", "250": "Frankreich",
	}
	for id, w := range want {
		if names[id] != w {
			t.Errorf("%s: got %q, want %q", id, names[id], w)
		}
	}
}
