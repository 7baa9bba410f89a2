import path from "node:path";

/**
 * Runs in each vitest worker before its test files: points the worker at its own database and data directory,
 * from the list test/global-setup.ts created (VITEST_POOL_ID is the worker's slot, 1…TEST_WORKERS).
 */
const slot = Number(process.env.VITEST_POOL_ID ?? 1);
const urls = JSON.parse(process.env.CLIPSTREAM_TEST_DB_URLS ?? "[]") as string[];
if (!urls.length) throw new Error("CLIPSTREAM_TEST_DB_URLS is set by test/global-setup.ts");
process.env.DATABASE_URL = urls[(slot - 1) % urls.length];
process.env.DATA_DIR = path.join(process.env.CLIPSTREAM_TEST_DATA_DIR ?? ".data/test", `w${slot}`);
