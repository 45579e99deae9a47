package app

import (
	"fmt"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
)

// FileChooser picks files. Each function calls done with the chosen
// path on the UI goroutine, or not at all when the person cancels.
type FileChooser struct {
	// Open picks an existing file; exts (".png"…) filter the list when
	// not empty.
	Open func(exts []string, done func(path string))
	// Save picks where to write a new file, proposing name.
	Save func(name string, done func(path string))
}

// withDefaults fills nil functions with Fyne's file dialogs on w.
func (f FileChooser) withDefaults(w fyne.Window) FileChooser {
	if f.Open == nil {
		f.Open = func(exts []string, done func(string)) { openDialog(w, exts, done) }
	}
	if f.Save == nil {
		f.Save = func(name string, done func(string)) { saveDialog(w, name, done) }
	}
	return f
}

func openDialog(w fyne.Window, exts []string, done func(string)) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			showError(w, err)
			return
		}
		if r == nil {
			return
		}
		r.Close()
		done(r.URI().Path())
	}, w)
	if len(exts) > 0 {
		d.SetFilter(storage.NewExtensionFileFilter(exts))
	}
	d.Show()
}

func saveDialog(w fyne.Window, name string, done func(string)) {
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil {
			showError(w, err)
			return
		}
		if wc == nil {
			return
		}
		// Fyne created the file with the default mode: writeSecretFile
		// replaces it with a private one.
		wc.Close()
		done(wc.URI().Path())
	}, w)
	d.SetFileName(name)
	d.Show()
}

// writeSecretFile writes a file readable by its owner only (0600): the
// data goes to a private temporary file beside path, renamed over path
// once complete, so a failed export leaves no half file and an existing
// file's looser mode is not kept.
func writeSecretFile(path string, write func(f *os.File) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("export %q: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = tmp.Chmod(0o600); err != nil {
		return fmt.Errorf("export %q: %w", path, err)
	}
	if err = write(tmp); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("export %q: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("export %q: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("export %q: %w", path, err)
	}
	return nil
}

// createSecretFile is writeSecretFile for writers that make the file
// themselves at a path that must not exist yet (a KeePass export): they
// get a fresh name in a private temporary folder beside path, and the
// result is renamed over path once complete.
func createSecretFile(path string, create func(tmp string) error) error {
	dir, err := os.MkdirTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("export %q: %w", path, err)
	}
	defer os.RemoveAll(dir)
	tmp := filepath.Join(dir, filepath.Base(path))
	if err := create(tmp); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o600); err != nil {
		return fmt.Errorf("export %q: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("export %q: %w", path, err)
	}
	return nil
}
