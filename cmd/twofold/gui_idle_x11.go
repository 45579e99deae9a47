//go:build cgo && !nogui

package main

/*
// GLFW's X11 display (GLFW is compiled into the binary by go-gl/glfw, and
// libX11 is linked for it). Declared with void * so that Xlib's headers,
// whose names clash with Go's, stay out of this file.
void *glfwGetX11Display(void);
int XConnectionNumber(void *display);
int XPending(void *display);
*/
import "C"

import (
	"errors"
	"os"
	"syscall"
	"time"
	"unsafe"
)

// xWait parks the event loop in Go instead of in GLFW: it waits, through
// Go's network poller, for the X connection to become readable.
//
// Why: glfwWaitEventsTimeout is a long cgo call, and Go counts a goroutine
// in a cgo call as running: its P stays taken for 10 ms, during which the
// runtime's sysmon thread polls, starting every 20 µs. After every wake
// (once a second while the countdown runs) that was about 70 thread
// wake-ups a second, 0.2 % of a core (half of what the window costs
// besides drawing). A goroutine waiting in the poller holds no P, so the
// runtime sleeps until the next timer or X event.
type xWait struct {
	display unsafe.Pointer
	conn    *os.File        // a duplicate of the X connection, in the poller
	raw     syscall.RawConn // its readiness, without reading from it
}

// newXWait returns nil when GLFW has no X11 display (Wayland) or the
// connection cannot be polled; the loop then parks in GLFW as before.
// Call it on the loop's goroutine, once GLFW is running.
func newXWait() *xWait {
	display := C.glfwGetX11Display()
	if display == nil {
		return nil
	}
	fd, err := syscall.Dup(int(C.XConnectionNumber(display)))
	if err != nil {
		return nil
	}
	syscall.CloseOnExec(fd)
	// xcb made the connection non-blocking, so os.NewFile puts the
	// duplicate in the poller (O_NONBLOCK belongs to the shared file).
	conn := os.NewFile(uintptr(fd), "X11 connection")
	raw, err := conn.SyscallConn()
	if err != nil || conn.SetReadDeadline(time.Time{}) != nil { // deadlines need the poller
		conn.Close()
		return nil
	}
	return &xWait{display: display, conn: conn, raw: raw}
}

// until sets when the current or next wait ends at the latest (a time in
// the past ends it now). Any goroutine may call it.
func (x *xWait) until(t time.Time) { _ = x.conn.SetReadDeadline(t) }

// wait returns when an X event is queued or the connection is readable,
// or at the deadline set with until. Xlib may already hold events it read
// while drawing: XPending (which also flushes requests) counts them. An
// error means the poller cannot watch the connection: park in GLFW.
func (x *xWait) wait() error {
	if C.XPending(x.display) > 0 {
		return nil
	}
	first := true
	err := x.raw.Read(func(uintptr) bool {
		done := !first // called again once the poller saw it readable
		first = false
		return done
	})
	if err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
		x.conn.Close()
		return err
	}
	return nil
}
