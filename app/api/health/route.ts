import { prisma } from "@/lib/db";
import { api } from "@/lib/http/api";

export const dynamic = "force-dynamic";

/** Liveness for load balancers and container health checks: 200 when PostgreSQL answers within 2 s, else 503. */
export const GET = api(async () => {
  const started = performance.now();
  const db = await Promise.race([
    prisma.$queryRaw`SELECT 1`.then(
      () => "ok" as const,
      () => "unreachable" as const,
    ),
    new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 2000).unref()),
  ]);
  const ok = db === "ok";
  return Response.json(
    { status: ok ? "ok" : "unavailable", database: db, ms: Math.round(performance.now() - started) },
    { status: ok ? 200 : 503, headers: { "cache-control": "no-store" } },
  );
});
