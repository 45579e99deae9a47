package softkey

import (
	"bytes"

	"github.com/fxamacker/cbor/v2"
)

// authenticatorConfig subcommands (CTAP 2.1 §6.11).
const (
	cfgEnableEnterpriseAttestation = 0x01
	cfgToggleAlwaysUV              = 0x02
	cfgSetMinPINLength             = 0x03
)

type configRequest struct {
	Sub       uint            `cbor:"1,keyasint"`
	SubParams cbor.RawMessage `cbor:"2,keyasint,omitempty"`
	Protocol  uint            `cbor:"3,keyasint,omitempty"`
	Param     []byte          `cbor:"4,keyasint,omitempty"`
}

type minPINLengthParams struct {
	NewMin      uint     `cbor:"1,keyasint,omitempty"`
	RPIDs       []string `cbor:"2,keyasint,omitempty"`
	ForceChange bool     `cbor:"3,keyasint,omitempty"`
}

func (a *Authenticator) config(_ *call, params []byte) ([]byte, error) {
	var req configRequest
	if err := unmarshal(params, &req); err != nil {
		return nil, err
	}
	if err := a.authorizeConfig(&req); err != nil {
		return nil, err
	}
	switch req.Sub {
	case cfgToggleAlwaysUV:
		a.pin.alwaysUV = !a.pin.alwaysUV
		return nil, nil
	case cfgSetMinPINLength:
		if a.cfg.NoMinPINLength {
			return nil, errInvalidSubcommand
		}
		return nil, a.setMinPINLength(req.SubParams)
	case cfgEnableEnterpriseAttestation:
		return nil, errInvalidSubcommand
	}
	return nil, errInvalidSubcommand
}

// authorizeConfig checks the pinUvAuthParam over
// 32×0xff || 0x0d || subCommand || subCommandParams.
func (a *Authenticator) authorizeConfig(req *configRequest) error {
	if req.Param == nil {
		if a.pin.hash != nil || a.pin.alwaysUV {
			return errPUATRequired
		}
		return nil
	}
	msg := append(bytes.Repeat([]byte{0xff}, 32), cmdConfig, byte(req.Sub))
	msg = append(msg, req.SubParams...)
	return a.checkToken(req.Protocol, req.Param, msg, permConfig, "")
}

func (a *Authenticator) setMinPINLength(raw []byte) error {
	var p minPINLengthParams
	if len(raw) > 0 {
		if err := unmarshal(raw, &p); err != nil {
			return err
		}
	}
	newMin := int(p.NewMin)
	if newMin == 0 {
		newMin = a.pin.minLength
	}
	if newMin < a.pin.minLength || newMin > 63 {
		return errPINPolicyViolation
	}
	if p.ForceChange && a.pin.hash == nil {
		return errPINNotSet
	}
	a.pin.minLength = newMin
	if a.pin.hash != nil && (p.ForceChange || a.pin.codePoints < newMin) {
		a.pin.forceChange = true
	}
	return nil
}
