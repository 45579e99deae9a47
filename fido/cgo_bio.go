//go:build cgo

package fido

/*
#include <fido.h>
#include <fido/bio.h>
#include <stdlib.h>
*/
import "C"

import (
	"context"
	"time"
)

// Fingerprint management through libfido2's fido_bio_* calls, which use
// the 2.1-PRE command (0x40) that CTAP 2.1 keys accept too. go-libfido2's
// BioEnroll is not used: it prints to stdout and cannot report samples.

type bioEnroller struct {
	h       *handle
	t       *C.fido_bio_template_t
	e       *C.fido_bio_enroll_t
	pin     string
	timeout C.uint32_t
	begun   bool
}

// newEnroller opens the key for one enrolment. The same handle serves
// every sample: keys end an enrolment when another command (such as the
// getInfo libfido2 sends on open) comes in between.
func newEnroller(path, pin string, timeout time.Duration) (enroller, error) {
	h, err := openHandle(path)
	if err != nil {
		return nil, err
	}
	return &bioEnroller{
		h: h, t: C.fido_bio_template_new(), e: C.fido_bio_enroll_new(),
		pin: pin, timeout: C.uint32_t(timeout.Milliseconds()),
	}, nil
}

func (b *bioEnroller) capture(ctx context.Context) (SampleStatus, int, error) {
	call := func() C.int { return C.fido_bio_dev_enroll_continue(b.h.dev, b.t, b.e, b.timeout) }
	if !b.begun {
		cpin, free := cString(b.pin)
		defer free()
		call = func() C.int { return C.fido_bio_dev_enroll_begin(b.h.dev, b.t, b.e, b.timeout, cpin) }
	}
	if err := b.h.run(ctx, "capture a fingerprint sample", call); err != nil {
		return 0, 0, err
	}
	b.begun = true
	return SampleStatus(C.fido_bio_enroll_last_status(b.e)), int(C.fido_bio_enroll_remaining_samples(b.e)), nil
}

// cancel is best effort: the key also drops an enrolment left hanging
// when the next command of another kind arrives.
func (b *bioEnroller) cancel() {
	if b.begun {
		C.fido_bio_dev_enroll_cancel(b.h.dev)
	}
}

func (b *bioEnroller) finish(name string) (Fingerprint, error) {
	fp := Fingerprint{ID: goBytes(C.fido_bio_template_id_ptr(b.t), C.fido_bio_template_id_len(b.t)), Name: name}
	if name == "" {
		return fp, nil
	}
	return fp, setTemplateName(b.h, b.t, name, b.pin)
}

func (b *bioEnroller) close() {
	C.fido_bio_template_free(&b.t)
	C.fido_bio_enroll_free(&b.e)
	b.h.close()
}

func setTemplateName(h *handle, t *C.fido_bio_template_t, name, pin string) error {
	cname, f1 := cString(name)
	defer f1()
	cpin, f2 := cString(pin)
	defer f2()
	if rc := C.fido_bio_template_set_name(t, cname); rc != C.FIDO_OK {
		return failure("name fingerprint", h.path, int(rc))
	}
	return failure("name fingerprint", h.path, int(C.fido_bio_dev_set_template_name(h.dev, t, cpin)))
}

// listTemplates lists the fingerprints; keys answer CTAP2_ERR_INVALID_OPTION
// when there are none (CTAP 2.1 §6.7.5).
func listTemplates(path, pin string) ([]Fingerprint, error) {
	h, err := openHandle(path)
	if err != nil {
		return nil, err
	}
	defer h.close()
	cpin, free := cString(pin)
	defer free()
	ta := C.fido_bio_template_array_new()
	defer C.fido_bio_template_array_free(&ta)
	rc := int(C.fido_bio_dev_get_template_array(h.dev, ta, cpin))
	if rc == codeInvalidOption {
		return nil, nil
	}
	if err := failure("list fingerprints", path, rc); err != nil {
		return nil, err
	}
	n := C.fido_bio_template_array_count(ta)
	out := make([]Fingerprint, 0, int(n))
	for i := C.size_t(0); i < n; i++ {
		t := C.fido_bio_template(ta, i)
		out = append(out, Fingerprint{
			ID:   goBytes(C.fido_bio_template_id_ptr(t), C.fido_bio_template_id_len(t)),
			Name: C.GoString(C.fido_bio_template_name(t)),
		})
	}
	return out, nil
}

// withTemplateID opens the key and runs fn with a template holding id.
func withTemplateID(path string, id []byte, fn func(h *handle, t *C.fido_bio_template_t) error) error {
	h, err := openHandle(path)
	if err != nil {
		return err
	}
	defer h.close()
	t := C.fido_bio_template_new()
	defer C.fido_bio_template_free(&t)
	p, n := cBytes(id)
	if rc := C.fido_bio_template_set_id(t, p, n); rc != C.FIDO_OK {
		return failure("fingerprint ID", path, int(rc))
	}
	return fn(h, t)
}

func renameTemplate(path string, id []byte, name, pin string) error {
	return withTemplateID(path, id, func(h *handle, t *C.fido_bio_template_t) error {
		return setTemplateName(h, t, name, pin)
	})
}

func removeTemplate(path string, id []byte, pin string) error {
	return withTemplateID(path, id, func(h *handle, t *C.fido_bio_template_t) error {
		cpin, free := cString(pin)
		defer free()
		return failure("delete fingerprint", path, int(C.fido_bio_dev_enroll_remove(h.dev, t, cpin)))
	})
}
