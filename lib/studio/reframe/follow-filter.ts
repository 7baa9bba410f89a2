/** The file of crop commands the follow layout's graph reads (written in the render's working directory). */
export const FOLLOW_COMMANDS_FILE = "follow.cmd";

/**
 * The follow layout's ffmpeg graph (input [0:v], output [v]): the frame scaled to cover W×H, then a W×H crop
 * whose left edge `sendcmd` moves along the face path at every output frame (FOLLOW_COMMANDS_FILE, from
 * followCommands). Before the first command the crop is centred.
 */
export function followFilter(W: number, H: number): string {
  return `[0:v]scale=${W}:${H}:force_original_aspect_ratio=increase:flags=bicubic,sendcmd=f=${FOLLOW_COMMANDS_FILE},crop@follow=${W}:${H},setsar=1[v]`;
}

/** How a source of `src` size maps onto a W×H output that covers it: the scale, and the crop's width in source px. */
export function followGeometry(src: { width: number; height: number }, W: number, H: number) {
  const scale = Math.max(W / src.width, H / src.height);
  return { scale, scaledWidth: Math.round(src.width * scale), cropWidth: W / scale };
}

/**
 * sendcmd lines moving the crop's left edge (output pixels) along a path of crop centres in source pixels,
 * sampled at `fps`; a line only where the whole-pixel position changes.
 */
export function followCommands(xs: number[], fps: number, scale: number, W: number, scaledWidth: number): string {
  const lines: string[] = [];
  let last = NaN;
  xs.forEach((cx, i) => {
    const left = Math.round(Math.min(scaledWidth - W, Math.max(0, cx * scale - W / 2)));
    if (left === last) return;
    last = left;
    lines.push(`${(i / fps).toFixed(4)} crop@follow x ${left};`);
  });
  return lines.join("\n") + "\n";
}
