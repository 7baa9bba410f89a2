/**
 * Account commands for the operator (the same database the app uses: DATABASE_URL, else embedded PostgreSQL).
 *   npm run user -- reset-password <email>   prints a one-time link that sets a new password (works for 1 hour)
 */
import fs from "node:fs";
import { resolveDatabase } from "./lib/database-url";

// The app's own settings (APP_URL, BETTER_AUTH_SECRET, DATABASE_URL), so the link is one it accepts.
if (fs.existsSync(".env")) process.loadEnvFile(".env");

const USAGE = "usage: npm run user -- reset-password <email>";

async function main(): Promise<number> {
  const [cmd, email, ...extra] = process.argv.slice(2);
  if (cmd !== "reset-password" || !email || extra.length) {
    console.error(USAGE);
    return 2;
  }
  const db = await resolveDatabase(process.env.CLIPSTREAM_DB_NAME ?? "clipstream");
  process.env.DATABASE_URL = db.url;
  try {
    const { createResetLink } = await import("@/lib/auth/create-reset-link");
    const link = await createResetLink(email);
    console.log(`One-time link to set a new password for ${email} (works for 1 hour):\n${link}`);
    return 0;
  } finally {
    const { prisma } = await import("@/lib/db");
    await prisma.$disconnect();
    await db.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
