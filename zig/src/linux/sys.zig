//! Raw Linux syscalls (no libc) and the conversion of their results to a status.
const std = @import("std");
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
