//go:build cgo && linux

package main

// 'twofold key' run in-process against the software authenticator, through
// the real libfido2 (the shim lets it open the rig's socket).

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twofold-app/twofold/fido"
	"github.com/twofold-app/twofold/internal/fidotest"
	_ "github.com/twofold-app/twofold/internal/fidotest/shim"
	"github.com/twofold-app/twofold/internal/fidotest/softkey"
)

// keyResult is what one CLI run printed.
type keyResult struct {
	code           int
	stdout, stderr string
}

// keyRun runs 'twofold ARGS' with stdin, seeing only the given keys.
func keyRun(t *testing.T, keys []*fidotest.Rig, stdin string, args ...string) keyResult {
	t.Helper()
	return keyRunWith(t, keys, strings.NewReader(stdin), nil, args...)
}

// keyRunWith runs the CLI; each line it writes to standard error is also
// passed to onLine (a person reacting to instructions), if set.
func keyRunWith(t *testing.T, keys []*fidotest.Rig, stdin io.Reader, onLine func(string), args ...string) keyResult {
	t.Helper()
	var paths []string
	for _, r := range keys {
		paths = append(paths, r.Path())
	}
	var stdout bytes.Buffer
	stderr := &lineWatcher{onLine: onLine}
	e := env{
		stdin: stdin, stdout: &stdout, stderr: stderr, now: time.Now,
		getenv: func(k string) string {
			switch k {
			case fido.EnvDevices:
				return strings.Join(paths, ":")
			case fido.EnvEnumerate:
				return "0" // only the rig's keys, whatever is plugged in here
			}
			return ""
		},
	}
	code := run(args, e)
	return keyResult{code, stdout.String(), stderr.String()}
}

// lineWatcher collects standard error and calls onLine per line.
type lineWatcher struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	onLine func(string)
}

func (w *lineWatcher) Write(p []byte) (int, error) {
	w.mu.Lock()
	w.buf.Write(p)
	w.mu.Unlock()
	if w.onLine != nil {
		for _, l := range strings.Split(strings.TrimSuffix(string(p), "\n"), "\n") {
			w.onLine(l)
		}
	}
	return len(p), nil
}

func (w *lineWatcher) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

func (r keyResult) ok(t *testing.T) keyResult {
	t.Helper()
	if r.code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	return r
}

// fails checks the run failed with these error and hint texts.
func (r keyResult) fails(t *testing.T, errText, hintText string) {
	t.Helper()
	if r.code != 1 || !strings.Contains(r.stderr, "error: ") || !strings.Contains(r.stderr, errText) || !strings.Contains(r.stderr, "hint: ") || !strings.Contains(r.stderr[strings.Index(r.stderr, "hint: "):], hintText) {
		t.Fatalf("want error %q and hint %q; exit %d\nstdout:\n%s\nstderr:\n%s", errText, hintText, r.code, r.stdout, r.stderr)
	}
}

func contains(t *testing.T, what, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%s: missing %q in\n%s", what, w, got)
		}
	}
}

func TestKeyListAndInfo(t *testing.T) {
	t.Parallel()
	r := fidotest.New(t, softkey.Config{FirmwareVersion: 0x050704})
	keys := []*fidotest.Rig{r}
	out := keyRun(t, keys, "", "key", "list").ok(t).stdout
	contains(t, "key list", out, r.Path()+"  Twofold software authenticator (test rig)\n")
	var list []keyJSON
	if err := json.Unmarshal([]byte(keyRun(t, keys, "", "key", "list", "--json").ok(t).stdout), &list); err != nil || len(list) != 1 || list[0].AAGUID != "74776f66-6f6c-642d-736f-66746b657931" {
		t.Fatalf("key list --json: %+v, %v", list, err)
	}
	out = keyRun(t, keys, "", "key", "info").ok(t).stdout
	contains(t, "key info", out, "Path            "+r.Path(), "Versions        FIDO_2_0, FIDO_2_1", "Firmware        0x50704", "PIN             not set", "Passkey slots   25 free", "Always UV       off")
	var info infoJSON
	if err := json.Unmarshal([]byte(keyRun(t, nil, "", "key", "info", r.Path(), "--json").ok(t).stdout), &info); err != nil || !info.FIDO2 || info.PINRetries != -1 || !info.Options["credMgmt"] {
		t.Fatalf("key info PATH --json: %+v, %v", info, err)
	}
}

