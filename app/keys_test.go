//go:build cgo

package app

import (
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/twofold-app/twofold/fido"
	"github.com/twofold-app/twofold/internal/fidotest"
	_ "github.com/twofold-app/twofold/internal/fidotest/shim" // libfido2 reaches the rig's socket
	"github.com/twofold-app/twofold/internal/fidotest/softkey"
)

// keysTab plugs in a software key, unlocks a vault and shows the
// security keys tab with the key listed.
func keysTab(t *testing.T, cfg softkey.Config) (*harness, *fidotest.Rig) {
	t.Helper()
	r := fidotest.New(t, cfg)
	h := newHarness(t)
	h.keys = KeyOptions{Paths: []string{r.Path()}, NoEnumerate: true}
	h.makeVault(githubURI)
	h.open()
	h.unlock(testPassword)
	h.ui.s.main.tabs.SelectIndex(4)
	h.waitFor("1 key connected")
	return h, r
}

// setKeyPIN gives the rig's key a PIN through the library.
func setKeyPIN(t *testing.T, r *fidotest.Rig, pin string) {
	t.Helper()
	d, err := fido.Open(r.Path())
	if err != nil {
		t.Fatal(err)
	}
	cb := &fido.Callbacks{NewPIN: func(context.Context, fido.NewPINRequest) (string, error) { return pin, nil }}
	if err := d.SetPIN(context.Background(), cb); err != nil {
		t.Fatal(err)
	}
}

// answerPIN waits for the PIN dialog, checks it shows want, and types pin.
func (h *harness) answerPIN(pin string, want ...string) {
	h.t.Helper()
	h.pump("PIN dialog", func() bool {
		return present(h, func(e *entry) bool { return e.PlaceHolder == "PIN" })
	})
	for _, w := range want {
		h.mustSee(w)
	}
	test.Type(h.entry("PIN"), pin)
	test.Tap(h.dialogButton("OK"))
}

// answerPINsUntil types pin into every PIN dialog until text shows (an
// operation made of several library calls asks once per call).
func (h *harness) answerPINsUntil(pin, text string) {
	h.t.Helper()
	pinDialog := func() bool { return present(h, func(e *entry) bool { return e.PlaceHolder == "PIN" }) }
	for !h.hasText(text) {
		h.pump("PIN dialog or "+text, func() bool { return pinDialog() || h.hasText(text) })
		if pinDialog() {
			test.Type(h.entry("PIN"), pin)
			test.Tap(h.dialogButton("OK"))
		}
	}
}

func TestKeysListAndInfo(t *testing.T) {
	h, _ := keysTab(t, softkey.Config{})
	h.mustSee("Twofold software authenticator")
	test.Tap(h.button("Info"))
	h.waitFor("Reading the key: done.")
	h.mustSee("Model: Twofold software authenticator")
	h.mustSee("PIN: no PIN set")
}

// TestKeyActionsNeedAKey: the key's actions are enabled while a key is
// listed and chosen, and disabled (so Tab passes them by) when none is.
func TestKeyActionsNeedAKey(t *testing.T) {
	h, r := keysTab(t, softkey.Config{})
	enabled := func() (n int) {
		for _, b := range h.ui.s.main.keys.actions {
			if !b.Disabled() {
				n++
			}
		}
		return n
	}
	all := len(h.ui.s.main.keys.actions)
	if n := enabled(); n != all {
		t.Fatalf("%d of %d actions enabled with a key listed", n, all)
	}
	// The listing runs off the UI goroutine: wait for its result.
	r.Unplug()
	test.Tap(h.button("Refresh"))
	h.pump("the actions disabled with the key unplugged", func() bool { return enabled() == 0 })
	h.mustSee("No security key found")
	// Refresh says when it looked: the text was the same before and
	// after, as if nothing happened (QA).
	h.mustSee("(checked at " + h.clock.Now().Format("15:04:05") + ")")
	h.clock.Jump(5 * time.Second)
	test.Tap(h.button("Refresh"))
	h.waitFor("(checked at " + h.clock.Now().Format("15:04:05") + ")")
	r.Replug()
	test.Tap(h.button("Refresh"))
	h.pump("the actions enabled with the key back", func() bool { return enabled() == all })
}

func TestKeysTestShowsEachStep(t *testing.T) {
	h, _ := keysTab(t, softkey.Config{})
	test.Tap(h.button("Test"))
	h.waitFor("The key works.")
	for _, s := range []fido.Step{fido.StepRegister, fido.StepSign, fido.StepVerify} {
		h.mustSee("✓ " + string(s))
	}
	h.mustNotSee("Touch your security key")
}

