//! Zig unit tests of the Linux mechanisms (run by `zig build test`).
const std = @import("std");
const sys = @import("sys.zig");

test "raw errors decode to -errno" {
    const rc = sys.linux.close(-1);
    try std.testing.expectEqual(@as(i32, -9), sys.status(rc));
}

test {
    _ = @import("landlock.zig");
    _ = @import("private_root.zig");
    _ = @import("view_mounts.zig");
    _ = @import("pidfd_info.zig");
    _ = @import("cgroup_fds.zig");
    _ = @import("watched.zig");
    _ = @import("waiter.zig");
    _ = @import("netns_setup.zig");
    _ = @import("netns_pool.zig");
    _ = @import("spawn_spec.zig");
    _ = @import("relay.zig");
    _ = @import("audit.zig");
    _ = @import("bpf_eval.zig");
    _ = @import("notify.zig");
    _ = @import("host_probe.zig");
    _ = @import("warm_request.zig");
}
