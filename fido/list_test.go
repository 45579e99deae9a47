//go:build cgo

package fido_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/twofold-app/twofold/fido"
	"github.com/twofold-app/twofold/internal/fidotest"
	"github.com/twofold-app/twofold/internal/fidotest/softkey"
)

func TestListExplicitPaths(t *testing.T) {
	r := fidotest.New(t, softkey.Config{})
	missing := filepath.Join(t.TempDir(), "gone")
	keys, err := fido.List(context.Background(), fido.ListOptions{
		Paths:       fido.SplitDevicePaths(r.Path() + "::" + missing),
		NoEnumerate: true, // whatever is plugged into this machine
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 {
		t.Fatalf("got %d keys, want 2: %+v", len(keys), keys)
	}
	k := keys[0]
	if k.Err != nil || k.Path != r.Path() || k.AAGUID != fido.AAGUID(softkey.DefaultAAGUID) {
		t.Fatalf("key: %+v", k)
	}
	if k.Name() != "Twofold software authenticator (test rig)" {
		t.Errorf("name %q", k.Name())
	}
	if !errors.Is(keys[1].Err, fido.ErrNoDevice) {
		t.Errorf("missing path: %v", keys[1].Err)
	}
}

func TestListUnknownModelShowsHex(t *testing.T) {
	aaguid := [16]byte{0xde, 0xad, 0xbe, 0xef}
	r := fidotest.New(t, softkey.Config{AAGUID: aaguid})
	keys, err := fido.List(context.Background(), fido.ListOptions{Paths: []string{r.Path()}, NoEnumerate: true})
	if err != nil || len(keys) != 1 {
		t.Fatal(keys, err)
	}
	if got := keys[0].Name(); got != "deadbeef-0000-0000-0000-000000000000" {
		t.Errorf("name %q", got)
	}
}

func TestModelTable(t *testing.T) {
	a, err := fido.ParseAAGUID("cb69481e-8ff7-4039-93ec-0a2729a154a8")
	if err != nil {
		t.Fatal(err)
	}
	if got := fido.ModelName(a); got != "YubiKey 5 Series" {
		t.Errorf("model %q", got)
	}
}

func TestOpenMissing(t *testing.T) {
	_, err := fido.Open(filepath.Join(t.TempDir(), "nothing"))
	if !errors.Is(err, fido.ErrNoDevice) {
		t.Fatalf("got %v", err)
	}
	title, hint, ok := fido.Explain(err)
	if !ok || title == "" || hint == "" {
		t.Fatalf("no hint for %v", err)
	}
}
