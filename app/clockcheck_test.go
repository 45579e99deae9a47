package app

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"github.com/beevik/ntp"
)

// ntpServer answers NTP queries on loopback with the time it is set to.
type ntpServer struct {
	addr    string
	pc      net.PacketConn
	mu      sync.Mutex
	at      time.Time
	queries int
}

func newNTPServer(t *testing.T, at time.Time) *ntpServer {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	s := &ntpServer{addr: pc.LocalAddr().String(), pc: pc, at: at}
	go func() {
		buf := make([]byte, 512)
		for {
			n, addr, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			if n >= 48 {
				s.mu.Lock()
				s.queries++
				at := s.at
				s.mu.Unlock()
				pc.WriteTo(ntpReply(buf[:48], at), addr)
			}
		}
	}()
	return s
}

// set changes the time the server says it is.
func (s *ntpServer) set(at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.at = at
}

// count is the number of queries answered.
func (s *ntpServer) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.queries
}

// ntpResponder answers NTP queries on loopback with the time at, and
// returns its address.
func ntpResponder(t *testing.T, at time.Time) string {
	t.Helper()
	return newNTPServer(t, at).addr
}

// ntpReply is a stratum-1 server's answer to query, saying it is at.
func ntpReply(query []byte, at time.Time) []byte {
	r := make([]byte, 48)
	r[0] = query[0]&0x38 | 4 // leap 0, the client's version, mode 4 (server)
	r[1] = 1                 // stratum
	r[2] = query[2]
	r[3] = 0xec // precision 2^-20 s
	copy(r[12:16], "GPS\x00")
	putNTPTime(r[16:], at.Add(-time.Minute)) // reference
	copy(r[24:32], query[40:48])             // origin: the client's transmit time
	putNTPTime(r[32:], at)                   // receive
	putNTPTime(r[40:], at)                   // transmit
	return r
}

func putNTPTime(b []byte, t time.Time) {
	const unixToNTP = 2208988800
	binary.BigEndian.PutUint32(b, uint32(t.Unix()+unixToNTP))
	binary.BigEndian.PutUint32(b[4:], uint32((uint64(t.Nanosecond())<<32)/1e9))
}

// clockHarness opens a window with the clock check on, against a time
// server that is off from the test clock by off.
func clockHarness(t *testing.T, off time.Duration) *harness {
	t.Helper()
	h := newHarness(t)
	s := DefaultSettings()
	s.ClockCheck = true
	s.TimeServer = ntpResponder(t, t0.Add(off))
	if err := h.settings.Save(s); err != nil {
		t.Fatal(err)
	}
	h.makeVault(githubURI)
	h.open()
	h.unlock(testPassword)
	return h
}

func TestClockCheckCorrectsCodes(t *testing.T) {
	h := clockHarness(t, 40*time.Second)
	h.waitFor("This computer's clock is 40 s slow")
	// t0 is a step boundary: 40 s on, the server is in the next step.
	if want := groupCode(expected(t, githubURI, t0.Add(40*time.Second))); h.row("GitHub").code.Text != want {
		t.Errorf("code %q, want %q (the server's time)", h.row("GitHub").code.Text, want)
	}
	// Turning the check off drops the correction.
	h.ui.s.main.updateSettings(func(s *Settings) { s.ClockCheck = false })
	h.mustNotSee("This computer's clock")
	if want := groupCode(expected(t, githubURI, t0)); h.row("GitHub").code.Text != want {
		t.Errorf("code %q after turning the check off, want %q", h.row("GitHub").code.Text, want)
	}
}

func TestClockCheckSmallOffsetIsQuiet(t *testing.T) {
	h := clockHarness(t, -3*time.Second)
	h.pump("clock check", func() bool { return h.ui.offset != 0 })
	if h.ui.offset != -3*time.Second {
		t.Errorf("offset %v, want -3s", h.ui.offset)
	}
	h.mustNotSee("This computer's clock")
	// 3 s behind t0 is the previous step.
	if want := groupCode(expected(t, githubURI, t0.Add(-3*time.Second))); h.row("GitHub").code.Text != want {
		t.Errorf("code %q, want %q", h.row("GitHub").code.Text, want)
	}
}

func TestClockCheckFastClock(t *testing.T) {
	h := clockHarness(t, -2*time.Minute)
	h.waitFor("This computer's clock is 120 s fast")
}

