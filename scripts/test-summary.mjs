// Prints one closing line for the whole suite ("N passed, N failed"), from the vitest and Playwright JSON reports.
import fs from "node:fs";

const read = (f) => (fs.existsSync(f) ? JSON.parse(fs.readFileSync(f, "utf8")) : null);
let passed = 0;
let failed = 0;
let skipped = 0;
const v = read(".data/vitest.json");
// `--check vitest`: fail unless the unit/integration run reported tests and all of them passed.
if (process.argv[2] === "--check") {
  if (!v || v.numTotalTests === 0 || v.numFailedTests > 0 || v.numFailedTestSuites > 0 || !v.success) {
    console.error(
      v
        ? `vitest: ${v.numFailedTests} failed, ${v.numFailedTestSuites} failed files, success=${v.success}`
        : "vitest wrote no report",
    );
    process.exit(1);
  }
  process.exit(0);
}
if (v) {
  passed += v.numPassedTests;
  failed += v.numFailedTests;
  skipped += v.numPendingTests + (v.numTodoTests ?? 0);
}
const p = read(".data/e2e/results.json");
if (p) {
  passed += p.stats.expected;
  failed += p.stats.unexpected + p.stats.flaky;
  skipped += p.stats.skipped;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed ? 1 : 0);
