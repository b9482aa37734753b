//! Classic BPF as seccomp runs it, over one struct seccomp_data: the
//! notification supervisor answers a call with what the run's own filter
//! would have returned (the errno of a refusal), from the same program.
//! Anything seccomp would not load (a bad load offset, a jump out of the
//! program, division by zero) evaluates to SECCOMP_RET_KILL_PROCESS.
const std = @import("std");

pub const Insn = extern struct { code: u16, jt: u8, jf: u8, k: u32 };
pub const ret_kill_process: u32 = 0x80000000;

const Class = enum(u3) { ld = 0, ldx = 1, st = 2, stx = 3, alu = 4, jmp = 5, ret = 6, misc = 7 };

/// Runs `prog` over the 64 bytes of a struct seccomp_data; returns the filter's return value.
pub fn run(prog: []const Insn, data: *const [64]u8) u32 {
    var a: u32 = 0;
    var x: u32 = 0;
    var mem: [16]u32 = @splat(0);
    var pc: usize = 0;
    // Jumps only go forward: at most one pass over the program.
    while (pc < prog.len) {
        const i = prog[pc];
        pc += 1;
        const src: u32 = if (i.code & 0x08 != 0) x else i.k;
        switch (@as(Class, @enumFromInt(i.code & 7))) {
            .ld => switch (i.code & 0xe0) {
                0x00 => a = i.k, // IMM
                0x20 => { // ABS: 32-bit loads, 4-byte aligned, inside seccomp_data
                    if (i.code & 0x18 != 0 or i.k % 4 != 0 or i.k > 60) return ret_kill_process;
                    a = std.mem.readInt(u32, data[i.k..][0..4], .little);
                },
                0x60 => a = if (i.k < 16) mem[i.k] else return ret_kill_process, // MEM
                0x80 => a = 64, // LEN
                else => return ret_kill_process,
            },
            .ldx => switch (i.code & 0xe0) {
                0x00 => x = i.k,
                0x60 => x = if (i.k < 16) mem[i.k] else return ret_kill_process,
                0x80 => x = 64,
                else => return ret_kill_process,
            },
            .st => if (i.k < 16) {
                mem[i.k] = a;
            } else return ret_kill_process,
            .stx => if (i.k < 16) {
                mem[i.k] = x;
            } else return ret_kill_process,
            .alu => a = switch (i.code & 0xf0) {
                0x00 => a +% src,
                0x10 => a -% src,
                0x20 => a *% src,
                0x30 => if (src == 0) return ret_kill_process else a / src,
                0x40 => a | src,
                0x50 => a & src,
                0x60 => if (src >= 32) 0 else a << @intCast(src),
                0x70 => if (src >= 32) 0 else a >> @intCast(src),
                0x80 => 0 -% a,
                0x90 => if (src == 0) return ret_kill_process else a % src,
                0xa0 => a ^ src,
                else => return ret_kill_process,
            },
            .jmp => {
                const op = i.code & 0xf0;
                if (op == 0x00) { // JA
                    pc += i.k;
                    continue;
                }
                const taken = switch (op) {
                    0x10 => a == src,
                    0x20 => a > src,
                    0x30 => a >= src,
                    0x40 => a & src != 0,
                    else => return ret_kill_process,
                };
                pc += if (taken) i.jt else i.jf;
            },
            .ret => return switch (i.code & 0x18) {
                0x00 => i.k,
                0x10 => a,
                else => return ret_kill_process,
            },
            .misc => if (i.code & 0xf8 == 0x00) {
                x = a; // TAX
            } else {
                a = x; // TXA
            },
        }
    }
    return ret_kill_process;
}

test "a filter's answer: errno for the refused number, allow for another, kill past the end" {
    const ld_nr = Insn{ .code = 0x20, .jt = 0, .jf = 0, .k = 0 };
    const prog = [_]Insn{
        ld_nr,
        .{ .code = 0x15, .jt = 0, .jf = 1, .k = 101 }, // jeq 101
        .{ .code = 0x06, .jt = 0, .jf = 0, .k = 0x00050001 }, // ret ERRNO|EPERM
        .{ .code = 0x06, .jt = 0, .jf = 0, .k = 0x7fff0000 }, // ret ALLOW
    };
    var data: [64]u8 = @splat(0);
    std.mem.writeInt(u32, data[0..4], 101, .little);
    try std.testing.expectEqual(@as(u32, 0x00050001), run(&prog, &data));
    std.mem.writeInt(u32, data[0..4], 102, .little);
    try std.testing.expectEqual(@as(u32, 0x7fff0000), run(&prog, &data));
    try std.testing.expectEqual(ret_kill_process, run(prog[0..2], &data));
}
