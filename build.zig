//! One build for every target. `zig build` makes the host library,
//! `zig build cross` every supported target (the table is zig/targets.json),
//! `zig build test` the Zig unit tests and the C fixture (`zig build test-abi`).
const std = @import("std");
const builtin = @import("builtin");

/// Exact pin: a different compiler is refused rather than half-working.
const zig_version = "0.17.0";

comptime {
    const want = std.SemanticVersion.parse(zig_version) catch unreachable;
    if (builtin.zig_version.order(want) != .eq)
        @compileError("cordon needs Zig " ++ zig_version ++ "; run scripts/toolchain.sh");
}

/// One row of zig/targets.json, the table of targets `scripts/package-natives.ts` reads too.
pub const Target = struct { query: []const u8, dir: []const u8, libc: bool, files: []const []const u8 };

fn loadTargets(b: *std.Build) []const Target {
    const Table = struct { targets: []const Target };
    const table = std.json.parseFromSliceLeaky(Table, b.allocator, @embedFile("zig/targets.json"), .{ .ignore_unknown_fields = true }) catch @panic("zig/targets.json is malformed");
    return table.targets;
}

pub fn build(b: *std.Build) void {
    // ReleaseSafe unless asked otherwise: safety checks stay on in a security library.
    const optimize = b.option(std.builtin.OptimizeMode, "optimize", "Optimization mode (default: safe)") orelse .safe;
    // The host library is the host's row of the table, built the same way as in `cross`.
    const host_os = builtin.os.tag;
    const host_arch = builtin.cpu.arch;
    const targets = loadTargets(b);
    for (targets) |t| {
        const query = std.Target.Query.parse(.{ .arch_os_abi = t.query }) catch @panic("bad target query");
        if (query.os_tag != host_os or query.cpu_arch != host_arch) continue;
        _ = installTarget(b, b.getInstallStep(), t, optimize);
        // Linux does not ship the launcher; a musl build lets its OS-neutral steps run in tests here.
        if (query.os_tag == .linux) b.getInstallStep().dependOn(&installLauncherTo(b, b.resolveTargetQuery(.{ .cpu_arch = host_arch, .os_tag = .linux, .abi = .musl }), optimize, "test-launcher").step);
    }

    const cross = b.step("cross", "Build the library for every supported target");
    for (targets) |t| {
        const lib = installTarget(b, cross, t, optimize);
        // The header's layout checks, by a C compiler for each Linux arch (built, not run).
        if (lib.rootModuleTarget().os.tag == .linux) cross.dependOn(&abiFixture(b, lib, lib.root_module.resolved_target.?).step);
    }

    // Tables TypeScript needs (syscall numbers, errno names, kernel constants), record layouts from the header.
    const gen_step = b.step("gen", "Regenerate ffi/generated/ from Zig std, the kernel's uapi headers and ffi/include");
    const gen = hostTool(b, "gen_tables");
    for ([_][]const u8{ "x86_64", "aarch64" }) |arch| {
        const query = std.Target.Query.parse(.{ .arch_os_abi = b.fmt("{s}-linux-musl", .{arch}) }) catch @panic("bad target query");
        gen.root_module.addImport(b.fmt("uapi_{s}", .{arch}), uapiModule(b, b.resolveTargetQuery(query)));
    }
    const gen_run = b.addRunArtifact(gen);
    const tables = gen_run.addOutputFileArg("linux-tables.ts");
    const update = b.addUpdateSourceFiles();
    update.addCopyFileToSource(tables, "ffi/generated/linux-tables.ts");
    gen_step.dependOn(&update.step);
    genBsdErrno(b, gen_step);
    genLayouts(b, gen_step);

    // Bun's Windows build under Wine 8 needs a bcryptprimitives.dll with ProcessPrng (scripts/wine-test.sh).
    const wine_shim_step = b.step("wine-shim", "Build the bcryptprimitives.dll shim that lets bun.exe start under Wine");
    const wine_shim = b.addLibrary(.{ .name = "bcryptprimitives", .linkage = .dynamic, .root_module = b.createModule(.{
        .root_source_file = b.path("zig/tools/wine_shim.zig"),
        .target = b.resolveTargetQuery(std.Target.Query.parse(.{ .arch_os_abi = "x86_64-windows-gnu" }) catch @panic("bad target query")),
        .optimize = .small,
        .strip = true,
    }) });
    wine_shim_step.dependOn(&b.addInstallArtifact(wine_shim, .{ .dest_dir = .{ .override = .{ .custom = "wine" } }, .pdb_dir = .disabled, .implib_dir = .disabled }).step);
    const win_x64 = b.resolveTargetQuery(std.Target.Query.parse(.{ .arch_os_abi = "x86_64-windows-gnu" }) catch @panic("bad target query"));
    wine_shim_step.dependOn(&installLib(b, win_x64, optimize, "win32-x64", false).step);
    wine_shim_step.dependOn(&installAuditProbe(b, win_x64, optimize, "win32-x64").step);

    const test_step = b.step("test", "Run the Zig unit tests on the host");
    // LLVM: the self-hosted backend used for debug builds does not emit the
    // module-level assembly of the clone3 entry.
    const unit = b.addTest(.{ .use_llvm = true, .root_module = b.createModule(.{
        .root_source_file = b.path("zig/src/root.zig"),
        .target = b.resolveTargetQuery(.{}),
        .optimize = .debug,
    }) });
    unit.root_module.addImport("cordon_h", headerModule(b, b.resolveTargetQuery(.{})));
    if (builtin.os.tag == .linux) unit.root_module.addImport("linux_uapi", uapiModule(b, b.resolveTargetQuery(.{})));
    test_step.dependOn(&b.addRunArtifact(unit).step);

    // A C program that includes the header and links against the host library.
    const test_abi = b.step("test-abi", "Check the header against the built library with a C fixture (test/abi/fixture.c)");
    if (host_os == .linux) {
        const host_lib = installLib(b, b.resolveTargetQuery(.{}), optimize, "test-abi", false);
        const run = b.addRunArtifact(abiFixture(b, host_lib.artifact, b.resolveTargetQuery(.{})));
        run.expectExitCode(0);
        test_abi.dependOn(&run.step);
        test_step.dependOn(test_abi);
    }
}

