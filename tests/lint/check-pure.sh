#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The pure layer proves it (lint suite): tests/lint/check-pure.sh NM ARCHIVE [--expect-fail]
#
# Fails when `nm -u` on ARCHIVE (libtdxctl-format.a) lists a symbol that does I/O or reads the
# host's state, printing each object and symbol, or when one of its objects calls a tdx_
# function defined outside the archive (the host code: file.c, host.c, ...) other than the
# logging hook. With --expect-fail it checks the checker: ARCHIVE (the whole libtdxctl.a) must
# fail, naming at least one object and symbol.
#
# Why each family is listed (a pure function's result depends on its arguments only):
# - descriptors and stdio on files: open, openat, read, write, close, fopen, fread, printf,
#   ...: the bytes come from or go to the outside; the pure code gets and returns buffers
#   (snprintf, asprintf into memory are fine);
# - file system names and metadata: stat, fstat, lstat, access, realpath, readlink, mkdir,
#   unlink, rename, ...: what a path is, is the host's state, and decides nothing pure;
# - folders: opendir, readdir, scandir, glob, ...;
# - mapping files and memory shared with the outside: mmap, munmap, mremap;
# - environment and identity: getenv, secure_getenv, setenv, getuid, geteuid, getpid, ...: the
#   context reads the environment once (lib/ctx.c) and hands paths and settings down;
# - processes, signals and dynamic loading: system, popen, fork, exec*, kill, dlopen;
# - time and randomness: time, clock_gettime, gettimeofday, localtime, nanosleep, sleep,
#   getrandom, rand, random: the caller supplies the clock and the random value (the retry
#   policy), so that tests can fix them;
# - network and host names: socket, connect, send, recv, getaddrinfo, gethostname, uname;
# - logs: syslog, openlog (the pure code logs only through tdx_log, format/log.c, and the
#   context's hook);
# - libraries that reach the host: libkmod (kmod_*), libudev (udev_*), json-c's file helpers
#   (json_object_from_file, json_object_to_file*, json_object_from_fd), OpenSSL's file, store
#   and random entry points (BIO_new_file, BIO_new_fp, PEM_read*, OSSL_STORE_*, RAND_*).
# glibc's variants are folded onto these names first: stat64 -> stat, __open_2 -> open,
# __read_chk -> read, __xstat -> stat, symbol versions dropped.
set -eu
nm=$1 lib=$2 mode=${3:-}

[ -f "$lib" ] || { echo "no $lib" >&2; exit 1; }
command -v "$nm" >/dev/null 2>&1 || [ -x "$nm" ] || { echo "$nm not installed: skipped"; exit 77; }

denied='
open openat openat2 open_by_handle_at creat close close_range read pread preadv readv write
pwrite pwritev writev lseek fsync fdatasync sync syncfs ftruncate truncate dup dup2 dup3 pipe
pipe2 fcntl ioctl sendfile splice tee copy_file_range posix_fadvise fallocate flock lockf
fopen fdopen freopen fclose fcloseall fread fwrite fgets fgetc getc getchar getline getdelim
ungetc fputs fputc putc putchar puts printf vprintf fprintf vfprintf dprintf vdprintf scanf
fscanf vfscanf vscanf fflush fseek fseeko ftell ftello rewind fgetpos fsetpos fileno setvbuf
setbuf tmpfile popen pclose perror stdin stdout stderr
stat fstat lstat fstatat newfstatat statx access faccessat faccessat2 euidaccess eaccess
realpath canonicalize_file_name readlink readlinkat chdir fchdir getcwd get_current_dir_name
mkdir mkdirat rmdir unlink unlinkat remove rename renameat renameat2 link linkat symlink
symlinkat chmod fchmod fchmodat chown fchown lchown fchownat utime utimes utimensat futimens
mkstemp mkostemp mkstemps mkdtemp mktemp tmpnam tempnam mknod mknodat mkfifo statfs fstatfs
statvfs fstatvfs name_to_handle_at inotify_init inotify_add_watch fanotify_init
opendir fdopendir readdir readdir_r closedir rewinddir seekdir telldir dirfd scandir scandirat
glob nftw ftw fts_open fts_read
mmap munmap mremap msync
getenv secure_getenv setenv putenv unsetenv clearenv environ __environ
getuid geteuid getgid getegid getresuid getresgid getgroups getpid getppid gettid getpgid
getsid getlogin getlogin_r getpwnam getpwuid getpwnam_r getpwuid_r getgrnam getgrgid
getgrnam_r getgrgid_r capget capset prctl
system fork vfork clone execve execv execvp execvpe execl execlp execle fexecve posix_spawn
posix_spawnp wait waitpid waitid kill raise sigaction signal sigprocmask pthread_sigmask
dlopen dlsym
time clock_gettime clock_getres gettimeofday clock times localtime localtime_r gmtime
ctime ctime_r mktime timegm tzset nanosleep clock_nanosleep sleep usleep alarm setitimer
timer_create timerfd_create getrandom getentropy rand rand_r random srand srandom drand48
lrand48 arc4random
socket socketpair connect bind listen accept accept4 send sendto sendmsg recv recvfrom recvmsg
shutdown getsockopt setsockopt getaddrinfo gethostbyname gethostname getdomainname uname
syslog vsyslog openlog closelog
json_object_from_file json_object_to_file json_object_to_file_ext json_object_from_fd
json_object_from_fd_ex
BIO_new_file BIO_new_fp BIO_new_fd BIO_new_socket BIO_read_filename
'
denied_prefixes='kmod_ udev_ PEM_read OSSL_STORE_ RAND_ ENGINE_ CONF_modules_load'
# The pure code's one way out: its messages (format/log.c), through the context's logging hook
# (lib/ctx.c).
allowed_tdx='tdx_ctx_log_line tdx_ctx_get_log_priority'

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '%s\n' $denied | sort -u >"$tmp/denied"

