package platform

import (
	"context"
	"fmt"
	"io"
	"log"
	"sync"
	"sync/atomic"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"
)

// The X library logs to stderr (for instance when there is no Xauthority
// file, which is normal under Xvfb and some desktops). This package must
// not print, and nothing else in Twofold uses xgb.
func init() { xgb.Logger = log.New(io.Discard, "", 0) }

// atomNames are interned once per connection.
var atomNames = []string{
	"CLIPBOARD", "TARGETS", "UTF8_STRING", "TEXT", "INCR", "MULTIPLE", "TIMESTAMP",
	"text/plain;charset=utf-8", "text/plain", "x-kde-passwordManagerHint",
	"image/png", "image/jpeg", "image/gif", "image/bmp", "text/uri-list",
	"TWOFOLD_SELECTION", "TWOFOLD_TIME",
}

// xconn is one connection to an X server with a window of our own (never
// mapped) to own selections and receive transfers. One goroutine reads
// all events: selection requests and clears go to the handlers, the
// events a transfer waits for go to the channel events.
type xconn struct {
	x      *xgb.Conn
	setup  *xproto.SetupInfo
	screen *xproto.ScreenInfo
	win    xproto.Window
	atom   map[string]xproto.Atom
	events chan xgb.Event
	done   chan struct{}
	// xfer serializes transfers: they share our window's property and
	// the events channel.
	xfer sync.Mutex
	// incrPieces counts the pieces received through INCR (tests check
	// that large transfers really took that path).
	incrPieces atomic.Int64

	onRequest func(xproto.SelectionRequestEvent)
	onClear   func(xproto.SelectionClearEvent)
}

// dialX connects to display ("" is no display: ErrUnavailable) and
// starts the event loop with the given handlers (either may be nil).
func dialX(display string, onRequest func(xproto.SelectionRequestEvent), onClear func(xproto.SelectionClearEvent)) (*xconn, error) {
	x, err := connectX(display)
	if err != nil {
		return nil, err
	}
	c := &xconn{x: x, events: make(chan xgb.Event, 64), done: make(chan struct{}),
		onRequest: onRequest, onClear: onClear}
	if err := c.init(); err != nil {
		x.Close()
		return nil, fmt.Errorf("X display %q: %w", display, err)
	}
	go c.loop()
	return c, nil
}

// connectX opens a bare connection to display ("" is no display:
// ErrUnavailable).
func connectX(display string) (*xgb.Conn, error) {
	if display == "" {
		return nil, fmt.Errorf("no X display is set: %w", ErrUnavailable)
	}
	x, err := xgb.NewConnDisplay(display)
	if err != nil {
		return nil, fmt.Errorf("connect to X display %q: %v: %w", display, err, ErrUnavailable)
	}
	return x, nil
}

func (c *xconn) init() error {
	c.setup = xproto.Setup(c.x)
	c.screen = c.setup.DefaultScreen(c.x)
	win, err := xproto.NewWindowId(c.x)
	if err != nil {
		return err
	}
	c.win = win
	err = xproto.CreateWindowChecked(c.x, 0, win, c.screen.Root, 0, 0, 1, 1, 0,
		xproto.WindowClassInputOnly, 0, xproto.CwEventMask,
		[]uint32{xproto.EventMaskPropertyChange}).Check()
	if err != nil {
		return fmt.Errorf("create window: %w", err)
	}
	return c.internAtoms()
}

func (c *xconn) internAtoms() error {
	atoms, err := internAtoms(c.x, atomNames...)
	if err != nil {
		return err
	}
	c.atom = map[string]xproto.Atom{"STRING": xproto.AtomString, "ATOM": xproto.AtomAtom}
	for i, name := range atomNames {
		c.atom[name] = atoms[i]
	}
	return nil
}

// internAtoms interns names in one round trip.
func internAtoms(x *xgb.Conn, names ...string) ([]xproto.Atom, error) {
	cookies := make([]xproto.InternAtomCookie, len(names))
	for i, name := range names {
		cookies[i] = xproto.InternAtom(x, false, uint16(len(name)), name)
	}
	atoms := make([]xproto.Atom, len(names))
	for i, ck := range cookies {
		r, err := ck.Reply()
		if err != nil {
			return nil, fmt.Errorf("intern atom %s: %w", names[i], err)
		}
		atoms[i] = r.Atom
	}
	return atoms, nil
}

// loop reads every event until the connection closes.
func (c *xconn) loop() {
	defer close(c.done)
	for {
		ev, xerr := c.x.WaitForEvent()
		if ev == nil && xerr == nil {
			return
		}
		switch e := ev.(type) {
		case xproto.SelectionRequestEvent:
			if c.onRequest != nil {
				c.onRequest(e)
			}
		case xproto.SelectionClearEvent:
			if c.onClear != nil {
				c.onClear(e)
			}
		case xproto.SelectionNotifyEvent:
			c.forward(e)
		case xproto.PropertyNotifyEvent:
			if e.Window == c.win && e.State == xproto.PropertyNewValue {
				c.forward(e)
			}
		}
	}
}

// forward hands an event to a waiting transfer; with none waiting, a full
// channel drops it rather than stall the loop (transfers drain stale
// events before they start).
func (c *xconn) forward(e xgb.Event) {
	select {
	case c.events <- e:
	default:
	}
}

// drain drops events left over from an earlier transfer.
func (c *xconn) drain() {
	for {
		select {
		case <-c.events:
		default:
			return
		}
	}
}

// await returns the first event match accepts; others are dropped.
func (c *xconn) await(ctx context.Context, match func(xgb.Event) bool) (xgb.Event, error) {
	for {
		select {
		case e := <-c.events:
			if match(e) {
				return e, nil
			}
		case <-c.done:
			return nil, fmt.Errorf("the X connection closed: %w", ErrUnavailable)
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// serverTime returns the X server's current time, got the ICCCM way: a
// zero-length append to a property of our window, whose PropertyNotify
// carries the time. Selections owned with a real time (not CurrentTime)
// cannot be given up by mistake after someone else took them.
// The caller holds c.xfer.
func (c *xconn) serverTime(ctx context.Context) (xproto.Timestamp, error) {
	c.drain()
	prop := c.atom["TWOFOLD_TIME"]
	xproto.ChangeProperty(c.x, xproto.PropModeAppend, c.win, prop, xproto.AtomString, 8, 0, nil)
	ev, err := c.await(ctx, func(e xgb.Event) bool {
		p, ok := e.(xproto.PropertyNotifyEvent)
		return ok && p.Atom == prop
	})
	if err != nil {
		return 0, fmt.Errorf("get the X server time: %w", err)
	}
	return ev.(xproto.PropertyNotifyEvent).Time, nil
}

// owner returns the window owning the CLIPBOARD selection (0: none).
func (c *xconn) owner() (xproto.Window, error) {
	r, err := xproto.GetSelectionOwner(c.x, c.atom["CLIPBOARD"]).Reply()
	if err != nil {
		return 0, fmt.Errorf("get the clipboard owner: %w", err)
	}
	return r.Owner, nil
}

// atomName returns the name of an atom ("" if unknown).
func (c *xconn) atomName(a xproto.Atom) string {
	r, err := xproto.GetAtomName(c.x, a).Reply()
	if err != nil {
		return ""
	}
	return r.Name
}

// close ends the connection and waits for the event loop to stop.
func (c *xconn) close() {
	c.x.Close()
	<-c.done
}
