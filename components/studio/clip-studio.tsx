"use client";
import Link from "next/link";
import { useState } from "react";
import type { TClipDto } from "@/lib/clips/clips";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { CaptionsEditor } from "./captions-editor";
import { ExportPanel } from "./export-panel";
import { TrimEditor } from "./trim-editor";

function Section({ title, children, aside }: { title: string; children: React.ReactNode; aside?: React.ReactNode }) {
  return (
    <Card as="section" className="mt-3 p-3 sm:p-4" aria-label={title}>
      <div className="mb-3 flex items-baseline justify-between gap-2">
        <h2 className="text-xs font-semibold uppercase tracking-wide text-zinc-500">{title}</h2>
        {aside}
      </div>
      {children}
    </Card>
  );
}

/** Trim, captions and exports for one clip (the clip page's studio). */
export function ClipStudio({ clip }: { clip: TClipDto }) {
  const ready = clip.status === "READY";
  // The editor (and its preview proxy, rendered on first open) loads only when asked for.
  const [trimming, setTrimming] = useState(false);
  return (
    <>
      <Section
        title="Trim"
        aside={
          <Link href={`/sessions/${clip.sessionId}`} className="text-xs text-zinc-400 underline hover:text-zinc-200">
            Session timeline
          </Link>
        }
      >
        {trimming || clip.trim ? (
          <TrimEditor clip={clip} />
        ) : (
          <div className="flex flex-wrap items-center gap-3">
            <p className="flex-1 text-sm text-zinc-400">
              {ready
                ? "Move the start and end over the waveform; the clip is re-rendered frame-accurately."
                : "Available once the clip is rendered."}
            </p>
            <Button variant="ghost" onClick={() => setTrimming(true)} disabled={!ready}>
              Trim clip
            </Button>
          </div>
        )}
      </Section>
      <Section title="Captions">
        <CaptionsEditor clipId={clip.id} version={`${clip.startTime}-${clip.endTime}`} />
      </Section>
      <Section title="Export">
        <ExportPanel clip={clip} ready={ready && !clip.trim} />
      </Section>
    </>
  );
}
