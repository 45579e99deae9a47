package softkey

import (
	"context"
	"slices"
	"testing"
)

// TestPINProtocolsOffered: getInfo lists Config.PINProtocols and clientPIN
// refuses a protocol the key does not offer, so that a client which
// ignored getInfo would fail instead of silently using protocol 2.
func TestPINProtocolsOffered(t *testing.T) {
	for _, c := range []struct {
		offer, listed []int
		want          map[uint]Status // protocol → status of getKeyAgreement
	}{
		{nil, []int{2, 1}, map[uint]Status{1: StatusOK, 2: StatusOK, 3: errInvalidParameter}},
		{[]int{1}, []int{1}, map[uint]Status{1: StatusOK, 2: errInvalidParameter}},
		{[]int{2}, []int{2}, map[uint]Status{1: errInvalidParameter, 2: StatusOK}},
	} {
		a := New(Config{PINProtocols: c.offer})
		var info infoResponse
		if err := unmarshal(a.Handle(context.Background(), []byte{cmdGetInfo}, nil)[1:], &info); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(info.PINProtocols, c.listed) {
			t.Errorf("offer %v: getInfo lists %v", c.offer, info.PINProtocols)
		}
		for proto, want := range c.want {
			req := append([]byte{cmdClientPIN}, marshal(clientPINRequest{Protocol: proto, Sub: pinGetKeyAgreement})...)
			if got := Status(a.Handle(context.Background(), req, nil)[0]); got != want {
				t.Errorf("offer %v: getKeyAgreement with protocol %d: %v, want %v", c.offer, proto, got, want)
			}
		}
	}
}
