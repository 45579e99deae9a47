package transfer

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/twofold-app/twofold/vault/otp"
)

// andOTPOldBackup is the JSON of a backup written by andOTP before 0.6.3:
// no issuer field, "Issuer - account" in the label.
const andOTPOldBackup = `[
 {"secret": "4SJHB4GSD43FZBAI7C2HLRJGPQ", "label": "Deno - Mason", "period": 30, "digits": 6, "type": "TOTP",
  "algorithm": "SHA1", "thumbnail": "Default", "last_used": 1560000000000, "tags": []},
 {"secret": "KUVJJOM753IHTNDSZVCNKL7GII", "label": "Air Canada - Benjamin", "digits": 7, "type": "HOTP",
  "algorithm": "SHA256", "counter": 50, "thumbnail": "Default", "tags": ["travel"]},
 {"secret": "JRZCL47CMXVOQMNPZR2F7J4RGI", "label": "Boeing - Sophia", "period": 30, "digits": 5, "type": "STEAM",
  "algorithm": "SHA1", "thumbnail": "Steam", "tags": []},
 {"secret": "MFRGGZDFMZTWQ2LK", "label": "just an account", "period": 60, "digits": 8, "type": "TOTP",
  "algorithm": "SHA512", "tags": []}
]`

var andOTPOldWant = []flat{
	{Params: otp.Params{Issuer: "Deno", Account: "Mason", Algorithm: otp.SHA1, Digits: 6, Period: 30}, Secret: "4SJHB4GSD43FZBAI7C2HLRJGPQ"},
	{Params: otp.Params{Type: otp.HOTP, Issuer: "Air Canada", Account: "Benjamin", Algorithm: otp.SHA256, Digits: 7, Counter: 50}, Secret: "KUVJJOM753IHTNDSZVCNKL7GII"},
	{Params: otp.Params{Issuer: "Boeing", Account: "Sophia", Algorithm: otp.SHA1, Digits: 5, Period: 30, Steam: true}, Secret: "JRZCL47CMXVOQMNPZR2F7J4RGI"},
	{Params: otp.Params{Account: "just an account", Algorithm: otp.SHA512, Digits: 8, Period: 60}, Secret: "MFRGGZDFMZTWQ2LK"},
}

// sealAndOTPOld encrypts plain the way andOTP did before 0.6.3: AES-256-GCM
// under SHA-256(password), written as nonce (12 bytes) || ciphertext ||
// tag (16 bytes), with no header.
func sealAndOTPOld(t *testing.T, password string, nonce, plain []byte) []byte {
	t.Helper()
	key := sha256.Sum256([]byte(password))
	block, err := aes.NewCipher(key[:])
	if err != nil {
		t.Fatal(err)
	}
	aead, err := cipher.NewGCM(block) // 12-byte nonce, 16-byte tag
	if err != nil {
		t.Fatal(err)
	}
	return aead.Seal(append([]byte(nil), nonce...), nonce, plain, nil)
}

// TestAndOTPOldEncrypted: a backup in andOTP's old encrypted layout
// imports (asking for the password once) whatever its nonce's first four
// bytes say when read as the new layout's iteration count: more than the
// limit (as nearly every random nonce does: the new layout is not even
// tried), or a small count (the new layout is tried and fails first).
// A wrong password is ErrWrongPassword in both cases, never a complaint
// about the key derivation cost.
func TestAndOTPOldEncrypted(t *testing.T) {
	for name, prefix := range map[string]uint32{
		"iterations above the limit": 0xdead_beef,
		"iterations within it":       3,
	} {
		t.Run(name, func(t *testing.T) {
			nonce := make([]byte, 12)
			rand.Read(nonce[4:])
			binary.BigEndian.PutUint32(nonce, prefix)
			data := sealAndOTPOld(t, "old secret", nonce, []byte(andOTPOldBackup))
			if f, err := Detect(data); f != FormatAndOTP {
				t.Fatalf("Detect = %q, %v", f, err)
			}
			calls := 0
			r := mustImport(t, data, Options{Password: password("old secret", &calls)})
			if calls != 1 || len(r.Skipped) != 0 {
				t.Errorf("password asked %d times, skipped %v", calls, r.Skipped)
			}
			sameAccounts(t, flatten(t, r), andOTPOldWant)

			_, err := Import(data, Options{Password: password("wrong", nil)})
			if !errors.Is(err, ErrWrongPassword) || errors.Is(err, ErrCostTooHigh) {
				t.Errorf("wrong password: %v, want ErrWrongPassword", err)
			}
		})
	}
}

// TestAndOTPOldLayoutTooShort: fewer bytes than a nonce and a tag is
// malformed, and no password is asked.
func TestAndOTPOldLayoutTooShort(t *testing.T) {
	calls := 0
	_, err := Import(make([]byte, 27), Options{Format: FormatAndOTP, Password: password("x", &calls)})
	if !errors.Is(err, ErrMalformed) || calls != 0 {
		t.Errorf("27 bytes: %v (password asked %d times), want ErrMalformed", err, calls)
	}
}
