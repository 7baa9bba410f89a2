import { prisma } from "@/lib/db";

/** The last segment of an ended session and whether every segment has finished processing. */
export async function lastSegmentState(sessionId: string): Promise<{ segmentId: string | null; settled: boolean }> {
  const [last, busy] = await Promise.all([
    prisma.segment.findFirst({ where: { sessionId }, orderBy: { number: "desc" }, select: { id: true, status: true } }),
    prisma.segment.count({ where: { sessionId, status: { in: ["READY", "PROCESSING"] } } }),
  ]);
  return { segmentId: last?.id ?? null, settled: busy === 0 && last?.status === "DONE" };
}
