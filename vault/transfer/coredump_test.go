package transfer

import (
	"bytes"
	"crypto/rand"
	"encoding/base32"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"testing"

	"github.com/awnumar/memguard"

	"github.com/twofold-app/twofold/internal/memscan"

	"github.com/twofold-app/twofold/vault"
	"github.com/twofold-app/twofold/vault/otp"
)

// The package's memory promise, checked as an attacker would: a child
// process (this test binary) makes random secrets in locked memory,
// exports them in every format to buffers, imports those (from memory and
// from a file), previews and applies one import into a vault, wipes the
// buffers it owns (the files' bytes are the caller's), and keeps every
// Result alive. The parent then reads the child's memory the way a core
// dump does (every readable mapping not marked MADV_DONTDUMP) and looks
// for the secrets: raw, base32 (both cases), hex (both cases), base64. A
// heap canary must be found, or the search proves nothing. QR codes are
// left out: gozxing holds their texts in Go strings (see qr.go).

const transferDumpEnv = "TWOFOLD_TRANSFER_COREDUMP_CHILD"

const dumpSecrets = 3

func TestSecretsStayOutOfCoreDump(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc/PID/mem")
	}
	child, err := memscan.StartChild("TestCoreDumpChild", transferDumpEnv, slices.Repeat([]int{20}, dumpSecrets))
	if err != nil {
		t.Fatal(err)
	}
	defer child.Stop()
	canaryFound, leaks := searchMemory(t, child.Pid, child.Canary, child.Secrets)
	if !canaryFound {
		t.Fatal("heap canary not found: the search cannot see the heap")
	}
	for _, leak := range leaks {
		t.Errorf("found in dumpable process memory: %s", leak)
	}
}

func searchMemory(t *testing.T, pid int, canary []byte, secrets [][]byte) (bool, []string) {
	t.Helper()
	forms := map[string][]memscan.Form{}
	for i, s := range secrets {
		forms[fmt.Sprintf("secret %d", i)] = memscan.TextForms(s)
	}
	found, leaks, err := memscan.Search(pid, canary, forms)
	if err != nil {
		t.Fatal(err)
	}
	return found, leaks
}

// keySource is a Source over keys held in locked memory.
type keySource []*otp.Key

func (k keySource) Len() int            { return len(k) }
func (k keySource) Entry(i int) Account { return Account{Params: k[i].Params} }
func (k keySource) Key(i int) (*otp.Key, error) {
	buf := memguard.NewBuffer(k[i].Secret.Size())
	copy(buf.Bytes(), k[i].Secret.Bytes())
	return &otp.Key{Params: k[i].Params, Secret: buf}, nil
}

// TestCoreDumpChild is the child's side; it does nothing in a normal run.
func TestCoreDumpChild(t *testing.T) {
	if os.Getenv(transferDumpEnv) == "" {
		t.Skip("run by TestSecretsStayOutOfCoreDump")
	}
	src := keySource{}
	for i := range dumpSecrets {
		p := otp.Params{Issuer: fmt.Sprintf("Dump%d", i), Account: "child", Digits: 6, Period: 30}
		if i == 1 {
			p = otp.Params{Type: otp.HOTP, Issuer: "Dump1", Account: "child", Algorithm: otp.SHA256, Digits: 8, Counter: 5}
		}
		src = append(src, &otp.Key{Params: p, Secret: memguard.NewBufferRandom(20)})
	}
	var keep []*Result
	keep = append(keep, childImports(t, src)...)
	for _, k := range src {
		_, _ = os.Stdout.Write(k.Secret.Bytes()) // locked memory straight to the pipe
		k.Destroy()
	}
	canary := make([]byte, 16)
	_, _ = rand.Read(canary)
	runtime.GC()
	_, _ = os.Stdout.Write(canary)
	_, _ = os.Stdout.WriteString("ready\n")
	_, _ = io.Copy(io.Discard, os.Stdin)
	runtime.KeepAlive(keep)
	runtime.KeepAlive(canary)
}

