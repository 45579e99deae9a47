package transfer

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/twofold-app/twofold/vault/internal/secret"
	"github.com/twofold-app/twofold/vault/otp"
)

// Aegis export: what Aegis itself writes today (vault file version 1,
// content version 3 with groups; one password slot with Aegis's scrypt
// parameters N=2^15, r=8, p=1, a 32-byte salt and AES-256-GCM), so Aegis
// imports it as its own backup.

// AegisOptions tune ExportAegis.
type AegisOptions struct {
	// Password encrypts the file; nil writes a plain vault. The caller
	// owns it.
	Password []byte
	// ScryptN, ScryptR, ScryptP override Aegis's parameters (tests use a
	// cheap N); zero keeps 2^15, 8, 1.
	ScryptN, ScryptR, ScryptP int
}

// Aegis's key derivation parameters (docs/vault.md).
const (
	AegisScryptN = 1 << 15
	AegisScryptR = 8
	AegisScryptP = 1
)

// ExportAegis writes an Aegis vault file. The content is built in one
// buffer of its final size, secrets written straight into it, and wiped
// once written (or encrypted).
func ExportAegis(src Source, w io.Writer, o AegisOptions) error {
	content, err := aegisContent(src)
	if err != nil {
		return err
	}
	defer clear(content)
	var file []byte
	if o.Password == nil {
		file = aegisEnvelope(`{"slots":null,"params":null}`, content)
	} else {
		header, db, err := sealAegis(content, o)
		if err != nil {
			return err
		}
		file = aegisEnvelope(header, []byte(strconv.Quote(db)))
	}
	defer clear(file)
	if _, err := w.Write(file); err != nil {
		return fmt.Errorf("export aegis: %w", err)
	}
	return nil
}

func aegisEnvelope(header string, db []byte) []byte {
	out := make([]byte, 0, len(header)+len(db)+64)
	out = append(out, `{"version":1,"header":`...)
	out = append(out, header...)
	out = append(out, `,"db":`...)
	out = append(out, db...)
	return append(out, "}\n"...)
}

// aegisEntryJSON is an entry's non-secret fields; the secret is spliced
// in by aegisContent.
type aegisEntryJSON struct {
	Type     string   `json:"type"`
	UUID     string   `json:"uuid"`
	Name     string   `json:"name"`
	Issuer   string   `json:"issuer"`
	Note     string   `json:"note"`
	Favorite bool     `json:"favorite"`
	Icon     *string  `json:"icon"`
	IconMime *string  `json:"icon_mime"`
	IconHash *string  `json:"icon_hash"`
	Groups   []string `json:"groups"`
}

// aegisContent builds {"version":3,"entries":[…],"groups":[…]}.
func aegisContent(src Source) ([]byte, error) {
	groups, groupIDs := aegisGroups(src)
	var parts [][]byte // entry JSON without info; no secrets
	size := 64 + len(groups)
	for i := range src.Len() {
		e := src.Entry(i)
		typ := "totp"
		switch {
		case e.Steam:
			typ = "steam"
		case e.Type == otp.HOTP:
			typ = "hotp"
		}
		ej := aegisEntryJSON{Type: typ, UUID: newUUID(), Name: e.Account, Issuer: e.Issuer, Groups: []string{}}
		if g := strings.Join(e.Group, "/"); g != "" {
			ej.Groups = append(ej.Groups, groupIDs[g])
		}
		b, err := json.Marshal(ej)
		if err != nil {
			return nil, err
		}
		parts = append(parts, b)
		size += len(b) + 200 + base32.StdEncoding.EncodedLen(256)
	}
	out := make([]byte, 0, size)
	out = append(out, `{"version":3,"entries":[`...)
	for i, p := range parts {
		if i > 0 {
			out = append(out, ',')
		}
		var err error
		if out, err = appendAegisEntry(out, p, src, i); err != nil {
			clear(out)
			return nil, err
		}
	}
	out = append(out, `],"groups":`...)
	out = append(out, groups...)
	return append(out, '}'), nil
}

