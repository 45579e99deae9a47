package fido

import (
	"context"
	"errors"
	"fmt"
	"unicode/utf8"
)

// maxPINBytes is CTAP2's limit on a PIN's UTF-8 length.
const maxPINBytes = 63

// askPIN asks for the current PIN, showing the retries left, and runs use
// with it. After a wrong PIN it asks again (the key counts down) until the
// PIN is right, the callback gives up, or the key blocks the PIN.
func (d *Device) askPIN(ctx context.Context, cb *Callbacks, purpose string, use func(pin string) error) error {
	if cb == nil || cb.PIN == nil {
		return fmt.Errorf("%s: %w", purpose, ErrPINRequired)
	}
	var previous error
	for {
		retries, err := pinRetries(d.path)
		if err != nil {
			return err
		}
		if retries == 0 {
			return fmt.Errorf("%s: %w", purpose, ErrPINBlocked)
		}
		pin, err := cb.PIN(ctx, PINRequest{Purpose: purpose, Retries: retries, Previous: previous})
		if err != nil {
			return promptError(ctx, err)
		}
		err = use(pin)
		if !errors.Is(err, ErrPINInvalid) {
			return err
		}
		previous = err
	}
}

// askNewPIN asks for a new PIN until it fits the key's length limits;
// previous is why the last one was refused, if it was.
func askNewPIN(ctx context.Context, cb *Callbacks, minLength int, previous error) (string, error) {
	if cb == nil || cb.NewPIN == nil {
		return "", ErrPINRequired
	}
	for {
		pin, err := cb.NewPIN(ctx, NewPINRequest{MinLength: minLength, Previous: previous})
		if err != nil {
			return "", promptError(ctx, err)
		}
		if previous = checkNewPIN(pin, minLength); previous == nil {
			return pin, nil
		}
	}
}

// checkNewPIN applies CTAP2's PIN rules before the key sees the PIN.
func checkNewPIN(pin string, minLength int) error {
	minLength = max(minLength, 4)
	if utf8.RuneCountInString(pin) < minLength || len(pin) > maxPINBytes || !utf8.ValidString(pin) {
		return &PINPolicyError{MinLength: minLength, MaxBytes: maxPINBytes}
	}
	return nil
}

func promptError(ctx context.Context, err error) error {
	if cerr := ctxError(ctx); cerr != nil {
		return cerr
	}
	return err
}

// SetPIN sets the PIN of a key that has none.
func (d *Device) SetPIN(ctx context.Context, cb *Callbacks) error {
	unlock, err := d.lock()
	if err != nil {
		return err
	}
	defer unlock()
	info, err := d.info(ctx)
	if err != nil {
		return err
	}
	if info.PINSet() {
		return fmt.Errorf("set PIN: %w", ErrPINAlreadySet)
	}
	var pin string
	return withNewPIN(ctx, cb, info.MinPINLength, &pin, func(pin string) error {
		return setPIN(d.path, pin, "")
	})
}

// withNewPIN runs set with a new PIN, asking for one unless *pin already
// holds it (kept across wrong current PINs), and asking again while the
// key refuses it under its policy.
func withNewPIN(ctx context.Context, cb *Callbacks, minLength int, pin *string, set func(pin string) error) error {
	var previous error
	for {
		if *pin == "" {
			p, err := askNewPIN(ctx, cb, minLength, previous)
			if err != nil {
				return fmt.Errorf("new PIN: %w", err)
			}
			*pin = p
		}
		if previous = set(*pin); !errors.Is(previous, ErrPINPolicy) {
			return previous
		}
		*pin = ""
	}
}

// ChangePIN asks for the current PIN and a new one, and changes it. It is
// also how a forced PIN change (Info.ForcePINChange) is satisfied.
func (d *Device) ChangePIN(ctx context.Context, cb *Callbacks) error {
	unlock, err := d.lock()
	if err != nil {
		return err
	}
	defer unlock()
	info, err := d.info(ctx)
	if err != nil {
		return err
	}
	if !info.PINSet() {
		return fmt.Errorf("change PIN: %w", ErrPINNotSet)
	}
	var newPIN string
	return d.askPIN(ctx, cb, "change the PIN", func(old string) error {
		return withNewPIN(ctx, cb, info.MinPINLength, &newPIN, func(pin string) error {
			return setPIN(d.path, pin, old)
		})
	})
}

// configOp is an authenticatorConfig subcommand.
type configOp int

const (
	configAlwaysUV configOp = iota
	configMinPINLength
	configForcePINChange
)

func (o configOp) String() string {
	return [...]string{"toggle always-UV", "set minimum PIN length", "force PIN change"}[o]
}

// config runs a PIN-protected authenticatorConfig subcommand, asking for
// the PIN when the key has one.
func (d *Device) config(ctx context.Context, cb *Callbacks, info *Info, op configOp, minLength int) error {
	if !info.Supports("authnrCfg") {
		return fmt.Errorf("%s: %w", op, ErrUnsupported)
	}
	if !info.PINSet() {
		return configure(d.path, op, minLength, "")
	}
	return d.askPIN(ctx, cb, op.String(), func(pin string) error {
		return configure(d.path, op, minLength, pin)
	})
}

// ForcePINChange makes the key refuse its PIN until it is changed. CTAP
// 2.1 carries it in setMinPINLength, so keys without that option cannot.
func (d *Device) ForcePINChange(ctx context.Context, cb *Callbacks) error {
	return d.withInfo(ctx, func(info *Info) error {
		if !info.Supports("setMinPINLength") {
			return fmt.Errorf("force PIN change: %w", ErrUnsupported)
		}
		if !info.PINSet() {
			return fmt.Errorf("force PIN change: %w", ErrPINNotSet)
		}
		return d.config(ctx, cb, info, configForcePINChange, 0)
	})
}

// SetMinPINLength raises the key's minimum PIN length (keys never lower
// it short of a reset). If the current PIN is shorter, the key will
// require a PIN change.
func (d *Device) SetMinPINLength(ctx context.Context, n int, cb *Callbacks) error {
	return d.withInfo(ctx, func(info *Info) error {
		if !info.Supports("setMinPINLength") {
			return fmt.Errorf("set minimum PIN length: %w", ErrUnsupported)
		}
		if n < info.MinPINLength || n > maxPINBytes {
			return fmt.Errorf("set minimum PIN length to %d: %w", n, ErrPINPolicy)
		}
		return d.config(ctx, cb, info, configMinPINLength, n)
	})
}

// SetAlwaysUV turns always-UV (PIN or fingerprint for every use) on or off.
func (d *Device) SetAlwaysUV(ctx context.Context, on bool, cb *Callbacks) error {
	return d.withInfo(ctx, func(info *Info) error {
		if !info.Supports("alwaysUv") {
			return fmt.Errorf("toggle always-UV: %w", ErrUnsupported)
		}
		if info.Options["alwaysUv"] == on {
			return nil
		}
		return d.config(ctx, cb, info, configAlwaysUV, 0)
	})
}

// withInfo locks the device, reads its info and runs fn.
func (d *Device) withInfo(ctx context.Context, fn func(*Info) error) error {
	unlock, err := d.lock()
	if err != nil {
		return err
	}
	defer unlock()
	info, err := d.info(ctx)
	if err != nil {
		return err
	}
	return fn(info)
}
