import { cough, doorSlam, jingle, musicLoop, speak, Track, withRms } from "./audio";

/**
 * Lays out one labelled recording: calm espeak-ng talk filling the time, and at given times an excited
 * moment (shouted, or excited but no louder than the talk) or a loud sound that is not a highlight (door
 * slam, jingle, cough), optionally over a music bed. The labels are where the excited speech is spoken.
 */

const CALM = [
  "Welcome back everyone, today we are trying the hard route again.",
  "I think the trick is to wait for the second platform before jumping.",
  "Thanks for the follow, it really means a lot to the channel.",
  "Let me check the map for a moment, the exit should be on the left side.",
  "We have about half of our health left, so I will play it safe here.",
  "Somebody in chat asked about the settings, I use the default controls.",
  "The music in this level is really relaxing, I like it a lot.",
  "Okay, careful now, this part has a lot of small enemies.",
  "I usually stream three times a week, mostly in the evening.",
  "If we collect all the coins we unlock a secret room later.",
  "That was close, but we are still fine, let us keep moving.",
  "My plan is to finish this chapter before the break.",
  "The next area is a bit dark, so I will turn the brightness up.",
  "Someone asked what keyboard I use, it is just a cheap one from the store.",
  "We need three more keys to open the big door at the end.",
  "I will read a few messages from chat while we walk over there.",
  "This boss has two phases, the second one is much faster.",
  "Remember to drink some water, it is important on long streams.",
];

const EXCITED = [
  "Oh my god! No way! No way! Let's go! Let's go! That was insane! Oh my god, that was huge!",
  "What! No way! That is crazy! Let's go, let's go! Unbelievable! Oh my god!",
  "Wow! Oh my god, did you see that? That was insane! No way! Let's go!",
];

/** Talk level (active RMS): about -27 LUFS, ordinary talking into a microphone. */
const TALK_RMS = 0.05;
/**
 * Calm talk is not flat: sentence by sentence the speaker is a little louder or softer (a fixed pattern over
 * ±5 dB) and quicker or slower (150–185 words a minute), as people talk.
 */
const CALM_DB = [0, 3, -2, 5, -1, 2, -4, 4, 1, -3, 5, 0, -2];
const CALM_SPEED = [165, 180, 150, 170, 185, 160, 175];
const calmVoice = (i: number) => ["-s", String(CALM_SPEED[i % CALM_SPEED.length]), "-p", "45", "-a", "100"];
/** Shouting: faster, higher, and ≈ +13 dB over the talk (soft-clipped like a hot microphone). */
const SHOUT_VOICE = ["-s", "200", "-p", "80", "-a", "200"];
const SHOUT_GAIN = 4.5;
/** Excited but not louder: faster (≈ 1.5× the talk's words per second) and higher, at the talk's level. */
const QUICK_VOICE = ["-s", "250", "-p", "75", "-a", "100"];

export type TSpan = { start: number; end: number };
export type TEventKind = "shout" | "excited-quiet" | "door" | "jingle" | "cough";
export type TEvent = { at: number; kind: TEventKind; variant?: number };
export type TComposed = {
  /** The spoken excited moments (the labels). */
  moments: TSpan[];
  /** Loud sounds that are not highlights. */
  distractors: (TSpan & { kind: TEventKind })[];
  script: (TSpan & { text: string })[];
};

export type TComposeOptions = {
  file: string;
  seconds: number;
  events: TEvent[];
  /** A music bed under everything, this many dB below the talk (e.g. 12). */
  musicDbBelowTalk?: number;
  /** Seeds the noise floor; also rotates which calm sentence comes first. */
  seed: number;
  /** Scratch directory for the espeak-ng / sox files. */
  tmp: string;
  /** Dead air: spans where the streamer says nothing (only the noise floor). */
  quiet?: TSpan[];
};

const cache = new Map<string, Promise<Float32Array>>();
const say = (tmp: string, text: string, voice: string[]) => {
  const key = `${voice.join(" ")}|${text}`;
  if (!cache.has(key)) cache.set(key, speak(tmp, text, voice));
  return cache.get(key)!;
};

async function eventSound(tmp: string, e: TEvent): Promise<{ x: Float32Array; gain: number; text?: string }> {
  const text = EXCITED[(e.variant ?? 0) % EXCITED.length];
  switch (e.kind) {
    case "shout":
      return { x: withRms(await say(tmp, text, SHOUT_VOICE), TALK_RMS), gain: SHOUT_GAIN, text };
    case "excited-quiet":
      return { x: withRms(await say(tmp, text, QUICK_VOICE), TALK_RMS), gain: 1, text };
    // Non-speech sounds as loud as a shout (door, cough) or nearly (jingle).
    case "door":
      return { x: withRms(await doorSlam(tmp), TALK_RMS), gain: SHOUT_GAIN };
    case "jingle":
      return { x: withRms(await jingle(tmp), TALK_RMS), gain: SHOUT_GAIN * 0.8 };
    case "cough":
      return { x: withRms(await cough(tmp), TALK_RMS), gain: SHOUT_GAIN };
  }
}

export async function composeRecording(opts: TComposeOptions): Promise<TComposed> {
  const track = new Track(opts.seconds);
  const calm = await Promise.all(CALM.map((s, i) => say(opts.tmp, s, calmVoice(i)).then((x) => withRms(x, TALK_RMS))));
  const out: TComposed = { moments: [], distractors: [], script: [] };
  let n = opts.seed;
  // Calm sentences fill [from, to] with varied pauses (0.6–1.2 s, a fixed pattern), skipping ones that do not fit.
  const fill = (from: number, to: number) => {
    let t = from;
    for (let tries = 0; tries < CALM.length;) {
      const i = n % CALM.length;
      const d = calm[i].length / 16000;
      n++;
      if (t + d > to) {
        tries++;
        continue;
      }
      out.script.push({ ...track.place(calm[i], t, 10 ** (CALM_DB[n % CALM_DB.length] / 20)), text: CALM[i] });
      t += d + 0.6 + ((n * 3) % 7) / 10;
      tries = 0;
    }
  };
  let t = 0.5;
  const quiet = [...(opts.quiet ?? [])].sort((a, b) => a.start - b.start);
  // Talk fills up to `to`, around the dead-air spans before it.
  const fillAround = (to: number) => {
    while (quiet.length && quiet[0].start < to) {
      const q = quiet.shift()!;
      fill(t, q.start - 0.3);
      t = Math.max(t, q.end + 0.3);
    }
    fill(t, to);
  };
  for (const e of [...opts.events].sort((a, b) => a.at - b.at)) {
    const s = await eventSound(opts.tmp, e);
    fillAround(e.at - 0.6);
    const span = track.place(s.x, e.at, s.gain);
    if (s.text) {
      out.moments.push(span);
      out.script.push({ ...span, text: s.text });
    } else out.distractors.push({ ...span, kind: e.kind });
    t = span.end + 1;
  }
  fillAround(opts.seconds - 0.3);
  if (opts.musicDbBelowTalk !== undefined)
    track.loop(withRms(await musicLoop(opts.tmp), TALK_RMS), 10 ** (-opts.musicDbBelowTalk / 20));
  track.noise(0.002, opts.seed + 1);
  await track.write(opts.file);
  return out;
}
