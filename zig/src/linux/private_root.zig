//! A private root for the child: a fresh tmpfs holding only the granted paths
//! (bind mounts of the host's, symlinks copied as symlinks), pivoted to, with
//! the old root detached. Paths outside every grant then do not exist at all:
//! no pathname unix socket, no metadata, no inotify target outside the grants.
//! Runs in the CLONE_VM child like everything in spawn_child.zig: no
//! allocation, no libc, a path buffer on the child's stack.
//!
//! Every syscall here is on the spawn's critical path, so nothing is asked of
//! the kernel that the entries already tell: whether a path lies on the new
//! tmpfs or beneath a bind is decided from the entries placed before it, and
//! read-only binds are born read-only (bound from a read-only copy of the old
//! root) instead of each being remounted with the flags read back first.
//!
//! Bind sources are looked up after pivot_root, so a plain path lookup
//! resolves an absolute symlink on the host path (or a relative one with
//! enough "..") inside the new root, onto what the view already placed there
//! (a writable bind, the tmpfs, or the old root itself under its new name).
//! So a writable source is opened beneath the old root with openat2
//! RESOLVE_IN_ROOT, which resolves it as the host would and cannot leave the
//! old root, and bound from that handle; a read-only bind is set read-only
//! once made, submounts included (one mount_setattr, which needs no flags read
//! back), so wherever its lookup led, it ends read-only or the spawn stops.
const std = @import("std");
const sys = @import("sys.zig");
const uapi = @import("uapi.zig");
const linux = sys.linux;
const spec_mod = @import("spawn_spec.zig");
const view_mounts = @import("view_mounts.zig");

/// dir_ro and file_ro are bind mounts made read-only: landlock already denies
/// writes, and a read-only mount also stops chmod, utimes and xattr changes,
/// which landlock has no right for.
/// mask entries are not part of the root: they name files of the fresh
/// /proc to hide once it is mounted (maskProc).
/// deny covers a path beneath a bind (a denied read) with an empty mode-0000
/// file or directory, read-only. tmpfs, devpts, cgroup and cgroup2 mount a
/// filesystem of the sandbox's own (view_mounts.zig).
pub const Kind = enum(u32) { dir = 1, file = 2, symlink = 3, mkdir = 4, dir_ro = 5, file_ro = 6, mask = 7, deny = 8, tmpfs = 9, devpts = 10, cgroup = 11, cgroup2 = 12 };

pub const Entry = spec_mod.ViewEntry;

const s_ifreg: usize = 0o100000;
const staging = "/tmp";
const old_root = "/.cordon-oldroot";

const path_max = 4096;
/// Writable binds taken as detached copies before the old root turns
/// read-only; a view with more of them is built the older way.
const max_writable = 32;

/// struct mount_attr (linux/mount.h), MOUNT_ATTR_SIZE_VER0.
const MountAttr = extern struct { attr_set: u64 = 0, attr_clr: u64 = 0, propagation: u64 = 0, userns_fd: u64 = 0 };

