// Command kstatus prints kstatus's verdict on one Kubernetes object read as JSON from stdin, the status that
// kstatus-based tools (Flux's health checks, kpt, cli-utils' appliers) see:
//
//	{"status":"Current|InProgress|Failed|Terminating|...","message":"..."}
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"sigs.k8s.io/cli-utils/pkg/kstatus/status"

	"pyfleet.dev/hack/tools/internal/object"
)

func main() {
	if err := run(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "kstatus:", err)
		os.Exit(1)
	}
}

func run(in io.Reader, out io.Writer) error {
	obj, err := object.Read(in)
	if err != nil {
		return err
	}
	result, err := status.Compute(obj)
	if err != nil {
		return err
	}
	encoder := json.NewEncoder(out)
	encoder.SetEscapeHTML(false)
	return encoder.Encode(struct {
		Status  string `json:"status"`
		Message string `json:"message"`
	}{result.Status.String(), result.Message})
}
