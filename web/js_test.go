package web_test

import (
	"os/exec"
	"testing"
)

// TestJSUnits runs the map's JavaScript unit tests (web/jstest, node
// --test): the URL state, the time window, event types, label placement
// and the report panel's text handling. It skips without node.
func TestJSUnits(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not found: install Debian's nodejs to run the map's JavaScript unit tests (web/jstest)")
	}
	cmd := exec.Command(node, "--test", "jstest/")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node --test jstest/: %v\n%s", err, out)
	}
}
