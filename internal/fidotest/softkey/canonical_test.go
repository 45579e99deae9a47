package softkey

import (
	"bytes"
	"context"
	"testing"
)

// canonical reports whether b is CTAP2 canonical CBOR: decoding it and
// encoding it again in canonical form gives the same bytes.
func canonical(t *testing.T, b []byte) bool {
	t.Helper()
	var v any
	if err := decMode.Unmarshal(b, &v); err != nil {
		t.Fatalf("decode: %v", err)
	}
	again, err := encMode.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Equal(b, again)
}

// TestGetInfoCanonical: libfido2 treats a getInfo it cannot parse as a
// U2F-only key, so a key-order slip shows up far away from its cause.
func TestGetInfoCanonical(t *testing.T) {
	for _, cfg := range []Config{{}, {Bio: true}} {
		a := New(cfg)
		resp := a.Handle(context.Background(), []byte{cmdGetInfo}, nil)
		if resp[0] != byte(StatusOK) {
			t.Fatalf("status %#x", resp[0])
		}
		if !canonical(t, resp[1:]) {
			t.Errorf("bio=%v: getInfo is not canonical CBOR: %x", cfg.Bio, resp[1:])
		}
		var info infoResponse
		if err := unmarshal(resp[1:], &info); err != nil {
			t.Fatal(err)
		}
		if !info.Options["credMgmt"] {
			t.Errorf("bio=%v: credMgmt not offered", cfg.Bio)
		}
		if bio, ok := info.Options["bioEnroll"]; ok != cfg.Bio || bio {
			t.Errorf("bio=%v: bioEnroll present %v, value %v", cfg.Bio, ok, bio)
		}
	}
}
