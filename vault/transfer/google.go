package transfer

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/twofold-app/twofold/vault/otp"
	"github.com/twofold-app/twofold/vault/transfer/internal/gauthpb"
)

// Google Authenticator's "Transfer accounts" QR codes hold
// otpauth-migration://offline?data=BASE64, the base64 of a protobuf
// MigrationPayload (internal/gauthpb/migration.proto). One export of many
// accounts is a batch of several codes sharing a batch_id. The format has
// no period (always 30 s) and only 6 or 8 digits.

type payload = gauthpb.MigrationPayload

// parseMigration adds the accounts of one otpauth-migration URI.
func parseMigration(b *builder, uri []byte, batches *batches) error {
	p, err := decodeMigration(uri)
	if err != nil {
		return err
	}
	defer wipePayload(p)
	batches.see(p)
	for _, op := range p.GetOtpParameters() {
		a, err := migrationAccount(op)
		if err != nil {
			if err := b.skip(a.Name(), err); err != nil {
				return err
			}
			continue
		}
		if err := b.addRaw(a, op.GetSecret()); err != nil {
			return err
		}
	}
	return nil
}

// decodeMigration unpacks the payload of one URI. The intermediate bytes
// (percent-decoded text, base64-decoded protobuf) are wiped; the payload's
// secrets are wiped by wipePayload.
func decodeMigration(uri []byte) (*payload, error) {
	data, err := migrationData(uri)
	if err != nil {
		return nil, err
	}
	defer clear(data)
	raw := make([]byte, base64.RawStdEncoding.DecodedLen(len(data))) // room for unpadded input too
	defer clear(raw)
	n, err := base64.StdEncoding.Decode(raw, data)
	if err != nil {
		// Some tools drop the padding.
		n, err = base64.RawStdEncoding.Decode(raw, bytes.TrimRight(data, "="))
	}
	if err != nil {
		return nil, malformed(FormatGoogle, "data parameter is not base64")
	}
	p := new(payload)
	if err := proto.Unmarshal(raw[:n], p); err != nil {
		wipePayload(p)
		return nil, malformed(FormatGoogle, "data parameter is not a migration payload")
	}
	return p, nil
}

// migrationData cuts the data parameter out of the URI and percent-decodes
// it into a new slice (the caller wipes it). A '+' or ' ' left by form
// encoding is a base64 '+'.
func migrationData(uri []byte) ([]byte, error) {
	_, query, _ := bytes.Cut(uri, []byte("?"))
	query, _, _ = bytes.Cut(query, []byte("#"))
	var value []byte
	found := false
	for part := range bytes.SplitSeq(query, []byte("&")) {
		k, v, _ := bytes.Cut(part, []byte("="))
		if string(k) == "data" {
			value, found = v, true
		}
	}
	if !found || len(value) == 0 {
		return nil, malformed(FormatGoogle, "no data parameter")
	}
	out := make([]byte, 0, len(value))
	for i := 0; i < len(value); i++ {
		c := value[i]
		switch {
		case c == '%' && i+2 < len(value) && unhex(value[i+1]) >= 0 && unhex(value[i+2]) >= 0:
			out = append(out, byte(unhex(value[i+1])<<4|unhex(value[i+2])))
			i += 2
		case c == '%':
			clear(out)
			return nil, malformed(FormatGoogle, "bad percent-escape at position %d of the data parameter", i)
		case c == ' ':
			out = append(out, '+')
		default:
			out = append(out, c)
		}
	}
	return out, nil
}

func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

func wipePayload(p *payload) {
	for _, op := range p.GetOtpParameters() {
		clear(op.Secret)
	}
}

