package transfer

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/awnumar/memguard"

	"github.com/twofold-app/twofold/vault/otp"
)

// quick fails the test when fn takes longer than d: a capped cost must be
// refused before any of the work is done.
func quick(t *testing.T, d time.Duration, fn func()) {
	t.Helper()
	start := time.Now()
	fn()
	if took := time.Since(start); took > d {
		t.Errorf("took %v, want under %v", took, d)
	}
}

// TestHostileSizes: files, images and entry counts over the limits are
// refused with ErrTooLarge, without reading or decoding them whole.
func TestHostileSizes(t *testing.T) {
	dir := t.TempDir()
	t.Run("file", func(t *testing.T) {
		path := filepath.Join(dir, "huge.txt")
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Truncate(DefaultMaxFileSize + 1); err != nil { // sparse: costs no disk
			t.Fatal(err)
		}
		f.Close()
		quick(t, 100*time.Millisecond, func() {
			if _, err := ImportFile(path, Options{}); !errors.Is(err, ErrTooLarge) {
				t.Errorf("ImportFile(huge) = %v, want ErrTooLarge", err)
			}
		})
		if _, err := Import(make([]byte, 2048), Options{Limits: Limits{MaxFileSize: 1024}}); !errors.Is(err, ErrTooLarge) {
			t.Errorf("Import over MaxFileSize = %v", err)
		}
	})
	t.Run("entries", func(t *testing.T) {
		text := strings.Repeat("otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP\n", 6)
		if _, err := Import([]byte(text), Options{Limits: Limits{MaxAccounts: 5}}); !errors.Is(err, ErrTooLarge) {
			t.Errorf("6 entries with MaxAccounts 5 = %v, want ErrTooLarge", err)
		}
		r := mustImport(t, []byte(text), Options{Limits: Limits{MaxAccounts: 6}})
		if len(r.Accounts) != 6 {
			t.Errorf("6 entries: %d accounts", len(r.Accounts))
		}
	})
	t.Run("image", func(t *testing.T) {
		// A valid PNG header claiming 100 000 × 100 000 pixels.
		var buf bytes.Buffer
		if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 1, 1))); err != nil {
			t.Fatal(err)
		}
		data := buf.Bytes()
		binary.BigEndian.PutUint32(data[16:], 100_000)
		binary.BigEndian.PutUint32(data[20:], 100_000)
		binary.BigEndian.PutUint32(data[29:], crc32.ChecksumIEEE(data[12:29])) // IHDR's CRC
		quick(t, 100*time.Millisecond, func() {
			if _, err := Import(data, Options{}); !errors.Is(err, ErrTooLarge) {
				t.Errorf("huge image = %v, want ErrTooLarge", err)
			}
		})
	})
	t.Run("many slots", func(t *testing.T) {
		slot := `{"type":1,"key":"00","key_params":{"nonce":"00","tag":"00"},"n":2,"r":1,"p":1,"salt":"00"}`
		file := `{"version":1,"header":{"slots":[` + strings.Repeat(slot+",", 99) + slot + `],"params":{"nonce":"00","tag":"00"}},"db":"AAAA"}`
		if _, err := Import([]byte(file), Options{Password: password("x", nil)}); !errors.Is(err, ErrMalformed) {
			t.Errorf("100 password slots = %v, want ErrMalformed", err)
		}
	})
}

// TestHostileNesting: deeply nested JSON is an error, never a crash or a
// stack exhaustion.
func TestHostileNesting(t *testing.T) {
	deep := strings.Repeat("[", 1_000_000)
	for _, data := range []string{
		deep,
		`{"header":` + deep,
		`{"header":{"slots":null,"params":null},"db":{"entries":` + deep + `}}`,
		`{"schemaVersion":2,"services":` + deep,
	} {
		quick(t, 2*time.Second, func() {
			_, err := Import([]byte(data), Options{})
			if err == nil || !errorsIsAny(err, ErrMalformed, ErrUnknownFormat) {
				t.Errorf("nested JSON: %v", err)
			}
		})
	}
}

