import { serve } from "inngest/next";
import { inngest } from "@/inngest/client";
import { functions } from "@/inngest";

export const runtime = "nodejs";
// Segment processing runs ffmpeg and speech recognition; allow long steps where the platform supports it.
export const maxDuration = 800;

export const { GET, POST, PUT } = serve({ client: inngest, functions });
