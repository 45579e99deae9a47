package softkey

type getAssertionRequest struct {
	RPID           string           `cbor:"1,keyasint"`
	ClientDataHash []byte           `cbor:"2,keyasint"`
	Allow          []credDescriptor `cbor:"3,keyasint"`
	Extensions     map[string]any   `cbor:"4,keyasint"`
	Options        map[string]bool  `cbor:"5,keyasint"`
	Param          []byte           `cbor:"6,keyasint"`
	Protocol       uint             `cbor:"7,keyasint"`
}

type getAssertionResponse struct {
	Credential credDescriptor `cbor:"1,keyasint"`
	AuthData   []byte         `cbor:"2,keyasint"`
	Signature  []byte         `cbor:"3,keyasint"`
	User       *userEntity    `cbor:"4,keyasint,omitempty"`
	Count      int            `cbor:"5,keyasint,omitempty"`
}

// pendingAssertions is what getNextAssertion hands out after getAssertion
// found several discoverable credentials.
type pendingAssertions struct {
	creds []*credential
	cdh   []byte
	flags byte
}

func (a *Authenticator) getAssertion(c *call, params []byte) ([]byte, error) {
	var req getAssertionRequest
	if err := unmarshal(params, &req); err != nil {
		return nil, err
	}
	if req.RPID == "" || req.ClientDataHash == nil {
		return nil, errMissingParameter
	}
	if _, ok := req.Options["rk"]; ok {
		return nil, errUnsupportedOption
	}
	if req.Options["uv"] && !a.cfg.Bio {
		return nil, errInvalidOption
	}
	uv, err := a.verifyUser(c, req.Param, req.Protocol, req.ClientDataHash, permGetAssertion, req.RPID, false)
	if err != nil {
		return nil, err
	}
	creds := a.locate(req.RPID, req.Allow, uv)
	if len(creds) == 0 {
		return nil, errNoCredentials
	}
	flags := byte(0)
	if up, ok := req.Options["up"]; !ok || up {
		if err := a.userPresence(c, PresenceRequest{Command: "getAssertion", RPID: req.RPID}); err != nil {
			return nil, err
		}
		flags |= flagUP
	}
	if uv {
		flags |= flagUV
	}
	p := &pendingAssertions{creds: creds, cdh: req.ClientDataHash, flags: flags}
	resp := a.assert(p, req.Allow == nil)
	if len(p.creds) > 0 {
		a.next = p
	}
	return resp, nil
}

// locate finds the credentials a getAssertion may use, newest first.
func (a *Authenticator) locate(rpID string, allow []credDescriptor, uv bool) []*credential {
	var out []*credential
	if allow != nil {
		for _, d := range allow {
			if c := a.findCredential(d.ID, rpID); c != nil && (c.credProtect < 3 || uv) {
				out = append(out, c)
			}
		}
		return out
	}
	for i := len(a.creds) - 1; i >= 0; i-- {
		c := a.creds[i]
		if c.resident && c.rp.ID == rpID && (c.credProtect < 2 || uv) {
			out = append(out, c)
		}
	}
	return out
}

// assert signs with the first pending credential and removes it.
func (a *Authenticator) assert(p *pendingAssertions, discoverable bool) []byte {
	cred := p.creds[0]
	total := len(p.creds)
	p.creds = p.creds[1:]
	cred.signCount++
	ad := cred.authData(p.flags, false, a.cfg.AAGUID, nil)
	r := getAssertionResponse{
		Credential: credDescriptor{Type: "public-key", ID: cred.id},
		AuthData:   ad,
		Signature:  sign(cred.key, ad, p.cdh),
	}
	if cred.resident {
		u := userEntity{ID: cred.user.ID}
		if p.flags&flagUV != 0 {
			u.Name, u.DisplayName = cred.user.Name, cred.user.DisplayName
		}
		r.User = &u
	}
	if discoverable && total > 1 {
		r.Count = total
	}
	return marshal(r)
}

func (a *Authenticator) getNextAssertion(*call, []byte) ([]byte, error) {
	p := a.next
	if p == nil || len(p.creds) == 0 {
		return nil, errNotAllowed
	}
	resp := a.assert(p, false)
	if len(p.creds) == 0 {
		a.next = nil
	}
	return resp, nil
}
