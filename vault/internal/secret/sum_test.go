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

// TestSumWorkReusesDirtyScratch: SumWork over parts gives the digest of
// their concatenation even in scratch left full of an earlier message
// (it must lay its own zero padding), and refuses scratch too short.
func TestSumWorkReusesDirtyScratch(t *testing.T) {
	key, data := bytes.Repeat([]byte{0x11}, 32), []byte("a secret") // 40 bytes: 15 of zero padding
	work := bytes.Repeat([]byte{0xff}, SumWorkSize(sha256.New(), len(key)+len(data)))
	for range 2 {
		got := make([]byte, sha256.Size)
		if err := SumWork(sha256.New(), got, work, key, data); err != nil {
			t.Fatal(err)
		}
		if want := sha256.Sum256(append(bytes.Clone(key), data...)); !bytes.Equal(got, want[:]) {
			t.Fatalf("SumWork = %x, want %x", got, want)
		}
		if !bytes.Equal(work, make([]byte, len(work))) {
			t.Fatal("scratch not wiped after the sum")
		}
		for i := range work {
			work[i] = 0xff
		}
	}
	if err := SumWork(sha256.New(), make([]byte, sha256.Size), work[:10], key, data); err == nil {
		t.Error("SumWork with 10 bytes of scratch: no error")
	}
}
