package transfer

import (
	"testing"

	"github.com/twofold-app/twofold/vault/otp"
)

// TestSteamMaFile: a Steam Desktop Authenticator maFile (one object, not
// the Steam app's {"accounts": …}) imports as one Steam account named
// after account_name, its secret the base64 shared_secret; the other
// secrets of the file (identity_secret, revocation_code, the session) are
// not imported.
func TestSteamMaFile(t *testing.T) {
	const maFile = `{"shared_secret": "SGVsbG8h3q2+7w==", "serial_number": "12345678901234567890",
	 "revocation_code": "R12345", "uri": "otpauth://totp/Steam:gaben?secret=JBSWY3DPEHPK3PXP&issuer=Steam",
	 "server_time": 1700000000, "account_name": " gaben ", "token_gid": "2f6e2a5b", "identity_secret": "VGhpcyBpcyBhIHRlc3Q=",
	 "secret_1": "eWV0IGFub3RoZXI=", "status": 1, "device_id": "android:0a1b2c3d-4e5f", "fully_enrolled": true,
	 "Session": {"SessionID": "abc", "SteamID": 76561197960287930}}`
	if f, err := Detect([]byte(maFile)); f != FormatSteam {
		t.Fatalf("Detect = %q, %v", f, err)
	}
	r := mustImport(t, []byte(maFile), Options{})
	if len(r.Skipped) != 0 {
		t.Errorf("skipped %v", r.Skipped)
	}
	sameAccounts(t, flatten(t, r), []flat{
		{Params: otp.Params{Issuer: "Steam", Account: "gaben", Algorithm: otp.SHA1, Digits: 5, Period: 30, Steam: true},
			Secret: "JBSWY3DPEHPK3PXP"},
	})
}
