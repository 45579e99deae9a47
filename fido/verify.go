package fido

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/x509"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/fxamacker/cbor/v2"
)

// authData is parsed WebAuthn authenticator data (WebAuthn §6.1).
type authData struct {
	RPIDHash  []byte
	Flags     byte
	SignCount uint32
	AAGUID    AAGUID
	CredID    []byte
	PubKey    *ecdsa.PublicKey // nil unless attested credential data is present
}

const (
	flagUserPresent  = 0x01
	flagUserVerified = 0x04
	flagAttested     = 0x40
)

var errAuthData = errors.New("malformed authenticator data")

func parseAuthData(b []byte) (*authData, error) {
	if len(b) < 37 {
		return nil, errAuthData
	}
	ad := &authData{RPIDHash: b[:32], Flags: b[32], SignCount: binary.BigEndian.Uint32(b[33:37])}
	if ad.Flags&flagAttested == 0 {
		return ad, nil
	}
	rest := b[37:]
	if len(rest) < 18 {
		return nil, errAuthData
	}
	copy(ad.AAGUID[:], rest[:16])
	n := int(binary.BigEndian.Uint16(rest[16:18]))
	if len(rest) < 18+n {
		return nil, errAuthData
	}
	ad.CredID = rest[18 : 18+n]
	var key struct {
		Kty int    `cbor:"1,keyasint"`
		Alg int    `cbor:"3,keyasint"`
		Crv int    `cbor:"-1,keyasint"`
		X   []byte `cbor:"-2,keyasint"`
		Y   []byte `cbor:"-3,keyasint"`
	}
	// The COSE key may be followed by extension outputs: decode only it.
	if _, err := cbor.UnmarshalFirst(rest[18+n:], &key); err != nil {
		return nil, fmt.Errorf("%w: credential key: %v", errAuthData, err)
	}
	if key.Kty != 2 || key.Alg != -7 || key.Crv != 1 {
		return nil, fmt.Errorf("%w: credential key is not ES256", ErrUnsupported)
	}
	pub, err := ecPublicKey(key.X, key.Y)
	if err != nil {
		return nil, err
	}
	ad.PubKey = pub
	return ad, nil
}

// ecPublicKey builds a P-256 key from coordinates, checking it is on the
// curve.
func ecPublicKey(x, y []byte) (*ecdsa.PublicKey, error) {
	if len(x) != 32 || len(y) != 32 {
		return nil, errAuthData
	}
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), append(append([]byte{4}, x...), y...))
	if err != nil {
		return nil, fmt.Errorf("%w: credential key: %v", errAuthData, err)
	}
	return pub, nil
}

// verifyES256 checks an ASN.1 ECDSA signature over authData || cdh.
func verifyES256(pub *ecdsa.PublicKey, authData, cdh, sig []byte) bool {
	h := sha256.Sum256(append(append([]byte{}, authData...), cdh...))
	return ecdsa.VerifyASN1(pub, h[:], sig)
}

// verifyPacked checks a packed attestation: with a certificate (full
// attestation) or, without one, signed by the credential key itself.
func verifyPacked(authData, cdh, sig, x5c []byte, credKey *ecdsa.PublicKey) (string, error) {
	if len(x5c) == 0 {
		if !verifyES256(credKey, authData, cdh, sig) {
			return "", fmt.Errorf("self attestation: %w", ErrVerification)
		}
		return "self attestation", nil
	}
	cert, err := x509.ParseCertificate(x5c)
	if err != nil {
		return "", fmt.Errorf("attestation certificate: %w: %v", ErrVerification, err)
	}
	pub, ok := cert.PublicKey.(*ecdsa.PublicKey)
	if !ok || !verifyES256(pub, authData, cdh, sig) {
		return "", fmt.Errorf("attestation signature: %w", ErrVerification)
	}
	return "signed by " + cert.Subject.String(), nil
}

// checkRPID reports whether authenticator data belongs to rpID.
func checkRPID(ad *authData, rpID string) error {
	h := sha256.Sum256([]byte(rpID))
	if !bytes.Equal(ad.RPIDHash, h[:]) {
		return fmt.Errorf("relying party hash mismatch: %w", ErrVerification)
	}
	return nil
}
