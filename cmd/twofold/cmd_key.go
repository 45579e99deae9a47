package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/twofold-app/twofold/fido"
	"github.com/twofold-app/twofold/vault"
)

const keyUsage = "key list | key info [PATH] | key pin set|change|force-change|min-length N|always-uv on|off [PATH] | " +
	"key test [PATH] | key passkeys [PATH] | key passkeys rm CRED_ID [PATH] | " +
	"key fingerprints list|enroll NAME|rename ID NAME|rm ID [PATH] | key reset [PATH] [--confirm RESET]" + keyInventoryUsage

// keyCLI is one run of 'twofold key': the command's context (cancelled by
// an interrupt) and how it talks to the person.
type keyCLI struct {
	c       *ctx
	cx      context.Context
	confirm string // --confirm, for reset
	record  string // --record, for test: the inventory label
}

// keySub is a key subcommand and its number of arguments; one more
// argument is the key's path.
type keySub struct {
	args int
	run  func(k *keyCLI, d *fido.Device, args []string) error
}

var keySubs = map[string]keySub{
	"info":                {0, keyInfo},
	"test":                {0, keyTest},
	"reset":               {0, keyReset},
	"pin set":             {0, keySetPIN},
	"pin change":          {0, keyChangePIN},
	"pin force-change":    {0, keyForceChange},
	"pin min-length":      {1, keyMinLength},
	"pin always-uv":       {1, keyAlwaysUV},
	"passkeys":            {0, keyPasskeys},
	"passkeys list":       {0, keyPasskeys},
	"passkeys rm":         {1, keyPasskeyRemove},
	"fingerprints":        {0, keyFingerprints},
	"fingerprints list":   {0, keyFingerprints},
	"fingerprints enroll": {1, keyEnroll},
	"fingerprints rename": {2, keyRename},
	"fingerprints rm":     {1, keyFingerprintRemove},
}

func cmdKey(c *ctx, args []string) error {
	fs := c.flags()
	fs.BoolVar(&c.jsonOut, "json", false, "with list, info, passkeys and fingerprints list: print JSON")
	confirm := fs.String("confirm", "", "with reset: the confirmation, "+fido.ResetConfirmation+" (asked on a terminal otherwise)")
	record := fs.String("record", "", "with test: record the test credential under this inventory label (the vault password comes first)")
	pos, err := c.parse(fs, args)
	if err != nil {
		return err
	}
	cx, cancel := c.keyContext()
	defer cancel()
	k := &keyCLI{c: c, cx: cx, confirm: *confirm, record: *record}
	if len(pos) == 1 && pos[0] == "list" {
		return keyList(k)
	}
	if inv, ok := keyInventorySubs[first(pos)]; ok {
		if len(pos)-1 < inv.args || len(pos)-1 > inv.args+1 {
			fs.Usage()
			return fmt.Errorf("%w: twofold key %s takes %d argument(s)", errKeyUsage, pos[0], inv.args)
		}
		return inv.run(k, pos[1:])
	}
	name, sub, rest, ok := findKeySub(pos)
	if !ok || len(rest) > sub.args+1 {
		fs.Usage()
		return errKeyUsage
	}
	if len(rest) < sub.args {
		fs.Usage()
		return fmt.Errorf("%w: twofold key %s takes %d argument(s)", errKeyUsage, name, sub.args)
	}
	path := ""
	if len(rest) > sub.args {
		path = rest[sub.args]
	}
	d, err := k.open(path)
	if err != nil {
		return err
	}
	return sub.run(k, d, rest[:sub.args])
}

func first(pos []string) string {
	if len(pos) == 0 {
		return ""
	}
	return pos[0]
}

// findKeySub finds the longest subcommand ("pin set" before "pin") that
// starts pos.
func findKeySub(pos []string) (string, keySub, []string, bool) {
	for n := min(2, len(pos)); n > 0; n-- {
		name := strings.Join(pos[:n], " ")
		if sub, ok := keySubs[name]; ok {
			return name, sub, pos[n:], true
		}
	}
	return "", keySub{}, nil, false
}