func TestKeyWhichKey(t *testing.T) {
	t.Parallel()
	keyRun(t, nil, "", "key", "info").fails(t, "no security key found", "Plug the key in.")
	// key list with no key: an empty list, as with --json, exit 0; the
	// note on standard error.
	res0 := keyRun(t, nil, "", "key", "list").ok(t)
	if res0.stdout != "" || !strings.Contains(res0.stderr, "no security key found. Plug the key in.") {
		t.Errorf("key list with no key: stdout %q, stderr %q", res0.stdout, res0.stderr)
	}
	if out := keyRun(t, nil, "", "key", "list", "--json").ok(t).stdout; out != "[]\n" {
		t.Errorf("key list --json with no key: %q", out)
	}
	a, b := fidotest.New(t, softkey.Config{}), fidotest.New(t, softkey.Config{})
	res := keyRun(t, []*fidotest.Rig{a, b}, "", "key", "info")
	res.fails(t, "several security keys are connected: "+a.Path()+" (Twofold software authenticator (test rig)), "+b.Path(), "name the key's path")
	keyRun(t, []*fidotest.Rig{a, b}, "", "key", "info", b.Path()).ok(t)
	keyRun(t, nil, "", "key", "frobnicate").fails(t, "usage: twofold key", "run 'twofold key --help'")
	keyRun(t, nil, "", "key", "pin", "min-length").fails(t, "takes 1 argument", "twofold key --help")
}

func TestKeyPIN(t *testing.T) {
	t.Parallel()
	r := fidotest.New(t, softkey.Config{})
	keys := []*fidotest.Rig{r}
	res := keyRun(t, keys, "12\n1234\n", "key", "pin", "set").ok(t)
	contains(t, "pin set", res.stderr, "New PIN (at least 4 characters):\n", "That PIN was refused: PIN must be 4 to 63 characters long.")
	contains(t, "pin set", res.stdout, "PIN set.")
	// The new PIN is asked once; after a wrong current PIN only that is asked again.
	res = keyRun(t, keys, "0000\n567890\n1234\n", "key", "pin", "change").ok(t)
	contains(t, "pin change", res.stderr, "Key PIN to change the PIN (8 tries left):\nNew PIN (at least 4 characters):\nWrong PIN.\nKey PIN to change the PIN (7 tries left):\n")
	contains(t, "key info", keyRun(t, keys, "", "key", "info").ok(t).stdout, "PIN             set, 8 tries left")

	keyRun(t, keys, "567890\n", "key", "pin", "always-uv", "on").ok(t)
	contains(t, "always-uv on", keyRun(t, keys, "", "key", "info").ok(t).stdout, "Always UV       on")
	keyRun(t, keys, "567890\n", "key", "pin", "always-uv", "maybe").fails(t, "always-uv takes on or off", "twofold key --help")
	keyRun(t, keys, "567890\n", "key", "pin", "min-length", "8").ok(t)
	contains(t, "min-length", keyRun(t, keys, "", "key", "info").ok(t).stdout, "PIN             set, must be changed", "Min PIN length  8")
	keyRun(t, keys, "567890\n", "key", "passkeys").fails(t, "PIN change required", "change the PIN")
	keyRun(t, keys, "567890\n1234\n", "key", "pin", "change").fails(t, "no PIN given", "pipe it as a line")
	keyRun(t, keys, "567890\n12345678\n", "key", "pin", "change").ok(t)
	keyRun(t, keys, "12345678\n", "key", "pin", "force-change").ok(t)
	keyRun(t, keys, "", "key", "pin", "set").fails(t, "PIN already set", "change PIN")
}

