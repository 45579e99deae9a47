package softkey

// CTAPHID framing tested by speaking raw 64-byte reports to the server's
// socket: the parts libfido2 never exercises (PING, WINK, errors).

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// hidClient is a raw CTAPHID client on one open of the key.
type hidClient struct {
	t    *testing.T
	conn *net.UnixConn
}

// plugRaw starts a server for a key configured by cfg and opens it.
func plugRaw(t *testing.T, cfg Config) (*Server, *hidClient) {
	t.Helper()
	dir, err := os.MkdirTemp("", "tfk") // socket paths are limited to 108 bytes
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	srv, err := Listen(filepath.Join(dir, "key"), New(cfg))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv, openRaw(t, srv)
}

func openRaw(t *testing.T, srv *Server) *hidClient {
	t.Helper()
	conn, err := net.DialUnix("unixpacket", nil, &net.UnixAddr{Name: srv.Path(), Net: "unixpacket"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	// A hang guard, not a wait: every answer here is immediate.
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	return &hidClient{t: t, conn: conn}
}

// report writes one 64-byte report: cid, then b, zero-padded.
func (h *hidClient) report(cid uint32, b ...byte) {
	h.t.Helper()
	p := make([]byte, reportSize)
	binary.BigEndian.PutUint32(p, cid)
	copy(p[4:], b)
	if _, err := h.conn.Write(p); err != nil {
		h.t.Fatal(err)
	}
}

// initFrame is the payload of an initialization report after the CID.
func initFrame(cmd byte, size int, data []byte) []byte {
	return append([]byte{cmd, byte(size >> 8), byte(size)}, data...)
}

// send writes a message as an initialization report and as many
// continuation reports (seq 0, 1, …) as it needs.
func (h *hidClient) send(cid uint32, cmd byte, data []byte) {
	h.t.Helper()
	n := min(len(data), reportSize-7)
	h.report(cid, initFrame(cmd, len(data), data[:n])...)
	for seq := byte(0); n < len(data); seq++ {
		m := min(len(data)-n, reportSize-5)
		h.report(cid, append([]byte{seq}, data[n:n+m]...)...)
		n += m
	}
}

// hidMessage is a response reassembled from its reports.
type hidMessage struct {
	cid  uint32
	cmd  byte
	data []byte
	// reports is how many reports carried it.
	reports int
}

// receive reads one message, checking that its continuation reports are
// on the same channel and numbered 0, 1, ….
func (h *hidClient) receive() hidMessage {
	h.t.Helper()
	p := h.read()
	m := hidMessage{cid: binary.BigEndian.Uint32(p), cmd: p[4], reports: 1}
	if m.cmd&0x80 == 0 {
		h.t.Fatalf("expected an initialization report, got % x", p[:8])
	}
	size := int(binary.BigEndian.Uint16(p[5:]))
	m.data = append(m.data, p[7:min(7+size, reportSize)]...)
	for seq := byte(0); len(m.data) < size; seq++ {
		p = h.read()
		if cid := binary.BigEndian.Uint32(p); cid != m.cid || p[4] != seq {
			h.t.Fatalf("continuation %d: cid %#x seq %d, want cid %#x", seq, cid, p[4], m.cid)
		}
		m.data = append(m.data, p[5:min(5+size-len(m.data), reportSize)]...)
		m.reports++
	}
	return m
}

func (h *hidClient) read() []byte {
	h.t.Helper()
	p := make([]byte, 2*reportSize)
	n, err := h.conn.Read(p)
	if err != nil {
		h.t.Fatal(err)
	}
	if n != reportSize {
		h.t.Fatalf("report of %d bytes", n)
	}
	return p[:n]
}

// allocate asks for a channel with INIT on the broadcast channel.
func (h *hidClient) allocate() uint32 {
	h.t.Helper()
	nonce := make([]byte, 8)
	rand.Read(nonce)
	h.send(broadcastCID, hidInit, nonce)
	m := h.receive()
	if m.cid != broadcastCID || m.cmd != hidInit || len(m.data) != 17 || !bytes.Equal(m.data[:8], nonce) {
		h.t.Fatalf("INIT answered %#x %#x % x", m.cid, m.cmd, m.data)
	}
	cid := binary.BigEndian.Uint32(m.data[8:])
	if cid == 0 || cid == broadcastCID {
		h.t.Fatalf("allocated reserved channel %#x", cid)
	}
	if version, caps := m.data[12], m.data[16]; version != 2 || caps != capabilities {
		h.t.Fatalf("protocol version %d, capabilities %#x", version, caps)
	}
	return cid
}

// expectError reads a message and checks it is CTAPHID_ERROR code on cid.
func (h *hidClient) expectError(cid uint32, code byte) {
	h.t.Helper()
	m := h.receive()
	if m.cid != cid || m.cmd != hidError || !bytes.Equal(m.data, []byte{code}) {
		h.t.Fatalf("got cid %#x cmd %#x % x, want CTAPHID_ERROR %#x on %#x", m.cid, m.cmd, m.data, code, cid)
	}
}

// ping checks that a PING of data on cid is echoed, and returns how many
// reports the answer took.
func (h *hidClient) ping(cid uint32, data []byte) int {
	h.t.Helper()
	h.send(cid, hidPing, data)
	m := h.receive()
	if m.cid != cid || m.cmd != hidPing || !bytes.Equal(m.data, data) {
		h.t.Fatalf("PING of %d bytes answered cid %#x cmd %#x with %d bytes", len(data), m.cid, m.cmd, len(m.data))
	}
	return m.reports
}

func TestHIDInitAllocatesChannels(t *testing.T) {
	srv, h := plugRaw(t, Config{})
	a, b := h.allocate(), openRaw(t, srv).allocate()
	if a == b {
		t.Fatalf("two opens got channel %#x", a)
	}
	// Channels belong to the device: one allocated by another open works.
	h.ping(b, []byte("other open's channel"))
}

func TestHIDPing(t *testing.T) {
	_, h := plugRaw(t, Config{})
	cid := h.allocate()
	if n := h.ping(cid, []byte("hello")); n != 1 {
		t.Errorf("short PING answered in %d reports", n)
	}
	if n := h.ping(cid, nil); n != 1 {
		t.Errorf("empty PING answered in %d reports", n)
	}
	// 57 bytes in the initialization report, 59 in each continuation.
	for size, reports := range map[int]int{57: 1, 58: 2, 57 + 59: 2, 57 + 59 + 1: 3, maxMsgSize: 21} {
		data := make([]byte, size)
		rand.Read(data)
		if n := h.ping(cid, data); n != reports {
			t.Errorf("PING of %d bytes answered in %d reports, want %d", size, n, reports)
		}
	}
}

func TestHIDWink(t *testing.T) {
	srv, h := plugRaw(t, Config{})
	cid := h.allocate()
	for want := 1; want <= 2; want++ {
		h.send(cid, hidWink, nil)
		if m := h.receive(); m.cid != cid || m.cmd != hidWink || len(m.data) != 0 {
			t.Fatalf("WINK answered cid %#x cmd %#x % x", m.cid, m.cmd, m.data)
		}
		if got := srv.Winks(); got != want {
			t.Fatalf("Winks() = %d after %d winks", got, want)
		}
	}
}

func TestHIDErrors(t *testing.T) {
	_, h := plugRaw(t, Config{})
	cid := h.allocate()
	for _, c := range []struct {
		name string
		cid  uint32
		send func(cid uint32)
		code byte
	}{
		{"channel 0", 0, func(cid uint32) { h.send(cid, hidPing, []byte("x")) }, hidErrInvalidChannel},
		{"broadcast channel", broadcastCID, func(cid uint32) { h.send(cid, hidPing, []byte("x")) }, hidErrInvalidChannel},
		{"unallocated channel", cid + 1000, func(cid uint32) { h.send(cid, hidWink, nil) }, hidErrInvalidChannel},
		{"CTAP1 message", cid, func(cid uint32) { h.send(cid, hidMsg, []byte{0, 1, 0, 0}) }, hidErrInvalidCmd},
		{"message too long", cid, func(cid uint32) { h.report(cid, initFrame(hidPing, maxMsgSize+1, nil)...) }, hidErrInvalidLen},
		{"continuation out of order", cid, func(cid uint32) {
			h.report(cid, initFrame(hidPing, 100, bytes.Repeat([]byte{1}, 57))...)
			h.report(cid, append([]byte{1}, bytes.Repeat([]byte{2}, 43)...)...) // seq 1 before seq 0
		}, hidErrInvalidSeq},
		{"continuation repeated", cid, func(cid uint32) {
			h.report(cid, initFrame(hidPing, 200, bytes.Repeat([]byte{1}, 57))...)
			h.report(cid, append([]byte{0}, bytes.Repeat([]byte{2}, 59)...)...)
			h.report(cid, append([]byte{0}, bytes.Repeat([]byte{3}, 59)...)...)
		}, hidErrInvalidSeq},
	} {
		c.send(c.cid)
		h.expectError(c.cid, c.code)
		// The channel still works; the broken message left nothing behind.
		h.ping(cid, []byte(c.name))
	}
}

// TestHIDBusy: while a CBOR request waits for a touch, other requests on
// the open get CTAPHID_ERROR ERR_CHANNEL_BUSY; the answer comes after
// the touch.
func TestHIDBusy(t *testing.T) {
	g := NewGate()
	_, h := plugRaw(t, Config{Presence: g.Presence, Keepalive: NoKeepalive})
	cid, other := h.allocate(), h.allocate()
	req := append([]byte{cmdMakeCredential}, marshal(makeCredRequest{
		ClientDataHash: make([]byte, 32),
		RP:             &rpEntity{ID: "twofold.local"},
		User:           &userEntity{ID: []byte{1}},
		Params:         []credParam{{Alg: algES256, Type: "public-key"}},
	})...)
	h.send(cid, hidCBOR, req)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second) // a hang guard
	defer cancel()
	touch, err := g.Next(ctx)
	if err != nil {
		t.Fatal("key never asked for a touch")
	}
	if m := h.receive(); m.cid != cid || m.cmd != hidKeepalive || !bytes.Equal(m.data, []byte{keepaliveUPNeeded}) {
		t.Fatalf("got cid %#x cmd %#x % x, want a keepalive", m.cid, m.cmd, m.data)
	}
	h.send(cid, hidPing, []byte("same channel"))
	h.expectError(cid, hidErrChannelBusy)
	h.send(other, hidPing, []byte("other channel"))
	h.expectError(other, hidErrChannelBusy)
	touch.Grant()
	if m := h.receive(); m.cid != cid || m.cmd != hidCBOR || len(m.data) < 2 || m.data[0] != byte(StatusOK) {
		t.Fatalf("makeCredential answered cid %#x cmd %#x % x", m.cid, m.cmd, m.data[:min(len(m.data), 8)])
	}
	h.ping(other, []byte("not busy any more"))
}
