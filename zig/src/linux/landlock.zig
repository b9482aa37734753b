//! Landlock: ruleset creation, rules and the ABI probe (landlock(7)).
//! The ruleset is built in the parent (creating and filling a ruleset does not
//! restrict the caller); the spawned child only calls `restrictSelf`.
//! Constants follow include/uapi/linux/landlock.h; the build headers may be
//! older than the running kernel, so they are spelled out here.
const std = @import("std");
const abi = @import("../abi.zig");
const sys = @import("sys.zig");
const uapi = @import("uapi.zig");
const cordon_h = @import("../header.zig").c;
const linux = sys.linux;

/// LANDLOCK_CREATE_RULESET_VERSION: ask for the highest supported ABI.
const create_ruleset_version: usize = 1 << 0;

/// LANDLOCK_RULE_PATH_BENEATH and LANDLOCK_RULE_NET_PORT.
const rule_path_beneath: usize = 1;
const rule_net_port: usize = 2;

/// struct landlock_path_beneath_attr is packed: 12 bytes, no padding.
const PathBeneathAttr = extern struct {
    allowed_access: u64 align(1),
    parent_fd: i32 align(1),
};

const NetPortAttr = extern struct {
    allowed_access: u64,
    port: u64,
};

comptime {
    if (@sizeOf(PathBeneathAttr) != 12) @compileError("landlock_path_beneath_attr must be 12 bytes");
    if (@sizeOf(NetPortAttr) != 16) @compileError("landlock_net_port_attr must be 16 bytes");
}

/// For the spawned child, on filesystems it mounted itself (which no rule made
/// in the parent can name): a rule on `path` (opened O_PATH here) with `access`;
/// the raw result (0 or -errno). With `keep` the path's fd stays open on
/// success, pinning what it names (the command's own /proc/<pid>).
pub fn addRuleAt(ruleset: i32, path: [*:0]const u8, access: u64, keep: bool) usize {
    const fd = linux.syscall4(.openat, uapi.at_fdcwd, @intFromPtr(path), uapi.o_path | uapi.o_cloexec, 0);
    if (sys.isError(fd)) return fd;
    const rule: PathBeneathAttr = .{ .allowed_access = access, .parent_fd = @intCast(fd) };
    const rc = linux.syscall4(.landlock_add_rule, @as(u32, @bitCast(ruleset)), rule_path_beneath, @intFromPtr(&rule), 0);
    if (!keep or sys.isError(rc)) _ = linux.syscall1(.close, fd);
    return rc;
}

/// The kernel's landlock ABI: >= 1, or -EOPNOTSUPP (disabled) / -ENOSYS (absent).
pub fn abiVersion() i32 {
    return sys.status(linux.syscall3(.landlock_create_ruleset, 0, 0, create_ruleset_version));
}

/// landlock_create_ruleset(attr, size, 0) with a struct landlock_ruleset_attr
/// laid out by the caller: 8 bytes (ABI 1-3: handled_access_fs), 16 (ABI 4-5:
/// + handled_access_net) or 24 (ABI 6+: + scoped). Sizing the struct to the
/// ABI in use lets an older kernel accept it. The fd is close-on-exec.
pub fn createRuleset(attr: [*]const u8, size: usize) abi.Status {
    if (size != 8 and size != 16 and size != 24) return abi.Error.invalid_argument.status();
    return sys.status(linux.syscall3(.landlock_create_ruleset, @intFromPtr(attr), size, 0));
}

/// Opens a grant path as O_PATH|O_CLOEXEC (following symlinks, as the rule
/// applies to what the path names). `path` must end in its only NUL.
pub fn openPath(path: [*]const u8, len: usize) abi.Status {
    if (len == 0 or path[len - 1] != 0) return abi.Error.invalid_argument.status();
    if (std.mem.indexOfScalar(u8, path[0 .. len - 1], 0) != null) return abi.Error.invalid_argument.status();
    const z: [*:0]const u8 = @ptrCast(path);
    return sys.status(linux.openat(linux.AT.FDCWD, z, .{ .PATH = true, .CLOEXEC = true }, 0));
}

