//go:build !cgo

package fido

import (
	"context"
	"time"
)

// Without cgo there is no libfido2: every operation is ErrUnsupported.

func enumerate() ([]Key, error) { return nil, ErrUnsupported }

func readInfo(string) (*Info, error) { return nil, ErrUnsupported }

func pinRetries(string) (int, error) { return 0, ErrUnsupported }

func setPIN(string, string, string) error { return ErrUnsupported }

func configure(string, configOp, int, string) error { return ErrUnsupported }

func makeCredential(context.Context, string, *credRequest) (*credResult, error) {
	return nil, ErrUnsupported
}

func getAssertion(context.Context, string, *assertRequest) (*assertResult, error) {
	return nil, ErrUnsupported
}

func resetKey(context.Context, string) error { return ErrUnsupported }

func listPasskeys(context.Context, string, string) (*PasskeyList, error) {
	return nil, ErrUnsupported
}

func deletePasskey(string, []byte, string) error { return ErrUnsupported }

func listTemplates(string, string) ([]Fingerprint, error) { return nil, ErrUnsupported }

func renameTemplate(string, []byte, string, string) error { return ErrUnsupported }

func removeTemplate(string, []byte, string) error { return ErrUnsupported }

func newEnroller(string, string, time.Duration) (enroller, error) { return nil, ErrUnsupported }
