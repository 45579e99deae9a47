//go:build cgo

package fido

// Negative tests for Device.Test's checks. The data is real: the software
// key makes it through libfido2, then one step of the test changes a byte
// before the next step checks it, the way a faulty key or a corrupted
// transfer would. A verifier that accepts everything fails here.

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/twofold-app/twofold/internal/fidotest"
	_ "github.com/twofold-app/twofold/internal/fidotest/shim" // libfido2 reaches the rig's socket
	"github.com/twofold-app/twofold/internal/fidotest/softkey"
)

// flip returns a copy of b with bit 0 of b[i] inverted (i < 0 counts from
// the end).
func flip(b []byte, i int) []byte {
	if i < 0 {
		i += len(b)
	}
	out := append([]byte{}, b...)
	out[i] ^= 0x01
	return out
}

// tamperedTest runs Device.Test's steps against a software key, calling
// tamper right after the step named after succeeded, and returns the
// report and error as Device.Test would.
func tamperedTest(t *testing.T, cfg softkey.Config, after Step, tamper func(*tester)) (*TestReport, error) {
	t.Helper()
	r := fidotest.New(t, cfg)
	d, err := Open(r.Path())
	if err != nil {
		t.Fatal(err)
	}
	tt := &tester{d: d, ctx: context.Background(), report: &TestReport{}}
	steps := tt.steps(TestOptions{})
	for i, s := range steps {
		if s.step == after {
			fn := s.fn
			steps[i].fn = func() (string, error) {
				detail, err := fn()
				if err == nil {
					tamper(tt)
				}
				return detail, err
			}
		}
	}
	return tt.report, tt.runSteps(steps)
}

func stepStates(r *TestReport) string {
	var s []string
	for _, p := range r.Steps {
		s = append(s, string(p.Step)+"="+p.State.String())
	}
	return strings.Join(s, ", ")
}

// Offsets in authenticator data: rpIdHash (32 bytes), flags, counter
// (4 bytes, big-endian), attested credential data.
const (
	adFlags   = 32
	adCounter = 33 // the counter's high byte: flipping it raises the counter
	adCredID  = 37 + 16 + 2
)

func editCred(tt *tester, f func(c *credResult)) {
	c := *tt.cred
	f(&c)
	tt.cred = &c
}

// otherCertificate is a well-formed attestation certificate for a key that
// signed nothing.
func otherCertificate(t *testing.T) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "someone else's authenticator"},
		NotBefore:    time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:     time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

const (
	attestationFailed = "read key info=ok, register a test credential=ok, verify attestation=failed"
	verifyFailed      = "read key info=ok, register a test credential=ok, verify attestation=ok, sign with the credential=ok, verify the signature=failed"
)

