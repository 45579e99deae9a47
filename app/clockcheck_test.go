package app

import (
	"encoding/binary"
	"net"
	"testing"
	"time"
)

// ntpResponder answers NTP queries on loopback with the time at, and
// returns its address.
func ntpResponder(t *testing.T, at time.Time) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 512)
		for {
			n, addr, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			if n >= 48 {
				pc.WriteTo(ntpReply(buf[:48], at), addr)
			}
		}
	}()
	return pc.LocalAddr().String()
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

func TestClockCheckFailureIsShown(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := pc.LocalAddr().String()
	pc.Close() // nothing listens there now: the query is refused at once
	h := newHarness(t)
	s := DefaultSettings()
	s.ClockCheck, s.TimeServer = true, closed
	if err := h.settings.Save(s); err != nil {
		t.Fatal(err)
	}
	h.makeVault(githubURI)
	h.open()
	h.unlock(testPassword)
	h.waitFor("Could not check the clock")
	if want := groupCode(expected(t, githubURI, t0)); h.row("GitHub").code.Text != want {
		t.Errorf("code %q, want %q", h.row("GitHub").code.Text, want)
	}
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
