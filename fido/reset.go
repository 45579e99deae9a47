package fido

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"
)

// ResetConfirmation is what the person must type, exactly, to confirm a
// reset, after being shown ResetWarning.
const ResetConfirmation = "RESET"

// ResetWarning says what a reset does; show it before asking for
// ResetConfirmation.
const ResetWarning = "A reset wipes the key's FIDO2 application: every passkey and every " +
	"other credential registered with it on any site, its fingerprints and its PIN. " +
	"Sites where you used the key will no longer accept it, so make sure you can sign in " +
	"to them another way first. It cannot be undone. Other applications on the key " +
	"(OTP, PIV, OpenPGP on keys that have them) are not touched."

// ResetOptions tunes Device.Reset.
type ResetOptions struct {
	// Confirm must be exactly ResetConfirmation, typed by the person;
	// anything else refuses the reset with ErrResetNotConfirmed.
	Confirm string
	// Ticker paces the checks for the key being unplugged and plugged back
	// in. Default: every 100 ms.
	Ticker func() (<-chan time.Time, func())
}

// pollInterval: a key must be reset within a few seconds of power-up, so
// the replug is noticed within a tenth of a second.
const pollInterval = 100 * time.Millisecond

func realTicker() (<-chan time.Time, func()) {
	t := time.NewTicker(pollInterval)
	return t.C, t.Stop
}

// Reset wipes the key (authenticatorReset) after walking the person through
// the timing keys demand: a reset is accepted only within seconds of being
// plugged in. It reports StepUnplug and waits until the key is gone, then
// StepReplug and waits until a key is back at the same path, then StepReset:
// it calls cb.Touch and sends the reset, which the key confirms with a
// touch. Cancel ctx to stop waiting. A key that says it is too late gives
// ErrResetWindow; another model plugged back in gives ErrKeyChanged.
func (d *Device) Reset(ctx context.Context, opts ResetOptions, cb *Callbacks) error {
	if opts.Confirm != ResetConfirmation {
		return fmt.Errorf("reset: %w", ErrResetNotConfirmed)
	}
	if opts.Ticker == nil {
		opts.Ticker = realTicker
	}
	err := d.withInfo(ctx, func(info *Info) error {
		if !info.FIDO2 {
			return ErrUnsupported
		}
		if err := cb.step(StepUnplug, func() error { return waitFor(ctx, opts.Ticker, d.unplugged) }); err != nil {
			return err
		}
		if err := cb.step(StepReplug, func() error { return waitFor(ctx, opts.Ticker, d.pluggedIn) }); err != nil {
			return err
		}
		return cb.step(StepReset, func() error { return d.resetNow(ctx, info.AAGUID, cb) })
	})
	if err != nil {
		return fmt.Errorf("reset: %w", err)
	}
	return nil
}

// resetNow sends the reset to the key just plugged back in, if it is the
// same model.
func (d *Device) resetNow(ctx context.Context, aaguid AAGUID, cb *Callbacks) error {
	info, err := readInfo(d.path)
	if err != nil {
		return err
	}
	if info.AAGUID != aaguid {
		return fmt.Errorf("%w: model %s, not %s", ErrKeyChanged, info.AAGUID, aaguid)
	}
	done := cb.touch("confirm the reset")
	defer done()
	err = resetKey(ctx, d.path)
	if errors.Is(err, ErrNotAllowed) {
		return fmt.Errorf("%w (%w)", ErrResetWindow, ErrNotAllowed)
	}
	return err
}

// waitFor checks cond at once and then on every tick until it holds.
func waitFor(ctx context.Context, ticker func() (<-chan time.Time, func()), cond func() bool) error {
	ticks, stop := ticker()
	defer stop()
	for !cond() {
		select {
		case <-ctx.Done():
			return ctxError(ctx)
		case <-ticks:
		}
	}
	return nil
}

func (d *Device) unplugged() bool {
	_, err := os.Stat(d.path)
	return errors.Is(err, fs.ErrNotExist)
}

// pluggedIn reports whether a key is back and can be opened. On Linux the
// hidraw node appears a moment before udev grants the logged-in user access
// to it, so a node this user may not open yet does not count. A key may also
// come back under another hidraw number if another device took its number
// meanwhile; then this waits until cancelled.
func (d *Device) pluggedIn() bool { return checkPath(d.path) == nil }
