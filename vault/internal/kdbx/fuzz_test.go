package kdbx

import (
	"errors"
	"testing"
)

var fuzzLimits = Limits{MaxMemoryBytes: 1 << 20, MaxIterations: 4, MaxRounds: 2000}

func seedFiles(f *testing.F, composite []byte) {
	for _, o := range []Options{
		{KDF: KDFParams{KDF: KDFArgon2id, Iterations: 1, MemoryBytes: 64 << 10, Parallelism: 1}},
		{KDF: KDFParams{KDF: KDFAES, Rounds: 10}, Cipher: CipherAES256},
		{KDF: KDFParams{KDF: KDFAES, Rounds: 10}, Version: V31, Cipher: CipherTwofish},
	} {
		db, err := New(o, composite)
		if err != nil {
			f.Fatal(err)
		}
		data, err := db.Encode()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		f.Add(data[:len(data)/2])
	}
	f.Add([]byte{})
	f.Add([]byte{0x03, 0xd9, 0xa2, 0x9a, 0x67, 0xfb, 0x4b, 0xb5, 0x01, 0x00, 0x04, 0x00})
}

// FuzzOpen: no input panics or hangs, and every failure is one of the
// errors a caller can explain (not KeePass / unsupported / damaged /
// wrong key).
func FuzzOpen(f *testing.F) {
	ck, err := CompositeKey([]byte("pw"), nil)
	if err != nil {
		f.Fatal(err)
	}
	seedFiles(f, ck.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		db, err := Open(data, ck.Bytes(), fuzzLimits)
		if err != nil {
			for _, known := range []error{ErrNotKeePass, ErrUnsupported, ErrCorrupt, ErrWrongCredentials} {
				if errors.Is(err, known) {
					return
				}
			}
			t.Fatalf("unclassified error: %v", err)
		}
		if _, err := db.Encode(); err != nil {
			t.Fatalf("opened but cannot save: %v", err)
		}
		db.Secrets.Wipe()
	})
}
