// Makes libfido2's Linux hidraw backend talk to a software authenticator
// listening on an AF_UNIX SOCK_SEQPACKET socket, by standing in for the libc
// calls hid_linux.c and hid_unix.c make on a device node:
//
//   open, open64, __open_2, __open64_2  connect when the path is a socket file
//   fstat, fstat64, __fxstat, __fxstat64 report the socket as a char device
//   ioctl HIDIOCGRDESCSIZE/HIDIOCGRDESC   return a FIDO report descriptor
//
// flock, ppoll, read and write work on the socket as they are. Every other
// path and descriptor goes to the real libc functions untouched. A seqpacket
// socket keeps the 64-byte report boundaries libfido2 relies on.
//
// Built into Go test binaries through cgo (package shim), and as an
// LD_PRELOAD library for child processes such as fido2-token.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/hidraw.h>
#include <stdarg.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

// The HID report descriptor of a FIDO authenticator: usage page 0xF1D0,
// usage CTAPHID, 64-byte input and output reports, no report IDs.
static const unsigned char fido_report_descriptor[] = {
	0x06, 0xd0, 0xf1, // usage page (FIDO alliance)
	0x09, 0x01,       // usage (CTAPHID)
	0xa1, 0x01,       // collection (application)
	0x09, 0x20,       //   usage (data in)
	0x15, 0x00,       //   logical minimum (0)
	0x26, 0xff, 0x00, //   logical maximum (255)
	0x75, 0x08,       //   report size (8)
	0x95, 0x40,       //   report count (64)
	0x81, 0x02,       //   input (data, variable, absolute)
	0x09, 0x21,       //   usage (data out)
	0x15, 0x00,       //   logical minimum (0)
	0x26, 0xff, 0x00, //   logical maximum (255)
	0x75, 0x08,       //   report size (8)
	0x95, 0x40,       //   report count (64)
	0x91, 0x02,       //   output (data, variable, absolute)
	0xc0,             // end collection
};

typedef int (*open_fn)(const char *, int, ...);
typedef int (*fstat_fn)(int, struct stat *);
typedef int (*ioctl_fn)(int, unsigned long, ...);

static void *next_symbol(const char *name) {
	return dlsym(RTLD_NEXT, name);
}

// is_rig_socket reports whether fd is an AF_UNIX SOCK_SEQPACKET socket,
// which in a process using this shim can only be a connection to the rig.
static int is_rig_socket(int fd) {
	int type = 0, domain = 0;
	socklen_t len = sizeof(type);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0)
		return 0;
	len = sizeof(domain);
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) != 0)
		return 0;
	return type == SOCK_SEQPACKET && domain == AF_UNIX;
}

// connect_socket returns a connected descriptor, -1 with errno set, or -2
// when path is not a socket file and the real open should handle it.
static int connect_socket(const char *path) {
	struct stat st;
	struct sockaddr_un addr;
	int fd, saved;

	if (path == NULL || stat(path, &st) != 0 || !S_ISSOCK(st.st_mode))
		return -2;
	if (strlen(path) >= sizeof(addr.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memset(&addr, 0, sizeof(addr));
	addr.sun_family = AF_UNIX;
	strcpy(addr.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
		saved = errno;
		close(fd);
		errno = saved == ECONNREFUSED ? ENOENT : saved;
		return -1;
	}
	return fd;
}

static int open_with(const char *name, const char *path, int flags, mode_t mode) {
	int fd = connect_socket(path);
	open_fn real;

	if (fd != -2)
		return fd;
	if ((real = (open_fn)next_symbol(name)) == NULL) {
		errno = ENOSYS;
		return -1;
	}
	return real(path, flags, mode);
}

static mode_t mode_arg(int flags, va_list ap) {
	if (flags & (O_CREAT | __O_TMPFILE))
		return (mode_t)va_arg(ap, int);
	return 0;
}

int open(const char *path, int flags, ...) {
	va_list ap;
	va_start(ap, flags);
	mode_t mode = mode_arg(flags, ap);
	va_end(ap);
	return open_with("open", path, flags, mode);
}

int open64(const char *path, int flags, ...) {
	va_list ap;
	va_start(ap, flags);
	mode_t mode = mode_arg(flags, ap);
	va_end(ap);
	return open_with("open64", path, flags, mode);
}

int __open_2(const char *path, int flags) {
	return open_with("open", path, flags, 0);
}

int __open64_2(const char *path, int flags) {
	return open_with("open64", path, flags, 0);
}

static int fstat_with(const char *name, int fd, struct stat *st) {
	fstat_fn real = (fstat_fn)next_symbol(name);
	int r;

	if (real == NULL) {
		errno = ENOSYS;
		return -1;
	}
	r = real(fd, st);
	if (r == 0 && S_ISSOCK(st->st_mode) && is_rig_socket(fd))
		st->st_mode = (st->st_mode & ~S_IFMT) | S_IFCHR;
	return r;
}

int fstat(int fd, struct stat *st) {
	return fstat_with("fstat", fd, st);
}

int fstat64(int fd, struct stat64 *st) {
	return fstat_with("fstat64", fd, (struct stat *)st);
}

// Binaries built against glibc before 2.33 call these instead of fstat.
int __fxstat(int ver, int fd, struct stat *st) {
	(void)ver;
	return fstat_with("fstat", fd, st);
}

int __fxstat64(int ver, int fd, struct stat64 *st) {
	(void)ver;
	return fstat_with("fstat64", fd, (struct stat *)st);
}

static int report_descriptor(unsigned long req, void *arg) {
	if (req == HIDIOCGRDESCSIZE) {
		*(int *)arg = (int)sizeof(fido_report_descriptor);
		return 0;
	}
	struct hidraw_report_descriptor *rd = arg;
	size_t n = rd->size;
	if (n > sizeof(fido_report_descriptor))
		n = sizeof(fido_report_descriptor);
	memcpy(rd->value, fido_report_descriptor, n);
	rd->size = (unsigned int)n;
	return 0;
}

int ioctl(int fd, unsigned long req, ...) {
	va_list ap;
	va_start(ap, req);
	void *arg = va_arg(ap, void *);
	va_end(ap);

	if ((req == HIDIOCGRDESCSIZE || req == HIDIOCGRDESC) && is_rig_socket(fd))
		return report_descriptor(req, arg);
	ioctl_fn real = (ioctl_fn)next_symbol("ioctl");
	if (real == NULL) {
		errno = ENOSYS;
		return -1;
	}
	return real(fd, req, arg);
}
