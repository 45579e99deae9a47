package app

import (
	"github.com/godbus/dbus/v5"
)

// The desktop tells the world its session locked in two ways: logind's
// Session.Lock signal on the system bus (loginctl lock-session, most
// lock screens), and the screensaver's ActiveChanged(true) on the session
// bus (freedesktop, GNOME and KDE names). Twofold locks on either.
var screensaverInterfaces = []string{
	"org.freedesktop.ScreenSaver",
	"org.gnome.ScreenSaver",
	"org.kde.screensaver",
}

const logindSession = "org.freedesktop.login1.Session"

// WatchSessionLock calls lock (from its own goroutine: lock must hand
// widget work to the UI goroutine) whenever the desktop session locks.
// Either bus may be nil (not reachable): it is then not watched. The
// returned function stops watching; it does not close the connections.
func WatchSessionLock(session, system *dbus.Conn, lock func()) (stop func()) {
	signals := make(chan *dbus.Signal, 8)
	var conns []*dbus.Conn
	if session != nil {
		for _, iface := range screensaverInterfaces {
			if session.AddMatchSignal(dbus.WithMatchInterface(iface), dbus.WithMatchMember("ActiveChanged")) == nil {
				conns = append(conns, session)
			}
		}
	}
	if system != nil && system.AddMatchSignal(dbus.WithMatchInterface(logindSession), dbus.WithMatchMember("Lock")) == nil {
		conns = append(conns, system)
	}
	for _, c := range uniqueConns(conns) {
		c.Signal(signals)
	}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-signals:
				if isSessionLock(s) {
					lock()
				}
			case <-done:
				return
			}
		}
	}()
	return func() {
		for _, c := range uniqueConns(conns) {
			c.RemoveSignal(signals)
		}
		close(done)
	}
}

// isSessionLock reports whether a signal says the session locked.
func isSessionLock(s *dbus.Signal) bool {
	if s == nil {
		return false
	}
	if s.Name == logindSession+".Lock" {
		return true
	}
	for _, iface := range screensaverInterfaces {
		if s.Name == iface+".ActiveChanged" && len(s.Body) == 1 {
			active, ok := s.Body[0].(bool)
			return ok && active
		}
	}
	return false
}

func uniqueConns(conns []*dbus.Conn) []*dbus.Conn {
	var out []*dbus.Conn
	for _, c := range conns {
		seen := false
		for _, o := range out {
			seen = seen || o == c
		}
		if !seen {
			out = append(out, c)
		}
	}
	return out
}
