package softkey

import "bytes"

type makeCredRequest struct {
	ClientDataHash []byte           `cbor:"1,keyasint"`
	RP             *rpEntity        `cbor:"2,keyasint"`
	User           *userEntity      `cbor:"3,keyasint"`
	Params         []credParam      `cbor:"4,keyasint"`
	Exclude        []credDescriptor `cbor:"5,keyasint"`
	Extensions     map[string]any   `cbor:"6,keyasint"`
	Options        map[string]bool  `cbor:"7,keyasint"`
	Param          []byte           `cbor:"8,keyasint"`
	Protocol       uint             `cbor:"9,keyasint"`
}

type packedStatement struct {
	Alg int      `cbor:"alg"`
	Sig []byte   `cbor:"sig"`
	X5C [][]byte `cbor:"x5c,omitempty"` // absent in self attestation
}

type makeCredResponse struct {
	Fmt      string          `cbor:"1,keyasint"`
	AuthData []byte          `cbor:"2,keyasint"`
	AttStmt  packedStatement `cbor:"3,keyasint"`
}

func (a *Authenticator) makeCredential(c *call, params []byte) ([]byte, error) {
	var req makeCredRequest
	if err := unmarshal(params, &req); err != nil {
		return nil, err
	}
	if req.ClientDataHash == nil || req.RP == nil || req.User == nil || req.Params == nil {
		return nil, errMissingParameter
	}
	if !hasES256(req.Params) {
		return nil, errUnsupportedAlgorithm
	}
	rk := req.Options["rk"]
	if err := a.checkOptions(req.Options); err != nil {
		return nil, err
	}
	uv, err := a.verifyUser(c, req.Param, req.Protocol, req.ClientDataHash, permMakeCredential, req.RP.ID, rk)
	if err != nil {
		return nil, err
	}
	if err := a.checkExcluded(c, req.Exclude, req.RP.ID, uv); err != nil {
		return nil, err
	}
	if rk && a.residentCount() >= a.cfg.MaxResident && a.residentFor(req.RP.ID, req.User.ID) == nil {
		return nil, errKeyStoreFull
	}
	if err := a.userPresence(c, PresenceRequest{Command: "makeCredential", RPID: req.RP.ID}); err != nil {
		return nil, err
	}
	cred := newCredential(*req.RP, *req.User, rk, credProtectLevel(req.Extensions))
	a.store(cred)
	return a.attest(cred, req.ClientDataHash, uv, req.Extensions), nil
}

func hasES256(params []credParam) bool {
	for _, p := range params {
		if p.Alg == algES256 && p.Type == "public-key" {
			return true
		}
	}
	return false
}

// checkOptions rejects options this key cannot honour.
func (a *Authenticator) checkOptions(opts map[string]bool) error {
	if up, ok := opts["up"]; ok && !up {
		return errInvalidOption
	}
	if opts["uv"] && !a.cfg.Bio {
		return errInvalidOption
	}
	return nil
}

// verifyUser applies the pinUvAuthParam rules shared by makeCredential and
// getAssertion (CTAP 2.1 §6.1.2 steps 5–11) and reports whether the user
// was verified. needUV is true when the operation needs a PIN if one is set.
func (a *Authenticator) verifyUser(c *call, param []byte, protocol uint, cdh []byte, perm uint, rpID string, needUV bool) (bool, error) {
	if param != nil && len(param) == 0 {
		// libfido2 probes with an empty pinUvAuthParam to make the user
		// select a key; a real key waits for a touch, then refuses.
		if err := a.userPresence(c, PresenceRequest{Command: "selection", RPID: rpID}); err != nil {
			return false, err
		}
		if a.pin.hash == nil {
			return false, errPINNotSet
		}
		return false, errPINInvalid
	}
	if param != nil {
		if err := a.checkToken(protocol, param, cdh, perm, rpID); err != nil {
			return false, err
		}
		return true, nil
	}
	if a.pin.alwaysUV || (needUV && a.pin.hash != nil) {
		return false, errPUATRequired
	}
	return false, nil
}

func (a *Authenticator) checkExcluded(c *call, exclude []credDescriptor, rpID string, uv bool) error {
	for _, d := range exclude {
		cred := a.findCredential(d.ID, rpID)
		if cred == nil || (cred.credProtect == 3 && !uv) {
			continue
		}
		if err := a.userPresence(c, PresenceRequest{Command: "makeCredential", RPID: rpID}); err != nil {
			return err
		}
		return errCredentialExcluded
	}
	return nil
}

func credProtectLevel(ext map[string]any) int {
	if v, ok := ext["credProtect"].(uint64); ok && v >= 1 && v <= 3 {
		return int(v)
	}
	return 1
}

func (a *Authenticator) residentFor(rpID string, userID []byte) *credential {
	for _, c := range a.creds {
		if c.resident && c.rp.ID == rpID && bytes.Equal(c.user.ID, userID) {
			return c
		}
	}
	return nil
}

// store keeps a new credential; a resident one replaces the RP's credential
// for the same user ID.
func (a *Authenticator) store(cred *credential) {
	if cred.resident {
		if old := a.residentFor(cred.rp.ID, cred.user.ID); old != nil {
			a.deleteCredential(old.id)
		}
	}
	a.creds = append(a.creds, cred)
}

func (a *Authenticator) deleteCredential(id []byte) bool {
	for i, c := range a.creds {
		if bytes.Equal(c.id, id) {
			a.creds = append(a.creds[:i], a.creds[i+1:]...)
			return true
		}
	}
	return false
}

func (a *Authenticator) attest(cred *credential, cdh []byte, uv bool, ext map[string]any) []byte {
	flags := byte(flagUP)
	if uv {
		flags |= flagUV
	}
	var extOut []byte
	if _, ok := ext["credProtect"]; ok {
		extOut = marshal(map[string]int{"credProtect": cred.credProtect})
	}
	ad := cred.authData(flags, true, a.cfg.AAGUID, extOut)
	st := packedStatement{Alg: algES256}
	if a.cfg.SelfAttestation {
		st.Sig = sign(cred.key, ad, cdh)
	} else {
		st.Sig, st.X5C = sign(a.attKey, ad, cdh), [][]byte{a.attCert}
	}
	return marshal(makeCredResponse{Fmt: "packed", AuthData: ad, AttStmt: st})
}