// closedUDPAddr is a loopback address nothing listens on: a query there
// is refused at once.
func closedUDPAddr(t *testing.T) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := pc.LocalAddr().String()
	pc.Close()
	return addr
}

// failingClockHarness opens a window with the clock check on against
// server, which does not answer, and auto-lock off.
func failingClockHarness(t *testing.T, server string) *harness {
	t.Helper()
	h := newHarness(t)
	s := DefaultSettings()
	s.ClockCheck, s.TimeServer, s.AutoLockMinutes = true, server, 0
	if err := h.settings.Save(s); err != nil {
		t.Fatal(err)
	}
	h.makeVault(githubURI)
	h.open()
	h.unlock(testPassword)
	return h
}

// TestClockCheckFailureIsShown: a server that refuses is named in a plain
// sentence with the likely cause; the network error's text (QA: "read udp
// 192.0.2.2:36812->10.9.9.9:123: read: connection refused") is not shown.
func TestClockCheckFailureIsShown(t *testing.T) {
	closed := closedUDPAddr(t)
	h := failingClockHarness(t, closed)
	h.waitFor("Could not reach the time server " + closed + " (no network, or no time server answers there). Codes follow this computer's clock.")
	for _, raw := range []string{"read udp", "connection refused", "query time server"} {
		h.mustNotSee(raw)
	}
	if want := groupCode(expected(t, githubURI, t0)); h.row("GitHub").code.Text != want {
		t.Errorf("code %q, want %q", h.row("GitHub").code.Text, want)
	}
}

// TestClockCheckNameNotFound: a server name that does not resolve (.invalid
// never does) says so, without the resolver's address (QA: "lookup
// pool.ntp.org on 10.255.255.53:53: no such host"). The look-up is bounded
// by ntpTimeout, so this cannot hang on a resolver that does not answer.
func TestClockCheckNameNotFound(t *testing.T) {
	h := failingClockHarness(t, "time.twofold.invalid")
	h.waitFor("Could not reach the time server time.twofold.invalid (no network, or the name is not found). Codes follow this computer's clock.")
	for _, raw := range []string{"lookup", "no such host", ":53"} {
		h.mustNotSee(raw)
	}
}

// TestClockFailureWording: each kind of network failure gets its cause;
// anything else is still a plain sentence.
func TestClockFailureWording(t *testing.T) {
	const srv = "time.example.com"
	for _, c := range []struct {
		err  error
		want string
	}{
		{&net.OpError{Op: "dial", Net: "udp", Err: &net.DNSError{Err: "no such host", Name: srv, IsNotFound: true}},
			"Could not reach the time server time.example.com (no network, or the name is not found)"},
		{&net.DNSError{Err: "i/o timeout", Name: srv, IsTimeout: true},
			"Could not reach the time server time.example.com (no answer when looking up its name: no network?)"},
		{&net.OpError{Op: "read", Net: "udp", Err: os.ErrDeadlineExceeded},
			"Could not reach the time server time.example.com (no answer: no network, or a firewall blocks it)"},
		{&net.OpError{Op: "read", Net: "udp", Err: os.NewSyscallError("read", syscall.ECONNREFUSED)},
			"Could not reach the time server time.example.com (no network, or no time server answers there)"},
		{&net.OpError{Op: "dial", Net: "udp", Err: os.NewSyscallError("connect", syscall.ENETUNREACH)},
			"Could not reach the time server time.example.com (no network, or no time server answers there)"},
		{fmt.Errorf("time server: %w: %w", errNoUsableTime, ntp.ErrKissOfDeath),
			"The time server time.example.com gave no usable time"},
		{errors.New("something else"), "Could not check the clock against time.example.com"},
	} {
		if got := clockFailure(srv, fmt.Errorf("query time server %q: %w", srv, c.err)); got != c.want {
			t.Errorf("%v:\n got %q\nwant %q", c.err, got, c.want)
		}
	}
}

// TestClockNoteDismissed: Dismiss hides the clock note on every tab until
// the next check, which shows it again (QA: it could not be closed).
func TestClockNoteDismissed(t *testing.T) {
	h := failingClockHarness(t, closedUDPAddr(t))
	h.waitFor("Could not reach the time server")
	test.Tap(h.button("Dismiss"))
	h.mustNotSee("Could not reach the time server")
	for i := range h.ui.s.main.tabs.Items {
		h.ui.s.main.tabs.SelectIndex(i)
		h.mustNotSee("Could not reach the time server")
	}
	h.clock.Advance(clockRecheckEvery)
	h.waitFor("Could not reach the time server")
}

