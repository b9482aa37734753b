// argv → one Windows command line. Windows passes a single string; the
// child's C runtime (CommandLineToArgvW rules) splits it again. Quoting so
// that the split gives back exactly `argv` is the parent's job.

/** Quotes one argument for CommandLineToArgvW: backslashes double only before a quote. */
export function quoteArg(arg: string): string {
  if (arg.length > 0 && !/[\s"]/.test(arg)) return arg;
  let out = '"';
  let slashes = 0;
  for (const ch of arg) {
    if (ch === "\\") {
      slashes++;
    } else if (ch === '"') {
      out += "\\".repeat(slashes * 2 + 1) + '"';
      slashes = 0;
    } else {
      out += "\\".repeat(slashes) + ch;
      slashes = 0;
    }
  }
  return out + "\\".repeat(slashes * 2) + '"';
}

/** The command line for `argv`; argv[0] (the program) is quoted the same way. */
export function commandLine(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error("argv is empty");
  return argv.map(quoteArg).join(" ");
}
