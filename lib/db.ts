import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/generated/prisma/client";
import { env } from "@/lib/env";

const globalForPrisma = globalThis as unknown as { prisma?: PrismaClient };

function create(): PrismaClient {
  // `next build` evaluates route modules (better-auth touches the client) but never queries.
  const building = process.env.NEXT_PHASE === "phase-production-build";
  const url = process.env.DATABASE_URL ?? (building ? "postgresql://build@127.0.0.1:1/build" : undefined);
  if (!url) throw new Error("DATABASE_URL is not set (the dev and test scripts start embedded PostgreSQL and set it)");
  const adapter = new PrismaPg({ connectionString: url, max: env.DATABASE_POOL_MAX });
  return new PrismaClient({ adapter });
}

/**
 * One cached client per process, created on first use: `next build` imports route modules without a
 * database, and the first query in a running process fails loudly if DATABASE_URL is missing.
 */
export const prisma: PrismaClient = new Proxy({} as PrismaClient, {
  get(_target, prop) {
    globalForPrisma.prisma ??= create();
    const value = Reflect.get(globalForPrisma.prisma, prop);
    return typeof value === "function" ? value.bind(globalForPrisma.prisma) : value;
  },
});
