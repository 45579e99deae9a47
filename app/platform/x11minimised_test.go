package platform

import (
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"
)

// fakeWM is a second X client that owns a window and sets its state
// properties as a window manager does when it minimises and restores it.
type fakeWM struct {
	t   *testing.T
	x   *xgb.Conn
	win xproto.Window
	// atom holds WM_STATE, _NET_WM_STATE and its values.
	atom map[string]xproto.Atom
}

func newFakeWM(t *testing.T, display string) *fakeWM {
	t.Helper()
	x, err := connectX(display)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(x.Close)
	win, err := xproto.NewWindowId(x)
	if err != nil {
		t.Fatal(err)
	}
	root := xproto.Setup(x).DefaultScreen(x).Root
	err = xproto.CreateWindowChecked(x, 0, win, root, 0, 0, 100, 100, 0,
		xproto.WindowClassInputOutput, 0, 0, nil).Check()
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"WM_STATE", "_NET_WM_STATE", "_NET_WM_STATE_HIDDEN", "_NET_WM_STATE_MAXIMIZED_VERT"}
	atoms, err := internAtoms(x, names...)
	if err != nil {
		t.Fatal(err)
	}
	wm := &fakeWM{t: t, x: x, win: win, atom: map[string]xproto.Atom{}}
	for i, n := range names {
		wm.atom[n] = atoms[i]
	}
	return wm
}

// set replaces a format-32 property of the window.
func (wm *fakeWM) set(prop, typ xproto.Atom, values ...uint32) {
	wm.t.Helper()
	data := make([]byte, 4*len(values))
	for i, v := range values {
		xgb.Put32(data[4*i:], v)
	}
	err := xproto.ChangePropertyChecked(wm.x, xproto.PropModeReplace, wm.win, prop, typ, 32,
		uint32(len(values)), data).Check()
	if err != nil {
		wm.t.Fatal(err)
	}
}

// wmState sets ICCCM WM_STATE to [state, no icon window].
func (wm *fakeWM) wmState(state uint32) {
	wm.set(wm.atom["WM_STATE"], wm.atom["WM_STATE"], state, 0)
}

// netState sets _NET_WM_STATE to the named states.
func (wm *fakeWM) netState(states ...string) {
	var values []uint32
	for _, s := range states {
		values = append(values, uint32(wm.atom[s]))
	}
	wm.set(wm.atom["_NET_WM_STATE"], xproto.AtomAtom, values...)
}

// name sets WM_NAME: a property the watcher does not care about.
func (wm *fakeWM) name(s string) {
	wm.t.Helper()
	err := xproto.ChangePropertyChecked(wm.x, xproto.PropModeReplace, wm.win, xproto.AtomWmName,
		xproto.AtomString, 8, uint32(len(s)), []byte(s)).Check()
	if err != nil {
		wm.t.Fatal(err)
	}
}

// watch starts a watcher on the window; its calls go to the returned
// channel (buffered: the watcher never waits for the test).
func (wm *fakeWM) watch(display string) (<-chan bool, func()) {
	wm.t.Helper()
	got := make(chan bool, 64)
	stop, err := WatchMinimised(display, uint32(wm.win), func(m bool) { got <- m })
	if err != nil {
		wm.t.Fatal(err)
	}
	wm.t.Cleanup(stop)
	return got, stop
}

