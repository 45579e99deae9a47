package main

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/awnumar/memguard"

	"github.com/twofold-app/twofold/vault"
	"github.com/twofold-app/twofold/vault/otp"
)

// TestAddAccountCostDoesNotGrowWithVault adds accounts one by one, as an
// import does, and compares the time of one AddAccount in a vault of
// about 10 accounts with one in a vault of about 200. If each add costs
// the same, the ratio is about 1; if each add redoes work for every
// account already there, it is about 20, and importing thousands of
// accounts takes minutes to hours. (Before d32adaf every AddAccount
// rebuilt the whole account cache: 1,000 adds took over a minute here.)
func TestAddAccountCostDoesNotGrowWithVault(t *testing.T) {
	if testing.Short() {
		t.Skip("adds 220 accounts; skipped in -short mode")
	}
	const small, large, batch = 0, 200, 20
	kdf := vault.KDFParams{KDF: vault.KDFArgon2id, MemoryBytes: 1 << 20, Parallelism: 1, Iterations: 2}
	s, err := vault.Create(filepath.Join(t.TempDir(), "v.kdbx"), vault.Credentials{Password: []byte("pw")}, vault.CreateOptions{KDF: kdf})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Lock()
	var smallTimes, largeTimes []time.Duration
	for i := range large + batch {
		d := timeAddAccount(t, s, i)
		switch {
		case i >= small && i < small+batch:
			smallTimes = append(smallTimes, d)
		case i >= large:
			largeTimes = append(largeTimes, d)
		}
	}
	a, b := median(smallTimes), median(largeTimes)
	ratio := float64(b) / float64(a)
	t.Logf("median AddAccount: %v with ~%d accounts, %v with ~%d (ratio %.1f)", a, small+batch/2, b, large+batch/2, ratio)
	if ratio > 5 {
		t.Errorf("AddAccount in a %d-account vault takes %.1f times as long as in a %d-account one: each add does work for every account already there", large, ratio, small+batch/2)
	}
}

func timeAddAccount(t *testing.T, s *vault.Store, i int) time.Duration {
	t.Helper()
	key := &otp.Key{
		Params: otp.Params{Issuer: fmt.Sprintf("Service%03d", i), Account: "user", Digits: 6, Period: 30},
		Secret: memguard.NewBufferFromBytes([]byte("12345678901234567890")),
	}
	defer key.Destroy()
	start := time.Now()
	if _, err := s.AddAccount(vault.NewAccount{Key: key}); err != nil {
		t.Fatal(err)
	}
	return time.Since(start)
}

func median(d []time.Duration) time.Duration {
	d = slices.Clone(d)
	slices.Sort(d)
	return d[len(d)/2]
}
