/**
 * How many test files run at once (vitest workers). Each worker gets its own database and data directory
 * (test/global-setup.ts, test/worker-env.ts): the embedded job runner, the recorder's spool and the live parts
 * are per database or per directory, so two files never see each other's runs or files. 2 matches the CI
 * machine's cores; `TEST_WORKERS=1` runs the files one at a time.
 */
export const TEST_WORKERS = Math.max(1, Number(process.env.TEST_WORKERS ?? 2));
