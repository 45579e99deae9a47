package softkey

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"unicode/utf8"
)

const (
	maxPINRetries = 8
	// maxConsecutive wrong PINs before the key refuses PINs until replugged.
	maxConsecutive = 3
)

// pinUvAuthToken permissions (CTAP 2.1 §6.5.5.7).
const (
	permMakeCredential = 0x01
	permGetAssertion   = 0x02
	permCredMgmt       = 0x04
	permBioEnroll      = 0x08
	permLargeBlobWrite = 0x10
	permConfig         = 0x20
)

// clientPIN subcommands.
const (
	pinGetRetries        = 0x01
	pinGetKeyAgreement   = 0x02
	pinSet               = 0x03
	pinChange            = 0x04
	pinGetToken          = 0x05
	pinGetTokenUsingUV   = 0x06
	pinGetUVRetries      = 0x07
	pinGetTokenUsingPINp = 0x09
)

type pinState struct {
	hash        []byte // LEFT(SHA-256(PIN), 16); nil when no PIN is set
	codePoints  int    // length of the current PIN, for setMinPINLength
	retries     int
	consecutive int
	minLength   int
	forceChange bool
	alwaysUV    bool
}

type pinToken struct {
	value       []byte // nil when no token is valid
	protocol    uint
	permissions uint
	rpID        string
}

type clientPINRequest struct {
	Protocol     uint     `cbor:"1,keyasint,omitempty"`
	Sub          uint     `cbor:"2,keyasint"`
	KeyAgreement *coseKey `cbor:"3,keyasint,omitempty"`
	Param        []byte   `cbor:"4,keyasint,omitempty"`
	NewPINEnc    []byte   `cbor:"5,keyasint,omitempty"`
	PINHashEnc   []byte   `cbor:"6,keyasint,omitempty"`
	Permissions  uint     `cbor:"9,keyasint,omitempty"`
	RPID         string   `cbor:"10,keyasint,omitempty"`
}

type clientPINResponse struct {
	KeyAgreement *coseKey `cbor:"1,keyasint,omitempty"`
	Token        []byte   `cbor:"2,keyasint,omitempty"`
	Retries      *int     `cbor:"3,keyasint,omitempty"`
	PowerCycle   *bool    `cbor:"4,keyasint,omitempty"`
	UVRetries    *int     `cbor:"5,keyasint,omitempty"`
}

func (a *Authenticator) clientPIN(c *call, params []byte) ([]byte, error) {
	var req clientPINRequest
	if err := unmarshal(params, &req); err != nil {
		return nil, err
	}
	if req.Sub == pinGetRetries {
		retries, pc := a.pin.retries, a.pin.consecutive >= maxConsecutive
		return marshal(clientPINResponse{Retries: &retries, PowerCycle: &pc}), nil
	}
	if req.Sub == pinGetUVRetries {
		return a.uvRetries()
	}
	p, err := a.protocolFor(req.Protocol)
	if err != nil {
		return nil, err
	}
	switch req.Sub {
	case pinGetKeyAgreement:
		return marshal(clientPINResponse{KeyAgreement: agreementCOSE(a.agreement)}), nil
	case pinSet:
		return nil, a.setPIN(p, &req)
	case pinChange:
		return nil, a.changePIN(p, &req)
	case pinGetToken:
		req.Permissions, req.RPID = permMakeCredential|permGetAssertion, ""
		return a.pinToken(p, &req)
	case pinGetTokenUsingPINp:
		return a.pinToken(p, &req)
	case pinGetTokenUsingUV:
		return a.uvToken(c, p, &req)
	}
	return nil, errInvalidSubcommand
}

func (a *Authenticator) setPIN(p pinProtocol, req *clientPINRequest) error {
	if req.KeyAgreement == nil || req.Param == nil || req.NewPINEnc == nil {
		return errMissingParameter
	}
	if a.pin.hash != nil {
		return errNotAllowed
	}
	ss, err := a.decapsulate(p, req.KeyAgreement)
	if err != nil {
		return err
	}
	if !verify(p, ss, req.NewPINEnc, req.Param) {
		return errPINAuthInvalid
	}
	return a.storeNewPIN(p, ss, req.NewPINEnc)
}

func (a *Authenticator) changePIN(p pinProtocol, req *clientPINRequest) error {
	if req.KeyAgreement == nil || req.Param == nil || req.NewPINEnc == nil || req.PINHashEnc == nil {
		return errMissingParameter
	}
	if err := a.pinUsable(); err != nil {
		return err
	}
	ss, err := a.decapsulate(p, req.KeyAgreement)
	if err != nil {
		return err
	}
	msg := append(append([]byte{}, req.NewPINEnc...), req.PINHashEnc...)
	if !verify(p, ss, msg, req.Param) {
		return errPINAuthInvalid
	}
	if err := a.checkPINHash(p, ss, req.PINHashEnc); err != nil {
		return err
	}
	return a.storeNewPIN(p, ss, req.NewPINEnc)
}

