package otp

import (
	"bytes"
	"crypto/hmac"
	"math/rand/v2"
	"testing"
)

// lockedHMAC must equal crypto/hmac for every key length around the block
// sizes (64 for SHA-1/SHA-256, 128 for SHA-512), where keys longer than a
// block take the secret.Sum path, and for messages of any length.
func TestLockedHMACMatchesCryptoHMAC(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	work := locked(t, make([]byte, WorkSize))
	for a := SHA1; a <= SHA512; a++ {
		for n := 0; n <= 300; n++ {
			key := randomBytes(r, n)
			keep := bytes.Clone(key)
			msg := randomBytes(r, r.IntN(200))
			var lent []byte // alternate: allocate, and borrow the caller's work
			if n%2 == 1 {
				lent = work.Bytes()
			}
			got, err := lockedHMAC(a, locked(t, key).Bytes(), msg, lent)
			if err != nil {
				t.Fatalf("%s key %d bytes: %v", a, n, err)
			}
			if !bytes.Equal(work.Bytes(), make([]byte, WorkSize)) {
				t.Fatalf("%s key %d bytes: the padded key was left in the lent work memory", a, n)
			}
			m := hmac.New(a.newHash, keep)
			m.Write(msg)
			if want := m.Sum(nil); !bytes.Equal(got, want) {
				t.Fatalf("%s key %d bytes msg %d bytes:\n got %x\nwant %x", a, n, len(msg), got, want)
			}
		}
	}
}

func TestLockedHMACLeavesKeyAlone(t *testing.T) {
	key := locked(t, bytes.Repeat([]byte{0xa5}, 200))
	for a := SHA1; a <= SHA512; a++ {
		if _, err := lockedHMAC(a, key.Bytes(), []byte("m"), nil); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(key.Bytes(), bytes.Repeat([]byte{0xa5}, 200)) {
		t.Fatal("lockedHMAC modified the key")
	}
}
