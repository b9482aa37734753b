//! clone3(2) with the child running a function on its own stack.
//! With CLONE_VM the child shares the parent's memory, so it must never return
//! into the parent's frames: the entry below calls `func(arg)` on the new stack
//! and ends the child with exit(2) if that function ever returns.
const builtin = @import("builtin");

/// struct clone_args (linux/sched.h), size CLONE_ARGS_SIZE_VER2 = 88.
pub const CloneArgs = extern struct {
    flags: u64 = 0,
    pidfd: u64 = 0,
    child_tid: u64 = 0,
    parent_tid: u64 = 0,
    exit_signal: u64 = 0,
    stack: u64 = 0,
    stack_size: u64 = 0,
    tls: u64 = 0,
    set_tid: u64 = 0,
    set_tid_size: u64 = 0,
    cgroup: u64 = 0,
};

comptime {
    if (@sizeOf(CloneArgs) != 88) @compileError("clone_args must be 88 bytes");
}

pub const Entry = *const fn (arg: usize) callconv(.c) u8;

/// Returns the child's pid (or -errno as usize) in the parent; never returns in the child.
pub extern fn cordon_clone3(args: *const CloneArgs, size: usize, func: Entry, arg: usize) usize;

/// The legacy clone(2), for hosts whose seccomp profile answers ENOSYS to
/// clone3 (container runtimes do, so that libc falls back). With CLONE_PIDFD
/// the pidfd is stored at `parent_tid`. There is no CLONE_INTO_CGROUP here.
/// `func` and `arg` travel on the child's stack: no free register survives
/// the syscall without breaking the caller's ABI.
pub extern fn cordon_clone(flags: usize, stack_top: usize, parent_tid: *i32, func: Entry, arg: usize) usize;

comptime {
    switch (builtin.cpu.arch) {
        // rdi = args, rsi = size, rdx = func, rcx = arg. The syscall keeps every
        // register but rax, rcx and r11, and the child starts on `stack + stack_size`.
        .x86_64 => asm (
            \\ .text
            \\ .globl cordon_clone3
            \\ .hidden cordon_clone3
            \\ .type cordon_clone3, @function
            \\ cordon_clone3:
            \\   movq %rcx, %r9
            \\   movq %rdx, %r8
            \\   movl $435, %eax
            \\   syscall
            \\   testq %rax, %rax
            \\   jz 1f
            \\   retq
            \\ 1:
            \\   xorl %ebp, %ebp
            \\   movq %r9, %rdi
            \\   callq *%r8
            \\   movzbl %al, %edi
            \\   movl $60, %eax
            \\   syscall
            \\   hlt
            \\ .size cordon_clone3, . - cordon_clone3
            \\
            \\ .globl cordon_clone
            \\ .hidden cordon_clone
            \\ .type cordon_clone, @function
            \\ cordon_clone:
            \\   andq $-16, %rsi
            \\   subq $16, %rsi
            \\   movq %rcx, 0(%rsi)
            \\   movq %r8, 8(%rsi)
            \\   xorl %r10d, %r10d
            \\   xorl %r8d, %r8d
            \\   movl $56, %eax
            \\   syscall
            \\   testq %rax, %rax
            \\   jz 1f
            \\   retq
            \\ 1:
            \\   xorl %ebp, %ebp
            \\   popq %r9
            \\   popq %rdi
            \\   callq *%r9
            \\   movzbl %al, %edi
            \\   movl $60, %eax
            \\   syscall
            \\   hlt
            \\ .size cordon_clone, . - cordon_clone
        ),
        // x0 = args, x1 = size, x2 = func, x3 = arg; svc keeps every register but x0.
        .aarch64 => asm (
            \\ .text
            \\ .globl cordon_clone3
            \\ .hidden cordon_clone3
            \\ .type cordon_clone3, %function
            \\ cordon_clone3:
            \\   mov x8, #435
            \\   svc #0
            \\   cbz x0, 1f
            \\   ret
            \\ 1:
            \\   mov x29, xzr
            \\   mov x30, xzr
            \\   mov x0, x3
            \\   blr x2
            \\   and x0, x0, #0xff
            \\   mov x8, #93
            \\   svc #0
            \\   brk #0
            \\ .size cordon_clone3, . - cordon_clone3
            \\
            \\ .globl cordon_clone
            \\ .hidden cordon_clone
            \\ .type cordon_clone, %function
            \\ cordon_clone:
            \\   and x1, x1, #-16
            \\   stp x3, x4, [x1, #-16]!
            \\   mov x3, xzr
            \\   mov x4, xzr
            \\   mov x8, #220
            \\   svc #0
            \\   cbz x0, 1f
            \\   ret
            \\ 1:
            \\   mov x29, xzr
            \\   mov x30, xzr
            \\   ldp x9, x0, [sp], #16
            \\   blr x9
            \\   and x0, x0, #0xff
            \\   mov x8, #93
            \\   svc #0
            \\   brk #0
            \\ .size cordon_clone, . - cordon_clone
        ),
        else => @compileError("clone3 entry not written for this architecture"),
    }
}
