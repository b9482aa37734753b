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

export fn cordon_linux_landlock_add_path_rules(ruleset_fd: i32, rules: ?[*]const u8, rules_len: usize, kinds: ?[*]u8, count: usize) abi.Status {
    // A null buffer is only an empty one.
    if ((rules == null and rules_len != 0) or (kinds == null and count != 0)) return abi.Error.invalid_argument.status();
    if (count == 0) return if (rules_len == 0) 0 else abi.Error.record_out_of_bounds.status();
    return landlock.addPathRules(ruleset_fd, rules.?[0..rules_len], kinds.?[0..count]);
}

export fn cordon_linux_landlock_add_net_rule(ruleset_fd: i32, port: u64, access: u64) abi.Status {
    return landlock.addNetRule(ruleset_fd, port, access);
}