/// test/abi/fixture.c built against `lib` with the header's layout checks
/// (zig/tools/gen_layouts.zig): compiling it checks them for `target`.
fn abiFixture(b: *std.Build, lib: *std.Build.Step.Compile, target: std.Build.ResolvedTarget) *std.Build.Step.Compile {
    const checks = b.addRunArtifact(layoutsGenerator(b));
    _ = checks.addOutputFileArg("common-layouts.ts");
    _ = checks.addOutputFileArg("linux-layouts.ts");
    _ = checks.addOutputFileArg("windows-layouts.ts");
    const checks_h = checks.addOutputFileArg("layout_checks.h");
    var query = target.query;
    if (target.result.os.tag == .linux) query.abi = .gnu;
    const fixture = b.addExecutable(.{ .name = "abi-fixture", .root_module = b.createModule(.{
        .target = b.resolveTargetQuery(query),
        .optimize = .debug,
        .link_libc = true,
    }) });
    fixture.root_module.addCSourceFile(.{ .file = b.path("test/abi/fixture.c"), .flags = &.{ "-std=c11", "-Wall", "-Werror" } });
    fixture.root_module.addIncludePath(b.path("ffi/include"));
    fixture.root_module.addIncludePath(checks_h.dirname());
    fixture.root_module.linkLibrary(lib);
    return fixture;
}

/// The C header as Zig code: ffi/include/cordon.h through translate-c for
/// `target`'s OS and arch, so Zig's records are the header's own structs.
/// A libc-less Linux target is translated as musl: its <stdint.h> is Zig's.
fn headerModule(b: *std.Build, target: std.Build.ResolvedTarget) *std.Build.Module {
    var query = target.query;
    if (target.result.os.tag == .linux) query.abi = .musl;
    return translated(b, "ffi/include/cordon.h", b.resolveTargetQuery(query));
}

/// Linux kernel constants: the uapi headers Zig ships for `target`'s arch
/// (zig/tools/linux_uapi.h through translate-c), read by zig/src/linux/uapi.zig.
fn uapiModule(b: *std.Build, target: std.Build.ResolvedTarget) *std.Build.Module {
    var query = target.query;
    query.abi = .musl;
    return translated(b, "zig/tools/linux_uapi.h", b.resolveTargetQuery(query));
}