# "archive:object:   U symbol" -> "object symbol"
"$nm" -A -u "$lib" | sed -n 's/^[^:]*:\([^:]*\):[[:space:]]*U[[:space:]]\{1,\}\([^[:space:]]*\)$/\1 \2/p' \
	>"$tmp/undef"
"$nm" --defined-only -g "$lib" 2>/dev/null | awk 'NF == 3 { print $3 }' | sort -u >"$tmp/defined"
[ -s "$tmp/undef" ] || { echo "nm -u listed nothing for $lib: cannot check it" >&2; exit 1; }

# One pass of awk over "object symbol" lines: the denied names, the prefixes, and the tdx_
# functions defined outside the archive.
awk -v lib="$lib" -v prefixes="$denied_prefixes" -v allowed="$allowed_tdx" '
	FILENAME == ARGV[1] { denied[$1] = 1; next }
	FILENAME == ARGV[2] { defined[$1] = 1; next }
	BEGIN {
		np = split(prefixes, pre, " ")
		na = split(allowed, al, " ")
		for (k = 1; k <= na; k++) ok[al[k]] = 1
	}
	{
		obj = $1; sym = $2; base = sym
		sub(/@.*/, "", base)
		# glibc: fortified, large-file and stat-wrapper variants under the name they stand for
		if (base ~ /^__.*_chk$/) { sub(/^__/, "", base); sub(/_chk$/, "", base) }
		else if (base ~ /^__.*_2$/) { sub(/^__/, "", base); sub(/_2$/, "", base) }
		else if (base ~ /^__(xstat|xstat64)$/) base = "stat"
		else if (base ~ /^__(fxstat|fxstat64)$/) base = "fstat"
		else if (base ~ /^__(lxstat|lxstat64)$/) base = "lstat"
		else if (base ~ /^__(fxstatat|fxstatat64)$/) base = "fstatat"
		if (base ~ /64$/ && (substr(base, 1, length(base) - 2) in denied))
			base = substr(base, 1, length(base) - 2)
		why = ""
		if (base in denied)
			why = "I/O or host state"
		for (k = 1; why == "" && k <= np; k++)
			if (index(base, pre[k]) == 1)
				why = "a library that reaches the host"
		if (why == "" && base ~ /^tdx_/ && !(base in defined) && !(base in ok))
			why = "host code outside the pure library"
		if (why != "")
			print lib ": " obj ": " sym " (" why ")"
	}
' "$tmp/denied" "$tmp/defined" "$tmp/undef" >"$tmp/found"
cat "$tmp/found"
found=$(wc -l <"$tmp/found")

objs=$(cut -d' ' -f1 "$tmp/undef" | sort -u | wc -l)
if [ "$mode" = --expect-fail ]; then
	if [ "$found" -eq 0 ]; then
		echo "FAIL: the checker found nothing in $lib, which does I/O: it cannot fail" >&2
		exit 1
	fi
	echo "ok: the checker finds $found I/O symbol uses in $lib, as it must"
	exit 0
fi
if [ "$found" -gt 0 ]; then
	echo "FAIL: $found use(s) of I/O or host state in the pure library $lib" >&2
	exit 1
fi
echo "ok: $objs objects of $lib, $(wc -l <"$tmp/undef") undefined symbols, none does I/O"
