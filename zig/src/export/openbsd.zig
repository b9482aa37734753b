//! OpenBSD exports (cordon_openbsd.h): argument decoding and status encoding
//! only; the mechanisms live in ../openbsd/. Failures are -errno.
const abi = @import("../abi.zig");
const pledge = @import("../openbsd/pledge.zig");

/// A (pointer, length) string that must end in NUL; length 0 means "absent" (NULL).
fn optional(buf: [*]const u8, len: usize) error{Invalid}!?[*:0]const u8 {
    if (len == 0) return null;
    if (buf[len - 1] != 0) return error.Invalid;
    return @ptrCast(buf);
}

export fn cordon_openbsd_pledge(promises: [*]const u8, promises_len: usize, execpromises: [*]const u8, execpromises_len: usize) abi.Status {
    const p = optional(promises, promises_len) catch return abi.Error.invalid_argument.status();
    const e = optional(execpromises, execpromises_len) catch return abi.Error.invalid_argument.status();
    return pledge.apply(p, e);
}

export fn cordon_openbsd_unveil(path: [*]const u8, path_len: usize, permissions: [*]const u8, permissions_len: usize) abi.Status {
    const p = (optional(path, path_len) catch null) orelse return abi.Error.invalid_argument.status();
    const r = (optional(permissions, permissions_len) catch null) orelse return abi.Error.invalid_argument.status();
    return pledge.reveal(p, r);
}

export fn cordon_openbsd_unveil_lock() abi.Status {
    return pledge.lock();
}
