//! Network namespace pool exports (cordon_linux_netns_pool.h).
const abi = @import("../abi.zig");
const pool = @import("../linux/netns_pool.zig");

export fn cordon_linux_netns_pool_fill(target: u32) abi.Status {
    return pool.fill(target);
}

export fn cordon_linux_netns_pool_take() abi.Status {
    return pool.take();
}

export fn cordon_linux_netns_pool_drain() abi.Status {
    return pool.drain();
}
