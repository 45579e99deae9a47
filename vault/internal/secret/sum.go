package secret

import (
	"encoding"
	"encoding/binary"
	"errors"
	"fmt"
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
	work := NewBuffer(SumWorkSize(h, len(data)))
	defer work.Destroy()
	return SumWork(h, dst, work.Bytes(), data)
}

// maxState is the longest marshalled digest state (SHA-512's, 204 bytes).
const maxState = 256

// SumWorkSize is the locked scratch SumWork needs for a message of n
// bytes: the padded message, then room for the digest's state.
func SumWorkSize(h hash.Hash, n int) int {
	bs := h.BlockSize()
	return (n+1+lenField(bs)+bs-1)/bs*bs + maxState
}

func lenField(blockSize int) int {
	if blockSize == 128 { // SHA-512 carries a 128-bit length
		return 16
	}
	return 8
}

// SumWork is Sum of the parts one after the other, in the caller's
// locked scratch (at least SumWorkSize of their total length, wiped
// after), so that many sums cost no allocation.
func SumWork(h hash.Hash, dst, work []byte, parts ...[]byte) error {
	defer h.Reset() // drop the data-derived chaining state from the heap
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	size := SumWorkSize(h, n)
	if len(work) < size {
		return fmt.Errorf("sum: %d bytes of scratch for %d needed", len(work), size)
	}
	work = work[:size]
	defer clear(work)
	padded, state := work[:size-maxState], work[size-maxState:]
	clear(padded) // the padding's zeros
	at := 0
	for _, p := range parts {
		at += Copy(padded[at:], p)
	}
	padded[n] = 0x80
	binary.BigEndian.PutUint64(padded[len(padded)-8:], uint64(n)*8)
	h.Write(padded)
	return readChainingValue(h, dst, state)
}

// readChainingValue copies the state words of h into dst, marshalling into
// state (locked memory, maxState bytes) so the state never lands in a heap
// slice.
func readChainingValue(h hash.Hash, dst, state []byte) error {
	ba, ok := h.(encoding.BinaryAppender)
	if !ok {
		return ErrHashState
	}
	const magicLen = 4
	out, err := ba.AppendBinary(state[:0])
	// A reallocation would have moved the state to the heap: refuse it.
	if err != nil || len(out) < magicLen+h.Size() || &out[0] != &state[0] {
		return ErrHashState
	}
	Copy(dst, out[magicLen:magicLen+h.Size()])
	return nil
}
