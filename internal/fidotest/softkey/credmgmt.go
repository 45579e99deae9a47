package softkey

import (
	"bytes"
	"crypto/sha256"

	"github.com/fxamacker/cbor/v2"
)

// authenticatorCredentialManagement subcommands (CTAP 2.1 §6.8).
const (
	cmGetCredsMetadata      = 0x01
	cmEnumerateRPsBegin     = 0x02
	cmEnumerateRPsNext      = 0x03
	cmEnumerateCredsBegin   = 0x04
	cmEnumerateCredsNext    = 0x05
	cmDeleteCredential      = 0x06
	cmUpdateUserInformation = 0x07
)

type credMgmtRequest struct {
	Sub       uint            `cbor:"1,keyasint"`
	SubParams cbor.RawMessage `cbor:"2,keyasint,omitempty"`
	Protocol  uint            `cbor:"3,keyasint,omitempty"`
	Param     []byte          `cbor:"4,keyasint,omitempty"`
}

type credMgmtParams struct {
	RPIDHash     []byte          `cbor:"1,keyasint,omitempty"`
	CredentialID *credDescriptor `cbor:"2,keyasint,omitempty"`
	User         *userEntity     `cbor:"3,keyasint,omitempty"`
}

type credMgmtResponse struct {
	Existing         *int            `cbor:"1,keyasint,omitempty"`
	Remaining        *int            `cbor:"2,keyasint,omitempty"`
	RP               *rpEntity       `cbor:"3,keyasint,omitempty"`
	RPIDHash         []byte          `cbor:"4,keyasint,omitempty"`
	TotalRPs         int             `cbor:"5,keyasint,omitempty"`
	User             *userEntity     `cbor:"6,keyasint,omitempty"`
	CredentialID     *credDescriptor `cbor:"7,keyasint,omitempty"`
	PublicKey        *coseKey        `cbor:"8,keyasint,omitempty"`
	TotalCredentials int             `cbor:"9,keyasint,omitempty"`
	CredProtect      int             `cbor:"10,keyasint,omitempty"`
}

// enumeration is what the GetNext subcommands hand out after an
// enumerateRPsBegin or enumerateCredentialsBegin; any other command ends it.
type enumeration struct {
	rps   []rpEntity
	creds []*credential
}

// credentialManagement lists, deletes and updates discoverable credentials.
// Every subcommand but the GetNext ones needs a pinUvAuthToken with the cm
// permission, MACed over subCommand || subCommandParams.
func (a *Authenticator) credentialManagement(_ *call, params []byte) ([]byte, error) {
	var req credMgmtRequest
	if err := unmarshal(params, &req); err != nil {
		return nil, err
	}
	enum := a.enum
	a.enum = nil
	switch req.Sub {
	case cmEnumerateRPsNext:
		return a.nextRP(enum)
	case cmEnumerateCredsNext:
		return a.nextCredential(enum)
	case cmGetCredsMetadata, cmEnumerateRPsBegin, cmEnumerateCredsBegin, cmDeleteCredential, cmUpdateUserInformation:
	default:
		return nil, errInvalidSubcommand
	}
	var p credMgmtParams
	if len(req.SubParams) > 0 {
		if err := unmarshal(req.SubParams, &p); err != nil {
			return nil, err
		}
	}
	if err := a.authorizeCredMgmt(&req); err != nil {
		return nil, err
	}
	switch req.Sub {
	case cmGetCredsMetadata:
		return a.credsMetadata()
	case cmEnumerateRPsBegin:
		return a.beginRPs()
	case cmEnumerateCredsBegin:
		return a.beginCredentials(p.RPIDHash)
	case cmDeleteCredential:
		return nil, a.deleteResident(p.CredentialID)
	default:
		return nil, a.updateUser(p.CredentialID, p.User)
	}
}

func (a *Authenticator) authorizeCredMgmt(req *credMgmtRequest) error {
	if req.Param == nil {
		return errPUATRequired
	}
	if req.Protocol == 0 {
		return errMissingParameter
	}
	msg := append([]byte{byte(req.Sub)}, req.SubParams...)
	return a.checkToken(req.Protocol, req.Param, msg, permCredMgmt, "")
}

// tokenAllowsRP reports whether the current token may act on rpIDHash: a
// token bound to an RP ID (libfido2 binds the one it lists credentials of)
// acts on that RP only, and on no whole-key subcommand (rpIDHash nil).
func (a *Authenticator) tokenAllowsRP(rpIDHash []byte) bool {
	if a.token.rpID == "" {
		return true
	}
	h := sha256.Sum256([]byte(a.token.rpID))
	return rpIDHash != nil && bytes.Equal(h[:], rpIDHash)
}

