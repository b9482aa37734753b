//! libc return values as cordon statuses: -1 becomes -errno, the rest passes.
const std = @import("std");

pub fn status(rc: c_int) i32 {
    if (rc != -1) return rc;
    return -@as(i32, @intFromEnum(std.c.errno(rc)));
}

/// The calling thread's errno as a negative status.
pub fn last() i32 {
    return -@as(i32, std.c._errno().*);
}