// TestClockWarningShownAfterANotice: a notice that timed out once must not
// leave later clock warnings invisible (the notice timer used to replace
// the warning label with one outside the layout).
func TestClockWarningShownAfterANotice(t *testing.T) {
	h := clockHarness(t, 40*time.Second)
	h.waitFor("This computer's clock is 40 s slow")
	h.ui.s.main.updateSettings(func(s *Settings) { s.ClockCheck = false })
	h.mustNotSee("This computer's clock")
	h.ui.s.main.say("Copied something")
	h.clock.Advance(noticeFor + time.Second)
	h.ui.s.main.updateSettings(func(s *Settings) { s.ClockCheck = true })
	h.waitFor("This computer's clock is ") // 35 s now: the local clock moved on
}

// clockServerHarness opens a window with the clock check on against srv
// and auto-lock off (the tests let hours pass).
func clockServerHarness(t *testing.T, srv *ntpServer) *harness {
	t.Helper()
	h := newHarness(t)
	s := DefaultSettings()
	s.ClockCheck, s.TimeServer, s.AutoLockMinutes = true, srv.addr, 0
	if err := h.settings.Save(s); err != nil {
		t.Fatal(err)
	}
	h.makeVault(githubURI)
	h.open()
	h.unlock(testPassword)
	return h
}

func TestClockRecheckedEverySixHoursUntilLocked(t *testing.T) {
	srv := newNTPServer(t, t0.Add(40*time.Second))
	h := clockServerHarness(t, srv)
	h.waitFor("This computer's clock is 40 s slow")
	h.ui.s.main.tabs.SelectIndex(5) // no once-a-second countdown to run through

	// Six hours later the server says the clock is 2 minutes fast.
	srv.set(t0.Add(6*time.Hour - 2*time.Minute))
	h.clock.Advance(6 * time.Hour)
	h.waitFor("This computer's clock is 120 s fast")
	if n := srv.count(); n != 2 {
		t.Errorf("%d queries in 6 hours, want 2 (at unlock and 6 h later)", n)
	}
	h.ui.s.main.tabs.SelectIndex(0)
	if want := groupCode(expected(t, githubURI, h.clock.Now().Add(-2*time.Minute))); h.row("GitHub").code.Text != want {
		t.Errorf("code %q, want %q (the server's time)", h.row("GitHub").code.Text, want)
	}
	h.ui.s.main.tabs.SelectIndex(5)

	// The server goes away: the last correction stays, and the note says so.
	srv.pc.Close()
	h.clock.Advance(6 * time.Hour)
	h.waitFor("Could not reach the time server " + srv.addr + " (no network, or no time server answers there). Codes stay corrected by the last check (120 s).")
	if h.ui.offset != -2*time.Minute {
		t.Errorf("offset %v after a failed re-check, want the last one kept", h.ui.offset)
	}

	h.ui.Lock()
	if n := h.clock.pending(); n != 0 {
		t.Errorf("%d timers left running while locked", n)
	}
}

func TestClockRecheckedWhenBackAfterSleep(t *testing.T) {
	srv := newNTPServer(t, t0.Add(40*time.Second))
	h := clockServerHarness(t, srv)
	h.waitFor("This computer's clock is 40 s slow")

	// Back to the front soon after: no new query.
	h.clock.Advance(10 * time.Minute)
	h.ui.Foreground()
	// The machine sleeps two hours (no timer fires) and wakes with its
	// clock 2 minutes fast.
	h.clock.Jump(2 * time.Hour)
	srv.set(h.clock.Now().Add(-2 * time.Minute))
	h.ui.Foreground()
	h.waitFor("This computer's clock is 120 s fast")
	if n := srv.count(); n != 2 {
		t.Errorf("%d queries, want 2 (at unlock and on waking)", n)
	}
}

func TestClockNotRecheckedWhenOff(t *testing.T) {
	h := unlocked(t, githubURI)
	h.ui.s.main.updateSettings(func(s *Settings) { s.AutoLockMinutes = 0 })
	ticking := h.clock.pending()
	h.clock.Jump(2 * time.Hour)
	h.ui.Foreground()
	if h.clock.pending() != ticking {
		t.Errorf("timers: %d before, %d after coming to the front with the check off", ticking, h.clock.pending())
	}
}
