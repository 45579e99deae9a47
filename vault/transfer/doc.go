// Package transfer moves OTP accounts into and out of a Twofold vault:
// export files of other authenticator apps, QR codes, and other KeePass
// databases in; otpauth URI lists, Aegis vaults, Google Authenticator
// migration codes and KeePass copies out.
//
// # Import
//
// Import (or ImportFile, ImportCodes) reads a file into a Result: the
// accounts, their secrets sealed in memory, and the entries that cannot
// be imported with the reason. PreviewImport compares a Result with a
// vault (new, duplicate, cannot import); Apply adds the new accounts and
// saves once. Detect names a file's format; Options.Format forces one.
// Encrypted files ask for their export password through
// Options.Password, only when needed.
//
// What each format carries (anything else is an exact round trip of
// issuer, account, secret, type, algorithm, digits, period or counter):
//
//   - 2FAS schema 1: no algorithm, digits or period, no HOTP: every
//     account is TOTP SHA1/6/30. Schema 2: no HOTP (HOTP accounts were
//     exported as TOTP) and no Steam. Schema 3: no Steam. Schema 4: all.
//   - Google Authenticator migration: no period (30 s), digits 6 or 8
//     only, no Steam.
//   - Bitwarden: a bare secret or a steam:// link names no issuer or
//     account; the item's name and user name stand in.
//   - Steam Guard files: the issuer is always "Steam".
//   - FreeOTP+: the file keeps the last used HOTP counter; the next one
//     (stored + 1) is imported.
//
// # Secrets in memory
//
// Secrets are decoded straight into locked memory and sealed in a
// per-result secret box; Result.Key hands one out in a LockedBuffer. The
// file's own bytes are the caller's (Import only reads them). Unavoidable
// copies in ordinary memory are kept short-lived and wiped: secret JSON
// strings are unmarshalled into byte slices of their own (secretJSON),
// decrypted contents go to locked memory up to 1 MiB, CSV fields are
// parsed in place, and protobuf secrets are wiped after use. What cannot
// be wiped comes from libraries: QR texts (gozxing returns strings), the
// password copy inside the KDFs, AES key schedules. Copies of secret
// text pass through vector registers, which a preemption signal saves in
// dumpable memory: the promise holds for a process that runs with
// GODEBUG=asyncpreemptoff=1, as the twofold command does.
//
// # Hostile input
//
// Every size and cost an import file chooses is capped by Limits: file
// and image size, number of entries, scrypt and PBKDF2 parameters read
// from encrypted headers. Limits are checked before any work is done.
// Bad entries are skipped with a reason; errors never quote secret text.
package transfer
