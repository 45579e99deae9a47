package softkey

import (
	"context"
	"encoding/binary"
	"sync"

	"github.com/fxamacker/cbor/v2"
)

const (
	// bioSamples is how many good samples an enrolment takes.
	bioSamples = 4
	// maxTemplates is how many fingerprints the key holds.
	maxTemplates = 5
	// maxFriendlyName is the longest template name, in bytes.
	maxFriendlyName = 32
	// maxUVRetries is how many failed matches block built-in UV.
	maxUVRetries = 8
)

// authenticatorBioEnrollment subcommands (CTAP 2.1 §6.7).
const (
	bioEnrollBegin       = 0x01
	bioEnrollNextSample  = 0x02
	bioCancelEnrollment  = 0x03
	bioEnumerate         = 0x04
	bioSetFriendlyName   = 0x05
	bioRemoveEnrollment  = 0x06
	bioGetSensorInfo     = 0x07
	modalityFingerprint  = 0x01
	fingerprintKindTouch = 0x01
)

// Sample is what the sensor made of one finger on it: CTAP 2.1's
// lastEnrollSampleStatus values.
type Sample byte

// Sample outcomes a test can script.
const (
	SampleGood           Sample = 0x00
	SampleTooHigh        Sample = 0x01
	SampleTooLow         Sample = 0x02
	SampleTooLeft        Sample = 0x03
	SampleTooRight       Sample = 0x04
	SampleTooFast        Sample = 0x05
	SampleTooSlow        Sample = 0x06
	SamplePoorQuality    Sample = 0x07
	SampleTooSkewed      Sample = 0x08
	SampleTooShort       Sample = 0x09
	SampleMergeFailure   Sample = 0x0a
	SampleExists         Sample = 0x0b
	SampleNoUserActivity Sample = 0x0d
)

// FingerRequest says why the sensor wants a finger.
type FingerRequest struct {
	// Command is "enroll" for an enrolment sample, "verify" for a match
	// (getPinUvAuthTokenUsingUvWithPermissions).
	Command string
	// Remaining is the good samples the enrolment still needs.
	Remaining int
}

// Finger decides one capture. For an enrolment the Sample is the sample's
// quality; for a verification SampleGood is an enrolled finger and anything
// else a finger the key does not know. Errors are as for Presence:
// ErrTimeout, or ctx.Err() once the platform cancels.
type Finger func(ctx context.Context, req FingerRequest) (Sample, error)

// AlwaysGood is a finger that gives good samples and always matches.
func AlwaysGood(context.Context, FingerRequest) (Sample, error) { return SampleGood, nil }

// Fingers is a scripted finger: it answers with samples in order, then
// SampleGood, and records what it was asked.
type Fingers struct {
	mu       sync.Mutex
	script   []Sample
	requests []FingerRequest
}

// NewFingers returns a finger that answers samples in order, then SampleGood.
func NewFingers(samples ...Sample) *Fingers { return &Fingers{script: samples} }

// Finger implements the Finger function type.
func (f *Fingers) Finger(_ context.Context, req FingerRequest) (Sample, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, req)
	if len(f.script) == 0 {
		return SampleGood, nil
	}
	s := f.script[0]
	f.script = f.script[1:]
	return s, nil
}

// Requests returns the captures asked for so far.
func (f *Fingers) Requests() []FingerRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]FingerRequest{}, f.requests...)
}

type bioState struct {
	templates []bioTemplate
	uvRetries int
	enrolling *enrollment
	lastID    uint16
}

type bioTemplate struct {
	id   []byte
	name string
}

// enrollment is the fingerprint being enrolled, between samples.
type enrollment struct {
	id        []byte
	remaining int
}

type bioRequest struct {
	Modality    uint            `cbor:"1,keyasint,omitempty"`
	Sub         uint            `cbor:"2,keyasint,omitempty"`
	SubParams   cbor.RawMessage `cbor:"3,keyasint,omitempty"`
	Protocol    uint            `cbor:"4,keyasint,omitempty"`
	Param       []byte          `cbor:"5,keyasint,omitempty"`
	GetModality bool            `cbor:"6,keyasint,omitempty"`
}