// keyContext is cancelled on an interrupt, which cancels a key waiting
// for a touch.
func (c *ctx) keyContext() (context.Context, context.CancelFunc) {
	cx, cancel := context.WithCancel(context.Background())
	interrupted, stop := c.interrupts()
	go func() {
		defer stop()
		select {
		case <-interrupted:
			cancel()
		case <-cx.Done():
		}
	}()
	return cx, cancel
}

func (k *keyCLI) listOptions() fido.ListOptions {
	return fido.ListOptions{
		Paths:       fido.SplitDevicePaths(k.c.getenv(fido.EnvDevices)),
		NoEnumerate: k.c.getenv(fido.EnvEnumerate) == "0",
	}
}

// open opens the key at path, or the only key connected.
func (k *keyCLI) open(path string) (*fido.Device, error) {
	if path != "" {
		return fido.Open(path)
	}
	keys, err := fido.List(k.cx, k.listOptions())
	if err != nil {
		return nil, err
	}
	var usable []fido.Key
	for _, key := range keys {
		if key.Err == nil {
			usable = append(usable, key)
		}
	}
	switch {
	case len(usable) == 1:
		return fido.Open(usable[0].Path)
	case len(usable) > 1:
		return nil, fmt.Errorf("%w: %s", errKeyAmbiguous, describeKeys(usable))
	case len(keys) > 0:
		return nil, keys[0].Err
	}
	return nil, fido.ErrNoDevice
}

func describeKeys(keys []fido.Key) string {
	var s []string
	for _, key := range keys {
		s = append(s, key.Path+" ("+key.Name()+")")
	}
	return strings.Join(s, ", ")
}

// done prints msg to standard output when err is nil.
func (k *keyCLI) done(err error, msg string) error {
	if err == nil {
		printLine(k.c.stdout, msg)
	}
	return err
}

// callbacks talk to the person on standard error; PINs come from the
// terminal without echo, or from standard input lines.
func (k *keyCLI) callbacks() *fido.Callbacks {
	return &fido.Callbacks{
		PIN:    k.askPIN,
		NewPIN: k.askNewPIN,
		Touch: func(req fido.TouchRequest) func() {
			printf(k.c.stderr, "Touch your key to %s.\n", req.Purpose)
			return nil
		},
		Progress: k.instructions,
	}
}

// instructions shows the steps the person takes part in: fingerprint
// samples and the unplugging of a reset.
func (k *keyCLI) instructions(p fido.Progress) {
	w := k.c.stderr
	switch {
	case p.Step == fido.StepUnplug && p.State == fido.StepStarted:
		printf(w, "Unplug your key now.\n")
	case p.Step == fido.StepReplug && p.State == fido.StepStarted:
		printf(w, "Plug it back in.\n")
	case p.Step == fido.StepSample && p.State == fido.StepRetry:
		printf(w, "Sample not taken (%s): %s.\n", p.Sample, p.Detail)
	case p.Step == fido.StepSample && p.State == fido.StepOK && p.Remaining > 0:
		printf(w, "Good sample; %d more to go.\n", p.Remaining)
	}
}

func (k *keyCLI) askPIN(_ context.Context, req fido.PINRequest) (string, error) {
	if req.Previous != nil {
		printf(k.c.stderr, "Wrong PIN.\n")
	}
	return k.readPIN(fmt.Sprintf("Key PIN to %s (%s left): ", req.Purpose, plural(req.Retries, "try", "tries")))
}

func (k *keyCLI) askNewPIN(_ context.Context, req fido.NewPINRequest) (string, error) {
	if req.Previous != nil {
		printf(k.c.stderr, "That PIN was refused: %v.\n", req.Previous)
	}
	pin, err := k.readPIN(fmt.Sprintf("New PIN (at least %d characters): ", max(req.MinLength, 4)))
	if err != nil || !k.c.stdinIsTerminal() {
		return pin, err
	}
	again, err := k.readPIN("Repeat the new PIN: ")
	if err != nil {
		return "", err
	}
	if again != pin {
		return "", errKeyPINMismatch
	}
	return pin, nil
}

