package transfer

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/twofold-app/twofold/vault/otp"
)

// FreeOTP+ JSON export: {"tokenOrder": […], "tokens": [{algo, counter,
// digits, issuerExt, issuerInt, label, period, secret, type}]}. The
// secret is the raw key as a JSON array of signed bytes. FreeOTP keeps an
// HOTP token's last used counter (it writes counter+1 into URIs and
// generates the next code from counter+1), so the next counter is stored
// + 1. A TOTP token whose issuer is "Steam" makes Steam codes in FreeOTP+.

type freeOTPFile struct {
	Tokens []freeOTPToken `json:"tokens"`
}

type freeOTPToken struct {
	Algo      string      `json:"algo"`
	Counter   flexInt     `json:"counter"`
	Digits    flexInt     `json:"digits"`
	IssuerExt string      `json:"issuerExt"`
	IssuerInt string      `json:"issuerInt"`
	Label     string      `json:"label"`
	Period    flexInt     `json:"period"`
	Secret    signedBytes `json:"secret"`
	Type      string      `json:"type"`
}

// signedBytes is a JSON array of numbers -128..255, decoded into a slice
// of exactly its length (encoding/json would grow a slice and leave
// partial copies of the key behind).
type signedBytes []byte

func (s *signedBytes) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	if len(b) < 2 || b[0] != '[' || b[len(b)-1] != ']' {
		return fmt.Errorf("secret is not an array")
	}
	body := bytes.TrimSpace(b[1 : len(b)-1])
	if len(body) == 0 {
		*s = []byte{}
		return nil
	}
	out := make([]byte, bytes.Count(body, []byte(","))+1)
	for i := range out {
		var num []byte
		num, body, _ = bytes.Cut(body, []byte(","))
		v, err := strconv.Atoi(string(bytes.TrimSpace(num)))
		if err != nil || v < -128 || v > 255 {
			clear(out)
			return fmt.Errorf("secret byte %d is not a byte", i)
		}
		out[i] = byte(v)
	}
	*s = out
	return nil
}

func parseFreeOTP(data []byte, o *Options) (*Result, error) {
	var file freeOTPFile
	err := decodeJSON(FormatFreeOTP, data, &file)
	defer func() {
		for i := range file.Tokens {
			clear(file.Tokens[i].Secret)
		}
	}()
	if err != nil {
		return nil, err
	}
	b := newBuilder(FormatFreeOTP, o.Limits)
	for i := range file.Tokens {
		t := &file.Tokens[i]
		a, err := freeOTPAccount(t)
		if err == nil {
			err = b.addRaw(a, t.Secret)
		} else {
			err = b.skip(a.Name(), err)
		}
		if err != nil {
			return b.fail(err)
		}
	}
	return b.result()
}

func freeOTPAccount(t *freeOTPToken) (Account, error) {
	a := Account{Params: otp.Params{Issuer: strings.TrimSpace(t.IssuerExt), Account: strings.TrimSpace(t.Label)}}
	if a.Issuer == "" {
		a.Issuer = strings.TrimSpace(t.IssuerInt)
	}
	var err error
	if a.Algorithm, err = algorithmOr(t.Algo); err != nil {
		return a, err
	}
	a.Digits = intField(t.Digits, otp.DefaultDigits)
	switch strings.ToUpper(t.Type) {
	case "TOTP", "":
		a.Period = intField(t.Period, otp.DefaultPeriod)
		if a.Issuer == "Steam" {
			a.Steam, a.Digits = true, otp.SteamDigits
		}
	case "HOTP":
		a.Type = otp.HOTP
		if a.Counter, err = counterField(t.Counter, 1); err != nil {
			return a, &otp.FieldError{Field: "counter", Reason: err.Error()}
		}
	default:
		return a, fmt.Errorf("otp type %q: %w", t.Type, otp.ErrUnsupported)
	}
	return a, nil
}
