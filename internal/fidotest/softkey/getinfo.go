package softkey

type infoResponse struct {
	Versions     []string        `cbor:"1,keyasint"`
	Extensions   []string        `cbor:"2,keyasint,omitempty"`
	AAGUID       []byte          `cbor:"3,keyasint"`
	Options      map[string]bool `cbor:"4,keyasint"`
	MaxMsgSize   int             `cbor:"5,keyasint"`
	PINProtocols []int           `cbor:"6,keyasint"`
	MaxCredsList int             `cbor:"7,keyasint"`
	MaxCredIDLen int             `cbor:"8,keyasint"`
	Transports   []string        `cbor:"9,keyasint"`
	Algorithms   []credParam     `cbor:"10,keyasint"`
	ForcePIN     bool            `cbor:"12,keyasint"`
	MinPINLength int             `cbor:"13,keyasint"`
	Firmware     uint64          `cbor:"14,keyasint"`
	UVModality   int             `cbor:"18,keyasint,omitempty"`
	RemainingRKs int             `cbor:"20,keyasint"`
}

// maxMsgSize is the largest CTAPHID message the key accepts.
const maxMsgSize = 1200

// getInfo reports the key's versions, options and limits (CTAP 2.1 §6.4).
func (a *Authenticator) getInfo(*call, []byte) ([]byte, error) {
	r := infoResponse{
		Versions:     []string{"FIDO_2_0", "FIDO_2_1"},
		Extensions:   []string{"credProtect", "minPinLength"},
		AAGUID:       a.cfg.AAGUID[:],
		Options:      a.options(),
		MaxMsgSize:   maxMsgSize,
		PINProtocols: a.cfg.PINProtocols,
		MaxCredsList: 8,
		MaxCredIDLen: 128,
		Transports:   []string{"usb"},
		Algorithms:   []credParam{{Alg: algES256, Type: "public-key"}},
		ForcePIN:     a.pin.forceChange,
		MinPINLength: a.pin.minLength,
		Firmware:     a.cfg.FirmwareVersion,
		RemainingRKs: a.cfg.MaxResident - a.residentCount(),
	}
	if a.cfg.Bio {
		r.UVModality = 0x02 // USER_VERIFY_FINGERPRINT_INTERNAL
	}
	return marshal(r), nil
}

func (a *Authenticator) options() map[string]bool {
	o := map[string]bool{
		"rk":               true,
		"up":               true,
		"plat":             false,
		"clientPin":        a.pin.hash != nil,
		"authnrCfg":        true,
		"setMinPINLength":  true,
		"makeCredUvNotRqd": true,
		"pinUvAuthToken":   true,
		"alwaysUv":         a.pin.alwaysUV,
		"credMgmt":         true,
	}
	if a.cfg.NoMinPINLength {
		delete(o, "setMinPINLength")
	}
	// CTAP 2.1: present when supported, true once a finger is enrolled.
	if a.cfg.Bio {
		o["bioEnroll"] = len(a.bio.templates) > 0
		o["uv"] = len(a.bio.templates) > 0
	}
	return o
}

func (a *Authenticator) residentCount() int {
	n := 0
	for _, c := range a.creds {
		if c.resident {
			n++
		}
	}
	return n
}
