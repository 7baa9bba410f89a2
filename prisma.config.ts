import { defineConfig } from "prisma/config";

// Prisma 7 reads connection URLs from here, not from the schema.
// The app itself connects through @prisma/adapter-pg (lib/db.ts).
export default defineConfig({
  schema: "prisma/schema",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost/clipstream" },
});
