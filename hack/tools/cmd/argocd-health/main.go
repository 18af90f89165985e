// Command argocd-health runs Argo CD resource health checks kept in Argo CD's resource_customizations layout
// (DIR/<group>/<Kind>/health.lua, health_test.yaml, testdata/) with gopher-lua, the Lua that Argo CD embeds.
//
//	argocd-health test DIR        run every health_test.yaml under DIR
//	argocd-health eval DIR        the verdict on one object (JSON on stdin) as {"status":...,"message":...}
//	argocd-health argocd-cm DIR   the argocd-cm ConfigMap snippet with one key per kind
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"pyfleet.dev/hack/tools/internal/object"
)

const usage = "usage: argocd-health test|eval|argocd-cm DIR"

func main() {
	if len(os.Args) != 3 {
		fail(usage)
	}
	dir := os.Args[2]
	var err error
	switch os.Args[1] {
	case "test":
		var failed bool
		failed, err = runTests(dir, os.Stdout)
		if err == nil && failed {
			os.Exit(1)
		}
	case "eval":
		err = eval(dir, os.Stdin, os.Stdout)
	case "argocd-cm":
		err = writeConfigMap(dir, os.Stdout)
	default:
		fail(usage)
	}
	if err != nil {
		fail(err.Error())
	}
}

func fail(message string) {
	fmt.Fprintln(os.Stderr, "argocd-health:", message)
	os.Exit(2)
}

func eval(dir string, in io.Reader, out io.Writer) error {
	obj, err := object.Read(in)
	if err != nil {
		return err
	}
	gvk := obj.GroupVersionKind()
	script, err := os.ReadFile(filepath.Join(dir, gvk.Group, gvk.Kind, "health.lua"))
	if err != nil {
		return fmt.Errorf("no health check for %s: %w", gvk.GroupKind(), err)
	}
	health, err := evaluate(obj, string(script))
	if err != nil {
		return err
	}
	encoder := json.NewEncoder(out)
	encoder.SetEscapeHTML(false)
	return encoder.Encode(health)
}