/// A C header through translate-c for `target`, as a module. Not
/// tc.createModule(): that would link libc into whatever imports it.
fn translated(b: *std.Build, header: []const u8, target: std.Build.ResolvedTarget) *std.Build.Module {
    const tc = b.addTranslateC(.{ .root_source_file = b.path(header), .target = target, .optimize = .debug });
    return b.createModule(.{ .root_source_file = tc.getOutput() });
}

/// A generator of `zig build gen` (zig/tools/<name>.zig), run on the host.
fn hostTool(b: *std.Build, comptime name: []const u8) *std.Build.Step.Compile {
    return b.addExecutable(.{ .name = name, .root_module = b.createModule(.{
        .root_source_file = b.path("zig/tools/" ++ name ++ ".zig"),
        .target = b.resolveTargetQuery(.{}),
        .optimize = .debug,
    }) });
}

/// ffi/generated/{common,linux,windows}-layouts.ts: record layouts and constants from the header (zig/tools/gen_layouts.zig).
fn genLayouts(b: *std.Build, gen_step: *std.Build.Step) void {
    const run = b.addRunArtifact(layoutsGenerator(b));
    const update = b.addUpdateSourceFiles();
    for ([_][]const u8{ "common-layouts.ts", "linux-layouts.ts", "windows-layouts.ts" }) |name| {
        update.addCopyFileToSource(run.addOutputFileArg(name), b.fmt("ffi/generated/{s}", .{name}));
    }
    gen_step.dependOn(&update.step);
}

/// zig/tools/gen_layouts.zig with the header translated for no OS, for Linux and for Windows.
fn layoutsGenerator(b: *std.Build) *std.Build.Step.Compile {
    const gen = hostTool(b, "gen_layouts");
    // A target of no OS: cordon.h includes none of the per-OS headers.
    for ([_][2][]const u8{ .{ "common", "wasm32-freestanding" }, .{ "linux", "x86_64-linux-musl" }, .{ "windows", "x86_64-windows-gnu" } }) |os| {
        const query = std.Target.Query.parse(.{ .arch_os_abi = os[1] }) catch @panic("bad target query");
        gen.root_module.addImport(b.fmt("cordon_h_{s}", .{os[0]}), headerModule(b, b.resolveTargetQuery(query)));
    }
    return gen;
}

/// ffi/generated/{darwin,freebsd}-errno.ts from each OS's <errno.h> (zig/tools/gen_errno.zig).
fn genBsdErrno(b: *std.Build, gen_step: *std.Build.Step) void {
    const gen = hostTool(b, "gen_errno");
    for ([_][2][]const u8{ .{ "darwin_errno", "x86_64-macos.13.0" }, .{ "freebsd_errno", "x86_64-freebsd" } }) |os| {
        const query = std.Target.Query.parse(.{ .arch_os_abi = os[1] }) catch @panic("bad target query");
        gen.root_module.addImport(os[0], translated(b, "zig/tools/errno.h", b.resolveTargetQuery(query)));
    }
    const run = b.addRunArtifact(gen);
    const darwin = run.addOutputFileArg("darwin-errno.ts");
    const freebsd = run.addOutputFileArg("freebsd-errno.ts");
    const update = b.addUpdateSourceFiles();
    update.addCopyFileToSource(darwin, "ffi/generated/darwin-errno.ts");
    update.addCopyFileToSource(freebsd, "ffi/generated/freebsd-errno.ts");
    gen_step.dependOn(&update.step);
}

/// Every file of one row of zig/targets.json into zig-out/native/<dir>, as
/// dependencies of `step`; returns the library.
fn installTarget(b: *std.Build, step: *std.Build.Step, t: Target, optimize: std.builtin.OptimizeMode) *std.Build.Step.Compile {
    const query = std.Target.Query.parse(.{ .arch_os_abi = t.query }) catch @panic("bad target query");
    const target = b.resolveTargetQuery(query);
    const lib = installLib(b, target, optimize, t.dir, t.libc);
    step.dependOn(&lib.step);
    if (t.files.len == 0 or !std.mem.eql(u8, t.files[0], lib.artifact.out_filename)) std.debug.panic("zig/targets.json: {s} must list {s} first", .{ t.dir, lib.artifact.out_filename });
    for (t.files[1..]) |file| {
        const inst = if (std.mem.eql(u8, file, "cordon-init"))
            installInit(b, target, optimize, t.dir)
        else if (std.mem.eql(u8, file, "cordon-exec"))
            installLauncher(b, target, optimize, t.dir)
        else if (std.mem.eql(u8, file, "cordon-audit-probe.exe"))
            installAuditProbe(b, target, optimize, t.dir)
        else
            std.debug.panic("zig/targets.json: {s}: no build for {s}", .{ t.dir, file });
        step.dependOn(&inst.step);
    }
    return lib.artifact;
}

