//! The cgroup fds of a spawn record, checked in the parent before clone.
//! The child writes "0" to each cgroup.procs fd while Bun's thread waits for
//! it (vfork): a write that blocks (the write end of a full pipe, a FIFO)
//! would hold Bun forever. Only a file of a cgroup filesystem, open for
//! writing, is taken: writes there never wait for a reader. (A cgroupfs
//! holds only directories and regular files; a directory where a file is
//! expected, or the reverse, fails at once with EISDIR or ENOTDIR.)
const sys = @import("sys.zig");
const uapi = @import("uapi.zig");
const linux = sys.linux;

/// statfs f_type of cgroup v1 and cgroup2 (linux/magic.h).
const cgroup_super_magic: u64 = 0x27e0eb;
const cgroup2_super_magic: u64 = 0x63677270;

/// The filesystem magic of `fd`'s file, or -errno as usize.
fn fsMagic(fd: i32, magic: *u64) usize {
    var buf: [16]u64 = @splat(0); // struct statfs: f_type first, a word on every 64-bit target
    const rc = linux.syscall2(.fstatfs, @as(u32, @bitCast(fd)), @intFromPtr(&buf));
    magic.* = buf[0];
    return rc;
}

/// A cgroup.procs (or tasks) file the child may write: a file on a cgroup
/// filesystem, open for writing. 0, or -errno as usize (EBADF: not an fd,
/// or not open for writing; EINVAL: not on a cgroup filesystem).
pub fn checkProcs(fd: i32) usize {
    var magic: u64 = 0;
    const rc = fsMagic(fd, &magic);
    if (sys.isError(rc)) return rc;
    if (magic != cgroup_super_magic and magic != cgroup2_super_magic) return uapi.rawError(uapi.e.INVAL);
    const fl = linux.syscall2(.fcntl, @as(u32, @bitCast(fd)), uapi.f_getfl);
    if (sys.isError(fl)) return fl;
    if (fl & uapi.o_accmode == uapi.o_rdonly) return uapi.rawError(uapi.e.BADF); // write(2) would say so too, but only in the child
    return 0;
}

/// The cgroup2 directory for CLONE_INTO_CGROUP (the legacy clone opens its
/// cgroup.procs in the child): on cgroup2. 0, or -errno as usize.
pub fn checkDir(fd: i32) usize {
    var magic: u64 = 0;
    const rc = fsMagic(fd, &magic);
    if (sys.isError(rc)) return rc;
    return if (magic == cgroup2_super_magic) 0 else uapi.rawError(uapi.e.INVAL);
}

test "a pipe, a regular file and a directory outside cgroupfs are refused" {
    const std = @import("std");
    var fds: [2]i32 = .{ -1, -1 };
    try std.testing.expect(!sys.isError(linux.syscall2(.pipe2, @intFromPtr(&fds), uapi.o_cloexec)));
    defer for (fds) |f| {
        _ = linux.close(f);
    };
    try std.testing.expectEqual(@as(i32, -22), sys.status(checkProcs(fds[1])));
    try std.testing.expectEqual(@as(i32, -22), sys.status(checkDir(fds[1])));
    const dir = linux.syscall4(.openat, uapi.at_fdcwd, @intFromPtr("/"), uapi.o_cloexec | uapi.o_directory, 0);
    try std.testing.expect(!sys.isError(dir));
    defer _ = linux.close(@intCast(dir));
    try std.testing.expectEqual(@as(i32, -22), sys.status(checkProcs(@intCast(dir))));
    try std.testing.expectEqual(@as(i32, -22), sys.status(checkDir(@intCast(dir))));
    try std.testing.expectEqual(@as(i32, -9), sys.status(checkProcs(0x7fff_fff0)));
}
