package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/mapd/mapd/incidents"
	"github.com/mapd/mapd/incidents/index"
	"github.com/mapd/mapd/incidents/sqlite"
	"github.com/mapd/mapd/web"
)

// timeTestTowns are where the incidents of TestBrowserTimeAndLabels happen.
var timeTestTowns = []struct {
	name     string
	lat, lon float64
}{
	{"Aleppo", 36.20, 37.16}, {"Homs", 34.73, 36.72}, {"Tallbisah", 34.84, 36.73}, {"Deir ez-Zor", 35.34, 40.14},
	{"Raqqa", 35.95, 39.01}, {"Idlib", 35.93, 36.63}, {"Daraa", 32.62, 36.10}, {"Palmyra", 34.56, 38.28},
}

// overlapJS counts the pairs of place and country labels whose drawn text
// overlaps (by more than a pixel: anti-aliasing).
const overlapJS = `(function () {
  var r = Array.from(document.querySelectorAll('.place-label .pl-text, .country-label:not(.covered) span')).map(function (e) { return e.getBoundingClientRect(); });
  var bad = [];
  for (var i = 0; i < r.length; i++) for (var j = i + 1; j < r.length; j++) {
    var a = r[i], b = r[j];
    if (a.left + 1 < b.right && b.left + 1 < a.right && a.top + 1 < b.bottom && b.top + 1 < a.bottom) bad.push(i + '/' + j);
  }
  return bad.length;
})()`

// labelNames lists the place labels drawn.
const labelNames = `Array.from(document.querySelectorAll('.place-label .pl-text')).map(function (e) { return e.textContent; })`

