import path from "node:path";
import { env } from "@/lib/env";
import { AppError } from "@/lib/http/errors";
import { livekitConfig } from "@/lib/livekit/clients";
import { userRoom } from "@/lib/livekit/user-room";
import { hostIsPrivate } from "@/lib/net/private-address";
import { looksLikePumpfun, parsePumpfunMint } from "@/lib/pumpfun/parse-mint";

export type TParsedSource = { kind: "URL" | "LIVEKIT" | "PUMPFUN"; source: string; suggestedName: string };

const MAX_URL = 2048;
const LIVEKIT_RE = /^livekit:(?:\/\/)?(.*)$/i;
const ROOM_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/**
 * Validates what a user pasted as a stream source. Accepts HLS/HTTP(S), RTMP(S) URLs, and local files when
 * the operator allows them (ALLOW_FILE_SOURCES). Hosts on private networks are refused unless
 * ALLOW_PRIVATE_SOURCES is set (SSRF guard). A `livekit:<room>` becomes the user's own room (userRoom).
 * Throws AppError("invalid_input") with a user-facing message.
 */
export async function parseSource(input: string, userId: string): Promise<TParsedSource> {
  const raw = input.trim();
  if (!raw) throw new AppError("invalid_input", "Enter a stream URL (HLS .m3u8, RTMP or HTTP).");
  if (raw.length > MAX_URL) throw new AppError("invalid_input", `Stream URL is longer than ${MAX_URL} characters.`);
  if (looksLikePumpfun(raw)) {
    const mint = parsePumpfunMint(raw);
    return { kind: "PUMPFUN", source: mint, suggestedName: `pump.fun ${mint.slice(0, 6)}…` };
  }
  if (raw.startsWith("/") || raw.startsWith("file:")) return parseFile(raw);
  const room = LIVEKIT_RE.exec(raw);
  if (room) return parseLivekitRoom(room[1], userId);

  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AppError("invalid_input", "That is not a valid URL. Use http(s)://…, rtmp(s)://… or an HLS .m3u8 link.");
  }
  if (!["http:", "https:", "rtmp:", "rtmps:"].includes(url.protocol)) {
    throw new AppError(
      "invalid_input",
      `Unsupported protocol "${url.protocol.replace(":", "")}". Use http, https, rtmp or rtmps.`,
    );
  }
  if (!url.hostname) throw new AppError("invalid_input", "The URL has no host.");
  if (url.username || url.password) {
    throw new AppError("invalid_input", "Put stream keys in the path, not as user:password in the URL.");
  }
  if (!env.ALLOW_PRIVATE_SOURCES && (await hostIsPrivate(url.hostname))) {
    throw new AppError("invalid_input", "That host is on a private network; Clipstream only records public streams.");
  }
  const last = url.pathname.split("/").filter(Boolean).at(-1) ?? "";
  const suggestedName = (last.replace(/\.(m3u8|flv|mp4|ts)$/i, "") || url.hostname).slice(0, 60);
  return { kind: "URL", source: url.toString(), suggestedName };
}

function parseFile(raw: string): TParsedSource {
  if (!env.ALLOW_FILE_SOURCES) {
    throw new AppError("invalid_input", "Local files are disabled on this server (ALLOW_FILE_SOURCES).");
  }
  const file = raw.startsWith("file:") ? decodeURIComponent(new URL(raw).pathname) : raw;
  if (!path.isAbsolute(file) || file.includes("\0")) throw new AppError("invalid_input", "Use an absolute file path.");
  return {
    kind: "URL",
    source: `file://${path.normalize(file)}`,
    suggestedName: path
      .basename(file)
      .replace(/\.\w+$/, "")
      .slice(0, 60),
  };
}

/**
 * `livekit:<room>`: a room on the operator's LiveKit server (LIVEKIT_URL). The source is the account's own room
 * of that name (or a room the operator shares, LIVEKIT_SHARED_ROOMS); the name the user typed is the display name.
 */
function parseLivekitRoom(room: string, userId: string): TParsedSource {
  if (!livekitConfig())
    throw new AppError(
      "invalid_input",
      "LiveKit rooms are not enabled on this server (LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET).",
    );
  if (!ROOM_RE.test(room))
    throw new AppError(
      "invalid_input",
      "Use livekit:<room name> (letters, digits, '-', '_', '.'; up to 128 characters).",
    );
  return { kind: "LIVEKIT", source: userRoom(userId, room), suggestedName: room.slice(0, 60) };
}