/// cordon-audit-probe.exe: both halves of `cordon audit` on Windows (zig/src/audit_probe.zig).
fn installAuditProbe(b: *std.Build, target: std.Build.ResolvedTarget, optimize: std.builtin.OptimizeMode, dir: []const u8) *std.Build.Step.InstallArtifact {
    const exe = b.addExecutable(.{ .name = "cordon-audit-probe", .root_module = b.createModule(.{
        .root_source_file = b.path("zig/src/audit_probe.zig"),
        .target = target,
        .optimize = optimize,
        .link_libc = false,
        .strip = optimize != .debug,
    }) });
    return b.addInstallArtifact(exe, .{ .dest_dir = .{ .override = .{ .custom = b.fmt("native/{s}", .{dir}) } }, .pdb_dir = .disabled });
}

/// cordon-init: pid 1 of a Linux sandbox's pid namespace (zig/src/init.zig); static, no libc.
fn installInit(b: *std.Build, target: std.Build.ResolvedTarget, optimize: std.builtin.OptimizeMode, dir: []const u8) *std.Build.Step.InstallArtifact {
    const exe = b.addExecutable(.{ .name = "cordon-init", .root_module = b.createModule(.{
        .root_source_file = b.path("zig/src/init.zig"),
        .target = target,
        .optimize = optimize,
        .link_libc = false,
        .strip = optimize != .debug,
        .single_threaded = true,
    }) });
    // Zig's start code raises RLIMIT_STACK to the PT_GNU_STACK size, and the
    // command inherits it: a size of 0 skips the raise for any caller's limit.
    exe.stack_size = 0;
    return b.addInstallArtifact(exe, .{ .dest_dir = .{ .override = .{ .custom = b.fmt("native/{s}", .{dir}) } } });
}

/// cordon-exec: the single-threaded launcher of macOS (Seatbelt), FreeBSD and OpenBSD (unveil, pledge); see zig/src/launcher.zig.
/// It links libc on every BSD: OpenBSD allows system calls only from libc.
fn installLauncher(b: *std.Build, target: std.Build.ResolvedTarget, optimize: std.builtin.OptimizeMode, dir: []const u8) *std.Build.Step.InstallArtifact {
    return installLauncherTo(b, target, optimize, b.fmt("native/{s}", .{dir}));
}

fn installLauncherTo(b: *std.Build, target: std.Build.ResolvedTarget, optimize: std.builtin.OptimizeMode, dest: []const u8) *std.Build.Step.InstallArtifact {
    const exe = b.addExecutable(.{ .name = "cordon-exec", .root_module = b.createModule(.{
        .root_source_file = b.path("zig/src/launcher.zig"),
        .target = target,
        .optimize = optimize,
        .link_libc = true,
        .strip = optimize != .debug,
    }) });
    return b.addInstallArtifact(exe, .{ .dest_dir = .{ .override = .{ .custom = dest } } });
}

fn installLib(b: *std.Build, target: std.Build.ResolvedTarget, optimize: std.builtin.OptimizeMode, dir: []const u8, libc: bool) *std.Build.Step.InstallArtifact {
    const mod = b.createModule(.{
        .root_source_file = b.path("zig/src/root.zig"),
        .target = target,
        .optimize = optimize,
        .link_libc = libc,
        .pic = true,
        // Code in the spawned child runs before execve on a borrowed stack:
        // no stack protector (it would read TLS) and no unwind tables needed.
        .stack_protector = false,
        .stack_check = false,
        .strip = optimize != .debug,
    });
    mod.addImport("cordon_h", headerModule(b, target));
    if (target.result.os.tag == .linux) mod.addImport("linux_uapi", uapiModule(b, target));
    const lib = b.addLibrary(.{ .name = "cordon", .linkage = .dynamic, .root_module = mod });
    if (target.result.os.tag == .openbsd) lib.linker_allow_shlib_undefined = true;
    return b.addInstallArtifact(lib, .{
        .dest_dir = .{ .override = .{ .custom = b.fmt("native/{s}", .{dir}) } },
        .pdb_dir = .disabled,
        .implib_dir = .disabled,
    });
}
