package gazetteer

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// labelNames holds the map labels' names in other languages (from
// data/labelnames.tsv.gz; see gazetteer/data/README.md), loaded on first
// use: a server whose map is never asked for another language never
// pays for them.
var labelNames struct {
	once  sync.Once
	names map[string]map[int64]string // language tag -> GeoNames id -> name
	err   error
}

// loadLabelNames parses the embedded label names.
func loadLabelNames() (map[string]map[int64]string, error) {
	text, err := gunzipEmbedded("data/labelnames.tsv.gz")
	if err != nil {
		return nil, err
	}
	out := map[string]map[int64]string{}
	for line := range strings.Lines(text) {
		idText, rest, ok1 := strings.Cut(strings.TrimSuffix(line, "\n"), "\t")
		tag, name, ok2 := strings.Cut(rest, "\t")
		id, err := strconv.ParseInt(idText, 10, 64)
		if !ok1 || !ok2 || err != nil || tag == "" || name == "" {
			return nil, fmt.Errorf("gazetteer: embedded labelnames.tsv.gz: bad line %q", line)
		}
		m := out[tag]
		if m == nil {
			m = map[int64]string{}
			out[tag] = m
		}
		m[id] = name
	}
	return out, nil
}

// LabelLanguage returns the language of the label names that best serves
// the BCP 47 tag lang ("ar", "pt-BR", "zh-Hans-CN"): the tag itself, else
// its primary language; "" when there are none in it (labels then keep
// their GeoNames names). The error is non-nil only when the embedded data
// is corrupt.
func LabelLanguage(lang string) (string, error) {
	names, err := labelNamesLoaded()
	if err != nil {
		return "", err
	}
	tag := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(lang), "_", "-"))
	if _, ok := names[tag]; ok {
		return tag, nil
	}
	base, _, _ := strings.Cut(tag, "-")
	if _, ok := names[base]; ok {
		return base, nil
	}
	return "", nil
}

// LocalName returns the name of the place geonameID in language lang (as
// LabelLanguage returns it), or "" when none is known.
func LocalName(lang string, geonameID int64) string {
	names, err := labelNamesLoaded()
	if err != nil {
		return ""
	}
	return names[lang][geonameID]
}

func labelNamesLoaded() (map[string]map[int64]string, error) {
	labelNames.once.Do(func() {
		labelNames.names, labelNames.err = loadLabelNames()
	})
	return labelNames.names, labelNames.err
}
