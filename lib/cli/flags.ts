// Policy fields as the CLI user knows them: "fs.read[0]" is "--allow-read".
const byField: [RegExp, string][] = [
  [/^fs\.read(\[\d+\])?$/, "--allow-read"],
  [/^fs\.write(\[\d+\])?$/, "--allow-write"],
  [/^fs\.denyRead(\[\d+\])?$/, "--deny-read"],
  [/^fs\.denyWrite(\[\d+\])?$/, "--deny-write"],
  [/^pty$/, "--allow-pty"],
  [/^net\.connect(\[\d+\])?$/, "--allow-connect"],
  [/^net\.bind(\[\d+\])?$/, "--allow-bind"],
  [/^net\.hosts(\[\d+\])?$/, "--allow-net"],
  [/^net\.deny(\[\d+\])?$/, "--deny-net"],
  [/^limits\.memory$/, "--memory"],
  [/^limits\.pids$/, "--pids"],
  [/^limits\.cpuSeconds$/, "--cpu"],
  [/^limits\.timeoutMs$/, "--timeout"],
  [/^limits\.killSignal$/, "--signal"],
  [/^limits\.killAfterMs$/, "--kill-after"],
  [/^user(\.\w+)?$/, "--user"],
  [/^env(\..*)?$/, "--env"],
  [/^inheritEnv(\[\d+\])?$/, "--allow-env"],
  [/^home$/, "--home"],
  [/^cwd$/, "--cwd"],
];

/** The flag that set `field`, or `field` itself when no flag did. */
export function flagOf(field: string): string {
  return byField.find(([re]) => re.test(field))?.[1] ?? field;
}
