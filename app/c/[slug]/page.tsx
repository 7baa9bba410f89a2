import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Logo } from "@/components/ui/logo";
import { formatClock } from "@/components/ui/format";
import { getSharedClip } from "@/lib/clips/clips";
import { env } from "@/lib/env";

export const dynamic = "force-dynamic";

type P = { params: Promise<{ slug: string }> };

export async function generateMetadata({ params }: P): Promise<Metadata> {
  const clip = await getSharedClip((await params).slug);
  if (!clip) return { title: "Clip not found" };
  const abs = (u: string | null) => (u ? new URL(u, env.APP_URL).toString() : undefined);
  const description = clip.hook || `A clip from ${clip.streamerName}'s live stream`;
  return {
    title: clip.title,
    description,
    openGraph: {
      type: "video.other",
      title: clip.title,
      description,
      images: abs(clip.thumbUrl) ? [{ url: abs(clip.thumbUrl)! }] : undefined,
      videos: abs(clip.videoUrl) ? [{ url: abs(clip.videoUrl)!, type: "video/mp4" }] : undefined,
    },
    twitter: { card: "player", title: clip.title, description, images: abs(clip.thumbUrl) ? [abs(clip.thumbUrl)!] : undefined },
  };
}

/** Public share page: works signed out; shows only what was shared. */
export default async function SharePage({ params }: P) {
  const clip = await getSharedClip((await params).slug);
  if (!clip) notFound();
  return (
    <main className="mx-auto max-w-3xl px-4 py-6">
      <Logo className="mb-4" />
      <div className="overflow-hidden rounded-xl bg-black">
        <video src={clip.videoUrl ?? undefined} poster={clip.thumbUrl ?? undefined} controls playsInline className="aspect-video w-full" />
      </div>
      <h1 className="mt-4 text-xl font-semibold">{clip.title}</h1>
      <p className="mt-1 text-sm text-zinc-400">
        {clip.streamerName} · {formatClock(clip.duration)}
      </p>
      {clip.hook && <p className="mt-3 text-sm">{clip.hook}</p>}
    </main>
  );
}