// childImports runs src through every exporter and importer.
func childImports(t *testing.T, src keySource) []*Result {
	buf := bytes.NewBuffer(make([]byte, 0, 1<<20)) // never grows: one array to wipe
	pw := func(Format) (*memguard.LockedBuffer, error) { return memguard.NewBufferFromBytes([]byte("pw")), nil }
	var keep []*Result
	imp := func(export func() error, o Options) {
		buf.Reset()
		if err := export(); err != nil {
			t.Fatal(err)
		}
		r, err := Import(buf.Bytes(), o)
		if err != nil {
			t.Fatal(err)
		}
		clear(buf.Bytes()[:cap(buf.Bytes())])
		keep = append(keep, r)
	}
	imp(func() error { return ExportURIs(src, buf) }, Options{})
	for _, write := range []func(keySource, *bytes.Buffer){write2FAS, writeBitwardenCSV, writeFreeOTP, writeSteam, writeAndOTP} {
		imp(func() error { write(src, buf); return nil }, Options{})
	}
	imp(func() error { return ExportAegis(src, buf, AegisOptions{}) }, Options{})
	imp(func() error {
		return ExportAegis(src, buf, AegisOptions{Password: []byte("pw"), ScryptN: 1 << 10, ScryptR: 8, ScryptP: 1})
	}, Options{Password: pw})
	codes, _, err := ExportGoogle(src)
	if err != nil {
		t.Fatal(err)
	}
	r, err := ImportCodes(codes, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range codes {
		clear(c)
	}
	keep = append(keep, r)

	dir := t.TempDir()
	file := filepath.Join(dir, "export.json")
	buf.Reset()
	if err := ExportAegis(src, buf, AegisOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	clear(buf.Bytes()[:cap(buf.Bytes())])
	if r, err = ImportFile(file, Options{}); err != nil {
		t.Fatal(err)
	}
	keep = append(keep, r)
	childApply(t, dir, r)
	return keep
}

// childApply previews and applies r into a new vault.
func childApply(t *testing.T, dir string, r *Result) {
	s, err := vault.Create(filepath.Join(dir, "v.kdbx"), vault.Credentials{Password: []byte("pw")}, vault.CreateOptions{KDF: cheapKDF})
	if err != nil {
		t.Fatal(err)
	}
	p, err := PreviewImport(s, r)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Apply(s, r, p, ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	if p2, err := PreviewImport(s, r); err != nil || p2.Count(Duplicate) != dumpSecrets {
		t.Fatalf("second preview: %v", err)
	}
	s.Lock()
}

// Writers of other apps' formats, appending the secrets straight from
// locked memory into the (never growing) buffer.

func appendB32(b *bytes.Buffer, raw []byte) {
	enc := base32.StdEncoding.WithPadding(base32.NoPadding)
	n := enc.EncodedLen(len(raw))
	b.Grow(n) // within capacity: no new array
	enc.Encode(b.AvailableBuffer()[:n], raw)
	b.Write(b.AvailableBuffer()[:n])
}

func write2FAS(src keySource, b *bytes.Buffer) {
	b.WriteString(`{"schemaVersion":3,"services":[`)
	for i, k := range src {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(b, `{"name":%q,"secret":"`, k.Issuer)
		appendB32(b, k.Secret.Bytes())
		fmt.Fprintf(b, `","otp":{"account":"child","issuer":%q,"digits":6,"period":30,"algorithm":"SHA1","tokenType":"TOTP"}}`, k.Issuer)
	}
	b.WriteString(`]}`)
}

func writeBitwardenCSV(src keySource, b *bytes.Buffer) {
	b.WriteString("folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp\n")
	for _, k := range src {
		fmt.Fprintf(b, `,,login,"The ""%s""",,,0,,child,pw,"`, k.Issuer)
		appendB32(b, k.Secret.Bytes())
		b.WriteString("\"\r\n")
	}
}

func writeFreeOTP(src keySource, b *bytes.Buffer) {
	b.WriteString(`{"tokens":[`)
	for i, k := range src {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(b, `{"algo":"SHA1","digits":6,"issuerExt":%q,"label":"child","period":30,"type":"TOTP","secret":[`, k.Issuer)
		for j, c := range k.Secret.Bytes() {
			if j > 0 {
				b.WriteString(",")
			}
			b.Write(strconv.AppendInt(b.AvailableBuffer(), int64(int8(c)), 10))
		}
		b.WriteString("]}")
	}
	b.WriteString("]}")
}

func writeSteam(src keySource, b *bytes.Buffer) {
	b.WriteString(`{"accounts":{`)
	for i, k := range src {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(b, `"%d":{"account_name":"child%d","shared_secret":"`, i, i)
		n := base64.StdEncoding.EncodedLen(k.Secret.Size())
		b.Grow(n)
		base64.StdEncoding.Encode(b.AvailableBuffer()[:n], k.Secret.Bytes())
		b.Write(b.AvailableBuffer()[:n])
		b.WriteString(`"}`)
	}
	b.WriteString("}}")
}

func writeAndOTP(src keySource, b *bytes.Buffer) {
	b.WriteString("[")
	for i, k := range src {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(b, `{"issuer":%q,"label":"child","digits":6,"type":"TOTP","algorithm":"SHA1","period":30,"secret":"`, k.Issuer)
		appendB32(b, k.Secret.Bytes())
		b.WriteString(`"}`)
	}
	b.WriteString("]")
}