// TestBrowserTimeAndLabels drives the time slider (steps, the keyboard,
// dragging the window, playback over vector tiles), the offline place
// labels at two zooms, the phone layout and, when axe-core is installed
// (npm ci), the accessibility check, in headless Chromium.
func TestBrowserTimeAndLabels(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancel()
	b, started := newBrowserTab(t, ctx)

	// Six incidents a day through 2016 in eight Syrian towns.
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "time.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	store.StartIndex(index.Options{}) // as mapd serve does; the import waits for it
	rng := rand.New(rand.NewSource(15))
	types := []string{"Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Riots", "Strategic developments"}
	day0 := time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC)
	var items []incidents.Incident
	perMonth := map[string]int{}
	for d := range 366 {
		date := day0.AddDate(0, 0, d).Format("2006-01-02")
		for k := range 6 {
			town := timeTestTowns[rng.Intn(len(timeTestTowns))]
			lat, lon := town.lat+rng.NormFloat64()*0.05, town.lon+rng.NormFloat64()*0.05
			fat := rng.Intn(4)
			items = append(items, incidents.Incident{SourceID: fmt.Sprintf("time-%d-%d", d, k), Date: date, EventType: types[rng.Intn(len(types))],
				Place: town.name, Country: "SY", Lat: &lat, Lon: &lon, Fatalities: &fat})
			perMonth[date[:7]]++
		}
	}
	if _, err := store.Import(ctx, incidents.NewSliceDecoder(items), incidents.ImportOptions{Atomic: true}); err != nil {
		t.Fatal(err)
	}
	gz := defaultGazetteer(t)
	// A threshold of 100: a month (about 180 incidents) and the whole year
	// are drawn from tiles, a week (about 42) as markers.
	srv, err := web.New(web.Config{Store: store, Gazetteer: gz, Version: "browser-test", TileThreshold: 100})
	if err != nil {
		t.Fatal(err)
	}
	// The heat map's requests are counted by zoom (step 4b).
	var heatMu sync.Mutex
	heatZooms := map[string]int{}
	h := srv.Handler()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/heatmap" {
			heatMu.Lock()
			heatZooms[r.URL.Query().Get("zoom")]++
			heatMu.Unlock()
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	if err := <-started; err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	str := func(step, expr string) string {
		t.Helper()
		var s string
		if err := json.Unmarshal(b.eval(step, expr), &s); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		return s
	}
	names := func(step string) []string {
		t.Helper()
		var v []string
		if err := json.Unmarshal(b.eval(step, labelNames), &v); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		return v
	}
	has := func(list []string, name string) bool {
		for _, n := range list {
			if strings.TrimSpace(n) == name {
				return true
			}
		}
		return false
	}

	// The first label tile builds the server's label index, which takes
	// about 15 s under the race detector: built here, before the map's
	// steps and their time limits.
	if resp, err := http.Get(ts.URL + "/tiles/places/6/38/25.geojson"); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("warm the label index: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}

	// 1. Place labels at zoom 6: capitals and large cities, region names,
	// no town; none overlapping.
	b.do("open map", chromedp.Navigate(ts.URL+"/#map=6/35.0/38.5"))
	b.waitJS("loaded", `document.body.hasAttribute('data-loaded')`)
	b.waitJS("labels at zoom 6", `Number(document.getElementById('map').getAttribute('data-place-labels')) > 5`)
	z6 := names("labels at zoom 6")
	for _, want := range []string{"Damascus", "Aleppo", "Beirut"} {
		if !has(z6, want) {
			t.Errorf("zoom 6: no label %s in %q", want, z6)
		}
	}
	if has(z6, "Tallbīsah") {
		t.Errorf("zoom 6: the town Tallbīsah is labelled, want it from zoom 9 only")
	}
	if n := string(b.eval("regions at zoom 6", `document.querySelectorAll('.place-label.k-region').length`)); n == "0" {
		t.Errorf("zoom 6: no region name drawn")
	}
	if n := string(b.eval("overlaps at zoom 6", overlapJS)); n != "0" {
		t.Errorf("zoom 6: %s pairs of labels overlap, want none", n)
	}
	b.screenshot("labels-z6")

	// 2. At zoom 10 over Homs: the towns, no region name, none overlapping.
	b.eval("zoom 10", `location.hash = '#map=10/34.800/36.720'`)
	b.waitJS("labels at zoom 10", `/map=10\//.test(location.hash) && Array.from(document.querySelectorAll('.place-label .pl-text')).some(function (e) { return e.textContent === 'Tallbīsah'; })`)
	if n := string(b.eval("regions at zoom 10", `document.querySelectorAll('.place-label.k-region').length`)); n != "0" {
		t.Errorf("zoom 10: %s region names drawn, want none", n)
	}
	if n := string(b.eval("overlaps at zoom 10", overlapJS)); n != "0" {
		t.Errorf("zoom 10: %s pairs of labels overlap, want none", n)
	}
	b.screenshot("labels-z10")

	// 2b. Labels in the link's language where the gazetteer has the name
	// (Arabic here), right-to-left, placed without overlaps; the GeoNames
	// name where it has none.
	b.do("open map in Arabic", chromedp.Navigate("about:blank"), chromedp.Navigate(ts.URL+"/#map=6/35.0/38.5&lang=ar"))
	b.waitJS("loaded in Arabic", `document.body.hasAttribute('data-loaded')`)
	b.waitJS("Arabic labels", `Array.from(document.querySelectorAll('.place-label .pl-text')).some(function (e) { return e.textContent === 'دمشق' && e.getAttribute('dir') === 'auto'; })`)
	if ar := names("Arabic labels"); has(ar, "Damascus") || !has(ar, "حلب") {
		t.Errorf("labels with lang=ar: %q, want Damascus and Aleppo in Arabic", ar)
	}
	if n := string(b.eval("overlaps in Arabic", overlapJS)); n != "0" {
		t.Errorf("lang=ar: %s pairs of labels overlap, want none", n)
	}
	// The base map's country names follow the same language.
	b.waitJS("countries in Arabic", `Array.from(document.querySelectorAll('.country-label span')).some(function (e) { return e.textContent === 'سوريا' && e.getAttribute('dir') === 'auto'; })`)
	if n := str("English country names in Arabic", `String(Array.from(document.querySelectorAll('.country-label span')).filter(function (e) { return e.textContent === 'Syria' || e.textContent === 'Iraq' || e.textContent === 'Turkey'; }).length)`); n != "0" {
		t.Errorf("lang=ar: %s of Syria, Iraq, Turkey still named in English", n)
	}
	if h := str("hash in Arabic", `location.hash`); !strings.Contains(h, "lang=ar") {
		t.Errorf("the URL %s lost lang=ar", h)
	}
	b.screenshot("labels-ar")
	b.do("default language", chromedp.Navigate("about:blank"), chromedp.Navigate(ts.URL+"/#map=6/35.0/38.5"))
	b.waitJS("loaded again", `document.body.hasAttribute('data-loaded')`)
	b.waitJS("countries in English again", `Array.from(document.querySelectorAll('.country-label span')).some(function (e) { return e.textContent === 'Syria'; })`)

	// 3. The slider over 2016: a step forward from all dates gives January;
	// the count, the URL and the date inputs follow.
	b.eval("back to Syria", `location.hash = '#map=6/35.0/38.5'`)
	b.waitJS("whole year", fmt.Sprintf(`/map=6\//.test(location.hash) && document.querySelector('#count').getAttribute('data-count') === '%d'`, len(items)))
	if got := b.text("slider text", "#s-text"); !strings.Contains(got, "2016-01-01 to 2016-12-31") {
		t.Errorf("slider text %q does not give the data's range", got)
	}
	b.do("step forward", chromedp.Click(chromedp.CSS("#s-fwd")))
	b.waitJS("January", fmt.Sprintf(`/from=2016-01-01&to=2016-01-31/.test(location.hash) && document.querySelector('#count').getAttribute('data-count') === '%d'`, perMonth["2016-01"]))
	if got := str("from input", `document.getElementById('f-from').value`); got != "2016-01-01" {
		t.Errorf("From input: got %q, want 2016-01-01", got)
	}
	b.do("step forward again", chromedp.Click(chromedp.CSS("#s-fwd")))
	b.waitJS("February", fmt.Sprintf(`/from=2016-02-01&to=2016-02-29/.test(location.hash) && document.querySelector('#count').getAttribute('data-count') === '%d'`, perMonth["2016-02"]))
	if !b.jsTrue("bar marked", `!!document.querySelector('#timeline button.active[aria-pressed="true"]')`) {
		t.Errorf("the chart does not mark February's bar")
	}

	// The keyboard moves the window's end by a day.
	b.do("end thumb, left arrow", chromedp.Focus(chromedp.CSS("#s-to")), chromedp.KeyEvent(kb.ArrowLeft))
	b.waitJS("a day shorter", `/from=2016-02-01&to=2016-02-28/.test(location.hash)`)

	// Dragging the window moves both ends by the same number of days.
	var at struct{ X, Y, W float64 }
	if err := json.Unmarshal(b.eval("window box", `(function () { var r = document.getElementById('s-window').getBoundingClientRect(), t = document.getElementById('slider').getBoundingClientRect(); return { X: r.left + r.width / 2, Y: r.top + r.height / 2, W: t.width }; })()`), &at); err != nil {
		t.Fatal(err)
	}
	dx := at.W / 365 * 30 // about thirty days
	b.do("drag window",
		chromedp.MouseEvent(chromedp.MousePressed, at.X, at.Y, chromedp.ButtonLeft, buttonsLeft, chromedp.ClickCount(1)),
		chromedp.MouseEvent(chromedp.MouseMoved, at.X+dx/2, at.Y, chromedp.ButtonLeft, buttonsLeft),
		chromedp.MouseEvent(chromedp.MouseMoved, at.X+dx, at.Y, chromedp.ButtonLeft, buttonsLeft),
		chromedp.MouseEvent(chromedp.MouseReleased, at.X+dx, at.Y, chromedp.ButtonLeft, chromedp.ClickCount(1)))
	b.waitJS("dragged", `document.body.hasAttribute('data-loaded') && /from=2016-03-/.test(location.hash)`)
	var win struct{ From, To string }
	if err := json.Unmarshal(b.eval("window", `(function () { var m = /from=([\d-]+)&to=([\d-]+)/.exec(location.hash); return { From: m[1], To: m[2] }; })()`), &win); err != nil {
		t.Fatal(err)
	}
	if from, to := mustDate(t, win.From), mustDate(t, win.To); to.Sub(from) != 27*24*time.Hour {
		t.Errorf("after dragging: window %s to %s, want 28 days as before", win.From, win.To)
	}
	b.screenshot("slider")

	// 4. Playback by month: the window, the count and the map follow each
	// frame, drawn from /api/playback's frames; afterwards the map's own
	// tiles draw the window shown. Playing twelve months takes about a
	// second, so a recorder in the page notes each frame as it is drawn
	// instead of the test trying to catch it.
	b.eval("frame recorder", `window.__frames = []; new MutationObserver(function () {
  __frames.push({ From: document.getElementById('f-from').value, To: document.getElementById('f-to').value,
    Count: Number(document.querySelector('#count').getAttribute('data-count')), Mode: document.getElementById('mode').getAttribute('data-mode'),
    Canvas: !!document.querySelector('#map canvas.play-layer') });
}).observe(document.body, { attributes: true, attributeFilter: ['data-play-frames'] }); true`)
	type frame struct {
		From, To, Mode string
		Count          int
		Canvas         bool
	}
	frames := func(step string) []frame {
		t.Helper()
		var v []frame
		if err := json.Unmarshal(b.eval(step, `__frames`), &v); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		return v
	}
	b.eval("month steps", `(function () { var s = document.getElementById('s-step'); s.value = 'month'; s.dispatchEvent(new Event('change')); })()`)
	b.do("all dates", chromedp.Click(chromedp.CSS("#s-all")))
	b.waitJS("all dates again", `!/from=/.test(location.hash) && document.body.hasAttribute('data-loaded')`)
	b.do("play", chromedp.Click(chromedp.CSS("#s-play")))
	b.waitJS("played to the end", `__frames.length > 0 && !document.body.hasAttribute('data-playing')`, 100*time.Millisecond)
	got := frames("frames played")
	if len(got) != 12 {
		t.Errorf("playback of 2016 by month: %d frames drawn, want the 12 months: %+v", len(got), got)
	}
	for i, f := range got {
		month := fmt.Sprintf("2016-%02d", i+1)
		if f.From != month+"-01" || f.To[:7] != month || f.Count != perMonth[month] || f.Mode != "playback" || !f.Canvas {
			t.Errorf("playback frame %d: %+v, want %s with %d incidents drawn on the playback canvas", i+1, f, month, perMonth[month])
		}
	}
	var pb struct {
		Frames         int
		Started, Ended float64
		DrawMs         []float64
	}
	if err := json.Unmarshal(b.eval("playback figures", `({ Frames: __mapdPlayback.frames, Started: __mapdPlayback.started, Ended: __mapdPlayback.ended, DrawMs: __mapdPlayback.drawMs })`), &pb); err != nil {
		t.Fatal(err)
	}
	if h := str("hash after playback", `location.hash`); !strings.Contains(h, "from=2016-12-01&to=2016-12-31") {
		t.Errorf("after playback the URL is %s, want the window at December", h)
	}
	if got := b.count(); got != perMonth["2016-12"] {
		t.Errorf("after playback: count %d, want December's %d", got, perMonth["2016-12"])
	}
	b.waitJS("tiles after playback", `document.getElementById('mode').getAttribute('data-mode') === 'tiles' && !document.querySelector('#map canvas.play-layer')`)
	t.Logf("playback: %d frames in %.0f ms (%.1f frames/s; not asserted, see make bench-map); each frame drawn in %.0f ms", pb.Frames, pb.Ended-pb.Started, float64(pb.Frames)/(pb.Ended-pb.Started)*1000, pb.DrawMs)

	// Play again from the end starts over.
	b.eval("reset recorder", `__frames = []; true`)
	b.do("play again", chromedp.Click(chromedp.CSS("#s-play")))
	b.waitJS("played again", `__frames.length > 0 && !document.body.hasAttribute('data-playing')`, 100*time.Millisecond)
	if again := frames("frames played again"); len(again) == 0 || again[0].From != "2016-01-01" {
		t.Errorf("Play at December: first frame %+v, want January again", again)
	}

	// Playback by day (366 frames, half a minute) is paused midway: it stops at once.
	b.eval("day steps", `(function () { var s = document.getElementById('s-step'); s.value = 'day'; s.dispatchEvent(new Event('change')); })()`)
	b.do("all dates for days", chromedp.Click(chromedp.CSS("#s-all")))
	b.waitJS("all dates for days again", `!/from=/.test(location.hash) && document.getElementById('mode').getAttribute('data-mode') === 'tiles'`)
	b.eval("reset recorder for days", `__frames = []; true`)
	b.do("play by day", chromedp.Click(chromedp.CSS("#s-play")))
	b.waitJS("playing by day", `document.body.getAttribute('data-playing') === '1' && __frames.length >= 3`)
	b.screenshot("playback")
	b.do("pause", chromedp.Click(chromedp.CSS("#s-play")))
	b.waitJS("paused", `!document.body.hasAttribute('data-playing') && document.getElementById('s-play').getAttribute('aria-pressed') === 'false'`)
	paused := str("window paused", `location.hash + ' ' + document.getElementById('f-from').value`)
	time.Sleep(400 * time.Millisecond)
	if h := str("window later", `location.hash + ' ' + document.getElementById('f-from').value`); h != paused {
		t.Errorf("after Pause the window still moves: %s then %s", paused, h)
	}
	days := frames("days played")
	for i, f := range days {
		if want := mustDate(t, "2016-01-01").AddDate(0, 0, i).Format("2006-01-02"); f.From != want || f.To != want {
			t.Errorf("playback by day, frame %d: %s to %s, want %s", i+1, f.From, f.To, want)
			break
		}
	}
	if !strings.Contains(paused, "from="+days[len(days)-1].From) {
		t.Errorf("paused at %s, want the URL at the last frame drawn, %s", paused, days[len(days)-1].From)
	}

	// 4b. The heat map draws every match of the view from /api/heatmap,
	// and playback in heat map mode draws each window as a heat map, not
	// as the clusters' circles.
	b.eval("month steps for heat", `(function () { var s = document.getElementById('s-step'); s.value = 'month'; s.dispatchEvent(new Event('change')); })()`)
	b.do("all dates for heat", chromedp.Click(chromedp.CSS("#s-all")))
	b.waitJS("all dates for heat again", `!/from=/.test(location.hash) && document.body.hasAttribute('data-loaded')`)
	b.do("heat on", chromedp.Click(chromedp.CSS("#f-heat")))
	b.waitJS("heat drawn", `/heat=1/.test(location.hash) && document.getElementById('mode').getAttribute('data-mode') === 'heat' && document.body.hasAttribute('data-loaded')`)
	if got := b.text("heat mode line", "#mode"); !strings.Contains(got, "heatmap of every match") {
		t.Errorf("heat mode line %q, want it to say the heat map shows every match", got)
	}
	const heatPixels = `(function () { var c = document.querySelector('canvas.leaflet-heatmap-layer'); if (!c) return -1; var d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, n = 0; for (var i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; })()`
	b.waitJS("heat pixels", heatPixels+` > 100`)
	heatMu.Lock()
	if heatZooms["6"] == 0 {
		t.Errorf("heat mode drew without asking /api/heatmap for the view's zoom 6 (asked %v)", heatZooms)
	}
	heatMu.Unlock()
	b.screenshot("heat")
	b.eval("heat frame recorder", `window.__heat = []; new MutationObserver(function () {
  __heat.push({ Heat: document.querySelectorAll('#map canvas.leaflet-heatmap-layer').length, Circles: !!document.querySelector('#map canvas.play-layer'), Mode: document.getElementById('mode').getAttribute('data-mode') });
}).observe(document.body, { attributes: true, attributeFilter: ['data-play-frames'] }); true`)
	b.do("play heat", chromedp.Click(chromedp.CSS("#s-play")))
	b.waitJS("heat played", `__heat.length > 0 && !document.body.hasAttribute('data-playing')`, 100*time.Millisecond)
	var heatFrames []struct {
		Heat    int
		Circles bool
		Mode    string
	}
	if err := json.Unmarshal(b.eval("heat frames", `__heat`), &heatFrames); err != nil {
		t.Fatal(err)
	}
	if len(heatFrames) != 12 {
		t.Errorf("heat playback of 2016 by month: %d frames, want 12", len(heatFrames))
	}
	for i, f := range heatFrames {
		if f.Heat != 1 || f.Circles || f.Mode != "playback" {
			t.Errorf("heat playback frame %d: %+v, want one heat map canvas and no cluster circles", i+1, f)
		}
	}
	b.waitJS("heat after playback", `document.getElementById('mode').getAttribute('data-mode') === 'heat' && document.querySelectorAll('#map canvas.leaflet-heatmap-layer').length === 1 && !document.querySelector('#map canvas.play-layer')`)
	b.do("heat off", chromedp.Click(chromedp.CSS("#f-heat")))
	b.waitJS("heat off", `!/heat=1/.test(location.hash) && document.getElementById('mode').getAttribute('data-mode') !== 'heat' && !document.querySelector('#map canvas.leaflet-heatmap-layer')`)

	// 5. Accessibility: axe-core finds nothing serious (run where its
	// script is installed: npm ci).
	t.Run("axe", func(t *testing.T) { axeCheck(t, b, "desktop") })

	// 6. The phone layout: the panel folded; opened, the slider's controls
	// fit its width.
	b.do("phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile), chromedp.Navigate("about:blank"), chromedp.Navigate(ts.URL+"/#map=6/35.0/38.5&from=2016-03-01&to=2016-03-31"))
	b.waitJS("phone loaded", `document.body.hasAttribute('data-loaded')`)
	if !b.jsTrue("phone panel", `getComputedStyle(document.getElementById('panel')).display === 'none'`) {
		t.Errorf("on a 390px screen the side panel is shown at start, want it collapsed")
	}
	b.waitJS("labels on the phone", `Number(document.getElementById('map').getAttribute('data-place-labels')) > 0`)
	b.screenshot("phone-map")
	b.do("open panel", chromedp.Click(chromedp.CSS("#panel-toggle")))
	b.waitJS("slider shown", `!document.getElementById('slider').hidden && document.getElementById('slider').getBoundingClientRect().width > 200`)
	if !b.jsTrue("slider fits", `(function () { var p = document.getElementById('panel').getBoundingClientRect(); return Array.from(document.querySelectorAll('#slider-ctl > *, #slider')).every(function (e) { var r = e.getBoundingClientRect(); return r.left >= p.left - 0.5 && r.right <= p.right + 0.5; }); })()`) {
		t.Errorf("on a 390px screen the slider's controls overflow the panel")
	}
	b.do("scroll to slider", chromedp.ScrollIntoView(chromedp.CSS("#slider-ctl")))
	b.screenshot("phone-slider")
	t.Run("axe phone", func(t *testing.T) { axeCheck(t, b, "phone") })

	b.checkEvents()
}

func mustDate(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// axeScript is axe-core's browser build, installed as a dev-only npm tool
// (package.json; `npm ci` at the repository root).
const axeScript = "../node_modules/axe-core/axe.min.js"

// axeCheck runs axe-core on the page and fails on every serious or
// critical violation. It skips when axe-core is not installed (.ci/run
// installs it).
func axeCheck(t *testing.T, b *browserTab, where string) {
	t.Helper()
	src, err := os.ReadFile(axeScript)
	if err != nil {
		t.Skipf("axe-core not installed (%v): run `npm ci` at the repository root to check accessibility", err)
	}
	b.eval("inject axe", string(src)+";true")
	sctx, scancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer scancel()
	raw, err := chromedp.Run(sctx, chromedp.Evaluate[[]byte](`axe.run(document, { resultTypes: ['violations'] }).then(function (r) {
  return r.violations.filter(function (v) { return v.impact === 'serious' || v.impact === 'critical'; }).map(function (v) {
    return { id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(function (n) { return n.target.join(' ') + ': ' + n.failureSummary; }) };
  });
})`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("axe.run: %v", err)
	}
	var vs []struct {
		ID, Impact, Help string
		Nodes            []string
	}
	if err := json.Unmarshal(raw, &vs); err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		t.Errorf("axe (%s): %s %s: %s\n  %s", where, v.Impact, v.ID, v.Help, strings.Join(v.Nodes, "\n  "))
	}
}
