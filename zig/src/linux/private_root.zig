//! A private root for the child: a fresh tmpfs holding only the granted paths
//! (bind mounts of the host's, symlinks copied as symlinks), pivoted to, with
//! the old root detached. Paths outside every grant then do not exist at all:
//! no pathname unix socket, no metadata, no inotify target outside the grants.
//! Runs in the CLONE_VM child like everything in spawn_child.zig: no
//! allocation, no libc, a path buffer on the child's stack.
const std = @import("std");
const sys = @import("sys.zig");
const linux = sys.linux;
const spec_mod = @import("spawn_spec.zig");

/// dir_ro and file_ro are bind mounts made read-only: landlock already denies
/// writes, and a read-only mount also stops chmod, utimes and xattr changes,
/// which landlock has no right for.
pub const Kind = enum(u32) { dir = 1, file = 2, symlink = 3, mkdir = 4, dir_ro = 5, file_ro = 6 };

pub const Entry = spec_mod.ViewEntry;

const at_fdcwd: usize = @bitCast(@as(isize, -100));
const o_wronly: usize = 0o1;
const o_creat: usize = 0o100;
const o_cloexec: usize = 0o2000000;
const ms_nosuid: usize = 2;
const ms_nodev: usize = 4;
const ms_bind: usize = 4096;
const ms_rdonly: usize = 1;
const ms_remount: usize = 32;
const ms_rec: usize = 16384;
const ms_private: usize = 1 << 18;
const mnt_detach: usize = 2;
const eexist: i32 = -17;
const staging = "/tmp";
const old_root = "/.cordon-oldroot";

const path_max = 4096;

/// Builds the root; returns a raw syscall result (an error stops the spawn).
pub fn build(c: *const spec_mod.Checked, entries: []const Entry) usize {
    var rc = linux.syscall5(.mount, 0, @intFromPtr("/"), 0, ms_rec | ms_private, 0);
    if (sys.isError(rc)) return rc;
    rc = linux.syscall5(.mount, @intFromPtr("tmpfs"), @intFromPtr(staging), @intFromPtr("tmpfs"), ms_nosuid | ms_nodev, @intFromPtr("mode=0755"));
    if (sys.isError(rc)) return rc;
    rc = linux.syscall3(.mkdirat, at_fdcwd, @intFromPtr(staging ++ old_root), 0o700);
    if (sys.isError(rc)) return rc;
    // pivot_root moves the tmpfs to "/" and the old root under it; the old
    // /tmp is visible again beneath /.cordon-oldroot.
    rc = linux.syscall2(.pivot_root, @intFromPtr(staging), @intFromPtr(staging ++ old_root));
    if (sys.isError(rc)) return rc;
    rc = linux.syscall1(.chdir, @intFromPtr("/"));
    if (sys.isError(rc)) return rc;

    const root = devOf("/") orelse return errno(2);
    var src: [path_max + old_root.len]u8 = undefined;
    for (entries) |e| {
        const path = c.str(e.path_off);
        const kind: Kind = @enumFromInt(e.kind);
        rc = switch (kind) {
            .mkdir => mkdirs(path, true, root),
            .dir, .file, .dir_ro, .file_ro => place(path, kind, &src, root),
            .symlink => link(path, c.str(e.target_off), root),
        };
        if (sys.isError(rc)) return rc;
    }
    rc = linux.syscall2(.umount2, @intFromPtr(old_root), mnt_detach);
    if (sys.isError(rc)) return rc;
    return linux.syscall3(.unlinkat, at_fdcwd, @intFromPtr(old_root), 0x200); // AT_REMOVEDIR
}

/// Bind-mounts the host's `path` (under the old root) onto the same path here.
fn place(path: [*:0]const u8, kind: Kind, src: []u8, root: u64) usize {
    const n = len(path);
    if (n + old_root.len >= src.len) return errno(36); // ENAMETOOLONG
    @memcpy(src[0..old_root.len], old_root);
    @memcpy(src[old_root.len..][0..n], path[0..n]);
    src[old_root.len + n] = 0;
    var rc: usize = 0;
    if (kind == .dir or kind == .dir_ro) {
        rc = mkdirs(path, true, root);
    } else {
        rc = mkdirs(path, false, root);
        if (!sys.isError(rc) and devOf(path) == null) {
            // The mount point is a new empty file, on the tmpfs only.
            var parent: [path_max]u8 = undefined;
            var p = n;
            while (p > 1 and path[p - 1] != '/') p -= 1;
            const plen = if (p > 1) p - 1 else 1;
            @memcpy(parent[0..plen], path[0..plen]);
            parent[plen] = 0;
            if (devOf(@ptrCast(&parent)) != root) return errno(18); // EXDEV
            const fd = linux.syscall4(.openat, at_fdcwd, @intFromPtr(path), o_wronly | o_creat | o_cloexec, 0o644);
            if (sys.isError(fd)) return fd;
            _ = linux.syscall1(.close, fd);
        }
    }
    if (sys.isError(rc)) return rc;
    rc = linux.syscall5(.mount, @intFromPtr(src.ptr), @intFromPtr(path), 0, ms_bind | ms_rec, 0);
    if (sys.isError(rc) or (kind != .dir_ro and kind != .file_ro)) return rc;
    return remountReadOnly(path);
}

