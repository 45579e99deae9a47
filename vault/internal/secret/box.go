// Package secret keeps an unlocked vault's secrets sealed in memory.
//
// Each vault has a Box: a 32-byte key in a memguard LockedBuffer (mlocked,
// guarded, excluded from core dumps) and one secretbox ciphertext per secret
// in the ordinary heap. A secret is decrypted only into locked memory, only
// for as long as a caller needs it (to compute one code, to write one
// file). Wipe destroys the key and the ciphertexts, so locking a vault makes
// every secret it held unrecoverable, without touching other vaults.
//
// memguard's own Enclave does the same with one process-wide key that only
// memguard.Purge can wipe, and Purge also destroys every LockedBuffer of the
// process, including other vaults'. A per-vault key is the small difference
// this package adds.
package secret

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"

	"github.com/awnumar/memguard"
	"golang.org/x/crypto/nacl/secretbox"
)

// ErrWiped is returned by Open after Wipe: the vault was locked.
var ErrWiped = errors.New("secrets were wiped (vault locked)")

// Handle names one sealed secret inside its Box.
type Handle int

const (
	nonceSize = 24
	lenSize   = 4 // the plaintext's length, sealed with it
)

// paddedLen is the size of the sealed message for n bytes of plaintext.
//
// Why pad: secretbox XORs the first 32 bytes itself and hands the rest to
// Salsa20, whose amd64 assembly copies a final partial 64-byte block onto
// the goroutine's stack, XORs it there and copies it out. Opening a secret
// would leave its last bytes in ordinary (stack) memory; a core-dump test
// found recovery codes that way. With the message padded to 32 + 64k
// bytes there is never a partial block.
func paddedLen(n int) int {
	m := n + lenSize
	if m <= 32 {
		return 32
	}
	return 32 + (m-32+63)/64*64
}

// Box holds one vault's sealed secrets. It is safe for concurrent use.
type Box struct {
	mu     sync.Mutex
	key    *memguard.LockedBuffer
	sealed [][]byte
	// scratch and pad are locked memory reused for plaintexts that live
	// only for one call: a fresh LockedBuffer costs several system calls
	// (mmap, mlock, mprotect, munmap), which dominated unlocking and saving
	// large vaults. scratch holds what callers see, pad the padded
	// messages secretbox seals and opens.
	scratch *memguard.LockedBuffer
	pad     *memguard.LockedBuffer
}

// NewBox makes an empty Box with a fresh random key.
func NewBox() *Box {
	return &Box{key: memguard.NewBufferRandom(32)}
}

// Seal stores plain (which it does not keep or wipe: the caller owns it,
// usually locked memory it destroys next) and returns its handle.
func (b *Box) Seal(plain []byte) (Handle, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.appendLocked(plain)
}

func (b *Box) appendLocked(plain []byte) (Handle, error) {
	ct, err := b.sealLocked(plain)
	if err != nil {
		return 0, err
	}
	b.sealed = append(b.sealed, ct)
	return Handle(len(b.sealed) - 1), nil
}

// Replace stores plain under an existing handle.
func (b *Box) Replace(h Handle, plain []byte) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.check(h); err != nil {
		return err
	}
	ct, err := b.sealLocked(plain)
	if err != nil {
		return err
	}
	wipeBytes(b.sealed[h])
	b.sealed[h] = ct
	return nil
}

// sealLocked pads plain in locked memory and seals it.
func (b *Box) sealLocked(plain []byte) ([]byte, error) {
	if !b.key.IsAlive() {
		return nil, ErrWiped
	}
	var nonce [nonceSize]byte
	if _, err := rand.Read(nonce[:]); err != nil {
		return nil, fmt.Errorf("seal secret: %w", err)
	}
	msg := grow(&b.pad, paddedLen(len(plain)))
	defer clear(msg)
	binary.LittleEndian.PutUint32(msg, uint32(len(plain)))
	Copy(msg[lenSize:], plain)
	return secretbox.Seal(nonce[:], msg, &nonce, b.key.ByteArray32()), nil
}

// openLocked decrypts secret h into the pad area and returns the
// plaintext inside it (valid until the next seal or open).
func (b *Box) openLocked(h Handle) ([]byte, error) {
	if err := b.check(h); err != nil {
		return nil, err
	}
	ct := b.sealed[h]
	msg := grow(&b.pad, len(ct)-nonceSize-secretbox.Overhead)
	var nonce [nonceSize]byte
	copy(nonce[:], ct[:nonceSize])
	if _, ok := secretbox.Open(msg[:0], ct[nonceSize:], &nonce, b.key.ByteArray32()); !ok {
		clear(msg)
		return nil, fmt.Errorf("open secret %d: authentication failed (memory corrupted)", h)
	}
	n := int(binary.LittleEndian.Uint32(msg))
	if n > len(msg)-lenSize {
		clear(msg)
		return nil, fmt.Errorf("open secret %d: bad length", h)
	}
	return msg[lenSize : lenSize+n : lenSize+n], nil
}

// Open decrypts the secret h into a new LockedBuffer, which the caller must
// Destroy as soon as it is done with it. An empty secret gives a buffer of
// size 0.
func (b *Box) Open(h Handle) (*memguard.LockedBuffer, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	plain, err := b.openLocked(h)
	if err != nil {
		return nil, err
	}
	defer b.clearPad()
	buf := NewBuffer(len(plain))
	Copy(buf.Bytes(), plain)
	return buf, nil
}

