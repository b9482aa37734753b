//! Landlock exports (cordon_linux_landlock.h).
const abi = @import("../abi.zig");
const landlock = @import("../linux/landlock.zig");

export fn cordon_linux_landlock_abi_version() abi.Status {
    return landlock.abiVersion();
}
