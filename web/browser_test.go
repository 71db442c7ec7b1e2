package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/mapd/mapd/incidents"
	"github.com/mapd/mapd/incidents/sqlite"
	"github.com/mapd/mapd/web"
)

// xssNote is stored as an incident's notes; the map must show it as text.
const xssNote = `<img src=x onerror=alert(1)>`

// findChromium returns the browser to drive, or "" when there is none.
func findChromium() string {
	if p := os.Getenv("MAPD_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	return ""
}

// browserEvents collects what the page did that a person would not want:
// console errors, uncaught exceptions, JavaScript dialogs and requests to
// hosts other than the test server.
type browserEvents struct {
	mu       sync.Mutex
	errors   []string
	dialogs  []string
	foreign  []string
	requests int
}

func (b *browserEvents) add(list *[]string, s string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	*list = append(*list, s)
}

func (b *browserEvents) snapshot() (errs, dialogs, foreign []string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.errors...), append([]string(nil), b.dialogs...), append([]string(nil), b.foreign...)
}

func localURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	switch u.Scheme {
	case "data", "blob", "about", "chrome", "devtools", "chrome-extension":
		return true
	}
	h := u.Hostname()
	return h == "127.0.0.1" || h == "localhost" || h == "::1"
}

func remoteValue(args []*runtime.RemoteObject) string {
	var parts []string
	for _, a := range args {
		switch {
		case a.Description != "":
			parts = append(parts, a.Description)
		case len(a.Value) > 0:
			parts = append(parts, string(a.Value))
		default:
			parts = append(parts, string(a.Type))
		}
	}
	return strings.Join(parts, " ")
}

// browserTab is a headless Chromium tab driven by a test. It records what
// the page did that a person would not want (see browserEvents); its
// helpers fail the test with the browser's errors so far.
type browserTab struct {
	t     *testing.T
	ctx   context.Context
	ev    *browserEvents
	shots string // directory for screenshots, "" for none
	t0    time.Time
}

// newBrowserTab starts Chromium and one tab under ctx. The tab starts in
// the background: wait on the returned channel before the first step, and
// set the server up meanwhile. It skips the test when there is no Chromium.
func newBrowserTab(t *testing.T, ctx context.Context) (*browserTab, <-chan error) {
	t.Helper()
	chrome := findChromium()
	if chrome == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("chromium not found and CI is set: install it with `apt-get install -y chromium` (or set MAPD_CHROMIUM)")
		}
		t.Skip("chromium not found: install Debian's chromium (`apt-get install -y chromium`) or set MAPD_CHROMIUM to run the browser test")
	}
	actx, acancel := chromedp.NewExecAllocator(ctx, chromeOptions(t, chrome)...)
	t.Cleanup(acancel)

	b := &browserTab{t: t, ev: &browserEvents{}, shots: os.Getenv("MAPD_SCREENSHOT_DIR"), t0: time.Now()}
	ev := b.ev
	listener := func(e any) {
		// Runs in the tab's message loop: record and return, run no command.
		switch e := e.(type) {
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeAssert {
				ev.add(&ev.errors, "console."+string(e.Type)+": "+remoteValue(e.Args))
			}
		case *runtime.EventExceptionThrown:
			msg := e.ExceptionDetails.Text
			if e.ExceptionDetails.Exception != nil {
				msg += " " + e.ExceptionDetails.Exception.Description
			}
			ev.add(&ev.errors, "exception: "+msg)
		case *cdplog.EventEntryAdded:
			// The one failed request TestBrowserMap provokes (saving an
			// incident whose place cannot be resolved) is logged by Chromium
			// itself.
			expected := e.Entry.Source == cdplog.EntrySourceNetwork && strings.Contains(e.Entry.Text, "status of 400") &&
				strings.HasSuffix(e.Entry.URL, "/api/incidents")
			if e.Entry.Level == cdplog.EntryLevelError && !expected {
				ev.add(&ev.errors, "log: "+e.Entry.Text+" "+e.Entry.URL)
			}
		case *page.EventJavascriptDialogOpening:
			ev.add(&ev.dialogs, string(e.Type)+": "+e.Message)
			go chromedp.Call(b.ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		case *network.EventRequestWillBeSent:
			ev.mu.Lock()
			ev.requests++
			ev.mu.Unlock()
			if !localURL(e.Request.URL) {
				ev.add(&ev.foreign, e.Request.URL)
			}
		}
	}
	bctx, bcancel := chromedp.NewContext(actx, chromedp.WithListener(listener))
	t.Cleanup(bcancel)
	b.ctx = bctx
	// Start the browser and the tab on bctx itself (a tab first opened under
	// a step's timeout would close with that step).
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(bctx) }()
	return b, started
}

