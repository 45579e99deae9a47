package secret

import (
	"encoding"
	"encoding/binary"
	"errors"
	"hash"
)

// ErrHashState means the hash did not expose its state the way Sum needs
// (a BoringCrypto build, say).
var ErrHashState = errors.New("hash state not readable from locked memory")

// Sum writes the hash of data to dst[:h.Size()] without any byte of data
// reaching ordinary memory. hash.Hash.Write copies a message's last,
// partial block into the digest (on the heap or the stack, where a core
// dump finds it), so Sum pads the message itself in locked memory
// (FIPS 180-4 §5.1: 0x80, zeros, bit length), writes only whole blocks,
// which Go's SHA digests compress straight from the caller's slice, and
// reads the result, the chaining value, from the digest's marshalled
// state (magic, then the state words big-endian) into locked memory.
// h must be a fresh SHA-1, SHA-256 or SHA-512 digest; it is Reset after.
func Sum(h hash.Hash, data, dst []byte) error {
	defer h.Reset() // drop the data-derived chaining state from the heap
	bs := h.BlockSize()
	lenField := 8
	if bs == 128 { // SHA-512 carries a 128-bit length
		lenField = 16
	}
	n := (len(data) + 1 + lenField + bs - 1) / bs * bs
	padded := NewBuffer(n)
	defer padded.Destroy()
	p := padded.Bytes()
	Copy(p, data)
	p[len(data)] = 0x80
	binary.BigEndian.PutUint64(p[n-8:], uint64(len(data))*8)
	h.Write(p)
	return readChainingValue(h, dst)
}

// readChainingValue copies the state words of h into dst, marshalling into
// locked memory so the state never lands in a heap slice.
func readChainingValue(h hash.Hash, dst []byte) error {
	ba, ok := h.(encoding.BinaryAppender)
	if !ok {
		return ErrHashState
	}
	const magicLen, maxState = 4, 256 // SHA-512's state is 204 bytes
	state := NewBuffer(maxState)
	defer state.Destroy()
	out, err := ba.AppendBinary(state.Bytes()[:0])
	// A reallocation would have moved the state to the heap: refuse it.
	if err != nil || len(out) < magicLen+h.Size() || &out[0] != &state.Bytes()[0] {
		return ErrHashState
	}
	Copy(dst, out[magicLen:magicLen+h.Size()])
	return nil
}
