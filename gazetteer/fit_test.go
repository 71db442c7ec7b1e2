package gazetteer

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mapd/mapd/gazetteer/internal/geoparse"
	"github.com/mapd/mapd/geo"
)

// TestFitDocWeights fits docWeights on the development split of the
// geoparsing corpora and prints them as Go, to paste into document.go. It
// runs only when MAPD_FIT_GEOPARSE names the corpora's folder:
//
//	MAPD_FIT_GEOPARSE=../shared/geoparse go test -run '^TestFitDocWeights$' -v ./gazetteer
//
// The model is a conditional logit: for each gold name with a point, the
// probability of its candidates is a softmax of their utilities, and the
// fit maximises the log probability of the candidates within 161 km of the
// gold point (with a small L2 penalty), by gradient ascent. The context
// features come from a pass with the current weights; a second fit from
// the new weights changes them little.
func TestFitDocWeights(t *testing.T) {
	dir := os.Getenv("MAPD_FIT_GEOPARSE")
	if dir == "" {
		t.Skip("set MAPD_FIT_GEOPARSE to the geoparse corpora's folder to fit the ranking weights")
	}
	g := testGazetteer(t)
	type example struct {
		feats [][numFeatures]float64
		right []bool
	}
	var examples []example
	for _, c := range geoparse.Corpora {
		docs, err := geoparse.Read(filepath.Join(dir, c.File))
		if err != nil {
			t.Fatal(err)
		}
		for ai, doc := range docs {
			if !geoparse.Dev(c.Name, ai) {
				continue
			}
			mentions := make([]Mention, len(doc))
			for i, tp := range doc {
				mentions[i] = Mention{Name: tp.Phrase}
			}
			_, err := g.resolveDocument(context.Background(), mentions, &docWeights, func(i int, ps []Place, feats [][numFeatures]float64) {
				tp := doc[i]
				if !tp.HasPoint || len(ps) < 2 {
					return
				}
				ex := example{feats: feats, right: make([]bool, len(ps))}
				any := false
				for k, p := range ps {
					ex.right[k] = geo.Distance(tp.Lat, tp.Lon, p.Lat, p.Lon) <= 161
					any = any || ex.right[k]
				}
				if any {
					examples = append(examples, ex)
				}
			})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	w := docWeights
	const rate, l2, steps = 1.0, 0.001, 2000
	for step := 0; step < steps; step++ {
		var grad [numFeatures]float64
		ll := 0.0
		for _, ex := range examples {
			us := make([]float64, len(ex.feats))
			maxU := math.Inf(-1)
			for k, f := range ex.feats {
				for fi, v := range f {
					us[k] += w[fi] * v
				}
				maxU = max(maxU, us[k])
			}
			var all, right float64
			var eAll, eRight [numFeatures]float64
			for k, f := range ex.feats {
				p := math.Exp(us[k] - maxU)
				all += p
				for fi, v := range f {
					eAll[fi] += p * v
				}
				if ex.right[k] {
					right += p
					for fi, v := range f {
						eRight[fi] += p * v
					}
				}
			}
			ll += math.Log(right / all)
			for fi := range grad {
				grad[fi] += eRight[fi]/right - eAll[fi]/all
			}
		}
		for fi := range w {
			w[fi] += rate * (grad[fi]/float64(len(examples)) - l2*w[fi])
		}
		if step%500 == 0 || step == steps-1 {
			t.Logf("step %d: mean log-likelihood %.4f over %d names", step, ll/float64(len(examples)), len(examples))
		}
	}
	names := []string{"fPrior", "fOwn", "fPop", "fCountry", "fAdmin1", "fNear", "fArea", "fWithin", "fRegionAny", "fCountyAny", "fNamedRegion", "fNamedCounty", "fNearLocal"}
	var b strings.Builder
	b.WriteString("var docWeights = [numFeatures]float64{\n")
	for fi, v := range w {
		fmt.Fprintf(&b, "\t%s: %.3g,\n", names[fi], v)
	}
	b.WriteString("}\n")
	t.Log("\n" + b.String())
}