/// Builds the root, the old one still attached beneath it until
/// detachOldRoot; returns a raw syscall result (an error stops the spawn).
pub fn build(c: *const spec_mod.Checked, entries: []const Entry) usize {
    var rc = linux.syscall5(.mount, 0, @intFromPtr("/"), 0, uapi.ms_rec | uapi.ms_private, 0);
    if (sys.isError(rc)) return rc;
    rc = linux.syscall5(.mount, @intFromPtr("tmpfs"), @intFromPtr(staging), @intFromPtr("tmpfs"), uapi.ms_nosuid | uapi.ms_nodev, @intFromPtr("mode=0755"));
    if (sys.isError(rc)) return rc;
    rc = linux.syscall3(.mkdirat, uapi.at_fdcwd, @intFromPtr(staging ++ old_root), 0o700);
    if (sys.isError(rc)) return rc;
    // pivot_root moves the tmpfs to "/" and the old root under it; the old
    // /tmp is visible again beneath /.cordon-oldroot.
    rc = linux.syscall2(.pivot_root, @intFromPtr(staging), @intFromPtr(staging ++ old_root));
    if (sys.isError(rc)) return rc;
    rc = linux.syscall1(.chdir, @intFromPtr("/"));
    if (sys.isError(rc)) return rc;

    for (entries) |e| if (!normal(c.str(e.path_off))) return errno(22); // EINVAL
    var src: [path_max + old_root.len]u8 = undefined;
    var w: Sources = .{};
    w.take(c, entries);
    var made: Made = .{};
    var covers: Covers = .{};
    var mounts: view_mounts.State = .{};
    var next_writable: usize = 0;
    for (entries, 0..) |e, i| {
        const path = c.str(e.path_off);
        const kind: Kind = @enumFromInt(e.kind);
        const over = beneathEarlier(c, entries[0..i], path);
        rc = switch (kind) {
            .mask => 0, // after /proc is mounted: maskProc
            .mkdir => if (over) exists(path, 0) else made.dirs(path, len(path)),
            .symlink => if (over) exists(path, uapi.at_symlink_nofollow) else link(path, c.str(e.target_off), &made),
            .dir, .file, .dir_ro, .file_ro => blk: {
                if (!over) {
                    const r = mountPoint(path, kind, &made);
                    if (sys.isError(r)) break :blk r;
                }
                const r = if (w.ready and (kind == .dir or kind == .file)) a: {
                    next_writable += 1;
                    break :a w.attach(next_writable - 1, path);
                } else bind(path, kind, w.root, &src);
                if (sys.isError(r) or e.same_as == 0) break :blk r;
                break :blk sameFile(path, e.same_as - 1);
            },
            // The host's file it hides must be there, and be the one checked.
            .deny => blk: {
                if (!over) break :blk errno(18); // EXDEV: nothing of the host's to cover
                if (e.same_as != 0) {
                    const r = sameFile(path, e.same_as - 1);
                    if (sys.isError(r)) break :blk r;
                }
                break :blk covers.cover(path, true);
            },
            .tmpfs, .devpts, .cgroup, .cgroup2 => blk: {
                const r = if (over) exists(path, 0) else made.dirs(path, len(path));
                if (sys.isError(r)) break :blk r;
                const mk: view_mounts.Kind = switch (kind) {
                    .tmpfs => .tmpfs,
                    .devpts => .devpts,
                    .cgroup => .cgroup1,
                    else => .cgroup2,
                };
                const options: [*:0]const u8 = if (e.target_off == 0) "" else c.str(e.target_off);
                break :blk view_mounts.mount(&mounts, mk, path, options, c.spec.landlock_fd, e.same_as);
            },
        };
        if (sys.isError(rc)) {
            covers.finish();
            w.closeRest(next_writable);
            return rc;
        }
    }
    covers.finish();
    w.closeRoot();
    return 0;
}

/// Detaches the old root, once the caller has mounted what needs it there: a
/// fresh procfs is refused in a user namespace unless a procfs is still
/// fully visible in the mount namespace (the old root's /proc).
pub fn detachOldRoot() usize {
    const rc = linux.syscall2(.umount2, @intFromPtr(old_root), uapi.mnt_detach);
    if (sys.isError(rc)) return rc;
    return linux.syscall3(.unlinkat, uapi.at_fdcwd, @intFromPtr(old_root), 0x200); // AT_REMOVEDIR
}

