import { prisma } from "@/lib/db";
import { AppError } from "@/lib/http/errors";
import { SIGNATURE_TOLERANCE_SECONDS } from "@/lib/signing";

/**
 * Replay protection for signed webhooks. A valid signature is accepted once: the first delivery inserts
 * it (primary key) and runs `handle`; the same signature seen again within the window is a replay → 401,
 * nothing runs. If `handle` fails the claim is released, so the sender may retry even byte-identically.
 * A resend of the same message (the outbox re-signs every attempt) carries a new signature and is handled
 * idempotently by the handler itself (unique segment number, deterministic event ids).
 * Receipts older than twice the window can never match a fresh signature again and are pruned (pruneReceipts).
 */
export async function claimDelivery<T>(signature: string, handle: () => Promise<T>): Promise<T> {
  const claimed = await prisma.webhookReceipt.createMany({ data: { signature }, skipDuplicates: true });
  if (claimed.count === 0) throw new AppError("unauthorized", "Invalid webhook signature (replayed).");
  try {
    const result = await handle();
    await pruneReceipts("");
    return result;
  } catch (err) {
    await prisma.webhookReceipt.delete({ where: { signature } }).catch(() => {});
    throw err;
  }
}

/**
 * Replay protection for requests signed with `signRequest` (method, path, body, time and a nonce): each nonce
 * is accepted once within the window, as a `scope:nonce` row beside the webhook receipts. Throws
 * AppError("unauthorized") with `replayedMessage` for a nonce already seen.
 */
export async function claimNonce(scope: string, nonce: string, replayedMessage: string): Promise<void> {
  const claimed = await prisma.webhookReceipt.createMany({
    data: { signature: `${scope}:${nonce}` },
    skipDuplicates: true,
  });
  if (claimed.count === 0) throw new AppError("unauthorized", replayedMessage);
  await pruneReceipts(`${scope}:`);
}

/** When this process last pruned each prefix's receipts. */
const prunedAt = new Map<string, number>();
const PRUNE_EVERY_MS = 10_000;

/**
 * Deletes receipts with `prefix` past twice the signature window, at most once per PRUNE_EVERY_MS per process:
 * a stale receipt only takes room (no fresh signature can match it), and a delete per request was two of the
 * three queries each signed call cost (40 live streams: ≈ 20 a second).
 */
async function pruneReceipts(prefix: string): Promise<void> {
  const now = Date.now();
  if (now - (prunedAt.get(prefix) ?? 0) < PRUNE_EVERY_MS) return;
  prunedAt.set(prefix, now);
  await prisma.webhookReceipt.deleteMany({
    where: {
      ...(prefix ? { signature: { startsWith: prefix } } : {}),
      receivedAt: { lt: new Date(now - 2 * SIGNATURE_TOLERANCE_SECONDS * 1000) },
    },
  });
}
