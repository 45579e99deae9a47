package app

import (
	"context"
	"image"
	"time"

	"fyne.io/fyne/v2"
	"github.com/awnumar/memguard"

	"github.com/twofold-app/twofold/vault"
	"github.com/twofold-app/twofold/vault/otp"
)

// CodeSource is what the codes screen needs of a vault.
type CodeSource interface {
	Accounts() ([]vault.Account, error)
	Code(id vault.UUID, t time.Time) (vault.Code, error)
	NextHOTP(id vault.UUID) (string, error)
	SetFavourite(id vault.UUID, fav bool) error
	// Key reads an account's key out (to show its QR code); the caller
	// destroys it.
	Key(id vault.UUID) (*otp.Key, error)
	// Remove moves an account to the vault's recycle bin, or deletes it
	// when the vault has none (unsaved).
	Remove(id vault.UUID) error
	// RecycleBinEnabled says which of the two Remove does.
	RecycleBinEnabled() bool
	Save() error
	// Revert forgets the changes made since the last save.
	Revert() error
}

// AccountAdder is what the add-account screen needs.
type AccountAdder interface {
	AddAccount(vault.NewAccount) (vault.Account, error)
	AccountClashes(*otp.Key) ([]vault.Clash, error)
	Remove(id vault.UUID) error
	Save() error
}

// RecoveryStore is what the recovery-codes screen needs.
type RecoveryStore interface {
	RecoverySets() ([]vault.RecoverySet, error)
	RecoveryCodes(id vault.UUID) ([]vault.RecoveryCode, error)
	UseRecoveryCode(id vault.UUID) (string, int, error)
	AddRecoveryCodes(service, account string, group []string, codes []string) (vault.RecoverySet, error)
	RecoveryClashes(service, account string) ([]vault.Clash, error)
	itemRemover
}

// TokenStore is what the API-tokens screen needs.
type TokenStore interface {
	Tokens() ([]vault.Token, error)
	TokenSecret(id vault.UUID) (*memguard.LockedBuffer, error)
	AddToken(vault.NewToken) (vault.Token, error)
	TokenClashes(name string, token []byte) ([]vault.Clash, error)
	itemRemover
}

// Vault is an unlocked vault as the window holds it. *vault.Store
// implements it.
type Vault interface {
	CodeSource
	AccountAdder
	RecoveryStore
	TokenStore
	KeyInventory
	Path() string
	// Lock wipes the vault's secrets from memory.
	Lock()
}

// Opener opens and creates vaults for the first-run and unlock screens.
type Opener interface {
	Open(path string, c vault.Credentials) (Vault, error)
	Create(path string, c vault.Credentials) (Vault, error)
}

// StoreOpener opens *vault.Store vaults.
type StoreOpener struct {
	// Now is the vault's clock (time.Now when nil).
	Now func() time.Time
	// KDF for new vaults; zero means Argon2id calibrated to about one
	// second on this machine. Tests set a cheap one.
	KDF vault.KDFParams
}

// Open implements Opener.
func (o StoreOpener) Open(path string, c vault.Credentials) (Vault, error) {
	s, err := vault.Open(path, c, &vault.Options{Now: o.Now})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Create implements Opener.
func (o StoreOpener) Create(path string, c vault.Credentials) (Vault, error) {
	s, err := vault.Create(path, c, o.createOptions())
	if err != nil {
		return nil, err
	}
	return s, nil
}

// createOptions are those of every new KeePass file: vaults and exports.
func (o StoreOpener) createOptions() vault.CreateOptions {
	return vault.CreateOptions{Options: vault.Options{Now: o.Now}, KDF: o.KDF}
}

// Capture reads images to scan for QR codes from the desktop.
type Capture interface {
	// Screen returns an image of the whole screen.
	Screen(ctx context.Context) (image.Image, error)
	// ClipboardImage returns the image on the clipboard.
	ClipboardImage(ctx context.Context) (image.Image, error)
}

// Deps is everything the window depends on. Nothing is read from globals,
// so tests build as many windows as they like, each with its own clock.
type Deps struct {
	// Opener opens and creates vaults.
	Opener Opener
	// VaultPath is the vault to show first (the default location or
	// --vault).
	VaultPath string
	// VaultChosen says VaultPath was asked for (--vault,
	// $TWOFOLD_VAULT): the window shows it even when nothing is there
	// yet. Otherwise, while nothing is at the default location, the
	// window opens on the most recent vault that still exists.
	VaultChosen bool
	// Settings loads and saves preferences and recent vaults.
	Settings SettingsStore
	// Clipboard is the system clipboard.
	Clipboard fyne.Clipboard
	// Now is the clock. It is also read off the UI goroutine (by the
	// clock check's query), so it must be safe for concurrent use.
	Now func() time.Time
	// Timers schedules the countdown, clipboard clearing and auto-lock.
	Timers Timers
	// Work runs key derivation and saving off the UI goroutine.
	Work Work
	// UI runs a function on Fyne's goroutine for code on another
	// goroutine (security key operations waiting for a PIN or a touch).
	// Nil means onUI. Tests pass a queue they drain on the test
	// goroutine: the test driver's fyne.Do runs f at once on the calling
	// goroutine, which would race with the test.
	UI func(func())
	// Keys says where to look for security keys.
	Keys KeyOptions
	// Home is the user's home folder: paths below it are shown as ~/….
	Home string
	// Files picks files to open and to save (zero: Fyne's file dialogs on
	// the window). Tests pass their own.
	Files FileChooser
	// ApplyTheme is called with the theme to use when the theme setting
	// changes (nil: the window's app settings are used).
	ApplyTheme func(fyne.Theme)
	// Notify shows a desktop notification (nil: none). The window uses it
	// to confirm a copy made while it is not on screen (from the tray);
	// on screen the notice line does. Never given a secret.
	Notify func(title, content string)
	// Capture reads the screen and the clipboard's image for "Scan
	// screen" and "Paste QR image" (nil: those buttons are hidden). Its
	// methods are called off the UI goroutine, through Work.
	Capture Capture
}