// storeNewPIN decrypts a padded new PIN, checks the policy and stores it.
func (a *Authenticator) storeNewPIN(p pinProtocol, ss, newPINEnc []byte) error {
	padded, err := p.decrypt(ss, newPINEnc)
	if err != nil {
		return err
	}
	if len(padded) < 64 {
		return errPINPolicyViolation
	}
	pin, _, _ := bytes.Cut(padded, []byte{0})
	n := utf8.RuneCount(pin)
	if len(pin) > 63 || n < a.pin.minLength || n < 4 {
		return errPINPolicyViolation
	}
	if a.pin.hash != nil && bytes.Equal(a.pin.hash, pinHash(pin)) && a.pin.forceChange {
		return errPINPolicyViolation // a forced change must change the PIN
	}
	a.pin.hash, a.pin.codePoints = pinHash(pin), n
	a.pin.retries, a.pin.consecutive = maxPINRetries, 0
	a.pin.forceChange = false
	a.token = pinToken{}
	return nil
}

func pinHash(pin []byte) []byte {
	h := sha256.Sum256(pin)
	return h[:16]
}

// pinUsable reports whether a PIN may be tried at all now.
func (a *Authenticator) pinUsable() error {
	switch {
	case a.pin.hash == nil:
		return errPINNotSet
	case a.pin.retries == 0:
		return errPINBlocked
	case a.pin.consecutive >= maxConsecutive:
		return errPINAuthBlocked
	}
	return nil
}

// checkPINHash compares the platform's encrypted PIN hash with the stored
// one, counting down retries (CTAP 2.1 §6.5.5.5, "verify PIN hash").
func (a *Authenticator) checkPINHash(p pinProtocol, ss, pinHashEnc []byte) error {
	a.pin.retries--
	got, err := p.decrypt(ss, pinHashEnc)
	if err != nil {
		return err
	}
	if len(got) != 16 || !bytes.Equal(got, a.pin.hash) {
		a.regenerateAgreement()
		a.pin.consecutive++
		switch {
		case a.pin.retries == 0:
			return errPINBlocked
		case a.pin.consecutive >= maxConsecutive:
			return errPINAuthBlocked
		}
		return errPINInvalid
	}
	a.pin.retries, a.pin.consecutive = maxPINRetries, 0
	return nil
}

func (a *Authenticator) pinToken(p pinProtocol, req *clientPINRequest) ([]byte, error) {
	if req.KeyAgreement == nil || req.PINHashEnc == nil {
		return nil, errMissingParameter
	}
	if err := a.checkPermissions(req.Permissions); err != nil {
		return nil, err
	}
	if err := a.pinUsable(); err != nil {
		return nil, err
	}
	ss, err := a.decapsulate(p, req.KeyAgreement)
	if err != nil {
		return nil, err
	}
	if err := a.checkPINHash(p, ss, req.PINHashEnc); err != nil {
		return nil, err
	}
	if a.pin.forceChange {
		return nil, errPINPolicyViolation
	}
	return a.issueToken(p, ss, req)
}

func (a *Authenticator) checkPermissions(perm uint) error {
	switch {
	case perm == 0:
		return errInvalidParameter
	case perm&permLargeBlobWrite != 0, perm&permBioEnroll != 0 && !a.cfg.Bio:
		return errUnauthorizedPermission
	}
	return nil
}

func (a *Authenticator) issueToken(p pinProtocol, ss []byte, req *clientPINRequest) ([]byte, error) {
	tok := make([]byte, 32)
	rand.Read(tok)
	a.token = pinToken{value: tok, protocol: req.Protocol, permissions: req.Permissions, rpID: req.RPID}
	return marshal(clientPINResponse{Token: p.encrypt(ss, tok)}), nil
}

// checkToken verifies a pinUvAuthParam made with the current token over msg
// and that the token carries permission perm for rpID (CTAP 2.1 §6.5.5.7).
func (a *Authenticator) checkToken(protocol uint, param, msg []byte, perm uint, rpID string) error {
	p, err := a.protocolFor(protocol)
	if err != nil {
		return err
	}
	t := &a.token
	if t.value == nil || t.protocol != protocol || !verify(p, t.value, msg, param) {
		return errPINAuthInvalid
	}
	if t.permissions&perm == 0 {
		return errUnauthorizedPermission
	}
	if rpID != "" && t.rpID != "" && t.rpID != rpID {
		return errUnauthorizedPermission
	}
	if rpID != "" && t.rpID == "" {
		t.rpID = rpID
	}
	return nil
}
