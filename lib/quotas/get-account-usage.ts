import { prisma } from "@/lib/db";

export type TAccountUsage = { streamers: number; recordings: number; storageBytes: number };

/**
 * What an account holds against its quotas, in one query: streamers, live sessions recording now, and stored
 * bytes (segments retention has not purged yet, clip media, exports). Each part walks one owner index.
 */
export async function getAccountUsage(userId: string): Promise<TAccountUsage> {
  const [row] = await prisma.$queryRaw<TAccountUsage[]>`
    select
      (select count(*) from "Streamer" where "userId" = ${userId} and "archivedAt" is null)::int as streamers,
      (select count(*) from "LiveSession" where "userId" = ${userId} and status = 'RECORDING')::int as recordings,
      (coalesce((select sum("sizeBytes") from "Segment"
                 where "userId" = ${userId} and "deletedAt" is null and "storageKey" is not null), 0)
       + coalesce((select sum("sizeBytes") from "Clip" where "userId" = ${userId}), 0)
       + coalesce((select sum("sizeBytes") from "ClipExport" where "userId" = ${userId}), 0))::float8 as "storageBytes"`;
  return row;
}
