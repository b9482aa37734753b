//! Linux exports, one file per mechanism: argument decoding and status
//! encoding only; the mechanisms live in ../linux/. Failures are -errno.
comptime {
    _ = @import("linux_core.zig");
    _ = @import("linux_landlock.zig");
    _ = @import("linux_spawn.zig");
    _ = @import("linux_relay.zig");
    _ = @import("linux_netns_pool.zig");
    _ = @import("linux_explain.zig");
    _ = @import("linux_host.zig");
}
