package secret

import (
	"os"
	"unsafe"

	"github.com/awnumar/memguard"
	"golang.org/x/sys/unix"
)

// DontDump marks the pages under buf MADV_DONTDUMP, as libsodium does for
// its locked memory: a core dump (a crash report, gcore) leaves them out.
// memguard locks and guards its pages but does not do this. Errors are
// ignored: the buffer is still locked, only the dump exclusion is lost.
func DontDump(buf *memguard.LockedBuffer) {
	b := buf.Bytes()
	if len(b) == 0 {
		return
	}
	page := uintptr(os.Getpagesize())
	first := uintptr(unsafe.Pointer(&b[0]))
	start := first &^ (page - 1)
	end := (first + uintptr(len(b)) + page - 1) &^ (page - 1)
	_, _, _ = unix.Syscall(unix.SYS_MADVISE, start, end-start, unix.MADV_DONTDUMP)
}
