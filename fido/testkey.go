package fido

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"fmt"

	"github.com/fxamacker/cbor/v2"
)

// TestRPID is the relying party of the credential Device.Test registers.
const TestRPID = "twofold.local"

// credRequest is a makeCredential request as this package makes them.
type credRequest struct {
	ClientDataHash        []byte
	RPID, RPName          string
	UserID                []byte
	UserName, DisplayName string
	Resident, UV          bool
	PIN                   string
}

// credResult is what makeCredential returns.
type credResult struct {
	Format   string
	AuthData []byte // raw authenticator data
	ID       []byte
	PubKey   []byte // libfido2's es256 key: X || Y
	Sig      []byte
	X5C      []byte
}

type assertRequest struct {
	RPID           string
	ClientDataHash []byte
	AllowList      [][]byte
	UV             bool
	PIN            string
}

type assertResult struct {
	AuthDataCBOR []byte // CBOR byte string holding the authenticator data
	Sig          []byte
	CredentialID []byte
}

// TestOptions tunes Device.Test.
type TestOptions struct {
	// VerifyUser asks for the PIN even when the key does not require it,
	// to check the PIN as well.
	VerifyUser bool
}

// TestReport is the outcome of Device.Test, step by step.
type TestReport struct {
	Steps []Progress
	// CredentialID and PublicKey identify the test credential (not a
	// passkey: it uses no slot), e.g. for the keys inventory.
	CredentialID []byte
	PublicKey    *ecdsa.PublicKey
	// AttestationFormat is "packed", "fido-u2f", "none", …
	AttestationFormat string
}

// OK reports whether every step that ran passed.
func (r *TestReport) OK() bool {
	for _, s := range r.Steps {
		if s.State == StepFailed {
			return false
		}
	}
	return len(r.Steps) > 0
}

// Test checks that the key works end to end: it registers an ES256
// credential for TestRPID with a random challenge, verifies the
// attestation signature when the key returns a packed statement, signs a
// new challenge with the credential and verifies that signature in Go.
// Each step is reported through cb.Progress and in the report, so that a
// failure says which step broke. The returned error is the first failure.
func (d *Device) Test(ctx context.Context, opts TestOptions, cb *Callbacks) (*TestReport, error) {
	unlock, err := d.lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	t := &tester{d: d, ctx: ctx, cb: cb, report: &TestReport{}}
	err = t.run(opts)
	return t.report, err
}

type tester struct {
	d       *Device
	ctx     context.Context
	cb      *Callbacks
	report  *TestReport
	info    *Info
	needPIN bool
	pin     string
	cdh     []byte
	cred    *credResult
	ad      *authData
	// the assertion: authenticator data, its client data hash, signature
	asData, asCDH, asSig []byte
}

// testStep is one step of Device.Test.
type testStep struct {
	step Step
	fn   func() (string, error)
}

func (t *tester) steps(opts TestOptions) []testStep {
	return []testStep{
		{StepInfo, func() (string, error) { return t.readInfo(opts) }},
		{StepRegister, t.register},
		{StepAttestation, t.attestation},
		{StepSign, t.sign},
		{StepVerify, t.verify},
	}
}

func (t *tester) run(opts TestOptions) error {
	return t.runSteps(t.steps(opts))
}

// runSteps runs steps in order up to the first failure.
func (t *tester) runSteps(steps []testStep) error {
	for _, s := range steps {
		if err := t.step(s.step, s.fn); err != nil {
			return err
		}
	}
	return nil
}

// step runs one step and records its outcome; errSkip marks a skipped step.
func (t *tester) step(s Step, fn func() (string, error)) error {
	t.cb.progress(Progress{Step: s, State: StepStarted})
	detail, err := fn()
	p := Progress{Step: s, State: StepOK, Detail: detail}
	switch {
	case err == errSkip:
		p.State, err = StepSkipped, nil
	case err != nil:
		p.State, p.Err = StepFailed, err
	}
	t.report.Steps = append(t.report.Steps, p)
	t.cb.progress(p)
	if err != nil {
		return fmt.Errorf("%s: %w", s, err)
	}
	return nil
}

var errSkip = fmt.Errorf("skipped")

func (t *tester) readInfo(opts TestOptions) (string, error) {
	info, err := t.d.info(t.ctx)
	if err != nil {
		return "", err
	}
	if !info.FIDO2 {
		return "", fmt.Errorf("U2F-only key: %w", ErrUnsupported)
	}
	if info.ForcePINChange {
		return "", ErrPINChangeRequired
	}
	t.info = info
	t.needPIN = info.PINSet() && (opts.VerifyUser || info.Options["alwaysUv"] || !info.Options["makeCredUvNotRqd"])
	name := info.Model
	if name == "" {
		name = info.AAGUID.String()
	}
	return fmt.Sprintf("%s, %v", name, info.Versions), nil
}

