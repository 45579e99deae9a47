package vault

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"
)

// fileVersion identifies the bytes of the vault we last read or wrote.
type fileVersion struct {
	sum     [32]byte
	modTime time.Time
	size    int64
}

func versionOf(data []byte, fi fs.FileInfo) fileVersion {
	return fileVersion{sum: sha256.Sum256(data), modTime: fi.ModTime(), size: fi.Size()}
}

// BackupPath is where a save keeps the previous version of the vault:
// beside the file itself, so when path is a symbolic link, beside the file
// the link leads to.
func BackupPath(path string) string { return backupPath(realPathOrSelf(path)) }

func backupPath(real string) string { return real + ".bak" }

// LockPath is the file a save holds a lock on (".NAME.lock" beside the
// vault; when path is a symbolic link, beside the file it leads to, so
// that saves through the link and through the file itself exclude each
// other). It stays after the save: deleting a lock file another process
// may be about to lock would let two writers in. A caller that knows no
// one else writes path (a fresh export) may remove it.
func LockPath(path string) string { return lockPath(realPathOrSelf(path)) }

func lockPath(real string) string {
	return filepath.Join(filepath.Dir(real), "."+filepath.Base(real)+".lock")
}

// realPath is the file a save must replace: path itself, or, when path is
// a symbolic link, the file at the end of its chain of links. Replacing
// the link would cut it from the file it leads to (say, one in a synced
// folder), which would then silently stop getting changes; KeePassXC too
// writes the file the link leads to. A path that does not exist is
// returned as it is (a new vault); a link to nothing is ErrDanglingLink,
// links that lead to each other the kernel's ELOOP.
func realPath(path string) (string, error) {
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return path, nil
	case err != nil:
		return "", err
	case fi.Mode()&fs.ModeSymlink == 0:
		return path, nil
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		target, _ := os.Readlink(path)
		return "", fmt.Errorf("%w: %q leads to %q, where there is nothing (moved, deleted, or on a drive that is not mounted?)", ErrDanglingLink, path, target)
	} else if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(path)
}

func realPathOrSelf(path string) string {
	if real, err := realPath(path); err == nil {
		return real
	}
	return path
}

// writeLock holds an exclusive flock on the vault's lock file while one
// process saves, so two processes never write the same vault at once.
type writeLock struct{ f *os.File }

func acquireWriteLock(path string) (*writeLock, error) {
	f, err := os.OpenFile(lockPath(path), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock vault %q: %w", path, err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, fmt.Errorf("save vault %q: %w", path, ErrBusy)
		}
		return nil, fmt.Errorf("lock vault %q: %w", path, err)
	}
	return &writeLock{f}, nil
}

func (l *writeLock) release() {
	_ = unix.Flock(int(l.f.Fd()), unix.LOCK_UN)
	l.f.Close()
}

// writeAtomic replaces path with data so that at every instant path holds
// either the old or the new bytes: write a temporary file in the same
// folder, fsync it, rename it over path, fsync the folder. The file is
// created 0600.
func writeAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(name)
		}
	}()
	if err := tmp.Chmod(0o600); err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(name, path); err != nil {
		return err
	}
	ok = true
	return syncDir(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// saveFile writes data to path (to the file it leads to, if it is a
// symbolic link) under the write lock, after checking that the file on
// disk is still the version we know (expected), and after keeping that
// version as the backup. It returns the new version.
func saveFile(path string, data []byte, expected *fileVersion) (fileVersion, error) {
	real, err := realPath(path)
	if err != nil {
		return fileVersion{}, fmt.Errorf("save vault %q: %w", path, err)
	}
	lock, err := acquireWriteLock(real)
	if err != nil {
		return fileVersion{}, err
	}
	defer lock.release()
	removeStaleTemps(real)
	current, err := os.ReadFile(real)
	switch {
	case err == nil:
		if err := checkUnchanged(path, current, expected); err != nil {
			return fileVersion{}, err
		}
		if err := writeAtomic(backupPath(real), current); err != nil {
			return fileVersion{}, fmt.Errorf("save vault %q: keep backup: %w", path, err)
		}
	case errors.Is(err, fs.ErrNotExist) && expected == nil:
	case errors.Is(err, fs.ErrNotExist):
		return fileVersion{}, &ChangedOnDiskError{Path: path, OpenedModTime: expected.modTime, OpenedSize: expected.size, OnDiskIsMissing: true}
	default:
		return fileVersion{}, fmt.Errorf("save vault %q: %w", path, err)
	}
	if err := writeAtomic(real, data); err != nil {
		return fileVersion{}, fmt.Errorf("save vault %q: %w", path, err)
	}
	fi, err := os.Stat(real)
	if err != nil {
		return fileVersion{}, fmt.Errorf("save vault %q: %w", path, err)
	}
	return versionOf(data, fi), nil
}

func checkUnchanged(path string, current []byte, expected *fileVersion) error {
	if expected == nil {
		return fmt.Errorf("create vault %q: %w", path, ErrExists)
	}
	if sha256.Sum256(current) == expected.sum {
		return nil
	}
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("save vault %q: %w", path, err)
	}
	return &ChangedOnDiskError{
		Path: path, OpenedModTime: expected.modTime, OpenedSize: expected.size,
		OnDiskModTime: fi.ModTime(), OnDiskSize: fi.Size(),
	}
}

// removeStaleTemps deletes temporary files a save killed mid-way left
// behind. Only the holder of the write lock creates them, so while we hold
// it every one of them is stale.
func removeStaleTemps(path string) {
	dir, base := filepath.Dir(path), filepath.Base(path)
	for _, pattern := range []string{"." + base + ".tmp-*", "." + base + ".bak.tmp-*"} {
		matches, _ := filepath.Glob(filepath.Join(dir, pattern))
		for _, m := range matches {
			_ = os.Remove(m)
		}
	}
}
