package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const extractArticle = `date 2019-04-13
Shelling by government forces killed at least seven civilians in the town of Kafr Nabl on Thursday, activists said. More than 20 people were wounded.
Officials in Damascus denied that the army would strike the area again.`

// TestExtractPipesIntoImport runs "mapd extract a.txt --json | mapd
// import -" on a real database.
func TestExtractPipesIntoImport(t *testing.T) {
	dir := t.TempDir()
	article := filepath.Join(dir, "a.txt")
	if err := os.WriteFile(article, []byte(extractArticle), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"extract", article, "--json"}, strings.NewReader(""), &out, &errb); code != 0 {
		t.Fatalf("extract: exit %d: %s", code, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 1 {
		t.Fatalf("extract: got %d candidates, want 1:\n%s", len(lines), out.String())
	}
	var c map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &c); err != nil {
		t.Fatal(err)
	}
	if c["file"] != article || c["place"] != "Kafr Nabl" || c["fatalities"] != float64(7) || c["injuries"] != float64(20) || c["date"] != "2019-04-11" {
		t.Errorf("got %s", lines[0])
	}
	ev, _ := c["evidence"].([]any)
	if len(ev) == 0 {
		t.Fatalf("no evidence: %s", lines[0])
	}
	e := ev[0].(map[string]any)
	start, end := int(e["start"].(float64)), int(e["end"].(float64))
	if got := extractArticle[start:end]; !strings.HasPrefix(got, "Shelling by government forces") {
		t.Errorf("evidence offsets point at %q", got)
	}
	db := filepath.Join(dir, "mapd.db")
	var imp bytes.Buffer
	errb.Reset()
	if code := run(context.Background(), []string{"import", "--db", db, "--json", "-"}, &out, &imp, &errb); code != 0 {
		t.Fatalf("import: exit %d: %s %s", code, imp.String(), errb.String())
	}
	if !strings.Contains(imp.String(), `"inserted":1`) {
		t.Errorf("import: got %s, want one inserted", imp.String())
	}
}

func TestExtractUsage(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"extract"}, strings.NewReader(""), &out, &errb); code != 2 {
		t.Errorf("no files: got exit %d, want 2", code)
	}
	if code := run(context.Background(), []string{"extract", "--min-confidence", "2", "-"}, strings.NewReader("x"), &out, &errb); code != 2 {
		t.Errorf("bad --min-confidence: got exit %d, want 2", code)
	}
}