func TestKeyTest(t *testing.T) {
	t.Parallel()
	r := fidotest.New(t, softkey.Config{})
	res := keyRun(t, []*fidotest.Rig{r}, "", "key", "test").ok(t)
	contains(t, "key test", res.stdout, "ok    read key info: ", "ok    register a test credential: ", "ok    verify attestation: signed by ", "ok    sign with the credential: ", "ok    verify the signature: ", "The key works.")
	contains(t, "key test", res.stderr, "Touch your key to register a test credential.\n", "Touch your key to sign with the test credential.\n")
	denied := fidotest.New(t, softkey.Config{Presence: softkey.NeverPresent})
	res = keyRun(t, []*fidotest.Rig{denied}, "", "key", "test")
	res.fails(t, "touch denied", "The key did not accept the touch")
	contains(t, "key test denied", res.stdout, "FAIL  register a test credential: register credential: touch denied")
}

func TestKeyPasskeys(t *testing.T) {
	t.Parallel()
	r := fidotest.New(t, softkey.Config{MaxResident: 10})
	keys := []*fidotest.Rig{r}
	keyRun(t, keys, "", "key", "passkeys").fails(t, "PIN not set", "Set a PIN first.")
	keyRun(t, keys, "1234\n", "key", "pin", "set").ok(t)
	alice := fidotest.MakePasskey(t, r.Path(), fidotest.Passkey{RPID: "github.com", RPName: "GitHub", UserName: "alice", DisplayName: "Alice", PIN: "1234"})
	bob := fidotest.MakePasskey(t, r.Path(), fidotest.Passkey{RPID: "example.org", UserName: "bob", PIN: "1234"})
	res := keyRun(t, keys, "1234\n", "key", "passkeys").ok(t)
	contains(t, "passkeys", res.stdout, "github.com\n  alice ", " Alice ", fido.EncodeID(alice), "example.org\n  bob ", fido.EncodeID(bob), "2 passkeys on the key, room for 8 more.")
	contains(t, "passkeys", res.stderr, "Key PIN to list passkeys (8 tries left)")
	var list passkeysJSON
	if err := json.Unmarshal([]byte(keyRun(t, keys, "1234\n", "key", "passkeys", "--json").ok(t).stdout), &list); err != nil || list.Count != 2 || list.Sites[0].Passkeys[0].ID != fido.EncodeID(alice) {
		t.Fatalf("passkeys --json: %+v, %v", list, err)
	}
	// "--": an ID may start with "-" (base64url), which the flag parser
	// took for a flag (1 in 64 runs of this test failed so).
	keyRun(t, keys, "1234\n", "key", "passkeys", "rm", "--", fido.EncodeID(alice)).ok(t)
	res = keyRun(t, keys, "1234\n", "key", "passkeys", "list", r.Path()).ok(t)
	if strings.Contains(res.stdout, "alice") || !strings.Contains(res.stdout, "1 passkey on the key") {
		t.Fatalf("after rm:\n%s", res.stdout)
	}
	keyRun(t, keys, "1234\n", "key", "passkeys", "rm", "--", fido.EncodeID(alice)).fails(t, "no matching credential", "list the passkeys")
	keyRun(t, keys, "", "key", "passkeys", "rm", "not an id!").fails(t, "malformed ID", "Copy the ID")
}

