//go:build cgo

package fido_test

import (
	"slices"
	"testing"

	"github.com/twofold-app/twofold/internal/fidotest/softkey"
)

func TestInfo(t *testing.T) {
	_, d := plug(t, softkey.Config{FirmwareVersion: 0x050704, MaxResident: 10})
	info := mustInfo(t, d)
	if !info.FIDO2 || !slices.Contains(info.Versions, "FIDO_2_1") {
		t.Errorf("versions %v", info.Versions)
	}
	if info.Model != "Twofold software authenticator (test rig)" {
		t.Errorf("model %q", info.Model)
	}
	for opt, want := range map[string]bool{"rk": true, "clientPin": false, "authnrCfg": true, "alwaysUv": false} {
		if got, ok := info.Options[opt]; !ok || got != want {
			t.Errorf("option %s = %v (present %v), want %v", opt, got, ok, want)
		}
	}
	if info.Supports("bioEnroll") {
		t.Error("bioEnroll reported on a key without a sensor")
	}
	if info.FirmwareVersion != 0x050704 || info.MinPINLength != 4 || info.RemainingResident != 10 {
		t.Errorf("firmware %#x, min PIN %d, free slots %d", info.FirmwareVersion, info.MinPINLength, info.RemainingResident)
	}
	if info.PINSet() || info.PINRetries != -1 || info.UVRetries != -1 {
		t.Errorf("PIN set %v, retries %d, uv retries %d", info.PINSet(), info.PINRetries, info.UVRetries)
	}
	if !slices.Equal(info.PINProtocols, []int{2, 1}) {
		t.Errorf("protocols %v", info.PINProtocols)
	}
	setPIN(t, d, "1234")
	if info = mustInfo(t, d); !info.PINSet() || info.PINRetries != 8 {
		t.Errorf("after set PIN: set %v, retries %d", info.PINSet(), info.PINRetries)
	}
}
