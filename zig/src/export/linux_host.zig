//! Host probe export (cordon_linux_host.h).
const abi = @import("../abi.zig");
const sys = @import("../linux/sys.zig");
const host_probe = @import("../linux/host_probe.zig");

export fn cordon_linux_host_probe() abi.Status {
    return sys.status(host_probe.probe());
}