/// Where bind sources come from. `root` is the old root, held to look each
/// source up beneath it (openat2, 5.6+; -1 where refused: sources are then
/// looked up with the old root as root, bindAsHost). The writable binds of
/// the view are taken as detached copies (open_tree) while the old root still
/// has the host's flags; then every mount of the old root is made read-only
/// (mount_setattr), so each read-only bind made from it afterwards is
/// read-only from birth, submounts included. Any refusal (kernels before
/// 5.12, a seccomp profile, a grant that vanished) leaves `ready` false: the
/// view is then built bind by bind, each read-only one made so after it is
/// bound (readOnly), which gives the same result or the error.
const Sources = struct {
    root: isize = -1,
    fds: [max_writable]i32 = undefined,
    count: usize = 0,
    ready: bool = false,

    fn take(self: *Sources, c: *const spec_mod.Checked, entries: []const Entry) void {
        const r = sys.openat2(uapi.at_fdcwd, old_root, &.{ .flags = uapi.o_path | uapi.o_cloexec });
        if (sys.isError(r)) return;
        self.root = @intCast(r);
        for (entries) |e| {
            const kind: Kind = @enumFromInt(e.kind);
            if (kind != .dir and kind != .file) continue;
            if (self.count == max_writable) return self.giveUp();
            const fd = tree(self.root, c.str(e.path_off));
            if (sys.isError(fd)) return self.giveUp();
            self.fds[self.count] = @intCast(fd);
            self.count += 1;
        }
        const attr: MountAttr = .{ .attr_set = uapi.mount_attr_rdonly };
        const rc = linux.syscall5(.mount_setattr, uapi.at_fdcwd, @intFromPtr(old_root), uapi.at_recursive, @intFromPtr(&attr), @sizeOf(MountAttr));
        if (sys.isError(rc)) return self.giveUp();
        self.ready = true;
    }

    /// Moves the i-th copy onto `path` and closes its fd.
    fn attach(self: *Sources, i: usize, path: [*:0]const u8) usize {
        return moveTo(@intCast(self.fds[i]), path);
    }

    fn closeRest(self: *Sources, from: usize) void {
        self.closeRoot();
        if (!self.ready) return;
        for (self.fds[from..self.count]) |fd| _ = linux.syscall1(.close, @as(usize, @intCast(fd)));
    }

    fn closeRoot(self: *Sources) void {
        if (self.root >= 0) _ = linux.syscall1(.close, @as(usize, @intCast(self.root)));
        self.root = -1;
    }

    /// Back to the remount path: nothing was changed yet but the fds.
    fn giveUp(self: *Sources) void {
        for (self.fds[0..self.count]) |fd| _ = linux.syscall1(.close, @as(usize, @intCast(fd)));
        self.count = 0;
    }
};

/// A detached copy (submounts included) of the host's `path`, resolved as the
/// host would, beneath `root` (absolute symlinks restart there, ".." stops
/// there); magic links (/proc/<pid>/fd, cwd, root) could point anywhere, so
/// they are refused.
fn tree(root: isize, path: [*:0]const u8) usize {
    const how: sys.OpenHow = .{ .flags = uapi.o_path | uapi.o_cloexec, .resolve = sys.resolve_in_root | sys.resolve_no_magiclinks };
    const fd = sys.openat2(@intCast(root), path, &how);
    if (sys.isError(fd)) return fd;
    const t = linux.syscall3(.open_tree, fd, @intFromPtr(""), uapi.at_empty_path | uapi.open_tree_clone | uapi.o_cloexec | uapi.at_recursive);
    _ = linux.syscall1(.close, fd);
    return t;
}

const statx_ino: usize = 0x100;

/// Whether the bind now on `path` shows the file the caller opened as `fd`
/// (its grant, checked against the policy's resolution): the source was
/// looked up by path, and a grant swapped for a symlink or another directory
/// since leads elsewhere. ESTALE stops the spawn then.
fn sameFile(path: [*:0]const u8, fd: u32) usize {
    var a: [256]u8 align(8) = undefined;
    var b: [256]u8 align(8) = undefined;
    var rc = linux.syscall5(.statx, uapi.at_fdcwd, @intFromPtr(path), uapi.at_symlink_nofollow, statx_ino, @intFromPtr(&a));
    if (sys.isError(rc)) return rc;
    rc = linux.syscall5(.statx, fd, @intFromPtr(""), uapi.at_empty_path, statx_ino, @intFromPtr(&b));
    if (sys.isError(rc)) return rc;
    // struct statx: stx_ino at 32, stx_dev_major and stx_dev_minor at 136 and 140.
    const same = std.mem.eql(u8, a[32..40], b[32..40]) and std.mem.eql(u8, a[136..144], b[136..144]);
    return if (same) 0 else errno(uapi.e.STALE);
}