func randomHash() []byte {
	b := make([]byte, 32)
	rand.Read(b)
	h := sha256.Sum256(b)
	return h[:]
}

// register makes the test credential, asking for the PIN if needed (and
// again after a wrong one).
func (t *tester) register() (string, error) {
	var err error
	if t.needPIN {
		err = t.d.askPIN(t.ctx, t.cb, "test the key", func(pin string) error {
			t.pin = pin
			return t.makeCredential()
		})
	} else {
		err = t.makeCredential()
	}
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("credential %x", t.cred.ID[:min(8, len(t.cred.ID))]), nil
}

func (t *tester) makeCredential() error {
	uid := make([]byte, 16)
	rand.Read(uid)
	t.cdh = randomHash()
	req := &credRequest{
		ClientDataHash: t.cdh, RPID: TestRPID, RPName: "Twofold key test",
		UserID: uid, UserName: "twofold-test", DisplayName: "Twofold key test",
		PIN: t.pin,
	}
	done := t.cb.touch("register a test credential")
	cred, err := makeCredential(t.ctx, t.d.path, req)
	done()
	if err != nil {
		return err
	}
	ad, err := parseAuthData(cred.AuthData)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrVerification, err)
	}
	if err := checkRegistration(ad, cred, t.info.AAGUID); err != nil {
		return err
	}
	t.cred, t.ad = cred, ad
	t.report.CredentialID, t.report.PublicKey, t.report.AttestationFormat = cred.ID, ad.PubKey, cred.Format
	return nil
}

// checkRegistration checks what the key says it registered.
func checkRegistration(ad *authData, cred *credResult, aaguid AAGUID) error {
	if err := checkRPID(ad, TestRPID); err != nil {
		return err
	}
	switch {
	case ad.Flags&flagUserPresent == 0:
		return fmt.Errorf("user presence flag not set: %w", ErrVerification)
	case ad.PubKey == nil:
		return fmt.Errorf("no credential public key: %w", ErrVerification)
	case !bytes.Equal(ad.CredID, cred.ID):
		return fmt.Errorf("credential ID mismatch: %w", ErrVerification)
	case ad.AAGUID != aaguid && !ad.AAGUID.IsZero():
		return fmt.Errorf("AAGUID %s differs from getInfo's %s: %w", ad.AAGUID, aaguid, ErrVerification)
	}
	return nil
}

func (t *tester) attestation() (string, error) {
	switch t.cred.Format {
	case "packed":
		return verifyPacked(t.cred.AuthData, t.cdh, t.cred.Sig, t.cred.X5C, t.ad.PubKey)
	case "none":
		return "key gave no attestation", errSkip
	}
	return "attestation format " + t.cred.Format + " not checked", errSkip
}

// sign gets an assertion with the test credential.
func (t *tester) sign() (string, error) {
	req := &assertRequest{RPID: TestRPID, ClientDataHash: randomHash(), AllowList: [][]byte{t.cred.ID}, PIN: t.pin}
	done := t.cb.touch("sign with the test credential")
	as, err := getAssertion(t.ctx, t.d.path, req)
	done()
	if err != nil {
		return "", err
	}
	if err := cbor.Unmarshal(as.AuthDataCBOR, &t.asData); err != nil {
		return "", fmt.Errorf("assertion authenticator data: %w: %v", ErrVerification, err)
	}
	t.asCDH, t.asSig = req.ClientDataHash, as.Sig
	return "key signed a random challenge", nil
}

// verify checks the assertion with the credential's public key.
func (t *tester) verify() (string, error) {
	if err := verifyAssertion(t.asData, t.asCDH, t.asSig, t.ad.PubKey, t.ad.SignCount); err != nil {
		return "", err
	}
	return "signature verified with the credential's public key", nil
}

func verifyAssertion(raw, cdh, sig []byte, pub *ecdsa.PublicKey, regCount uint32) error {
	ad, err := parseAuthData(raw)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrVerification, err)
	}
	if err := checkRPID(ad, TestRPID); err != nil {
		return err
	}
	if ad.Flags&flagUserPresent == 0 {
		return fmt.Errorf("user presence flag not set: %w", ErrVerification)
	}
	if ad.SignCount != 0 && ad.SignCount <= regCount {
		return fmt.Errorf("signature counter did not increase: %w", ErrVerification)
	}
	if !verifyES256(pub, raw, cdh, sig) {
		return fmt.Errorf("assertion signature: %w", ErrVerification)
	}
	return nil
}
