// `cordon help [COMMAND]`, `cordon COMMAND --help`: what each command takes.
// One line per flag, in the order of the command's parseArgs options; a test
// checks that every option has its line here (test/cli/help.test.ts).
import { runOptions } from "./args.ts";
import { auditOptions } from "./audit.ts";
import { learnOptions } from "./learn-options.ts";
import { planOptions } from "./plan-options.ts";

type Options = Readonly<Record<string, { readonly type: "string" | "boolean" }>>;

/** [value placeholder ("" for a switch; "[=...]" for an optional value), what it does]. */
const flagHelp: Readonly<Record<string, readonly [string, string]>> = {
  "allow-read": ["PATH", "read and execute beneath PATH (repeatable; comma-separated list allowed)"],
  "allow-write": ["PATH", "read, write, create, delete beneath PATH (repeatable)"],
  "allow-net": ["[=HOST[:PORT],...]", "bare: unrestricted network (default: none at all); =HOST,...: only these hosts (name, *.suffix, localhost, IP, [IPv6]:PORT; no port: any), through cordon's relay in a network of the command's own (docs/network.md)"],
  "deny-net": ["HOST[:PORT]", "never these, even where --allow-net=... grants them (repeatable)"],
  "allow-connect": ["PORT", "TCP connect to PORT (repeatable)"],
  "allow-bind": ["PORT", "TCP bind to PORT (repeatable)"],
  "deny-read": ["PATH", "nothing beneath PATH is read or written, whatever grants it (repeatable)"],
  "deny-write": ["PATH", "nothing beneath PATH is written, whatever grants it (repeatable)"],
  "allow-pty": ["", "a private /dev/pts: the command can open pseudo-terminals"],
  memory: ["SIZE", "memory limit of the whole tree: bytes, or with K/M/G/T (512M, 1.5G)"],
  "file-size": ["SIZE", "largest file a process may write (RLIMIT_FSIZE), like --memory"],
  "open-files": ["N", "most open files per process (RLIMIT_NOFILE)"],
  pids: ["N", "most live processes in the tree"],
  cpu: ["DURATION", "CPU-time limit in whole seconds: 30, 90s, 2m"],
  timeout: ["DURATION", "wall clock (seconds, or 500ms/90s/2m/1h); then --signal to the whole tree, SIGKILL --kill-after later; exit 124"],
  signal: ["SIG", "the signal --timeout sends first (default TERM)"],
  "kill-after": ["DURATION", "from --signal to SIGKILL (default 5s; 0: at once)"],
  user: ["NAME|UID[:GID]", "run as this user (needs privilege)"],
  env: ["KEY=VALUE", "set a variable (repeatable)"],
  "allow-env": ["[=NAME,...]", "pass more of the caller's variables: NAME, or NAME* (never a secret-looking name); bare: the whole environment (default: PATH, locale, terminal, TZ, CI)"],
  home: ["DIR", "HOME, read-write and kept (default: a private, empty one, removed after)"],
  cwd: ["DIR", "working directory (inside a grant)"],
  "best-effort": ["", "run even if a requested guarantee cannot be enforced"],
  report: ["FILE", "write the enforcement report as JSON"],
  explain: ["", "after the command, list what the sandbox refused and the flag that would allow each (docs/explain.md)"],
  policy: ["FILE", "start from this JSON policy (schema/policy.schema.json); flags add to its lists and replace its single values"],
  output: ["FILE", "write the learned policy to FILE (default: standard output)"],
  json: ["", "print JSON instead of a table"],
  "fail-on": ["VERDICT", "exit 1 when a channel has this verdict: reachable, partial, error (comma-separated list allowed)"],
  accept: ["CHANNEL", "a channel --fail-on passes over (repeatable; comma-separated; a trailing * matches a prefix)"],
  compare: ["", "P01-P24 for seL4, this host and every OS cordon targets"],
  markdown: ["", "with --compare: docs/security-model.md"],
  target: ["TARGET", "what to describe the job for: sel4-microkit"],
  board: ["NAME", "the Microkit board"],
  help: ["", "print this help"],
};

/** The flag lines of `options`, aligned; a flag without a line here says so (and fails the help test). */
export function flagLines(options: Options): string[] {
  const rows = Object.keys(options).map((name) => {
    const [value, text] = flagHelp[name] ?? ["", "(undocumented)"];
    return [`--${name}${value === "" || value.startsWith("[") ? value : `=${value}`}`, text] as const;
  });
  const width = Math.max(...rows.map(([flag]) => flag.length)) + 2;
  return rows.map(([flag, text]) => `    ${flag.padEnd(width)}${text}`);
}