// migrationAccount converts one entry's parameters (not its secret).
func migrationAccount(op *gauthpb.MigrationPayload_OtpParameters) (Account, error) {
	a := Account{Params: otp.Params{Issuer: strings.TrimSpace(op.GetIssuer()), Digits: otp.DefaultDigits, Period: otp.DefaultPeriod}}
	a.Account = strings.TrimSpace(op.GetName())
	if a.Issuer != "" {
		if rest, ok := strings.CutPrefix(a.Account, a.Issuer+":"); ok {
			a.Account = strings.TrimSpace(rest)
		}
	} else if i, acct, ok := strings.Cut(a.Account, ":"); ok {
		a.Issuer, a.Account = strings.TrimSpace(i), strings.TrimSpace(acct)
	}
	switch op.GetAlgorithm() {
	case gauthpb.MigrationPayload_ALGORITHM_UNSPECIFIED, gauthpb.MigrationPayload_ALGORITHM_SHA1:
	case gauthpb.MigrationPayload_ALGORITHM_SHA256:
		a.Algorithm = otp.SHA256
	case gauthpb.MigrationPayload_ALGORITHM_SHA512:
		a.Algorithm = otp.SHA512
	default:
		return a, fmt.Errorf("algorithm %s: %w", op.GetAlgorithm(), otp.ErrUnsupported)
	}
	switch op.GetDigits() {
	case gauthpb.MigrationPayload_DIGIT_COUNT_UNSPECIFIED, gauthpb.MigrationPayload_DIGIT_COUNT_SIX:
	case gauthpb.MigrationPayload_DIGIT_COUNT_EIGHT:
		a.Digits = 8
	default:
		return a, &otp.FieldError{Field: "digits", Reason: fmt.Sprintf("must be 6 or 8 (the file's digit count %d is unknown)", op.GetDigits())}
	}
	switch op.GetType() {
	case gauthpb.MigrationPayload_OTP_TYPE_HOTP:
		if op.GetCounter() < 0 {
			return a, &otp.FieldError{Field: "counter", Reason: "must not be negative"}
		}
		a.Type, a.Period, a.Counter = otp.HOTP, 0, uint64(op.GetCounter())
	case gauthpb.MigrationPayload_OTP_TYPE_TOTP, gauthpb.MigrationPayload_OTP_TYPE_UNSPECIFIED:
	default:
		return a, fmt.Errorf("otp type %s: %w", op.GetType(), otp.ErrUnsupported)
	}
	return a, nil
}

// batches tracks which codes of each multi-code export were read.
type batches struct {
	seen map[int32]*batch
}

type batch struct {
	size    int32
	indexes []int32
}

func newBatches() *batches { return &batches{seen: map[int32]*batch{}} }

func (bs *batches) see(p *payload) {
	if p.GetBatchSize() <= 1 {
		return
	}
	bt := bs.seen[p.GetBatchId()]
	if bt == nil {
		bt = &batch{size: p.GetBatchSize()}
		bs.seen[p.GetBatchId()] = bt
	}
	if !slices.Contains(bt.indexes, p.GetBatchIndex()) {
		bt.indexes = append(bt.indexes, p.GetBatchIndex())
	}
}

// check records, as a skipped entry, every batch some of whose codes were
// not read: their accounts are missing from the result.
func (bs *batches) check(b *builder) error {
	ids := make([]int32, 0, len(bs.seen))
	for id := range bs.seen {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		bt := bs.seen[id]
		read := 0
		var missing []string
		for _, i := range bt.indexes {
			if i >= 0 && i < bt.size {
				read++
			}
		}
		if read == int(bt.size) {
			continue
		}
		if bt.size <= 100 { // a real export; a hostile size is not enumerated
			for i := range bt.size {
				if !slices.Contains(bt.indexes, i) {
					missing = append(missing, fmt.Sprint(i+1))
				}
			}
		}
		err := fmt.Errorf("%d of the %d codes of this export were read (missing: %s); scan the others too: %w",
			read, bt.size, strings.Join(missing, ", "), ErrIncompleteBatch)
		b.r.Skipped = append(b.r.Skipped, Skipped{Index: -1, Name: "Google Authenticator export", Err: err})
	}
	return nil
}
