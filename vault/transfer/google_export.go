package transfer

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"fmt"

	"google.golang.org/protobuf/proto"

	"github.com/twofold-app/twofold/vault/otp"
	"github.com/twofold-app/twofold/vault/transfer/internal/gauthpb"
)

// Google Authenticator export. Like the app, a large export is split into
// a batch of several codes (batch_size, batch_index, a shared random
// batch_id), so each QR code stays small enough to scan from a screen.

// Batch limits: at most GoogleBatchAccounts accounts, and about
// GoogleBatchBytes bytes of URI, per code (a QR code of version 20, 97
// modules, or less at error correction M: easy to scan from a screen).
const (
	GoogleBatchAccounts = 10
	GoogleBatchBytes    = 640
)

// ExportGoogle returns the otpauth-migration URIs of src, split into a
// batch, and the accounts the format cannot carry (other periods than
// 30 s, digits other than 6 or 8, Steam), with the reason. Each URI is a
// new slice the caller wipes when done.
func ExportGoogle(src Source) ([][]byte, []Skipped, error) {
	var params []*gauthpb.MigrationPayload_OtpParameters
	var keys []*otp.Key
	defer func() {
		for _, k := range keys {
			k.Destroy()
		}
	}()
	var skipped []Skipped
	for i := range src.Len() {
		e := src.Entry(i)
		op, err := googleParams(e.Params)
		if err != nil {
			skipped = append(skipped, Skipped{Index: i, Name: e.Name(), Err: err})
			continue
		}
		k, err := src.Key(i)
		if err != nil {
			return nil, nil, fmt.Errorf("export %s: %w", e.Name(), err)
		}
		keys = append(keys, k)
		op.Secret = k.Secret.Bytes() // read by Marshal, not copied here
		params = append(params, op)
	}
	if len(params) == 0 {
		return nil, skipped, unsupported("no account can be exported to Google Authenticator")
	}
	uris, err := googleBatch(params)
	return uris, skipped, err
}

// CheckGoogle reports whether Google Authenticator can hold an account
// of parameters p (no secret needed): nil if it can, else why not, in
// words for the person exporting ("60 s period (Google Authenticator
// has 30 s)"). The error matches ErrUnsupported. ExportGoogle leaves out
// exactly the accounts it refuses, for the same reason.
func CheckGoogle(p otp.Params) error {
	_, err := googleParams(p)
	return err
}

// googleParams converts the parameters, or says why it cannot (an
// unsupported error: its text is shown as it is).
func googleParams(p otp.Params) (*gauthpb.MigrationPayload_OtpParameters, error) {
	op := &gauthpb.MigrationPayload_OtpParameters{Name: p.Account, Issuer: p.Issuer}
	if p.Steam {
		return nil, unsupported("Steam codes (Google Authenticator has no Steam type)")
	}
	switch p.Digits {
	case 6:
		op.Digits = gauthpb.MigrationPayload_DIGIT_COUNT_SIX
	case 8:
		op.Digits = gauthpb.MigrationPayload_DIGIT_COUNT_EIGHT
	default:
		return nil, unsupportedf("%d digits (Google Authenticator has 6 or 8)", p.Digits)
	}
	op.Algorithm = map[otp.Algorithm]gauthpb.MigrationPayload_Algorithm{
		otp.SHA1: gauthpb.MigrationPayload_ALGORITHM_SHA1, otp.SHA256: gauthpb.MigrationPayload_ALGORITHM_SHA256,
		otp.SHA512: gauthpb.MigrationPayload_ALGORITHM_SHA512}[p.Algorithm]
	if p.Type == otp.HOTP {
		op.Type, op.Counter = gauthpb.MigrationPayload_OTP_TYPE_HOTP, int64(p.Counter)
		if p.Counter > 1<<63-1 {
			return nil, unsupportedf("counter %d (Google Authenticator counts to %d)", p.Counter, uint64(1<<63-1))
		}
		return op, nil
	}
	if p.Period != otp.DefaultPeriod {
		return nil, unsupportedf("%d s period (Google Authenticator has 30 s)", p.Period)
	}
	op.Type = gauthpb.MigrationPayload_OTP_TYPE_TOTP
	return op, nil
}

// googleBatch packs the accounts greedily into codes.
func googleBatch(params []*gauthpb.MigrationPayload_OtpParameters) ([][]byte, error) {
	var groups [][]*gauthpb.MigrationPayload_OtpParameters
	var cur []*gauthpb.MigrationPayload_OtpParameters
	curSize := 0
	for _, op := range params {
		// Its share of the URI: the base64 of its bytes and field header,
		// with '+' and '/' (1 in 32) escaped to three characters.
		size := base64.StdEncoding.EncodedLen(proto.Size(op)+3) * 17 / 16
		if len(cur) > 0 && (len(cur) == GoogleBatchAccounts || curSize+size > GoogleBatchBytes) {
			groups, cur, curSize = append(groups, cur), nil, 0
		}
		cur, curSize = append(cur, op), curSize+size
	}
	groups = append(groups, cur)
	var idBytes [4]byte
	rand.Read(idBytes[:])
	id := int32(binary.BigEndian.Uint32(idBytes[:]) >> 1)
	uris := make([][]byte, 0, len(groups))
	for i, g := range groups {
		p := &gauthpb.MigrationPayload{OtpParameters: g, Version: 1, BatchSize: int32(len(groups)), BatchIndex: int32(i), BatchId: id}
		raw, err := proto.Marshal(p)
		if err != nil {
			return nil, err
		}
		uris = append(uris, migrationURIOf(raw))
		clear(raw)
	}
	return uris, nil
}

// migrationURIOf writes otpauth-migration://offline?data= and the
// percent-escaped base64 of raw into one slice of its final size.
func migrationURIOf(raw []byte) []byte {
	const prefix = "otpauth-migration://offline?data="
	b64 := make([]byte, base64.StdEncoding.EncodedLen(len(raw)))
	defer clear(b64)
	base64.StdEncoding.Encode(b64, raw)
	out := make([]byte, 0, len(prefix)+3*len(b64))
	out = append(out, prefix...)
	for _, c := range b64 {
		switch c {
		case '+', '/', '=':
			out = append(out, fmt.Sprintf("%%%02X", c)...)
		default:
			out = append(out, c)
		}
	}
	return out
}
