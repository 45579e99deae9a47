package transfer

import "fmt"

// Limits bound what an import may cost. Import files are user input, and
// an encrypted header chooses its own key derivation cost: without caps a
// crafted file could make Twofold hang or run out of memory. A zero field
// takes its default.
type Limits struct {
	// MaxFileSize caps the bytes of a file or image (default 64 MiB).
	MaxFileSize int64
	// MaxAccounts caps the entries of one file (default 10 000).
	MaxAccounts int
	// MaxImagePixels caps the decoded size of an image (default 40 MP).
	MaxImagePixels int
	// MaxScryptMemory caps scrypt's memory, 128·N·r bytes (default
	// 256 MiB; Aegis uses 32 MiB).
	MaxScryptMemory int64
	// MaxScryptWork caps scrypt's N·r·p (default 2²², 16 times Aegis's).
	MaxScryptWork int64
	// MaxPBKDF2Iterations caps PBKDF2's iteration count (default 2 000 000;
	// andOTP uses 140 000 to 160 000, 2FAS 10 000).
	MaxPBKDF2Iterations int
}

// Default limits.
const (
	DefaultMaxFileSize         = 64 << 20
	DefaultMaxAccounts         = 10_000
	DefaultMaxImagePixels      = 40_000_000
	DefaultMaxScryptMemory     = 256 << 20
	DefaultMaxScryptWork       = 1 << 22
	DefaultMaxPBKDF2Iterations = 2_000_000
)

// withDefaults fills zero fields.
func (l Limits) withDefaults() Limits {
	if l.MaxFileSize <= 0 {
		l.MaxFileSize = DefaultMaxFileSize
	}
	if l.MaxAccounts <= 0 {
		l.MaxAccounts = DefaultMaxAccounts
	}
	if l.MaxImagePixels <= 0 {
		l.MaxImagePixels = DefaultMaxImagePixels
	}
	if l.MaxScryptMemory <= 0 {
		l.MaxScryptMemory = DefaultMaxScryptMemory
	}
	if l.MaxScryptWork <= 0 {
		l.MaxScryptWork = DefaultMaxScryptWork
	}
	if l.MaxPBKDF2Iterations <= 0 {
		l.MaxPBKDF2Iterations = DefaultMaxPBKDF2Iterations
	}
	return l
}

// checkScrypt refuses scrypt parameters that are invalid or too costly.
func (l Limits) checkScrypt(f Format, n, r, p int64) error {
	if n <= 1 || n&(n-1) != 0 || r <= 0 || p <= 0 {
		return malformed(f, "invalid scrypt parameters N=%d r=%d p=%d", n, r, p)
	}
	mem := l.MaxScryptMemory / 128 // the largest N·r
	if r > mem || n > mem/r || p > l.MaxScryptWork || n*r > l.MaxScryptWork/p {
		return fmt.Errorf("%s file asks for scrypt N=%d r=%d p=%d; the limits are %d MiB (128·N·r bytes) and N·r·p ≤ %d: %w",
			f, n, r, p, l.MaxScryptMemory>>20, l.MaxScryptWork, ErrCostTooHigh)
	}
	return nil
}

// checkPBKDF2 refuses iteration counts that are invalid or too costly.
func (l Limits) checkPBKDF2(f Format, iterations int64) error {
	if iterations < 1 {
		return malformed(f, "invalid PBKDF2 iteration count %d", iterations)
	}
	if iterations > int64(l.MaxPBKDF2Iterations) {
		return fmt.Errorf("%s file asks for %d PBKDF2 iterations; the limit is %d: %w",
			f, iterations, l.MaxPBKDF2Iterations, ErrCostTooHigh)
	}
	return nil
}
