//! Network namespace pool exports (cordon_linux_netns_pool.h).
const abi = @import("../abi.zig");
const pool = @import("../linux/netns_pool.zig");

export fn cordon_linux_netns_pool_fill(kind: u32, target: u32) abi.Status {
    const k = pool.kindOf(kind) orelse return abi.Error.invalid_argument.status();
    return pool.fill(k, target);
}

export fn cordon_linux_netns_pool_take(kind: u32) abi.Status {
    const k = pool.kindOf(kind) orelse return abi.Error.invalid_argument.status();
    return pool.take(k);
}

export fn cordon_linux_netns_pool_drain() abi.Status {
    return pool.drain();
}
