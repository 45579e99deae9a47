package otp

import (
	"bytes"
	"errors"
	"testing"
	"time"
)

// FuzzParseURI: ParseURI never panics; it returns a valid key or an error
// wrapping one of the sentinels; a key it returns generates codes and
// survives URI → ParseURI unchanged.
func FuzzParseURI(f *testing.F) {
	for _, c := range validURIs {
		f.Add([]byte(c.uri))
	}
	for _, c := range invalidURIs {
		f.Add([]byte(c.uri))
	}
	f.Add([]byte("otpauth://totp/a%3Ab:c?secret=GEZDGNBVGY3TQOJQ&issuer=a%3Ab#x?secret=Y"))
	f.Fuzz(func(t *testing.T, uri []byte) {
		in := bytes.Clone(uri)
		k, err := ParseURI(uri)
		if !bytes.Equal(in, uri) {
			t.Fatal("ParseURI modified its input")
		}
		if err != nil {
			if !isSentinel(err) {
				t.Fatalf("error %v wraps no sentinel", err)
			}
			return
		}
		defer k.Destroy()
		if err := k.Validate(); err != nil {
			t.Fatalf("returned invalid params %+v: %v", k.Params, err)
		}
		if _, err := k.Code(time.Unix(1_700_000_000, 0)); err != nil {
			t.Fatalf("Code: %v", err)
		}
		buf := k.URI()
		defer buf.Destroy()
		k2, err := ParseURI(buf.Bytes())
		if err != nil {
			t.Fatalf("reparse %s: %v", buf.Bytes(), err)
		}
		defer k2.Destroy()
		if k2.Params != k.Params || !bytes.Equal(k2.Secret.Bytes(), k.Secret.Bytes()) {
			t.Fatalf("round trip via %s\n got %+v\nwant %+v", buf.Bytes(), k2.Params, k.Params)
		}
	})
}

func isSentinel(err error) bool {
	for _, s := range []error{ErrInvalid, ErrMalformedURI, ErrNoSecret, ErrBadSecret, ErrUnsupported} {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}
