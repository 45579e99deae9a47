package vault_test

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/twofold-app/twofold/internal/peers"
	"github.com/twofold-app/twofold/vault"
	"github.com/twofold-app/twofold/vault/otp"
)

// instants to compare codes at. KeePassXC 2.7.4 keeps time in 32 bits,
// so instants past 2106 are compared with oathtool only.
var instants = []time.Time{time.Unix(59, 0), time.Unix(1111111109, 0), time.Unix(1700000000, 0), time.Unix(2000000000, 0)}

var afterKeePassXCClock = time.Unix(5000000000, 0)

// reference says where an entry's true codes come from.
type reference struct {
	entry    string // keepassxc-cli entry path; "" when KeePassXC cannot read it
	oathMode string // oathtool mode ("" for Steam)
	secret   string // base32
	digits   int
	period   int
}

// conventions are the OTP entries of testdata/conventions.xml, one per
// convention found in real KeePass files.
var conventions = map[string]reference{
	"ACME":        {"Work/ACME", "totp", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", 6, 30},
	"Big":         {"Work/Big", "totp=sha256", "JBSWY3DPEHPK3PXP", 8, 60},
	"Spelled":     {"", "totp=sha512", "KRUGS4ZANFZSAYLOEB2GK43UEBZWKY3SMV2A", 7, 30}, // KeePassXC 2.7.4 ignores algorithm=HMAC-SHA-512
	"Steam":       {"Games/Steam", "", "", 5, 30},
	"KeeOtp":      {"Games/KeeOtp", "totp=sha256", "MFRGGZDFMZTWQ2LK", 8, 30},
	"Legacy":      {"Legacy", "totp", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", 6, 30},
	"LegacySteam": {"LegacySteam", "", "", 5, 30},
	"Legacy60":    {"Legacy60", "totp", "JBSWY3DPEHPK3PXP", 8, 60},
	"TimeOtpB32":  {"", "totp=sha256", "MFRGGZDFMZTWQ2LK", 8, 45},
	"TimeOtpUTF8": {"", "totp", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", 6, 30},
	"TimeOtpHex":  {"", "totp=sha512", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", 6, 30},
	"TimeOtpB64":  {"", "totp", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", 6, 30},
	"HmacOtp":     {"", "hotp", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", 6, 0},
}

func importConventions(t *testing.T) peers.KeePassXC {
	t.Helper()
	peers.Require(t, "keepassxc-cli", "faketime", "oathtool")
	kx := peers.KeePassXC{Path: filepath.Join(t.TempDir(), "conventions.kdbx"), Password: "correct horse"}
	kx.Import(t, "testdata/conventions.xml")
	return kx
}

func openPeer(t *testing.T, kx peers.KeePassXC) *vault.Store {
	t.Helper()
	s, err := vault.Open(kx.Path, vault.Credentials{Password: []byte(kx.Password), KeyFile: kx.KeyFile}, nil)
	if err != nil {
		t.Fatalf("open %s: %v", kx.Path, err)
	}
	t.Cleanup(s.Lock)
	return s
}

func accountsByTitle(t *testing.T, s *vault.Store) map[string]vault.Account {
	t.Helper()
	list, err := s.Accounts()
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]vault.Account{}
	for _, a := range list {
		if a.Err != nil {
			t.Errorf("%s: %v", a.Title, a.Err)
		}
		m[a.Title] = a
	}
	return m
}

func code(t *testing.T, s *vault.Store, id vault.UUID, at time.Time) string {
	t.Helper()
	c, err := s.Code(id, at)
	if err != nil {
		t.Fatal(err)
	}
	return c.Code
}

// TestReadsEveryKeePassConvention opens a file KeePassXC wrote from
// testdata/conventions.xml and checks each account's codes against
// keepassxc-cli (where it reads the convention) and oathtool.
func TestReadsEveryKeePassConvention(t *testing.T) {
	kx := importConventions(t)
	s := openPeer(t, kx)
	got := accountsByTitle(t, s)
	if len(got) != len(conventions) {
		t.Errorf("found %d accounts, want %d (the recycle bin and the plain entry are not accounts): %v", len(got), len(conventions), keys(got))
	}
	for title, ref := range conventions {
		a, ok := got[title]
		if !ok {
			t.Errorf("account %s not found", title)
			continue
		}
		if ref.oathMode == "hotp" {
			continue // TestHOTPCounterAdvancesAndSaves
		}
		for _, at := range instants {
			want := expected(t, kx, ref, at)
			if c := code(t, s, a.ID, at); c != want {
				t.Errorf("%s at %d: code %s, want %s", title, at.Unix(), c, want)
			}
		}
		if ref.oathMode != "" {
			want := peers.OathTool(t, ref.oathMode, ref.secret, ref.digits, ref.period, afterKeePassXCClock, 0)
			if c := code(t, s, a.ID, afterKeePassXCClock); c != want {
				t.Errorf("%s after 2106: code %s, oathtool says %s", title, c, want)
			}
		}
	}
}

func expected(t *testing.T, kx peers.KeePassXC, ref reference, at time.Time) string {
	if ref.entry != "" {
		want := kx.TOTP(t, ref.entry, at)
		if ref.oathMode != "" {
			if o := peers.OathTool(t, ref.oathMode, ref.secret, ref.digits, ref.period, at, 0); o != want {
				t.Fatalf("peers disagree for %s: keepassxc %s, oathtool %s", ref.entry, want, o)
			}
		}
		return want
	}
	return peers.OathTool(t, ref.oathMode, ref.secret, ref.digits, ref.period, at, 0)
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestHOTPCounterAdvancesAndSaves(t *testing.T) {
	kx := importConventions(t)
	s := openPeer(t, kx)
	a := accountsByTitle(t, s)["HmacOtp"]
	if a.Type != otp.HOTP || a.Counter != 5 {
		t.Fatalf("HmacOtp: type %v counter %d, want HOTP at 5", a.Type, a.Counter)
	}
	ref := conventions["HmacOtp"]
	for counter := uint64(5); counter < 8; counter++ {
		got, err := s.NextHOTP(a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if want := peers.OathTool(t, "hotp", ref.secret, 6, 0, time.Time{}, counter); got != want {
			t.Errorf("counter %d: %s, want %s", counter, got, want)
		}
	}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	if xml := kx.ExportXML(t); !fieldIs(xml, "HmacOtp-Counter", "8") {
		t.Errorf("KeePassXC does not see HmacOtp-Counter 8 after three codes:\n%s", excerpt(xml, "HmacOtp-Counter"))
	}
	s2 := openPeer(t, kx)
	if c := accountsByTitle(t, s2)["HmacOtp"].Counter; c != 8 {
		t.Errorf("reopened counter %d, want 8", c)
	}
}

// fieldIs reports whether exported XML has a string field key = value.
func fieldIs(xml, key, value string) bool {
	return regexp.MustCompile(`<Key>` + regexp.QuoteMeta(key) + `</Key>\s*<Value[^>]*>` + regexp.QuoteMeta(value) + `</Value>`).MatchString(xml)
}

func excerpt(s, near string) string {
	i := strings.Index(s, near)
	if i < 0 {
		return "(" + near + " not found)"
	}
	return s[max(0, i-200):min(len(s), i+200)]
}

// TestSavingKeepsWhatTwofoldDoesNotUse: groups, history, attachments,
// custom fields, the recycle bin and the file format all survive a save.
func TestSavingKeepsWhatTwofoldDoesNotUse(t *testing.T) {
	t.Run("kdbx31", func(t *testing.T) { savingKeeps(t, importConventions(t)) })
	t.Run("kdbx4-argon2id", func(t *testing.T) { // attachments in the inner header
		kx := argon2idFromKeePassXC(t)
		if info := kx.Do(t, "", "db-info"); !strings.Contains(info, "KDF: Argon2id") {
			t.Fatalf("not a KDBX 4 Argon2id file:\n%s", info)
		}
		savingKeeps(t, kx)
	})
}

func savingKeeps(t *testing.T, kx peers.KeePassXC) {
	before := kx.ExportXML(t)
	infoBefore := kx.Do(t, "", "db-info")
	s := openPeer(t, kx)
	key, err := otp.ParseURI([]byte("otpauth://totp/New:nina?secret=JBSWY3DPEHPK3PXP&issuer=New"))
	if err != nil {
		t.Fatal(err)
	}
	defer key.Destroy()
	if _, err := s.AddAccount(vault.NewAccount{Key: key, Group: []string{"Work"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	after := kx.ExportXML(t)
	for _, want := range []string{
		"<Key>Custom Field</Key>", "custom value", "old-pass", "new-pass", "<History>",
		"<Name>Recycle Bin</Name>",
		"<Key>TimeOtp-Algorithm</Key>", "<Key>TOTP Settings</Key>",
	} {
		if strings.Count(after, want) < strings.Count(before, want) || !strings.Contains(after, want) {
			t.Errorf("lost %q after saving", want)
		}
	}
	if !fieldIs(after, "Title", "Deleted") {
		t.Error("lost the entry in the recycle bin")
	}
	att := filepath.Join(t.TempDir(), "att")
	kx.Do(t, "", "attachment-export", "Mail", "notes.txt", att)
	if b, _ := os.ReadFile(att); string(b) != "attachment body\n" {
		t.Errorf("attachment after save: %q", b)
	}
	if infoAfter := kx.Do(t, "", "db-info"); formatLines(infoAfter) != formatLines(infoBefore) {
		t.Errorf("format changed:\nbefore %s\nafter  %s", formatLines(infoBefore), formatLines(infoAfter))
	}
	for _, at := range instants[1:] {
		if got, want := kx.TOTP(t, "Work/New", at), peers.OathTool(t, "totp", "JBSWY3DPEHPK3PXP", 6, 30, at, 0); got != want {
			t.Errorf("KeePassXC shows %s for the account Twofold added, want %s", got, want)
		}
	}
}

func formatLines(info string) string {
	var out []string
	for _, l := range strings.Split(info, "\n") {
		if strings.HasPrefix(l, "Cipher:") || strings.HasPrefix(l, "KDF:") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "; ")
}

// TestKeePassXCReadsTwofoldVaults writes vaults in every format Twofold
// creates and reads them back with keepassxc-cli: same groups, same codes.
func TestKeePassXCReadsTwofoldVaults(t *testing.T) {
	peers.Require(t, "keepassxc-cli", "faketime", "oathtool")
	formats := []struct {
		name string
		opts vault.CreateOptions
		info []string // db-info lines
	}{
		// The defaults of a new vault: KDBX 4, ChaCha20.
		{"kdbx4-argon2id-chacha20", vault.CreateOptions{KDF: cheapArgon2(vault.KDFArgon2id)}, []string{"KDF: Argon2id", "Cipher: ChaCha20"}},
		{"kdbx4-argon2d-aes", vault.CreateOptions{KDF: cheapArgon2(vault.KDFArgon2d), Cipher: vault.CipherAES256}, []string{"KDF: Argon2d", "Cipher: AES"}},
		{"kdbx4-aeskdf-twofish", vault.CreateOptions{KDF: vault.KDFParams{KDF: vault.KDFAES, Rounds: 1000}, Cipher: vault.CipherTwofish}, []string{"KDF: AES", "Cipher: Twofish"}},
		{"kdbx31-aes", vault.CreateOptions{KDF: vault.KDFParams{KDF: vault.KDFAES, Rounds: 1000}, Version: vault.KDBX31, Cipher: vault.CipherAES256}, []string{"KDF: AES", "Cipher: AES"}},
	}
	for _, f := range formats {
		t.Run(f.name, func(t *testing.T) {
			kx := peers.KeePassXC{Path: filepath.Join(t.TempDir(), "v.kdbx"), Password: "pw"}
			s, err := vault.Create(kx.Path, vault.Credentials{Password: []byte("pw")}, f.opts)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Lock()
			uris := map[string]string{
				"Work/GitHub":  "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub",
				"PyPI":         "otpauth://totp/PyPI:bob?secret=MFRGGZDFMZTWQ2LK&issuer=PyPI&algorithm=SHA256&digits=8&period=60",
				"Games/Steam":  "otpauth://totp/Steam:carol?secret=NBSWY3DPO5XXE3DEEBXGC3LF&issuer=Steam&encoder=steam",
				"Work/Ops/AWS": "otpauth://totp/AWS:root?secret=KRUGS4ZANFZSAYLOEB2GK43UEBZWKY3SMV2A&issuer=AWS&algorithm=SHA512",
			}
			ids := map[string]vault.UUID{}
			for path, uri := range uris {
				key, err := otp.ParseURI([]byte(uri))
				if err != nil {
					t.Fatal(err)
				}
				parts := strings.Split(path, "/")
				a, err := s.AddAccount(vault.NewAccount{Key: key, Group: parts[:len(parts)-1]})
				key.Destroy()
				if err != nil {
					t.Fatal(err)
				}
				ids[path] = a.ID
			}
			if err := s.Save(); err != nil {
				t.Fatal(err)
			}
			info := kx.Do(t, "", "db-info")
			for _, want := range f.info {
				if !strings.Contains(info, want) {
					t.Errorf("db-info does not say %q:\n%s", want, info)
				}
			}
			tree := kx.Do(t, "", "ls", "-R", "-f")
			for path := range uris {
				if !strings.Contains(tree, path) {
					t.Errorf("keepassxc-cli ls does not list %s:\n%s", path, tree)
				}
			}
			for path, id := range ids {
				for _, at := range instants[1:] {
					if got, want := kx.TOTP(t, path, at), code(t, s, id, at); got != want {
						t.Errorf("%s at %d: KeePassXC %s, Twofold %s", path, at.Unix(), got, want)
					}
				}
			}

			// KeePassXC rewrites the file in the same format; Twofold
			// reads what it wrote (a new group, the same codes).
			kx.Do(t, "", "mkdir", "From KeePassXC")
			if again := kx.Do(t, "", "db-info"); formatLines(again) != formatLines(info) {
				t.Fatalf("KeePassXC changed the format: %s, was %s", formatLines(again), formatLines(info))
			}
			again, err := vault.Open(kx.Path, vault.Credentials{Password: []byte("pw")}, nil)
			if err != nil {
				t.Fatalf("Twofold cannot open what KeePassXC rewrote: %v", err)
			}
			defer again.Lock()
			if v, c, k := again.Format(); fmt.Sprint(s.Format()) != fmt.Sprint(v, c, k) {
				t.Errorf("after KeePassXC's save: %v %v %v; Twofold wrote %v", v, c, k, fmt.Sprint(s.Format()))
			}
			for path, id := range ids {
				if got, want := code(t, again, id, instants[1]), code(t, s, id, instants[1]); got != want {
					t.Errorf("%s after KeePassXC's save: %s, before %s", path, got, want)
				}
			}
		})
	}
}

func cheapArgon2(k vault.KDF) vault.KDFParams {
	return vault.KDFParams{KDF: k, Iterations: 2, MemoryBytes: 1 << 20, Parallelism: 2}
}

// TestArgon2idWrittenByKeePassXC: KeePassXC rewrites an Argon2id vault
// (merging entries into it); Twofold opens what it wrote.
func TestArgon2idWrittenByKeePassXC(t *testing.T) {
	dst := argon2idFromKeePassXC(t)
	if info := dst.Do(t, "", "db-info"); !strings.Contains(info, "KDF: Argon2id") {
		t.Fatalf("KeePassXC did not keep Argon2id:\n%s", info)
	}
	s2 := openPeer(t, dst)
	got := accountsByTitle(t, s2)
	for title, ref := range conventions {
		if ref.entry == "" {
			continue
		}
		at := time.Unix(1700000000, 0)
		if c, want := code(t, s2, got[title].ID, at), dst.TOTP(t, ref.entry, at); c != want {
			t.Errorf("%s: Twofold %s, KeePassXC %s", title, c, want)
		}
	}
}

// argon2idFromKeePassXC is an Argon2id KDBX 4 vault Twofold created and
// KeePassXC then wrote, merging testdata/conventions.xml into it.
func argon2idFromKeePassXC(t *testing.T) peers.KeePassXC {
	t.Helper()
	src := importConventions(t)
	dst := peers.KeePassXC{Path: filepath.Join(t.TempDir(), "argon2id.kdbx"), Password: src.Password}
	s, err := vault.Create(dst.Path, vault.Credentials{Password: []byte(dst.Password)}, vault.CreateOptions{KDF: cheapArgon2(vault.KDFArgon2id)})
	if err != nil {
		t.Fatal(err)
	}
	s.Lock()
	peers.Run(t, dst.Password+"\n", "keepassxc-cli", "merge", "-q", "-s", dst.Path, src.Path)
	return dst
}

// TestHOTPCounterStopsAtItsMaximum: the code at the last counter but one is
// oathtool's, and then the counter is exhausted: NextHOTP fails with
// ErrCounterExhausted and leaves the account as it was, instead of wrapping
// to 0 and handing out old codes again.
func TestHOTPCounterStopsAtItsMaximum(t *testing.T) {
	peers.Require(t, "oathtool")
	const secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	path, s := newVault(t, vault.CreateOptions{})
	a := addURI(t, s, fmt.Sprintf("otpauth://hotp/Acme:x?secret=%s&counter=%d&issuer=Acme", secret, uint64(math.MaxUint64-1)))
	got, err := s.NextHOTP(a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := peers.OathTool(t, "hotp", secret, 6, 0, time.Time{}, math.MaxUint64-1); got != want {
		t.Errorf("last code: %s, want %s", got, want)
	}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		code, err := s.NextHOTP(a.ID)
		if !errors.Is(err, vault.ErrCounterExhausted) || code != "" {
			t.Fatalf("at the maximum: code %q, error %v; want ErrCounterExhausted", code, err)
		}
		for _, words := range []string{"exhausted", "Acme (x)", "re-enrolled"} {
			if !strings.Contains(err.Error(), words) {
				t.Errorf("error %q does not say %q", err, words)
			}
		}
	}
	if s.Dirty() {
		t.Error("a refused NextHOTP left unsaved changes")
	}
	if c := counterOf(t, s, a.ID); c != math.MaxUint64 {
		t.Errorf("counter after the refusal: %d, want %d", c, uint64(math.MaxUint64))
	}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	s2, err := vault.Open(path, pw, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Lock()
	if c := counterOf(t, s2, a.ID); c != math.MaxUint64 {
		t.Errorf("saved counter %d, want %d", c, uint64(math.MaxUint64))
	}
}

func counterOf(t *testing.T, s *vault.Store, id vault.UUID) uint64 {
	t.Helper()
	list, err := s.Accounts()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range list {
		if a.ID == id {
			return a.Counter
		}
	}
	t.Fatalf("account %s is gone", vault.FormatUUID(id))
	return 0
}

// TestNewHOTPAccountIsStoredSoKeePassXCDoesNotMisreadIt: KeePassXC shows an
// otpauth://hotp URI as a time-based code, so new HOTP accounts go to
// KeePass 2's HmacOtp fields; the counter advances in place.
func TestNewHOTPAccountIsStoredSoKeePassXCDoesNotMisreadIt(t *testing.T) {
	peers.Require(t, "keepassxc-cli", "oathtool")
	path, s := newVault(t, vault.CreateOptions{})
	a := addURI(t, s, "otpauth://hotp/Acme:x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=41&issuer=Acme")
	for counter := uint64(41); counter < 43; counter++ {
		got, err := s.NextHOTP(a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if want := peers.OathTool(t, "hotp", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", 6, 0, time.Time{}, counter); got != want {
			t.Errorf("counter %d: %s, want %s", counter, got, want)
		}
	}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	kx := peers.KeePassXC{Path: path, Password: string(pw.Password)}
	xml := kx.ExportXML(t)
	if !fieldIs(xml, "HmacOtp-Counter", "43") || strings.Contains(xml, "otpauth://hotp") {
		t.Errorf("HOTP account not stored as HmacOtp fields with counter 43:\n%s", excerpt(xml, "HmacOtp"))
	}
}

// TestKDBX41FromKeePassXC: KeePassXC writes KDBX 4.1 once an entry was
// moved to the recycle bin (PreviousParentGroup). Twofold reads it, saves
// it as 4.1 with that field intact, and KeePassXC reads it back.
func TestKDBX41FromKeePassXC(t *testing.T) {
	kx := importConventions(t)
	kx.Do(t, "", "rm", "Work/ACME")
	if v := readFile(t, kx.Path)[8:12]; v[2] != 4 || v[0] != 1 {
		t.Fatalf("KeePassXC did not write KDBX 4.1 (version bytes %x)", v)
	}
	s := openPeer(t, kx)
	if v, _, _ := s.Format(); v != (vault.Version{Major: 4, Minor: 1}) {
		t.Errorf("Format says %v", v)
	}
	got := accountsByTitle(t, s)
	if _, ok := got["ACME"]; ok {
		t.Error("an account in the recycle bin is listed as live")
	}
	at := time.Unix(1700000000, 0)
	if c, want := code(t, s, got["Big"].ID, at), kx.TOTP(t, "Work/Big", at); c != want {
		t.Errorf("Big: %s, KeePassXC %s", c, want)
	}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	if v := readFile(t, kx.Path)[8:12]; v[2] != 4 || v[0] != 1 {
		t.Errorf("saved as version bytes %x, want KDBX 4.1", v)
	}
	if xml := kx.ExportXML(t); !strings.Contains(xml, "<PreviousParentGroup>") {
		t.Error("PreviousParentGroup lost on save")
	}
	if c := kx.TOTP(t, "Work/Big", at); c != code(t, s, got["Big"].ID, at) {
		t.Error("KeePassXC reads a different code after Twofold saved")
	}
}
