package vault_test

import (
	"encoding/base64"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"gopkg.in/macaroon.v2"

	"github.com/twofold-app/twofold/vault"
	"github.com/twofold-app/twofold/vault/otp"
)

func TestParseRecoveryCodesInCommonFormats(t *testing.T) {
	cases := map[string]struct {
		in            string
		want, skipped []string
	}{
		"github": {"Your recovery codes:\n\na1b2c-3d4e5\nf6a7b-8c9d0\n", []string{"a1b2c-3d4e5", "f6a7b-8c9d0"}, []string{"Your recovery codes:"}},
		"google two columns": {"1. 1234 5678    6. 8765 4321\n2. 1111 2222    7. 3333 4444\n",
			[]string{"1234 5678", "8765 4321", "1111 2222", "3333 4444"}, nil},
		"pypi hex":           {"0123456789abcdef\nfedcba9876543210\n", []string{"0123456789abcdef", "fedcba9876543210"}, nil},
		"bullets and CRLF":   {"- ABCD-EFGH\r\n* IJKL-MNOP\r\n• 2345-6789\r\n", []string{"ABCD-EFGH", "IJKL-MNOP", "2345-6789"}, nil},
		"comma separated":    {"abc123, def456,ghi789", []string{"abc123", "def456", "ghi789"}, nil},
		"duplicates dropped": {"abc123\nabc123\n", []string{"abc123"}, nil},
		// A hex code may have no digit: it has the others' shape and
		// alphabet.
		"hex code of letters only": {"1a2b3c4d\ndeadbeef\n5e6f7a8b\n", []string{"1a2b3c4d", "deadbeef", "5e6f7a8b"}, nil},
		"grouped letters only among codes": {"1. k9x2 m4p7\n2. abcd efgh\n3. q3r8 t5w6\n",
			[]string{"k9x2 m4p7", "abcd efgh", "q3r8 t5w6"}, nil},
		// Codes of digits alone have no letters.
		"letters among digits":  {"1234 5678\nabcd efgh\n9876 5432\n", []string{"1234 5678", "9876 5432"}, []string{"abcd efgh"}},
		"a set of letters only": {"abcd efgh\nijkl mnop\n", []string{"abcd efgh", "ijkl mnop"}, nil},
		// Prose around the codes stays out, even a word of the codes'
		// length, and is reported; rules of dashes are not.
		"prose around codes": {"Save these codes in a safe place\n--------\nabcd1234\nwxyz5678\nSecurity\nKeep them secret\n",
			[]string{"abcd1234", "wxyz5678"}, []string{"Save these codes in a safe place", "Security", "Keep them secret"}},
		// Of another shape than the codes: not taken, but reported.
		"letters of another shape": {"1a2b3c4d\nabcdef\n5e6f7a8b\n", []string{"1a2b3c4d", "5e6f7a8b"}, []string{"abcdef"}},
		"a piece of a line":        {"abc123, Thank you", []string{"abc123"}, []string{"Thank you"}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := vault.ParseRecoveryCodes([]byte(c.in))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Codes, c.want) {
				t.Errorf("got %q, want %q", got.Codes, c.want)
			}
			if !reflect.DeepEqual(got.Skipped, c.skipped) {
				t.Errorf("skipped %q, want %q", got.Skipped, c.skipped)
			}
		})
	}
}

// Text without a code is refused, and the error names what was not
// taken: a lone phrase of letters could be prose as well as a code.
func TestParseRecoveryCodesRefusesProseAndSaysWhat(t *testing.T) {
	for in, want := range map[string]string{
		"no codes here, only words\n": `: "no codes here, only words" is not a code (`,
		"hello there":                 `: "hello there" is not a code (`,
		"abcd efgh\n":                 `: "abcd efgh" is not a code (`,
		"one\ntwo\nthree\nfour\n":     `: "one", "two", "three" and 1 more are not codes (`,
	} {
		got, err := vault.ParseRecoveryCodes([]byte(in))
		if !errors.Is(err, vault.ErrInvalid) || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseRecoveryCodes(%q) error = %v, want ErrInvalid and %s", in, err, want)
		}
		if len(got.Codes) != 0 || len(got.Skipped) == 0 {
			t.Errorf("ParseRecoveryCodes(%q) = %q", in, got)
		}
	}
}

