package main

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// The harness itself: what reaches the script and how its result is read must match Argo CD, or the
// health_test.yaml cases prove nothing about Argo CD.
func TestEvaluateTreatsObjectAndResultAsArgoCdDoes(t *testing.T) {
	obj := &unstructured.Unstructured{Object: map[string]any{
		"metadata": map[string]any{"generation": int64(10)},
		"spec":     map[string]any{"paused": true, "ratio": 0.5, "ports": []any{"http", "metrics"}},
	}}
	cases := []struct {
		name   string
		script string
		want   Health
		fails  bool
	}{{
		name:   "numbers compare as numbers, not text",
		script: `return {status = obj.metadata.generation > 9 and "Healthy" or "Degraded"}`,
		want:   Health{Status: "Healthy"},
	}, {
		name:   "booleans and floats keep their type",
		script: `return {status = "Healthy", message = tostring(obj.spec.paused == true and obj.spec.ratio == 0.5)}`,
		want:   Health{Status: "Healthy", Message: "true"},
	}, {
		name:   "lists are indexed from 1",
		script: `return {status = "Healthy", message = obj.spec.ports[1] .. " " .. #obj.spec.ports}`,
		want:   Health{Status: "Healthy", Message: "http 2"},
	}, {
		name:   "a status Argo CD does not know is Unknown",
		script: `return {status = "Fine"}`,
		want:   Health{Status: "Unknown", Message: "Lua returned an invalid health status"},
	}, {
		name:   "no result is no verdict",
		script: `return nil`,
	}, {
		name:   "the string library is not open to argocd-cm scripts",
		script: `return {status = string.upper("x")}`,
		fails:  true,
	}, {
		name:   "a result that is no table fails",
		script: `return "Healthy"`,
		fails:  true,
	}, {
		name:   "a script that never ends is stopped",
		script: `while true do end`,
		fails:  true,
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := evaluate(obj, c.script)
			if c.fails != (err != nil) || got != c.want {
				t.Errorf("got %+v, error %v; want %+v, fails %v", got, err, c.want, c.fails)
			}
		})
	}
}