func (a *Authenticator) credsMetadata() ([]byte, error) {
	if !a.tokenAllowsRP(nil) {
		return nil, errPINAuthInvalid
	}
	existing := a.residentCount()
	remaining := a.cfg.MaxResident - existing
	return marshal(credMgmtResponse{Existing: &existing, Remaining: &remaining}), nil
}

// residentRPs lists the RPs with discoverable credentials, oldest first.
func (a *Authenticator) residentRPs() []rpEntity {
	var out []rpEntity
	seen := map[string]bool{}
	for _, c := range a.creds {
		if c.resident && !seen[c.rp.ID] {
			seen[c.rp.ID] = true
			out = append(out, c.rp)
		}
	}
	return out
}

func (a *Authenticator) beginRPs() ([]byte, error) {
	if !a.tokenAllowsRP(nil) {
		return nil, errPINAuthInvalid
	}
	e := &enumeration{rps: a.residentRPs()}
	if len(e.rps) == 0 {
		return nil, errNoCredentials
	}
	r := a.takeRP(e)
	r.TotalRPs = len(e.rps) + 1
	return marshal(r), nil
}

func (a *Authenticator) nextRP(e *enumeration) ([]byte, error) {
	if e == nil || len(e.rps) == 0 {
		return nil, errNotAllowed
	}
	return marshal(a.takeRP(e)), nil
}

// takeRP hands out the enumeration's next RP, keeping the enumeration
// going while RPs remain.
func (a *Authenticator) takeRP(e *enumeration) credMgmtResponse {
	rp := e.rps[0]
	e.rps = e.rps[1:]
	if len(e.rps) > 0 {
		a.enum = e
	}
	h := sha256.Sum256([]byte(rp.ID))
	return credMgmtResponse{RP: &rp, RPIDHash: h[:]}
}

func (a *Authenticator) beginCredentials(rpIDHash []byte) ([]byte, error) {
	if rpIDHash == nil {
		return nil, errMissingParameter
	}
	if !a.tokenAllowsRP(rpIDHash) {
		return nil, errPINAuthInvalid
	}
	e := &enumeration{}
	for _, c := range a.creds {
		if c.resident && bytes.Equal(c.rpIDHash[:], rpIDHash) {
			e.creds = append(e.creds, c)
		}
	}
	if len(e.creds) == 0 {
		return nil, errNoCredentials
	}
	r := a.takeCredential(e)
	r.TotalCredentials = len(e.creds) + 1
	return marshal(r), nil
}

func (a *Authenticator) nextCredential(e *enumeration) ([]byte, error) {
	if e == nil || len(e.creds) == 0 {
		return nil, errNotAllowed
	}
	return marshal(a.takeCredential(e)), nil
}

func (a *Authenticator) takeCredential(e *enumeration) credMgmtResponse {
	c := e.creds[0]
	e.creds = e.creds[1:]
	if len(e.creds) > 0 {
		a.enum = e
	}
	u := c.user
	return credMgmtResponse{
		User:         &u,
		CredentialID: &credDescriptor{Type: "public-key", ID: c.id},
		PublicKey:    c.cose(),
		CredProtect:  c.credProtect,
	}
}

// residentByID finds a discoverable credential the token may act on.
func (a *Authenticator) residentByID(d *credDescriptor) (*credential, error) {
	if d == nil {
		return nil, errMissingParameter
	}
	for _, c := range a.creds {
		if c.resident && bytes.Equal(c.id, d.ID) {
			if !a.tokenAllowsRP(c.rpIDHash[:]) {
				return nil, errPINAuthInvalid
			}
			return c, nil
		}
	}
	return nil, errNoCredentials
}

func (a *Authenticator) deleteResident(d *credDescriptor) error {
	c, err := a.residentByID(d)
	if err != nil {
		return err
	}
	a.deleteCredential(c.id)
	return nil
}

// updateUser replaces a credential's user name and display name; the user
// ID must stay the same (CTAP 2.1 §6.8.6).
func (a *Authenticator) updateUser(d *credDescriptor, u *userEntity) error {
	if u == nil {
		return errMissingParameter
	}
	c, err := a.residentByID(d)
	if err != nil {
		return err
	}
	if !bytes.Equal(c.user.ID, u.ID) {
		return errInvalidParameter
	}
	c.user.Name, c.user.DisplayName = u.Name, u.DisplayName
	return nil
}
