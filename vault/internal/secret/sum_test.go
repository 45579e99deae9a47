package secret

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"hash"
	"testing"
)

// TestSumMatchesTheStandardLibrary: Sum pads the message itself, so its
// result must equal the digest's own for every length around the block
// and length-field boundaries.
func TestSumMatchesTheStandardLibrary(t *testing.T) {
	for name, newHash := range map[string]func() hash.Hash{"SHA-1": sha1.New, "SHA-256": sha256.New, "SHA-512": sha512.New} {
		for n := 0; n <= 2*newHash().BlockSize()+1; n++ {
			data := bytes.Repeat([]byte{byte(n)}, n)
			want := newHash()
			want.Write(data)
			got := make([]byte, want.Size())
			if err := Sum(newHash(), data, got); err != nil {
				t.Fatalf("%s of %d bytes: %v", name, n, err)
			}
			if !bytes.Equal(got, want.Sum(nil)) {
				t.Fatalf("%s of %d bytes differs from the standard library", name, n)
			}
		}
	}
}
