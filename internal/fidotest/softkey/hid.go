package softkey

import (
	"context"
	"encoding/binary"
	"net"
	"os"
	"sync"
	"sync/atomic"
)

// CTAPHID commands (CTAP 2.1 §11.2.9).
const (
	hidPing      = 0x81
	hidMsg       = 0x83
	hidLock      = 0x84
	hidInit      = 0x86
	hidWink      = 0x88
	hidCBOR      = 0x90
	hidCancel    = 0x91
	hidKeepalive = 0xBB
	hidError     = 0xBF
)

// CTAPHID error codes.
const (
	hidErrInvalidCmd     = 0x01
	hidErrInvalidLen     = 0x03
	hidErrInvalidSeq     = 0x04
	hidErrChannelBusy    = 0x06
	hidErrInvalidChannel = 0x0B
)

const (
	reportSize   = 64
	broadcastCID = 0xffffffff
	// capabilities: WINK | CBOR | NMSG (no U2F/CTAP1 messages).
	capabilities = 0x01 | 0x04 | 0x08
)

// Server exposes an Authenticator as a USB HID key would, one 64-byte HID
// report per SOCK_SEQPACKET packet. Closing it is unplugging the key.
type Server struct {
	a    *Authenticator
	ln   *net.UnixListener
	path string

	mu     sync.Mutex
	conns  map[*hidConn]struct{}
	closed bool
	wg     sync.WaitGroup
	cid    atomic.Uint32
	winks  atomic.Int32
}

// Listen plugs the key in at path (a new socket file; at most 107 bytes).
func Listen(path string, a *Authenticator) (*Server, error) {
	ln, err := net.ListenUnix("unixpacket", &net.UnixAddr{Name: path, Net: "unixpacket"})
	if err != nil {
		return nil, err
	}
	s := &Server{a: a, ln: ln, path: path, conns: map[*hidConn]struct{}{}}
	s.wg.Add(1)
	go s.accept()
	return s, nil
}

// Path is the socket file libfido2 opens.
func (s *Server) Path() string { return s.path }

// Winks counts CTAPHID_WINK requests.
func (s *Server) Winks() int { return int(s.winks.Load()) }

// Close unplugs the key: the socket file goes away and every open
// connection is closed, in the middle of a transaction if one is running.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	err := s.ln.Close()
	for c := range s.conns {
		c.close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	os.Remove(s.path)
	return err
}

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		nc, err := s.ln.AcceptUnix()
		if err != nil {
			return
		}
		c := &hidConn{s: s, nc: nc}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			nc.Close()
			return
		}
		s.conns[c] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go c.serve()
	}
}

func (s *Server) newCID() uint32 {
	return s.cid.Add(1) // channel IDs start at 1; 0 and 0xffffffff are reserved
}

// hidConn is one open of the device node by the platform.
type hidConn struct {
	s  *Server
	nc *net.UnixConn

	wmu sync.Mutex // serializes writes: responses and keepalives

	msg    *message // being assembled
	busy   atomic.Bool
	cancel atomic.Pointer[context.CancelFunc]
	busyID atomic.Uint32
	done   sync.WaitGroup
}

type message struct {
	cid  uint32
	cmd  byte
	size int
	data []byte
	seq  byte
}

func (c *hidConn) close() { c.nc.Close() }

func (c *hidConn) serve() {
	defer c.s.wg.Done()
	defer func() {
		c.cancelRunning()
		c.done.Wait()
		c.nc.Close()
		c.s.mu.Lock()
		delete(c.s.conns, c)
		c.s.mu.Unlock()
	}()
	buf := make([]byte, 2*reportSize)
	for {
		n, err := c.nc.Read(buf)
		if err != nil || n == 0 {
			return
		}
		pkt := buf[:n]
		if n == reportSize+1 { // libfido2 writes the report ID (0) first
			pkt = pkt[1:]
		}
		if len(pkt) != reportSize {
			continue
		}
		c.packet(pkt)
	}
}

func (c *hidConn) cancelRunning() {
	if f := c.cancel.Load(); f != nil {
		(*f)()
	}
}