/// MS_REMOUNT|MS_BIND|MS_RDONLY, keeping the flags the mount already has: in a
/// user namespace nosuid, nodev, noexec and the atime flags are locked, and a
/// remount that drops them is refused.
fn remountReadOnly(path: [*:0]const u8) usize {
    var st: [16]u64 = undefined; // struct statfs: f_flags is the 11th word on x86_64 and aarch64
    const rc = linux.syscall2(.statfs, @intFromPtr(path), @intFromPtr(&st));
    if (sys.isError(rc)) return rc;
    const f = st[10];
    var flags: usize = ms_remount | ms_bind | ms_rdonly;
    // ST_* (statvfs) → MS_*: most share their bit; relatime and nosymfollow do not.
    flags |= f & (2 | 4 | 8 | 16 | 64 | 1024 | 2048); // NOSUID NODEV NOEXEC SYNCHRONOUS MANDLOCK NOATIME NODIRATIME
    if (f & 4096 != 0) flags |= 1 << 21; // ST_RELATIME → MS_RELATIME
    if (f & 8192 != 0) flags |= 256; // ST_NOSYMFOLLOW → MS_NOSYMFOLLOW
    return linux.syscall5(.mount, 0, @intFromPtr(path), 0, flags, 0);
}

fn link(path: [*:0]const u8, target: [*:0]const u8, root: u64) usize {
    const rc = mkdirs(path, false, root);
    if (sys.isError(rc)) return rc;
    const l = linux.syscall3(.symlinkat, @intFromPtr(target), at_fdcwd, @intFromPtr(path));
    return if (sys.status(l) == eexist) 0 else l;
}

/// mkdir -p of `path` (or of its parent when `whole` is false). A directory
/// is created only when its parent is on the new root's own tmpfs (same
/// device as "/"), never through a bind mount onto the host: a missing component under a bind means the grant
/// vanished, and the spawn stops (EXDEV) rather than write to the host.
fn mkdirs(path: [*:0]const u8, whole: bool, root: u64) usize {
    var buf: [path_max]u8 = undefined;
    const n = len(path);
    if (n >= buf.len or n == 0 or path[0] != '/') return errno(22); // EINVAL
    var end = n;
    if (!whole) {
        while (end > 0 and path[end - 1] != '/') end -= 1;
        if (end > 1) end -= 1;
    }
    var parent_on_root = true;
    var i: usize = 1;
    while (i <= end) : (i += 1) {
        if (i != end and path[i] != '/') continue;
        @memcpy(buf[0..i], path[0..i]);
        buf[i] = 0;
        const dir: [*:0]const u8 = @ptrCast(&buf);
        if (devOf(dir)) |d| {
            parent_on_root = d == root;
            continue;
        }
        if (!parent_on_root) return errno(18); // EXDEV
        const made = linux.syscall3(.mkdirat, at_fdcwd, @intFromPtr(dir), 0o755);
        if (sys.isError(made)) return made;
    }
    return 0;
}

/// The device of an existing path (statx stx_dev_major:minor), or null when
/// it does not exist. The new root's tmpfs has a device of its own, so "on
/// the new root" is "same device as /" — a host tmpfs bound in has another.
fn devOf(path: [*:0]const u8) ?u64 {
    var stx: [256]u8 align(8) = undefined;
    const rc = linux.syscall5(.statx, at_fdcwd, @intFromPtr(path), 0, 0, @intFromPtr(&stx));
    if (sys.isError(rc)) return null;
    const major = std.mem.readInt(u32, stx[136..140], .little);
    const minor = std.mem.readInt(u32, stx[140..144], .little);
    return (@as(u64, major) << 32) | minor;
}

fn len(s: [*:0]const u8) usize {
    var n: usize = 0;
    while (s[n] != 0) n += 1;
    return n;
}

fn errno(e: usize) usize {
    return @bitCast(-@as(isize, @intCast(e)));
}
