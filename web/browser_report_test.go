package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/mapd/mapd/extract"
	"github.com/mapd/mapd/incidents"
	"github.com/mapd/mapd/incidents/sqlite"
	"github.com/mapd/mapd/web"
)

// reportArticle is a short report written for this test, with characters
// of two and three bytes before its place names (dashes, curly quotes) so
// that byte offsets and string indices differ.
const reportArticle = `date 2016-10-04
Government warplanes bombed a crowded market in Maarat al-Numan — in Idlib province — on Tuesday, killing at least 14 civilians and wounding more than 30, a “monitoring group” said.

On Sunday, Islamic State fighters attacked army positions near Palmyra, and the clashes killed nine soldiers, the army said.

Officials in Moscow said talks on a new truce would continue next week.`

// TestBrowserReport drives the "From a report" panel: the text goes to
// POST /api/extract, comes back highlighted (places with their roles,
// dates, numbers, triggers), the candidates show as provisional markers and a list;
// one is corrected in the editor and saved, one accepted from the
// keyboard, one rejected, the rest accepted all at once.
func TestBrowserReport(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	b, started := newBrowserTab(t, ctx)

	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "report.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	gz := defaultGazetteer(t)
	x, err := extract.New(gz)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(web.Config{Store: store, Gazetteer: gz, Extractor: x, Version: "browser-test"})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)

	// What the server finds in the article, to compare the page with.
	body, _ := json.Marshal(map[string]string{"text": reportArticle, "source": "Test wire"})
	resp, err := http.Post(ts.URL+"/api/extract", "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	var answer struct {
		Features []struct {
			Geometry   *struct{ Coordinates []float64 }
			Properties struct {
				EventType string `json:"event_type"`
				Date      string
				Evidence  []struct{ Text string }
			}
		}
		Places []struct{ Text, Role string }
		Spans  []struct {
			Kind, Text   string
			SubEventType string `json:"sub_event_type"`
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(answer.Features) < 2 || len(answer.Places) < 3 {
		t.Fatalf("the extractor found %d candidates and %d places in the test article, want at least 2 and 3: the test needs them", len(answer.Features), len(answer.Places))
	}
	withPoint := 0
	for _, f := range answer.Features {
		if f.Geometry != nil {
			withPoint++
		}
	}
	if err := <-started; err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	strs := func(step, expr string) []string {
		t.Helper()
		var v []string
		if err := json.Unmarshal(b.eval(step, expr), &v); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		return v
	}
	stored := func() []incidents.Incident {
		t.Helper()
		var out []incidents.Incident
		if err := store.Export(ctx, incidents.Filter{}, func(in *incidents.Incident) error { out = append(out, *in); return nil }); err != nil {
			t.Fatal(err)
		}
		return out
	}

	b.do("open map", chromedp.Navigate(ts.URL+"/#map=6/35.0/38.5"))
	b.waitJS("loaded", `document.body.hasAttribute('data-loaded')`)
	b.do("open the panel", chromedp.Click(chromedp.CSS("#report-block > summary")))
	text, _ := json.Marshal(reportArticle)
	b.eval("paste", `document.getElementById('report-text').value = `+string(text)+`; true`)
	b.do("source", chromedp.SendKeys(chromedp.CSS("#report-source"), "Test wire"))
	b.do("find incidents", chromedp.Click(chromedp.CSS("#report-go")))
	b.waitJS("candidates listed", fmt.Sprintf(`document.querySelectorAll('#report-list li').length === %d`, len(answer.Features)))

	// Every place the server found is highlighted over exactly its text,
	// with its role; dates and numbers too.
	var wantPlaces []string
	for _, p := range answer.Places {
		wantPlaces = append(wantPlaces, p.Text+"/"+p.Role)
	}
	gotPlaces := strs("places", `Array.from(document.querySelectorAll('#report-view mark.hl-place')).map(function (m) { return m.textContent + '/' + /role-(\w+)/.exec(m.className)[1]; })`)
	if !slices.Equal(gotPlaces, wantPlaces) {
		t.Errorf("highlighted places: got %q, want %q", gotPlaces, wantPlaces)
	}
	if got := strs("dates", `Array.from(document.querySelectorAll('#report-view mark.hl-date')).map(function (m) { return m.textContent; })`); !slices.Contains(got, "Tuesday") {
		t.Errorf("highlighted dates %q lack “Tuesday”", got)
	}
	// The triggers are the server's, each titled with its candidate's type.
	var wantTriggers []string
	for _, s := range answer.Spans {
		if s.Kind == "trigger" {
			wantTriggers = append(wantTriggers, s.Text+"/trigger: "+s.SubEventType)
		}
	}
	gotTriggers := strs("triggers", `Array.from(document.querySelectorAll('#report-view mark.hl-trigger')).map(function (m) { return m.textContent + '/' + m.title; })`)
	if !slices.Equal(gotTriggers, wantTriggers) || !slices.Contains(gotTriggers, "bombed/trigger: Air/drone strike") {
		t.Errorf("highlighted triggers: got %q, want %q with “bombed” an air strike", gotTriggers, wantTriggers)
	}
	if got := strs("numbers", `Array.from(document.querySelectorAll('#report-view mark.hl-number')).map(function (m) { return m.textContent; })`); !slices.Contains(got, "at least 14") {
		t.Errorf("highlighted numbers %q lack “at least 14”", got)
	}
	if shown := b.text("report text", "#report-view"); strings.ReplaceAll(shown, "\n", "") != strings.ReplaceAll(reportArticle, "\n", "") {
		t.Errorf("the report shown differs from the text sent:\n%s", shown)
	}
	if n := string(b.eval("markers", `document.querySelectorAll('.leaflet-marker-icon.cand-marker').length`)); n != fmt.Sprint(withPoint) {
		t.Errorf("provisional markers: got %s, want %d", n, withPoint)
	}

	// Choosing a candidate marks its evidence sentences in the text.
	b.do("show first", chromedp.Click(chromedp.CSS(`#report-list li[data-candidate="0"] .cand-show`)))
	ev := strings.Join(strs("evidence", `Array.from(document.querySelectorAll('#report-view .ev')).map(function (e) { return e.textContent; })`), "")
	if want := answer.Features[0].Properties.Evidence[0].Text; !strings.Contains(ev, want) {
		t.Errorf("marked evidence %q does not hold the first candidate's sentence %q", ev, want)
	}
	b.screenshot("report")

	// The second candidate, corrected in the editor, is stored as saved.
	b.do("edit second", chromedp.Click(chromedp.CSS(`#report-list li[data-candidate="1"] button[aria-label^="Edit"]`)),
		chromedp.WaitVisible(chromedp.CSS("#editor")))
	if got := strs("editor fields", `['event_type', 'date'].map(function (k) { return document.querySelector('#edit-form [name="' + k + '"]').value; })`); got[0] != answer.Features[1].Properties.EventType || got[1] != answer.Features[1].Properties.Date {
		t.Errorf("editor opened with %q, want the candidate's event type %q and date %q", got, answer.Features[1].Properties.EventType, answer.Features[1].Properties.Date)
	}
	b.eval("correct", `(function () { var f = document.querySelector('#edit-form [name="fatalities"]'); f.value = '11'; return true; })()`)
	b.do("save", chromedp.Click(chromedp.CSS("#save-btn")))
	b.waitJS("second accepted", `document.querySelector('#report-list li[data-candidate="1"]').classList.contains('accepted')`)

	// The first, accepted from the keyboard.
	b.do("accept first by keyboard", chromedp.Focus(chromedp.CSS(`#report-list li[data-candidate="0"] button[aria-label^="Accept"]`)), chromedp.KeyEvent(kb.Enter))
	b.waitJS("first accepted", `document.querySelector('#report-list li[data-candidate="0"]').classList.contains('accepted')`)
	got := stored()
	if len(got) != 2 {
		t.Fatalf("after two accepts: %d incidents stored, want 2", len(got))
	}
	var fatal11, noted bool
	for _, in := range got {
		if in.Fatalities != nil && *in.Fatalities == 11 {
			fatal11 = true
		}
		if strings.Contains(in.Notes, answer.Features[0].Properties.Evidence[0].Text) && slices.Contains(in.Sources, "Test wire") {
			noted = true
		}
	}
	if !fatal11 {
		t.Errorf("the corrected candidate was not stored with its 11 fatalities: %+v", got)
	}
	if !noted {
		t.Errorf("no stored incident has the evidence sentence in its notes and the source in its sources: %+v", got)
	}
	if n := string(b.eval("markers left", `document.querySelectorAll('.leaflet-marker-icon.cand-marker').length`)); n != "0" {
		t.Errorf("after accepting: %s provisional markers left, want 0", n)
	}

	// Again: reject the first, accept all the others.
	b.do("find again", chromedp.Click(chromedp.CSS("#report-go")))
	b.waitJS("listed again", fmt.Sprintf(`document.querySelectorAll('#report-list li:not(.accepted)').length === %d`, len(answer.Features)))
	b.do("reject first", chromedp.Click(chromedp.CSS(`#report-list li[data-candidate="0"] button[aria-label^="Reject"]`)))
	b.waitJS("rejected", `document.querySelector('#report-list li[data-candidate="0"]').classList.contains('rejected')`)
	b.do("accept all", chromedp.Click(chromedp.CSS("#report-accept-all")))
	b.waitJS("all accepted", `Array.from(document.querySelectorAll('#report-list li')).every(function (li) { return li.classList.contains('accepted') || li.classList.contains('rejected'); })`)
	if n, want := len(stored()), 2+len(answer.Features)-1; n != want {
		t.Errorf("after rejecting one and accepting all: %d incidents stored, want %d", n, want)
	}
	b.screenshot("report-done")
	t.Run("axe", func(t *testing.T) { axeCheck(t, b, "report panel") })
	b.checkEvents()
}
