package transfer

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"github.com/awnumar/memguard"

	"github.com/twofold-app/twofold/vault/internal/secret"
	"github.com/twofold-app/twofold/vault/otp"
)

// andOTP backups: a JSON array of entries. Encrypted backups (.json.aes)
// are, since andOTP 0.6.3, [iterations uint32 BE][salt 12][nonce 12]
// [ciphertext][tag 16] with key PBKDF2-HMAC-SHA1(password, salt,
// iterations, 32 bytes) and AES-256-GCM; older ones are [nonce 12]
// [ciphertext][tag 16] with key SHA-256(password). Neither has a marker,
// so the new layout is tried first, then the old one.

const (
	andOTPSaltLen  = 12
	andOTPNonceLen = 12
	andOTPTagLen   = 16
	andOTPMinLen   = andOTPNonceLen + andOTPTagLen // the old layout, empty content
)

type andOTPEntry struct {
	Secret    secretJSON `json:"secret"`
	Issuer    *string    `json:"issuer"`
	Label     string     `json:"label"`
	Digits    flexInt    `json:"digits"`
	Type      string     `json:"type"`
	Algorithm string     `json:"algorithm"`
	Period    flexInt    `json:"period"`
	Counter   flexInt    `json:"counter"`
	Tags      []string   `json:"tags"`
}

func wipeAndOTP(entries []andOTPEntry) {
	for i := range entries {
		entries[i].Secret.wipe()
	}
}

func parseAndOTP(data []byte, o *Options) (*Result, error) {
	if text := trimJSON(data); len(text) > 0 && text[0] == '[' {
		return andOTPAccounts(text, o.Limits)
	}
	plain, err := decryptAndOTP(data, o)
	if err != nil {
		return nil, err
	}
	defer plain.free()
	return andOTPAccounts(plain.b, o.Limits)
}

func decryptAndOTP(data []byte, o *Options) (*scratch, error) {
	if len(data) < andOTPMinLen {
		return nil, malformed(FormatAndOTP, "%d bytes is too short for an encrypted backup", len(data))
	}
	iterations := int64(binary.BigEndian.Uint32(data))
	costErr := o.Limits.checkPBKDF2(FormatAndOTP, iterations)
	newLayout := costErr == nil && len(data) >= 4+andOTPSaltLen+andOTPMinLen
	pw, err := o.password(FormatAndOTP)
	if err != nil {
		return nil, err
	}
	defer pw.Destroy()
	if newLayout {
		salt := data[4 : 4+andOTPSaltLen]
		key, err := pbkdf2Key(sha1.New, pw.Bytes(), salt, int(iterations))
		if err != nil {
			return nil, err
		}
		plain, ok := andOTPOpen(key, data[4+andOTPSaltLen:])
		if ok {
			return plain, nil
		}
	}
	if plain, ok := andOTPOpen(sha256Locked(pw.Bytes()), data); ok {
		return plain, nil
	}
	if errors.Is(costErr, ErrCostTooHigh) {
		// Nearly every old-layout file lands here: its random nonce read as
		// an iteration count is above the limit (andOTP writes 140 000 to
		// 160 000). The password is the likely cause, not a crafted cost;
		// the new layout was not tried, so no KDF ran at that cost.
		return nil, fmt.Errorf("decrypt %s file: %w (or the file is damaged, or asks for more than %d PBKDF2 iterations)",
			FormatAndOTP, ErrWrongPassword, o.Limits.MaxPBKDF2Iterations)
	}
	return nil, wrongPassword(FormatAndOTP)
}

// andOTPOpen decrypts [nonce][ciphertext][tag] and destroys key.
func andOTPOpen(key *memguard.LockedBuffer, data []byte) (*scratch, bool) {
	defer key.Destroy()
	return gcmOpen(key.Bytes(), data[:andOTPNonceLen], data[andOTPNonceLen:])
}

// sha256Locked hashes p into locked memory (the old andOTP key).
func sha256Locked(p []byte) *memguard.LockedBuffer {
	h := sha256.Sum256(p)
	buf := secret.NewBuffer(len(h))
	copy(buf.Bytes(), h[:])
	clear(h[:])
	return buf
}

func andOTPAccounts(text []byte, l Limits) (*Result, error) {
	var entries []andOTPEntry
	err := decodeJSON(FormatAndOTP, text, &entries)
	defer wipeAndOTP(entries)
	if err != nil {
		return nil, err
	}
	b := newBuilder(FormatAndOTP, l)
	for i := range entries {
		e := &entries[i]
		a, err := andOTPAccount(e)
		if err == nil {
			err = b.addBase32(a, e.Secret)
		} else {
			err = b.skip(a.Name(), err)
		}
		if err != nil {
			return b.fail(err)
		}
	}
	return b.result()
}

func andOTPAccount(e *andOTPEntry) (Account, error) {
	a := Account{}
	if e.Issuer != nil {
		a.Issuer, a.Account = strings.TrimSpace(*e.Issuer), strings.TrimSpace(e.Label)
	} else if i, acct, ok := strings.Cut(e.Label, " - "); ok {
		// Old andOTP versions kept "Issuer - account" in the label.
		a.Issuer, a.Account = strings.TrimSpace(i), strings.TrimSpace(acct)
	} else {
		a.Account = strings.TrimSpace(e.Label)
	}
	var err error
	if a.Algorithm, err = algorithmOr(e.Algorithm); err != nil {
		return a, err
	}
	a.Digits = intField(e.Digits, otp.DefaultDigits)
	switch strings.ToUpper(e.Type) {
	case "TOTP", "":
		a.Period = intField(e.Period, otp.DefaultPeriod)
	case "STEAM":
		a.Steam, a.Period = true, intField(e.Period, otp.DefaultPeriod)
		a.Digits = intField(e.Digits, otp.SteamDigits)
	case "HOTP":
		a.Type = otp.HOTP
		if a.Counter, err = counterField(e.Counter, 0); err != nil {
			return a, &otp.FieldError{Field: "counter", Reason: err.Error()}
		}
	default:
		return a, fmt.Errorf("otp type %q: %w", e.Type, otp.ErrUnsupported)
	}
	return a, nil
}
