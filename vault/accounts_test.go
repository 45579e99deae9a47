package vault_test

import (
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/awnumar/memguard"

	"github.com/twofold-app/twofold/internal/peers"
	"github.com/twofold-app/twofold/vault/otp"
)

// mapFields is an entry's fields for otp.FromFields.
type mapFields map[string]string

func (m mapFields) Plain(key string) (string, bool) {
	if otp.IsSecretField(key) {
		return "", false
	}
	v, ok := m[key]
	return v, ok
}

func (m mapFields) Secret(key string) (*memguard.LockedBuffer, bool) {
	v, ok := m[key]
	if !ok || !otp.IsSecretField(key) {
		return nil, false
	}
	buf := memguard.NewBuffer(len(v))
	copy(buf.Bytes(), v)
	return buf, true
}

// odd are entries, good and broken, in every convention.
var odd = map[string]mapFields{
	"Escaped":       {"otp": "otpauth://totp/A:b?secret=GEZDGNBVGY3TQOJQ%3D%3D&digits=8"},
	"BadBase32":     {"otp": "otpauth://totp/A:b?secret=GEZD!NBV"},
	"BadEscape":     {"otp": "otpauth://totp/A:b?secret=GEZDGNBV%3"},
	"NoSecret":      {"otp": "otpauth://totp/A:b?issuer=A"},
	"TwoSecrets":    {"otp": "otpauth://totp/A:b?secret=GEZDGNBV&secret=GEZDGNBV"},
	"Malformed":     {"otp": "otpauth:/totp"},
	"MOTP":          {"otp": "otpauth://motp/A:b?secret=GEZDGNBV"},
	"BadDigits":     {"otp": "otpauth://totp/A:b?secret=GEZDGNBV&digits=x"},
	"SteamHost":     {"otp": " otpauth://steam/S:b?secret=GEZDGNBV "},
	"KeeOtpHex":     {"otp": "key=3132%2033&encoding=hex&type=Hotp&counter=4"},
	"KeeOtpB64":     {"otp": "key=MTIz%0ANDU2&encoding=base64&otpHashMode=Sha512"},
	"KeeOtpBadB64":  {"otp": "key=M@Iz&encoding=base64"},
	"KeeOtpNoKey":   {"otp": "step=30"},
	"KeeOtpEmpty":   {"otp": "key=&size=8"},
	"BlankOTP":      {"otp": "   ", "TimeOtp-Secret-Hex": "3132 3334"},
	"OddHex":        {"TimeOtp-Secret-Hex": "313"},
	"BadHex":        {"TimeOtp-Secret-Hex": "zz"},
	"UTF8":          {"HmacOtp-Secret": " pass phrase ", "HmacOtp-Counter": "7"},
	"BadLength":     {"TimeOtp-Secret": "abc", "TimeOtp-Length": "x"},
	"BadPeriod":     {"TimeOtp-Secret-Base32": "GEZDGNBV", "TimeOtp-Period": "0"},
	"B64Short":      {"TimeOtp-Secret-Base64": "M==="},
	"LegacyBadSeed": {"TOTP Seed": "1!", "TOTP Settings": "30;6"},
	"LegacyNoSeed":  {"TOTP Settings": "30;S"},
	"LegacyBadSet":  {"TOTP Seed": "GEZDGNBV", "TOTP Settings": "x;6"},
	"SeedAlone":     {"TOTP Seed": "gezd-gnbv"},
	"NotAnAccount":  {"Notes": "no otp here"},
}

// TestAccountsReadLikeFromFields: the store reads OTP fields in the Box's
// scratch memory (otp.ReadFields), and must list the same accounts, with
// the same parameters and errors, as otp.FromFields on the same fields.
func TestAccountsReadLikeFromFields(t *testing.T) {
	peers.Require(t, "keepassxc-cli")
	xml := filepath.Join(t.TempDir(), "odd.xml")
	if err := os.WriteFile(xml, []byte(oddXML()), 0o600); err != nil {
		t.Fatal(err)
	}
	kx := peers.KeePassXC{Path: filepath.Join(t.TempDir(), "odd.kdbx"), Password: "pw"}
	kx.Import(t, xml)
	s := openPeer(t, kx)
	list, err := s.Accounts()
	if err != nil {
		t.Fatal(err)
	}
	if want := len(odd) - 1; len(list) != want {
		t.Errorf("%d accounts, want %d", len(list), want)
	}
	at := time.Unix(1_700_000_000, 0)
	got := map[string]bool{}
	for _, a := range list {
		got[a.Title] = true
		key, conv, err := otp.FromFields(odd[a.Title])
		if fmt.Sprint(err) != fmt.Sprint(a.Err) {
			t.Errorf("%s: error %v, FromFields says %v", a.Title, a.Err, err)
		}
		if err != nil {
			continue
		}
		p := key.Params
		want, err := key.Code(at)
		key.Destroy()
		if c, cerr := s.Code(a.ID, at); err != nil || cerr != nil || c.Code != want {
			t.Errorf("%s: code %q (%v), FromFields' key gives %q (%v)", a.Title, c.Code, cerr, want, err)
		}
		if conv != a.Convention || p.Type != a.Type || p.Digits != a.Digits || p.Period != a.Period ||
			p.Algorithm != a.Algorithm || p.Counter != a.Counter || p.Steam != a.Steam {
			t.Errorf("%s: %v %+v, FromFields says %v %+v", a.Title, a.Convention, a.Params, conv, p)
		}
	}
	for title, f := range odd {
		if _, _, err := otp.FromFields(f); !errors.Is(err, otp.ErrNoOTP) != got[title] {
			t.Errorf("%s: listed %v, FromFields says %v", title, got[title], err)
		}
	}
}

// oddXML is a KeePass XML file holding the odd entries.
func oddXML() string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><KeePassFile><Meta><Generator>Twofold test</Generator></Meta><Root><Group><UUID>x8fHx8fHx8fHx8fHx8fHxw==</UUID><Name>Root</Name>`)
	i := 0
	for title, f := range odd {
		i++
		uuid := base64.StdEncoding.EncodeToString(fmt.Appendf(nil, "%016d", i))
		fmt.Fprintf(&b, `<Entry><UUID>%s</UUID><String><Key>Title</Key><Value>%s</Value></String>`, uuid, title)
		for k, v := range f {
			prot := ""
			if otp.IsSecretField(k) {
				prot = ` ProtectInMemory="True"`
			}
			fmt.Fprintf(&b, `<String><Key>%s</Key><Value%s>%s</Value></String>`, html.EscapeString(k), prot, html.EscapeString(v))
		}
		b.WriteString(`</Entry>`)
	}
	b.WriteString(`</Group></Root></KeePassFile>`)
	return b.String()
}
