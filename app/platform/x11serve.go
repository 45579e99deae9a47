package platform

import (
	"encoding/binary"

	"github.com/jezek/xgb/xproto"
)

// passwordHint is the value of x-kde-passwordManagerHint: clipboard
// managers (KDE's Klipper, and others following KeePassXC) keep no
// history of a selection that offers it.
const passwordHint = "secret"

// serveTargets are the types we offer, in this order, besides TARGETS.
var serveTargets = []string{"UTF8_STRING", "text/plain;charset=utf-8", "STRING", "TEXT", "text/plain", "x-kde-passwordManagerHint"}

// serve answers a SelectionRequest on the event loop: it writes the asked
// type to the requestor's property and tells it so, or tells it
// "refused" (property None).
func (cb *X11Clipboard) serve(e xproto.SelectionRequestEvent) {
	prop := e.Property
	if prop == xproto.AtomNone { // an obsolete requestor (ICCCM 2.2)
		prop = e.Target
	}
	if !cb.answer(e, prop) {
		prop = xproto.AtomNone
	}
	notify := xproto.SelectionNotifyEvent{Time: e.Time, Requestor: e.Requestor,
		Selection: e.Selection, Target: e.Target, Property: prop}
	xproto.SendEvent(cb.c.x, false, e.Requestor, xproto.EventMaskNoEvent, string(notify.Bytes()))
}

// answer writes the property; false refuses the request.
func (cb *X11Clipboard) answer(e xproto.SelectionRequestEvent, prop xproto.Atom) bool {
	c := cb.c
	cb.mu.Lock()
	defer cb.mu.Unlock()
	if cb.text == nil || e.Owner != c.win || e.Selection != c.atom["CLIPBOARD"] {
		return false
	}
	if e.Time != xproto.TimeCurrentTime && e.Time < cb.since {
		return false // asked before we took the clipboard
	}
	switch name := cb.targetName(e.Target); name {
	case "TARGETS":
		c.put(e.Requestor, prop, xproto.AtomAtom, 32, cb.targetList())
	case "x-kde-passwordManagerHint":
		c.put(e.Requestor, prop, e.Target, 8, []byte(passwordHint))
	case "UTF8_STRING", "TEXT":
		return c.putText(e.Requestor, prop, c.atom["UTF8_STRING"], cb.text.Bytes())
	case "STRING", "text/plain;charset=utf-8", "text/plain": // STRING gets UTF-8 too, as xclip gives it
		return c.putText(e.Requestor, prop, e.Target, cb.text.Bytes())
	default:
		return false
	}
	return true
}

// targetName maps a requested atom to one of ours ("" if none).
func (cb *X11Clipboard) targetName(a xproto.Atom) string {
	for _, name := range append([]string{"TARGETS"}, serveTargets...) {
		if cb.c.atom[name] == a {
			return name
		}
	}
	return ""
}

func (cb *X11Clipboard) targetList() []byte {
	names := append([]string{"TARGETS"}, serveTargets...)
	list := make([]byte, 0, 4*len(names))
	for _, name := range names {
		list = binary.LittleEndian.AppendUint32(list, uint32(cb.c.atom[name]))
	}
	return list
}

// putText writes text unless it is larger than one X request may carry
// (we do not send INCR: codes and passwords are small).
func (c *xconn) putText(w xproto.Window, prop, typ xproto.Atom, text []byte) bool {
	if len(text) > int(c.setup.MaximumRequestLength)*4-64 {
		return false
	}
	c.put(w, prop, typ, 8, text)
	return true
}

// put replaces a property of another client's window. Data is copied
// into the request, so a locked buffer may be passed.
func (c *xconn) put(w xproto.Window, prop, typ xproto.Atom, format byte, data []byte) {
	n := uint32(len(data)) / uint32(format/8)
	xproto.ChangeProperty(c.x, xproto.PropModeReplace, w, prop, typ, format, n, data)
}
