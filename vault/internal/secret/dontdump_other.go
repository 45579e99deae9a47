//go:build !linux

package secret

import "github.com/awnumar/memguard"

// DontDump is a no-op where the platform has no MADV_DONTDUMP.
func DontDump(*memguard.LockedBuffer) {}
