package app

import (
	"slices"
	"testing"

	"github.com/twofold-app/twofold/fido"
	"github.com/twofold-app/twofold/vault"
)

// TestKeysPINPolicyOffers checks that the PIN panel offers only what a
// key's info says it supports.
func TestKeysPINPolicyOffers(t *testing.T) {
	full := map[string]bool{"clientPin": true, "authnrCfg": true, "setMinPINLength": true, "alwaysUv": false}
	without := func(opt string) map[string]bool {
		m := map[string]bool{}
		for k, v := range full {
			if k != opt {
				m[k] = v
			}
		}
		return m
	}
	for _, tc := range []struct {
		name string
		info fido.Info
		want pinPolicy
	}{
		{"CTAP 2.1 key", fido.Info{Options: full, MinPINLength: 4}, pinPolicy{true, true, true}},
		{"no authenticatorConfig", fido.Info{Options: without("authnrCfg"), MinPINLength: 4}, pinPolicy{}},
		{"authenticatorConfig off", fido.Info{Options: map[string]bool{"clientPin": true, "authnrCfg": false, "setMinPINLength": true, "alwaysUv": false}, MinPINLength: 4}, pinPolicy{}},
		{"no setMinPINLength", fido.Info{Options: without("setMinPINLength"), MinPINLength: 4}, pinPolicy{alwaysUV: true}},
		{"no alwaysUv", fido.Info{Options: without("alwaysUv"), MinPINLength: 4}, pinPolicy{forceChange: true, minLength: true}},
		{"no PIN", fido.Info{Options: without("clientPin"), MinPINLength: 4}, pinPolicy{minLength: true, alwaysUV: true}},
		{"change already forced", fido.Info{Options: full, MinPINLength: 4, ForcePINChange: true}, pinPolicy{minLength: true, alwaysUV: true}},
		{"minimum at 63", fido.Info{Options: full, MinPINLength: 63}, pinPolicy{forceChange: true, alwaysUV: true}},
	} {
		if got := pinPolicyOf(&tc.info); got != tc.want {
			t.Errorf("%s: offers %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

func TestKeysPINLine(t *testing.T) {
	for _, tc := range []struct {
		info fido.Info
		want string
	}{
		{fido.Info{Options: map[string]bool{}, MinPINLength: 4}, "PIN: not supported by this key"},
		{fido.Info{Options: map[string]bool{"clientPin": false}, MinPINLength: 4}, "PIN: no PIN set (minimum length 4)"},
		{fido.Info{Options: map[string]bool{"clientPin": true}, MinPINLength: 6, PINRetries: 8}, "PIN: set, 8 retries left (minimum length 6)"},
		{fido.Info{Options: map[string]bool{"clientPin": true}, MinPINLength: 4, PINRetries: 1}, "PIN: set, 1 retry left (minimum length 4)"},
		{fido.Info{Options: map[string]bool{"clientPin": true}, MinPINLength: 8, PINRetries: 8, ForcePINChange: true},
			"PIN: set, but it must be changed before the key can be used (minimum length 8)"},
	} {
		if got := pinLine(&tc.info); got != tc.want {
			t.Errorf("pinLine(%+v) = %q, want %q", tc.info, got, tc.want)
		}
	}
}

func TestKeysOptionLines(t *testing.T) {
	got := optionLines(map[string]bool{
		"clientPin": true, "up": true, "rk": true, "alwaysUv": false, "bioEnroll": true, "zzNew": true, "aaNew": false,
	})
	want := []string{
		"Resident keys (passkeys): yes",
		"User presence (touch): yes",
		"Fingerprints: enrolled",
		"Always require user verification: off",
		"aaNew: no",
		"zzNew: yes",
	}
	if !slices.Equal(got, want) {
		t.Errorf("optionLines = %q, want %q", got, want)
	}
	if got := optionLines(nil); len(got) != 0 {
		t.Errorf("no options give %q", got)
	}
}

func TestKeysExtensionsLine(t *testing.T) {
	for _, tc := range []struct {
		exts []string
		want string
	}{
		{nil, "Extensions: none"},
		{[]string{"credProtect", "hmac-secret"}, "Extensions: credProtect (credential protection), hmac-secret (secrets for disk or password-manager unlock)"},
		{[]string{"somethingNew"}, "Extensions: somethingNew"},
	} {
		if got := extensionsLine(tc.exts); got != tc.want {
			t.Errorf("extensionsLine(%q) = %q, want %q", tc.exts, got, tc.want)
		}
	}
}

func TestKeysShortHex(t *testing.T) {
	for _, tc := range []struct {
		id   []byte
		want string
	}{
		{[]byte{1, 2, 3, 4, 5, 6, 7, 8}, "0102030405060708"},
		{[]byte{1, 2, 3, 4, 5, 6, 7, 8, 9}, "01020304…0809"},
	} {
		if got := shortHex(tc.id); got != tc.want {
			t.Errorf("shortHex(%x) = %q, want %q", tc.id, got, tc.want)
		}
	}
}

func TestKeysRecordChoices(t *testing.T) {
	model := fido.AAGUID{0x74, 0x77, 0x6f, 0x66, 0x6f, 0x6c, 0x64, 0x2d, 0x73, 0x6f, 0x66, 0x74, 0x6b, 0x65, 0x79, 0x31}
	keys := []vault.SecurityKey{
		{Label: "other", AAGUID: "00000000-0000-0000-0000-000000000001"},
		{Label: "blue", AAGUID: "74776f666f6c642d736f66746b657931"},    // as an older record or the CLI wrote it
		{Label: "red", AAGUID: "74776F66-6F6C-642D-736F-66746B657931"}, // dashes, any case
	}
	labels, same := recordChoices(keys, model)
	if !slices.Equal(labels, []string{"blue", "red", "other"}) || same != 2 {
		t.Errorf("recordChoices = %q, %d; want blue, red (this model) before other, 2", labels, same)
	}
}
