// Package vault is Twofold's KeePass-backed store.
package vault