type bioParams struct {
	TemplateID []byte `cbor:"1,keyasint,omitempty"`
	Name       string `cbor:"2,keyasint,omitempty"`
	TimeoutMS  uint64 `cbor:"3,keyasint,omitempty"`
}

type bioResponse struct {
	Modality   int            `cbor:"1,keyasint,omitempty"`
	Kind       int            `cbor:"2,keyasint,omitempty"`
	MaxSamples int            `cbor:"3,keyasint,omitempty"`
	TemplateID []byte         `cbor:"4,keyasint,omitempty"`
	LastStatus *int           `cbor:"5,keyasint,omitempty"`
	Remaining  *int           `cbor:"6,keyasint,omitempty"`
	Templates  []templateInfo `cbor:"7,keyasint,omitempty"`
	MaxNameLen int            `cbor:"8,keyasint,omitempty"`
}

type templateInfo struct {
	ID   []byte `cbor:"1,keyasint"`
	Name string `cbor:"2,keyasint,omitempty"`
}

// bioEnrollment manages fingerprints. Only getModality, sensor info and
// cancel go without a pinUvAuthToken with the be permission, MACed over
// modality || subCommand || subCommandParams.
func (a *Authenticator) bioEnrollment(c *call, params []byte) ([]byte, error) {
	var req bioRequest
	if err := unmarshal(params, &req); err != nil {
		return nil, err
	}
	if req.GetModality {
		return marshal(bioResponse{Modality: modalityFingerprint}), nil
	}
	if req.Modality != modalityFingerprint {
		return nil, errInvalidParameter
	}
	ongoing := a.bio.enrolling
	a.bio.enrolling = nil // only a next sample continues an enrolment
	switch req.Sub {
	case bioGetSensorInfo:
		return marshal(bioResponse{Kind: fingerprintKindTouch, MaxSamples: bioSamples, MaxNameLen: maxFriendlyName}), nil
	case bioCancelEnrollment:
		return nil, nil
	case bioEnrollBegin, bioEnrollNextSample, bioEnumerate, bioSetFriendlyName, bioRemoveEnrollment:
	default:
		return nil, errInvalidSubcommand
	}
	var p bioParams
	if len(req.SubParams) > 0 {
		if err := unmarshal(req.SubParams, &p); err != nil {
			return nil, err
		}
	}
	if err := a.authorizeBio(&req); err != nil {
		return nil, err
	}
	return a.bioSubcommand(c, req.Sub, &p, ongoing)
}

func (a *Authenticator) bioSubcommand(c *call, sub uint, p *bioParams, ongoing *enrollment) ([]byte, error) {
	switch sub {
	case bioEnrollBegin:
		return a.enrollBegin(c)
	case bioEnrollNextSample:
		return a.enrollNext(c, ongoing, p.TemplateID)
	case bioEnumerate:
		return a.enumerateTemplates()
	case bioSetFriendlyName:
		return nil, a.renameTemplate(p.TemplateID, p.Name)
	default:
		return nil, a.removeTemplate(p.TemplateID)
	}
}

func (a *Authenticator) authorizeBio(req *bioRequest) error {
	if req.Param == nil {
		return errPUATRequired
	}
	if req.Protocol == 0 {
		return errMissingParameter
	}
	msg := append([]byte{byte(req.Modality), byte(req.Sub)}, req.SubParams...)
	return a.checkToken(req.Protocol, req.Param, msg, permBioEnroll, "")
}

func (a *Authenticator) enrollBegin(c *call) ([]byte, error) {
	if len(a.bio.templates) >= maxTemplates {
		return nil, errFPDatabaseFull
	}
	a.bio.lastID++
	e := &enrollment{id: binary.BigEndian.AppendUint16(nil, a.bio.lastID), remaining: bioSamples}
	return a.capture(c, e, true)
}

func (a *Authenticator) enrollNext(c *call, e *enrollment, id []byte) ([]byte, error) {
	switch {
	case e == nil:
		return nil, errNotAllowed
	case string(id) != string(e.id):
		return nil, errInvalidParameter
	}
	return a.capture(c, e, false)
}