// TestKeyPasskeyNamesEscaped: a passkey's names come from whichever site
// registered it; printed, their control characters are escaped, in text
// and in JSON.
func TestKeyPasskeyNamesEscaped(t *testing.T) {
	t.Parallel()
	r := fidotest.New(t, softkey.Config{MaxResident: 10})
	keys := []*fidotest.Rig{r}
	keyRun(t, keys, "1234\n", "key", "pin", "set").ok(t)
	fidotest.MakePasskey(t, r.Path(), fidotest.Passkey{RPID: "evil.example", UserName: "eve\x1b]0;pwned\a", DisplayName: "Eve\u202eevE\u009b2J", PIN: "1234"})
	for _, args := range [][]string{{"key", "passkeys"}, {"key", "passkeys", "--json"}} {
		out := keyRun(t, keys, "1234\n", args...).ok(t).stdout
		if strings.ContainsAny(out, "\x1b\a\u202e\u009b") {
			t.Errorf("%s printed a control character raw:\n%q", strings.Join(args, " "), out)
		}
		if len(args) == 2 {
			contains(t, "passkeys", out, `eve\x1b]0;pwned\x07`, `Eve\u202eevE\u009b2J`)
		}
	}
}

func TestKeyFingerprints(t *testing.T) {
	t.Parallel()
	finger := softkey.NewFingers(softkey.SampleTooFast)
	r := fidotest.New(t, softkey.Config{Bio: true, Finger: finger.Finger})
	keys := []*fidotest.Rig{r}
	keyRun(t, keys, "1234\n", "key", "pin", "set").ok(t)
	contains(t, "empty list", keyRun(t, keys, "", "key", "fingerprints").ok(t).stdout, "No fingerprints enrolled.")
	res := keyRun(t, keys, "1234\n", "key", "fingerprints", "enroll", "right index").ok(t)
	contains(t, "enroll", res.stderr,
		"Touch your key to give a first fingerprint sample.\nSample not taken (too fast): touch the sensor more slowly.\n",
		"Touch your key to give another fingerprint sample (4 more needed).\nGood sample; 3 more to go.\n",
		"Touch your key to give another fingerprint sample (1 more needed).\n")
	contains(t, "enroll", res.stdout, "Enrolled fingerprint 0001 (right index).")
	contains(t, "key info", keyRun(t, keys, "", "key", "info").ok(t).stdout, "Fingerprints    enrolled, 8 match attempts left")
	contains(t, "list", keyRun(t, keys, "1234\n", "key", "fingerprints", "list").ok(t).stdout, "0001  right index\n")
	keyRun(t, keys, "1234\n", "key", "fingerprints", "rename", "0001", "left thumb").ok(t)
	var fps []fingerprintJSON
	if err := json.Unmarshal([]byte(keyRun(t, keys, "1234\n", "key", "fingerprints", "list", "--json").ok(t).stdout), &fps); err != nil || len(fps) != 1 || fps[0] != (fingerprintJSON{"0001", "left thumb"}) {
		t.Fatalf("list --json: %+v, %v", fps, err)
	}
	keyRun(t, keys, "1234\n", "key", "fingerprints", "rm", "0002").fails(t, "no fingerprint with this ID", "List the fingerprints")
	keyRun(t, keys, "1234\n", "key", "fingerprints", "rm", "0001").ok(t)
	contains(t, "after rm", keyRun(t, keys, "", "key", "fingerprints").ok(t).stdout, "No fingerprints enrolled.")
	plain := fidotest.New(t, softkey.Config{})
	keyRun(t, []*fidotest.Rig{plain}, "", "key", "fingerprints").fails(t, "not supported", "cannot do this")
}

// replug is a person following the reset instructions on standard error.
func replug(r *fidotest.Rig, afterReplug func()) func(string) {
	return func(line string) {
		switch line {
		case "Unplug your key now.":
			r.Unplug()
		case "Plug it back in.":
			r.Replug()
			if afterReplug != nil {
				afterReplug()
			}
		}
	}
}

