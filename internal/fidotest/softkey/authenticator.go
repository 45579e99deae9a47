// Package softkey is a software CTAP 2.1 authenticator for tests: the state
// a FIDO2 security key keeps (credentials, PIN, fingerprints, policy) and the
// authenticatorCBOR commands that act on it. Server (hid.go) exposes it over
// CTAPHID on a SOCK_SEQPACKET socket so that the real libfido2 can talk to it.
//
// It behaves like a real key where Twofold's code can observe a difference:
// PIN retries and lockout, replug after three wrong PINs, reset allowed only
// shortly after power-up, user presence that can be granted, delayed, denied
// or cancelled. It is not hardened: keys live in memory in the clear.
package softkey

import (
	"context"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"slices"
	"sync"
	"time"
)

// Command bytes of authenticatorCBOR requests (CTAP 2.1 §6).
const (
	cmdMakeCredential   = 0x01
	cmdGetAssertion     = 0x02
	cmdGetInfo          = 0x04
	cmdClientPIN        = 0x06
	cmdReset            = 0x07
	cmdGetNextAssertion = 0x08
	cmdBioEnrollment    = 0x09
	cmdCredentialMgmt   = 0x0A
	cmdSelection        = 0x0B
	cmdConfig           = 0x0D
	cmdBioEnrollmentPre = 0x40
	cmdCredMgmtPre      = 0x41
)

// ResetWindow is how long after power-up authenticatorReset is accepted,
// as on YubiKeys and most other keys.
const ResetWindow = 10 * time.Second

// Config describes the simulated key. The zero value is a PIN-capable
// CTAP 2.1 key without a fingerprint sensor whose user always touches it.
type Config struct {
	// AAGUID identifies the model; DefaultAAGUID if zero.
	AAGUID [16]byte
	// FirmwareVersion is reported in getInfo.
	FirmwareVersion uint64
	// MaxResident is the number of discoverable-credential slots (default 25).
	MaxResident int
	// Bio adds a simulated fingerprint sensor (bioEnroll, uv).
	Bio bool
	// Finger decides every fingerprint capture of a Bio key: enrolment
	// samples and matches. Default: AlwaysGood.
	Finger Finger
	// Now is the key's clock; it decides the reset window. Default time.Now.
	Now func() time.Time
	// Presence is asked for every user-presence check (a touch). Default:
	// always granted at once.
	Presence Presence
	// Keepalive returns a channel ticking while the key waits for a touch and
	// a stop function; each tick sends CTAPHID_KEEPALIVE. Default: a 100 ms
	// ticker (real keys send one every 100 ms or so).
	Keepalive func() (<-chan time.Time, func())
	// SelfAttestation makes packed attestations without a certificate,
	// signed by the new credential's own key (WebAuthn §8.2, self
	// attestation), as some keys without a batch certificate do.
	SelfAttestation bool
	// PINProtocols are the PIN/UV auth protocols the key offers, in the
	// order getInfo lists them; requests using another are refused with
	// CTAP1_ERR_INVALID_PARAMETER. Default [2, 1]. libfido2 uses protocol
	// 2 whenever it is offered: []int{1} is how to exercise protocol 1.
	PINProtocols []int
	// NoMinPINLength leaves out authenticatorConfig's setMinPINLength
	// (a CTAP 2.1 option keys may lack): the option is absent from
	// getInfo and the subcommand, which also forces PIN changes, is
	// refused.
	NoMinPINLength bool
}

// DefaultAAGUID is the AAGUID of the software authenticator; the bundled
// table in assets/fido names it "Twofold software authenticator".
var DefaultAAGUID = [16]byte{0x74, 0x77, 0x6f, 0x66, 0x6f, 0x6c, 0x64, 0x2d, 0x73, 0x6f, 0x66, 0x74, 0x6b, 0x65, 0x79, 0x31}

// Authenticator is the software key. It is safe for concurrent use;
// commands are executed one at a time, as on a real key.
type Authenticator struct {
	cfg Config

	mu        sync.Mutex
	poweredAt time.Time
	pin       pinState
	agreement *ecdh.PrivateKey
	token     pinToken
	creds     []*credential
	next      *pendingAssertions
	enum      *enumeration // credential management's GetNext state
	bio       bioState
	attKey    *ecdsa.PrivateKey
	attCert   []byte
}

