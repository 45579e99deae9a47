//go:build hardware && cgo

package fido

// What every real-key test needs: the key, and a person at the keyboard.
// They live in package fido so that hardware_verify_test.go, which drives
// Device.Test's steps one by one, can use them; the tests in package
// fido_test reach them through HardwareKey and HardwarePerson.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"
)

// hardwareTimeout bounds each test: a person has to touch the key.
const hardwareTimeout = 2 * time.Minute

// HardwareKey opens the key at TWOFOLD_TEST_KEY, or the only key
// connected, and returns it with a context that ends with the test. It
// skips the test when no key, or more than one, is connected.
func HardwareKey(t *testing.T) (*Device, context.Context) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), hardwareTimeout)
	t.Cleanup(cancel)
	path := os.Getenv("TWOFOLD_TEST_KEY")
	if path == "" {
		path = onlyKey(t, ctx)
	}
	d, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	return d, ctx
}

func onlyKey(t *testing.T, ctx context.Context) string {
	t.Helper()
	keys, err := List(ctx, ListOptions{})
	if errors.Is(err, ErrPermission) {
		_, hint, _ := Explain(err)
		t.Fatalf("%v\n%s", err, hint)
	}
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, k := range keys {
		if k.Err == nil {
			paths = append(paths, k.Path)
			t.Logf("found %s: %s", k.Path, k.Name())
		}
	}
	switch len(paths) {
	case 0:
		t.Skip("no security key connected")
	case 1:
		return paths[0]
	}
	t.Skipf("several keys connected (%v): set TWOFOLD_TEST_KEY", paths)
	return ""
}

// HardwarePerson prompts on standard error and answers PIN prompts from
// TWOFOLD_TEST_PIN. Without it the test is skipped; a wrong PIN fails the
// test before it costs a retry more. Skipping and failing end the calling
// goroutine, so run operations using these callbacks on the test's own.
func HardwarePerson(t *testing.T) *Callbacks {
	pin := os.Getenv("TWOFOLD_TEST_PIN")
	return &Callbacks{
		PIN: func(_ context.Context, req PINRequest) (string, error) {
			if req.Previous != nil {
				t.Fatalf("TWOFOLD_TEST_PIN is not the key's PIN (%s; %d tries left)", req.Purpose, req.Retries)
			}
			if pin == "" {
				t.Skipf("the key needs its PIN to %s: set TWOFOLD_TEST_PIN", req.Purpose)
			}
			return pin, nil
		},
		Touch: func(req TouchRequest) func() {
			fmt.Fprintf(os.Stderr, ">>> touch your key to %s\n", req.Purpose)
			return nil
		},
		Progress: func(p Progress) {
			if p.State == StepStarted && (p.Step == StepUnplug || p.Step == StepReplug) {
				fmt.Fprintf(os.Stderr, ">>> %s\n", p.Step)
			}
			if p.State != StepStarted {
				t.Logf("%s: %s %s %v", p.Step, p.State, p.Detail, p.Err)
			}
		},
	}
}
