//! Local account exports (cordon_windows_user.h).
const abi = @import("../abi.zig");
const user = @import("../windows/user.zig");

export fn cordon_windows_user_add(name: [*:0]u16, password: [*:0]u16) abi.Status {
    return user.add(name, password);
}

export fn cordon_windows_user_exists(name: [*:0]const u16) abi.Status {
    return user.exists(name);
}

export fn cordon_windows_user_set_flags(name: [*:0]const u16, flags: u32) abi.Status {
    return user.setFlags(name, flags);
}

export fn cordon_windows_user_set_password(name: [*:0]const u16, password: [*:0]u16) abi.Status {
    return user.setPassword(name, password);
}

export fn cordon_windows_user_delete(name: [*:0]const u16) abi.Status {
    return user.delete(name);
}

export fn cordon_windows_user_logon(name: [*:0]const u16, password: [*:0]const u16, out: [*]u8, len: usize) abi.Status {
    if (len < 8) return abi.Error.buffer_too_small.status();
    return user.logon(name, password, @ptrCast(out));
}

export fn cordon_windows_user_sid(name: [*:0]const u16, out: [*]u8, len: usize) abi.Status {
    return user.accountSid(name, out[0..len]);
}
