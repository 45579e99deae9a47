package fido

import (
	"context"
	"fmt"
)

// Info is what a key reports about itself (authenticatorGetInfo) plus its
// PIN and UV retry counters.
type Info struct {
	Path  string
	FIDO2 bool // false for U2F-only keys: the rest is then mostly empty
	// AAGUID and Model identify the make and model.
	AAGUID AAGUID
	Model  string
	// Versions are CTAP versions, e.g. FIDO_2_0, FIDO_2_1.
	Versions   []string
	Extensions []string
	// Options are the key's option IDs (rk, up, uv, clientPin, bioEnroll,
	// credMgmt, alwaysUv, …); an option absent from the map is unsupported,
	// false means supported but not enabled/configured.
	Options         map[string]bool
	PINProtocols    []int
	FirmwareVersion uint64
	MaxMsgSize      uint64
	// MinPINLength is the shortest PIN the key accepts, in characters.
	MinPINLength int
	// ForcePINChange: the PIN must be changed before the key can be used.
	ForcePINChange bool
	// PINRetries is the number of wrong PINs left before the PIN blocks,
	// -1 when no PIN is set.
	PINRetries int
	// UVRetries is the fingerprint attempts left, -1 without built-in UV.
	UVRetries int
	// RemainingResident is the number of free discoverable-credential
	// (passkey) slots, -1 when the key does not say.
	RemainingResident int64
}

// PINSet reports whether the key has a PIN.
func (i *Info) PINSet() bool { return i.Options["clientPin"] }

// Supports reports whether the key knows an option at all.
func (i *Info) Supports(option string) bool {
	_, ok := i.Options[option]
	return ok
}

// Info reads the key's information.
func (d *Device) Info(ctx context.Context) (*Info, error) {
	unlock, err := d.lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	return d.info(ctx)
}

func (d *Device) info(ctx context.Context) (*Info, error) {
	if err := ctxError(ctx); err != nil {
		return nil, err
	}
	info, err := readInfo(d.path)
	if err != nil {
		return nil, fmt.Errorf("read info of %q: %w", d.path, err)
	}
	info.Model = ModelName(info.AAGUID)
	return info, nil
}
