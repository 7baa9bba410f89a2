import Link from "next/link";
import { redirect } from "next/navigation";
import { buttonClass } from "@/components/ui/button";
import { Logo } from "@/components/ui/logo";
import { getSessionUser } from "@/lib/auth/server";

export const dynamic = "force-dynamic";

const FEATURES = [
  {
    title: "Watches your streamers",
    body: "pump.fun coin streams, rooms on your own LiveKit server, or any HLS, RTMP or HTTP source. Clipstream notices when they go live and records every session.",
  },
  {
    title: "Finds the moments",
    body: "Each stretch of audio is transcribed with word timings while the stream is still on. Loudness, keywords, speech rate and what was said earlier pick out the highlights.",
  },
  {
    title: "Clips ready to post",
    body: "Review with a swipe, trim, edit captions, export 9:16 for Shorts, TikTok and Reels, or share a public page. Raw recordings expire; clips stay.",
  },
];

const STEPS = ["Add a streamer", "It goes live", "Clips appear as it happens"];

/** Signed-out visitors see what Clipstream does, with a real clip it made; signed-in users go to their dashboard. */
export default async function Home() {
  if (await getSessionUser()) redirect("/dashboard");
  return (
    <div className="mx-auto flex min-h-dvh max-w-5xl flex-col px-4 sm:px-6">
      <header className="flex items-center justify-between py-4">
        <Logo />
        <nav className="flex items-center gap-2">
          <Link href="/sign-in" className={buttonClass("ghost")}>
            Sign in
          </Link>
          <Link href="/sign-up" className={buttonClass("primary", "hidden sm:inline-flex")}>
            Get started
          </Link>
        </nav>
      </header>

      <main className="flex-1">
        <section className="grid items-center gap-8 py-8 sm:py-14 md:grid-cols-2">
          <div className="space-y-5">
            <h1 className="text-4xl font-semibold tracking-tight text-balance sm:text-5xl">
              Clips of live streams, <span className="text-rose-400">while they are still live</span>.
            </h1>
            <p className="text-lg text-pretty text-zinc-300">
              Clipstream watches the streams you follow, records them, and cuts the moments worth posting, with
              captions, while the stream is still on. No scrubbing through hours of VOD.
            </p>
            <div className="flex flex-wrap gap-3">
              <Link href="/sign-up" className={buttonClass("primary", "px-5 py-3 text-base")}>
                Start clipping
              </Link>
              <Link href="/sign-in" className={buttonClass("ghost", "px-5 py-3 text-base")}>
                I have an account
              </Link>
            </div>
            <ol className="flex flex-wrap gap-x-4 gap-y-1 text-sm text-zinc-400" aria-label="How it works">
              {STEPS.map((s, i) => (
                <li key={s} className="flex items-center gap-1.5">
                  <span className="grid size-5 place-items-center rounded-full bg-zinc-800 text-xs text-zinc-300">
                    {i + 1}
                  </span>
                  {s}
                </li>
              ))}
            </ol>
          </div>

          <figure className="overflow-hidden rounded-2xl border border-zinc-800 bg-zinc-900 shadow-2xl shadow-rose-950/30">
            <video
              src="/demo/clip.mp4"
              poster="/demo/poster.jpg"
              autoPlay
              muted
              loop
              playsInline
              controls
              preload="metadata"
              className="aspect-video w-full bg-black"
              aria-label="A clip Clipstream made from a stream"
            />
            <figcaption className="flex items-center justify-between gap-3 px-4 py-3 text-sm">
              <span className="text-zinc-300">
                A clip Clipstream cut from a demo stream: the excited moment, whole.
              </span>
              <span className="shrink-0 rounded-full bg-rose-500/15 px-2 py-0.5 text-xs font-medium text-rose-300">
                auto clip
              </span>
            </figcaption>
          </figure>
        </section>

        <section aria-label="What it does" className="grid gap-4 pb-12 sm:grid-cols-3">
          {FEATURES.map((f) => (
            <div key={f.title} className="card space-y-2 p-5">
              <h2 className="font-semibold">{f.title}</h2>
              <p className="text-sm text-zinc-400">{f.body}</p>
            </div>
          ))}
        </section>
      </main>

      <footer className="border-t border-zinc-900 py-6 text-sm text-zinc-500">
        Clipstream · runs on your own machine with open-source speech recognition, or with Groq when you add a key.
      </footer>
    </div>
  );
}
