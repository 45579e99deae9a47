package transfer

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/twofold-app/twofold/vault/otp"
)

// 2FAS backups (.2fas, .json): {schemaVersion, services, groups, …}.
//
//   - Schema 1 has no OTP parameters at all: every account is read as
//     TOTP SHA1/6/30 (the format cannot carry more).
//   - Schema 2 adds digits, period, algorithm; still no HOTP.
//   - Schema 3 adds tokenType TOTP/HOTP and counter; schema 4 adds
//     tokenType STEAM and a link.
//
// Encrypted backups have services: [] and servicesEncrypted =
// "base64(ciphertext||tag):base64(salt):base64(iv)", AES-256-GCM under
// PBKDF2-HMAC-SHA256(password, salt, 10 000 iterations); the plaintext is
// the JSON array of services.

const twoFASIterations = 10_000

type twoFASFile struct {
	SchemaVersion     flexInt         `json:"schemaVersion"`
	Services          []twoFASService `json:"services"`
	ServicesEncrypted string          `json:"servicesEncrypted"`
	Groups            []twoFASGroup   `json:"groups"`
}

type twoFASGroup struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type twoFASService struct {
	Name    string     `json:"name"`
	Secret  secretJSON `json:"secret"`
	GroupID *string    `json:"groupId"`
	OTP     struct {
		Label     string  `json:"label"`
		Account   string  `json:"account"`
		Issuer    string  `json:"issuer"`
		Digits    flexInt `json:"digits"`
		Period    flexInt `json:"period"`
		Algorithm string  `json:"algorithm"`
		Counter   flexInt `json:"counter"`
		TokenType string  `json:"tokenType"`
	} `json:"otp"`
}

func wipeServices(s []twoFASService) {
	for i := range s {
		s[i].Secret.wipe()
	}
}

func parse2FAS(data []byte, o *Options) (*Result, error) {
	var file twoFASFile
	err := decodeJSON(Format2FAS, data, &file)
	defer wipeServices(file.Services)
	if err != nil {
		return nil, err
	}
	if v := file.SchemaVersion.or(1); v < 1 || v > 4 {
		return nil, fmt.Errorf("2fas schema version %d: %w", v, ErrUnsupported)
	}
	services := file.Services
	if file.ServicesEncrypted != "" {
		plain, err := decrypt2FAS(file.ServicesEncrypted, o)
		if err != nil {
			return nil, err
		}
		defer plain.free()
		var dec []twoFASService
		err = decodeJSON(Format2FAS, plain.b, &dec)
		defer wipeServices(dec)
		if err != nil {
			return nil, err
		}
		services = dec
	}
	return twoFASAccounts(services, file.Groups, o.Limits)
}

func decrypt2FAS(enc string, o *Options) (*scratch, error) {
	parts := strings.Split(enc, ":")
	if len(parts) != 3 {
		return nil, malformed(Format2FAS, "servicesEncrypted has %d parts, want 3", len(parts))
	}
	var raw [3][]byte
	for i, p := range parts {
		b, err := base64.StdEncoding.DecodeString(p)
		if err != nil {
			return nil, malformed(Format2FAS, "servicesEncrypted part %d is not base64", i+1)
		}
		raw[i] = b
	}
	sealed, salt, iv := raw[0], raw[1], raw[2]
	if len(iv) == 0 || len(sealed) < 16 {
		return nil, malformed(Format2FAS, "servicesEncrypted is too short")
	}
	pw, err := o.password(Format2FAS)
	if err != nil {
		return nil, err
	}
	defer pw.Destroy()
	key, err := pbkdf2Key(sha256.New, pw.Bytes(), salt, twoFASIterations)
	if err != nil {
		return nil, err
	}
	defer key.Destroy()
	plain, ok := gcmOpen(key.Bytes(), iv, sealed)
	if !ok {
		return nil, wrongPassword(Format2FAS)
	}
	return plain, nil
}

func twoFASAccounts(services []twoFASService, groups []twoFASGroup, l Limits) (*Result, error) {
	names := map[string]string{}
	for _, g := range groups {
		names[g.ID] = g.Name
	}
	b := newBuilder(Format2FAS, l)
	for i := range services {
		s := &services[i]
		a, err := twoFASAccount(s, names)
		if err == nil {
			err = b.addBase32(a, s.Secret)
		} else {
			err = b.skip(a.Name(), err)
		}
		if err != nil {
			return b.fail(err)
		}
	}
	return b.result()
}

func twoFASAccount(s *twoFASService, groups map[string]string) (Account, error) {
	o := &s.OTP
	a := Account{Params: otp.Params{Issuer: strings.TrimSpace(o.Issuer), Account: strings.TrimSpace(o.Account)}}
	if a.Issuer == "" {
		a.Issuer = strings.TrimSpace(s.Name)
	}
	if a.Account == "" {
		label := strings.TrimSpace(o.Label)
		if rest, ok := strings.CutPrefix(label, a.Issuer+":"); ok {
			label = strings.TrimSpace(rest)
		}
		a.Account = label
	}
	if s.Name != "" && s.Name != a.Issuer {
		a.Title = s.Name
	}
	if s.GroupID != nil && groups[*s.GroupID] != "" {
		a.Group = []string{groups[*s.GroupID]}
	}
	var err error
	if a.Algorithm, err = algorithmOr(o.Algorithm); err != nil {
		return a, err
	}
	a.Digits = intField(o.Digits, otp.DefaultDigits)
	a.Period = intField(o.Period, otp.DefaultPeriod)
	switch strings.ToUpper(o.TokenType) {
	case "", "TOTP":
	case "STEAM":
		a.Steam, a.Digits = true, intField(o.Digits, otp.SteamDigits)
	case "HOTP":
		a.Type, a.Period = otp.HOTP, 0
		if a.Counter, err = counterField(o.Counter, 0); err != nil {
			return a, &otp.FieldError{Field: "counter", Reason: err.Error()}
		}
	default:
		return a, fmt.Errorf("token type %q: %w", o.TokenType, otp.ErrUnsupported)
	}
	return a, nil
}
