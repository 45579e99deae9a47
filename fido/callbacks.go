package fido

import "context"

// Callbacks is how an operation talks to the person at the keyboard. A CLI
// and a GUI each supply their own; nil functions mean "cannot ask" (a PIN
// is then ErrPINRequired) or "nothing to show".
type Callbacks struct {
	// PIN asks for the key's current PIN. Returning an error aborts.
	PIN func(ctx context.Context, req PINRequest) (string, error)
	// NewPIN asks for a new PIN; the front end has it typed twice.
	NewPIN func(ctx context.Context, req NewPINRequest) (string, error)
	// Touch tells the person to touch the key. The returned function, if
	// any, is called when the key no longer waits (to close a dialog).
	Touch func(req TouchRequest) (done func())
	// Progress reports the steps of a longer operation.
	Progress func(p Progress)
}

// PINRequest describes a PIN prompt.
type PINRequest struct {
	// Purpose says what the PIN is for, e.g. "change the PIN".
	Purpose string
	// Retries is how many wrong PINs the key still accepts before it
	// blocks for good; show it before every entry.
	Retries int
	// Previous is the error of the previous attempt (ErrPINInvalid) when
	// asking again, nil on the first prompt.
	Previous error
}

// NewPINRequest describes a new-PIN prompt.
type NewPINRequest struct {
	// MinLength is the key's minimum PIN length, in characters.
	MinLength int
	// Previous is why the last new PIN was refused, if it was.
	Previous error
}

// TouchRequest says why the key wants a touch.
type TouchRequest struct {
	// Purpose completes "touch your key to …", e.g. "confirm the reset".
	Purpose string
}

// Progress is one step of a longer operation.
type Progress struct {
	Step   Step
	State  StepState
	Detail string
	Err    error
	// Sample is the key's verdict on a fingerprint sample (StepSample).
	Sample SampleStatus
	// Remaining is how many good fingerprint samples the key still needs
	// (StepSample only; -1 before the key has said).
	Remaining int
}

// Step names a step of an operation.
type Step string

// Steps of Device.Test.
const (
	StepInfo        Step = "read key info"
	StepRegister    Step = "register a test credential"
	StepAttestation Step = "verify attestation"
	StepSign        Step = "sign with the credential"
	StepVerify      Step = "verify the signature"
)

// Steps of Device.EnrollFingerprint: one StepSample per finger on the
// sensor.
const StepSample Step = "capture a fingerprint sample"

// Steps of Device.Reset. Show StepUnplug and StepReplug as instructions:
// the operation waits for the person to do them.
const (
	StepUnplug Step = "unplug the key"
	StepReplug Step = "plug the key back in"
	StepReset  Step = "reset the key"
)

// StepState is where a step stands.
type StepState int

// Step states.
const (
	StepStarted StepState = iota
	StepOK
	StepFailed
	StepSkipped
	// StepRetry: this attempt did not count, the step goes on (a
	// fingerprint sample the key rejected; Detail says what to change).
	StepRetry
)

func (s StepState) String() string {
	return [...]string{"started", "ok", "failed", "skipped", "retry"}[s]
}

func (c *Callbacks) touch(purpose string) func() {
	if c == nil || c.Touch == nil {
		return func() {}
	}
	if done := c.Touch(TouchRequest{Purpose: purpose}); done != nil {
		return done
	}
	return func() {}
}

func (c *Callbacks) progress(p Progress) {
	if c != nil && c.Progress != nil {
		c.Progress(p)
	}
}

// step reports a step as started, runs fn and reports how it ended.
func (c *Callbacks) step(s Step, fn func() error) error {
	c.progress(Progress{Step: s, State: StepStarted})
	err := fn()
	p := Progress{Step: s, State: StepOK}
	if err != nil {
		p.State, p.Err = StepFailed, err
	}
	c.progress(p)
	return err
}