// readPIN reads a PIN with readSecretLine; off a terminal the prompt is
// still shown, on its own line, so that logs tell which line was asked for.
func (k *keyCLI) readPIN(prompt string) (string, error) {
	if !k.c.stdinIsTerminal() {
		printLine(k.c.stderr, strings.TrimSuffix(prompt, " "))
	}
	buf, err := k.c.readSecretLine(prompt)
	if errors.Is(err, errNoPassword) {
		return "", errKeyNoPIN
	}
	if err != nil {
		return "", err
	}
	defer buf.Destroy()
	return string(buf.Bytes()), nil
}

func keySetPIN(k *keyCLI, d *fido.Device, _ []string) error {
	return k.done(d.SetPIN(k.cx, k.callbacks()), "PIN set.")
}

func keyChangePIN(k *keyCLI, d *fido.Device, _ []string) error {
	return k.done(d.ChangePIN(k.cx, k.callbacks()), "PIN changed.")
}

func keyForceChange(k *keyCLI, d *fido.Device, _ []string) error {
	return k.done(d.ForcePINChange(k.cx, k.callbacks()), "The key now requires a new PIN before it can be used.")
}

func keyMinLength(k *keyCLI, d *fido.Device, args []string) error {
	n, err := strconv.Atoi(args[0])
	if err != nil {
		return fmt.Errorf("%w: min-length takes a number, not %q", errKeyUsage, args[0])
	}
	return k.done(d.SetMinPINLength(k.cx, n, k.callbacks()), fmt.Sprintf("Minimum PIN length set to %d.", n))
}

func keyAlwaysUV(k *keyCLI, d *fido.Device, args []string) error {
	var on bool
	switch args[0] {
	case "on":
		on = true
	case "off":
	default:
		return fmt.Errorf("%w: always-uv takes on or off, not %q", errKeyUsage, args[0])
	}
	return k.done(d.SetAlwaysUV(k.cx, on, k.callbacks()), "Always-UV is "+args[0]+".")
}

func keyTest(k *keyCLI, d *fido.Device, _ []string) error {
	cb := k.callbacks()
	cb.Progress = func(p fido.Progress) {
		switch p.State {
		case fido.StepOK:
			printf(k.c.stdout, "ok    %s: %s\n", p.Step, p.Detail)
		case fido.StepSkipped:
			printf(k.c.stdout, "skip  %s: %s\n", p.Step, p.Detail)
		case fido.StepFailed:
			printf(k.c.stdout, "FAIL  %s: %v\n", p.Step, p.Err)
		}
	}
	var s *vault.Store
	if k.record != "" {
		var err error
		if s, err = k.c.open(); err != nil {
			return err
		}
		defer s.Lock()
	}
	rep, err := d.Test(k.cx, fido.TestOptions{}, cb)
	if err == nil && s != nil {
		if err := recordTest(k, s, rep); err != nil {
			return err
		}
	}
	return k.done(err, "The key works.")
}

func keyReset(k *keyCLI, d *fido.Device, _ []string) error {
	printLine(k.c.stderr, "warning: "+fido.ResetWarning)
	confirm := k.confirm
	if confirm == "" {
		if !k.c.stdinIsTerminal() {
			return errKeyResetNoConfirm
		}
		printf(k.c.stderr, "Type %s to wipe the key at %s: ", fido.ResetConfirmation, d.Path())
		line, err := k.c.reader().ReadString('\n')
		if err != nil && line == "" {
			return fmt.Errorf("reset: %w", fido.ErrResetNotConfirmed)
		}
		confirm = strings.TrimRight(line, "\r\n")
	}
	err := d.Reset(k.cx, fido.ResetOptions{Confirm: confirm}, k.callbacks())
	return k.done(err, "The key is reset: it has no PIN, no passkeys and no fingerprints.")
}

type keyJSON struct {
	Path         string `json:"path"`
	Name         string `json:"name"`
	Model        string `json:"model,omitempty"`
	Product      string `json:"product,omitempty"`
	Manufacturer string `json:"manufacturer,omitempty"`
	VendorID     string `json:"vendor_id,omitempty"`
	ProductID    string `json:"product_id,omitempty"`
	AAGUID       string `json:"aaguid,omitempty"`
	Error        string `json:"error,omitempty"`
}

