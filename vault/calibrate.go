package vault

import (
	"crypto/aes"
	"runtime"
	"time"

	"golang.org/x/crypto/argon2"
)

// Argon2id settings for new vaults, as KeePassXC chooses them: 64 MiB,
// one lane per core (at most 8), iterations measured for the target time.
const (
	calibrationMemory = 64 << 20
	maxLanes          = 8
)

// CalibrateArgon2id measures this machine and returns Argon2id parameters
// whose key derivation takes about target (1 s when target is zero), like
// KeePassXC's "decryption time" setting. It runs the KDF for about
// target/4 to measure.
func CalibrateArgon2id(target time.Duration) KDFParams {
	return Calibrate(target, calibrationMemory)
}

// Calibrate is CalibrateArgon2id with a chosen memory cost (at least
// 1 MiB).
func Calibrate(target time.Duration, memoryBytes uint64) KDFParams {
	if target <= 0 {
		target = time.Second
	}
	memoryBytes = max(memoryBytes, 1<<20)
	lanes := uint32(min(runtime.NumCPU(), maxLanes))
	p := KDFParams{KDF: KDFArgon2id, MemoryBytes: memoryBytes, Parallelism: lanes}
	salt := make([]byte, 32)
	per := measure(target/4, func() {
		argon2.IDKey([]byte("calibration"), salt, 1, uint32(memoryBytes/1024), uint8(lanes), 32)
	})
	p.Iterations = max(2, uint64(target/per))
	return p
}

// CalibrateAES returns AES-KDF rounds (for KDBX 3.1 vaults) that take
// about target.
func CalibrateAES(target time.Duration) KDFParams {
	if target <= 0 {
		target = time.Second
	}
	const step = 100_000
	block, _ := aes.NewCipher(make([]byte, 32))
	var key [16]byte
	per := measure(target/4, func() {
		for range step {
			block.Encrypt(key[:], key[:])
			block.Encrypt(key[:], key[:])
		}
	})
	return KDFParams{KDF: KDFAES, Rounds: max(1000, uint64(target/per)*step)}
}

// measure runs f at least once and for at least d; it returns its mean
// duration.
func measure(d time.Duration, f func()) time.Duration {
	runs := 0
	start := time.Now()
	for runs == 0 || time.Since(start) < d {
		f()
		runs++
	}
	return max(time.Since(start)/time.Duration(runs), 1)
}
