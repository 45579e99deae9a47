package softkey

import (
	"context"
	"errors"
	"time"
)

// Presence decides a user-presence check: nil means the user touched the
// key. Return ErrDenied for a refused touch (a fingerprint key that rejects
// the finger), ErrTimeout when nobody touched it in time, or ctx.Err() once
// ctx is done (the platform sent CTAPHID_CANCEL or the key was unplugged).
type Presence func(ctx context.Context, req PresenceRequest) error

// PresenceRequest tells a Presence what the key wants the touch for.
type PresenceRequest struct {
	// Command is the authenticatorCBOR command, e.g. "makeCredential".
	Command string
	// RPID is the relying party, when there is one.
	RPID string
}

var (
	// ErrDenied makes the key answer CTAP2_ERR_OPERATION_DENIED.
	ErrDenied = errors.New("softkey: user denied presence")
	// ErrTimeout makes the key answer CTAP2_ERR_USER_ACTION_TIMEOUT.
	ErrTimeout = errors.New("softkey: user action timeout")
)

// AlwaysPresent grants every touch at once.
func AlwaysPresent(context.Context, PresenceRequest) error { return nil }

// NeverPresent denies every touch.
func NeverPresent(context.Context, PresenceRequest) error { return ErrDenied }

// Touch is one pending user-presence check handed to a test by a Gate.
type Touch struct {
	PresenceRequest
	answer chan error
}

// Grant touches the key.
func (t *Touch) Grant() { t.answer <- nil }

// Deny refuses the touch.
func (t *Touch) Deny() { t.answer <- ErrDenied }

// Timeout lets the key give up waiting.
func (t *Touch) Timeout() { t.answer <- ErrTimeout }

// Gate hands every user-presence check to the test, which answers it when
// it likes: the way to delay, deny or cancel a touch without sleeping.
type Gate struct {
	touches chan *Touch
}

// NewGate returns a Gate; use its Presence method as Config.Presence.
func NewGate() *Gate { return &Gate{touches: make(chan *Touch)} }

// Presence implements the Presence function type.
func (g *Gate) Presence(ctx context.Context, req PresenceRequest) error {
	t := &Touch{PresenceRequest: req, answer: make(chan error, 1)}
	select {
	case g.touches <- t:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-t.answer:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Next waits until the key asks for a touch, or ctx is done.
func (g *Gate) Next(ctx context.Context) (*Touch, error) {
	select {
	case t := <-g.touches:
		return t, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// keepaliveUPNeeded is the CTAPHID_KEEPALIVE status "waiting for touch".
const keepaliveUPNeeded = 2

// userPresence runs the configured Presence while sending keepalives, and
// maps its answer to a CTAP2 status.
func (a *Authenticator) userPresence(c *call, req PresenceRequest) error {
	return presenceStatus(c.ctx, a.waitForUser(c, func(ctx context.Context) error {
		return a.cfg.Presence(ctx, req)
	}))
}

// waitForUser runs wait (a touch, a finger on the sensor) while sending
// "waiting for the user" keepalives, and returns its error once it is done.
func (a *Authenticator) waitForUser(c *call, wait func(ctx context.Context) error) error {
	ticks, stop := a.cfg.Keepalive()
	defer stop()
	done := make(chan error, 1)
	go func() { done <- wait(c.ctx) }()
	c.sendKeepalive(keepaliveUPNeeded)
	for {
		select {
		case err := <-done:
			return err
		case <-ticks:
			c.sendKeepalive(keepaliveUPNeeded)
		}
	}
}

func (c *call) sendKeepalive(status byte) {
	if c.keepalive != nil {
		c.keepalive(status)
	}
}

func presenceStatus(ctx context.Context, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrDenied):
		return errOperationDenied
	case errors.Is(err, ErrTimeout):
		return errUserActionTimeout
	case ctx.Err() != nil:
		return errKeepaliveCancel
	default:
		return errOther
	}
}

// unusedTicker is a channel that never ticks, for Config.Keepalive in tests
// that want no keepalives at all.
func unusedTicker() (<-chan time.Time, func()) { return nil, func() {} }

// NoKeepalive is a Config.Keepalive that sends a single keepalive at the
// start of each wait and none after.
var NoKeepalive = unusedTicker