// aegisWithSlot returns the encrypted Aegis fixture with its password
// slot's scrypt parameters replaced.
func aegisWithSlot(t *testing.T, n, r, p int64) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(fixtureDir(t), "aegis_encrypted.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	slot := doc["header"].(map[string]any)["slots"].([]any)[0].(map[string]any)
	slot["n"], slot["r"], slot["p"] = n, r, p
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestHostileKDF: absurd key derivation parameters in encrypted headers
// are refused at once with ErrCostTooHigh, before the password is even
// asked for; invalid ones are ErrMalformed.
func TestHostileKDF(t *testing.T) {
	for _, c := range []struct {
		n, r, p int64
		want    error
	}{
		{1 << 40, 8, 1, ErrCostTooHigh},       // petabytes
		{1 << 20, 8, 1, ErrCostTooHigh},       // 1 GiB, over the 256 MiB default
		{1 << 15, 8, 1 << 30, ErrCostTooHigh}, // small memory, endless work
		{1 << 15, 1 << 40, 1, ErrCostTooHigh},
		{3, 8, 1, ErrMalformed}, // N not a power of two
		{1 << 15, 0, 1, ErrMalformed},
		{1 << 15, 8, -1, ErrMalformed},
	} {
		t.Run(fmt.Sprintf("N=%d,r=%d,p=%d", c.n, c.r, c.p), func(t *testing.T) {
			data := aegisWithSlot(t, c.n, c.r, c.p)
			calls := 0
			quick(t, 100*time.Millisecond, func() {
				_, err := Import(data, Options{Password: password("test", &calls)})
				if !errors.Is(err, c.want) {
					t.Errorf("got %v, want %v", err, c.want)
				}
			})
			if calls != 0 {
				t.Errorf("password asked for a file that will be refused")
			}
		})
	}
	t.Run("andOTP iterations", func(t *testing.T) {
		data, err := os.ReadFile(filepath.Join(fixtureDir(t), "andotp_encrypted.bin"))
		if err != nil {
			t.Fatal(err)
		}
		// andOTP's layouts have no marker: an iteration count over the
		// limit is usually an old-layout file's random nonce, so after the
		// old layout fails this is a wrong password (see
		// TestAndOTPOldEncrypted), refused at once without the KDF.
		data = bytes.Clone(data)
		binary.BigEndian.PutUint32(data, 0xffff_fff0)
		quick(t, time.Second, func() {
			if _, err := Import(data, Options{Password: password("test", nil)}); !errors.Is(err, ErrWrongPassword) {
				t.Errorf("4 billion iterations: %v, want ErrWrongPassword", err)
			}
		})
	})
}

// TestHostileEntries: invalid base32, zero digits or period, negative
// counters, unknown types and algorithms skip the entry with a clear
// reason (an otp sentinel), never quote the secret, and never fail the
// rest of the file.
func TestHostileEntries(t *testing.T) {
	const secret = "JBSWY3DPEHPK3PXP"
	entry := func(typ, secret, algo string, digits, period, counter any) map[string]any {
		return map[string]any{"type": typ, "name": "n", "issuer": "i", "info": map[string]any{
			"secret": secret, "algo": algo, "digits": digits, "period": period, "counter": counter}}
	}
	entries := []map[string]any{
		entry("totp", secret, "SHA1", 6, 30, nil), // the good one
		entry("totp", "JBSWY3DPEHPK3PX!", "SHA1", 6, 30, nil),
		entry("totp", secret+"1", "SHA1", 6, 30, nil), // 17 symbols: not whole bytes
		entry("totp", "", "SHA1", 6, 30, nil),
		entry("totp", secret, "SHA1", 0, 30, nil),
		entry("totp", secret, "SHA1", 6, 0, nil),
		entry("totp", secret, "SHA1", 6, -30, nil),
		entry("totp", secret, "SHA1", 1e15, 30, nil),
		entry("totp", secret, "SHA1", 6, 1e18, nil),
		entry("hotp", secret, "SHA1", 6, nil, -1),
		entry("totp", secret, "MD5", 6, 30, nil),
		entry("yandex", secret, "SHA256", 8, 30, nil),
		entry("steam", secret, "SHA1", 6, 30, nil), // Steam needs 5
	}
	doc, _ := json.Marshal(map[string]any{"version": 1, "header": map[string]any{"slots": nil, "params": nil},
		"db": map[string]any{"version": 2, "entries": entries}})
	r := mustImport(t, doc, Options{})
	if len(r.Accounts) != 1 || len(r.Skipped) != len(entries)-1 {
		t.Fatalf("%d accounts, %d skipped; want 1 and %d", len(r.Accounts), len(r.Skipped), len(entries)-1)
	}
	for _, s := range r.Skipped {
		if !errorsIsAny(s.Err, otp.ErrBadSecret, otp.ErrNoSecret, otp.ErrInvalid, otp.ErrUnsupported) {
			t.Errorf("entry %d: %v wraps no otp sentinel", s.Index, s.Err)
		}
		if strings.Contains(s.Err.Error(), "JBSWY3DP") {
			t.Errorf("entry %d: error quotes the secret: %v", s.Index, s.Err)
		}
		t.Logf("entry %d: %v", s.Index, s.Err)
	}
}

// TestPasswordCancelled: a PasswordFunc returning nil is ErrPasswordNeeded;
// its error is passed through.
func TestPasswordCancelled(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(fixtureDir(t), "2fas_authenticator_encrypted.2fas"))
	if err != nil {
		t.Fatal(err)
	}
	cancel := func(Format) (*memguard.LockedBuffer, error) { return nil, nil }
	if _, err := Import(data, Options{Password: cancel}); !errors.Is(err, ErrPasswordNeeded) {
		t.Errorf("cancelled: %v", err)
	}
	boom := errors.New("dialog closed")
	fail := func(Format) (*memguard.LockedBuffer, error) { return nil, boom }
	if _, err := Import(data, Options{Password: fail}); !errors.Is(err, boom) {
		t.Errorf("failing callback: %v", err)
	}
}

// TestDetectUnknown: what no reader recognises is ErrUnknownFormat;
// recognised exports no reader takes are ErrUnsupported.
func TestDetectUnknown(t *testing.T) {
	for _, data := range []string{
		`{"encrypted":true,"passwordProtected":true,"salt":"x","kdfType":0,"kdfIterations":600000,"encKeyValidation_DO_NOT_EDIT":"2.x","data":"2.y"}`,
		`{"version":1,"kdfParams":{"memLimit":1,"opsLimit":1,"salt":"x"},"encryptedData":"y","encryptionNonce":"z"}`,
	} {
		if _, err := Import([]byte(data), Options{}); !errors.Is(err, ErrUnsupported) {
			t.Errorf("%.40s…: %v, want ErrUnsupported", data, err)
		}
	}
	for _, data := range []string{"", "   \n", "hello world\n", `{"some":"json"}`, "{not json", "name,password\nx,y\n"} {
		if _, err := Import([]byte(data), Options{}); !errors.Is(err, ErrUnknownFormat) {
			t.Errorf("%q: %v, want ErrUnknownFormat", data, err)
		}
	}
}
