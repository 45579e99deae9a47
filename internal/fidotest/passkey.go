//go:build cgo

package fidotest

import (
	"crypto/rand"
	"testing"

	libfido2 "github.com/keys-pub/go-libfido2"
)

// Passkey describes a discoverable credential for MakePasskey.
type Passkey struct {
	RPID, RPName          string
	UserName, DisplayName string
	// UserID defaults to 16 random bytes.
	UserID []byte
	// PIN is needed once the key has one.
	PIN string
	// NotResident makes an ordinary (non-discoverable) credential instead.
	NotResident bool
}

// MakePasskey registers a credential on the key at path as a browser would,
// through libfido2 (go-libfido2), and returns its credential ID.
func MakePasskey(t testing.TB, path string, p Passkey) []byte {
	t.Helper()
	dev, err := libfido2.NewDevice(path)
	if err != nil {
		t.Fatal(err)
	}
	if p.UserID == nil {
		p.UserID = make([]byte, 16)
		rand.Read(p.UserID)
	}
	cdh := make([]byte, 32)
	rand.Read(cdh)
	rk := libfido2.True
	if p.NotResident {
		rk = libfido2.Default
	}
	att, err := dev.MakeCredential(cdh,
		libfido2.RelyingParty{ID: p.RPID, Name: p.RPName},
		libfido2.User{ID: p.UserID, Name: p.UserName, DisplayName: p.DisplayName},
		libfido2.ES256, p.PIN, &libfido2.MakeCredentialOpts{RK: rk})
	if err != nil {
		t.Fatalf("make passkey for %s on %s: %v", p.RPID, p.UserName, err)
	}
	return att.CredentialID
}
