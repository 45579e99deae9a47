package fido

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Fingerprint is a finger enrolled on a key with a fingerprint sensor.
type Fingerprint struct {
	ID   []byte // the key's template ID, a few bytes
	Name string // "" until named
}

// IDString formats the ID as the CLI shows it (hex: IDs are short).
func (f Fingerprint) IDString() string { return hex.EncodeToString(f.ID) }

// ParseFingerprintID parses an ID as Fingerprint.IDString writes it.
func ParseFingerprintID(s string) ([]byte, error) {
	b, err := hex.DecodeString(strings.TrimSpace(s))
	if err != nil || len(b) == 0 {
		return nil, fmt.Errorf("%w: %q is not a hex fingerprint ID", ErrInvalidID, s)
	}
	return b, nil
}

// SampleStatus is the key's verdict on one fingerprint sample during an
// enrolment (CTAP 2.1 lastEnrollSampleStatus).
type SampleStatus int

// Sample statuses, in CTAP's numbering.
const (
	SampleGood SampleStatus = iota
	SampleTooHigh
	SampleTooLow
	SampleTooLeft
	SampleTooRight
	SampleTooFast
	SampleTooSlow
	SamplePoorQuality
	SampleTooSkewed
	SampleTooShort
	SampleMergeFailure
	SampleExists
	SampleDatabaseFull
	SampleNoUserActivity
	SampleNoUserPresenceTransition
)

var sampleText = [...]struct{ name, advice string }{
	{"good", "good sample"},
	{"too high", "place your finger lower on the sensor"},
	{"too low", "place your finger higher on the sensor"},
	{"too far left", "move your finger to the right"},
	{"too far right", "move your finger to the left"},
	{"too fast", "touch the sensor more slowly"},
	{"too slow", "touch the sensor more quickly"},
	{"poor quality", "clean and dry your finger and the sensor"},
	{"too skewed", "hold your finger straight"},
	{"too short", "keep your finger on the sensor longer"},
	{"merge failure", "try again with the same finger"},
	{"already enrolled", "this finger is already enrolled: use another one"},
	{"database full", "the key holds no more fingerprints"},
	{"no finger", "no finger was seen on the sensor"},
	{"no lift", "lift your finger between samples"},
}

// String names the status, e.g. "too fast".
func (s SampleStatus) String() string {
	if s >= 0 && int(s) < len(sampleText) {
		return sampleText[s].name
	}
	return fmt.Sprintf("sample status %d", int(s))
}

// Advice tells the person what to do differently for the next sample.
func (s SampleStatus) Advice() string {
	if s >= 0 && int(s) < len(sampleText) {
		return sampleText[s].advice
	}
	return "try again"
}

// canManageFingerprints checks for a sensor and a usable PIN.
func canManageFingerprints(info *Info) error {
	switch {
	case !info.Supports("bioEnroll"):
		return ErrUnsupported
	case !info.PINSet():
		return ErrPINNotSet
	case info.ForcePINChange:
		return ErrPINChangeRequired
	}
	return nil
}

// Fingerprints lists the enrolled fingerprints. A key that reports none
// (bioEnroll false) is not asked, and no PIN is needed.
func (d *Device) Fingerprints(ctx context.Context, cb *Callbacks) ([]Fingerprint, error) {
	var fps []Fingerprint
	err := d.withInfo(ctx, func(info *Info) error {
		if err := canManageFingerprints(info); err != nil || !info.Options["bioEnroll"] {
			return err
		}
		return d.askPIN(ctx, cb, "list fingerprints", func(pin string) error {
			var err error
			fps, err = listTemplates(d.path, pin)
			return err
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list fingerprints: %w", err)
	}
	return fps, nil
}

// RenameFingerprint gives an enrolled fingerprint a new name.
func (d *Device) RenameFingerprint(ctx context.Context, id []byte, name string, cb *Callbacks) error {
	if err := checkName(name); err != nil {
		return fmt.Errorf("rename fingerprint: %w", err)
	}
	return d.withTemplate(ctx, "rename a fingerprint", id, cb, func(pin string) error {
		return renameTemplate(d.path, id, name, pin)
	})
}

// DeleteFingerprint removes an enrolled fingerprint.
func (d *Device) DeleteFingerprint(ctx context.Context, id []byte, cb *Callbacks) error {
	return d.withTemplate(ctx, "delete a fingerprint", id, cb, func(pin string) error {
		return removeTemplate(d.path, id, pin)
	})
}

// withTemplate asks for the PIN, checks that the fingerprint exists (keys
// answer an unknown ID with a bare CTAP2_ERR_INVALID_OPTION) and runs fn.
func (d *Device) withTemplate(ctx context.Context, purpose string, id []byte, cb *Callbacks, fn func(pin string) error) error {
	err := d.withInfo(ctx, func(info *Info) error {
		if err := canManageFingerprints(info); err != nil {
			return err
		}
		if !info.Options["bioEnroll"] {
			return ErrFingerprintNotFound
		}
		return d.askPIN(ctx, cb, purpose, func(pin string) error {
			fps, err := listTemplates(d.path, pin)
			if err != nil {
				return err
			}
			if !hasTemplate(fps, id) {
				return ErrFingerprintNotFound
			}
			return fn(pin)
		})
	})
	if err != nil {
		return fmt.Errorf("%s %x: %w", purpose, id, err)
	}
	return nil
}

func hasTemplate(fps []Fingerprint, id []byte) bool {
	for _, f := range fps {
		if bytes.Equal(f.ID, id) {
			return true
		}
	}
	return false
}

// maxNameBytes bounds fingerprint names; keys advertise their own limit
// (YubiKey Bio: 15 bytes), which libfido2 1.12 does not expose.
const maxNameBytes = 64

func checkName(name string) error {
	if name == "" || len(name) > maxNameBytes || !utf8.ValidString(name) {
		return fmt.Errorf("%w: it must be 1 to %d bytes of UTF-8", ErrInvalidName, maxNameBytes)
	}
	return nil
}
