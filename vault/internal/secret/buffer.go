package secret

import (
	"github.com/awnumar/memguard"
)

// NewBuffer returns a mutable LockedBuffer of n bytes (n may be 0).
// memguard locks its pages, surrounds them with guard pages and marks them
// MADV_DONTDUMP, so core dumps leave them out (box_test.go checks the flag
// in /proc/self/smaps).
func NewBuffer(n int) *memguard.LockedBuffer {
	return memguard.NewBuffer(n)
}

// FromBytes moves src into a new LockedBuffer, wiping src.
func FromBytes(src []byte) *memguard.LockedBuffer {
	buf := NewBuffer(len(src))
	if len(src) > 0 {
		buf.Move(src)
	}
	return buf
}
