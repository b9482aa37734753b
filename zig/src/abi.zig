//! The status convention of every export (see ffi/include/cordon.h).
//! `>= 0` is success and may carry a value; `< 0` is failure, in the error
//! domain the header names for that function: -errno, NTSTATUS, -Win32 error,
//! or cordon's own codes below -65536, which collide with none of those.
const std = @import("std");
const cordon_h = @import("header.zig").c;

/// CORDON_ABI_VERSION: bumped whenever an export or a record layout changes.
pub const version: i32 = cordon_h.CORDON_ABI_VERSION;

pub const Status = i32;

/// cordon's own failure codes (CORDON_E_* in the header).
pub const Error = enum(i32) {
    invalid_argument = cordon_h.CORDON_E_INVALID_ARGUMENT,
    buffer_too_small = cordon_h.CORDON_E_BUFFER_TOO_SMALL,
    abi_mismatch = cordon_h.CORDON_E_ABI_MISMATCH,
    not_supported = cordon_h.CORDON_E_NOT_SUPPORTED,
    record_out_of_bounds = cordon_h.CORDON_E_RECORD_OUT_OF_BOUNDS,
    child_died = cordon_h.CORDON_E_CHILD_DIED,
    _,

    pub fn status(e: Error) Status {
        return @intFromEnum(e);
    }
};

/// Zig error names of the codes above, for internal error unions.
pub const Failure = error{ InvalidArgument, BufferTooSmall, AbiMismatch, NotSupported, RecordOutOfBounds, ChildDied };

pub fn failureStatus(e: Failure) Status {
    return switch (e) {
        error.InvalidArgument => Error.invalid_argument.status(),
        error.BufferTooSmall => Error.buffer_too_small.status(),
        error.AbiMismatch => Error.abi_mismatch.status(),
        error.NotSupported => Error.not_supported.status(),
        error.RecordOutOfBounds => Error.record_out_of_bounds.status(),
        error.ChildDied => Error.child_died.status(),
    };
}

/// -errno from a raw Linux/BSD syscall return (already negative in the register).
pub fn fromErrnoCode(code: u16) Status {
    return -@as(Status, code);
}

/// Copies `text` into a caller buffer; returns its length or BUFFER_TOO_SMALL.
pub fn copyOut(text: []const u8, buf: [*]u8, len: usize) Status {
    if (len < text.len) return Error.buffer_too_small.status();
    @memcpy(buf[0..text.len], text);
    return @intCast(text.len);
}

test "own codes stay clear of errno and Win32 ranges" {
    inline for (@typeInfo(Error).@"enum".field_values) |value| {
        try std.testing.expect(value < -65535);
    }
}