/// Attaches the detached copy `fd` on `path` and closes the fd.
fn moveTo(fd: usize, path: [*:0]const u8) usize {
    const rc = linux.syscall5(.move_mount, fd, @intFromPtr(""), uapi.at_fdcwd, @intFromPtr(path), uapi.move_mount_f_empty_path);
    _ = linux.syscall1(.close, fd);
    return rc;
}

/// `path` under the old root, in `src`.
fn source(path: [*:0]const u8, src: []u8) ?[*:0]const u8 {
    const n = len(path);
    if (n + old_root.len >= src.len) return null;
    @memcpy(src[0..old_root.len], old_root);
    @memcpy(src[old_root.len..][0..n], path[0..n]);
    src[old_root.len + n] = 0;
    return @ptrCast(src.ptr);
}

/// Bind-mounts the host's `path` (under the old root) onto the same path
/// here. A writable source is taken beneath the old root where openat2 is
/// there; a read-only one is bound by path (half the cost of openat2 +
/// open_tree + move_mount) and then made read-only, which holds wherever the
/// lookup led.
fn bind(path: [*:0]const u8, kind: Kind, root: isize, src: []u8) usize {
    const ro = kind == .dir_ro or kind == .file_ro;
    const rc = if (!ro and root >= 0) blk: {
        const t = tree(root, path);
        // open_tree refused (before 5.2, or by a profile): the same lookup, by chroot.
        if (sys.status(t) == -uapi.e.NOSYS or sys.status(t) == -uapi.e.PERM) break :blk bindAsHost(path);
        break :blk if (sys.isError(t)) t else moveTo(t, path);
    } else if (!ro) bindAsHost(path) else blk: {
        const s = source(path, src) orelse return errno(36); // ENAMETOOLONG
        break :blk linux.syscall5(.mount, @intFromPtr(s), @intFromPtr(path), 0, uapi.ms_bind | uapi.ms_rec, 0);
    };
    if (sys.isError(rc) or !ro) return rc;
    return readOnly(path);
}

/// A writable bind where openat2 or open_tree is refused (before 5.6 or 5.2,
/// or by a profile). The source is looked up with the old root as this
/// child's root (chroot), so it resolves as the host would: an absolute
/// symlink restarts at the host's "/", ".." stops there, and the new root is
/// out of reach. The mount point is named from the working directory, which
/// chroot leaves in the new root. Only this child's root changes: it shares
/// Bun's memory, not its fs_struct (no CLONE_FS). If the way back fails, so
/// does the spawn.
fn bindAsHost(path: [*:0]const u8) usize {
    const n = len(path);
    var parent: [path_max]u8 = undefined;
    if (n >= parent.len) return errno(36); // ENAMETOOLONG
    const p = parentEnd(path, n);
    @memcpy(parent[0..p], path[0..p]);
    parent[p] = 0;
    const name = path + (if (p == 1) 1 else p + 1);
    const here = linux.syscall4(.openat, uapi.at_fdcwd, @intFromPtr("/"), @as(usize, uapi.o_path) | uapi.o_cloexec, 0);
    if (sys.isError(here)) return here;
    defer _ = linux.syscall1(.close, here);
    var rc = linux.syscall1(.chdir, @intFromPtr(&parent));
    if (sys.isError(rc)) return rc;
    rc = linux.syscall1(.chroot, @intFromPtr(old_root));
    if (sys.isError(rc)) return rc;
    rc = linux.syscall5(.mount, @intFromPtr(path), @intFromPtr(name), 0, uapi.ms_bind | uapi.ms_rec, 0);
    const back = linux.syscall1(.fchdir, here);
    if (sys.isError(back)) return back;
    const root = linux.syscall1(.chroot, @intFromPtr("."));
    if (sys.isError(root)) return root;
    return rc;
}

