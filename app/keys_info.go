package app

import (
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/twofold-app/twofold/fido"
)

// keyOption is how the info panel names a getInfo option and its two
// values. An option the key does not list is unsupported (CTAP 2.1 §6.4),
// and is not shown; for most, false means supported but off or not set up.
type keyOption struct {
	id, name, on, off string
}

// keyOptions lists the options people ask about first. clientPin is left
// out: the PIN line says more (retries, minimum length).
var keyOptions = []keyOption{
	{"rk", "Resident keys (passkeys)", "yes", "no"},
	{"up", "User presence (touch)", "yes", "no"},
	{"uv", "Built-in user verification", "set up", "not set up"},
	{"bioEnroll", "Fingerprints", "enrolled", "none enrolled"},
	{"userVerificationMgmtPreview", "Fingerprints (preview command)", "enrolled", "none enrolled"},
	{"credMgmt", "Passkey management", "yes", "no"},
	{"credentialMgmtPreview", "Passkey management (preview command)", "yes", "no"},
	{"alwaysUv", "Always require user verification", "on", "off"},
	{"authnrCfg", "Settings (authenticatorConfig)", "yes", "no"},
	{"setMinPINLength", "Minimum PIN length setting", "yes", "no"},
	{"makeCredUvNotRqd", "Non-passkey registration without PIN", "yes", "no"},
	{"pinUvAuthToken", "PIN/UV auth tokens (CTAP 2.1)", "yes", "no"},
	{"noMcGaPermissionsWithClientPin", "Sign-in needs CTAP 2.1 PIN tokens", "yes", "no"},
	{"largeBlobs", "Large blobs", "yes", "no"},
	{"ep", "Enterprise attestation", "on", "off"},
	{"uvBioEnroll", "Fingerprint authorises enrolment", "yes", "no"},
	{"uvAcfg", "Fingerprint authorises settings", "yes", "no"},
	{"plat", "Built into a computer or phone", "yes", "no"},
}

// optionLines are the key's options as "Resident keys (passkeys): yes",
// known ones in keyOptions' order, then any others by ID.
func optionLines(opts map[string]bool) []string {
	var lines []string
	known := map[string]bool{"clientPin": true}
	for _, o := range keyOptions {
		known[o.id] = true
		if on, ok := opts[o.id]; ok {
			lines = append(lines, o.name+": "+map[bool]string{true: o.on, false: o.off}[on])
		}
	}
	var other []string
	for id, on := range opts {
		if !known[id] {
			other = append(other, id+": "+map[bool]string{true: "yes", false: "no"}[on])
		}
	}
	slices.Sort(other)
	return append(lines, other...)
}

// extensionNames says what the WebAuthn extensions a key lists are for.
var extensionNames = map[string]string{
	"credProtect":       "credential protection",
	"hmac-secret":       "secrets for disk or password-manager unlock",
	"hmac-secret-mc":    "hmac-secret at registration",
	"minPinLength":      "sites may read the minimum PIN length",
	"credBlob":          "small data stored with a passkey",
	"largeBlobKey":      "large data stored for a passkey",
	"thirdPartyPayment": "payments on behalf of another site",
}

// extensionsLine lists the key's extensions, each with what it is for.
func extensionsLine(exts []string) string {
	if len(exts) == 0 {
		return "Extensions: none"
	}
	named := make([]string, len(exts))
	for i, e := range exts {
		named[i] = e
		if what, ok := extensionNames[e]; ok {
			named[i] += " (" + what + ")"
		}
	}
	return "Extensions: " + strings.Join(named, ", ")
}

func (v *keysView) showInfo(i *fido.Info) {
	model := i.Model
	if model == "" {
		model = "unknown model"
	}
	v.line("Model: " + model + " (AAGUID " + i.AAGUID.String() + ")")
	if !i.FIDO2 {
		v.line("U2F only: this key has no PIN, passkeys or fingerprints.")
		return
	}
	v.line(pinLine(i))
	facts := []string{"Versions: " + strings.Join(i.Versions, ", ")}
	if i.FirmwareVersion != 0 {
		facts = append(facts, fmt.Sprintf("Firmware: %d", i.FirmwareVersion))
	}
	if i.RemainingResident >= 0 {
		facts = append(facts, fmt.Sprintf("Free passkey slots: %d", i.RemainingResident))
	}
	if i.UVRetries >= 0 {
		facts = append(facts, fmt.Sprintf("Fingerprint attempts left: %d", i.UVRetries))
	}
	v.columns(facts)
	v.line(extensionsLine(i.Extensions))
	if opts := optionLines(i.Options); len(opts) > 0 {
		v.detail.Add(widget.NewLabelWithStyle("Options", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		v.columns(opts)
	}
}

// columns lays short lines out in two columns, to keep the panel short.
func (v *keysView) columns(lines []string) {
	grid := container.NewGridWithColumns(2)
	for _, l := range lines {
		label := widget.NewLabel(l)
		label.Wrapping = fyne.TextWrapWord
		grid.Add(label)
	}
	v.detail.Add(grid)
}