func TestKeysTouchDeniedShowsHint(t *testing.T) {
	h, _ := keysTab(t, softkey.Config{Presence: softkey.NeverPresent})
	test.Tap(h.button("Test"))
	h.waitFor("Testing the key failed.")
	h.mustSee("The key refused")
	h.mustSee("did not accept the touch")
}

func TestKeysTouchCancel(t *testing.T) {
	gate := softkey.NewGate()
	h, _ := keysTab(t, softkey.Config{Presence: gate.Presence})
	test.Tap(h.button("Test"))
	h.waitFor("Touch your security key to")
	test.Tap(h.dialogButton("Cancel"))
	h.waitFor("Testing the key failed.")
	h.mustSee("Cancelled")
	h.mustNotSee("Touch your security key")
}

func TestKeysSetPINThenWrongPINShowsRetries(t *testing.T) {
	h, _ := keysTab(t, softkey.Config{})
	test.Tap(h.button("PIN"))
	h.waitFor("PIN: no PIN set")
	test.Tap(h.button("Set PIN"))
	h.pump("new PIN dialog", func() bool {
		return present(h, func(e *entry) bool { return e.PlaceHolder == "New PIN" })
	})
	test.Type(h.entry("New PIN"), "1234")
	test.Type(h.entry("Repeat the new PIN"), "1234")
	test.Tap(h.dialogButton("OK"))
	h.waitFor("The PIN is set.")

	test.Tap(h.button("Passkeys"))
	h.answerPIN("0000", "8 retries left.")
	h.answerPIN("1234", "Wrong PIN.", "7 retries left.")
	h.waitFor("0 passkeys")
}

func TestKeysPasskeysListAndDelete(t *testing.T) {
	h, r := keysTab(t, softkey.Config{MaxResident: 10})
	setKeyPIN(t, r, "1234")
	fidotest.MakePasskey(t, r.Path(), fidotest.Passkey{RPID: "github.com", UserName: "alice", PIN: "1234"})
	fidotest.MakePasskey(t, r.Path(), fidotest.Passkey{RPID: "github.com", UserName: "bob", PIN: "1234"})
	test.Tap(h.button("Passkeys"))
	h.answerPIN("1234", "8 retries left.")
	h.waitFor("2 passkeys")
	h.mustSee("github.com — alice")
	h.mustSee("github.com — bob")

	test.Tap(h.button("Delete")) // alice's, the first row
	h.mustSee("Delete the passkey github.com — alice?")
	test.Tap(h.dialogButton("Delete"))
	h.answerPINsUntil("1234", "Passkey deleted.")
	h.mustSee("1 passkey;")
	h.mustSee("github.com — bob")
	h.mustNotSee("github.com — alice")
}

func TestKeysInventory(t *testing.T) {
	h, _ := keysTab(t, softkey.Config{})
	h.mustSee("No keys recorded.")
	name := func(label string) {
		test.Tap(h.button("Name this key"))
		test.Type(h.entry("Name"), label)
		test.Tap(h.dialogButton("OK"))
	}
	addService := func(label, svc string) {
		e := h.entry("Add a service to " + label)
		test.Type(e, svc)
		e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	}
	name("blue")
	h.mustSee("blue (Twofold software authenticator")
	addService("blue", "github.com")
	h.mustSee("github.com (only on blue)")

	name("red")
	addService("red", "github.com")
	h.mustNotSee("only on")
	keys, err := h.ui.s.v.SecurityKeys()
	if err != nil || len(keys) != 2 || len(keys[0].Services) != 1 || len(keys[1].Services) != 1 {
		t.Fatalf("inventory %+v, %v", keys, err)
	}
	test.Tap(h.button("Remove")) // blue's github.com
	h.mustSee("github.com (only on red)")

	// The same service in other letters is one service (QA: listed twice).
	addService("red", "GitHub.com")
	if keys, _ := h.ui.s.v.SecurityKeys(); len(keys[1].Services) != 1 {
		t.Errorf("red's services: %q", keys[1].Services)
	}
	// A lost key's record can be taken out, after a question.
	var forget []*widget.Button // one a key, in the inventory's order: blue, red
	for _, o := range h.objects() {
		if b, ok := o.(*widget.Button); ok && b.Text == "Forget…" {
			forget = append(forget, b)
		}
	}
	if len(forget) != 2 {
		t.Fatalf("%d Forget buttons for 2 keys", len(forget))
	}
	test.Tap(forget[1])
	h.mustSee("The key stays registered with its services")
	test.Tap(h.dialogButton("Remove"))
	keys, err = h.ui.s.v.SecurityKeys()
	if err != nil || len(keys) != 1 || keys[0].Label != "blue" {
		t.Fatalf("inventory after Forget: %+v, %v", keys, err)
	}
	h.mustNotSee("red (")
}

