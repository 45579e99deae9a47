package otp

import (
	"fmt"

	"github.com/awnumar/memguard"

	"github.com/twofold-app/twofold/vault/internal/secret"
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
// secret.Sum expects (a BoringCrypto build, say). Only keys longer than
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
		if err := secret.Sum(h, key, ipad); err != nil {
			return nil, fmt.Errorf("%w: %w", errHashState, err)
		}
		key = ipad[:h.Size()]
	}
	secret.Copy(opad, key)
	secret.Copy(ipad, key) // may be ipad itself: then a byte-wise no-op
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
