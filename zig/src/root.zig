//! The library's root: common exports plus the exports of the OS being built for.
const std = @import("std");
const builtin = @import("builtin");

/// A failed safety check is a bug in cordon: stop at once. The default handler
/// would format a stack trace, pulling in TLS and stderr locking, which must not
/// run inside a half-spawned child or on the exit-waiter thread.
pub const panic = std.debug.FullPanic(trap);

fn trap(msg: []const u8, ret_addr: ?usize) noreturn {
    _ = msg;
    _ = ret_addr;
    @trap();
}

comptime {
    _ = @import("export/common.zig");
    switch (builtin.os.tag) {
        .linux => _ = @import("export/linux.zig"),
        .windows => _ = @import("export/windows.zig"),
        .macos => _ = @import("export/darwin.zig"),
        .freebsd => _ = @import("export/freebsd.zig"),
        .openbsd => _ = @import("export/openbsd.zig"),
        else => @compileError("cordon has no backend for this OS"),
    }
}

test {
    _ = @import("abi.zig");
    if (builtin.os.tag == .linux) _ = @import("linux/tests.zig");
}
