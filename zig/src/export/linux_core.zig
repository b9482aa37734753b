//! Small Linux exports that belong to no one mechanism.
const abi = @import("../abi.zig");
const sys = @import("../linux/sys.zig");

export fn cordon_linux_close(fd: i32) abi.Status {
    return sys.status(sys.linux.close(fd));
}
