package transfer

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/awnumar/memguard"

	"github.com/twofold-app/twofold/vault/otp"
)

// Aegis vault files (docs/vault.md in the Aegis repository): a JSON
// envelope {version: 1, header: {slots, params}, db}. Plain files have
// null slots and params and db is the content object; encrypted files have
// password slots (type 1: scrypt(password, salt, N, r, p) wraps the
// master key with AES-256-GCM) and db is the base64 of the content
// encrypted with the master key (AES-256-GCM, nonce and tag in params).
// Content versions 1 to 3 are read: v1 has a "group" name per entry,
// v2 and later a list of groups and entries naming them by UUID.

type aegisFile struct {
	Version flexInt     `json:"version"`
	Header  aegisHeader `json:"header"`
	DB      aegisDBRaw  `json:"db"`
}

type aegisHeader struct {
	Slots  []aegisSlot  `json:"slots"`
	Params *aegisParams `json:"params"`
}

type aegisSlot struct {
	Type      int         `json:"type"`
	UUID      string      `json:"uuid"`
	Key       hexString   `json:"key"`
	KeyParams aegisParams `json:"key_params"`
	N         flexInt     `json:"n"`
	R         flexInt     `json:"r"`
	P         flexInt     `json:"p"`
	Salt      hexString   `json:"salt"`
	Repaired  bool        `json:"repaired"`
	IsBackup  bool        `json:"is_backup"`
}

type aegisParams struct {
	Nonce hexString `json:"nonce"`
	Tag   hexString `json:"tag"`
}

// hexString is a hex-encoded JSON string (not secret: salts, nonces,
// tags and wrapped keys).
type hexString []byte

func (h *hexString) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := hex.DecodeString(s)
	if err != nil {
		return fmt.Errorf("not hex")
	}
	*h = v
	return nil
}

// aegisDBRaw is the db field: a base64 string (encrypted) or the content
// object, decoded at once so the plain content is never copied.
type aegisDBRaw struct {
	sealed string
	plain  *aegisDB
}

func (d *aegisDBRaw) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &d.sealed)
	}
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	d.plain = new(aegisDB)
	return json.Unmarshal(b, d.plain)
}

type aegisDB struct {
	Version flexInt      `json:"version"`
	Entries []aegisEntry `json:"entries"`
	Groups  []aegisGroup `json:"groups"`
}

type aegisGroup struct {
	UUID string `json:"uuid"`
	Name string `json:"name"`
}

type aegisEntry struct {
	Type   string    `json:"type"`
	UUID   string    `json:"uuid"`
	Name   string    `json:"name"`
	Issuer string    `json:"issuer"`
	Group  *string   `json:"group"`  // content v1
	Groups []string  `json:"groups"` // content v2+
	Info   aegisInfo `json:"info"`
}

type aegisInfo struct {
	Secret  secretJSON `json:"secret"`
	Algo    string     `json:"algo"`
	Digits  flexInt    `json:"digits"`
	Period  flexInt    `json:"period"`
	Counter flexInt    `json:"counter"`
}

func (db *aegisDB) wipe() {
	if db == nil {
		return
	}
	for i := range db.Entries {
		db.Entries[i].Info.Secret.wipe()
	}
}

func parseAegis(data []byte, o *Options) (*Result, error) {
	var file aegisFile
	err := decodeJSON(FormatAegis, data, &file)
	defer file.DB.plain.wipe()
	if err != nil {
		return nil, err
	}
	if v := file.Version.or(1); v != 1 {
		return nil, fmt.Errorf("aegis file version %d: %w", v, ErrUnsupported)
	}
	if file.DB.plain != nil {
		return aegisAccounts(file.DB.plain, o.Limits)
	}
	if file.Header.Params == nil || file.DB.sealed == "" {
		return nil, malformed(FormatAegis, "neither plain content nor encrypted content with its parameters")
	}
	return decryptAegis(&file, o)
}

func decryptAegis(file *aegisFile, o *Options) (*Result, error) {
	master, err := aegisMasterKey(file.Header.Slots, o)
	if err != nil {
		return nil, err
	}
	defer master.Destroy()
	sealed, err := base64.StdEncoding.DecodeString(file.DB.sealed)
	if err != nil {
		return nil, malformed(FormatAegis, "db is not base64")
	}
	p := file.Header.Params
	plain, ok := gcmOpen(master.Bytes(), p.Nonce, append(sealed, p.Tag...))
	if !ok {
		return nil, malformed(FormatAegis, "the content does not decrypt with the key of its slot")
	}
	defer plain.free()
	var db aegisDB
	err = decodeJSON(FormatAegis, plain.b, &db)
	defer db.wipe()
	if err != nil {
		return nil, err
	}
	return aegisAccounts(&db, o.Limits)
}

