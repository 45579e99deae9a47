//go:build cgo

package fido_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/twofold-app/twofold/fido"
	"github.com/twofold-app/twofold/internal/fidotest"
	"github.com/twofold-app/twofold/internal/fidotest/softkey"
)

func listPasskeys(t *testing.T, d *fido.Device, pin string) *fido.PasskeyList {
	t.Helper()
	list, err := d.Passkeys(context.Background(), (&ui{pins: []string{pin}}).callbacks())
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func TestPasskeysListAndDelete(t *testing.T) {
	r, d := plug(t, softkey.Config{MaxResident: 10})
	setPIN(t, d, "1234")
	alice := fidotest.MakePasskey(t, r.Path(), fidotest.Passkey{RPID: "github.com", RPName: "GitHub", UserName: "alice", DisplayName: "Alice A.", PIN: "1234"})
	bob := fidotest.MakePasskey(t, r.Path(), fidotest.Passkey{RPID: "github.com", RPName: "GitHub", UserName: "bob", PIN: "1234"})
	carol := fidotest.MakePasskey(t, r.Path(), fidotest.Passkey{RPID: "example.org", UserName: "carol", PIN: "1234"})
	fidotest.MakePasskey(t, r.Path(), fidotest.Passkey{RPID: "github.com", UserName: "not-resident", NotResident: true})

	u := &ui{pins: []string{"0000", "1234"}}
	list, err := d.Passkeys(context.Background(), u.callbacks())
	if err != nil {
		t.Fatal(err)
	}
	if got := u.retriesShown(); got != "8 7 " {
		t.Errorf("retries shown %q", got)
	}
	if list.Count != 3 || list.Remaining != 7 || len(list.RelyingParties) != 2 {
		t.Fatalf("list: %+v", list)
	}
	gh, ex := list.RelyingParties[0], list.RelyingParties[1]
	if gh.ID != "github.com" || gh.Name != "GitHub" || len(gh.Passkeys) != 2 || ex.ID != "example.org" || len(ex.Passkeys) != 1 {
		t.Fatalf("sites: %+v", list.RelyingParties)
	}
	a := gh.Passkeys[0]
	if !bytes.Equal(a.ID, alice) || a.UserName != "alice" || a.DisplayName != "Alice A." || a.RPID != "github.com" || a.Protection != 1 || len(a.UserID) != 16 {
		t.Errorf("alice: %+v", a)
	}
	if !bytes.Equal(gh.Passkeys[1].ID, bob) || !bytes.Equal(ex.Passkeys[0].ID, carol) {
		t.Errorf("IDs: %+v", list.RelyingParties)
	}

	id, err := fido.ParseID(fido.EncodeID(bob))
	if err != nil || !bytes.Equal(id, bob) {
		t.Fatalf("ID round trip: %v", err)
	}
	if err := d.DeletePasskey(context.Background(), bob, (&ui{pins: []string{"1234"}}).callbacks()); err != nil {
		t.Fatal(err)
	}
	list = listPasskeys(t, d, "1234")
	if list.Count != 2 || len(list.RelyingParties[0].Passkeys) != 1 || !bytes.Equal(list.RelyingParties[0].Passkeys[0].ID, alice) {
		t.Fatalf("after delete: %+v", list)
	}
	err = d.DeletePasskey(context.Background(), bob, (&ui{pins: []string{"1234"}}).callbacks())
	if !errors.Is(err, fido.ErrNoCredentials) {
		t.Fatalf("deleting twice: %v", err)
	}
	// The last passkey of a site takes the site with it.
	if err := d.DeletePasskey(context.Background(), carol, (&ui{pins: []string{"1234"}}).callbacks()); err != nil {
		t.Fatal(err)
	}
	if list = listPasskeys(t, d, "1234"); len(list.RelyingParties) != 1 || list.RelyingParties[0].ID != "github.com" {
		t.Fatalf("after deleting carol: %+v", list)
	}
}

func TestPasskeysEmptyKey(t *testing.T) {
	_, d := plug(t, softkey.Config{})
	setPIN(t, d, "1234")
	list := listPasskeys(t, d, "1234")
	if list.Count != 0 || list.Remaining != 25 || len(list.RelyingParties) != 0 {
		t.Fatalf("empty key: %+v", list)
	}
}

func TestPasskeysNeedPIN(t *testing.T) {
	_, d := plug(t, softkey.Config{})
	if _, err := d.Passkeys(context.Background(), nil); !errors.Is(err, fido.ErrPINNotSet) {
		t.Fatalf("without a PIN set: %v", err)
	}
	setPIN(t, d, "1234")
	if _, err := d.Passkeys(context.Background(), nil); !errors.Is(err, fido.ErrPINRequired) {
		t.Fatalf("without a PIN callback: %v", err)
	}
}

func TestParseID(t *testing.T) {
	want := []byte{0xfb, 0xff, 0x01}
	for _, s := range []string{"-_8B", "+/8B", " -_8B\n"} {
		if got, err := fido.ParseID(s); err != nil || !bytes.Equal(got, want) {
			t.Errorf("%q: %x, %v", s, got, err)
		}
	}
	if got, err := fido.ParseID("AQI="); err != nil || !bytes.Equal(got, []byte{1, 2}) {
		t.Errorf("padded: %x, %v", got, err)
	}
	for _, s := range []string{"", "not base64!", "===="} {
		if _, err := fido.ParseID(s); !errors.Is(err, fido.ErrInvalidID) {
			t.Errorf("%q: %v", s, err)
		}
	}
}