// capture takes one enrolment sample. A good one counts; the last good one
// stores the template. A timeout or cancel abandons the enrolment.
func (a *Authenticator) capture(c *call, e *enrollment, first bool) ([]byte, error) {
	s, err := a.finger(c, FingerRequest{Command: "enroll", Remaining: e.remaining})
	if err != nil {
		return nil, err
	}
	if s == SampleGood {
		e.remaining--
	}
	if e.remaining == 0 {
		a.bio.templates = append(a.bio.templates, bioTemplate{id: e.id})
	} else {
		a.bio.enrolling = e
	}
	status, remaining := int(s), e.remaining
	r := bioResponse{LastStatus: &status, Remaining: &remaining}
	if first {
		r.TemplateID = e.id
	}
	return marshal(r), nil
}

// finger asks the configured Finger for a capture while sending keepalives.
func (a *Authenticator) finger(c *call, req FingerRequest) (Sample, error) {
	var s Sample
	err := a.waitForUser(c, func(ctx context.Context) error {
		var err error
		s, err = a.cfg.Finger(ctx, req)
		return err
	})
	return s, presenceStatus(c.ctx, err)
}

// enumerateTemplates lists the fingerprints; with none the key answers
// CTAP2_ERR_INVALID_OPTION, as CTAP 2.1 §6.7.5 says.
func (a *Authenticator) enumerateTemplates() ([]byte, error) {
	if len(a.bio.templates) == 0 {
		return nil, errInvalidOption
	}
	r := bioResponse{}
	for _, t := range a.bio.templates {
		r.Templates = append(r.Templates, templateInfo{ID: t.id, Name: t.name})
	}
	return marshal(r), nil
}

func (a *Authenticator) template(id []byte) (*bioTemplate, error) {
	if id == nil {
		return nil, errMissingParameter
	}
	for i := range a.bio.templates {
		if string(a.bio.templates[i].id) == string(id) {
			return &a.bio.templates[i], nil
		}
	}
	return nil, errInvalidOption
}

func (a *Authenticator) renameTemplate(id []byte, name string) error {
	t, err := a.template(id)
	if err != nil {
		return err
	}
	if name == "" {
		return errMissingParameter
	}
	if len(name) > maxFriendlyName {
		return errInvalidParameter
	}
	t.name = name
	return nil
}

func (a *Authenticator) removeTemplate(id []byte) error {
	if _, err := a.template(id); err != nil {
		return err
	}
	for i, t := range a.bio.templates {
		if string(t.id) == string(id) {
			a.bio.templates = append(a.bio.templates[:i], a.bio.templates[i+1:]...)
			break
		}
	}
	return nil
}

func (a *Authenticator) uvRetries() ([]byte, error) {
	if !a.cfg.Bio {
		return nil, errInvalidSubcommand
	}
	n := a.bio.uvRetries
	return marshal(clientPINResponse{UVRetries: &n}), nil
}

// uvToken is getPinUvAuthTokenUsingUvWithPermissions: a finger the key
// knows instead of the PIN. Failed matches count down the UV retries.
func (a *Authenticator) uvToken(c *call, p pinProtocol, req *clientPINRequest) ([]byte, error) {
	if !a.cfg.Bio {
		return nil, errInvalidSubcommand
	}
	if req.KeyAgreement == nil {
		return nil, errMissingParameter
	}
	if err := a.checkPermissions(req.Permissions); err != nil {
		return nil, err
	}
	switch {
	case len(a.bio.templates) == 0:
		return nil, errNotAllowed
	case a.bio.uvRetries == 0:
		return nil, errUVBlocked
	}
	ss, err := a.decapsulate(p, req.KeyAgreement)
	if err != nil {
		return nil, err
	}
	s, err := a.finger(c, FingerRequest{Command: "verify"})
	if err != nil {
		return nil, err
	}
	if s != SampleGood {
		if a.bio.uvRetries--; a.bio.uvRetries == 0 {
			return nil, errUVBlocked
		}
		return nil, errUVInvalid
	}
	a.bio.uvRetries = maxUVRetries
	return a.issueToken(p, ss, req)
}
