package softkey

import (
	"github.com/fxamacker/cbor/v2"
)

// libfido2 rejects any response that is not CTAP2 canonical CBOR (for
// getInfo it silently falls back to U2F), so every response goes through
// this encoder.
var encMode = mustEncMode()

var decMode = mustDecMode()

func mustEncMode() cbor.EncMode {
	m, err := cbor.CTAP2EncOptions().EncMode()
	if err != nil {
		panic(err)
	}
	return m
}

func mustDecMode() cbor.DecMode {
	m, err := cbor.DecOptions{DupMapKey: cbor.DupMapKeyEnforcedAPF}.DecMode()
	if err != nil {
		panic(err)
	}
	return m
}

func marshal(v any) []byte {
	b, err := encMode.Marshal(v)
	if err != nil {
		panic(err) // only our own response types are encoded
	}
	return b
}

func unmarshal(b []byte, v any) error {
	if err := decMode.Unmarshal(b, v); err != nil {
		return errInvalidCBOR
	}
	return nil
}

// coseKey is a COSE_Key for an EC2 P-256 public key, used both for
// credential keys (alg -7, ES256) and PIN key agreement (alg -25).
type coseKey struct {
	Kty int    `cbor:"1,keyasint"`
	Alg int    `cbor:"3,keyasint"`
	Crv int    `cbor:"-1,keyasint"`
	X   []byte `cbor:"-2,keyasint"`
	Y   []byte `cbor:"-3,keyasint"`
}

type rpEntity struct {
	ID   string `cbor:"id"`
	Name string `cbor:"name,omitempty"`
}

type userEntity struct {
	ID          []byte `cbor:"id"`
	Name        string `cbor:"name,omitempty"`
	DisplayName string `cbor:"displayName,omitempty"`
}

type credDescriptor struct {
	Type string `cbor:"type"`
	ID   []byte `cbor:"id"`
}

type credParam struct {
	Alg  int    `cbor:"alg"`
	Type string `cbor:"type"`
}
