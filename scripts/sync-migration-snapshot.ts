/**
 * After merging branches that each added a migration, the newest migration's schema snapshot lacks the other
 * branch's changes (create-migration diffs against it). This rewrites it from the current schema files, the
 * way create-migration writes it; then `npm run db:migrate:create -- x` must find nothing to add.
 *   tsx scripts/sync-migration-snapshot.ts
 */
import fs from "node:fs";
import path from "node:path";
import { schemaFiles } from "./lib/migrate";

const dir = path.resolve("prisma/migrations");
const last = fs
  .readdirSync(dir)
  .filter((d) => fs.statSync(path.join(dir, d)).isDirectory())
  .sort()
  .at(-1);
if (!last) throw new Error("no migrations");
fs.writeFileSync(
  path.join(dir, last, "schema.prisma.snapshot"),
  schemaFiles()
    .map((f) => f.content)
    .join("\n"),
);
console.log(`rewrote ${last}/schema.prisma.snapshot`);
