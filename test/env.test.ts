import { describe, expect, it } from "vitest";
import { prisma } from "@/lib/db";

describe("test database", () => {
  it("is a migrated real PostgreSQL", async () => {
    const rows = await prisma.$queryRaw<{ v: string }[]>`select version() as v`;
    expect(rows[0].v).toMatch(/PostgreSQL/);
    const migrations = await prisma.$queryRaw<{ n: bigint }[]>`select count(*) as n from _prisma_migrations`;
    expect(Number(migrations[0].n)).toBeGreaterThan(0);
  });
});
