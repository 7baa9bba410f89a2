import "server-only";
import type { z } from "zod";
import { exportRequested } from "@/inngest/events";
import { enqueueOrFail } from "@/lib/events/enqueue-or-fail";
import { assertWithinQuota } from "@/lib/quotas/assert-within-quota";
import { createExports, failExport, type TExportDto, type ZExportRequest } from "./exports";

/**
 * POST /api/exports: one PENDING export per owned clip, each queued as its own `export-clip` run (the id makes
 * a repeated send a no-op); a failed send marks them all failed.
 */
export async function queueExports(userId: string, input: z.infer<typeof ZExportRequest>): Promise<TExportDto[]> {
  await assertWithinQuota(userId, "storage");
  const exports = await createExports(userId, input);
  await enqueueOrFail(
    exports.map((e) => exportRequested.create({ exportId: e.id, userId }, { id: `export-${e.id}` })),
    () => Promise.all(exports.map((e) => failExport(e.id, "Could not queue the export."))),
  );
  return exports;
}
