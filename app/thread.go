package app

import "fyne.io/fyne/v2"

// onUI runs f on Fyne's goroutine. It is the only way code running on
// another goroutine (Deps.Work jobs, real timers) may reach a widget.
// In the test driver fyne.Do runs f synchronously (see the package doc).
func onUI(f func()) { fyne.Do(f) }

// Work runs a slow job off the UI goroutine (key derivation, saving).
// The job reports back through onUI.
type Work func(job func())

// GoWork is the real Work: a new goroutine per job.
func GoWork(job func()) { go job() }
