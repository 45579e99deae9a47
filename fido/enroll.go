package fido

import (
	"context"
	"fmt"
	"time"
)

// sampleTimeout is how long the key waits for each finger (it blinks
// meanwhile). libfido2's own tool uses 10 s, short for a first-timer.
const sampleTimeout = 30 * time.Second

// maxCaptures bounds an enrolment with a key that never says it is done.
const maxCaptures = 64

// enroller is one fingerprint enrolment on an open key (cgo_bio.go).
type enroller interface {
	// capture takes one sample, the first beginning the enrolment, and
	// returns the key's verdict and the good samples it still needs.
	capture(ctx context.Context) (status SampleStatus, remaining int, err error)
	// cancel abandons an unfinished enrolment on the key.
	cancel()
	// finish names the enrolled fingerprint ("" leaves it unnamed).
	finish(name string) (Fingerprint, error)
	close()
}

// EnrollFingerprint enrols a finger: the person touches the sensor until
// the key has enough good samples. cb.Touch is called before each sample;
// cb.Progress gets a StepSample per sample, StepOK for a good one and
// StepRetry with advice in Detail for one the key rejected, with the good
// samples still needed in Remaining. name, if not "", names the new
// fingerprint. Cancelling ctx abandons the enrolment on the key.
func (d *Device) EnrollFingerprint(ctx context.Context, name string, cb *Callbacks) (*Fingerprint, error) {
	if name != "" {
		if err := checkName(name); err != nil {
			return nil, fmt.Errorf("enrol fingerprint: %w", err)
		}
	}
	var fp *Fingerprint
	err := d.withInfo(ctx, func(info *Info) error {
		if err := canManageFingerprints(info); err != nil {
			return err
		}
		return d.askPIN(ctx, cb, "enrol a fingerprint", func(pin string) error {
			// Check the PIN before asking for a finger: enrollBegin
			// reports a wrong PIN only after the first touch.
			if _, err := listTemplates(d.path, pin); err != nil {
				return err
			}
			var err error
			fp, err = d.enroll(ctx, pin, name, cb)
			return err
		})
	})
	if err != nil {
		return nil, fmt.Errorf("enrol fingerprint: %w", err)
	}
	return fp, nil
}

func (d *Device) enroll(ctx context.Context, pin, name string, cb *Callbacks) (*Fingerprint, error) {
	e, err := newEnroller(d.path, pin, sampleTimeout)
	if err != nil {
		return nil, err
	}
	defer e.close()
	if err := captureAll(ctx, e, cb); err != nil {
		e.cancel()
		return nil, err
	}
	fp, err := e.finish(name)
	if err != nil {
		return nil, err
	}
	return &fp, nil
}

func captureAll(ctx context.Context, e enroller, cb *Callbacks) error {
	remaining := -1
	for n := 0; remaining != 0; n++ {
		if n == maxCaptures {
			return fmt.Errorf("%d samples and the key still wants more: %w", n, ErrCommunication)
		}
		left, err := captureOne(ctx, e, cb, remaining)
		if err != nil {
			return err
		}
		remaining = left
	}
	return nil
}

// captureOne asks for a finger, takes a sample and reports it.
func captureOne(ctx context.Context, e enroller, cb *Callbacks, remaining int) (int, error) {
	cb.progress(Progress{Step: StepSample, State: StepStarted, Remaining: remaining})
	done := cb.touch(samplePurpose(remaining))
	status, left, err := e.capture(ctx)
	done()
	if err == nil {
		err = sampleError(status)
	}
	p := Progress{Step: StepSample, State: StepOK, Sample: status, Remaining: left, Detail: status.Advice()}
	switch {
	case err != nil:
		p.State, p.Err, p.Remaining = StepFailed, err, remaining
	case status != SampleGood:
		p.State = StepRetry
	}
	cb.progress(p)
	return left, err
}

// samplePurpose completes "touch your key to …".
func samplePurpose(remaining int) string {
	if remaining < 0 {
		return "give a first fingerprint sample"
	}
	return fmt.Sprintf("give another fingerprint sample (%d more needed)", remaining)
}

// sampleError ends an enrolment on what another try does not fix.
func sampleError(s SampleStatus) error {
	switch s {
	case SampleNoUserActivity:
		return ErrTouchTimeout
	case SampleDatabaseFull:
		return ErrKeyFull
	}
	return nil
}
