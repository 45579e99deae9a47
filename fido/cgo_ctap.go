//go:build cgo

package fido

/*
#include <fido.h>
#include <stdlib.h>
*/
import "C"

import (
	"context"
	"fmt"
)

func fidoOpt(set, value bool) C.fido_opt_t {
	switch {
	case !set:
		return C.FIDO_OPT_OMIT
	case value:
		return C.FIDO_OPT_TRUE
	}
	return C.FIDO_OPT_FALSE
}

func makeCredential(ctx context.Context, path string, r *credRequest) (*credResult, error) {
	h, err := openHandle(path)
	if err != nil {
		return nil, err
	}
	defer h.close()
	cred := C.fido_cred_new()
	defer C.fido_cred_free(&cred)
	if err := setCred(cred, r); err != nil {
		return nil, err
	}
	cpin, free := cString(r.PIN)
	defer free()
	if err := h.run(ctx, "register credential", func() C.int { return C.fido_dev_make_cred(h.dev, cred, cpin) }); err != nil {
		return nil, err
	}
	return &credResult{
		Format:   C.GoString(C.fido_cred_fmt(cred)),
		AuthData: goBytes(C.fido_cred_authdata_raw_ptr(cred), C.fido_cred_authdata_raw_len(cred)),
		ID:       goBytes(C.fido_cred_id_ptr(cred), C.fido_cred_id_len(cred)),
		PubKey:   goBytes(C.fido_cred_pubkey_ptr(cred), C.fido_cred_pubkey_len(cred)),
		Sig:      goBytes(C.fido_cred_sig_ptr(cred), C.fido_cred_sig_len(cred)),
		X5C:      goBytes(C.fido_cred_x5c_ptr(cred), C.fido_cred_x5c_len(cred)),
	}, nil
}

func setCred(cred *C.fido_cred_t, r *credRequest) error {
	rpID, f1 := cString(r.RPID)
	defer f1()
	rpName, f2 := cString(r.RPName)
	defer f2()
	name, f3 := cString(r.UserName)
	defer f3()
	display, f4 := cString(r.DisplayName)
	defer f4()
	cdh, cdhLen := cBytes(r.ClientDataHash)
	uid, uidLen := cBytes(r.UserID)
	for _, rc := range []C.int{
		C.fido_cred_set_type(cred, C.COSE_ES256),
		C.fido_cred_set_clientdata_hash(cred, cdh, cdhLen),
		C.fido_cred_set_rp(cred, rpID, rpName),
		C.fido_cred_set_user(cred, uid, uidLen, name, display, nil),
		C.fido_cred_set_rk(cred, fidoOpt(r.Resident, true)),
		C.fido_cred_set_uv(cred, fidoOpt(r.UV, true)),
	} {
		if rc != C.FIDO_OK {
			return fmt.Errorf("prepare credential: %w", codeError(int(rc)))
		}
	}
	return nil
}

func getAssertion(ctx context.Context, path string, r *assertRequest) (*assertResult, error) {
	h, err := openHandle(path)
	if err != nil {
		return nil, err
	}
	defer h.close()
	as := C.fido_assert_new()
	defer C.fido_assert_free(&as)
	if err := setAssert(as, r); err != nil {
		return nil, err
	}
	cpin, free := cString(r.PIN)
	defer free()
	if err := h.run(ctx, "sign", func() C.int { return C.fido_dev_get_assert(h.dev, as, cpin) }); err != nil {
		return nil, err
	}
	if C.fido_assert_count(as) < 1 {
		return nil, fmt.Errorf("sign: %w", ErrNoCredentials)
	}
	return &assertResult{
		AuthDataCBOR: goBytes(C.fido_assert_authdata_ptr(as, 0), C.fido_assert_authdata_len(as, 0)),
		Sig:          goBytes(C.fido_assert_sig_ptr(as, 0), C.fido_assert_sig_len(as, 0)),
		CredentialID: goBytes(C.fido_assert_id_ptr(as, 0), C.fido_assert_id_len(as, 0)),
	}, nil
}

func setAssert(as *C.fido_assert_t, r *assertRequest) error {
	rpID, free := cString(r.RPID)
	defer free()
	cdh, cdhLen := cBytes(r.ClientDataHash)
	rcs := []C.int{
		C.fido_assert_set_rp(as, rpID),
		C.fido_assert_set_clientdata_hash(as, cdh, cdhLen),
		C.fido_assert_set_uv(as, fidoOpt(r.UV, true)),
	}
	for _, id := range r.AllowList {
		p, n := cBytes(id)
		rcs = append(rcs, C.fido_assert_allow_cred(as, p, n))
	}
	for _, rc := range rcs {
		if rc != C.FIDO_OK {
			return fmt.Errorf("prepare assertion: %w", codeError(int(rc)))
		}
	}
	return nil
}

// resetKey sends authenticatorReset, which the key confirms with a touch.
func resetKey(ctx context.Context, path string) error {
	h, err := openHandle(path)
	if err != nil {
		return err
	}
	defer h.close()
	return h.run(ctx, "send the reset", func() C.int { return C.fido_dev_reset(h.dev) })
}
