//go:build !cgo

package fido_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/twofold-app/twofold/fido"
)

func TestNoCgoUnsupported(t *testing.T) {
	if _, err := fido.List(context.Background(), fido.ListOptions{}); !errors.Is(err, fido.ErrUnsupported) {
		t.Fatalf("List: %v", err)
	}
}

func TestNoCgoKeyOperations(t *testing.T) {
	path := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	d, err := fido.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := d.Passkeys(ctx, nil); !errors.Is(err, fido.ErrUnsupported) {
		t.Errorf("Passkeys: %v", err)
	}
	if _, err := d.EnrollFingerprint(ctx, "x", nil); !errors.Is(err, fido.ErrUnsupported) {
		t.Errorf("EnrollFingerprint: %v", err)
	}
	if err := d.Reset(ctx, fido.ResetOptions{Confirm: fido.ResetConfirmation}, nil); !errors.Is(err, fido.ErrUnsupported) {
		t.Errorf("Reset: %v", err)
	}
}