/// The directory or empty file a bind is mounted on, on the new tmpfs.
fn mountPoint(path: [*:0]const u8, kind: Kind, made: *Made) usize {
    const n = len(path);
    if (kind == .dir or kind == .dir_ro) return made.dirs(path, n);
    const rc = made.dirs(path, parentEnd(path, n));
    if (sys.isError(rc)) return rc;
    const f = linux.syscall4(.mknodat, uapi.at_fdcwd, @intFromPtr(path), s_ifreg | 0o644, 0);
    return if (sys.status(f) == -uapi.e.EXIST) 0 else f;
}

/// The bind on `path` and every mount beneath it made read-only
/// (mount_setattr, 5.12+; it only sets a flag, so it needs none of the locked
/// ones). Where refused: a mount already read-only (ST_RDONLY) is left as it
/// is, any other is remounted MS_REMOUNT|MS_BIND|MS_RDONLY, keeping the flags
/// the mount already has: in a user namespace nosuid, nodev, noexec and the
/// atime flags are locked, and a remount that drops them is refused.
fn readOnly(path: [*:0]const u8) usize {
    const attr: MountAttr = .{ .attr_set = uapi.mount_attr_rdonly };
    const set = linux.syscall5(.mount_setattr, uapi.at_fdcwd, @intFromPtr(path), uapi.at_recursive, @intFromPtr(&attr), @sizeOf(MountAttr));
    if (!sys.isError(set)) return 0;
    var st: [16]u64 = undefined; // struct statfs: f_flags is the 11th word on x86_64 and aarch64
    const rc = linux.syscall2(.statfs, @intFromPtr(path), @intFromPtr(&st));
    if (sys.isError(rc)) return rc;
    const f = st[10];
    if (f & 1 != 0) return 0; // ST_RDONLY
    var flags: usize = uapi.ms_remount | uapi.ms_bind | uapi.ms_rdonly;
    // ST_* (statvfs) → MS_*: most share their bit; relatime and nosymfollow do not.
    flags |= f & (2 | 4 | 8 | 16 | 64 | 1024 | 2048); // NOSUID NODEV NOEXEC SYNCHRONOUS MANDLOCK NOATIME NODIRATIME
    if (f & 4096 != 0) flags |= 1 << 21; // ST_RELATIME → MS_RELATIME
    if (f & 8192 != 0) flags |= 256; // ST_NOSYMFOLLOW → MS_NOSYMFOLLOW
    return linux.syscall5(.mount, 0, @intFromPtr(path), 0, flags, 0);
}

/// Empty mode-0000 sources on the view's tmpfs, bound over what is hidden:
/// the command (uid 0 at most, no capabilities left) can neither read nor
/// list them. Made on first use, unlinked by finish(): the view does not
/// show them, the binds keep them.
const Covers = struct {
    file: [*:0]const u8 = "/.cordon-mask",
    dir: [*:0]const u8 = "/.cordon-mask-dir",
    file_made: bool = false,
    dir_made: bool = false,

    /// Covers `path` (a file, else a directory); `ro` makes the cover
    /// read-only, so a chmod of it gets EROFS. ENOENT is the caller's.
    fn cover(self: *Covers, path: [*:0]const u8, ro: bool) usize {
        if (!self.file_made) {
            // Never an existing file: that would be a grant, the host's.
            const rc = linux.syscall4(.mknodat, uapi.at_fdcwd, @intFromPtr(self.file), s_ifreg, 0);
            if (sys.isError(rc)) return rc;
            self.file_made = true;
        }
        var rc = linux.syscall5(.mount, @intFromPtr(self.file), @intFromPtr(path), 0, uapi.ms_bind, 0);
        if (sys.status(rc) == -uapi.e.NOTDIR) {
            if (!self.dir_made) {
                rc = linux.syscall3(.mkdirat, uapi.at_fdcwd, @intFromPtr(self.dir), 0);
                if (sys.isError(rc)) return rc;
                self.dir_made = true;
            }
            rc = linux.syscall5(.mount, @intFromPtr(self.dir), @intFromPtr(path), 0, uapi.ms_bind, 0);
        }
        if (sys.isError(rc) or !ro) return rc;
        return readOnly(path);
    }

    fn finish(self: *Covers) void {
        if (self.file_made) _ = linux.syscall3(.unlinkat, uapi.at_fdcwd, @intFromPtr(self.file), 0);
        if (self.dir_made) _ = linux.syscall3(.unlinkat, uapi.at_fdcwd, @intFromPtr(self.dir), 0x200); // AT_REMOVEDIR
        self.file_made = false;
        self.dir_made = false;
    }
};


