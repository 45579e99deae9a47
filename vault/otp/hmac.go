package otp

import (
	"encoding"
	"encoding/binary"
	"fmt"
	"hash"

	"github.com/awnumar/memguard"
)

// Why not crypto/hmac: hmac.New copies the key, XORed with the pads, into
// heap slices that stay there after the garbage collector frees them, so a
// core dump holds the key (XOR with 0x36 or 0x5c undoes it; coredump_test.go
// finds it when crypto/hmac is used). Here the padded key blocks live in a
// memguard buffer and are written to the hash as whole blocks; Go's SHA
// digests compress whole blocks straight from the caller's slice without
// copying them into the digest, so no key material reaches the heap. The
// result is checked against crypto/hmac in hmac_test.go.

// errHashState means the hash did not expose its state the way
// hashLongKey expects (a BoringCrypto build, say). Only keys longer than
// the hash block need it.
var errHashState = fmt.Errorf("hash state not readable for a key longer than a block: %w", ErrUnsupported)

// lockedHMAC returns HMAC(key, msg) using algorithm a. key and msg are only
// read; key should itself be locked memory.
//
// work, when at least WorkSize bytes, is locked memory the caller lends for
// the padded key blocks (and wipes nothing: lockedHMAC clears what it
// used); otherwise a buffer is allocated, which costs several system calls.
func lockedHMAC(a Algorithm, key, msg, work []byte) ([]byte, error) {
	h := a.newHash()
	defer h.Reset() // drop the key-derived chaining state from the heap
	bs := h.BlockSize()
	var pads []byte
	if len(work) >= 2*bs {
		pads = work[:2*bs]
		defer clear(pads)
	} else {
		buf := memguard.NewBuffer(2 * bs)
		defer buf.Destroy()
		pads = buf.Bytes()
	}
	ipad, opad := pads[:bs], pads[bs:]
	if len(key) > bs {
		// RFC 2104: a key longer than a block is replaced by its hash.
		if err := hashLongKey(h, key, ipad); err != nil {
			return nil, err
		}
		key = ipad[:h.Size()]
	}
	copySecret(opad, key)
	copySecret(ipad, key) // may be ipad itself: then a byte-wise no-op
	for i := range bs {
		ipad[i] ^= 0x36
		opad[i] ^= 0x5c
	}
	var inner [sha512Size]byte
	h.Reset()
	h.Write(ipad)
	h.Write(msg)
	sum := h.Sum(inner[:0])
	h.Reset()
	h.Write(opad)
	h.Write(sum)
	return h.Sum(nil), nil
}

const sha512Size = 64

// WorkSize is the locked scratch GenerateWith needs: two SHA-512 blocks.
const WorkSize = 2 * 128

// hashLongKey writes H(key) to dst[:h.Size()] without the key's last,
// partial block ever being copied into the digest. It pads the key itself
// in locked memory (FIPS 180-4 §5.1: 0x80, zeros, bit length), writes only
// whole blocks, and reads the resulting chaining value, which is the hash,
// from the digest's marshalled state (magic, then the state words
// big-endian). h must be a fresh SHA-1, SHA-256 or SHA-512 digest.
func hashLongKey(h hash.Hash, key, dst []byte) error {
	bs := h.BlockSize()
	lenField := 8
	if bs == 128 { // SHA-512 carries a 128-bit length
		lenField = 16
	}
	n := (len(key) + 1 + lenField + bs - 1) / bs * bs
	padded := memguard.NewBuffer(n)
	defer padded.Destroy()
	p := padded.Bytes()
	copySecret(p, key)
	p[len(key)] = 0x80
	binary.BigEndian.PutUint64(p[n-8:], uint64(len(key))*8)
	h.Write(p)
	return readChainingValue(h, dst)
}

// readChainingValue copies the state words of h into dst, marshalling into
// locked memory so the state never lands in a heap slice.
func readChainingValue(h hash.Hash, dst []byte) error {
	ba, ok := h.(encoding.BinaryAppender)
	if !ok {
		return errHashState
	}
	const magicLen, maxState = 4, 256 // SHA-512 state is 204 bytes
	state := memguard.NewBuffer(maxState)
	defer state.Destroy()
	out, err := ba.AppendBinary(state.Bytes()[:0])
	// A reallocation would have moved the state to the heap: refuse it.
	if err != nil || len(out) < magicLen+h.Size() || &out[0] != &state.Bytes()[0] {
		return fmt.Errorf("%w: unexpected marshalled state", errHashState)
	}
	copySecret(dst, out[magicLen:magicLen+h.Size()])
	return nil
}

// copySecret copies src into dst one byte at a time, and returns how many.
//
// Why not copy: the runtime's memmove moves 17 to 256 bytes through the SSE
// registers, and leaves them there. When a signal then arrives (Go's
// preemption signal, say) the kernel saves those registers in the signal
// frame on a Go-heap stack, where they outlive the call; a core dump also
// records them. A 32- or 64-byte key (a SHA-256/512 seed, or a hashed long
// key) then sits whole in dumpable memory: coredump_test.go found it so in
// about one run in ten. A byte loop goes through a general register, one
// byte at a time.
func copySecret(dst, src []byte) int {
	n := min(len(dst), len(src))
	for i := range n {
		dst[i] = src[i]
	}
	return n
}
