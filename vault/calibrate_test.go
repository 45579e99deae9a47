package vault

import (
	"testing"
	"time"
)

// costModel stands in for timing Argon2id on a machine: every run costs
// pass per iteration, the process's first run also costs fixed (the memory
// touched for the first time), and the runs numbered in slowed (from 1)
// take twice as long, as when another program takes the CPU meanwhile.
type costModel struct {
	fixed, pass time.Duration
	slowed      map[int]bool
	runs        int
	spent       time.Duration
}

func (m *costModel) run(iterations uint32) time.Duration {
	m.runs++
	d := time.Duration(iterations) * m.pass
	if m.runs == 1 {
		d += m.fixed
	}
	if m.slowed[m.runs] {
		d *= 2
	}
	m.spent += d
	return d
}

// TestArgon2IterationsFillTheTarget: on a modelled machine, the calibrated
// iterations make an unlock (a fresh process: the fixed cost and one pass
// per iteration) take the target, to within half a pass, whatever the
// target; measuring costs about a quarter of it (at least the fixed cost
// and six passes); a sample slowed by
// other programs does not change the answer. Wall-clock time plays no
// part: the measurements are the model's.
func TestArgon2IterationsFillTheTarget(t *testing.T) {
	const ms = time.Millisecond
	cases := []struct {
		name                string
		fixed, pass, target time.Duration
		slowed              map[int]bool
		want                uint64
	}{
		// 64 MiB, 2 lanes on a 2-core machine: ≈120 ms to touch the memory,
		// ≈45 ms a pass.
		{"default, 1 s", 120 * ms, 45 * ms, time.Second, nil, 20},
		{"5 s", 120 * ms, 45 * ms, 5 * time.Second, nil, 108},
		{"10 s", 120 * ms, 45 * ms, 10 * time.Second, nil, 220},
		{"300 ms", 120 * ms, 45 * ms, 300 * ms, nil, 4},
		{"1 s, a pass sample slowed", 120 * ms, 45 * ms, time.Second, map[int]bool{3: true}, 20},
		{"1 s, the other pass sample slowed", 120 * ms, 45 * ms, time.Second, map[int]bool{4: true}, 20},
		{"no fixed cost", 0, 50 * ms, time.Second, nil, 20},
		// 1 MiB, as the CLI tests make vaults: 10 ms.
		{"1 MiB, 10 ms", 200 * time.Microsecond, 700 * time.Microsecond, 10 * ms, nil, 14},
		{"below two passes: 2", 120 * ms, 45 * ms, 150 * ms, nil, 2},
		{"fixed cost above the target: 2", 2 * time.Second, 45 * ms, time.Second, nil, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := &costModel{fixed: c.fixed, pass: c.pass, slowed: c.slowed}
			got := argon2Iterations(c.target, m.run)
			if got != c.want {
				t.Errorf("%d iterations, want %d", got, c.want)
			}
			unlock := c.fixed + time.Duration(got)*c.pass
			if got > 2 && (unlock < c.target-c.pass/2 || unlock > c.target+c.pass/2) {
				t.Errorf("an unlock would take %v, want %v ± %v", unlock, c.target, c.pass/2)
			}
			if limit := max(c.target/4+c.fixed+2*c.pass, c.fixed+6*c.pass); m.spent > limit && c.slowed == nil {
				t.Errorf("measuring took %v, want at most %v", m.spent, limit)
			}
		})
	}
}
