package app

import "fmt"

// savingVault is the vault as the screens use it. Each of their actions
// (star, next HOTP code, add, remove, use a recovery code) changes the
// vault and saves at once, so a save that fails drops the change from
// memory too: the window then shows what is on disk, and no later save
// writes a change the person was told had failed (an account added
// after all, a recovery code marked used that was never copied). If
// even that fails, the window locks, which drops the change with
// everything else in memory.
type savingVault struct {
	Vault
	lock func()
}

func (v savingVault) Save() error {
	err := v.Vault.Save()
	if err == nil {
		return nil
	}
	if rerr := v.Vault.Revert(); rerr != nil {
		v.lock()
		return fmt.Errorf("%w; Twofold locked the vault to drop the unsaved change: unlock it and try again", err)
	}
	return err
}