// appendAegisEntry appends entry JSON p with its "info" object.
func appendAegisEntry(out, p []byte, src Source, i int) ([]byte, error) {
	k, err := src.Key(i)
	if err != nil {
		return out, fmt.Errorf("export %s: %w", src.Entry(i).Name(), err)
	}
	defer k.Destroy()
	raw := k.Secret.Bytes()
	if len(out)+len(p)+base32.StdEncoding.EncodedLen(len(raw))+200 > cap(out) {
		return out, fmt.Errorf("export %s: secret of %d bytes is too long", src.Entry(i).Name(), len(raw))
	}
	out = append(out, p[:len(p)-1]...) // without the closing brace
	out = append(out, `,"info":{"secret":"`...)
	n := base32.StdEncoding.WithPadding(base32.NoPadding).EncodedLen(len(raw))
	base32.StdEncoding.WithPadding(base32.NoPadding).Encode(out[len(out):len(out)+n], raw)
	out = out[:len(out)+n]
	out = append(out, `","algo":"`+k.Algorithm.String()+`","digits":`+strconv.Itoa(k.Digits)...)
	if k.Type == otp.HOTP {
		out = append(out, `,"counter":`+strconv.FormatUint(k.Counter, 10)...)
	} else {
		out = append(out, `,"period":`+strconv.Itoa(k.Period)...)
	}
	return append(out, "}}"...), nil
}

// aegisGroups gives each distinct group path an Aegis group (named by
// the path joined with '/') and returns their JSON and ids.
func aegisGroups(src Source) ([]byte, map[string]string) {
	type group struct {
		UUID string `json:"uuid"`
		Name string `json:"name"`
	}
	ids := map[string]string{}
	list := []group{}
	for i := range src.Len() {
		g := strings.Join(src.Entry(i).Group, "/")
		if g == "" || ids[g] != "" {
			continue
		}
		ids[g] = newUUID()
		list = append(list, group{ids[g], g})
	}
	b, _ := json.Marshal(list)
	return b, ids
}

// sealAegis encrypts content under a fresh master key wrapped by one
// password slot; it returns the header JSON and the base64 db.
func sealAegis(content []byte, o AegisOptions) (string, string, error) {
	n, r, p := o.ScryptN, o.ScryptR, o.ScryptP
	if n == 0 {
		n, r, p = AegisScryptN, AegisScryptR, AegisScryptP
	}
	master := secret.NewBuffer(32)
	defer master.Destroy()
	salt, slotNonce, dbNonce := random(32), random(12), random(12)
	if _, err := rand.Read(master.Bytes()); err != nil {
		return "", "", err
	}
	key, err := scryptKey(o.Password, salt, n, r, p)
	if err != nil {
		return "", "", fmt.Errorf("export aegis: %w", err)
	}
	defer key.Destroy()
	wrapped, err := gcmSeal(key.Bytes(), slotNonce, master.Bytes())
	if err != nil {
		return "", "", err
	}
	sealed, err := gcmSeal(master.Bytes(), dbNonce, content)
	if err != nil {
		return "", "", err
	}
	ct, tag := sealed[:len(sealed)-16], sealed[len(sealed)-16:]
	slot := fmt.Sprintf(`{"type":1,"uuid":%q,"key":%q,"key_params":{"nonce":%q,"tag":%q},"n":%d,"r":%d,"p":%d,"salt":%q,"repaired":true,"is_backup":false}`,
		newUUID(), hex.EncodeToString(wrapped[:32]), hex.EncodeToString(slotNonce), hex.EncodeToString(wrapped[32:]), n, r, p, hex.EncodeToString(salt))
	header := fmt.Sprintf(`{"slots":[%s],"params":{"nonce":%q,"tag":%q}}`, slot, hex.EncodeToString(dbNonce), hex.EncodeToString(tag))
	return header, base64.StdEncoding.EncodeToString(ct), nil
}

func random(n int) []byte {
	b := make([]byte, n)
	rand.Read(b) // never fails (crypto/rand panics instead)
	return b
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	b := random(16)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
