// Package fido bundles data for Twofold's security-key support.
//
// aaguids.json maps the AAGUIDs of well-known security-key models to model
// names (one AAGUID per model and firmware line; several AAGUIDs can share a
// name). Entries were picked by hand from the community list at
// github.com/passkeydeveloper/passkey-authenticator-aaguids, which mirrors
// the FIDO Metadata Service; software passkey providers are left out.
package fido

import _ "embed"

// AAGUIDs is the JSON object {"xxxxxxxx-xxxx-…": "model name"}.
//
//go:embed aaguids.json
var AAGUIDs []byte