// New returns a freshly reset authenticator, powered up now.
func New(cfg Config) *Authenticator {
	if cfg.AAGUID == ([16]byte{}) {
		cfg.AAGUID = DefaultAAGUID
	}
	if cfg.MaxResident == 0 {
		cfg.MaxResident = 25
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Presence == nil {
		cfg.Presence = AlwaysPresent
	}
	if cfg.Keepalive == nil {
		cfg.Keepalive = realKeepalive
	}
	if cfg.Finger == nil {
		cfg.Finger = AlwaysGood
	}
	if cfg.PINProtocols == nil {
		cfg.PINProtocols = []int{2, 1}
	}
	cfg.PINProtocols = slices.Clone(cfg.PINProtocols)
	a := &Authenticator{cfg: cfg}
	a.attKey, a.attCert = newAttestation(cfg.AAGUID)
	a.resetState()
	a.powerUp()
	return a
}

func realKeepalive() (<-chan time.Time, func()) {
	t := time.NewTicker(100 * time.Millisecond)
	return t.C, t.Stop
}

// PowerCycle simulates unplugging and replugging the key: the reset window
// reopens, the "3 wrong PINs in a row" block is lifted, PIN tokens expire.
func (a *Authenticator) PowerCycle() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.powerUp()
}

func (a *Authenticator) powerUp() {
	a.poweredAt = a.cfg.Now()
	a.pin.consecutive = 0
	a.regenerateAgreement()
	a.token = pinToken{}
	a.endSessions()
}

// endSessions drops the state that commands hand to the next command: a
// getNextAssertion, a credential enumeration, a fingerprint enrolment.
func (a *Authenticator) endSessions() {
	a.next = nil
	a.enum = nil
	a.bio.enrolling = nil
}

// resetState wipes credentials, PIN, fingerprints and policy
// (authenticatorReset), keeping the attestation key.
func (a *Authenticator) resetState() {
	a.pin = pinState{retries: maxPINRetries, minLength: 4}
	a.creds = nil
	a.token = pinToken{}
	a.endSessions()
	a.bio = bioState{uvRetries: maxUVRetries}
	a.regenerateAgreement()
}

func (a *Authenticator) regenerateAgreement() {
	k, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		panic(err)
	}
	a.agreement = k
}

// Handle executes one authenticatorCBOR request (command byte followed by
// CBOR parameters) and returns the response (status byte followed by CBOR).
// ctx is cancelled when the platform sends CTAPHID_CANCEL; keepalive is
// called while the key waits for the user.
func (a *Authenticator) Handle(ctx context.Context, req []byte, keepalive func(status byte)) []byte {
	if len(req) == 0 {
		return []byte{byte(errInvalidLength)}
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.endSessionsBefore(req[0])
	c := &call{ctx: ctx, keepalive: keepalive}
	resp, err := a.dispatch(c, req[0], req[1:])
	if err != nil {
		if s, ok := err.(Status); ok {
			return []byte{byte(s)}
		}
		return []byte{byte(errOther)}
	}
	return append([]byte{byte(StatusOK)}, resp...)
}

// endSessionsBefore ends the sessions that cmd does not continue: each
// only survives until a command of another kind arrives.
func (a *Authenticator) endSessionsBefore(cmd byte) {
	if cmd != cmdGetNextAssertion {
		a.next = nil
	}
	if cmd != cmdCredentialMgmt && cmd != cmdCredMgmtPre {
		a.enum = nil
	}
	if cmd != cmdBioEnrollment && cmd != cmdBioEnrollmentPre {
		a.bio.enrolling = nil
	}
}

// call carries what one request needs beyond its parameters.
type call struct {
	ctx       context.Context
	keepalive func(status byte)
}

type handler func(a *Authenticator, c *call, params []byte) ([]byte, error)

var handlers = map[byte]handler{
	cmdGetInfo:          (*Authenticator).getInfo,
	cmdMakeCredential:   (*Authenticator).makeCredential,
	cmdGetAssertion:     (*Authenticator).getAssertion,
	cmdGetNextAssertion: (*Authenticator).getNextAssertion,
	cmdClientPIN:        (*Authenticator).clientPIN,
	cmdReset:            (*Authenticator).reset,
	cmdSelection:        (*Authenticator).selection,
	cmdConfig:           (*Authenticator).config,
	cmdCredentialMgmt:   (*Authenticator).credentialManagement,
	cmdCredMgmtPre:      (*Authenticator).credentialManagement,
	cmdBioEnrollment:    (*Authenticator).bioEnrollment,
	cmdBioEnrollmentPre: (*Authenticator).bioEnrollment,
}

func (a *Authenticator) dispatch(c *call, cmd byte, params []byte) ([]byte, error) {
	h, ok := handlers[cmd]
	if !ok || (!a.cfg.Bio && (cmd == cmdBioEnrollment || cmd == cmdBioEnrollmentPre)) {
		return nil, errInvalidCommand
	}
	return h(a, c, params)
}

// newAttestation makes the batch attestation key and its self-signed
// certificate, shaped as WebAuthn §8.2.1 asks of a packed attestation cert.
func newAttestation(aaguid [16]byte) (*ecdsa.PrivateKey, []byte) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	der, err := x509.CreateCertificate(rand.Reader, attestationTemplate(aaguid), attestationTemplate(aaguid), &key.PublicKey, key)
	if err != nil {
		panic(err)
	}
	return key, der
}
