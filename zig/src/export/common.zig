//! Exports every target has.
const abi = @import("../abi.zig");

const version_text = "0.1.0";

export fn cordon_abi_version() abi.Status {
    return abi.version;
}

export fn cordon_version(buf: [*]u8, len: usize) abi.Status {
    return abi.copyOut(version_text, buf, len);
}
