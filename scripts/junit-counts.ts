export {};
// Prints "tests failures skipped" from a bun test JUnit report, and lists the
// skipped tests so that no skip goes unseen.
const xml = await Bun.file(Bun.argv[2]!).text();
const head = xml.match(/<testsuites[^>]*\btests="(\d+)"[^>]*\bfailures="(\d+)"[^>]*\bskipped="(\d+)"/);
if (!head) throw new Error("no <testsuites> summary in the JUnit report");
for (const m of xml.matchAll(/<testcase name="([^"]*)"[^>]*file="([^"]*)"[^>]*>\s*<skipped/g)) {
  console.error(`skipped: ${m[2]}: ${m[1]!.replaceAll("&apos;", "'").replaceAll("&quot;", '"')}`);
}
console.log(`${head[1]} ${head[2]} ${head[3]}`);