// maxPasswordSlots bounds the key derivations one file can demand.
const maxPasswordSlots = 4

// aegisMasterKey unwraps the master key with the first password slot the
// password opens.
func aegisMasterKey(slots []aegisSlot, o *Options) (*memguard.LockedBuffer, error) {
	var pwSlots []aegisSlot
	for _, s := range slots {
		if s.Type == 1 {
			pwSlots = append(pwSlots, s)
		}
	}
	if len(pwSlots) == 0 {
		return nil, fmt.Errorf("aegis file has no password slot (biometric unlock only): %w", ErrUnsupported)
	}
	if len(pwSlots) > maxPasswordSlots {
		return nil, malformed(FormatAegis, "%d password slots", len(pwSlots))
	}
	for _, s := range pwSlots {
		if err := o.Limits.checkScrypt(FormatAegis, s.N.v, s.R.v, s.P.v); err != nil {
			return nil, err
		}
	}
	pw, err := o.password(FormatAegis)
	if err != nil {
		return nil, err
	}
	defer pw.Destroy()
	for _, s := range pwSlots {
		key, err := scryptKey(pw.Bytes(), s.Salt, int(s.N.v), int(s.R.v), int(s.P.v))
		if err != nil {
			return nil, malformed(FormatAegis, "slot key derivation: %v", err)
		}
		master, ok := gcmOpen(key.Bytes(), s.KeyParams.Nonce, append(bytes.Clone(s.Key), s.KeyParams.Tag...))
		key.Destroy()
		if !ok {
			continue
		}
		if master.locked == nil || len(master.b) != 32 {
			master.free()
			return nil, malformed(FormatAegis, "master key of %d bytes", len(master.b))
		}
		return master.locked, nil
	}
	return nil, wrongPassword(FormatAegis)
}

func aegisAccounts(db *aegisDB, l Limits) (*Result, error) {
	if v := db.Version.or(1); v < 1 || v > 3 {
		return nil, fmt.Errorf("aegis content version %d: %w", v, ErrUnsupported)
	}
	groups := map[string]string{}
	for _, g := range db.Groups {
		groups[g.UUID] = g.Name
	}
	b := newBuilder(FormatAegis, l)
	for i := range db.Entries {
		e := &db.Entries[i]
		a, err := aegisAccount(e, groups)
		if err == nil {
			err = b.addBase32(a, e.Info.Secret)
		} else {
			err = b.skip(a.Name(), err)
		}
		if err != nil {
			return b.fail(err)
		}
	}
	return b.result()
}

func aegisAccount(e *aegisEntry, groups map[string]string) (Account, error) {
	a := Account{Params: otp.Params{Issuer: strings.TrimSpace(e.Issuer), Account: strings.TrimSpace(e.Name)}}
	if e.Group != nil && *e.Group != "" {
		a.Group = []string{*e.Group}
	} else if len(e.Groups) > 0 && groups[e.Groups[0]] != "" {
		a.Group = []string{groups[e.Groups[0]]}
	}
	var err error
	if a.Algorithm, err = algorithmOr(e.Info.Algo); err != nil {
		return a, err
	}
	a.Digits = intField(e.Info.Digits, otp.DefaultDigits)
	switch strings.ToLower(e.Type) {
	case "totp":
		a.Period = intField(e.Info.Period, otp.DefaultPeriod)
	case "steam":
		a.Steam, a.Period = true, intField(e.Info.Period, otp.DefaultPeriod)
		a.Digits = intField(e.Info.Digits, otp.SteamDigits)
	case "hotp":
		a.Type = otp.HOTP
		a.Counter, err = counterField(e.Info.Counter, 0)
		if err != nil {
			return a, &otp.FieldError{Field: "counter", Reason: err.Error()}
		}
	default:
		return a, fmt.Errorf("otp type %q: %w", e.Type, otp.ErrUnsupported)
	}
	return a, nil
}

// algorithmOr parses an algorithm name; "" is SHA1.
func algorithmOr(s string) (otp.Algorithm, error) {
	if strings.TrimSpace(s) == "" {
		return otp.SHA1, nil
	}
	return otp.ParseAlgorithm(s)
}