func (b *browserTab) fail(step string, err error) {
	b.t.Helper()
	if b.shots != "" {
		sctx, scancel := context.WithTimeout(b.ctx, 5*time.Second)
		if buf, err := chromedp.Run(sctx, chromedp.CaptureScreenshot()); err == nil {
			os.WriteFile(filepath.Join(b.shots, "failed.png"), buf, 0o644)
		}
		scancel()
	}
	errs, _, _ := b.ev.snapshot()
	b.t.Fatalf("%s: %v (browser errors so far: %q)", step, err, errs)
}

// do runs actions as one step.
func (b *browserTab) do(step string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	defer func() { b.t.Logf("%6.2fs %s", time.Since(b.t0).Seconds(), step) }()
	sctx, scancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer scancel()
	if err := chromedp.Do(sctx, actions...); err != nil {
		b.fail(step, err)
	}
}

// contextLost reports an evaluation that raced a navigation: the page's
// JavaScript context it ran in was replaced. Trying again is safe.
func contextLost(ctx context.Context, err error) bool {
	return err != nil && ctx.Err() == nil && strings.Contains(err.Error(), "Cannot find context with specified id")
}

// eval returns the JSON value of a JavaScript expression.
func (b *browserTab) eval(step, expr string) []byte {
	b.t.Helper()
	sctx, scancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer scancel()
	v, err := chromedp.Run(sctx, chromedp.Evaluate[[]byte](expr))
	for contextLost(sctx, err) {
		v, err = chromedp.Run(sctx, chromedp.Evaluate[[]byte](expr))
	}
	if err != nil {
		b.fail(step, err)
	}
	return v
}

// text is the textContent of the first element matching sel.
func (b *browserTab) text(step, sel string) string {
	b.t.Helper()
	var s string
	v := b.eval(step, fmt.Sprintf(`(document.querySelector(%q) || {}).textContent || ''`, sel))
	if err := json.Unmarshal(v, &s); err != nil {
		b.t.Fatalf("%s: %v", step, err)
	}
	return s
}

