package vault

import (
	"runtime"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/twofold-app/twofold/vault/internal/kdbx"
)

// Argon2id settings for new vaults, as KeePassXC chooses them: 64 MiB,
// one lane per core (at most 8), iterations measured for the target time.
const (
	calibrationMemory = 64 << 20
	maxLanes          = 8
)

// CalibrateArgon2id measures this machine and returns Argon2id parameters
// whose key derivation takes about target (1 s when target is zero) when a
// vault is unlocked, like KeePassXC's "decryption time" setting. Measuring
// takes about a quarter of target plus two short runs (≈0.5-0.6 s for 1 s
// on a 2-core machine).
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
	p.Iterations = argon2Iterations(target, timeArgon2id(memoryBytes, lanes))
	return p
}

// timeArgon2id returns a function that runs Argon2id with the given cost
// and returns how long the run took.
func timeArgon2id(memoryBytes uint64, lanes uint32) func(iterations uint32) time.Duration {
	salt := make([]byte, 32)
	return func(iterations uint32) time.Duration {
		// Free the previous run's memory first, so that this run reuses it
		// rather than having fresh pages faulted in (see argon2Iterations).
		runtime.GC()
		start := time.Now()
		argon2.IDKey([]byte("calibration"), salt, iterations, uint32(memoryBytes/1024), uint8(lanes), 32)
		return time.Since(start)
	}
}

// argon2Iterations works out how many iterations make an unlock's Argon2id
// take target, from runs of the KDF timed by run.
//
// A run costs a fixed part plus one pass over the memory per iteration.
// The fixed part is mostly the kernel handing the process the memory the
// first time it touches it (64 MiB: ≈120 ms on a 2-core machine, against
// ≈45 ms a pass), and an unlock, the first KDF run of its process, pays it
// in full. Dividing target by the time of one single-iteration run counted
// that fixed part once per iteration (1 s gave 3-5 iterations, an unlock
// of 0.3-0.6 s), and averaging runs of which only the first paid it made
// the result depend on how many fitted into the measurement (5 s gave
// 55-82 iterations). So the first run gives fixed part + one pass; two
// runs of about target/8 each on the then reused memory give the pass
// alone (the faster of the two: other programs only ever slow a run
// down); and the iterations fill what the fixed part leaves of target.
// In a process that ran Argon2id before, the first run finds its memory
// already mapped and the fixed part measures near zero: unlocks then take
// about target plus the fixed part.
func argon2Iterations(target time.Duration, run func(iterations uint32) time.Duration) uint64 {
	const minIterations, maxSample = 2, 1 << 16
	first := run(1)
	pass := max(run(1), 1)
	k := min(max(target/8/pass, 2), maxSample)
	pass = max(min(run(uint32(k)), run(uint32(k)))/k, 1)
	fixed := max(first-pass, 0)
	n := (target - fixed + pass/2) / pass
	// A vault asking for more than Open accepts could never be opened.
	return min(uint64(max(n, minIterations)), kdbx.DefaultLimits.MaxIterations)
}

// CalibrateAES returns AES-KDF rounds (for KDBX 3.1 vaults) that take
// about target. It times the unlock's own AES-KDF: each round encrypts
// the key's two halves, two independent chains that the processor runs
// side by side. Timing one chain encrypted twice per round, as it did,
// took twice as long a round, and gave unlocks of half the target.
func CalibrateAES(target time.Duration) KDFParams {
	if target <= 0 {
		target = time.Second
	}
	const step = 100_000
	key, seed := make([]byte, 32), make([]byte, 32)
	per := measure(target/4, func() { _, _ = kdbx.AESKDF(key, seed, step) })
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