// packet handles one incoming report.
func (c *hidConn) packet(p []byte) {
	cid := binary.BigEndian.Uint32(p)
	if p[4]&0x80 == 0 {
		c.continuation(cid, p[4], p[5:])
		return
	}
	cmd, size := p[4], int(binary.BigEndian.Uint16(p[5:]))
	switch {
	case cmd == hidInit:
		c.init(cid, p[7:7+8])
		return
	case cmd == hidCancel:
		if c.busy.Load() && c.busyID.Load() == cid {
			c.cancelRunning()
		}
		return
	case cid == 0 || cid == broadcastCID || cid > c.s.cid.Load():
		// Only INIT may use the reserved channels; other channels must
		// have been allocated by an INIT (on any open: as on USB, the
		// channels belong to the device).
		c.sendError(cid, hidErrInvalidChannel)
		return
	case c.busy.Load():
		c.sendError(cid, hidErrChannelBusy)
		return
	case size > maxMsgSize:
		c.sendError(cid, hidErrInvalidLen)
		return
	}
	c.msg = &message{cid: cid, cmd: cmd, size: size}
	c.msg.data = append(c.msg.data, p[7:min(7+size, reportSize)]...)
	c.maybeDispatch()
}

func (c *hidConn) continuation(cid uint32, seq byte, data []byte) {
	m := c.msg
	if m == nil || m.cid != cid {
		return // spurious continuation: ignored, as keys do
	}
	if seq != m.seq {
		c.msg = nil
		c.sendError(cid, hidErrInvalidSeq)
		return
	}
	m.seq++
	m.data = append(m.data, data[:min(len(data), m.size-len(m.data))]...)
	c.maybeDispatch()
}

func (c *hidConn) maybeDispatch() {
	m := c.msg
	if len(m.data) < m.size {
		return
	}
	c.msg = nil
	switch m.cmd {
	case hidPing:
		c.send(m.cid, hidPing, m.data)
	case hidWink:
		c.s.winks.Add(1)
		c.send(m.cid, hidWink, nil)
	case hidCBOR:
		c.startCBOR(m)
	default: // hidMsg, hidLock: no CTAP1 here
		c.sendError(m.cid, hidErrInvalidCmd)
	}
}

func (c *hidConn) init(cid uint32, nonce []byte) {
	c.msg = nil
	newCID := cid
	if cid == broadcastCID {
		newCID = c.s.newCID()
	}
	resp := append([]byte{}, nonce...)
	resp = binary.BigEndian.AppendUint32(resp, newCID)
	resp = append(resp, 2, 1, 0, 0, capabilities) // CTAPHID v2, device 1.0.0
	c.send(cid, hidInit, resp)
}

// startCBOR runs an authenticatorCBOR request in the background so that
// CTAPHID_CANCEL can reach it while it waits for a touch.
func (c *hidConn) startCBOR(m *message) {
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel.Store(&cancel)
	c.busyID.Store(m.cid)
	c.busy.Store(true)
	c.done.Add(1)
	go func() {
		defer c.done.Done()
		defer cancel()
		resp := c.s.a.Handle(ctx, m.data, func(status byte) {
			c.send(m.cid, hidKeepalive, []byte{status})
		})
		c.busy.Store(false)
		c.send(m.cid, hidCBOR, resp)
	}()
}

func (c *hidConn) sendError(cid uint32, code byte) {
	c.send(cid, hidError, []byte{code})
}

// send fragments a response into reports.
func (c *hidConn) send(cid uint32, cmd byte, data []byte) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	p := make([]byte, reportSize)
	binary.BigEndian.PutUint32(p, cid)
	p[4] = cmd
	binary.BigEndian.PutUint16(p[5:], uint16(len(data)))
	n := copy(p[7:], data)
	if !c.write(p) {
		return
	}
	for seq := byte(0); n < len(data); seq++ {
		p = make([]byte, reportSize)
		binary.BigEndian.PutUint32(p, cid)
		p[4] = seq
		n += copy(p[5:], data[n:])
		if !c.write(p) {
			return
		}
	}
}

func (c *hidConn) write(p []byte) bool {
	_, err := c.nc.Write(p)
	return err == nil
}