/// Adds a path-beneath rule for `parent_fd`. A directory gets `dir_access`;
/// anything else gets `file_access`, because the kernel refuses (EINVAL)
/// directory-only rights on a non-directory. Returns 0 when the rule was
/// added for a directory, 1 for another file, or -errno.
pub fn addPathRule(ruleset_fd: i32, parent_fd: i32, dir_access: u64, file_access: u64) abi.Status {
    var st: linux.Statx = undefined;
    const rc = linux.statx(parent_fd, "", linux.AT.EMPTY_PATH, .{ .TYPE = true }, &st);
    if (sys.isError(rc)) return sys.status(rc);
    const is_dir = linux.S.ISDIR(st.mode);
    const attr = PathBeneathAttr{ .allowed_access = if (is_dir) dir_access else file_access, .parent_fd = parent_fd };
    const added = linux.syscall4(.landlock_add_rule, @as(u32, @bitCast(ruleset_fd)), rule_path_beneath, @intFromPtr(&attr), 0);
    if (sys.isError(added)) return sys.status(added);
    return if (is_dir) 0 else 1;
}

/// What `addPathRules` says of each record: the kind of file the rule was
/// added for, or where it stopped (the returned status says why).
pub const RuleKind = enum(u8) { directory = 0, file = 1, open_failed = 2, add_failed = 3, not_attempted = 4 };

/// Header of one record of a path-rule batch (struct
/// cordon_linux_landlock_path_rule); the path (`path_len` bytes, ending in its
/// only NUL) follows at once. Packed, host byte order.
pub const RuleHeader = cordon_h.struct_cordon_linux_landlock_path_rule;

/// More rules than any policy has; bounds the walk over a caller's buffer.
pub const max_batch_rules: usize = 1 << 16;

/// The record at `off` and its path, or null when it does not fit in `buf`.
fn recordAt(buf: []const u8, off: usize) ?struct { header: RuleHeader, path: []const u8 } {
    if (buf.len - off < @sizeOf(RuleHeader)) return null;
    const header = std.mem.bytesToValue(RuleHeader, buf[off..][0..@sizeOf(RuleHeader)]);
    const rest = buf.len - off - @sizeOf(RuleHeader);
    if (header.path_len == 0 or header.path_len > rest) return null;
    return .{ .header = header, .path = buf[off + @sizeOf(RuleHeader) ..][0..header.path_len] };
}

/// Adds one path-beneath rule per record of `buf` (see `RuleHeader`):
/// opens the path, adds the rule for a directory or another file, closes
/// it. The whole buffer is checked before any syscall: a record that does
/// not fit, a path not ending in its only NUL, or bytes left over refuse
/// the batch. `kinds` (one byte per record, `RuleKind`) says what happened
/// to each; the first failure stops the batch and its -errno is returned.
/// Returns the number of rules added.
pub fn addPathRules(ruleset_fd: i32, buf: []const u8, kinds: []u8) abi.Status {
    if (kinds.len > max_batch_rules) return abi.Error.invalid_argument.status();
    @memset(kinds, @intFromEnum(RuleKind.not_attempted));
    var off: usize = 0;
    for (0..kinds.len) |_| {
        const r = recordAt(buf, off) orelse return abi.Error.record_out_of_bounds.status();
        if (r.path[r.path.len - 1] != 0) return abi.Error.invalid_argument.status();
        if (std.mem.indexOfScalar(u8, r.path[0 .. r.path.len - 1], 0) != null) return abi.Error.invalid_argument.status();
        off += @sizeOf(RuleHeader) + r.path.len;
    }
    if (off != buf.len) return abi.Error.record_out_of_bounds.status();

    off = 0;
    for (kinds) |*kind| {
        const r = recordAt(buf, off).?;
        off += @sizeOf(RuleHeader) + r.path.len;
        const z: [*:0]const u8 = @ptrCast(r.path.ptr);
        const fd = sys.status(linux.openat(linux.AT.FDCWD, z, .{ .PATH = true, .CLOEXEC = true }, 0));
        if (fd < 0) {
            kind.* = @intFromEnum(RuleKind.open_failed);
            return fd;
        }
        const added = addPathRule(ruleset_fd, fd, r.header.access, r.header.file_access);
        _ = linux.close(fd);
        if (added < 0) {
            kind.* = @intFromEnum(RuleKind.add_failed);
            return added;
        }
        kind.* = @intCast(added);
    }
    return @intCast(kinds.len);
}

