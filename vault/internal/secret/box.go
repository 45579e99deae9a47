// Package secret keeps an unlocked vault's secrets sealed in memory.
//
// Each vault has a Box: a 32-byte key in a memguard LockedBuffer (mlocked,
// guarded, excluded from core dumps) and one secretbox ciphertext per secret
// in the ordinary heap. A secret is decrypted only into another LockedBuffer,
// only for as long as a caller needs it (to compute one code, to write one
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

const nonceSize = 24

// Box holds one vault's sealed secrets. It is safe for concurrent use.
type Box struct {
	mu     sync.Mutex
	key    *memguard.LockedBuffer
	sealed [][]byte
	// scratch is locked memory reused for plaintexts that live only for
	// one call (With, SealWith): a fresh LockedBuffer costs several system
	// calls (mmap, mlock, mprotect, munmap), which dominated unlocking and
	// saving large vaults.
	scratch *memguard.LockedBuffer
}

// NewBox makes an empty Box with a fresh random key.
func NewBox() *Box {
	return &Box{key: memguard.NewBufferRandom(32)}
}

// Seal stores plain (which it does not keep or wipe: the caller owns it,
// usually a LockedBuffer it destroys next) and returns its handle.
func (b *Box) Seal(plain []byte) (Handle, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
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

func (b *Box) sealLocked(plain []byte) ([]byte, error) {
	if !b.key.IsAlive() {
		return nil, ErrWiped
	}
	var nonce [nonceSize]byte
	if _, err := rand.Read(nonce[:]); err != nil {
		return nil, fmt.Errorf("seal secret: %w", err)
	}
	return secretbox.Seal(nonce[:], plain, &nonce, b.key.ByteArray32()), nil
}

// Open decrypts the secret h into a new LockedBuffer, which the caller must
// Destroy as soon as it is done with it. An empty secret gives a buffer of
// size 0.
func (b *Box) Open(h Handle) (*memguard.LockedBuffer, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.check(h); err != nil {
		return nil, err
	}
	ct := b.sealed[h]
	var nonce [nonceSize]byte
	copy(nonce[:], ct[:nonceSize])
	n := len(ct) - nonceSize - secretbox.Overhead
	buf := NewBuffer(n)
	if _, ok := secretbox.Open(buf.Bytes()[:0], ct[nonceSize:], &nonce, b.key.ByteArray32()); !ok {
		buf.Destroy()
		return nil, fmt.Errorf("open secret %d: authentication failed (memory corrupted)", h)
	}
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

// With decrypts secret h into the box's scratch memory, calls fn with it
// and wipes it afterwards. fn must not keep the slice, nor call the Box.
func (b *Box) With(h Handle, fn func(plain []byte) error) error {
	return b.WithWork(h, 0, func(plain, _ []byte) error { return fn(plain) })
}

// WithWork is With that also lends fn work bytes of locked scratch (for
// computations over the secret, such as an HMAC's padded key).
func (b *Box) WithWork(h Handle, work int, fn func(plain, work []byte) error) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.check(h); err != nil {
		return err
	}
	ct := b.sealed[h]
	n := len(ct) - nonceSize - secretbox.Overhead
	all := b.scratchLocked(n + work)
	defer clear(all)
	dst := all[:n:n]
	var nonce [nonceSize]byte
	copy(nonce[:], ct[:nonceSize])
	if _, ok := secretbox.Open(dst[:0], ct[nonceSize:], &nonce, b.key.ByteArray32()); !ok {
		return fmt.Errorf("open secret %d: authentication failed (memory corrupted)", h)
	}
	return fn(dst, all[n:])
}

// Rewrite replaces secret h by a new plaintext computed from the old one
// entirely in locked scratch: fn gets the old plaintext and dst (room for
// len(old)+extra bytes), writes the new plaintext into dst and returns its
// length, or an error to leave h as it was. fn must not call the Box.
func (b *Box) Rewrite(h Handle, extra int, fn func(old, dst []byte) (int, error)) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.check(h); err != nil {
		return err
	}
	ct := b.sealed[h]
	n := len(ct) - nonceSize - secretbox.Overhead
	all := b.scratchLocked(2*n + extra)
	defer clear(all)
	old, dst := all[:n:n], all[n:]
	var nonce [nonceSize]byte
	copy(nonce[:], ct[:nonceSize])
	if _, ok := secretbox.Open(old[:0], ct[nonceSize:], &nonce, b.key.ByteArray32()); !ok {
		return fmt.Errorf("open secret %d: authentication failed (memory corrupted)", h)
	}
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

// SealWith seals n bytes that fill writes into the box's scratch memory,
// so a plaintext can be produced (decrypted, decoded) straight into locked
// memory without a buffer of its own. fill must not call the Box.
func (b *Box) SealWith(n int, fill func(dst []byte)) (Handle, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.key.IsAlive() {
		return 0, ErrWiped
	}
	dst := b.scratchLocked(n)
	defer clear(dst)
	fill(dst)
	ct, err := b.sealLocked(dst)
	if err != nil {
		return 0, err
	}
	b.sealed = append(b.sealed, ct)
	return Handle(len(b.sealed) - 1), nil
}

// scratchLocked returns n bytes of scratch, growing it by pages.
func (b *Box) scratchLocked(n int) []byte {
	if b.scratch == nil || b.scratch.Size() < n {
		if b.scratch != nil {
			b.scratch.Destroy()
		}
		b.scratch = NewBuffer(max(4096, (n+4095)&^4095))
	}
	return b.scratch.Bytes()[:n]
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
	if b.scratch != nil {
		b.scratch.Destroy()
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

// Wipe overwrites p with zeros; for secrets that had to pass through
// ordinary memory.
func Wipe(p []byte) { wipeBytes(p) }
