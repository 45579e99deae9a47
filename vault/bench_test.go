package vault_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/twofold-app/twofold/internal/vaultgen"
	"github.com/twofold-app/twofold/vault"
	"github.com/twofold-app/twofold/vault/otp"
)

// benchKDF is the cost scripts/bench.sh gives keepassxc-cli too.
var benchKDF = vault.KDFParams{KDF: vault.KDFArgon2id, Iterations: 2, MemoryBytes: 64 << 20, Parallelism: 2}

var (
	bigOnce sync.Once
	bigPath string
	bigErr  error
)

// bigVault is a 10,000-account vault, made once per test binary.
func bigVault(b *testing.B) string {
	bigOnce.Do(func() {
		dir, err := os.MkdirTemp("", "twofold-bench-")
		if err != nil {
			bigErr = err
			return
		}
		bigPath = filepath.Join(dir, "10k.kdbx")
		bigErr = vaultgen.Generate(bigPath, pw.Password, 10000, vault.CreateOptions{KDF: benchKDF})
	})
	if bigErr != nil {
		b.Fatal(bigErr)
	}
	return bigPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if bigPath != "" {
		os.RemoveAll(filepath.Dir(bigPath))
	}
	os.Exit(code)
}

// BenchmarkUnlock10k: from the file to a list of 10,000 accounts ready for
// codes (KDF included).
func BenchmarkUnlock10k(b *testing.B) {
	path := bigVault(b)
	b.ReportAllocs()
	for b.Loop() {
		s, err := vault.Open(path, pw, nil)
		if err != nil {
			b.Fatal(err)
		}
		if list, err := s.Accounts(); err != nil || len(list) != 10000 {
			b.Fatalf("%d accounts, %v", len(list), err)
		}
		s.Lock()
	}
}

// BenchmarkUnlock100 is BenchmarkUnlock10k on a 100-account vault (the
// same KDF, which dominates at this size).
func BenchmarkUnlock100(b *testing.B) {
	path := filepath.Join(b.TempDir(), "100.kdbx")
	if err := vaultgen.Generate(path, pw.Password, 100, vault.CreateOptions{KDF: benchKDF}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		s, err := vault.Open(path, pw, nil)
		if err != nil {
			b.Fatal(err)
		}
		if list, err := s.Accounts(); err != nil || len(list) != 100 {
			b.Fatalf("%d accounts, %v", len(list), err)
		}
		s.Lock()
	}
}

// BenchmarkKDF10k is the key derivation alone, at the same cost.
func BenchmarkKDF10k(b *testing.B) {
	salt := make([]byte, 32)
	for b.Loop() {
		argon2.IDKey(make([]byte, 32), salt, uint32(benchKDF.Iterations), uint32(benchKDF.MemoryBytes/1024), uint8(benchKDF.Parallelism), 32)
	}
}

// BenchmarkSave10k: encrypt and write the 10,000-account vault
// (atomically, keeping the backup).
func BenchmarkSave10k(b *testing.B) {
	src := bigVault(b)
	path := filepath.Join(b.TempDir(), "v.kdbx")
	data, err := os.ReadFile(src)
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		b.Fatal(err)
	}
	s, err := vault.Open(path, pw, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Lock()
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Save(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCodes10k: every code of the 10,000 accounts once (what one
// refresh of a full list costs).
func BenchmarkCodes10k(b *testing.B) {
	s, err := vault.Open(bigVault(b), pw, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Lock()
	list, err := s.Accounts()
	if err != nil {
		b.Fatal(err)
	}
	at := time.Unix(1700000000, 0)
	b.ReportAllocs()
	for b.Loop() {
		for _, a := range list {
			if _, err := s.Code(a.ID, at); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkAddAccount adds one account to vaults of 10 and 2,000
// accounts: with per-entry cache updates the two cost about the same
// (each add used to rebuild the whole account cache, so the larger vault
// was about 200 times slower per add).
func BenchmarkAddAccount(b *testing.B) {
	for _, size := range []int{10, 2000} {
		b.Run(fmt.Sprintf("vault=%d", size), func(b *testing.B) {
			s, err := vault.Create(filepath.Join(b.TempDir(), "v.kdbx"), pw, vault.CreateOptions{KDF: cheapArgon2(vault.KDFArgon2id)})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Lock()
			add := func(i int) {
				key, err := otp.ParseURI(fmt.Appendf(nil, "otpauth://totp/S%d:u?secret=%s", i, vaultgen.Secret(i)))
				if err != nil {
					b.Fatal(err)
				}
				defer key.Destroy()
				if _, err := s.AddAccount(vault.NewAccount{Key: key}); err != nil {
					b.Fatal(err)
				}
			}
			for i := range size {
				add(i)
			}
			if _, err := s.Accounts(); err != nil { // the cache exists, as in the app
				b.Fatal(err)
			}
			i := size
			for b.Loop() {
				add(i)
				i++
			}
		})
	}
}
