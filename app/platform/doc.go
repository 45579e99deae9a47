// Package platform gives the desktop app what Fyne does not: a clipboard
// fit for secrets, the image on the clipboard, and the screen as an
// image, each read without a person saving a file first.
//
// What each platform gets:
//
//   - X11 (and XWayland): [X11Clipboard] owns the CLIPBOARD selection
//     itself and marks what it serves with x-kde-passwordManagerHint =
//     "secret", the convention KDE's Klipper, KeePassXC and others use so
//     clipboard managers keep no history of a password. [X11Clipboard.Image]
//     and [Capture.ClipboardImage] read a PNG, JPEG, GIF or BMP from the
//     clipboard (INCR transfers included); [Capture.Screen] reads the
//     root window: every monitor in one image. [WatchMinimised] reports
//     when the window manager minimises or restores a window (ICCCM
//     WM_STATE, EWMH _NET_WM_STATE_HIDDEN), which Fyne does not, so the
//     app can stop redrawing what nobody sees.
//   - Wayland: [Capture.Screen] asks the desktop's Screenshot portal
//     (xdg-desktop-portal over D-Bus) and deletes the file the portal
//     saved, since a screenshot of a QR code is a secret on disk. It is
//     tried before XWayland there, because an X client reading the root
//     window of a Wayland desktop gets a black or partial image, not an
//     error.
//
// What is not possible here:
//
//   - A Wayland-native clipboard. A Wayland client may only touch the
//     clipboard while one of its surfaces has the keyboard focus (or
//     through a compositor-specific data-control protocol); without
//     XWayland the caller must keep Fyne's own clipboard, which lacks the
//     password-manager hint. With XWayland, GNOME and KDE mirror the
//     clipboard to X clients, so X11Clipboard still works.
//   - Wiping every copy of a secret: the text handed to SetContent is a
//     Go string, and the X library copies what it sends into buffers it
//     does not wipe. Our own copy is kept in memguard while we own the
//     clipboard and destroyed when we lose or give up the ownership.
//   - Serving texts larger than one X request (about 256 KiB) from
//     SetContent: they are refused (the requestor gets nothing). Reading
//     large texts and images uses INCR and is capped at [MaxTransfer].
//   - Knowing a Wayland-native window is minimised: xdg-shell has no
//     minimised state for a client to read (at most the newer
//     "suspended" hint, which the toolkit does not pass on). Under
//     XWayland, WatchMinimised works.
//   - macOS and Windows: nothing here; the caller keeps Fyne's clipboard
//     and opens an image file.
//
// Nothing in this package prints, logs or exits. It silences the X
// library's own logger (which would otherwise write to stderr whenever
// no Xauthority file exists); errors are returned, typed: [ErrUnavailable],
// [ErrNoImage], [ErrCancelled], [ErrTooLarge].
package platform
