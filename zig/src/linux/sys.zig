//! Raw Linux syscalls (no libc) and the conversion of their results to a status.
const std = @import("std");
const uapi = @import("uapi.zig");
pub const linux = std.os.linux;
const abi = @import("../abi.zig");

/// A raw return is either a value or -errno in the range -4095..-1; both fit
/// a status as they are (values cordon returns are fds, pids and small counts).
pub fn status(rc: usize) abi.Status {
    const signed: isize = @bitCast(rc);
    if (signed < 0 and signed > -4096) return @intCast(signed);
    return @intCast(rc);
}

pub fn isError(rc: usize) bool {
    const signed: isize = @bitCast(rc);
    return signed < 0 and signed > -4096;
}

/// struct open_how (linux/openat2.h), OPEN_HOW_SIZE_VER0.
pub const OpenHow = extern struct { flags: u64, mode: u64 = 0, resolve: u64 = 0 };

/// RESOLVE_* flags of openat2 (5.6+).
pub const resolve_no_magiclinks: u64 = 0x02;
pub const resolve_in_root: u64 = 0x10;

/// O_PATH and O_CLOEXEC: the same bits on x86_64 and aarch64.

pub fn openat2(dirfd: usize, path: [*:0]const u8, how: *const OpenHow) usize {
    return linux.syscall4(.openat2, dirfd, @intFromPtr(path), @intFromPtr(how), @sizeOf(OpenHow));
}
