/** One sampled frame: its time (clip seconds) and the horizontal centre of the face followed, or null when none was seen. */
export type TFaceSample = { t: number; cx: number | null };

export type TCropPathOptions = {
  /** Width of the frame the samples' `cx` are measured in (source pixels). */
  frameWidth: number;
  /** Width of the crop window in the same pixels. */
  cropWidth: number;
  /** Clip length in seconds; the path has one position per output frame over it. */
  duration: number;
  /** Output frame rate of the path. */
  fps?: number;
  /**
   * The window re-aims only when the face leaves this band around its current aim (px), or half of it while
   * the face keeps moving. Default 12 % of the crop.
   */
  deadZone?: number;
  /** Largest speed of the window (px/s). Default 40 % of the frame width a second. */
  maxSpeed?: number;
  /** Largest acceleration (px/s²). Default 150 % of the frame width a second². */
  maxAccel?: number;
  /** Approach rate near the aim (1/s): the speed is at most this times the distance left. */
  gain?: number;
  /** The path is computed offline, so it may look ahead: the window aims where the face will be this much later (s). */
  lead?: number;
};

export type TCropPath = {
  fps: number;
  /** Centre of the crop window at each output frame i (time i / fps), in source pixels. */
  xs: number[];
  /** The window's largest speed along the path, px/s (|Δx| between consecutive frames × fps). */
  maxSpeed: number;
};

/**
 * The crop window's centre over time, following a face smoothly: the aim moves only when the face leaves the
 * dead zone around it (detections that wobble a few pixels move nothing), following a moving face between
 * samples; a lost face holds the last aim
 * (and no face yet starts at the frame's centre), and the window moves towards the aim with bounded speed and
 * acceleration, slowing down so as to stop on it (speed ≤ √(2·a·distance)): no overshoot, no jitter.
 */
export function smoothCropPath(samples: TFaceSample[], o: TCropPathOptions): TCropPath {
  const fps = o.fps ?? 30;
  const deadZone = o.deadZone ?? 0.12 * o.cropWidth;
  const vMax = o.maxSpeed ?? 0.4 * o.frameWidth;
  const aMax = o.maxAccel ?? 1.5 * o.frameWidth;
  const gain = o.gain ?? 4;
  const lead = o.lead ?? 0.3;
  const lo = Math.min(o.cropWidth / 2, o.frameWidth / 2);
  const hi = Math.max(o.frameWidth - o.cropWidth / 2, o.frameWidth / 2);
  const clamp = (x: number) => Math.min(hi, Math.max(lo, x));

  // The aim changes at the samples where the face left the dead zone around it. Between two samples that
  // both saw the face it ramps linearly from one to the other (a face moving steadily gives a steady pan,
  // not a move-and-stop every sample); after samples without a face it changes at the new sample (held
  // until then), and the motion below smooths it.
  const sorted = [...samples].sort((a, b) => a.t - b.t);
  const seen = (s: TFaceSample | undefined): s is TFaceSample & { cx: number } =>
    !!s && s.cx !== null && Number.isFinite(s.cx);
  const centre = clamp(o.frameWidth / 2);
  const aims: { from: number; start: number; t: number; x: number }[] = [];
  let aim = centre;
  // Index of the sample that last moved the aim (not the first sighting): while the face keeps moving, half
  // the dead zone is enough to keep following it, so a steady walk is not cut into moves and stops.
  let movedAt = -2;
  sorted.forEach((s, j) => {
    if (!seen(s)) return;
    const target = clamp(s.cx);
    const band = movedAt === j - 1 ? deadZone / 2 : deadZone;
    if (aims.length > 0 && Math.abs(target - aim) <= band) return;
    const prev = sorted[j - 1];
    const start = aims.length > 0 && seen(prev) ? prev.t : s.t;
    if (aims.length > 0) movedAt = j;
    aims.push({ from: aims.length > 0 ? aim : target, start, t: s.t, x: target });
    aim = target;
  });
  let k = -1;
  const aimAt = (t: number) => {
    while (k + 1 < aims.length && aims[k + 1].start <= t) k++;
    if (k < 0) return aims.length && aims[0].start <= t ? aims[0].x : centre;
    const a = aims[k];
    return t >= a.t || a.t === a.start ? a.x : a.from + ((a.x - a.from) * (t - a.start)) / (a.t - a.start);
  };

  const n = Math.max(1, Math.ceil(o.duration * fps));
  const dt = 1 / fps;
  // A face seen at the start (within the look-ahead) is where the window starts: no pan in from the centre.
  let x = aimAt(lead);
  k = -1;
  let v = 0;
  const xs = [x];
  for (let i = 1; i < n; i++) {
    const goal = aimAt(i * dt + lead);
    const e = goal - x;
    if (Math.abs(e) < 0.5 && Math.abs(v) < 15) {
      // Within half a pixel at a crawl: settle on the aim instead of creeping towards it for seconds.
      x = goal;
      v = 0;
      xs.push(x);
      continue;
    }
    const want = Math.sign(e) * Math.min(vMax, Math.sqrt(2 * aMax * Math.abs(e)), gain * Math.abs(e));
    v += Math.max(-aMax * dt, Math.min(aMax * dt, want - v));
    const next = clamp(x + v * dt);
    if (next !== x + v * dt) v = 0;
    x = next;
    xs.push(x);
  }
  return { fps, xs, maxSpeed: pathMaxSpeed(xs, fps) };
}

/** The largest speed along a path sampled at `fps` (px/s). */
export function pathMaxSpeed(xs: number[], fps: number): number {
  let max = 0;
  for (let i = 1; i < xs.length; i++) max = Math.max(max, Math.abs(xs[i] - xs[i - 1]) * fps);
  return max;
}
