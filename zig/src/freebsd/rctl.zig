//! rctl(4) resource limits. They need root and a kernel booted with
//! kern.racct.enable=1; otherwise the calls fail with ENOSYS, which the
//! backend reports as "not enforced" rather than hiding.

extern fn rctl_add_rule(inbufp: [*]const u8, inbuflen: usize, outbufp: ?[*]u8, outbuflen: usize) c_int;
extern fn rctl_remove_rule(inbufp: [*]const u8, inbuflen: usize, outbufp: ?[*]u8, outbuflen: usize) c_int;
extern fn rctl_get_racct(inbufp: [*]const u8, inbuflen: usize, outbufp: [*]u8, outbuflen: usize) c_int;
extern fn getpid() c_int;

const std = @import("std");
const errno = @import("../bsd/errno.zig");

/// `rule` is NUL-terminated text such as "process:1234:memoryuse:deny=1g".
pub fn add(rule: []const u8) i32 {
    return errno.status(rctl_add_rule(rule.ptr, rule.len, null, 0));
}

pub fn remove(filter: []const u8) i32 {
    return errno.status(rctl_remove_rule(filter.ptr, filter.len, null, 0));
}

/// Whether resource accounting is on: asks for this process's usage. 0 on
/// success, -ENOSYS when racct is disabled, -EPERM inside a jail without it.
pub fn probe() i32 {
    var filter: [32]u8 = undefined;
    const text = std.fmt.bufPrint(&filter, "process:{d}\x00", .{getpid()}) catch unreachable;
    var out: [4096]u8 = undefined;
    const rc = errno.status(rctl_get_racct(text.ptr, text.len, &out, out.len));
    return if (rc < 0) rc else 0;
}