const commands: Record<string, () => string[]> = {
  run: () => [
    "usage: cordon run [options] -- COMMAND [ARG...]",
    "",
    "Runs COMMAND in a sandbox: no network, the system read set and the grants below, a private TMPDIR.",
    "Exit status: the command's; 128+N for signal N; 124 timeout; 125 cordon failed; 126/127 not executable/not found.",
    "",
    "options:",
    ...flagLines({ ...runOptions, help: { type: "boolean" } }),
    "",
    "With --policy, the file is the base: flags add paths and ports to its lists and replace its single values.",
    "Full contract: docs/cli.md",
  ],
  audit: () => [
    "usage: cordon audit [run options] [--json] [--fail-on=VERDICT] [--accept=CHANNEL]",
    "",
    "Probes every known channel from inside a sandbox built from the run options (docs/audit.md).",
    "Exit status: 0 once the audit ran; 1 when --fail-on matched a channel; 125 when it could not run.",
    "",
    "audit options:",
    ...flagLines({ ...auditOptions, help: { type: "boolean" } }),
    "",
    "run options (as for cordon run; --explain is refused):",
    ...flagLines(runOptions),
  ],
  learn: () => [
    "usage: cordon learn [run options] [--output=FILE] -- COMMAND [ARG...]",
    "",
    "Runs COMMAND observed, inside the run options (default: everything readable, the working directory",
    "writable, any network), and writes the narrowest policy that let it run as a --policy file (docs/explain.md).",
    "Exit status: the command's. Its stdout goes to stderr while the policy goes to stdout.",
    "",
    "learn options:",
    ...flagLines({ ...learnOptions, help: { type: "boolean" } }),
    "",
    "run options (as for cordon run; --user, --report and --explain are refused):",
    ...flagLines(runOptions),
  ],
  probe: () => [
    "usage: cordon probe [--json] | cordon probe --compare [--json | --markdown]",
    "",
    "What this host can enforce, from live evidence, beside seL4.",
    "",
    "options:",
    ...flagLines({ json: { type: "boolean" }, compare: { type: "boolean" }, markdown: { type: "boolean" }, help: { type: "boolean" } }),
  ],
  plan: () => [
    "usage: cordon plan --target=sel4-microkit [--board=NAME] [run options] -- COMMAND",
    "",
    "The job cordon run would sandbox here, as a seL4 Microkit system description on stdout (docs/sel4/).",
    "",
    "plan options:",
    ...flagLines({ ...planOptions, help: { type: "boolean" } }),
    "",
    "run options (as for cordon run; --user, --best-effort, --report and --explain are refused):",
    ...flagLines(runOptions),
  ],
  version: () => ["usage: cordon version | cordon --version", "", "cordon's version, the native library's version and ABI (or why it cannot be loaded), and the platform."],
  help: () => ["usage: cordon help [COMMAND] | cordon COMMAND --help"],
};

export const commandNames = Object.keys(commands);

/** Help of `command`, or undefined for an unknown one. */
export function commandHelp(command: string): string | undefined {
  return commands[command]?.().join("\n");
}

/** `cordon help`: every command, and cordon run's flags. */
export function usage(): string {
  return [
    "usage:",
    "  cordon run [options] -- COMMAND [ARG...]",
    ...flagLines(runOptions),
    "  cordon audit [run options] [--json] [--fail-on=VERDICT] [--accept=CHANNEL]",
    "                            probe every known channel from inside a sandbox of these run options (docs/audit.md)",
    "  cordon learn [run options] [--output=FILE] -- COMMAND",
    "                            the narrowest policy that let COMMAND run, learned from watching it (docs/explain.md)",
    "  cordon probe [--json]     what this host can enforce",
    "  cordon probe --compare [--json | --markdown]",
    "                            P01-P24 for seL4, this host and every OS cordon targets (--markdown: docs/security-model.md)",
    "  cordon plan --target=sel4-microkit [run options] -- COMMAND",
    "                            a Microkit system description of that job for seL4 (docs/sel4/)",
    "  cordon version            library and native versions, platform (also: cordon --version)",
    "  cordon help [COMMAND]     this text, or one command's (also: cordon COMMAND --help)",
  ].join("\n");
}