// want takes the next call from got and checks it. A call that should
// not have happened shows up here as an unexpected value or order: the
// watcher reports events in the server's order.
func want(t *testing.T, got <-chan bool, minimised bool, after string) {
	t.Helper()
	select {
	case m := <-got:
		if m != minimised {
			t.Fatalf("after %s: minimised %v, want %v", after, m, minimised)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("after %s: no call in 20 s, want minimised %v", after, minimised)
	}
}

// TestWatchMinimised: minimising and restoring through WM_STATE and
// through _NET_WM_STATE_HIDDEN each give one call; unrelated and
// unchanged properties give none.
func TestWatchMinimised(t *testing.T) {
	display := startX(t, "640x480x24")
	wm := newFakeWM(t, display)
	got, _ := wm.watch(display)
	want(t, got, false, "the start (no state properties)")

	wm.wmState(iconicState)
	want(t, got, true, "WM_STATE IconicState")
	wm.name("unrelated")
	wm.wmState(iconicState) // rewritten, unchanged
	wm.netState("_NET_WM_STATE_HIDDEN")
	wm.wmState(1) // NormalState: _NET_WM_STATE still says hidden
	wm.netState()
	want(t, got, false, "WM_STATE NormalState and _NET_WM_STATE emptied")

	wm.netState("_NET_WM_STATE_MAXIMIZED_VERT")
	wm.netState("_NET_WM_STATE_MAXIMIZED_VERT", "_NET_WM_STATE_HIDDEN")
	want(t, got, true, "_NET_WM_STATE_HIDDEN added")
	wm.netState("_NET_WM_STATE_MAXIMIZED_VERT")
	want(t, got, false, "_NET_WM_STATE_HIDDEN removed")

	wm.name("unrelated again")
	wm.wmState(0) // WithdrawnState: hidden by the program, not minimised
	wm.wmState(iconicState)
	want(t, got, true, "WM_STATE IconicState again")
}

// TestWatchMinimisedStartsMinimised: a window already minimised is
// reported so once at the start.
func TestWatchMinimisedStartsMinimised(t *testing.T) {
	display := startX(t, "640x480x24")
	wm := newFakeWM(t, display)
	wm.wmState(iconicState)
	got, _ := wm.watch(display)
	want(t, got, true, "the start (IconicState)")
	wm.wmState(1)
	want(t, got, false, "WM_STATE NormalState")
}

// TestWatchMinimisedStop: stop returns promptly, may be called twice,
// and no call comes after it.
func TestWatchMinimisedStop(t *testing.T) {
	display := startX(t, "640x480x24")
	wm := newFakeWM(t, display)
	var stopped atomic.Bool
	got := make(chan bool, 64)
	stop, err := WatchMinimised(display, uint32(wm.win), func(m bool) {
		if stopped.Load() {
			t.Errorf("a call (minimised %v) after stop returned", m)
		}
		got <- m
	})
	if err != nil {
		t.Fatal(err)
	}
	want(t, got, false, "the start")

	done := make(chan struct{})
	go func() { stop(); stop(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("stop did not return in 10 s")
	}
	stopped.Store(true)
	wm.wmState(iconicState)
	wm.netState("_NET_WM_STATE_HIDDEN")
	// A round trip: the server has sent every event of the changes above.
	if _, err := xproto.GetInputFocus(wm.x).Reply(); err != nil {
		t.Fatal(err)
	}
	select {
	case m := <-got:
		t.Errorf("a call (minimised %v) after stop", m)
	default:
	}
}

// TestWatchMinimisedNoWindow: a window that does not exist is an error
// (an xproto.WindowError), not a watcher that never calls.
func TestWatchMinimisedNoWindow(t *testing.T) {
	display := startX(t, "640x480x24")
	wm := newFakeWM(t, display)
	unused, err := xproto.NewWindowId(wm.x)
	if err != nil {
		t.Fatal(err)
	}
	_, err = WatchMinimised(display, uint32(unused), func(bool) { t.Error("called for no window") })
	var werr xproto.WindowError
	if !errors.As(err, &werr) {
		t.Errorf("%v, want an xproto.WindowError", err)
	}
}

// TestWatchMinimisedNoX: no display, or no X server there, is
// ErrUnavailable.
func TestWatchMinimisedNoX(t *testing.T) {
	for _, display := range []string{"", ":9999"} {
		_, err := WatchMinimised(display, 1, func(bool) { t.Error("called without X") })
		if !errors.Is(err, ErrUnavailable) {
			t.Errorf("display %q: %v, want ErrUnavailable", display, err)
		}
	}
}
