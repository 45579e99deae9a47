//go:build hardware && cgo

package fido

// verify_test.go's tamper checks on a real key's data. The key registers
// and signs once (two touches); then each case changes a byte of a copy of
// what it returned and reruns the check that follows, which must fail
// with ErrVerification. Nothing is stored on the key: the test credential
// is not a passkey.

import (
	"encoding/binary"
	"errors"
	"strings"
	"testing"
)

// replay is a tamper case for data the key has already returned.
type replay struct {
	name string
	// needs is "x5c" (a packed attestation with a certificate), "self"
	// (one without), "counter" (a key that counts signatures) or "".
	needs  string
	tamper func(*tester)
	step   Step   // the check that must fail
	err    string // in the error, after the step's name
}

// replays are verify_test.go's cases; other is a certificate of a key that
// signed nothing.
func replays(other []byte) []replay {
	return []replay{
		{
			name: "attestation signature", needs: "x5c", step: StepAttestation,
			tamper: func(tt *tester) { editCred(tt, func(c *credResult) { c.Sig = flip(c.Sig, -1) }) },
			err:    "attestation signature",
		},
		{
			name: "attested authenticator data", needs: "x5c", step: StepAttestation,
			// a byte of the credential ID, which the signature covers
			tamper: func(tt *tester) { editCred(tt, func(c *credResult) { c.AuthData = flip(c.AuthData, adCredID) }) },
			err:    "attestation signature",
		},
		{
			name: "attested client data hash", needs: "x5c", step: StepAttestation,
			tamper: func(tt *tester) { tt.cdh = flip(tt.cdh, 0) },
			err:    "attestation signature",
		},
		{
			name: "certificate of another key", needs: "x5c", step: StepAttestation,
			tamper: func(tt *tester) { editCred(tt, func(c *credResult) { c.X5C = other }) },
			err:    "attestation signature",
		},
		{
			name: "corrupt certificate", needs: "x5c", step: StepAttestation,
			tamper: func(tt *tester) { editCred(tt, func(c *credResult) { c.X5C = flip(c.X5C, 0) }) },
			err:    "attestation certificate",
		},
		{
			name: "self attestation signature", needs: "self", step: StepAttestation,
			tamper: func(tt *tester) { editCred(tt, func(c *credResult) { c.Sig = flip(c.Sig, -1) }) },
			err:    "self attestation",
		},
		{
			name: "self attested authenticator data", needs: "self", step: StepAttestation,
			tamper: func(tt *tester) { editCred(tt, func(c *credResult) { c.AuthData = flip(c.AuthData, adCredID) }) },
			err:    "self attestation",
		},
		{
			name: "self attestation client data hash", needs: "self", step: StepAttestation,
			tamper: func(tt *tester) { tt.cdh = flip(tt.cdh, 31) },
			err:    "self attestation",
		},
		{
			name: "assertion signature", step: StepVerify,
			tamper: func(tt *tester) { tt.asSig = flip(tt.asSig, -1) },
			err:    "assertion signature",
		},
		{
			name: "assertion client data hash", step: StepVerify,
			tamper: func(tt *tester) { tt.asCDH = flip(tt.asCDH, 0) },
			err:    "assertion signature",
		},
		{
			name: "assertion without user presence", step: StepVerify,
			tamper: func(tt *tester) { tt.asData = flip(tt.asData, adFlags) },
			err:    "user presence flag not set",
		},
		{
			// toggled, not set as in verify_test.go: a real key may
			// have verified the user already
			name: "assertion user verified flag", step: StepVerify,
			tamper: func(tt *tester) {
				tt.asData = append([]byte{}, tt.asData...)
				tt.asData[adFlags] ^= flagUserVerified
			},
			err: "assertion signature",
		},
		{
			name: "assertion counter", step: StepVerify,
			tamper: func(tt *tester) { tt.asData = flip(tt.asData, adCounter) },
			err:    "assertion signature",
		},
		{
			name: "assertion relying party", step: StepVerify,
			tamper: func(tt *tester) { tt.asData = flip(tt.asData, 0) },
			err:    "relying party hash mismatch",
		},
		{
			// the registration's counter equal to the assertion's (the
			// edge of the check): a key that counts must have counted
			name: "assertion counter not above registration", needs: "counter", step: StepVerify,
			tamper: func(tt *tester) { tt.ad.SignCount = assertionCounter(tt) },
			err:    "signature counter did not increase",
		},
		{
			name: "truncated assertion", step: StepVerify,
			tamper: func(tt *tester) { tt.asData = tt.asData[:36] },
			err:    "signature verification failed: malformed authenticator data",
		},
	}
}

func assertionCounter(tt *tester) uint32 {
	return binary.BigEndian.Uint32(tt.asData[adCounter : adCounter+4])
}

// unmet says why the key's data cannot take the case, or "".
func (r replay) unmet(tt *tester) string {
	format, self := tt.cred.Format, len(tt.cred.X5C) == 0
	switch {
	case r.needs == "counter" && assertionCounter(tt) == 0:
		return "the key keeps no signature counter"
	case (r.needs == "x5c" || r.needs == "self") && format != "packed":
		return "attestation format " + format + " is not checked"
	case r.needs == "x5c" && self:
		return "the key self-attests"
	case r.needs == "self" && !self:
		return "the key attests with a certificate"
	}
	return ""
}

// copyFor returns a copy of tt that a tamper function may change without
// touching tt (its byte slices are replaced, never written, by the cases).
func (tt *tester) copyFor() *tester {
	c := *tt
	ad := *tt.ad
	c.ad, c.report, c.cb = &ad, &TestReport{}, nil
	return &c
}

func TestHardwareTestRejectsTamperedData(t *testing.T) {
	d, ctx := HardwareKey(t)
	tt := &tester{d: d, ctx: ctx, cb: HardwarePerson(t), report: &TestReport{}}
	if err := tt.run(TestOptions{}); err != nil {
		t.Fatalf("untampered: %v (%s)", err, stepStates(tt.report))
	}
	t.Logf("attestation %s, %d-byte certificate, assertion counter %d", tt.cred.Format, len(tt.cred.X5C), assertionCounter(tt))
	for _, r := range replays(otherCertificate(t)) {
		t.Run(r.name, func(t *testing.T) {
			if why := r.unmet(tt); why != "" {
				t.Skip(why)
			}
			c := tt.copyFor()
			r.tamper(c)
			err := c.runSteps(checkStep(c, r.step))
			if !errors.Is(err, ErrVerification) || !strings.HasPrefix(err.Error(), string(r.step)+": "+r.err) {
				t.Errorf("got %v, want %q… (ErrVerification)", err, string(r.step)+": "+r.err)
			}
			if got := stepStates(c.report); got != string(r.step)+"=failed" {
				t.Errorf("steps: %s", got)
			}
		})
	}
}

// checkStep returns the step of tt's test named s.
func checkStep(tt *tester, s Step) []testStep {
	for _, st := range tt.steps(TestOptions{}) {
		if st.step == s {
			return []testStep{st}
		}
	}
	panic("no step " + s)
}
