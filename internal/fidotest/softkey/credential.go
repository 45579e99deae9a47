package softkey

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/binary"
	"math/big"
	"time"
)

const algES256 = -7

// authenticator data flags (WebAuthn §6.1).
const (
	flagUP = 0x01
	flagUV = 0x04
	flagAT = 0x40
	flagED = 0x80
)

// credential is one key pair the authenticator made. Real keys wrap
// non-resident keys into the credential ID; this one simply remembers all.
type credential struct {
	id          []byte
	rp          rpEntity
	rpIDHash    [32]byte
	user        userEntity
	key         *ecdsa.PrivateKey
	resident    bool
	credProtect int
	signCount   uint32
}

func newCredential(rp rpEntity, user userEntity, resident bool, protect int) *credential {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	id := make([]byte, 48)
	rand.Read(id)
	return &credential{
		id: id, rp: rp, rpIDHash: sha256.Sum256([]byte(rp.ID)), user: user,
		key: key, resident: resident, credProtect: protect,
	}
}

// cose returns the credential's public key as a COSE_Key.
func (c *credential) cose() *coseKey {
	raw, err := c.key.PublicKey.ECDH()
	if err != nil {
		panic(err)
	}
	b := raw.Bytes()
	return &coseKey{Kty: 2, Alg: algES256, Crv: 1, X: b[1:33], Y: b[33:65]}
}

// authData builds authenticator data; attested adds the credential's
// attested credential data (makeCredential); ext, if non-nil, is the CBOR
// extension output map.
func (c *credential) authData(flags byte, attested bool, aaguid [16]byte, ext []byte) []byte {
	out := append([]byte{}, c.rpIDHash[:]...)
	if attested {
		flags |= flagAT
	}
	if ext != nil {
		flags |= flagED
	}
	out = append(out, flags)
	out = binary.BigEndian.AppendUint32(out, c.signCount)
	if attested {
		out = append(out, aaguid[:]...)
		out = binary.BigEndian.AppendUint16(out, uint16(len(c.id)))
		out = append(out, c.id...)
		out = append(out, marshal(c.cose())...)
	}
	return append(out, ext...)
}

// sign makes an ES256 signature over authData || clientDataHash.
func sign(key *ecdsa.PrivateKey, authData, clientDataHash []byte) []byte {
	h := sha256.Sum256(append(append([]byte{}, authData...), clientDataHash...))
	sig, err := ecdsa.SignASN1(rand.Reader, key, h[:])
	if err != nil {
		panic(err)
	}
	return sig
}

// oidAAGUID is id-fido-gen-ce-aaguid, carried by attestation certificates.
var oidAAGUID = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 45724, 1, 1, 4}

func attestationTemplate(aaguid [16]byte) *x509.Certificate {
	ext, _ := asn1.Marshal(aaguid[:])
	return &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject: pkix.Name{
			Country:            []string{"ZZ"},
			Organization:       []string{"Twofold test rig"},
			OrganizationalUnit: []string{"Authenticator Attestation"},
			CommonName:         "Twofold software authenticator",
		},
		NotBefore:             time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:              time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC),
		BasicConstraintsValid: true,
		ExtraExtensions:       []pkix.Extension{{Id: oidAAGUID, Value: ext}},
	}
}

// AttestationCertificate returns the DER certificate of the key's batch
// attestation key, for tests that check a packed attestation.
func (a *Authenticator) AttestationCertificate() []byte {
	return append([]byte{}, a.attCert...)
}

func (a *Authenticator) findCredential(id []byte, rpID string) *credential {
	for _, c := range a.creds {
		if string(c.id) == string(id) && c.rp.ID == rpID {
			return c
		}
	}
	return nil
}