func TestRecoveryCodesAreUsedInOrderAndPersist(t *testing.T) {
	path, s := newVault(t, vault.CreateOptions{})
	day := time.Date(2026, 11, 22, 15, 4, 5, 0, time.UTC)
	s2, err := vault.Open(path, pw, &vault.Options{Now: func() time.Time { return day }})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Lock()
	s.Lock()
	r, err := s2.AddRecoveryCodes("GitHub", "alice", []string{"Recovery"}, []string{"aaaa-1111", "bbbb-2222", "cccc-3333", "dddd-4444", "eeee-5555"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Total != 5 || r.Unused != 5 || r.Low() {
		t.Errorf("new set %+v", r)
	}
	for i, want := range []string{"aaaa-1111", "bbbb-2222"} {
		code, left, err := s2.UseRecoveryCode(r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if code != want || left != 4-i {
			t.Errorf("use #%d: %q, %d left; want %q, %d left", i, code, left, want, 4-i)
		}
	}
	if err := s2.Save(); err != nil {
		t.Fatal(err)
	}
	s3, err := vault.Open(path, pw, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s3.Lock()
	sets, err := s3.RecoverySets()
	if err != nil || len(sets) != 1 {
		t.Fatalf("sets %v %v", sets, err)
	}
	if sets[0].Unused != 3 || !sets[0].Low() || sets[0].Service != "GitHub" || !reflect.DeepEqual(sets[0].Group, []string{"Recovery"}) {
		t.Errorf("reopened set %+v", sets[0])
	}
	codes, _ := s3.RecoveryCodes(sets[0].ID)
	if !codes[0].Used || !codes[0].UsedOn.Equal(time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)) || codes[2].Used {
		t.Errorf("codes after reopen %+v", codes)
	}
	for range 3 {
		if _, _, err := s3.UseRecoveryCode(sets[0].ID); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := s3.UseRecoveryCode(sets[0].ID); !errors.Is(err, vault.ErrNoCodesLeft) {
		t.Errorf("all used: %v", err)
	}
	if accounts, _ := s3.Accounts(); len(accounts) != 1 {
		t.Errorf("a recovery set must not count as an OTP account: %d accounts", len(accounts))
	}
}

// pypiToken makes a token the way PyPI does: a V2 binary macaroon for
// location pypi.org, base64url without padding, after "pypi-".
func pypiToken(t *testing.T, location string, caveats ...string) []byte {
	t.Helper()
	m, err := macaroon.New([]byte("root key known only to the server"), []byte(`{"version": 1}`), location, macaroon.V2)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range caveats {
		if err := m.AddFirstPartyCaveat([]byte(c)); err != nil {
			t.Fatal(err)
		}
	}
	b, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return []byte("pypi-" + base64.RawURLEncoding.EncodeToString(b))
}

func TestIdentifyPyPITokens(t *testing.T) {
	exp := time.Date(2027, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := []struct {
		name  string
		token []byte
		want  vault.TokenInfo
	}{
		{"account-wide", pypiToken(t, "pypi.org", `[3, "user-id"]`), vault.TokenInfo{Service: "pypi", Scope: "account"}},
		{"one project", pypiToken(t, "pypi.org", `[1, ["sampleproject"]]`, `[3, "user-id"]`), vault.TokenInfo{Service: "pypi", Scope: "projects", Projects: []string{"sampleproject"}}},
		{"expiring", pypiToken(t, "pypi.org", `[0, 1798859045, 1700000000]`), vault.TokenInfo{Service: "pypi", Scope: "account", Expires: exp}},
		{"legacy v1 projects", pypiToken(t, "pypi.org", `{"version": 1, "permissions": {"projects": ["b", "a"]}}`), vault.TokenInfo{Service: "pypi", Scope: "projects", Projects: []string{"a", "b"}}},
		{"legacy v1 user", pypiToken(t, "pypi.org", `{"version": 1, "permissions": "user"}`), vault.TokenInfo{Service: "pypi", Scope: "account"}},
		{"legacy expiry", pypiToken(t, "pypi.org", `{"exp": 1798859045, "nbf": 1700000000}`), vault.TokenInfo{Service: "pypi", Scope: "account", Expires: exp}},
		{"testpypi", pypiToken(t, "test.pypi.org", `[1, ["x"]]`), vault.TokenInfo{Service: "testpypi", Scope: "projects", Projects: []string{"x"}}},
		{"github", []byte("ghp_" + strings.Repeat("A1b2", 9)), vault.TokenInfo{Service: "github"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := vault.IdentifyToken(c.token, "")
			if err != nil {
				t.Fatal(err)
			}
			if got.Service != c.want.Service || got.Scope != c.want.Scope || !reflect.DeepEqual(got.Projects, c.want.Projects) || !got.Expires.Equal(c.want.Expires) {
				t.Errorf("got %+v, want %+v", got, c.want)
			}
		})
	}
}

func TestUnknownAndBrokenTokensAreRefused(t *testing.T) {
	good := pypiToken(t, "pypi.org")
	for name, tok := range map[string][]byte{
		"unknown format":  []byte("sk_live_abcdef"),
		"truncated pypi":  good[:len(good)/2],
		"pypi not base64": []byte("pypi-***"),
		"other location":  pypiToken(t, "evil.example"),
	} {
		if _, err := vault.IdentifyToken(tok, ""); !errors.Is(err, vault.ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
	if info, err := vault.IdentifyToken([]byte("sk_live_abcdef"), "stripe"); err != nil || info.Env != "STRIPE_TOKEN" {
		t.Errorf("named service: %+v %v", info, err)
	}
}

// TestAddTokenRefusesBadInput: an empty token (it was stored when a
// service was named), and a variable name no shell takes or one the
// command needs to run (the token would replace PATH, or be printed by
// the dynamic loader from LD_PRELOAD) are refused, and nothing is added.
// A PyPI token keeps the variable it is given, for token exec.
func TestAddTokenRefusesBadInput(t *testing.T) {
	_, s := newVault(t, vault.CreateOptions{})
	for _, tok := range []string{"", "  \t "} {
		if _, err := s.AddToken(vault.NewToken{Name: "Empty", Token: []byte(tok), Service: "acme"}); !errors.Is(err, vault.ErrInvalid) {
			t.Errorf("token %q: %v, want ErrInvalid", tok, err)
		}
	}
	for _, env := range []string{"BAD VAR", "1X", "X-Y", "PATH", "HOME", "SHELL", "USER", "LD_PRELOAD", "LD_LIBRARY_PATH", "DYLD_INSERT_LIBRARIES"} {
		if _, err := s.AddToken(vault.NewToken{Name: "T", Token: []byte("sk-1"), Service: "acme", Env: env}); !errors.Is(err, vault.ErrEnvName) || !errors.Is(err, vault.ErrInvalid) {
			t.Errorf("--env %q: %v, want ErrEnvName", env, err)
		}
	}
	if list, _ := s.Tokens(); len(list) != 0 {
		t.Fatalf("refused tokens were stored: %+v", list)
	}
	for _, env := range []string{"ACME_TOKEN", "_x", "path"} {
		if err := vault.CheckEnvName(env); err != nil {
			t.Errorf("%s: %v", env, err)
		}
	}
	added, err := s.AddToken(vault.NewToken{Name: "uv", Token: pypiToken(t, "pypi.org"), Env: "UV_PUBLISH_TOKEN"})
	if err != nil || added.Service != "pypi" || added.Env != "UV_PUBLISH_TOKEN" {
		t.Errorf("PyPI token with a variable: %+v %v", added, err)
	}
}

func TestTokensStoreScopeAndNeverListTheSecret(t *testing.T) {
	path, s := newVault(t, vault.CreateOptions{})
	tok := pypiToken(t, "pypi.org", `[1, ["sampleproject"]]`)
	added, err := s.AddToken(vault.NewToken{Name: "PyPI sampleproject", Token: tok})
	if err != nil {
		t.Fatal(err)
	}
	if added.AccountWide() || added.Scope != "projects" || added.Projects[0] != "sampleproject" {
		t.Errorf("added %+v", added)
	}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	s2, err := vault.Open(path, pw, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Lock()
	list, _ := s2.Tokens()
	if len(list) != 1 || !reflect.DeepEqual(list[0].Projects, []string{"sampleproject"}) {
		t.Fatalf("tokens %+v", list)
	}
	if strings.Contains(strings.ToLower(strings.Join([]string{list[0].Name, list[0].Scope, list[0].Service, list[0].Env}, " ")), "pypi-") {
		t.Error("token text leaked into its description")
	}
	buf, err := s2.TokenSecret(list[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	defer buf.Destroy()
	if string(buf.Bytes()) != string(tok) {
		t.Error("token did not round-trip")
	}
}

func TestFindByNameIsExactThenUnique(t *testing.T) {
	_, s := newVault(t, vault.CreateOptions{})
	addURI(t, s, "otpauth://totp/GitHub:bob?secret=MFRGGZDFMZTWQ2LK&issuer=GitHub")
	addURI(t, s, "otpauth://totp/GitLab:carol?secret=MFRGGZDFMZTWQ2LK&issuer=GitLab")
	if _, err := s.Find("github", vault.KindAccount); !errors.Is(err, vault.ErrAmbiguous) {
		t.Errorf("two GitHub accounts: %v, want ErrAmbiguous", err)
	}
	it, err := s.Find("GitHub:bob", vault.KindAccount)
	if err != nil || it.Title != "GitHub" {
		t.Errorf("issuer:account: %+v %v", it, err)
	}
	if it, err := s.Find("lab", ""); err != nil || it.Title != "GitLab" {
		t.Errorf("substring: %+v %v", it, err)
	}
	if _, err := s.Find("nothing", ""); !errors.Is(err, vault.ErrNotFound) {
		t.Errorf("missing: %v", err)
	}
	if it2, err := s.Find(vault.FormatUUID(it.ID), ""); err != nil || it2.ID != it.ID {
		t.Errorf("by UUID: %v", err)
	}
}

// TestMatchKeepsEveryMatch: Match names items as Find does (UUID, exact
// names, then parts of names) but returns every match.
func TestMatchKeepsEveryMatch(t *testing.T) {
	_, s := newVault(t, vault.CreateOptions{}) // GitHub (alice)
	addURI(t, s, "otpauth://totp/GitHub:bob?secret=MFRGGZDFMZTWQ2LK&issuer=GitHub")
	addURI(t, s, "otpauth://totp/Git:carol?secret=MFRGGZDFMZTWQ2LK&issuer=Git")
	for q, want := range map[string][]string{
		"github":     {"GitHub (alice)", "GitHub (bob)"},
		"GitHub:bob": {"GitHub (bob)"},
		"git":        {"Git (carol)"}, // an exact name before parts of names
		"o":          {"GitHub (bob)", "Git (carol)"},
		"nothing":    nil,
	} {
		items, err := s.Match(q, vault.KindAccount)
		var got []string
		for _, it := range items {
			got = append(got, it.Name)
		}
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("Match(%q) = %q, %v; want %q", q, got, err, want)
		}
	}
	_, err := s.Find("github", vault.KindAccount)
	if !errors.Is(err, vault.ErrAmbiguous) || !strings.Contains(err.Error(), "GitHub (alice) [") || !strings.Contains(err.Error(), "GitHub (bob) [") {
		t.Errorf("Find(github) = %v, want both accounts named with their UUIDs", err)
	}
}

// TestNothingIsAddedIntoTheRecycleBin: a group path into the recycle bin
// is refused for accounts, tokens and recovery codes (before, the account
// went in and AddAccount failed with "no such item"); other groups are
// fine.
func TestNothingIsAddedIntoTheRecycleBin(t *testing.T) {
	_, s := newVault(t, vault.CreateOptions{})
	list, _ := s.Accounts()
	if err := s.Remove(list[0].ID); err != nil { // makes the bin
		t.Fatal(err)
	}
	key, err := otp.ParseURI([]byte("otpauth://totp/ACME:bob?secret=MFRGGZDFMZTWQ2LK"))
	if err != nil {
		t.Fatal(err)
	}
	defer key.Destroy()
	for _, group := range [][]string{{"Recycle Bin"}, {"Recycle Bin", "Sub"}} {
		_, errA := s.AddAccount(vault.NewAccount{Key: key, Group: group})
		_, errT := s.AddToken(vault.NewToken{Name: "t", Token: []byte("x"), Service: "acme", Group: group})
		_, errR := s.AddRecoveryCodes("ACME", "", group, []string{"1234"})
		for _, err := range []error{errA, errT, errR} {
			if !errors.Is(err, vault.ErrInvalid) || !strings.Contains(err.Error(), "is the recycle bin") {
				t.Errorf("group %q: %v, want the recycle bin refused", group, err)
			}
		}
	}
	if _, err := s.AddAccount(vault.NewAccount{Key: key, Group: []string{"Recycled"}}); err != nil {
		t.Errorf("another group: %v", err)
	}
}

func TestKeyReturnsTheStoredSecret(t *testing.T) {
	_, s := newVault(t, vault.CreateOptions{})
	list, _ := s.Accounts()
	key, err := s.Key(list[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	defer key.Destroy()
	// JBSWY3DPEHPK3PXP is base32 for "Hello!\xde\xad\xbe\xef".
	if string(key.Secret.Bytes()) != "Hello!\xde\xad\xbe\xef" || key.Issuer != "GitHub" || key.Account != "alice" {
		t.Errorf("key %v, secret %x", key.Params, key.Secret.Bytes())
	}
	s.Lock()
	if _, err := s.Key(list[0].ID); !errors.Is(err, vault.ErrLocked) {
		t.Errorf("after Lock: %v", err)
	}
}

// TestWithSecretsWalksEveryAccount: each live account comes with its own
// secret, in document order; fn's error stops the walk and is returned;
// a locked vault says so.
func TestWithSecretsWalksEveryAccount(t *testing.T) {
	_, s := newVault(t, vault.CreateOptions{})
	addURI(t, s, "otpauth://totp/PyPI:bob?secret=GEZDGNBVGY3TQOJQ&issuer=PyPI")
	var got []string
	err := s.WithSecrets(func(a vault.Account, raw []byte) error {
		got = append(got, fmt.Sprintf("%s=%x", a.Name(), raw))
		return nil
	})
	if want := "GitHub (alice)=48656c6c6f21deadbeef PyPI (bob)=31323334353637383930"; err != nil || strings.Join(got, " ") != want {
		t.Errorf("WithSecrets: %q, %v; want %s", got, err, want)
	}
	stop := errors.New("stop")
	calls := 0
	if err := s.WithSecrets(func(vault.Account, []byte) error { calls++; return stop }); err != stop || calls != 1 {
		t.Errorf("an error from fn: %v after %d calls; want it after 1", err, calls)
	}
	s.Lock()
	if err := s.WithSecrets(func(vault.Account, []byte) error { return nil }); !errors.Is(err, vault.ErrLocked) {
		t.Errorf("after Lock: %v", err)
	}
}
