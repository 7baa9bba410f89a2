import fs from "node:fs";
import { SIGNATURE_TOLERANCE_SECONDS } from "@/lib/signing";

/**
 * Nonces of accepted control requests, remembered for the signature window (plus a margin) so a captured
 * request cannot be replayed. Kept in the spool (one `t nonce` line each) so a restarted recorder still
 * refuses what the previous process accepted.
 */
export class NonceStore {
  private seen = new Map<string, number>();
  private lines = 0;

  constructor(
    private file: string,
    private windowSeconds = SIGNATURE_TOLERANCE_SECONDS * 2 + 60,
  ) {
    const now = Math.floor(Date.now() / 1000);
    if (fs.existsSync(file)) {
      for (const line of fs.readFileSync(file, "utf8").split("\n")) {
        const [t, n] = line.split(" ");
        if (n && now - Number(t) <= this.windowSeconds) this.seen.set(n, Number(t));
      }
    }
    this.rewrite();
  }

  /** True the first time a nonce is presented; false for a replay. */
  claim(nonce: string, timestamp: number): boolean {
    const now = Math.floor(Date.now() / 1000);
    if (this.seen.has(nonce)) return false;
    this.seen.set(nonce, timestamp);
    fs.appendFileSync(this.file, `${timestamp} ${nonce}\n`);
    if (++this.lines > 1000) {
      for (const [n, t] of this.seen) if (now - t > this.windowSeconds) this.seen.delete(n);
      this.rewrite();
    }
    return true;
  }

  private rewrite() {
    const text = [...this.seen].map(([n, t]) => `${t} ${n}\n`).join("");
    fs.writeFileSync(`${this.file}.tmp`, text);
    fs.renameSync(`${this.file}.tmp`, this.file);
    this.lines = this.seen.size;
  }
}