/// Hides the fresh /proc's `mask` entries, each covered by an empty mode-0000
/// file or directory (Covers). An entry this kernel's procfs lacks is
/// skipped; one outside /proc is refused.
pub fn maskProc(c: *const spec_mod.Checked, entries: []const Entry) usize {
    var covers: Covers = .{};
    defer covers.finish();
    for (entries) |e| {
        if (e.kind != @intFromEnum(Kind.mask)) continue;
        const path = c.str(e.path_off);
        if (!within(path, "/proc")) return errno(22); // EINVAL
        const rc = covers.cover(path, false);
        if (sys.isError(rc) and sys.status(rc) != -uapi.e.NOENT) return rc;
    }
    return 0;
}

fn link(path: [*:0]const u8, target: [*:0]const u8, made: *Made) usize {
    const rc = made.dirs(path, parentEnd(path, len(path)));
    if (sys.isError(rc)) return rc;
    const l = linux.syscall3(.symlinkat, @intFromPtr(target), uapi.at_fdcwd, @intFromPtr(path));
    return if (sys.status(l) == -uapi.e.EXIST) 0 else l;
}

/// Whether `path` lies beneath an entry placed before it (a bind, a symlink)
/// or beneath the old root: anything there is the host's, so nothing may be
/// created there; only what already exists can be used. Everywhere else a
/// path is on the new tmpfs, where this code made everything that exists.
/// (`normal` paths only: no "..", ".", or empty component can step around this.)
fn beneathEarlier(c: *const spec_mod.Checked, earlier: []const Entry, path: [*:0]const u8) bool {
    if (within(path, old_root)) return true;
    for (earlier) |e| {
        // A directory of the tmpfs itself, or a mask (not placed yet).
        if (e.kind == @intFromEnum(Kind.mkdir) or e.kind == @intFromEnum(Kind.mask)) continue;
        if (within(path, c.str(e.path_off))) return true;
    }
    return false;
}

/// `path` is strictly beneath `dir`.
fn within(path: [*:0]const u8, dir: [*:0]const u8) bool {
    var i: usize = 0;
    while (dir[i] != 0) : (i += 1) if (path[i] != dir[i]) return false;
    if (i == 1) return path[1] != 0; // dir is "/"
    return path[i] == '/';
}

/// An existing path beneath a bind is fine; a missing one means the grant
/// vanished: the spawn stops (EXDEV) rather than create it on the host.
fn exists(path: [*:0]const u8, flags: usize) usize {
    var stx: [256]u8 align(8) = undefined;
    const rc = linux.syscall5(.statx, uapi.at_fdcwd, @intFromPtr(path), flags, 0, @intFromPtr(&stx));
    return if (sys.isError(rc)) errno(18) else 0;
}

