package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
)

// Theme choices.
const (
	ThemeSystem = "system"
	ThemeLight  = "light"
	ThemeDark   = "dark"
)

// maxRecent is how many recent vaults are remembered.
const maxRecent = 5

// Settings are the user's preferences. The zero value is not ready: use
// DefaultSettings.
type Settings struct {
	// AutoLockMinutes locks the vault after this long without use (0:
	// never).
	AutoLockMinutes int `json:"auto_lock_minutes"`
	// ClipboardClearSeconds clears a copied code after this long (0:
	// never).
	ClipboardClearSeconds int `json:"clipboard_clear_seconds"`
	// Theme is ThemeSystem, ThemeLight or ThemeDark.
	Theme string `json:"theme"`
	// StartMinimised starts with the window hidden in the system tray.
	StartMinimised bool `json:"start_minimised"`
	// ClockCheck compares the system clock with TimeServer (NTP) after
	// unlocking and corrects the codes by the difference.
	ClockCheck bool `json:"clock_check"`
	// TimeServer is the NTP server ("" means DefaultTimeServer).
	TimeServer string `json:"time_server,omitempty"`
	// RecentVaults lists vault paths, most recent first.
	RecentVaults []string `json:"recent_vaults"`
	// KeyFiles maps a recent vault to the key file it was last unlocked
	// with, which the unlock screen fills in: the file's path, never
	// what it holds, as KeePassXC's "Remember last key files" (on by
	// default) keeps it.
	KeyFiles map[string]string `json:"key_files,omitempty"`
}

// DefaultSettings are the settings of a new installation.
func DefaultSettings() Settings {
	return Settings{AutoLockMinutes: 5, ClipboardClearSeconds: 30, Theme: ThemeSystem}
}

// normalise replaces out-of-range values by defaults.
func (s Settings) normalise() Settings {
	d := DefaultSettings()
	if s.AutoLockMinutes < 0 || s.AutoLockMinutes > 24*60 {
		s.AutoLockMinutes = d.AutoLockMinutes
	}
	if s.ClipboardClearSeconds < 0 || s.ClipboardClearSeconds > 3600 {
		s.ClipboardClearSeconds = d.ClipboardClearSeconds
	}
	if s.Theme != ThemeLight && s.Theme != ThemeDark {
		s.Theme = ThemeSystem
	}
	if len(s.RecentVaults) > maxRecent {
		s.RecentVaults = s.RecentVaults[:maxRecent]
	}
	if s.KeyFiles != nil {
		s.KeyFiles = maps.Clone(s.KeyFiles)
		maps.DeleteFunc(s.KeyFiles, func(vault, keyFile string) bool {
			return keyFile == "" || !slices.Contains(s.RecentVaults, vault)
		})
	}
	return s
}

// withRecent puts path first in the recent vaults, with keyFile as the
// key file it was opened with ("" for none).
func (s Settings) withRecent(path, keyFile string) Settings {
	rest := slices.DeleteFunc(slices.Clone(s.RecentVaults), func(p string) bool { return p == path })
	s.RecentVaults = append([]string{path}, rest...)
	s.KeyFiles = maps.Clone(s.KeyFiles)
	if s.KeyFiles == nil {
		s.KeyFiles = map[string]string{}
	}
	s.KeyFiles[path] = keyFile // normalise drops it when ""
	return s.normalise()
}

// SettingsStore loads and saves Settings.
type SettingsStore interface {
	Load() (Settings, error)
	Save(Settings) error
}

// FileSettings keeps Settings in a JSON file.
type FileSettings struct {
	Path string
}

// DefaultSettingsPath is $XDG_CONFIG_HOME/twofold/settings.json (or
// ~/.config/… when XDG_CONFIG_HOME is unset or relative).
func DefaultSettingsPath(getenv func(string) string) string {
	dir := getenv("XDG_CONFIG_HOME")
	if dir == "" || !filepath.IsAbs(dir) {
		home := getenv("HOME")
		if home == "" {
			home, _ = os.UserHomeDir()
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "twofold", "settings.json")
}

// Load reads the file; a missing file gives DefaultSettings.
func (f FileSettings) Load() (Settings, error) {
	b, err := os.ReadFile(f.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return DefaultSettings(), nil
	}
	if err != nil {
		return DefaultSettings(), fmt.Errorf("read settings: %w", err)
	}
	s := DefaultSettings()
	if err := json.Unmarshal(b, &s); err != nil {
		return DefaultSettings(), fmt.Errorf("read settings %q: %w", f.Path, err)
	}
	return s.normalise(), nil
}

// Save writes the file (0600, folder 0700), replacing it atomically.
func (f FileSettings) Save(s Settings) error {
	b, err := json.MarshalIndent(s.normalise(), "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(f.Path), 0o700); err != nil {
		return fmt.Errorf("save settings: %w", err)
	}
	tmp := f.Path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("save settings: %w", err)
	}
	if err := os.Rename(tmp, f.Path); err != nil {
		return fmt.Errorf("save settings: %w", err)
	}
	return nil
}