/// Adds a TCP port rule (ABI 4): `access` is BIND_TCP and/or CONNECT_TCP.
pub fn addNetRule(ruleset_fd: i32, port: u64, access: u64) abi.Status {
    const attr = NetPortAttr{ .allowed_access = access, .port = port };
    return sys.status(linux.syscall4(.landlock_add_rule, @as(u32, @bitCast(ruleset_fd)), rule_net_port, @intFromPtr(&attr), 0));
}

/// landlock_restrict_self(fd, flags): for the spawned child, after no_new_privs.
pub fn restrictSelf(ruleset_fd: i32, flags: u32) abi.Status {
    return sys.status(linux.syscall2(.landlock_restrict_self, @as(u32, @bitCast(ruleset_fd)), flags));
}

test "abi probe answers a version or a reason" {
    const v = abiVersion();
    try std.testing.expect(v >= 1 or v == -uapi.e.OPNOTSUPP or v == -uapi.e.NOSYS);
}

test "a ruleset attr of an unknown size is refused before the syscall" {
    const attr: [32]u8 = @splat(0);
    try std.testing.expectEqual(abi.Error.invalid_argument.status(), createRuleset(&attr, 12));
    try std.testing.expectEqual(abi.Error.invalid_argument.status(), createRuleset(&attr, 32));
}

test "a path without its final NUL, or with one inside, is refused" {
    try std.testing.expectEqual(abi.Error.invalid_argument.status(), openPath("/tmp", 4));
    try std.testing.expectEqual(abi.Error.invalid_argument.status(), openPath("/t\x00p\x00", 5));
    try std.testing.expectEqual(@as(i32, -2), openPath("/no/such/cordon/path\x00", 21));
}

/// LANDLOCK_ACCESS_FS_READ_FILE and _WRITE_FILE.
const fs_read_file: u64 = 1 << 2;
const fs_write_file: u64 = 1 << 1;

test "a child restricted by a ruleset built in the parent cannot read outside its rule" {
    if (abiVersion() < 1) return error.SkipZigTest;
    const attr = [_]u64{ fs_read_file | fs_write_file, 0, 0 };
    const ruleset = createRuleset(@ptrCast(&attr), 8);
    try std.testing.expect(ruleset >= 0);
    defer _ = linux.close(ruleset);
    const proc = openPath("/proc\x00", 6);
    try std.testing.expect(proc >= 0);
    try std.testing.expectEqual(@as(i32, 0), addPathRule(ruleset, proc, fs_read_file, fs_read_file));
    _ = linux.close(proc);
    // A regular file takes only file rights.
    const file = openPath("/proc/self/stat\x00", 16);
    try std.testing.expect(file >= 0);
    try std.testing.expectEqual(@as(i32, 1), addPathRule(ruleset, file, fs_read_file, fs_read_file));
    _ = linux.close(file);

    try expectChildReadsOnlyProc(ruleset);
}

/// Forks a child that restricts itself with `ruleset`: it exits 0 only if
/// /proc is readable and /dev/null is not.
fn expectChildReadsOnlyProc(ruleset: i32) !void {
    const pid = linux.fork();
    if (pid == 0) {
        _ = linux.prctl(@intFromEnum(linux.PR.SET_NO_NEW_PRIVS), 1, 0, 0, 0);
        if (restrictSelf(ruleset, 0) != 0) linux.exit_group(10);
        const inside = sys.status(linux.openat(linux.AT.FDCWD, "/proc/self/status", .{ .CLOEXEC = true }, 0));
        if (inside < 0) linux.exit_group(11);
        const outside = sys.status(linux.openat(linux.AT.FDCWD, "/dev/null", .{ .CLOEXEC = true }, 0));
        if (outside != -uapi.e.ACCES) linux.exit_group(12);
        linux.exit_group(0);
    }
    try std.testing.expect(!sys.isError(pid));
    var status: i32 = 0;
    _ = linux.wait4(@intCast(pid), &status, 0, null);
    try std.testing.expectEqual(@as(i32, 0), status);
}

/// Appends one batch record for `path` (which must end in its NUL) to `out`.
fn putRecord(out: []u8, off: usize, path: []const u8, access: u64, file_access: u64) usize {
    const h = RuleHeader{ .access = access, .file_access = file_access, .path_len = @intCast(path.len) };
    @memcpy(out[off..][0..@sizeOf(RuleHeader)], std.mem.asBytes(&h));
    @memcpy(out[off + @sizeOf(RuleHeader) ..][0..path.len], path);
    return off + @sizeOf(RuleHeader) + path.len;
}

