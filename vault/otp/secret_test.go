package otp

import (
	"bytes"
	"encoding/base32"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestParseSecretLenient(t *testing.T) {
	want := []byte("12345678901234567890")
	for _, in := range []string{
		"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
		"gezdgnbvgy3tqojqgezdgnbvgy3tqojq",
		"gezd gnbv gy3t qojq gezd gnbv gy3t qojq",
		"GEZD-GNBV-GY3T-QOJQ-GEZD-GNBV-GY3T-QOJQ",
		"  GEZDGNBVGY3TQOJQ\n\tGEZDGNBVGY3TQOJQ\r\n",
		"GEZDGNBVGY3TQ0JQGEZDGNBVGY3TQOJQ", // KeePassXC reads 0 as O
	} {
		buf, err := ParseSecret([]byte(in))
		if err != nil {
			t.Errorf("ParseSecret(%q): %v", in, err)
			continue
		}
		if !bytes.Equal(buf.Bytes(), want) {
			t.Errorf("ParseSecret(%q) = %q", in, buf.Bytes())
		}
		buf.Destroy()
	}
}

// Every length, padded and unpadded, lower and upper case, against
// encoding/base32.
func TestParseSecretMatchesEncodingBase32(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for n := 1; n <= 70; n++ {
		raw := randomBytes(r, n)
		padded := base32.StdEncoding.EncodeToString(raw)
		for _, in := range []string{padded, strings.TrimRight(padded, "="), strings.ToLower(padded)} {
			buf, err := ParseSecret([]byte(in))
			if err != nil {
				t.Fatalf("ParseSecret(%q): %v", in, err)
			}
			if !bytes.Equal(buf.Bytes(), raw) {
				t.Fatalf("ParseSecret(%q) = %x, want %x", in, buf.Bytes(), raw)
			}
			buf.Destroy()
		}
	}
}

func TestParseSecretErrors(t *testing.T) {
	for in, target := range map[string]error{
		"":                  ErrNoSecret,
		"   ":               ErrNoSecret,
		"====":              ErrNoSecret,
		"GEZDGNBV9Y3TQOJQ":  ErrBadSecret, // 9 is not base32
		"GEZDGNBV!Y3TQOJQ":  ErrBadSecret,
		"GEZDGNBVGY3TQOJ":   nil,          // 15 symbols: fine
		"A":                 ErrBadSecret, // 1 symbol cannot make a byte
		"ABC":               ErrBadSecret,
		"ABCDEF":            ErrBadSecret,
		"GEZDGNBV=GY3TQOJQ": ErrBadSecret, // data after padding
		"GEZDGNBVGY3TQOJQ%": ErrBadSecret,
	} {
		buf, err := ParseSecret([]byte(in))
		if target == nil {
			if err != nil {
				t.Errorf("ParseSecret(%q): %v", in, err)
			} else {
				buf.Destroy()
			}
			continue
		}
		if err == nil {
			buf.Destroy()
		}
		if !errors.Is(err, target) {
			t.Errorf("ParseSecret(%q) error = %v, want %v", in, err, target)
		}
	}
}

// Errors say where the fault is, counting characters from 1 as a person
// does, and never show the secret's symbols: only a printable character
// that is not base32 (no part of the key) is quoted.
func TestParseSecretErrorSaysWhereAndHidesSecret(t *testing.T) {
	for in, want := range map[string]string{
		"QQQQQQQQ!QQQQQQQ": "parse secret: character 9 ('!') is not base32: bad otp secret",
		"!QQQQQQQ":         "parse secret: character 1 ('!') is not base32: bad otp secret",
		"QQQQ9QQQ":         "parse secret: character 5 ('9') is not base32: bad otp secret",
		"QQ QQ\x01QQQQ":    "parse secret: character 6 is not base32: bad otp secret",
		"QQéQQQQQ":         "parse secret: character 3 ('é') is not base32: bad otp secret",
		"QQQé!QQQ":         "parse secret: character 4 ('é') is not base32: bad otp secret",
		"QQ\xffQQQQQ":      "parse secret: character 3 is not base32: bad otp secret",
		"QQQQQQQ=Q":        "parse secret: character 9 follows the '=' padding, which ends a base32 secret: bad otp secret",
	} {
		_, err := ParseSecret([]byte(in))
		if err == nil || err.Error() != want {
			t.Errorf("ParseSecret(%q) error = %v, want %q", in, err, want)
		}
		if err != nil && strings.Contains(err.Error(), "QQ") {
			t.Errorf("ParseSecret(%q) error %q shows the secret", in, err)
		}
	}
	_, err := decodeSecret([]byte("abcdefgz"), encHex)
	if err == nil || strings.Contains(err.Error(), "z") {
		t.Fatalf("hex error %v", err)
	}
}

func TestDecodeSecretEncodings(t *testing.T) {
	want := []byte("12345678901234567890")
	for _, c := range []struct {
		in  string
		enc secretEncoding
	}{
		{"3132333435363738393031323334353637383930", encHex},
		{"31 32 33 34 35 36 37 38 39 30\n31 32 33 34 35 36 37 38 39 30", encHex},
		{"3132333435363738393031323334353637383930", encHex},
		{"MTIzNDU2Nzg5MDEyMzQ1Njc4OTA=", encBase64},
		{"MTIzNDU2Nzg5MDEyMzQ1Njc4OTA", encBase64},
		{"MTIzNDU2 Nzg5MDEy\nMzQ1Njc4OTA=", encBase64},
		{"12345678901234567890", encUTF8},
		{"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", encBase32},
	} {
		buf, err := decodeSecret([]byte(c.in), c.enc)
		if err != nil || !bytes.Equal(buf.Bytes(), want) {
			t.Errorf("decodeSecret(%q, %d) = %q, %v", c.in, c.enc, buf.Bytes(), err)
		}
		if err == nil {
			buf.Destroy()
		}
	}
	for _, c := range []struct {
		in     string
		enc    secretEncoding
		target error
	}{
		{"313", encHex, ErrBadSecret},
		{"31-32", encHex, ErrBadSecret},
		{"zz", encHex, ErrBadSecret},
		{"M", encBase64, ErrBadSecret},
		{"MTI*", encBase64, ErrBadSecret},
		{"", encUTF8, ErrNoSecret},
		{" \n", encHex, ErrNoSecret},
		{"==", encBase64, ErrNoSecret},
	} {
		_, err := decodeSecret([]byte(c.in), c.enc)
		if !errors.Is(err, c.target) {
			t.Errorf("decodeSecret(%q, %d) error = %v, want %v", c.in, c.enc, err, c.target)
		}
	}
}

func TestLockedText(t *testing.T) {
	raw := []byte("1234567890123456") // 16 bytes: 26 symbols + 6 padding
	buf := lockedText("a=", raw, "%3D", "&b")
	defer buf.Destroy()
	want := "a=" + strings.ReplaceAll(base32.StdEncoding.EncodeToString(raw), "=", "%3D") + "&b"
	if got := string(buf.Bytes()); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
