//! Linux exports: argument decoding and status encoding only; the mechanisms
//! live in ../linux/. Every function here returns -errno on failure.
const abi = @import("../abi.zig");
const sys = @import("../linux/sys.zig");
const landlock = @import("../linux/landlock.zig");

export fn cordon_linux_close(fd: i32) abi.Status {
    return sys.status(sys.linux.close(fd));
}

export fn cordon_linux_landlock_abi_version() abi.Status {
    return landlock.abiVersion();
}
