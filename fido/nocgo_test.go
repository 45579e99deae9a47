//go:build !cgo

package fido_test

import (
	"context"
	"errors"
	"testing"

	"github.com/twofold-app/twofold/fido"
)

func TestNoCgoUnsupported(t *testing.T) {
	if _, err := fido.List(context.Background(), fido.ListOptions{}); !errors.Is(err, fido.ErrUnsupported) {
		t.Fatalf("List: %v", err)
	}
}
