//go:build cgo

package fido

/*
#include <fido.h>
#include <fido/credman.h>
#include <stdlib.h>
*/
import "C"

import "context"

// libfido2 1.12 sends credential management as the 2.1-PRE command (0x41),
// which CTAP 2.1 keys accept as well, and gets a fresh pinUvAuthToken with
// the PIN for every call: listing n sites costs n+2 PIN verifications, each
// of which resets the retry counter when the PIN is right.

func listPasskeys(ctx context.Context, path, pin string) (*PasskeyList, error) {
	h, err := openHandle(path)
	if err != nil {
		return nil, err
	}
	defer h.close()
	cpin, free := cString(pin)
	defer free()
	list := &PasskeyList{}
	if list.Count, list.Remaining, err = h.credMetadata(cpin); err != nil {
		return nil, err
	}
	if list.RelyingParties, err = h.relyingParties(cpin); err != nil {
		return nil, err
	}
	for i := range list.RelyingParties {
		if err := ctxError(ctx); err != nil {
			return nil, err
		}
		rp := &list.RelyingParties[i]
		if rp.Passkeys, err = h.residentCredentials(rp.ID, cpin); err != nil {
			return nil, err
		}
	}
	return list, nil
}

func (h *handle) credMetadata(cpin *C.char) (count, remaining int, err error) {
	m := C.fido_credman_metadata_new()
	defer C.fido_credman_metadata_free(&m)
	if rc := C.fido_credman_get_dev_metadata(h.dev, m, cpin); rc != C.FIDO_OK {
		return 0, 0, failure("read passkey count", h.path, int(rc))
	}
	return int(C.fido_credman_rk_existing(m)), int(C.fido_credman_rk_remaining(m)), nil
}

func (h *handle) relyingParties(cpin *C.char) ([]RelyingParty, error) {
	rps := C.fido_credman_rp_new()
	defer C.fido_credman_rp_free(&rps)
	rc := C.fido_credman_get_dev_rp(h.dev, rps, cpin)
	if err := failure("list sites", h.path, int(rc)); err != nil {
		return nil, noneFound(err)
	}
	// Absent names come back NULL, which C.GoString makes "".
	n := C.fido_credman_rp_count(rps)
	out := make([]RelyingParty, 0, int(n))
	for i := C.size_t(0); i < n; i++ {
		out = append(out, RelyingParty{
			ID:   C.GoString(C.fido_credman_rp_id(rps, i)),
			Name: C.GoString(C.fido_credman_rp_name(rps, i)),
		})
	}
	return out, nil
}

func (h *handle) residentCredentials(rpID string, cpin *C.char) ([]Passkey, error) {
	crp, free := cString(rpID)
	defer free()
	rk := C.fido_credman_rk_new()
	defer C.fido_credman_rk_free(&rk)
	rc := C.fido_credman_get_dev_rk(h.dev, crp, rk, cpin)
	if err := failure("list passkeys of "+rpID, h.path, int(rc)); err != nil {
		return nil, noneFound(err)
	}
	n := C.fido_credman_rk_count(rk)
	out := make([]Passkey, 0, int(n))
	for i := C.size_t(0); i < n; i++ {
		cred := C.fido_credman_rk(rk, i)
		out = append(out, Passkey{
			RPID:        rpID,
			ID:          goBytes(C.fido_cred_id_ptr(cred), C.fido_cred_id_len(cred)),
			UserID:      goBytes(C.fido_cred_user_id_ptr(cred), C.fido_cred_user_id_len(cred)),
			UserName:    C.GoString(C.fido_cred_user_name(cred)),
			DisplayName: C.GoString(C.fido_cred_display_name(cred)),
			Protection:  int(C.fido_cred_prot(cred)),
		})
	}
	return out, nil
}

func deletePasskey(path string, id []byte, pin string) error {
	h, err := openHandle(path)
	if err != nil {
		return err
	}
	defer h.close()
	cpin, free := cString(pin)
	defer free()
	p, n := cBytes(id)
	rc := C.fido_credman_del_dev_rk(h.dev, p, n, cpin)
	return failure("delete passkey", path, int(rc))
}
