package fidotest_test

// These tests check the software authenticator with clients nobody here
// wrote: libfido2's own command-line tools, run with the shim preloaded.

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/twofold-app/twofold/internal/fidotest"
	"github.com/twofold-app/twofold/internal/fidotest/softkey"
)

// tool runs one of libfido2's tools against the rig, feeding stdin (PINs).
func tool(t *testing.T, r *fidotest.Rig, stdin string, name string, args ...string) (string, error) {
	t.Helper()
	cmd := r.Command(name, args...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func mustTool(t *testing.T, r *fidotest.Rig, stdin string, name string, args ...string) string {
	t.Helper()
	out, err := tool(t, r, stdin, name, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return out
}

func TestTokenInfo(t *testing.T) {
	r := fidotest.New(t, softkey.Config{FirmwareVersion: 0x050704})
	out := mustTool(t, r, "", "fido2-token", "-I", r.Path())
	for _, want := range []string{
		"version strings: FIDO_2_0, FIDO_2_1",
		"aaguid: 74776f666f6c642d736f66746b657931",
		"noclientPin", "authnrCfg", "pinUvAuthToken",
		"fwversion: 0x50704",
		"remaining rk(s): 25",
		"minpinlen: 4",
		"pin protocols: 2, 1",
		"caps: 0x0d (wink, cbor, nomsg)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("fido2-token -I: missing %q in\n%s", want, out)
		}
	}
}

func TestTokenListShowsNoSocket(t *testing.T) {
	// Enumeration walks udev and can never list the rig's socket: this is
	// why Twofold accepts explicit paths in TWOFOLD_FIDO_DEVICES.
	r := fidotest.New(t, softkey.Config{})
	out := mustTool(t, r, "", "fido2-token", "-L")
	if strings.Contains(out, r.Path()) {
		t.Fatalf("fido2-token -L listed the socket: %s", out)
	}
}

func TestTokenSetAndChangePIN(t *testing.T) {
	r := fidotest.New(t, softkey.Config{})
	mustTool(t, r, "1234\n1234\n", "fido2-token", "-S", r.Path())
	out := mustTool(t, r, "", "fido2-token", "-I", r.Path())
	if !strings.Contains(out, "clientPin") || strings.Contains(out, "noclientPin") || !strings.Contains(out, "pin retries: 8") {
		t.Fatalf("after -S:\n%s", out)
	}
	if out, err := tool(t, r, "9999\n5678\n5678\n", "fido2-token", "-C", r.Path()); err == nil {
		t.Fatalf("-C with a wrong PIN succeeded:\n%s", out)
	}
	if out := mustTool(t, r, "", "fido2-token", "-I", r.Path()); !strings.Contains(out, "pin retries: 7") {
		t.Fatalf("after a wrong PIN:\n%s", out)
	}
	mustTool(t, r, "1234\n5678\n5678\n", "fido2-token", "-C", r.Path())
	if out := mustTool(t, r, "", "fido2-token", "-I", r.Path()); !strings.Contains(out, "pin retries: 8") {
		t.Fatalf("after -C:\n%s", out)
	}
	// The new PIN works for a user-verified credential, the old one does not.
	if _, err := makeCred(t, r, "1234\n", "-v"); err == nil {
		t.Fatal("old PIN accepted")
	}
	if _, err := makeCred(t, r, "5678\n", "-v"); err != nil {
		t.Fatal(err)
	}
}

// TestTokenPINProtocolOne: libfido2's tools set, change and use a PIN with
// PIN/UV auth protocol 1 on a key that offers only that one.
func TestTokenPINProtocolOne(t *testing.T) {
	r := fidotest.New(t, softkey.Config{PINProtocols: []int{1}})
	if out := mustTool(t, r, "", "fido2-token", "-I", r.Path()); !strings.Contains(out, "pin protocols: 1\n") {
		t.Fatalf("-I:\n%s", out)
	}
	mustTool(t, r, "1234\n1234\n", "fido2-token", "-S", r.Path())
	if out, err := tool(t, r, "9999\n5678\n5678\n", "fido2-token", "-C", r.Path()); err == nil || !strings.Contains(out, "FIDO_ERR_PIN_INVALID") {
		t.Fatalf("-C with a wrong PIN: %v\n%s", err, out)
	}
	if out := mustTool(t, r, "", "fido2-token", "-I", r.Path()); !strings.Contains(out, "pin retries: 7") {
		t.Fatalf("after a wrong PIN:\n%s", out)
	}
	mustTool(t, r, "1234\n5678\n5678\n", "fido2-token", "-C", r.Path())
	roundTrip(t, r, "5678\n", "-v")
	if out := mustTool(t, r, "5678\n", "fido2-token", "-I", "-c", r.Path()); !strings.Contains(out, "existing rk(s): 0") {
		t.Fatalf("-I -c:\n%s", out)
	}
}

func TestTokenReset(t *testing.T) {
	r := fidotest.New(t, softkey.Config{})
	mustTool(t, r, "1234\n1234\n", "fido2-token", "-S", r.Path())
	mustTool(t, r, "", "fido2-token", "-R", r.Path())
	if out := mustTool(t, r, "", "fido2-token", "-I", r.Path()); !strings.Contains(out, "noclientPin") {
		t.Fatalf("PIN survived reset:\n%s", out)
	}
}

func TestTokenResetOutsideWindow(t *testing.T) {
	clock := fidotest.NewClock()
	r := fidotest.New(t, softkey.Config{Now: clock.Now})
	clock.Advance(softkey.ResetWindow + 1)
	if out, err := tool(t, r, "", "fido2-token", "-R", r.Path()); err == nil {
		t.Fatalf("reset accepted long after power-up:\n%s", out)
	}
	r.Replug()
	mustTool(t, r, "", "fido2-token", "-R", r.Path())
}

// files holds fido2-cred/fido2-assert input and output files.
type files struct{ dir string }

func (f files) path(name string) string { return filepath.Join(f.dir, name) }

func (f files) write(t *testing.T, name string, lines ...string) string {
	t.Helper()
	p := f.path(name)
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func (f files) lines(t *testing.T, name string) []string {
	t.Helper()
	b, err := os.ReadFile(f.path(name))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimRight(string(b), "\n"), "\n")
}

func random64(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

// makeCred runs fido2-cred -M (extra flags such as -v or -r) and returns
// the directory holding cred_out and the client data hash.
func makeCred(t *testing.T, r *fidotest.Rig, stdin string, flags ...string) (files, error) {
	t.Helper()
	f := files{dir: t.TempDir()}
	in := f.write(t, "cred_in", random64(32), "twofold.local", "alice", random64(16))
	args := append([]string{"-M"}, flags...)
	args = append(args, "-i", in, "-o", f.path("cred_out"), r.Path(), "es256")
	out, err := tool(t, r, stdin, "fido2-cred", args...)
	if err != nil {
		t.Logf("fido2-cred %v: %s", args, out)
	}
	return f, err
}

// roundTrip registers a credential, verifies its attestation, gets an
// assertion and verifies it: all with libfido2's tools.
func roundTrip(t *testing.T, r *fidotest.Rig, pin string, flags ...string) {
	t.Helper()
	f, err := makeCred(t, r, pin, flags...)
	if err != nil {
		t.Fatal(err)
	}
	cred := f.lines(t, "cred_out")
	if cred[2] != "packed" {
		t.Fatalf("attestation format %q", cred[2])
	}
	pub := verifyCred(t, r, f)
	in := f.write(t, "assert_in", cred[0], "twofold.local", f.lines(t, "cred_ver")[0])
	args := append([]string{"-G"}, flags...)
	mustTool(t, r, pin, "fido2-assert", append(args, "-i", in, "-o", f.path("assert_out"), r.Path())...)
	vflags := []string{"-V"}
	if pin != "" {
		vflags = append(vflags, "-v")
	}
	mustTool(t, r, "", "fido2-assert", append(vflags, "-i", f.path("assert_out"), pub, "es256")...)
}

// verifyCred checks the attestation of the credential in f with
// fido2-cred -V, which writes the credential ID and public key to
// cred_ver, and returns the path of the public key (PEM).
func verifyCred(t *testing.T, r *fidotest.Rig, f files) string {
	t.Helper()
	mustTool(t, r, "", "fido2-cred", "-V", "-i", f.path("cred_out"), "-o", f.path("cred_ver"), "es256")
	ver := f.lines(t, "cred_ver")
	return f.write(t, "pub.pem", ver[1:]...)
}

func TestCredAssertRoundTrip(t *testing.T) {
	r := fidotest.New(t, softkey.Config{})
	roundTrip(t, r, "")
}

// TestCredAssertRoundTripSelfAttestation: libfido2's verifier accepts the
// key's self attestation (fido2-cred -V checks it with the credential key
// when there is no certificate), so Twofold's verifier is not checked only
// against itself.
func TestCredAssertRoundTripSelfAttestation(t *testing.T) {
	r := fidotest.New(t, softkey.Config{SelfAttestation: true})
	f, err := makeCred(t, r, "")
	if err != nil {
		t.Fatal(err)
	}
	if cred := f.lines(t, "cred_out"); len(cred) != 6 {
		t.Fatalf("cred_out has %d lines, want 6 (no certificate): %q", len(cred), cred)
	}
	roundTrip(t, r, "")
}

func TestCredAssertRoundTripWithPIN(t *testing.T) {
	r := fidotest.New(t, softkey.Config{})
	mustTool(t, r, "1234\n1234\n", "fido2-token", "-S", r.Path())
	roundTrip(t, r, "1234\n", "-v")
}

func TestResidentCredential(t *testing.T) {
	r := fidotest.New(t, softkey.Config{})
	mustTool(t, r, "1234\n1234\n", "fido2-token", "-S", r.Path())
	if _, err := makeCred(t, r, "", "-r"); err == nil {
		t.Fatal("resident credential made without the PIN")
	}
	f, err := makeCred(t, r, "1234\n", "-r", "-v")
	if err != nil {
		t.Fatal(err)
	}
	cred := f.lines(t, "cred_out")
	in := f.write(t, "assert_in", cred[0], "twofold.local")
	out := mustTool(t, r, "1234\n", "fido2-assert", "-G", "-r", "-v", "-i", in, "-o", f.path("assert_out"), r.Path())
	if got := f.lines(t, "assert_out"); len(got) < 5 {
		t.Fatalf("discoverable assertion: %v %s", got, out)
	}
}

// TestDiscoverableAssertions: without an allow list the key answers with
// every discoverable credential of the site, newest first. libfido2 gets
// the first with getAssertion and each of the others with
// getNextAssertion; every signature must be made with its own credential.
func TestDiscoverableAssertions(t *testing.T) {
	r := fidotest.New(t, softkey.Config{})
	var creds []files
	for range 3 {
		f, err := makeCred(t, r, "", "-r")
		if err != nil {
			t.Fatal(err)
		}
		creds = append(creds, f)
	}
	// Neither a non-discoverable credential nor another site's passkey
	// may answer.
	if _, err := makeCred(t, r, ""); err != nil {
		t.Fatal(err)
	}
	fidotest.MakePasskey(t, r.Path(), fidotest.Passkey{RPID: "example.org", UserName: "bob"})

	f := files{dir: t.TempDir()}
	in := f.write(t, "assert_in", random64(32), "twofold.local")
	mustTool(t, r, "", "fido2-assert", "-G", "-r", "-i", in, "-o", f.path("assert_out"), r.Path())
	got := f.lines(t, "assert_out") // per assertion: cdh, rp, authdata, sig, user ID
	if len(got) != 5*len(creds) {
		t.Fatalf("%d lines for %d credentials:\n%s", len(got), len(creds), strings.Join(got, "\n"))
	}
	for i := range creds {
		c, as := creds[len(creds)-1-i], got[5*i:5*i+5]
		if user := c.lines(t, "cred_in")[3]; as[4] != user {
			t.Errorf("assertion %d is for user %s, want %s", i, as[4], user)
		}
		one := f.write(t, fmt.Sprintf("assert_%d", i), as[:4]...)
		if out, err := tool(t, r, "", "fido2-assert", "-V", "-i", one, verifyCred(t, r, c), "es256"); err != nil {
			t.Errorf("assertion %d does not verify with its credential's key: %v\n%s", i, err, out)
		}
	}
}

func TestTokenDeniedTouch(t *testing.T) {
	r := fidotest.New(t, softkey.Config{Presence: softkey.NeverPresent})
	if _, err := makeCred(t, r, ""); err == nil {
		t.Fatal("credential made without a touch")
	}
}

// residentCred makes a discoverable credential for twofold.local with
// fido2-cred and returns its ID and user ID (base64, as the tools print
// them).
func residentCred(t *testing.T, r *fidotest.Rig, pin string) (id, userID string) {
	t.Helper()
	f, err := makeCred(t, r, pin+"\n", "-r", "-v")
	if err != nil {
		t.Fatal(err)
	}
	in, out := f.lines(t, "cred_in"), f.lines(t, "cred_out")
	return out[4], in[3]
}

func TestTokenCredentialManagement(t *testing.T) {
	r := fidotest.New(t, softkey.Config{MaxResident: 5})
	mustTool(t, r, "1234\n1234\n", "fido2-token", "-S", r.Path())
	if out := mustTool(t, r, "", "fido2-token", "-I", r.Path()); !strings.Contains(out, "credMgmt") {
		t.Fatalf("credMgmt not offered:\n%s", out)
	}
	id1, user1 := residentCred(t, r, "1234")
	id2, _ := residentCred(t, r, "1234")
	if out := mustTool(t, r, "1234\n", "fido2-token", "-I", "-c", r.Path()); !strings.Contains(out, "existing rk(s): 2\nremaining rk(s): 3") {
		t.Fatalf("-I -c:\n%s", out)
	}
	rpHash := sha256.Sum256([]byte("twofold.local"))
	if out := mustTool(t, r, "1234\n", "fido2-token", "-L", "-r", r.Path()); !strings.Contains(out, "00: "+base64.StdEncoding.EncodeToString(rpHash[:])+" twofold.local\n") {
		t.Fatalf("-L -r:\n%s", out)
	}
	out := mustTool(t, r, "1234\n", "fido2-token", "-L", "-k", "twofold.local", r.Path())
	if !strings.Contains(out, "00: "+id1+" ") || !strings.Contains(out, "01: "+id2+" ") || !strings.Contains(out, user1+" es256") {
		t.Fatalf("-L -k (want %s, %s):\n%s", id1, id2, out)
	}
	mustTool(t, r, "1234\n", "fido2-token", "-S", "-c", "-i", id1, "-k", user1, "-n", "alice", "-p", "Alice Liddell", r.Path())
	if out := mustTool(t, r, "1234\n", "fido2-token", "-L", "-k", "twofold.local", r.Path()); !strings.Contains(out, id1+" Alice Liddell "+user1) {
		t.Fatalf("-L -k after -S -c:\n%s", out)
	}
	mustTool(t, r, "1234\n", "fido2-token", "-D", "-i", id1, r.Path())
	out = mustTool(t, r, "1234\n", "fido2-token", "-L", "-k", "twofold.local", r.Path())
	if strings.Contains(out, id1) || !strings.Contains(out, "00: "+id2) {
		t.Fatalf("-L -k after -D:\n%s", out)
	}
	if out, err := tool(t, r, "1234\n", "fido2-token", "-D", "-i", id1, r.Path()); err == nil {
		t.Fatalf("deleting twice worked:\n%s", out)
	}
	if out, err := tool(t, r, "9999\n", "fido2-token", "-L", "-r", r.Path()); err == nil || !strings.Contains(out, "FIDO_ERR_PIN_INVALID") {
		t.Fatalf("-L -r with a wrong PIN: %v\n%s", err, out)
	}
}

func TestTokenListEmptyKey(t *testing.T) {
	r := fidotest.New(t, softkey.Config{})
	mustTool(t, r, "1234\n1234\n", "fido2-token", "-S", r.Path())
	if out := mustTool(t, r, "1234\n", "fido2-token", "-I", "-c", r.Path()); !strings.Contains(out, "existing rk(s): 0") {
		t.Fatalf("-I -c:\n%s", out)
	}
	// CTAP 2.1 answers enumerateRPsBegin on an empty key with
	// CTAP2_ERR_NO_CREDENTIALS, which fido2-token reports as an error.
	if out, err := tool(t, r, "1234\n", "fido2-token", "-L", "-r", r.Path()); err == nil || !strings.Contains(out, "FIDO_ERR_NO_CREDENTIALS") {
		t.Fatalf("-L -r on an empty key: %v\n%s", err, out)
	}
}

func TestTokenBioEnrollment(t *testing.T) {
	finger := softkey.NewFingers(softkey.SampleTooFast)
	r := fidotest.New(t, softkey.Config{Bio: true, Finger: finger.Finger})
	mustTool(t, r, "1234\n1234\n", "fido2-token", "-S", r.Path())
	out := mustTool(t, r, "", "fido2-token", "-I", r.Path())
	for _, want := range []string{"nobioEnroll", "nouv", "uv retries: 8", "uv modality: 0x2 (fingerprint check)", "sensor type: 1 (touch)", "max samples: 4"} {
		if !strings.Contains(out, want) {
			t.Errorf("-I: missing %q in\n%s", want, out)
		}
	}
	out = mustTool(t, r, "1234\n", "fido2-token", "-S", "-e", r.Path())
	if !strings.Contains(out, "Sample too fast.") || strings.Count(out, "Sample ok.") != 4 {
		t.Fatalf("-S -e:\n%s", out)
	}
	list := mustTool(t, r, "1234\n", "fido2-token", "-L", "-e", r.Path())
	_, entry, _ := strings.Cut(list, "00: ")
	id := strings.Fields(entry)[0]
	mustTool(t, r, "1234\n", "fido2-token", "-S", "-e", "-i", id, "-n", "right index", r.Path())
	if out := mustTool(t, r, "1234\n", "fido2-token", "-L", "-e", r.Path()); !strings.Contains(out, "00: "+id+" right index") {
		t.Fatalf("-L -e after naming:\n%s", out)
	}
	if out := mustTool(t, r, "", "fido2-token", "-I", r.Path()); !strings.Contains(out, " bioEnroll") || !strings.Contains(out, " uv,") {
		t.Fatalf("-I after enrolling:\n%s", out)
	}
	mustTool(t, r, "1234\n", "fido2-token", "-D", "-e", "-i", id, r.Path())
	if out, err := tool(t, r, "1234\n", "fido2-token", "-L", "-e", r.Path()); err == nil || strings.Contains(out, id) {
		t.Fatalf("-L -e after -D -e: %v\n%s", err, out)
	}
}

// TestTokenFingerInsteadOfPIN: once a finger is enrolled, libfido2 asks the
// key for a pinUvAuthToken by fingerprint before falling back to the PIN.
func TestTokenFingerInsteadOfPIN(t *testing.T) {
	// Four samples to enrol, matches for fido2-cred and fido2-token (both
	// try UV before asking for the PIN), then an unknown finger.
	good := softkey.SampleGood
	finger := softkey.NewFingers(good, good, good, good, good, good, softkey.SamplePoorQuality)
	r := fidotest.New(t, softkey.Config{Bio: true, Finger: finger.Finger})
	mustTool(t, r, "1234\n1234\n", "fido2-token", "-S", r.Path())
	mustTool(t, r, "1234\n", "fido2-token", "-S", "-e", r.Path())
	residentCred(t, r, "1234")
	if out := mustTool(t, r, "", "fido2-token", "-L", "-r", r.Path()); !strings.Contains(out, " twofold.local") {
		t.Fatalf("-L -r by fingerprint:\n%s", out)
	}
	reqs := finger.Requests()
	if last := reqs[len(reqs)-1]; last.Command != "verify" {
		t.Fatalf("last capture %+v, want a verification", last)
	}
	// A finger the key does not know costs a UV retry; the tool falls back
	// to the PIN.
	if out := mustTool(t, r, "1234\n", "fido2-token", "-L", "-r", r.Path()); !strings.Contains(out, "Enter PIN") {
		t.Fatalf("-L -r after a failed match:\n%s", out)
	}
	if out := mustTool(t, r, "", "fido2-token", "-I", r.Path()); !strings.Contains(out, "uv retries: 7") {
		t.Fatalf("-I after a failed match:\n%s", out)
	}
}
