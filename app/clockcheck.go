package app

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/beevik/ntp"
)

// DefaultTimeServer is asked when the clock check is on and no server is
// set.
const DefaultTimeServer = "pool.ntp.org"

// clockWarnAt is how far off the clock may be before the window says so:
// half of the usual 30-second period, where a code is more often than not
// the neighbouring one.
const clockWarnAt = 15 * time.Second

// ntpTimeout bounds one query to the time server, and, apart, the look-up
// of its name.
const ntpTimeout = 5 * time.Second

// While unlocked, the clock is checked again every clockRecheckEvery
// (clocks drift, and a wrong time zone or a manual change happens), and
// when the window comes to the front clockRecheckAway after the last
// check: a machine that slept ran no timers meanwhile, and its clock is
// often off for a while after waking.
const (
	clockRecheckEvery = 6 * time.Hour
	clockRecheckAway  = time.Hour
)

// measureOffset asks server how far it is ahead of now (negative: behind).
// now is the clock the codes use, so the offset corrects exactly that.
func measureOffset(server string, now func() time.Time) (time.Duration, error) {
	resp, err := ntp.QueryWithOptions(server, ntp.QueryOptions{Timeout: ntpTimeout, GetSystemTime: now, Dialer: dialNTP})
	if err != nil {
		return 0, fmt.Errorf("query time server %q: %w", server, err)
	}
	if err := resp.Validate(); err != nil {
		return 0, fmt.Errorf("time server %q: %w: %w", server, errNoUsableTime, err)
	}
	return resp.ClockOffset, nil
}

// dialNTP connects to the time server at remote (host:port). ntp's own
// dialer looks the name up with no time limit (its Timeout starts after),
// so a resolver that does not answer would hold the check for as long as
// the system's resolver settings allow; this one gives up after ntpTimeout.
func dialNTP(_, remote string) (net.Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), ntpTimeout)
	defer cancel()
	var d net.Dialer
	return d.DialContext(ctx, "udp", remote)
}

// timeServer is the server the clock check asks.
func (s Settings) timeServer() string {
	if s.TimeServer == "" {
		return DefaultTimeServer
	}
	return s.TimeServer
}

// checkClock measures the clock's offset off the UI goroutine when the
// clock check is on, else drops any offset. While unlocked it checks
// again every clockRecheckEvery, until the vault is locked or the check
// turned off.
func (u *UI) checkClock() {
	u.stopClockChecks()
	if !u.settings.ClockCheck {
		u.clockChecked("", 0, nil)
		return
	}
	// Wall time (no monotonic reading): the monotonic clock stops while
	// the machine sleeps, and sleep is what recheckClock looks for.
	u.clockAt = u.d.Now().Round(0)
	server, now, post := u.settings.timeServer(), u.d.Now, u.d.UI
	go func() {
		off, err := measureOffset(server, now)
		post(func() { u.clockChecked(server, off, err) })
	}()
	if u.s != nil {
		u.clockStop = u.d.Timers.AfterFunc(clockRecheckEvery, u.checkClock)
	}
}

// recheckClock checks the clock again if the last check is
// clockRecheckAway old (the window comes back to the front).
func (u *UI) recheckClock() {
	if u.s != nil && u.settings.ClockCheck && u.d.Now().Round(0).Sub(u.clockAt) >= clockRecheckAway {
		u.checkClock()
	}
}

// stopClockChecks cancels the next periodic check (on lock).
func (u *UI) stopClockChecks() {
	if u.clockStop != nil {
		u.clockStop()
		u.clockStop = nil
	}
}

// clockChecked applies a measured offset to the codes and shows a warning
// when it is large or the check failed.
func (u *UI) clockChecked(server string, off time.Duration, err error) {
	if !u.settings.ClockCheck {
		off, err, server = 0, nil, ""
	}
	if err == nil {
		u.offset = off
	}
	if u.s != nil {
		showClockNote(u.s.main.clockNote, server, off, u.offset, err)
		u.s.main.codes.tick()
	}
}

// codeNow is the clock the codes follow: the system clock corrected by
// the last clock check.
func (u *UI) codeNow() time.Time { return u.d.Now().Add(u.offset) }

// showClockNote says what a check found: off is what it measured, kept
// the correction still applied after a failed check (from an earlier one).
// Each check shows the note again, even one dismissed after the last.
func showClockNote(b *clockBanner, server string, off, kept time.Duration, err error) {
	switch {
	case err != nil && kept != 0:
		b.say(clockFailure(server, err) + ". Codes stay corrected by the last check (" + offsetText(kept) + ").")
	case err != nil:
		b.say(clockFailure(server, err) + ". Codes follow this computer's clock.")
	case off >= clockWarnAt || off <= -clockWarnAt:
		b.say(fmt.Sprintf("This computer's clock is %s %s (compared with %s): codes are corrected for it. Set the system clock to fix it for good.",
			offsetText(off), map[bool]string{true: "slow", false: "fast"}[off > 0], server))
	default:
		b.Hide()
	}
}

// offsetText is the size of an offset in whole seconds.
func offsetText(off time.Duration) string {
	return fmt.Sprintf("%d s", int(off.Abs().Round(time.Second)/time.Second))
}