func keyList(k *keyCLI) error {
	keys, err := fido.List(k.cx, k.listOptions())
	if err != nil {
		return err
	}
	if k.c.jsonOut {
		out := []keyJSON{}
		for _, key := range keys {
			out = append(out, toKeyJSON(key))
		}
		return writeJSON(k.c, out)
	}
	if len(keys) == 0 {
		// Like --json's [] and like an empty vault's lists: an empty list
		// is an answer, not a failure (scripts test whether a key is
		// there by its output); the note goes to standard error.
		_, hint, _ := fido.Explain(fido.ErrNoDevice)
		printf(k.c.stderr, "%v. %s\n", fido.ErrNoDevice, hint)
		return nil
	}
	for _, key := range keys {
		if key.Err != nil {
			printf(k.c.stdout, "%s  error: %v\n", key.Path, key.Err)
			continue
		}
		printf(k.c.stdout, "%s  %s\n", key.Path, key.Name())
	}
	return nil
}

func toKeyJSON(key fido.Key) keyJSON {
	j := keyJSON{Path: key.Path, Name: key.Name(), Model: key.Model, Product: key.Product, Manufacturer: key.Manufacturer}
	if key.VendorID != 0 || key.ProductID != 0 {
		j.VendorID, j.ProductID = fmt.Sprintf("%04x", key.VendorID), fmt.Sprintf("%04x", key.ProductID)
	}
	if !key.AAGUID.IsZero() {
		j.AAGUID = key.AAGUID.String()
	}
	if key.Err != nil {
		j.Error = key.Err.Error()
	}
	return j
}

type infoJSON struct {
	Path              string          `json:"path"`
	FIDO2             bool            `json:"fido2"`
	AAGUID            string          `json:"aaguid"`
	Model             string          `json:"model,omitempty"`
	Versions          []string        `json:"versions"`
	Extensions        []string        `json:"extensions"`
	Options           map[string]bool `json:"options"`
	PINProtocols      []int           `json:"pin_protocols"`
	Firmware          uint64          `json:"firmware_version"`
	MinPINLength      int             `json:"min_pin_length"`
	ForcePINChange    bool            `json:"force_pin_change"`
	PINRetries        int             `json:"pin_retries"`
	UVRetries         int             `json:"uv_retries"`
	RemainingPasskeys int64           `json:"remaining_passkeys"`
}

func keyInfo(k *keyCLI, d *fido.Device, _ []string) error {
	info, err := d.Info(k.cx)
	if err != nil {
		return err
	}
	if k.c.jsonOut {
		return writeJSON(k.c, infoJSON{info.Path, info.FIDO2, info.AAGUID.String(), info.Model,
			nonNil(info.Versions), nonNil(info.Extensions), info.Options, info.PINProtocols, info.FirmwareVersion,
			info.MinPINLength, info.ForcePINChange, info.PINRetries, info.UVRetries, info.RemainingResident})
	}
	w := k.c.stdout
	row := func(name, format string, a ...any) { printf(w, "%-15s %s\n", name, fmt.Sprintf(format, a...)) }
	row("Path", "%s", info.Path)
	row("Model", "%s", modelOf(info))
	if !info.FIDO2 {
		row("Protocol", "U2F only (no PIN, passkeys or fingerprints)")
		return nil
	}
	row("AAGUID", "%s", info.AAGUID)
	row("Versions", "%s", strings.Join(info.Versions, ", "))
	if info.FirmwareVersion != 0 {
		row("Firmware", "%#x", info.FirmwareVersion)
	}
	row("PIN", "%s", pinState(info))
	row("Min PIN length", "%d", info.MinPINLength)
	if info.Supports("bioEnroll") {
		row("Fingerprints", "%s", fingerprintState(info))
	}
	if info.RemainingResident >= 0 {
		row("Passkey slots", "%d free", info.RemainingResident)
	}
	if info.Supports("alwaysUv") {
		row("Always UV", "%s", map[bool]string{true: "on", false: "off"}[info.Options["alwaysUv"]])
	}
	return nil
}

func modelOf(info *fido.Info) string {
	if info.Model != "" {
		return info.Model
	}
	return "unknown (AAGUID " + info.AAGUID.String() + ")"
}

