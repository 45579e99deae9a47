package transfer

import (
	"bytes"
	"sort"
	"strings"

	"github.com/twofold-app/twofold/vault/otp"
)

// Steam Guard files: a Steam Desktop Authenticator maFile (one object with
// shared_secret, account_name, …) or the Steam app's own file
// ({"accounts": {id: {…}}}). shared_secret is the base64 TOTP key; the
// codes are Steam's 5 characters every 30 s. The file names no issuer:
// it is always "Steam". Other secrets in the file (identity_secret,
// revocation_code) are for trading and recovery and are not imported.

type steamAccount struct {
	SharedSecret secretJSON `json:"shared_secret"`
	AccountName  string     `json:"account_name"`
}

type steamFile struct {
	steamAccount
	Accounts map[string]steamAccount `json:"accounts"`
}

func parseSteam(data []byte, o *Options) (*Result, error) {
	var file steamFile
	err := decodeJSON(FormatSteam, data, &file)
	defer func() {
		file.SharedSecret.wipe()
		for _, a := range file.Accounts {
			a.SharedSecret.wipe()
		}
	}()
	if err != nil {
		return nil, err
	}
	list := []steamAccount{}
	if file.SharedSecret != nil {
		list = append(list, file.steamAccount)
	}
	keys := make([]string, 0, len(file.Accounts))
	for k := range file.Accounts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		list = append(list, file.Accounts[k])
	}
	b := newBuilder(FormatSteam, o.Limits)
	for _, s := range list {
		a := Account{Params: otp.Params{Issuer: "Steam", Account: strings.TrimSpace(s.AccountName),
			Digits: otp.SteamDigits, Period: otp.DefaultPeriod, Steam: true}}
		if err := b.addBase64(a, bytes.TrimSpace(s.SharedSecret)); err != nil {
			return b.fail(err)
		}
	}
	return b.result()
}
