import { prisma } from "@/lib/db";
import { AppError } from "@/lib/http/errors";
import { SIGNATURE_TOLERANCE_SECONDS } from "@/lib/signing";

/**
 * Replay protection for signed webhooks. A valid signature is accepted once: the first delivery inserts
 * it (primary key) and runs `handle`; the same signature seen again within the window is a replay → 401,
 * nothing runs. If `handle` fails the claim is released, so the sender may retry even byte-identically.
 * A resend of the same message (the outbox re-signs every attempt) carries a new signature and is handled
 * idempotently by the handler itself (unique segment number, deterministic event ids).
 * Receipts older than twice the window can never match a fresh signature again and are pruned.
 */
export async function claimDelivery<T>(signature: string, handle: () => Promise<T>): Promise<T> {
  const claimed = await prisma.webhookReceipt.createMany({ data: { signature }, skipDuplicates: true });
  if (claimed.count === 0) throw new AppError("unauthorized", "Invalid webhook signature (replayed).");
  try {
    const result = await handle();
    await prisma.webhookReceipt.deleteMany({
      where: { receivedAt: { lt: new Date(Date.now() - 2 * SIGNATURE_TOLERANCE_SECONDS * 1000) } },
    });
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
  await prisma.webhookReceipt.deleteMany({
    where: {
      signature: { startsWith: `${scope}:` },
      receivedAt: { lt: new Date(Date.now() - 2 * SIGNATURE_TOLERANCE_SECONDS * 1000) },
    },
  });
}