func pinState(info *fido.Info) string {
	switch {
	case !info.PINSet():
		return "not set"
	case info.ForcePINChange:
		return "set, must be changed before use"
	}
	return "set, " + plural(info.PINRetries, "try", "tries") + " left"
}

func fingerprintState(info *fido.Info) string {
	if !info.Options["bioEnroll"] {
		return "sensor, none enrolled"
	}
	return "enrolled, " + plural(info.UVRetries, "match attempt", "match attempts") + " left"
}

type passkeysJSON struct {
	Count     int        `json:"count"`
	Remaining int        `json:"remaining"`
	Sites     []siteJSON `json:"sites"`
}

type siteJSON struct {
	RPID     string        `json:"rp_id"`
	Name     string        `json:"name,omitempty"`
	Passkeys []passkeyJSON `json:"passkeys"`
}

type passkeyJSON struct {
	ID          string `json:"id"`
	UserName    string `json:"user_name"`
	DisplayName string `json:"display_name,omitempty"`
	UserID      string `json:"user_id"`
	Protection  int    `json:"protection"`
}

func keyPasskeys(k *keyCLI, d *fido.Device, _ []string) error {
	list, err := d.Passkeys(k.cx, k.callbacks())
	if err != nil {
		return err
	}
	out := passkeysJSON{Count: list.Count, Remaining: list.Remaining, Sites: []siteJSON{}}
	for _, rp := range list.RelyingParties {
		s := siteJSON{RPID: rp.ID, Name: rp.Name}
		for _, p := range rp.Passkeys {
			s.Passkeys = append(s.Passkeys, passkeyJSON{fido.EncodeID(p.ID), p.UserName, p.DisplayName, fido.EncodeID(p.UserID), p.Protection})
		}
		out.Sites = append(out.Sites, s)
	}
	if k.c.jsonOut {
		return writeJSON(k.c, out)
	}
	for _, s := range out.Sites {
		printLine(k.c.stdout, s.RPID)
		for _, p := range s.Passkeys {
			printf(k.c.stdout, "  %-24s %-24s %s\n", p.UserName, p.DisplayName, p.ID)
		}
	}
	printf(k.c.stdout, "%s on the key, room for %d more.\n", plural(out.Count, "passkey", "passkeys"), out.Remaining)
	return nil
}

func keyPasskeyRemove(k *keyCLI, d *fido.Device, args []string) error {
	id, err := fido.ParseID(args[0])
	if err != nil {
		return err
	}
	return k.done(d.DeletePasskey(k.cx, id, k.callbacks()), "Deleted passkey "+fido.EncodeID(id)+".")
}

type fingerprintJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

func keyFingerprints(k *keyCLI, d *fido.Device, _ []string) error {
	fps, err := d.Fingerprints(k.cx, k.callbacks())
	if err != nil {
		return err
	}
	if k.c.jsonOut {
		out := []fingerprintJSON{}
		for _, f := range fps {
			out = append(out, fingerprintJSON{f.IDString(), f.Name})
		}
		return writeJSON(k.c, out)
	}
	if len(fps) == 0 {
		printf(k.c.stdout, "No fingerprints enrolled.\n")
	}
	for _, f := range fps {
		printf(k.c.stdout, "%s  %s\n", f.IDString(), f.Name)
	}
	return nil
}

func keyEnroll(k *keyCLI, d *fido.Device, args []string) error {
	fp, err := d.EnrollFingerprint(k.cx, args[0], k.callbacks())
	if err != nil {
		return err
	}
	printf(k.c.stdout, "Enrolled fingerprint %s (%s).\n", fp.IDString(), fp.Name)
	return nil
}

func keyRename(k *keyCLI, d *fido.Device, args []string) error {
	id, err := fido.ParseFingerprintID(args[0])
	if err != nil {
		return err
	}
	return k.done(d.RenameFingerprint(k.cx, id, args[1], k.callbacks()), "Renamed fingerprint "+args[0]+" to "+args[1]+".")
}

func keyFingerprintRemove(k *keyCLI, d *fido.Device, args []string) error {
	id, err := fido.ParseFingerprintID(args[0])
	if err != nil {
		return err
	}
	return k.done(d.DeleteFingerprint(k.cx, id, k.callbacks()), "Deleted fingerprint "+args[0]+".")
}
