import { serveFunctions } from "@/lib/jobs/serve-functions";

export const runtime = "nodejs";
// Segment processing runs ffmpeg and speech recognition; allow long steps where the platform supports it.
export const maxDuration = 800;

// The guarded handlers (runner signature or the SDK's own check, 413 past the body bound) live in lib/jobs, so
// the functions server (npm run functions) serves exactly the same ones.
export const { GET, POST, PUT } = serveFunctions;
