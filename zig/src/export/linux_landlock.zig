//! Landlock exports (cordon_linux_landlock.h).
const abi = @import("../abi.zig");
const landlock = @import("../linux/landlock.zig");

export fn cordon_linux_landlock_abi_version() abi.Status {
    return landlock.abiVersion();
}

export fn cordon_linux_landlock_create_ruleset(attr: [*]const u8, attr_len: usize) abi.Status {
    return landlock.createRuleset(attr, attr_len);
}

export fn cordon_linux_landlock_open_path(path: [*]const u8, path_len: usize) abi.Status {
    return landlock.openPath(path, path_len);
}

export fn cordon_linux_landlock_add_path_rule(ruleset_fd: i32, parent_fd: i32, dir_access: u64, file_access: u64) abi.Status {
    return landlock.addPathRule(ruleset_fd, parent_fd, dir_access, file_access);
}

export fn cordon_linux_landlock_add_net_rule(ruleset_fd: i32, port: u64, access: u64) abi.Status {
    return landlock.addNetRule(ruleset_fd, port, access);
}
