package platform

import (
	"fmt"
	"slices"
	"sync"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"
)

// ICCCM WM_STATE values (the first CARD32 of the property).
const iconicState = 3

// WatchMinimised tells changed whether an X window (usually our own
// top-level window, as the toolkit created it) is minimised, which Fyne
// does not report. It calls changed once at the start with the current
// state, then on every change. All calls come from the watcher's own
// goroutine: the caller moves them to its UI goroutine.
//
// Minimised is what the window manager says in two properties of the
// window: ICCCM WM_STATE is IconicState, or EWMH _NET_WM_STATE holds
// _NET_WM_STATE_HIDDEN. Either one is enough, so a manager that updates
// them one after the other gives one change, not two. A window the
// program unmapped itself (hidden to the tray) is withdrawn, not
// minimised.
//
// stop closes the watcher's X connection and waits for its goroutine:
// once it returns, changed is not called again. It may be called more
// than once, but not from changed, and changed must not wait for the
// goroutine that calls stop.
//
// No display or no X server there is ErrUnavailable; a window that does
// not exist is an xproto.WindowError.
func WatchMinimised(display string, window uint32, changed func(minimised bool)) (stop func(), err error) {
	x, err := connectX(display)
	if err != nil {
		return nil, err
	}
	w := &minimisedWatch{x: x, win: xproto.Window(window), changed: changed, done: make(chan struct{})}
	if err := w.init(); err != nil {
		x.Close()
		return nil, fmt.Errorf("watch X window %#x on %q: %w", window, display, err)
	}
	go w.loop()
	var once sync.Once
	return func() {
		once.Do(func() {
			x.Close()
			<-w.done
		})
	}, nil
}

// minimisedWatch is one watched window on a connection of its own.
type minimisedWatch struct {
	x       *xgb.Conn
	win     xproto.Window
	changed func(bool)
	done    chan struct{}

	wmState, netState, netHidden xproto.Atom
	minimised                    bool // as last reported
}

// init interns the atoms, asks for the window's property changes and
// reads the state they start from. The events are selected before the
// state is read, so no change falls between the two.
func (w *minimisedWatch) init() error {
	atoms, err := internAtoms(w.x, "WM_STATE", "_NET_WM_STATE", "_NET_WM_STATE_HIDDEN")
	if err != nil {
		return err
	}
	w.wmState, w.netState, w.netHidden = atoms[0], atoms[1], atoms[2]
	// The event mask is per client: this sets only our connection's
	// selection on the window, whoever created it.
	err = xproto.ChangeWindowAttributesChecked(w.x, w.win, xproto.CwEventMask,
		[]uint32{xproto.EventMaskPropertyChange}).Check()
	if err != nil {
		return fmt.Errorf("select property changes: %w", err)
	}
	w.minimised, err = w.read()
	return err
}

// loop reports the starting state, then each change, until the
// connection closes.
func (w *minimisedWatch) loop() {
	defer close(w.done)
	w.changed(w.minimised)
	for {
		ev, xerr := w.x.WaitForEvent()
		if ev == nil && xerr == nil {
			return
		}
		p, ok := ev.(xproto.PropertyNotifyEvent)
		if !ok || p.Window != w.win || (p.Atom != w.wmState && p.Atom != w.netState) {
			continue
		}
		// An error here is the window gone or the connection closing:
		// the state stays as last reported.
		if m, err := w.read(); err == nil && m != w.minimised {
			w.minimised = m
			w.changed(m)
		}
	}
}

// read reports whether either property says the window is minimised.
// A missing property says it is not.
func (w *minimisedWatch) read() (bool, error) {
	state, err := w.property(w.wmState, xproto.GetPropertyTypeAny, 1)
	if err != nil {
		return false, fmt.Errorf("read WM_STATE: %w", err)
	}
	if len(state) > 0 && state[0] == iconicState {
		return true, nil
	}
	net, err := w.property(w.netState, xproto.AtomAtom, 1024)
	if err != nil {
		return false, fmt.Errorf("read _NET_WM_STATE: %w", err)
	}
	return slices.Contains(net, uint32(w.netHidden)), nil
}

// property reads up to n CARD32s of a format-32 property (nil when it
// is missing or has another format).
func (w *minimisedWatch) property(prop, typ xproto.Atom, n uint32) ([]uint32, error) {
	r, err := xproto.GetProperty(w.x, false, w.win, prop, typ, 0, n).Reply()
	if err != nil {
		return nil, err
	}
	if r.Format != 32 {
		return nil, nil
	}
	out := make([]uint32, 0, r.ValueLen)
	for i := 0; i+4 <= len(r.Value); i += 4 {
		out = append(out, xgb.Get32(r.Value[i:]))
	}
	return out, nil
}
