//! Root of cordon-exec, the launcher of macOS and FreeBSD (launcher/main.zig).
//! It lives beside root.zig so the launcher shares the bsd/ and darwin/ mechanisms.
const std = @import("std");
const launcher = @import("launcher/main.zig");

/// A failed safety check stops the launcher at once, before anything is exec'd.
pub const panic = std.debug.FullPanic(trap);

fn trap(msg: []const u8, ret_addr: ?usize) noreturn {
    _ = msg;
    _ = ret_addr;
    @trap();
}

pub const main = launcher.main;