test "a malformed rule batch is refused before any syscall" {
    var buf: [128]u8 = undefined;
    var kinds: [2]u8 = undefined;
    const end = putRecord(&buf, 0, "/proc\x00", fs_read_file, fs_read_file);
    const E = abi.Error;
    // -1 is no ruleset: a batch that got as far as the kernel would say EBADF.
    try std.testing.expectEqual(E.record_out_of_bounds.status(), addPathRules(-1, buf[0 .. end - 1], kinds[0..1]));
    try std.testing.expectEqual(E.record_out_of_bounds.status(), addPathRules(-1, buf[0..end], kinds[0..2]));
    try std.testing.expectEqual(E.record_out_of_bounds.status(), addPathRules(-1, buf[0 .. end + 1], kinds[0..1]));
    try std.testing.expectEqual(E.record_out_of_bounds.status(), addPathRules(-1, buf[0..10], kinds[0..1]));
    try std.testing.expectEqual(@as(u8, @intFromEnum(RuleKind.not_attempted)), kinds[0]);
    // A path length past the buffer, zero, or without its NUL.
    var bad = buf;
    std.mem.writeInt(u32, bad[16..20], 0xffff_fff0, .little);
    try std.testing.expectEqual(E.record_out_of_bounds.status(), addPathRules(-1, bad[0..end], kinds[0..1]));
    std.mem.writeInt(u32, bad[16..20], 0, .little);
    try std.testing.expectEqual(E.record_out_of_bounds.status(), addPathRules(-1, bad[0..20], kinds[0..1]));
    bad = buf;
    bad[end - 1] = 'x';
    try std.testing.expectEqual(E.invalid_argument.status(), addPathRules(-1, bad[0..end], kinds[0..1]));
    bad = buf;
    bad[22] = 0;
    try std.testing.expectEqual(E.invalid_argument.status(), addPathRules(-1, bad[0..end], kinds[0..1]));
    // A well-formed batch reaches the kernel; an empty one adds nothing.
    try std.testing.expectEqual(@as(i32, -9), addPathRules(-1, buf[0..end], kinds[0..1]));
    try std.testing.expectEqual(@as(u8, @intFromEnum(RuleKind.add_failed)), kinds[0]);
    try std.testing.expectEqual(@as(i32, 0), addPathRules(-1, buf[0..0], kinds[0..0]));
}

test "a batch stops at the first path it cannot open and says which" {
    if (abiVersion() < 1) return error.SkipZigTest;
    const attr = [_]u64{ fs_read_file, 0, 0 };
    const ruleset = createRuleset(@ptrCast(&attr), 8);
    try std.testing.expect(ruleset >= 0);
    defer _ = linux.close(ruleset);
    var buf: [128]u8 = undefined;
    var off = putRecord(&buf, 0, "/proc\x00", fs_read_file, fs_read_file);
    off = putRecord(&buf, off, "/no/such/cordon/path\x00", fs_read_file, fs_read_file);
    off = putRecord(&buf, off, "/proc\x00", fs_read_file, fs_read_file);
    var kinds: [3]u8 = undefined;
    try std.testing.expectEqual(@as(i32, -2), addPathRules(ruleset, buf[0..off], &kinds));
    try std.testing.expectEqualSlices(u8, &.{ 0, 2, 4 }, &kinds);
}

test "a child restricted by a batch-built ruleset reads only beneath its rules" {
    if (abiVersion() < 1) return error.SkipZigTest;
    const attr = [_]u64{ fs_read_file | fs_write_file, 0, 0 };
    const ruleset = createRuleset(@ptrCast(&attr), 8);
    try std.testing.expect(ruleset >= 0);
    defer _ = linux.close(ruleset);
    var buf: [128]u8 = undefined;
    var off = putRecord(&buf, 0, "/proc\x00", fs_read_file, fs_read_file);
    off = putRecord(&buf, off, "/proc/self/stat\x00", fs_read_file | fs_write_file, fs_read_file);
    var kinds: [2]u8 = undefined;
    try std.testing.expectEqual(@as(i32, 2), addPathRules(ruleset, buf[0..off], &kinds));
    try std.testing.expectEqualSlices(u8, &.{ 0, 1 }, &kinds);

    try expectChildReadsOnlyProc(ruleset);
}
