package transfer

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/twofold-app/twofold/vault/otp"
)

// Fuzz targets, one per reader and one through detection. Each checks:
// no panic; the input is not modified; an error wraps a sentinel of this
// package or the otp package; a result holds only valid accounts with a
// secret, and skipped entries carry a reason. Limits are low so the
// fuzzer cannot spend its time in key derivation.

var fuzzLimits = Limits{MaxScryptMemory: 1 << 20, MaxScryptWork: 1 << 12, MaxPBKDF2Iterations: 1000,
	MaxImagePixels: 1 << 20, MaxAccounts: 1000}

var sentinels = []error{ErrUnknownFormat, ErrMalformed, ErrPasswordNeeded, ErrWrongPassword, ErrTooLarge,
	ErrCostTooHigh, ErrUnsupported, ErrNoQRCode, ErrIncompleteBatch,
	otp.ErrInvalid, otp.ErrMalformedURI, otp.ErrNoSecret, otp.ErrBadSecret, otp.ErrUnsupported}

func fuzzImport(t *testing.T, data []byte, f Format) {
	in := bytes.Clone(data)
	r, err := Import(data, Options{Format: f, Password: password("test", nil), Limits: fuzzLimits})
	if !bytes.Equal(in, data) {
		t.Fatal("Import modified its input")
	}
	if err != nil {
		if !errorsIsAny(err, sentinels...) {
			t.Fatalf("error %v wraps no sentinel", err)
		}
		return
	}
	defer r.Destroy()
	for i, a := range r.Accounts {
		if err := a.Validate(); err != nil {
			t.Fatalf("account %d invalid: %v", i, err)
		}
		k, err := r.Key(i)
		if err != nil {
			t.Fatal(err)
		}
		if k.Secret.Size() == 0 {
			t.Fatalf("account %d has an empty secret", i)
		}
		k.Destroy()
	}
	for _, s := range r.Skipped {
		if s.Err == nil {
			t.Fatal("skipped entry without a reason")
		}
	}
}

// addFixtures seeds f with fixture files when the folder is there.
func addFixtures(f *testing.F, names ...string) {
	dir := filepath.Join("..", "..", "..", "shared", "fixtures", "importers")
	for _, n := range names {
		if data, err := os.ReadFile(filepath.Join(dir, n)); err == nil {
			f.Add(data)
		}
	}
}

func FuzzDetectAndImport(f *testing.F) {
	addFixtures(f, "plain.txt", "aegis_plain.json", "2fas_authenticator_plain_v3.2fas", "andotp_plain.json",
		"bitwarden.json", "freeotp_plus.json", "steam.json", "ente_auth.txt")
	f.Add([]byte("otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP\n"))
	f.Add([]byte{0x03, 0xd9, 0xa2, 0x9a, 0x67, 0xfb, 0x4b, 0xb5})
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := Detect(data); err != nil && !errorsIsAny(err, ErrUnknownFormat, ErrUnsupported) {
			t.Fatalf("Detect: %v", err)
		}
		fuzzImport(t, data, "")
	})
}

func FuzzAegis(f *testing.F) {
	addFixtures(f, "aegis_plain.json", "aegis_encrypted.json")
	f.Add([]byte(`{"version":1,"header":{"slots":[{"type":1,"key":"00","key_params":{"nonce":"00","tag":"00"},"n":2,"r":1,"p":1,"salt":"00"}],"params":{"nonce":"00","tag":"00"}},"db":"AAAA"}`))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzImport(t, data, FormatAegis) })
}

func Fuzz2FAS(f *testing.F) {
	addFixtures(f, "2fas_authenticator.json", "2fas_authenticator_plain.2fas", "2fas_authenticator_plain_v3.2fas",
		"2fas_authenticator_encrypted.2fas")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzImport(t, data, Format2FAS) })
}

func FuzzAndOTP(f *testing.F) {
	addFixtures(f, "andotp_plain.json", "andotp_encrypted.bin")
	f.Add([]byte{0, 0, 0, 10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) { fuzzImport(t, data, FormatAndOTP) })
}

func FuzzBitwarden(f *testing.F) {
	addFixtures(f, "bitwarden.json")
	f.Add([]byte("folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp\n" +
		`Work,,login,"A ""quoted"" name",,,0,https://x,alice,"p,w",JBSWY3DPEHPK3PXP` + "\r\n,,login,S,,,,,,,steam://JBSWY3DPEHPK3PXP\n"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzImport(t, data, FormatBitwarden) })
}

func FuzzFreeOTP(f *testing.F) {
	addFixtures(f, "freeotp_plus.json")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzImport(t, data, FormatFreeOTP) })
}

func FuzzSteam(f *testing.F) {
	addFixtures(f, "steam.json")
	f.Add([]byte(`{"shared_secret":"THIl8+Jl6ugxr8x0X6eRMg==","account_name":"x"}`))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzImport(t, data, FormatSteam) })
}

func FuzzText(f *testing.F) {
	addFixtures(f, "plain.txt", "ente_auth.txt")
	f.Add([]byte(migrationURI([]wireAccount{{secret: rfc4226Seed, name: "a", issuer: "b", alg: 2, digits: 2, tp: 1, counter: 3}}, 2, 1, 9)))
	f.Add([]byte("otpauth://steam/S:x?secret=JBSWY3DPEHPK3PXP#frag\n# comment\n\nbogus\n"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzImport(t, data, FormatURIList) })
}

func FuzzImage(f *testing.F) {
	var buf bytes.Buffer
	q, err := EncodeQR([]byte("otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP"))
	if err != nil {
		f.Fatal(err)
	}
	if err := png.Encode(&buf, q.Image(2)); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	buf.Reset()
	_ = png.Encode(&buf, image.NewGray(image.Rect(0, 0, 3, 3)))
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) { fuzzImport(t, data, FormatQR) })
}

// FuzzCSV: the CSV reader never panics, and on input without quotes its
// fields are exactly the comma-separated pieces of each line.
func FuzzCSV(f *testing.F) {
	f.Add([]byte("a,b,c\n1,\"2\"\"x\",3\r\n"))
	f.Add([]byte(`"unterminated`))
	f.Fuzz(func(t *testing.T, data []byte) {
		in := bytes.Clone(data)
		table, err := readCSV(data)
		wipeCSV(table)
		if !bytes.Equal(in, data) {
			t.Fatal("readCSV modified its input")
		}
		if err != nil || bytes.ContainsAny(data, "\"\r") {
			return
		}
		var want [][][]byte
		for line := range bytes.SplitSeq(data, []byte("\n")) {
			if len(bytes.TrimSpace(line)) == 0 {
				continue
			}
			want = append(want, bytes.Split(line, []byte(",")))
		}
		if len(want) != len(table.rows) {
			t.Fatalf("%d rows, want %d", len(table.rows), len(want))
		}
		for i := range want {
			if len(want[i]) != len(table.rows[i]) {
				t.Fatalf("row %d: %d fields, want %d", i, len(table.rows[i]), len(want[i]))
			}
			for j := range want[i] {
				if !bytes.Equal(want[i][j], table.rows[i][j]) {
					t.Fatalf("row %d field %d: %q, want %q", i, j, table.rows[i][j], want[i][j])
				}
			}
		}
	})
}
