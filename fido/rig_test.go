//go:build cgo

package fido_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/twofold-app/twofold/fido"
	"github.com/twofold-app/twofold/internal/fidotest"
	_ "github.com/twofold-app/twofold/internal/fidotest/shim" // libfido2 reaches the rig's socket
	"github.com/twofold-app/twofold/internal/fidotest/softkey"
)

// plug connects a software key and opens it.
func plug(t *testing.T, cfg softkey.Config) (*fidotest.Rig, *fido.Device) {
	t.Helper()
	r := fidotest.New(t, cfg)
	d, err := fido.Open(r.Path())
	if err != nil {
		t.Fatal(err)
	}
	return r, d
}

// ui records what an operation asked of the person and answers from a
// script: PINs to type, in order, then new PINs.
type ui struct {
	mu       sync.Mutex
	pins     []string
	newPINs  []string
	prompts  []fido.PINRequest
	newReqs  []fido.NewPINRequest
	touches  []string
	done     int
	progress []fido.Progress
}

var errNoMoreInput = errors.New("test ui: no more input")

func (u *ui) callbacks() *fido.Callbacks {
	return &fido.Callbacks{
		PIN: func(_ context.Context, req fido.PINRequest) (string, error) {
			u.mu.Lock()
			defer u.mu.Unlock()
			u.prompts = append(u.prompts, req)
			if len(u.pins) == 0 {
				return "", errNoMoreInput
			}
			p := u.pins[0]
			u.pins = u.pins[1:]
			return p, nil
		},
		NewPIN: func(_ context.Context, req fido.NewPINRequest) (string, error) {
			u.mu.Lock()
			defer u.mu.Unlock()
			u.newReqs = append(u.newReqs, req)
			if len(u.newPINs) == 0 {
				return "", errNoMoreInput
			}
			p := u.newPINs[0]
			u.newPINs = u.newPINs[1:]
			return p, nil
		},
		Touch: func(req fido.TouchRequest) func() {
			u.mu.Lock()
			defer u.mu.Unlock()
			u.touches = append(u.touches, req.Purpose)
			return func() {
				u.mu.Lock()
				defer u.mu.Unlock()
				u.done++
			}
		},
		Progress: func(p fido.Progress) {
			u.mu.Lock()
			defer u.mu.Unlock()
			u.progress = append(u.progress, p)
		},
	}
}

// retriesShown lists the retry counts the PIN prompts showed.
func (u *ui) retriesShown() string {
	u.mu.Lock()
	defer u.mu.Unlock()
	s := ""
	for _, p := range u.prompts {
		s += fmt.Sprint(p.Retries, " ")
	}
	return s
}

// setPIN gives the key a PIN through the library.
func setPIN(t *testing.T, d *fido.Device, pin string) {
	t.Helper()
	u := &ui{newPINs: []string{pin}}
	if err := d.SetPIN(context.Background(), u.callbacks()); err != nil {
		t.Fatal(err)
	}
}

func mustInfo(t *testing.T, d *fido.Device) *fido.Info {
	t.Helper()
	info, err := d.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return info
}

// fidoRig narrows a rig to what gated tests use.
type fidoRig struct{ r *fidotest.Rig }

func (f *fidoRig) Unplug() { f.r.Unplug() }
