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
  const slug = (await params).slug;
  const abs = (u: string | null) => (u ? new URL(u, env.APP_URL).toString() : undefined);
  const pageUrl = new URL(`/c/${slug}`, env.APP_URL).toString();
  const video = abs(clip.videoUrl);
  const thumb = abs(clip.thumbUrl);
  const description = clip.hook || `A clip from ${clip.streamerName}'s live stream`;
  return {
    title: clip.title,
    description,
    alternates: { canonical: pageUrl },
    openGraph: {
      type: "video.other",
      url: pageUrl,
      siteName: "Clipstream",
      title: clip.title,
      description,
      images: thumb ? [{ url: thumb, width: 1280, height: 720, alt: clip.title }] : undefined,
      videos: video
        ? [
            {
              url: video,
              secureUrl: video.startsWith("https:") ? video : undefined,
              type: "video/mp4",
              width: 1280,
              height: 720,
            },
          ]
        : undefined,
    },
    // Player card: the share page itself is the embeddable player; the MP4 is the raw stream.
    twitter: video
      ? {
          card: "player",
          title: clip.title,
          description,
          images: thumb ? [thumb] : undefined,
          players: [{ playerUrl: pageUrl, streamUrl: video, width: 1280, height: 720 }],
        }
      : { card: "summary_large_image", title: clip.title, description, images: thumb ? [thumb] : undefined },
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
        <video
          src={clip.videoUrl ?? undefined}
          poster={clip.thumbUrl ?? undefined}
          controls
          playsInline
          className="aspect-video w-full"
        />
      </div>
      <h1 className="mt-4 text-xl font-semibold">{clip.title}</h1>
      <p className="mt-1 text-sm text-zinc-400">
        {clip.streamerName} · {formatClock(clip.duration)}
      </p>
      {clip.hook && <p className="mt-3 text-sm">{clip.hook}</p>}
      <p className="mt-8 border-t border-zinc-800 pt-4 text-xs text-zinc-500">
        Clipped live with Clipstream.{" "}
        <a href="/sign-up" className="text-zinc-300 underline-offset-2 hover:underline">
          Clip your own streams
        </a>
      </p>
    </main>
  );
}