/// Directories made on the tmpfs so far, as the last path made: the next
/// entry (the view is sorted) usually shares most of it, and a directory the
/// tmpfs holds is never removed or covered for a path that is not beneath an
/// earlier entry.
const Made = struct {
    last: [*:0]const u8 = "/",
    last_end: usize = 1,

    /// mkdir -p of path[0..end], on the tmpfs (the caller checked it is not beneath a bind).
    fn dirs(self: *Made, path: [*:0]const u8, end: usize) usize {
        var buf: [path_max]u8 = undefined;
        if (end >= buf.len) return errno(36); // ENAMETOOLONG
        if (end <= 1) return 0; // "/"
        const known = self.shared(path, end);
        var i: usize = known + 1;
        while (i <= end) : (i += 1) {
            if (i != end and path[i] != '/') continue;
            @memcpy(buf[0..i], path[0..i]);
            buf[i] = 0;
            const r = linux.syscall3(.mkdirat, uapi.at_fdcwd, @intFromPtr(&buf), 0o755);
            if (sys.isError(r) and sys.status(r) != -uapi.e.EXIST) return r;
        }
        if (end > 1) {
            self.last = path;
            self.last_end = end;
        }
        return 0;
    }

    /// Length of the leading whole components path[0..end] shares with the last path made.
    fn shared(self: *const Made, path: [*:0]const u8, end: usize) usize {
        var k: usize = 0;
        var i: usize = 0;
        while (i < end and i < self.last_end and path[i] == self.last[i]) : (i += 1) {
            if (path[i] == '/') k = i;
        }
        const path_ends = i == end or path[i] == '/';
        const last_ends = i == self.last_end or self.last[i] == '/';
        return if (path_ends and last_ends) i else k;
    }
};

/// Absolute, with no empty, "." or ".." component: the checks above compare
/// paths as strings, which holds only for paths spelled one way.
fn normal(path: [*:0]const u8) bool {
    if (path[0] != '/') return false;
    if (path[1] == 0) return true;
    var i: usize = 1;
    while (true) {
        var n: usize = 0;
        while (path[i + n] != 0 and path[i + n] != '/') n += 1;
        if (n == 0) return false;
        if (n == 1 and path[i] == '.') return false;
        if (n == 2 and path[i] == '.' and path[i + 1] == '.') return false;
        if (path[i + n] == 0) return true;
        i += n + 1;
    }
}

/// End of the parent of path[0..n] ("/a/b" → 2, "/a" → 1).
fn parentEnd(path: [*:0]const u8, n: usize) usize {
    var p = n;
    while (p > 0 and path[p - 1] != '/') p -= 1;
    return if (p > 1) p - 1 else 1;
}

fn len(s: [*:0]const u8) usize {
    var n: usize = 0;
    while (s[n] != 0) n += 1;
    return n;
}

fn errno(e: usize) usize {
    return @bitCast(-@as(isize, @intCast(e)));
}

const testing = @import("std").testing;

test "entry paths must be spelled one way" {
    for ([_][*:0]const u8{ "/", "/a", "/a/b", "/a/.b", "/a/..b", "/a/b..." }) |p| try testing.expect(normal(p));
    for ([_][*:0]const u8{ "", "a", "//", "/a/", "/a//b", "/./a", "/a/.", "/a/../b", "/.." }) |p| try testing.expect(!normal(p));
}

test "within: strictly beneath, whole components only" {
    try testing.expect(within("/a/b", "/a"));
    try testing.expect(within("/a", "/"));
    try testing.expect(!within("/", "/"));
    try testing.expect(!within("/a", "/a"));
    try testing.expect(!within("/ab", "/a"));
    try testing.expect(!within("/a", "/a/b"));
    try testing.expect(within("/.cordon-oldroot/etc", old_root));
}

test "the directories already made are skipped by whole components" {
    var m: Made = .{ .last = "/etc/ssl", .last_end = 8 };
    try testing.expectEqual(@as(usize, 4), m.shared("/etc/hosts", 4)); // "/etc" made
    try testing.expectEqual(@as(usize, 8), m.shared("/etc/ssl/certs", 8)); // all of "/etc/ssl"
    try testing.expectEqual(@as(usize, 4), m.shared("/etc/ss", 7)); // "/etc/ss" is not "/etc/ssl"
    try testing.expectEqual(@as(usize, 4), m.shared("/etc", 4));
    try testing.expectEqual(@as(usize, 0), m.shared("/usr/lib", 8));
    m = .{};
    try testing.expectEqual(@as(usize, 0), m.shared("/a/b", 4));
    try testing.expectEqual(@as(usize, 2), parentEnd("/a/b", 4));
    try testing.expectEqual(@as(usize, 1), parentEnd("/a", 2));
}