func TestTestKeyRejectsTamperedData(t *testing.T) {
	other := otherCertificate(t)
	for _, c := range []struct {
		name   string
		self   bool // the key self-attests
		after  Step
		tamper func(*tester)
		steps  string // the report's steps
		err    string // in the error, after the failed step's name
	}{
		{
			name: "attestation signature", after: StepRegister,
			tamper: func(tt *tester) { editCred(tt, func(c *credResult) { c.Sig = flip(c.Sig, -1) }) },
			steps:  attestationFailed, err: "verify attestation: attestation signature",
		},
		{
			name: "attested authenticator data", after: StepRegister,
			// a byte of the credential ID, which the signature covers
			tamper: func(tt *tester) { editCred(tt, func(c *credResult) { c.AuthData = flip(c.AuthData, adCredID) }) },
			steps:  attestationFailed, err: "verify attestation: attestation signature",
		},
		{
			name: "attested client data hash", after: StepRegister,
			tamper: func(tt *tester) { tt.cdh = flip(tt.cdh, 0) },
			steps:  attestationFailed, err: "verify attestation: attestation signature",
		},
		{
			name: "certificate of another key", after: StepRegister,
			tamper: func(tt *tester) { editCred(tt, func(c *credResult) { c.X5C = other }) },
			steps:  attestationFailed, err: "verify attestation: attestation signature",
		},
		{
			name: "corrupt certificate", after: StepRegister,
			tamper: func(tt *tester) { editCred(tt, func(c *credResult) { c.X5C = flip(c.X5C, 0) }) },
			steps:  attestationFailed, err: "verify attestation: attestation certificate",
		},
		{
			name: "self attestation signature", self: true, after: StepRegister,
			tamper: func(tt *tester) { editCred(tt, func(c *credResult) { c.Sig = flip(c.Sig, -1) }) },
			steps:  attestationFailed, err: "verify attestation: self attestation",
		},
		{
			name: "self attestation client data hash", self: true, after: StepRegister,
			tamper: func(tt *tester) { tt.cdh = flip(tt.cdh, 31) },
			steps:  attestationFailed, err: "verify attestation: self attestation",
		},
		{
			name: "assertion signature", after: StepSign,
			tamper: func(tt *tester) { tt.asSig = flip(tt.asSig, -1) },
			steps:  verifyFailed, err: "verify the signature: assertion signature",
		},
		{
			name: "assertion client data hash", after: StepSign,
			tamper: func(tt *tester) { tt.asCDH = flip(tt.asCDH, 0) },
			steps:  verifyFailed, err: "verify the signature: assertion signature",
		},
		{
			name: "assertion without user presence", after: StepSign,
			tamper: func(tt *tester) { tt.asData = flip(tt.asData, adFlags) },
			steps:  verifyFailed, err: "verify the signature: user presence flag not set",
		},
		{
			name: "assertion flags", after: StepSign,
			tamper: func(tt *tester) {
				tt.asData = append([]byte{}, tt.asData...)
				tt.asData[adFlags] |= flagUserVerified
			},
			steps: verifyFailed, err: "verify the signature: assertion signature",
		},
		{
			name: "assertion counter", after: StepSign,
			tamper: func(tt *tester) { tt.asData = flip(tt.asData, adCounter) },
			steps:  verifyFailed, err: "verify the signature: assertion signature",
		},
		{
			name: "assertion relying party", after: StepSign,
			tamper: func(tt *tester) { tt.asData = flip(tt.asData, 0) },
			steps:  verifyFailed, err: "verify the signature: relying party hash mismatch",
		},
		{
			name: "assertion counter not above registration", after: StepSign,
			tamper: func(tt *tester) { tt.ad.SignCount = 1 << 30 },
			steps:  verifyFailed, err: "verify the signature: signature counter did not increase",
		},
		{
			name: "truncated assertion", after: StepSign,
			tamper: func(tt *tester) { tt.asData = tt.asData[:36] },
			steps:  verifyFailed, err: "verify the signature: signature verification failed: malformed authenticator data",
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			rep, err := tamperedTest(t, softkey.Config{SelfAttestation: c.self}, c.after, c.tamper)
			if !errors.Is(err, ErrVerification) || !strings.HasPrefix(err.Error(), c.err) {
				t.Errorf("got %v, want %q… (ErrVerification)", err, c.err)
			}
			if got := stepStates(rep); got != c.steps {
				t.Errorf("steps: %s", got)
			}
			if last := rep.Steps[len(rep.Steps)-1]; !errors.Is(last.Err, ErrVerification) {
				t.Errorf("failed step %q carries %v", last.Step, last.Err)
			}
		})
	}
}

// TestTestKeyTamperControl: the harness itself leaves good data alone,
// for a key with a certificate and for a self-attesting one.
func TestTestKeyTamperControl(t *testing.T) {
	for _, self := range []bool{false, true} {
		rep, err := tamperedTest(t, softkey.Config{SelfAttestation: self}, StepSign, func(*tester) {})
		if err != nil || !rep.OK() || len(rep.Steps) != 5 {
			t.Fatalf("self=%v: %v (%s)", self, err, stepStates(rep))
		}
	}
}
