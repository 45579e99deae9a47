//go:build cgo

package fido

/*
#cgo LDFLAGS: -lfido2
#include <fido.h>
#include <fido/config.h>
#include <stdlib.h>
*/
import "C"

import (
	"context"
	"sync"
	"time"
	"unsafe"
)

// handle is one open libfido2 device for one operation. We keep our own,
// beside go-libfido2's, because go-libfido2's Device.Cancel reads the open
// handle without the lock its open path writes it under (a data race), and
// it has no authenticatorConfig calls nor the newer getInfo fields.
type handle struct {
	mu   sync.Mutex
	dev  *C.fido_dev_t
	path string
}

func openHandle(path string) (*handle, error) {
	dev := C.fido_dev_new()
	if dev == nil {
		return nil, failure("open key", path, codeInternal)
	}
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	if rc := C.fido_dev_open(dev, cpath); rc != C.FIDO_OK {
		C.fido_dev_free(&dev)
		if err := checkPath(path); err != nil {
			return nil, err
		}
		return nil, failure("open key", path, int(rc))
	}
	return &handle{dev: dev, path: path}, nil
}

func (h *handle) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.dev != nil {
		C.fido_dev_close(h.dev)
		C.fido_dev_free(&h.dev)
		h.dev = nil
	}
}

// cancel sends CTAPHID_CANCEL; libfido2 allows it from another thread
// while an operation on the same handle is running.
func (h *handle) cancel() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.dev != nil {
		C.fido_dev_cancel(h.dev)
	}
}

// cancelRetry is how often a cancel is repeated: a CANCEL that reaches the
// key before it started the command is ignored by the key.
const cancelRetry = 200 * time.Millisecond

// run executes a blocking libfido2 call, cancelling it when ctx is done.
func (h *handle) run(ctx context.Context, op string, call func() C.int) error {
	if err := ctxError(ctx); err != nil {
		return err
	}
	done := make(chan struct{})
	stop := context.AfterFunc(ctx, func() { h.cancelUntil(done) })
	rc := call()
	close(done)
	stop()
	if rc == C.FIDO_OK {
		return nil
	}
	if err := ctxError(ctx); err != nil {
		return err
	}
	return failure(op, h.path, int(rc))
}

func (h *handle) cancelUntil(done <-chan struct{}) {
	t := time.NewTicker(cancelRetry)
	defer t.Stop()
	for {
		h.cancel()
		select {
		case <-done:
			return
		case <-t.C:
		}
	}
}

func cBytes(b []byte) (*C.uchar, C.size_t) {
	if len(b) == 0 {
		return nil, 0
	}
	return (*C.uchar)(unsafe.Pointer(&b[0])), C.size_t(len(b))
}

func goBytes(p *C.uchar, n C.size_t) []byte {
	if p == nil || n == 0 {
		return nil
	}
	return C.GoBytes(unsafe.Pointer(p), C.int(n))
}

// cString returns a C string (nil for "") and its free function.
func cString(s string) (*C.char, func()) {
	if s == "" {
		return nil, func() {}
	}
	p := C.CString(s)
	return p, func() { C.free(unsafe.Pointer(p)) }
}

func goStrings(p **C.char, n C.size_t) []string {
	out := make([]string, 0, int(n))
	for _, s := range unsafe.Slice(p, int(n)) {
		out = append(out, C.GoString(s))
	}
	return out
}

func readInfo(path string) (*Info, error) {
	h, err := openHandle(path)
	if err != nil {
		return nil, err
	}
	defer h.close()
	info := &Info{Path: path, PINRetries: -1, UVRetries: -1, RemainingResident: -1}
	if !C.fido_dev_is_fido2(h.dev) {
		return info, nil
	}
	ci := C.fido_cbor_info_new()
	defer C.fido_cbor_info_free(&ci)
	if rc := C.fido_dev_get_cbor_info(h.dev, ci); rc != C.FIDO_OK {
		return nil, failure("get info", path, int(rc))
	}
	fillInfo(info, ci)
	return info, h.retries(info)
}

func fillInfo(info *Info, ci *C.fido_cbor_info_t) {
	info.FIDO2 = true
	copy(info.AAGUID[:], goBytes(C.fido_cbor_info_aaguid_ptr(ci), C.fido_cbor_info_aaguid_len(ci)))
	info.Versions = goStrings(C.fido_cbor_info_versions_ptr(ci), C.fido_cbor_info_versions_len(ci))
	info.Extensions = goStrings(C.fido_cbor_info_extensions_ptr(ci), C.fido_cbor_info_extensions_len(ci))
	names := goStrings(C.fido_cbor_info_options_name_ptr(ci), C.fido_cbor_info_options_len(ci))
	values := unsafe.Slice(C.fido_cbor_info_options_value_ptr(ci), len(names))
	info.Options = make(map[string]bool, len(names))
	for i, n := range names {
		info.Options[n] = bool(values[i])
	}
	for _, p := range goBytes(C.fido_cbor_info_protocols_ptr(ci), C.fido_cbor_info_protocols_len(ci)) {
		info.PINProtocols = append(info.PINProtocols, int(p))
	}
	info.FirmwareVersion = uint64(C.fido_cbor_info_fwversion(ci))
	info.MaxMsgSize = uint64(C.fido_cbor_info_maxmsgsiz(ci))
	info.MinPINLength = int(C.fido_cbor_info_minpinlen(ci))
	info.ForcePINChange = bool(C.fido_cbor_info_new_pin_required(ci))
	info.RemainingResident = int64(C.fido_cbor_info_rk_remaining(ci))
}

// retries fills the PIN and UV retry counters the key has.
func (h *handle) retries(info *Info) error {
	var n C.int
	if info.PINSet() {
		if rc := C.fido_dev_get_retry_count(h.dev, &n); rc != C.FIDO_OK {
			return failure("get PIN retries", h.path, int(rc))
		}
		info.PINRetries = int(n)
	}
	if info.Supports("uv") {
		if rc := C.fido_dev_get_uv_retry_count(h.dev, &n); rc == C.FIDO_OK {
			info.UVRetries = int(n)
		}
	}
	return nil
}

// configure runs one authenticatorConfig subcommand (which go-libfido2
// lacks) with the PIN, if any.
func configure(path string, op configOp, minLength int, pin string) error {
	h, err := openHandle(path)
	if err != nil {
		return err
	}
	defer h.close()
	cpin, free := cString(pin)
	defer free()
	var rc C.int
	switch op {
	case configAlwaysUV:
		rc = C.fido_dev_toggle_always_uv(h.dev, cpin)
	case configMinPINLength:
		rc = C.fido_dev_set_pin_minlen(h.dev, C.size_t(minLength), cpin)
	case configForcePINChange:
		rc = C.fido_dev_force_pin_change(h.dev, cpin)
	}
	return failure(op.String(), path, int(rc))
}
