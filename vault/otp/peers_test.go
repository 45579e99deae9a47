package otp

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"html"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// oathtool (OATH Toolkit) prints -w N+1 codes for consecutive steps or
// counters, so one run checks several.
func oathtool(t *testing.T, args ...string) []string {
	t.Helper()
	out, err := exec.Command("oathtool", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("oathtool %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.Fields(string(out))
}

// Cross-check against Debian's oathtool for SHA1/256/512, 6 to 8 digits,
// several periods and times up to and past 2106 (where 32-bit Unix time
// ends), with hex keys and, for some, base32 keys read by both sides.
func TestGenerateMatchesOathtool(t *testing.T) {
	needTool(t, "oathtool")
	r := rand.New(rand.NewPCG(11, 12))
	times := []int64{0, 59, 1111111109, 2000000000, 1<<31 - 1, 1 << 32, 5000000000, 20000000000}
	for i := range 36 {
		raw := randomBytes(r, []int{10, 16, 20, 32, 64, 65, 100}[r.IntN(7)])
		p := Params{Algorithm: Algorithm(i % 3), Digits: 6 + i%3, Period: []int{30, 60, 15}[r.IntN(3)]}
		at := times[i%len(times)]
		if i >= 2*len(times) {
			at = r.Int64N(1 << 35)
		}
		key := hex.EncodeToString(raw)
		keyArgs := []string{key}
		if i%4 == 0 {
			keyArgs = []string{"-b", b32(raw)}
		}
		args := append([]string{"--totp=" + p.Algorithm.String(), "-d", strconv.Itoa(p.Digits),
			"-s", strconv.Itoa(p.Period) + "s", "-N", "@" + strconv.FormatInt(at, 10), "-w", "3"}, keyArgs...)
		for step, want := range oathtool(t, args...) {
			got, err := Generate(p, locked(t, raw).Bytes(), time.Unix(at+int64(step*p.Period), 0))
			if err != nil || got != want {
				t.Fatalf("%+v key %s at %d+%d steps: got %q, %v; oathtool %q", p, key, at, step, got, err, want)
			}
		}
	}
	for i, counter := range []uint64{0, 1, 1 << 32, 1<<63 - 10, r.Uint64() >> 1} {
		raw := randomBytes(r, 20)
		p := Params{Type: HOTP, Digits: 6 + i%3}
		for c, want := range oathtool(t, "--hotp", "-d", strconv.Itoa(p.Digits), "-c", strconv.FormatUint(counter, 10), "-w", "4", hex.EncodeToString(raw)) {
			p.Counter = counter + uint64(c)
			if got, err := Generate(p, locked(t, raw).Bytes(), time.Time{}); err != nil || got != want {
				t.Fatalf("hotp counter %d: got %q, %v; oathtool %q", p.Counter, got, err, want)
			}
		}
	}
}

// KeePassXC reads what Encode writes: the fields go into a KeePass XML
// file, keepassxc-cli imports it, and keepassxc-cli show --totp, run under
// faketime, must print the codes Generate gives. KeePassXC has no HOTP and
// (in 2.7) no TimeOtp fields, so those conventions are not checked here.
func TestKeePassXCReadsEncode(t *testing.T) {
	needTool(t, "keepassxc-cli", "faketime")
	secret := locked(t, []byte("1234567890123456")) // 16 bytes: padded base32
	long := locked(t, []byte("12345678901234567890123456789012"))
	entries := []struct {
		conv Convention
		k    *Key
	}{
		{KeePassXC, &Key{Params: Params{Issuer: "A & B", Account: "me@x", Digits: 6, Period: 30}, Secret: secret}},
		{KeePassXC, &Key{Params: Params{Algorithm: SHA256, Digits: 8, Period: 60}, Secret: long}},
		{KeePassXC, &Key{Params: Params{Issuer: "Steam", Digits: 5, Period: 30, Steam: true}, Secret: secret}},
		{KeeOtp, &Key{Params: Params{Algorithm: SHA512, Digits: 7, Period: 45}, Secret: secret}},
		{LegacyTOTP, &Key{Params: Params{Digits: 8, Period: 30}, Secret: long}},
		{LegacyTOTP, &Key{Params: Params{Digits: 5, Period: 30, Steam: true}, Secret: long}},
	}
	db := keePassXCDatabase(t, func(i int) []FieldWrite { return Encode(entries[i].conv, entries[i].k) }, len(entries))
	// Not past 2106: KeePassXC 2.7 reads the clock as a 32-bit uint
	// (QDateTime::toTime_t), which then sticks at 2^32-1.
	for _, at := range []int64{1511200518, 4102444800} {
		codes := keePassXCCodes(t, db, len(entries), at)
		for i, e := range entries {
			want, err := e.k.Code(time.Unix(at, 0))
			if err != nil {
				t.Fatal(err)
			}
			if codes[i] != want {
				t.Errorf("%v %+v at %d: keepassxc-cli %q, Generate %q", e.conv, e.k.Params, at, codes[i], want)
			}
		}
	}
}

// keePassXCDatabase imports n entries, e0..e{n-1}, into a new database
// opened with a key file.
func keePassXCDatabase(t *testing.T, fields func(int) []FieldWrite, n int) (db string) {
	t.Helper()
	dir := t.TempDir()
	var x strings.Builder
	x.WriteString(`<?xml version="1.0" encoding="UTF-8"?><KeePassFile><Meta><Generator>twofold test</Generator></Meta><Root><Group><Name>Root</Name>`)
	for i := range n {
		fmt.Fprintf(&x, `<Entry><UUID>%s</UUID><String><Key>Title</Key><Value>e%d</Value></String>`, uuid(i), i)
		for _, w := range fields(i) {
			v := w.Plain
			if w.Secret != nil {
				v = string(w.Secret.Bytes())
				w.Secret.Destroy()
			}
			protect := "False"
			if w.Protected {
				protect = "True"
			}
			fmt.Fprintf(&x, `<String><Key>%s</Key><Value ProtectInMemory="%s">%s</Value></String>`,
				html.EscapeString(w.Key), protect, html.EscapeString(v))
		}
		x.WriteString(`</Entry>`)
	}
	x.WriteString(`</Group></Root></KeePassFile>`)
	xml, db := filepath.Join(dir, "in.xml"), filepath.Join(dir, "db.kdbx")
	keyFile := filepath.Join(dir, "key")
	if err := os.WriteFile(xml, []byte(x.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, []byte("twofold test key file, 32+ bytes long"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("keepassxc-cli", "import", "-q", "--set-key-file", keyFile, "-t", "100", xml, db).CombinedOutput(); err != nil {
		t.Fatalf("keepassxc-cli import: %v\n%s", err, out)
	}
	return db
}

// uuid is a KeePass base64 UUID for entry i.
func uuid(i int) string {
	b := make([]byte, 16)
	b[15] = byte(i + 1)
	return base64.StdEncoding.EncodeToString(b)
}

// keePassXCCodes opens db once, at Unix time at (faketime), and runs
// show --totp for entries e0..e{n-1} in keepassxc-cli's interactive shell.
func keePassXCCodes(t *testing.T, db string, n int, at int64) []string {
	t.Helper()
	var script strings.Builder
	for i := range n {
		fmt.Fprintf(&script, "show --totp e%d\n", i)
	}
	script.WriteString("exit\n")
	keyFile := filepath.Join(filepath.Dir(db), "key")
	cmd := exec.Command("faketime", "@"+strconv.FormatInt(at, 10),
		"keepassxc-cli", "open", "-q", "--no-password", "-k", keyFile, db)
	cmd.Stdin = strings.NewReader(script.String())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("keepassxc-cli open: %v\n%s", err, out)
	}
	var codes []string
	for _, line := range strings.Split(string(out), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.Contains(line, "> ") {
			codes = append(codes, line)
		}
	}
	if len(codes) != n {
		t.Fatalf("keepassxc-cli printed %q, want %d codes", out, n)
	}
	return codes
}
