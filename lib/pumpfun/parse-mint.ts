import { AppError } from "@/lib/http/errors";

const BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const BASE58_RE = /^[1-9A-HJ-NP-Za-km-z]+$/;
const PUMPFUN_HOSTS = new Set(["pump.fun", "www.pump.fun"]);

/**
 * Whether what a user pasted is meant as a pump.fun coin: a pump.fun URL (with or without scheme) or a bare
 * token of letters and digits (a mint id; real URLs always have a scheme, a dot or a slash).
 */
export function looksLikePumpfun(raw: string): boolean {
  if (/^[A-Za-z0-9]+$/.test(raw) && raw.length >= 16) return true;
  const host = raw
    .replace(/^https?:\/\//i, "")
    .split(/[/?#]/, 1)[0]
    .toLowerCase();
  return PUMPFUN_HOSTS.has(host);
}

/**
 * A pump.fun coin's mint id (a Solana address) from `https://pump.fun/coin/<mint>`, `pump.fun/<mint>` (query
 * strings and fragments ignored) or the bare mint. Base58, 32–44 characters, and it must decode to the
 * 32 bytes of a Solana public key. Throws AppError("invalid_input") with a user-facing message.
 */
export function parsePumpfunMint(raw: string): string {
  let candidate = raw.trim();
  if (!/^[A-Za-z0-9]+$/.test(candidate)) {
    let url: URL;
    try {
      url = new URL(/^https?:\/\//i.test(candidate) ? candidate : `https://${candidate}`);
    } catch {
      throw new AppError(
        "invalid_input",
        "That is not a valid pump.fun URL. Paste https://pump.fun/coin/<mint> or the mint id.",
      );
    }
    if (!PUMPFUN_HOSTS.has(url.hostname.toLowerCase())) {
      throw new AppError(
        "invalid_input",
        "That is not a pump.fun URL. Paste https://pump.fun/coin/<mint> or the mint id.",
      );
    }
    const parts = url.pathname.split("/").filter(Boolean);
    const mint =
      parts[0] === "coin" ? (parts.length === 2 ? parts[1] : undefined) : parts.length === 1 ? parts[0] : undefined;
    if (!mint)
      throw new AppError(
        "invalid_input",
        "That pump.fun URL has no coin in it. Paste https://pump.fun/coin/<mint> or the mint id.",
      );
    candidate = mint;
  }
  if (!BASE58_RE.test(candidate)) {
    throw new AppError("invalid_input", "A pump.fun mint id uses base58 letters and digits only (no 0, O, I or l).");
  }
  if (candidate.length < 32 || candidate.length > 44) {
    throw new AppError(
      "invalid_input",
      `A pump.fun mint id is 32 to 44 characters long; this one has ${candidate.length}.`,
    );
  }
  if (base58Decode(candidate).length !== 32) {
    throw new AppError("invalid_input", "That mint id is not a valid Solana address (it does not decode to 32 bytes).");
  }
  return candidate;
}

/** Bytes of a base58 string (Bitcoin alphabet, leading '1's are zero bytes). Input already validated. */
export function base58Decode(s: string): Uint8Array {
  let n = 0n;
  for (const c of s) n = n * 58n + BigInt(BASE58.indexOf(c));
  const bytes: number[] = [];
  while (n > 0n) {
    bytes.unshift(Number(n & 0xffn));
    n >>= 8n;
  }
  for (const c of s) {
    if (c !== "1") break;
    bytes.unshift(0);
  }
  return Uint8Array.from(bytes);
}

export function base58Encode(bytes: Uint8Array): string {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  let out = "";
  while (n > 0n) {
    out = BASE58[Number(n % 58n)] + out;
    n /= 58n;
  }
  for (const b of bytes) {
    if (b !== 0) break;
    out = `1${out}`;
  }
  return out;
}