func TestKeyReset(t *testing.T) {
	t.Parallel()
	r := fidotest.New(t, softkey.Config{})
	keys := []*fidotest.Rig{r}
	keyRun(t, keys, "1234\n", "key", "pin", "set").ok(t)
	res := keyRunWith(t, keys, strings.NewReader(""), replug(r, nil), "key", "reset", "--confirm", "RESET").ok(t)
	contains(t, "reset", res.stderr, "warning: A reset wipes the key's FIDO2 application", "Unplug your key now.\nPlug it back in.\nTouch your key to confirm the reset.\n")
	contains(t, "reset", res.stdout, "The key is reset")
	contains(t, "after reset", keyRun(t, keys, "", "key", "info").ok(t).stdout, "PIN             not set")
}

func TestKeyResetRefused(t *testing.T) {
	t.Parallel()
	clock := fidotest.NewClock()
	r := fidotest.New(t, softkey.Config{Now: clock.Now})
	keys := []*fidotest.Rig{r}
	keyRun(t, keys, "1234\n", "key", "pin", "set").ok(t)
	// Not a terminal and no --confirm: refused before anything happens.
	res := keyRunWith(t, keys, strings.NewReader("RESET\n"), replug(r, nil), "key", "reset")
	res.fails(t, "a reset must be confirmed", "pass --confirm RESET")
	if strings.Contains(res.stderr, "Unplug") {
		t.Fatalf("asked to unplug without confirmation:\n%s", res.stderr)
	}
	keyRunWith(t, keys, nil, replug(r, nil), "key", "reset", "--confirm", "yes").fails(t, "reset not confirmed", "type RESET (in capitals)")
	// Plugged back in, but the key's clock says that was long ago.
	late := func() { clock.Advance(softkey.ResetWindow + time.Second) }
	keyRunWith(t, keys, nil, replug(r, late), "key", "reset", "--confirm", "RESET").fails(t, "the key accepts a reset only right after it is plugged in", "touch it right away")
	contains(t, "after refused resets", keyRun(t, keys, "", "key", "info").ok(t).stdout, "PIN             set")
}

// openPTY opens a pseudo-terminal: the CLI reads the terminal end, the
// test types on the other.
func openPTY(t *testing.T) (terminal, keyboard *os.File) {
	t.Helper()
	keyboard, terminal = newPTY(t)
	go io.Copy(io.Discard, keyboard) // what the terminal echoes
	return terminal, keyboard
}

// TestKeyTerminal answers the prompts on a terminal: the new PIN twice,
// and RESET typed instead of --confirm.
func TestKeyTerminal(t *testing.T) {
	t.Parallel()
	r := fidotest.New(t, softkey.Config{})
	keys := []*fidotest.Rig{r}
	terminal, keyboard := openPTY(t)
	answers := map[string]string{
		"New PIN (at least 4 characters): ":                "1234",
		"Repeat the new PIN: ":                             "1234",
		"Type RESET to wipe the key at " + r.Path() + ": ": "RESET",
	}
	person := func(line string) {
		a, ok := answers[line]
		if !ok && strings.HasSuffix(line, ": ") {
			t.Errorf("unexpected prompt %q", line)
			ok = true // press Enter rather than hang
		}
		if ok {
			fmt.Fprintln(keyboard, a)
		}
		replug(r, nil)(line)
	}
	keyRunWith(t, keys, terminal, person, "key", "pin", "set").ok(t)
	contains(t, "key info", keyRun(t, keys, "", "key", "info").ok(t).stdout, "PIN             set")
	answers["Key PIN to change the PIN (8 tries left): "] = "1234"
	answers["Repeat the new PIN: "] = "4321"
	keyRunWith(t, keys, terminal, person, "key", "pin", "change").fails(t, "the new PINs differ", "type the same new PIN twice")
	res := keyRunWith(t, keys, terminal, person, "key", "reset").ok(t)
	contains(t, "reset on a terminal", res.stderr, "Type RESET to wipe the key", "Unplug your key now.")
	contains(t, "after reset", keyRun(t, keys, "", "key", "info").ok(t).stdout, "PIN             not set")
}
