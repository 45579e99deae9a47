package fido

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// Passkey is a discoverable credential stored on the key.
type Passkey struct {
	RPID string
	// ID is the credential ID; EncodeID formats it for people.
	ID          []byte
	UserID      []byte
	UserName    string
	DisplayName string
	// Protection is the credProtect level: 1 usable without verification,
	// 2 listed only after PIN/UV unless the site names it, 3 PIN/UV always.
	Protection int
}

// RelyingParty is a site with passkeys on the key.
type RelyingParty struct {
	ID       string // e.g. "github.com"
	Name     string // as the site gave it; may be empty
	Passkeys []Passkey
}

// PasskeyList is what Device.Passkeys finds.
type PasskeyList struct {
	RelyingParties []RelyingParty
	// Count is the number of passkeys on the key, Remaining the key's
	// estimate of how many more fit.
	Count, Remaining int
}

// EncodeID formats a credential or fingerprint ID as unpadded base64url,
// WebAuthn's usual form.
func EncodeID(id []byte) string { return base64.RawURLEncoding.EncodeToString(id) }

// ParseID parses an ID as EncodeID writes it, and also standard base64 with
// or without padding (as fido2-token prints credential IDs).
func ParseID(s string) ([]byte, error) {
	t := strings.TrimRight(strings.TrimSpace(s), "=")
	t = strings.NewReplacer("+", "-", "/", "_").Replace(t)
	b, err := base64.RawURLEncoding.DecodeString(t)
	if err != nil || len(b) == 0 {
		return nil, fmt.Errorf("%w: %q is not a base64 ID", ErrInvalidID, s)
	}
	return b, nil
}

// canManagePasskeys checks what credential management needs: the command
// (CTAP 2.1 or its 2.1-PRE preview) and a usable PIN.
func canManagePasskeys(info *Info) error {
	switch {
	case !info.Supports("credMgmt") && !info.Supports("credentialMgmtPreview"):
		return ErrUnsupported
	case !info.PINSet():
		return ErrPINNotSet
	case info.ForcePINChange:
		return ErrPINChangeRequired
	}
	return nil
}

// Passkeys lists the sites with passkeys on the key and their passkeys.
// It asks for the PIN once.
func (d *Device) Passkeys(ctx context.Context, cb *Callbacks) (*PasskeyList, error) {
	var list *PasskeyList
	err := d.withInfo(ctx, func(info *Info) error {
		if err := canManagePasskeys(info); err != nil {
			return err
		}
		return d.askPIN(ctx, cb, "list passkeys", func(pin string) error {
			var err error
			list, err = listPasskeys(ctx, d.path, pin)
			return err
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list passkeys: %w", err)
	}
	return list, nil
}

// DeletePasskey deletes one passkey by credential ID; ErrNoCredentials
// when the key holds none with this ID.
func (d *Device) DeletePasskey(ctx context.Context, id []byte, cb *Callbacks) error {
	err := d.withInfo(ctx, func(info *Info) error {
		if err := canManagePasskeys(info); err != nil {
			return err
		}
		return d.askPIN(ctx, cb, "delete a passkey", func(pin string) error {
			return deletePasskey(d.path, id, pin)
		})
	})
	if err != nil {
		return fmt.Errorf("delete passkey %s: %w", EncodeID(id), err)
	}
	return nil
}

// noneFound turns "the key holds none" (CTAP2_ERR_NO_CREDENTIALS, which
// enumerateRPsBegin answers on an empty key) into an empty result.
func noneFound(err error) error {
	if errors.Is(err, ErrNoCredentials) {
		return nil
	}
	return err
}