func TestKeysEnrolRenameDeleteFingerprint(t *testing.T) {
	h, r := keysTab(t, softkey.Config{Bio: true, Finger: softkey.NewFingers(softkey.SampleTooFast).Finger})
	setKeyPIN(t, r, "1234")
	test.Tap(h.button("Enrol finger"))
	test.Type(h.entry("Name"), "right index")
	test.Tap(h.dialogButton("OK"))
	h.answerPIN("1234", "8 retries left.")
	h.waitFor("Enrolled right index.")
	h.mustSee("Sample not taken (too fast): touch the sensor more slowly")
	h.mustSee("Sample accepted; 0 more needed.")

	test.Tap(h.button("Fingerprints"))
	h.answerPIN("1234")
	h.waitFor("1 fingerprint(s) enrolled.")
	test.Tap(h.button("Rename"))
	name := h.entry("Name")
	name.SetText("")
	test.Type(name, "left thumb")
	test.Tap(h.dialogButton("OK"))
	h.answerPINsUntil("1234", "Renaming the fingerprint: done.")
	h.mustSee("left thumb")

	test.Tap(h.button("Delete"))
	test.Tap(h.dialogButton("Delete"))
	h.answerPINsUntil("1234", "0 fingerprint(s) enrolled.")
}

func TestKeysResetGuidesThroughReplug(t *testing.T) {
	h, r := keysTab(t, softkey.Config{})
	setKeyPIN(t, r, "1234")
	test.Tap(h.button("Reset"))
	h.mustSee("A reset wipes the key")
	test.Type(h.entry("Type RESET"), "reset")
	test.Tap(h.dialogButton("Reset"))
	h.waitFor("Reset not confirmed")
	test.Tap(h.dialogButton("OK"))

	test.Tap(h.button("Reset"))
	test.Type(h.entry("Type RESET"), "RESET")
	test.Tap(h.dialogButton("Reset"))
	h.waitFor("Unplug the key now.")
	r.Unplug()
	h.waitFor("Plug the key back in.")
	r.Replug()
	h.waitFor("The key was reset")
	test.Tap(h.button("Info"))
	h.waitFor("PIN: no PIN set")
}

func TestKeysLockCancelsWaitingOperation(t *testing.T) {
	gate := softkey.NewGate()
	h, _ := keysTab(t, softkey.Config{Presence: gate.Presence})
	test.Tap(h.button("Test"))
	h.waitFor("Touch your security key to")
	keys := h.ui.s.main.keys
	h.ui.Lock()
	h.pump("touch dialog closed", func() bool { return !h.hasText("Touch your security key") })
	h.pump("operation ended", func() bool { return !keys.busy })
	h.mustNotSee("Cancelled")
}

// TestKeysResetCancel stops a reset waiting for the key to be unplugged,
// then one waiting for it to come back; the key keeps its PIN and the tab
// works again each time.
func TestKeysResetCancel(t *testing.T) {
	h, r := keysTab(t, softkey.Config{})
	setKeyPIN(t, r, "1234")
	cancelAfter := func(wait string) {
		t.Helper()
		test.Tap(h.button("Reset"))
		test.Type(h.entry("Type RESET"), "RESET")
		test.Tap(h.dialogButton("Reset"))
		h.waitFor("Unplug the key now.")
		if wait != "" {
			r.Unplug()
			h.waitFor(wait)
		}
		test.Tap(h.button("Cancel"))
		h.waitFor("Resetting the key failed.")
		h.mustSee("Nothing was changed on the key.")
		test.Tap(h.dialogButton("OK"))
		if present(h, func(b *widget.Button) bool { return b.Text == "Cancel" }) {
			t.Fatal("Cancel still offered after the reset ended")
		}
	}
	checkPIN := func() {
		t.Helper()
		test.Tap(h.button("Info"))
		h.waitFor("Reading the key: done.")
		h.mustSee("PIN: set, 8 retries left")
	}

	cancelAfter("")
	h.mustNotSee("still unplugged")
	checkPIN()

	cancelAfter("Plug the key back in.")
	h.mustSee("The key is still unplugged: plug it back in.")
	r.Replug()
	checkPIN()
}
