// The child's environment on Windows. Windows programs find their temp
// directory through TMP and TEMP (GetTempPath), not TMPDIR: the private
// TMPDIR the portable layer made becomes both, unless the policy set TMPDIR
// to something else. Names compare case-insensitively on Windows, so any
// spelling of them is replaced.
export function windowsEnv(env: Readonly<Record<string, string>>, tmpDir: string | undefined): Record<string, string> {
  const out: Record<string, string> = { ...env };
  if (tmpDir === undefined || env.TMPDIR !== tmpDir) return out;
  for (const key of Object.keys(out)) if (/^(tmp|temp)$/i.test(key)) delete out[key];
  out.TMP = tmpDir;
  out.TEMP = tmpDir;
  return out;
}

/** The value of `name` in a Windows environment (any spelling: Path, PATH). */
export function envValue(env: Readonly<Record<string, string>>, name: string): string | undefined {
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(env)) if (k.toLowerCase() === want) return v;
  return undefined;
}
