import "server-only";
import { prisma } from "@/lib/db";
import type { TRecorderLoad } from "./lease";

/** Every registered recorder with the number of recording sessions leased to it. */
export async function recorderLoads(): Promise<TRecorderLoad[]> {
  return prisma.$queryRaw<TRecorderLoad[]>`
    select r.id, r.url, r.capacity, r."lastSeenAt",
           (select count(*) from "LiveSession" s where s."recorderId" = r.id and s.status = 'RECORDING')::int as load
      from "Recorder" r`;
}
