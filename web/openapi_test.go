package web_test

import (
	"bytes"
	"encoding/json"
	"net/url"
	"os/exec"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

// openAPIDoc is the part of an OpenAPI 3.0 document the tests read.
type openAPIDoc struct {
	OpenAPI    string                                 `json:"openapi"`
	Info       struct{ Title, Version string }        `json:"info"`
	Paths      map[string]map[string]openAPIOperation `json:"paths"`
	Components map[string]map[string]json.RawMessage  `json:"components"`
}

type openAPIOperation struct {
	OperationID string `json:"operationId"`
	Parameters  []struct {
		Name     string
		In       string
		Required bool
		Schema   map[string]any
	} `json:"parameters"`
	Responses map[string]json.RawMessage `json:"responses"`
}

// fetchOpenAPI returns the document at /ogc/api and its raw bytes.
func fetchOpenAPI(t *testing.T, fx *ogcFixture) (openAPIDoc, []byte) {
	t.Helper()
	resp, body := fx.get(t, "/ogc/api")
	if got, want := resp.Header.Get("Content-Type"), "application/vnd.oai.openapi+json;version=3.0"; resp.StatusCode != 200 || got != want {
		t.Fatalf("GET /ogc/api: got %d %q, want 200 %q", resp.StatusCode, got, want)
	}
	if !json.Valid(body) {
		t.Fatal("GET /ogc/api: got invalid JSON")
	}
	var doc openAPIDoc
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	return doc, body
}

// ginPathToOpenAPI converts ":id" and "*file" segments to "{id}", "{file}".
func ginPathToOpenAPI(p string) string {
	return regexp.MustCompile(`[:*]([A-Za-z0-9_]+)`).ReplaceAllString(p, "{$1}")
}

func TestOpenAPICoversEveryRoute(t *testing.T) {
	t.Parallel()
	fx := newOGCFixture(t, 1)
	doc, _ := fetchOpenAPI(t, fx)
	if !regexp.MustCompile(`^3\.0\.\d+$`).MatchString(doc.OpenAPI) {
		t.Errorf("openapi: got %q, want 3.0.x", doc.OpenAPI)
	}
	if doc.Info.Title == "" || doc.Info.Version == "" {
		t.Errorf("info: got %+v, want a title and a version", doc.Info)
	}

	engine, ok := fx.srv.Handler().(*gin.Engine)
	if !ok {
		t.Fatalf("got handler %T, want *gin.Engine", fx.srv.Handler())
	}
	routes := map[string]bool{}
	for _, r := range engine.Routes() {
		routes[r.Method+" "+ginPathToOpenAPI(r.Path)] = true
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			documented[strings.ToUpper(method)+" "+path] = true
		}
	}
	for _, r := range sortedSet(routes) {
		if !documented[r] {
			t.Errorf("route %s: got no operation in the OpenAPI document, want one", r)
		}
	}
	for _, d := range sortedSet(documented) {
		if !routes[d] {
			t.Errorf("OpenAPI operation %s: got no such route in the router, want one", d)
		}
	}
}

func sortedSet(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TestOpenAPIIsWellFormed checks what an OpenAPI 3.0 validator would: every
// reference resolves, path templates and path parameters agree, operation
// ids are unique and every operation has responses.
func TestOpenAPIIsWellFormed(t *testing.T) {
	t.Parallel()
	fx := newOGCFixture(t, 1)
	doc, raw := fetchOpenAPI(t, fx)
	for _, m := range regexp.MustCompile(`"\$ref":"([^"]*)"`).FindAllStringSubmatch(string(raw), -1) {
		parts := strings.Split(strings.TrimPrefix(m[1], "#/"), "/")
		if !strings.HasPrefix(m[1], "#/components/") || len(parts) != 3 || doc.Components[parts[1]][parts[2]] == nil {
			t.Errorf("$ref %q: got no such component, want one", m[1])
		}
	}
	ids := map[string]string{}
	templ := regexp.MustCompile(`\{([^}]+)\}`)
	for path, ops := range doc.Paths {
		var inPath []string
		for _, m := range templ.FindAllStringSubmatch(path, -1) {
			inPath = append(inPath, m[1])
		}
		sort.Strings(inPath)
		for method, op := range ops {
			name := strings.ToUpper(method) + " " + path
			if prev, dup := ids[op.OperationID]; dup || op.OperationID == "" {
				t.Errorf("%s: operationId %q is empty or also used by %s", name, op.OperationID, prev)
			}
			ids[op.OperationID] = name
			if len(op.Responses) == 0 {
				t.Errorf("%s: got no responses, want some", name)
			}
			var declared []string
			seen := map[string]bool{}
			for _, p := range op.Parameters {
				if seen[p.In+" "+p.Name] {
					t.Errorf("%s: parameter %s in %s declared twice", name, p.Name, p.In)
				}
				seen[p.In+" "+p.Name] = true
				if p.Schema == nil {
					t.Errorf("%s: parameter %s has no schema", name, p.Name)
				}
				if p.In == "path" {
					if !p.Required {
						t.Errorf("%s: path parameter %s: got required false, want true", name, p.Name)
					}
					declared = append(declared, p.Name)
				}
			}
			sort.Strings(declared)
			if strings.Join(declared, ",") != strings.Join(inPath, ",") {
				t.Errorf("%s: got path parameters %v, want %v", name, declared, inPath)
			}
		}
	}
}

// TestOpenAPIParametersAreAccepted checks the documented query parameters
// of every read endpoint against the handlers: none may be refused as
// unknown, so the document and the handlers cannot drift apart.
func TestOpenAPIParametersAreAccepted(t *testing.T) {
	t.Parallel()
	fx := newOGCFixture(t, 3)
	doc, _ := fetchOpenAPI(t, fx)
	for path, ops := range doc.Paths {
		op, ok := ops["get"]
		if !ok || strings.HasPrefix(path, "/static") {
			continue
		}
		concrete := regexp.MustCompile(`\{[^}]+\}`).ReplaceAllString(path, "1")
		if strings.HasPrefix(path, "/ogc/collections/places/items/") {
			concrete = "/ogc/collections/places/items/170063"
		}
		for _, p := range op.Parameters {
			if p.In != "query" {
				continue
			}
			t.Run(path+"?"+p.Name, func(t *testing.T) {
				_, body := fx.get(t, concrete+"?"+url.Values{p.Name: {"x"}}.Encode())
				if strings.Contains(string(body), "unknown parameter") {
					t.Errorf("got %s, want the documented parameter accepted", body)
				}
			})
		}
	}
}

// TestOpenAPIPassesValidator checks the document with the Python
// openapi-spec-validator when it is installed, a validator mapd does not
// share code with.
func TestOpenAPIPassesValidator(t *testing.T) {
	t.Parallel()
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found: install it and openapi-spec-validator to run this check")
	}
	fx := newOGCFixture(t, 1)
	_, raw := fetchOpenAPI(t, fx)
	const script = `import json, sys
try:
    from openapi_spec_validator import validate
except ImportError:
    sys.exit(3)
validate(json.load(sys.stdin))
print("valid")`
	cmd := exec.Command(python, "-c", script)
	cmd.Stdin = bytes.NewReader(raw)
	out, err := cmd.CombinedOutput()
	if cmd.ProcessState != nil && cmd.ProcessState.ExitCode() == 3 {
		t.Skip("openapi_spec_validator not installed: pip install openapi-spec-validator to run this check")
	}
	if err != nil || !strings.Contains(string(out), "valid") {
		t.Errorf("openapi-spec-validator: got %v\n%s, want valid", err, out)
	}
}