func (b *browserTab) screenshot(name string) {
	b.t.Helper()
	if b.shots == "" {
		return
	}
	buf, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.fail("screenshot "+name, err)
	}
	if err := os.WriteFile(filepath.Join(b.shots, name+".png"), buf, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// waitJS polls a JavaScript expression until it is true, every interval
// (0: every frame).
func (b *browserTab) waitJS(step, expr string, interval ...time.Duration) {
	b.t.Helper()
	defer func() { b.t.Logf("%6.2fs %s", time.Since(b.t0).Seconds(), step) }()
	sctx, scancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer scancel()
	opts := []chromedp.PollOption{chromedp.WithPollingTimeout(15 * time.Second)}
	if len(interval) > 0 && interval[0] > 0 {
		opts = append(opts, chromedp.WithPollingInterval(interval[0]))
	}
	_, err := chromedp.Run(sctx, chromedp.Poll[bool](expr, opts...))
	for contextLost(sctx, err) {
		_, err = chromedp.Run(sctx, chromedp.Poll[bool](expr, opts...))
	}
	if err != nil {
		b.fail(step, err)
	}
}

func (b *browserTab) jsTrue(step, expr string) bool {
	b.t.Helper()
	return string(b.eval(step, expr)) == "true"
}

// count is the number of incidents in view the page shows.
func (b *browserTab) count() int {
	b.t.Helper()
	s := string(b.eval("read count", `document.querySelector('#count').getAttribute('data-count') || ''`))
	n, err := strconv.Atoi(strings.Trim(s, `"`))
	if err != nil {
		b.t.Fatalf("count %s: %v", s, err)
	}
	return n
}

// checkEvents reports the browser errors, dialogs and foreign requests seen.
func (b *browserTab) checkEvents() {
	b.t.Helper()
	errs, dialogs, foreign := b.ev.snapshot()
	for _, e := range errs {
		b.t.Errorf("browser error: %s", e)
	}
	for _, d := range dialogs {
		b.t.Errorf("a JavaScript dialog opened: %s", d)
	}
	for _, u := range foreign {
		b.t.Errorf("request to a non-local host: %s", u)
	}
	b.ev.mu.Lock()
	n := b.ev.requests
	b.ev.mu.Unlock()
	if n == 0 {
		b.t.Errorf("saw no network requests: the network listener is not working")
	}
}

// TestBrowserMap drives the embedded map in headless Chromium against the
// real handler and a SQLite store holding the demo data plus an incident
// whose notes try to inject HTML.
func TestBrowserMap(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	b, started := newBrowserTab(t, ctx)
	do, eval, text, screenshot, waitJS, count, jsTrue := b.do, b.eval, b.text, b.screenshot, b.waitJS, b.count, b.jsTrue

	// The server: demo data plus the XSS incident.
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "browser.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if _, err := incidents.LoadDemo(ctx, store); err != nil {
		t.Fatal(err)
	}
	lat, lon, fat := 35.95, 39.01, 4
	xss := incidents.Incident{
		SourceID: "browser-test-xss", Date: "2016-09-18", EventType: "Protests", SubEventType: "Peaceful protest",
		Actor1: "Protesters (Syria)", Place: "Raqqa", Country: "SY", Lat: &lat, Lon: &lon, Fatalities: &fat,
		Notes:   xssNote,
		Sources: []string{"https://example.org/report?id=1", "javascript:alert(2)", "<b>Local radio</b>"},
	}
	if err := store.Create(ctx, &xss, nil); err != nil {
		t.Fatal(err)
	}
	var total, battles int
	if err := store.Export(ctx, incidents.Filter{}, func(in *incidents.Incident) error {
		total++
		if in.EventType == "Battles" {
			battles++
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if battles == 0 || battles == total {
		t.Fatalf("demo data: got %d battles of %d incidents, want some but not all", battles, total)
	}
	gz := defaultGazetteer(t)
	srv, err := web.New(web.Config{Store: store, Gazetteer: gz, Version: "browser-test"})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)

	if err := <-started; err != nil {
		t.Fatalf("start chromium: %v", err)
	}

	// 1. The page loads, draws the base map and the incidents, and counts them.
	do("open map", chromedp.Navigate(ts.URL+"/"))
	waitJS("incidents loaded", `document.body.hasAttribute('data-loaded') && document.querySelector('#count').hasAttribute('data-count')`)
	waitJS("markers or clusters drawn", `document.querySelectorAll('.leaflet-marker-icon.inc-marker, .leaflet-marker-icon.cluster-icon').length > 0`)
	waitJS("base map drawn", `document.querySelectorAll('.country-label').length > 0 && document.querySelector('.leaflet-basemap-pane canvas') !== null`)
	if got := count(); got != total {
		t.Errorf("count in view: got %d, want %d (every incident, the first view fits the data)", got, total)
	}
	if rows := string(eval("list rows", `document.querySelectorAll('#list li[data-id]').length`)); rows != strconv.Itoa(total) {
		t.Errorf("side list: got %s rows, want %d", rows, total)
	}
	attribution := text("attribution", ".leaflet-control-attribution")
	for _, want := range []string{"GeoNames", "Natural Earth"} {
		if !strings.Contains(attribution, want) {
			t.Errorf("attribution %q does not credit %s", attribution, want)
		}
	}
	screenshot("desktop")

	// 2. Clicking the XSS incident's row opens its popup, which shows the
	// note literally and runs nothing.
	row := fmt.Sprintf(`#list li[data-id="%d"] button`, xss.ID)
	do("click row", chromedp.Click(chromedp.CSS(row)))
	do("popup open", chromedp.WaitVisible(chromedp.CSS(".leaflet-popup-content .inc-popup")))
	popup := text("popup text", ".leaflet-popup-content")
	if !strings.Contains(popup, xssNote) {
		t.Errorf("popup text %q does not contain the note %q literally", popup, xssNote)
	}
	if n := string(eval("popup elements", `document.querySelectorAll('.leaflet-popup-content img, .leaflet-popup-content b').length`)); n != "0" {
		t.Errorf("popup holds %s img/b elements made from data, want 0", n)
	}
	links := string(eval("popup links", `Array.from(document.querySelectorAll('.leaflet-popup-content a')).map(a => a.href)`))
	if links != `["https://example.org/report?id=1"]` {
		t.Errorf("popup links: got %s, want only the https source", links)
	}
	if hash := string(eval("hash", `location.hash`)); !strings.Contains(hash, "sel="+strconv.FormatInt(xss.ID, 10)) {
		t.Errorf("URL hash %s does not record the open incident %d", hash, xss.ID)
	}
	screenshot("popup")
	eval("close popup", `document.querySelector('.leaflet-popup-close-button').click()`)

	// 3. A filter change changes the count and the URL.
	do("zoom to data", chromedp.Click(chromedp.CSS("#f-fit")))
	waitJS("all in view again", fmt.Sprintf(`document.querySelector('#count').getAttribute('data-count') === '%d'`, total))
	do("uncheck battles", chromedp.Click(chromedp.CSS(`#f-types input[value="battles"]`)))
	want := total - battles
	waitJS("count without battles", fmt.Sprintf(`document.querySelector('#count').getAttribute('data-count') === '%d'`, want))
	var link string
	if err := json.Unmarshal(eval("read URL", `location.href`), &link); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(link, "types=") || strings.Contains(link, "battles") {
		t.Errorf("URL %q does not record the event-type filter without battles", link)
	}

	// 4. Opening that URL afresh reproduces the filter and the view.
	do("reopen", chromedp.Navigate("about:blank"), chromedp.Navigate(link))
	waitJS("reloaded", `document.body.hasAttribute('data-loaded')`)
	if jsTrue("battles box", `document.querySelector('#f-types input[value="battles"]').checked`) {
		t.Errorf("after opening %s the Battles box is checked, want unchecked", link)
	}
	if got := count(); got != want {
		t.Errorf("after opening the link: got count %d, want %d", got, want)
	}

	// 5. The locate box finds Raqqa and flies there.
	do("locate Raqqa", chromedp.SendKeys(chromedp.CSS("#locate-q"), "Raqqa\r"))
	do("locate results", chromedp.WaitVisible(chromedp.CSS("#locate-results li button")))
	if first := text("first place", "#locate-results li button"); !strings.Contains(strings.ToLower(first), "raq") {
		t.Errorf("first place for Raqqa: got %q", first)
	}
	waitJS("map at Raqqa", `(function(){var m=/map=(\d+)\/([-\d.]+)\/([-\d.]+)/.exec(location.hash);`+
		`return !!m && Math.abs(m[2]-35.95)<0.5 && Math.abs(m[3]-39.01)<0.5 && Number(m[1])>=8;})()`)
	screenshot("locate")

	// 6. Adding an incident: a missing field is reported beside it, a place
	// name is resolved through the gazetteer and shown before saving.
	do("open editor", chromedp.Click(chromedp.CSS("#add-btn")))
	do("save empty", chromedp.Click(chromedp.CSS("#save-btn")))
	if msg := text("event type error", `.err[data-field="event_type"]`); msg == "" {
		t.Errorf("saving without an event type shows no error beside the field")
	}
	// The server's own error ({"error","field"}) shows beside its field.
	do("unknown place",
		chromedp.SendKeys(chromedp.CSS(`#edit-form [name="event_type"]`), "Riots"),
		chromedp.SendKeys(chromedp.CSS(`#edit-form [name="place"]`), "Xyzzyqqq"),
		chromedp.Click(chromedp.CSS("#save-btn")))
	waitJS("server field error", `Array.from(document.querySelectorAll('#edit-form .err')).some(e => e.textContent && `+
		`(e.dataset.field === 'place' || e.dataset.field === 'lat') && `+
		`document.querySelector('#edit-form [name="' + e.dataset.field + '"]').getAttribute('aria-invalid') === 'true')`)
	eval("clear place", `document.querySelector('#edit-form [name="place"]').value = ''`)
	do("fill form",
		chromedp.SendKeys(chromedp.CSS(`#edit-form [name="place"]`), "Raqqa"),
		chromedp.SendKeys(chromedp.CSS(`#edit-form [name="notes"]`), "added by the browser test <script>"),
		chromedp.Click(chromedp.CSS("#place-find")),
		chromedp.WaitVisible(chromedp.CSS(".chosen-place")))
	screenshot("editor")
	if chosen := text("chosen place", ".chosen-place"); !strings.Contains(strings.ToLower(chosen), "raq") {
		t.Errorf("place candidate shown before saving: got %q", chosen)
	}
	do("save", chromedp.Click(chromedp.CSS("#save-btn")))
	// Once saved, the map reloads and opens the new incident's popup.
	waitJS("popup of the added incident", `document.getElementById('editor').hidden && `+
		`(document.querySelector('.leaflet-popup-content') || {textContent: ''}).textContent.indexOf('added by the browser test <script>') >= 0`)
	if got := count(); got < 1 {
		t.Errorf("count after adding: got %d, want at least 1", got)
	}
	if !jsTrue("page not scrolled", `document.scrollingElement.scrollTop === 0 && document.getElementById('panel').getBoundingClientRect().top > 0`) {
		t.Errorf("the page itself scrolled: the top bar is off screen")
	}
	screenshot("added")

	// Editing it (PUT) and deleting it (DELETE) from its popup.
	do("edit", chromedp.Click(chromedp.CSS(".leaflet-popup-content .actions button")),
		chromedp.WaitVisible(chromedp.CSS("#editor")),
		chromedp.SendKeys(chromedp.CSS(`#edit-form [name="fatalities"]`), "5"),
		chromedp.Click(chromedp.CSS("#save-btn")))
	waitJS("popup after edit", `document.getElementById('editor').hidden && `+
		`/Fatalities\s*5/.test((document.querySelector('.leaflet-popup-content') || {textContent: ''}).textContent) && `+
		`/added by the browser test/.test(document.querySelector('.leaflet-popup-content').textContent)`)
	eval("accept confirm", `window.confirm = function () { return true; }`)
	do("delete", chromedp.Click(chromedp.CSS(".leaflet-popup-content .actions button.danger")))
	waitJS("deleted", `!document.querySelector('.leaflet-popup-content') && `+
		`!Array.from(document.querySelectorAll('#list li[data-id] .sub')).some(e => /Riots/.test(e.textContent) && /2\d\d\d-/.test(e.textContent) && e.textContent.indexOf('2016') < 0)`)

	// 7. Importing a file shows the result as a table.
	nd := filepath.Join(t.TempDir(), "two.ndjson")
	if err := os.WriteFile(nd, []byte(`{"source_id":"bt-1","date":"2016-09-21","event_type":"Riots","lat":35.96,"lon":39.02}`+"\n"+
		`{"source_id":"bt-2","date":"2016-09-21","event_type":"Riots","lat":95,"lon":39}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	do("import file", chromedp.SetUploadFiles(chromedp.CSS("#import-file"), []string{nd}, chromedp.NodeReady))
	waitJS("import result", `document.getElementById('import-dialog').open && document.querySelectorAll('#import-body table').length === 2`)
	cells := string(eval("import cells", `Array.from(document.querySelectorAll('#import-body td')).map(td => td.textContent)`))
	if !strings.HasPrefix(cells, `["2","1","0","1","1","bt-2","lat"`) {
		t.Errorf("import result cells: got %s, want received 2, inserted 1, updated 0, rejected 1, then index 1 bt-2 lat", cells)
	}
	screenshot("import")
	do("close import", chromedp.Click(chromedp.CSS("#import-dialog button")))
	waitJS("import dialog closed", `!document.getElementById('import-dialog').open`)

	// 8. The heatmap replaces the markers and is drawn above the base map.
	do("heatmap on", chromedp.Click(chromedp.CSS("#f-heat")))
	waitJS("heatmap drawn", `!!document.querySelector('.leaflet-overlay-pane canvas.leaflet-heatmap-layer') && `+
		`document.querySelectorAll('.leaflet-marker-icon.inc-marker, .leaflet-marker-icon.cluster-icon').length === 0 && /heat=1/.test(location.hash)`)
	screenshot("heat")
	do("heatmap off", chromedp.Click(chromedp.CSS("#f-heat")))

	// 9. A phone-sized screen shows the map with the panel folded away.
	do("phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile), chromedp.Navigate("about:blank"), chromedp.Navigate(ts.URL+"/"))
	waitJS("phone loaded", `document.body.hasAttribute('data-loaded')`)
	if !jsTrue("phone panel", `getComputedStyle(document.getElementById('panel')).display === 'none'`) {
		t.Errorf("on a 390px screen the side panel is shown at start, want it collapsed")
	}
	screenshot("phone")
	do("open panel", chromedp.Click(chromedp.CSS("#panel-toggle")))
	screenshot("phone-panel")

	b.checkEvents()
}

// chromeOptions starts Debian's Chromium headless as root on this closed
// network: no sandbox, no GPU, and none of the background connections that
// the machine would refuse.
func chromeOptions(t *testing.T, chrome string) []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chrome),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 800),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("hide-scrollbars", true),
	}
}

// pixelFinder defines __pixel(r, g, b) in the page: the centre, in CSS
// pixels of the viewport, of a pixel drawn on the incident tiles (opaque,
// of that colour within a small tolerance, or of any colour when r < 0)
// whose neighbours two pixels away are drawn alike, so that a click there
// lands inside the feature; null when there is none in the map's view. It
// looks only at tiles drawn at their own size: not at those of another
// zoom level, nor while the map zooms.
const pixelFinder = `window.__pixel = function (r, g, b) {
  var cs = document.querySelectorAll('.leaflet-incidentTiles-pane canvas');
  for (var i = 0; i < cs.length; i++) {
    var c = cs[i], w = c.width, h = c.height;
    if (!w || !h) continue;
    var d = c.getContext('2d').getImageData(0, 0, w, h).data;
    var drawn = function (x, y) {
      if (x < 0 || y < 0 || x >= w || y >= h) return false;
      var k = (y * w + x) * 4;
      return d[k + 3] > 200 && (r < 0 || (Math.abs(d[k] - r) < 12 && Math.abs(d[k + 1] - g) < 12 && Math.abs(d[k + 2] - b) < 12));
    };
    var rect = c.getBoundingClientRect();
    if (Math.abs(rect.width - w) > 0.5 || Math.abs(rect.height - h) > 0.5) continue;
    for (var y = 0; y < h; y++) {
      for (var x = 0; x < w; x++) {
        if (!(drawn(x, y) && drawn(x - 2, y) && drawn(x + 2, y) && drawn(x, y - 2) && drawn(x, y + 2))) continue;
        var cx = rect.left + (x + 0.5) * rect.width / w, cy = rect.top + (y + 0.5) * rect.height / h;
        var top = document.elementFromPoint(cx, cy);
        if (top && top.closest('#map') && !top.closest('.leaflet-control, .leaflet-popup')) return { x: cx, y: cy };
      }
    }
  }
  return null;
};`

// TestBrowserTiles checks that the map draws incidents from vector tiles
// when the view holds more than the tile threshold: the tiles are fetched
// with the filters, clusters and points are drawn, clicking a point shows
// the incident's full record from /api/incidents/{id}, clicking a cluster
// zooms in, and filtering the view below the threshold brings the GeoJSON
// markers back (and tiles again above it, never both).
func TestBrowserTiles(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	b, started := newBrowserTab(t, ctx)

	// 300 battles on a grid of 0.03 degrees around 35N 38E, half of them in
	// September and half in October 2016, and one protest between them
	// whose notes only its full record carries.
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "tiles.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	var items []incidents.Incident
	for i := range 20 {
		for j := range 15 {
			lat, lon := 35+float64(j-7)*0.03, 38+float64(i-10)*0.03
			date := "2016-09-01"
			if (i+j)%2 == 1 {
				date = "2016-10-01"
			}
			items = append(items, incidents.Incident{SourceID: fmt.Sprintf("grid-%d-%d", i, j), Date: date, EventType: "Battles",
				Actor1: "Military Forces of Syria", Place: "Grid", Country: "SY", Lat: &lat, Lon: &lon})
		}
	}
	if _, err := store.Import(ctx, incidents.NewSliceDecoder(items), incidents.ImportOptions{Atomic: true}); err != nil {
		t.Fatal(err)
	}
	const note = "Only the full record of this protest carries this note."
	lat, lon := 35.015, 38.015
	target := incidents.Incident{SourceID: "tiles-target", Date: "2016-10-05", EventType: "Protests", Place: "Between the grid",
		Country: "SY", Lat: &lat, Lon: &lon, Notes: note}
	if err := store.Create(ctx, &target, nil); err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(web.Config{Store: store, Version: "browser-test", TileThreshold: 50})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	if err := <-started; err != nil {
		t.Fatalf("start chromium: %v", err)
	}

	mode := func(want, text string) string {
		return fmt.Sprintf(`document.body.hasAttribute('data-loaded') && !!document.getElementById('mode') && `+
			`document.getElementById('mode').getAttribute('data-mode') === %q && document.getElementById('mode').textContent === %q`, want, text)
	}
	tileRequested := func(re string) string {
		return fmt.Sprintf(`performance.getEntriesByType('resource').some(function (e) { return /\/tiles\/incidents\/%s/.test(e.name); })`, re)
	}
	const markerSel = `.leaflet-marker-icon.inc-marker, .leaflet-marker-icon.cluster-icon`
	const tileLayers = `document.querySelectorAll('.leaflet-incidentTiles-pane .leaflet-layer').length`
	click := func(step, color string) {
		t.Helper()
		b.waitJS(step+": drawn", fmt.Sprintf(`__pixel(%s) !== null`, color), 250*time.Millisecond)
		var at struct{ X, Y float64 }
		if err := json.Unmarshal(b.eval(step+": where", fmt.Sprintf(`__pixel(%s)`, color)), &at); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		// Hover first, as a mouse does: the pointer cursor must show and
		// Leaflet's hover events must not fail on tile features.
		b.do(step+": hover", chromedp.MouseEvent(chromedp.MouseMoved, at.X, at.Y))
		b.waitJS(step+": pointer", fmt.Sprintf(`getComputedStyle(document.elementFromPoint(%f, %f)).cursor === 'pointer'`, at.X, at.Y))
		b.do(step, chromedp.MouseClickXY(at.X, at.Y))
	}
	const red, blue = "213, 94, 0", "0, 114, 178" // Battles and Protests in the legend (event_colors of /api/config)

	// 1. 301 incidents in view, threshold 50: tiles, not markers.
	b.do("open map", chromedp.Navigate(ts.URL+"/#map=10/35.0000/38.0000"))
	b.waitJS("tile mode", mode("tiles", "301 incidents: showing tiles"))
	b.eval("timing buffer", `performance.setResourceTimingBufferSize(5000)`)
	b.waitJS("tiles requested", tileRequested(`10\/\d+\/\d+\.mvt`))
	if got := b.count(); got != 301 {
		t.Errorf("count in view: got %d, want 301", got)
	}
	if n := string(b.eval("markers", fmt.Sprintf(`document.querySelectorAll(%q).length`, markerSel))); n != "0" {
		t.Errorf("tile mode: got %s GeoJSON markers, want 0", n)
	}
	if n := string(b.eval("side list", `document.querySelectorAll('#list li[data-id]').length`)); n != "301" {
		t.Errorf("tile mode: got %s rows in the side list, want 301", n)
	}
	b.eval("pixel finder", pixelFinder)
	b.waitJS("battle points drawn", `__pixel(`+red+`) !== null`, 250*time.Millisecond)
	b.screenshot("tiles")

	// 2. Clicking the protest's point opens its popup from its full record.
	click("click point", blue)
	b.waitJS("popup from the record", fmt.Sprintf(`(document.querySelector('.leaflet-popup-content .inc-popup') || {textContent: ''}).textContent.indexOf(%q) >= 0`, note))
	if !b.jsTrue("record fetched", fmt.Sprintf(`performance.getEntriesByType('resource').some(function (e) { return /\/api\/incidents\/%d$/.test(e.name); })`, target.ID)) {
		t.Errorf("no request for /api/incidents/%d: the popup did not come from the incident's record", target.ID)
	}
	if popup := b.text("popup", ".leaflet-popup-content"); !strings.Contains(popup, "Protests") || !strings.Contains(popup, fmt.Sprintf("#%d", target.ID)) {
		t.Errorf("popup %q does not show the protest #%d", popup, target.ID)
	}
	b.screenshot("tiles-popup")
	b.eval("close popup", `document.querySelector('.leaflet-popup-close-button').click()`)

	// The side list opens a popup too, though no marker is drawn.
	b.do("click row", chromedp.Click(chromedp.CSS(fmt.Sprintf(`#list li[data-id="%d"] button`, target.ID))))
	b.waitJS("popup from the list", fmt.Sprintf(`(document.querySelector('.leaflet-popup-content .inc-popup') || {textContent: ''}).textContent.indexOf(%q) >= 0`, note))
	b.eval("close popup from the list", `document.querySelector('.leaflet-popup-close-button').click()`)

	// 3. At zoom 7 the tiles hold clusters; clicking one zooms in.
	b.eval("zoom 7", `location.hash = '#map=7/35.0000/38.0000'`)
	b.waitJS("cluster tiles requested", tileRequested(`7\/\d+\/\d+\.mvt`))
	b.waitJS("tile mode at zoom 7", `/map=7\//.test(location.hash) && `+mode("tiles", "301 incidents: showing tiles"))
	b.screenshot("tiles-clusters")
	click("click cluster", red)
	b.waitJS("zoomed in", `/map=9\//.test(location.hash)`)

	// 4. Filters apply to the tiles.
	b.eval("from filter", `(function () { var f = document.getElementById('f-from'); f.value = '2016-09-15'; f.dispatchEvent(new Event('change')); })()`)
	b.waitJS("tile mode with a filter", mode("tiles", "151 incidents: showing tiles"))
	b.waitJS("filtered tiles requested", tileRequested(`9\/\d+\/\d+\.mvt\?(.*&)?from=2016-09-15`))

	// 5. Below the threshold the GeoJSON markers come back, without tiles;
	// above it, tiles again, without markers, and one tile layer.
	b.do("uncheck battles", chromedp.Click(chromedp.CSS(`#f-types input[value="battles"]`)))
	b.waitJS("points mode", mode("points", "1 incident: showing points"))
	b.waitJS("marker drawn", fmt.Sprintf(`document.querySelectorAll(%q).length > 0`, markerSel))
	if n := string(b.eval("tile layers", tileLayers)); n != "0" {
		t.Errorf("points mode: got %s tile layers on the map, want 0", n)
	}
	b.screenshot("tiles-points")
	b.do("check battles", chromedp.Click(chromedp.CSS(`#f-types input[value="battles"]`)))
	b.waitJS("tile mode again", mode("tiles", "151 incidents: showing tiles"))
	if n := string(b.eval("markers again", fmt.Sprintf(`document.querySelectorAll(%q).length`, markerSel))); n != "0" {
		t.Errorf("tile mode again: got %s GeoJSON markers, want 0", n)
	}
	if n := string(b.eval("tile layers again", tileLayers)); n != "1" {
		t.Errorf("tile mode again: got %s tile layers on the map, want 1", n)
	}

	b.checkEvents()
}
