package secret

import (
	"github.com/awnumar/memguard"
)

// NewBuffer returns a mutable LockedBuffer of n bytes that is excluded from
// core dumps. n may be 0.
func NewBuffer(n int) *memguard.LockedBuffer {
	buf := memguard.NewBuffer(n)
	DontDump(buf)
	return buf
}

// FromBytes moves src into a new LockedBuffer, wiping src.
func FromBytes(src []byte) *memguard.LockedBuffer {
	buf := NewBuffer(len(src))
	if len(src) > 0 {
		buf.Move(src)
	}
	return buf
}