// Drop wipes and forgets the secret h (its handle is not reused).
func (b *Box) Drop(h Handle) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if h >= 0 && int(h) < len(b.sealed) {
		wipeBytes(b.sealed[h])
		b.sealed[h] = nil
	}
}

// With decrypts secret h into locked scratch memory, calls fn with it and
// wipes it afterwards. fn must not keep the slice, nor call the Box.
func (b *Box) With(h Handle, fn func(plain []byte) error) error {
	return b.WithWork(h, 0, func(plain, _ []byte) error { return fn(plain) })
}

// WithWork is With that also lends fn work bytes of locked scratch (for
// computations over the secret, such as an HMAC's padded key).
func (b *Box) WithWork(h Handle, work int, fn func(plain, work []byte) error) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	plain, err := b.openLocked(h)
	if err != nil {
		return err
	}
	defer b.clearPad()
	w := grow(&b.scratch, work)
	defer clear(w)
	return fn(plain, w)
}

// Rewrite replaces secret h by a new plaintext computed from the old one
// entirely in locked scratch: fn gets the old plaintext and dst (room for
// len(old)+extra bytes), writes the new plaintext into dst and returns its
// length, or an error to leave h as it was. fn must not call the Box.
func (b *Box) Rewrite(h Handle, extra int, fn func(old, dst []byte) (int, error)) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	old, err := b.openLocked(h)
	if err != nil {
		return err
	}
	defer b.clearPad()
	dst := grow(&b.scratch, len(old)+extra)
	defer clear(dst)
	m, err := fn(old, dst)
	if err != nil {
		return err
	}
	sealed, err := b.sealLocked(dst[:m])
	if err != nil {
		return err
	}
	wipeBytes(b.sealed[h])
	b.sealed[h] = sealed
	return nil
}

// Derive seals a new secret computed from secret h entirely in locked
// scratch: fn gets h's plaintext and work, 2*len(plain) bytes (room for a
// rewritten copy of plain and for what is decoded from it), and returns
// how many leading bytes of work to seal as a new secret, or 0 to seal
// nothing (then ok is false). Both are wiped afterwards; fn must not keep
// them, nor call the Box.
func (b *Box) Derive(h Handle, fn func(plain, work []byte) (int, error)) (d Handle, ok bool, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	plain, err := b.openLocked(h)
	if err != nil {
		return 0, false, err
	}
	defer b.clearPad()
	work := grow(&b.scratch, 2*len(plain))
	defer clear(work)
	n, err := fn(plain, work)
	if err != nil || n == 0 {
		return 0, false, err
	}
	// Sealing reuses the pad, where plain is: fn is done with it.
	d, err = b.appendLocked(work[:n])
	return d, err == nil, err
}

// SealWith seals n bytes that fill writes into locked scratch memory, so a
// plaintext can be produced (decrypted, decoded) straight into locked
// memory without a buffer of its own. fill must not call the Box.
func (b *Box) SealWith(n int, fill func(dst []byte)) (Handle, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.key.IsAlive() {
		return 0, ErrWiped
	}
	dst := grow(&b.scratch, n)
	defer clear(dst)
	fill(dst)
	return b.appendLocked(dst)
}

// grow returns n bytes of the locked buffer *buf, reallocating it (by
// whole pages) when it is too small.
func grow(buf **memguard.LockedBuffer, n int) []byte {
	if *buf == nil || (*buf).Size() < n {
		if *buf != nil {
			(*buf).Destroy()
		}
		*buf = NewBuffer(max(4096, (n+4095)&^4095))
	}
	return (*buf).Bytes()[:n]
}

// Len reports how many secrets the box holds.
func (b *Box) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.sealed)
}

func (b *Box) check(h Handle) error {
	if !b.key.IsAlive() {
		return ErrWiped
	}
	if h < 0 || int(h) >= len(b.sealed) || b.sealed[h] == nil {
		return fmt.Errorf("no secret with handle %d", h)
	}
	return nil
}

// Wipe destroys the key and overwrites every ciphertext. Afterwards Open
// and Seal return ErrWiped. Wipe is idempotent.
func (b *Box) Wipe() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.key.Destroy()
	for _, buf := range []*memguard.LockedBuffer{b.scratch, b.pad} {
		if buf != nil {
			buf.Destroy()
		}
	}
	for _, ct := range b.sealed {
		wipeBytes(ct)
	}
	b.sealed = nil
}

// Wiped reports whether Wipe was called.
func (b *Box) Wiped() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return !b.key.IsAlive()
}

// String keeps a Box out of logs.
func (b *Box) String() string { return "secret.Box(redacted)" }

func wipeBytes(p []byte) {
	for i := range p {
		p[i] = 0
	}
}

// Copy copies a secret from src to dst one byte at a time and returns how
// many bytes it copied. Why not copy: the runtime's memmove carries 17-256
// bytes through SSE registers and leaves them there; when a signal then
// arrives (Go's preemption signal, say) the kernel saves those registers
// in the signal frame on a Go-heap stack, where they outlive the call,
// and a core dump also records them. vault/otp's core-dump test found
// whole 32- and 64-byte keys that way.
func Copy(dst, src []byte) int {
	n := min(len(dst), len(src))
	for i := range n {
		dst[i] = src[i]
	}
	return n
}

// Wipe overwrites p with zeros; for secrets that had to pass through
// ordinary memory.
func Wipe(p []byte) { wipeBytes(p) }

// clearPad wipes the pad area as it is now (it may have been reallocated
// since the plaintext was opened into it).
func (b *Box) clearPad() {
	if b.pad != nil && b.pad.IsAlive() {
		clear(b.pad.Bytes())
	}
}
