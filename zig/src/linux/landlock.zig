//! Landlock: ruleset creation, rules and the ABI probe (landlock(7)).
//! The ruleset is built in the parent; the spawned child only restricts itself.
const sys = @import("sys.zig");
const linux = sys.linux;

/// LANDLOCK_CREATE_RULESET_VERSION: ask for the highest supported ABI.
const create_ruleset_version: usize = 1 << 0;

/// The kernel's landlock ABI: >= 1, or -EOPNOTSUPP (disabled) / -ENOSYS (absent).
pub fn abiVersion() i32 {
    return sys.status(linux.syscall3(.landlock_create_ruleset, 0, 0, create_ruleset_version));
}

test "abi probe answers a version or a reason" {
    const std = @import("std");
    const v = abiVersion();
    try std.testing.expect(v >= 1 or v == -95 or v == -38);
}
