package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"sigs.k8s.io/yaml"

	"pyfleet.dev/hack/tools/internal/object"
)

// healthTests is a health_test.yaml, in the format of Argo CD's own resource_customizations.
type healthTests struct {
	Tests []struct {
		HealthStatus Health `json:"healthStatus"`
		InputPath    string `json:"inputPath"`
	} `json:"tests"`
}

type tally struct {
	out            io.Writer
	passed, failed int
}

func (t *tally) pass(name string, got Health) {
	t.passed++
	fmt.Fprintf(t.out, "ok   %s: %s %q\n", name, got.Status, got.Message)
}

func (t *tally) fail(name string, problem string) {
	t.failed++
	fmt.Fprintf(t.out, "FAIL %s: %s\n", name, problem)
}

// runTests runs every case under dir, one line each, then the counts. It reports failure when a case fails or none
// ran. As in Argo CD, each health.lua needs a health_test.yaml beside it.
func runTests(dir string, out io.Writer) (failed bool, err error) {
	t := &tally{out: out}
	err = filepath.WalkDir(dir, func(path string, entry fs.DirEntry, err error) error {
		if err != nil || entry.Name() != "health.lua" {
			return err
		}
		checkDir := filepath.Dir(path)
		kind, _ := filepath.Rel(dir, checkDir)
		kind = filepath.ToSlash(kind)
		script, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var tests healthTests
		data, err := os.ReadFile(filepath.Join(checkDir, "health_test.yaml"))
		if err == nil {
			err = yaml.UnmarshalStrict(data, &tests)
		}
		if err != nil {
			t.fail(kind, err.Error())
			return nil
		}
		for _, test := range tests.Tests {
			name := kind + " " + test.InputPath
			got, err := runCase(filepath.Join(checkDir, test.InputPath), string(script))
			switch {
			case err != nil:
				t.fail(name, err.Error())
			case got != test.HealthStatus:
				t.fail(name, fmt.Sprintf("got %s %q, want %s %q",
					got.Status, got.Message, test.HealthStatus.Status, test.HealthStatus.Message))
			default:
				t.pass(name, got)
			}
		}
		return nil
	})
	if err != nil {
		return true, err
	}
	if t.passed+t.failed == 0 {
		fmt.Fprintf(out, "no health_test.yaml case under %s\n", dir)
	}
	fmt.Fprintf(out, "%d passed, %d failed\n", t.passed, t.failed)
	return t.failed > 0 || t.passed == 0, nil
}

func runCase(input string, script string) (Health, error) {
	data, err := os.ReadFile(input)
	if err != nil {
		return Health{}, err
	}
	obj, err := object.Decode(data)
	if err != nil {
		return Health{}, fmt.Errorf("%s: %w", input, err)
	}
	return evaluate(obj, script)
}
