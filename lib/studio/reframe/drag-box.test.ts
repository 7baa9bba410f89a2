import { describe, expect, it } from "vitest";
import { dragBox } from "./drag-box";
import { ZFacecamBox } from "./facecam-box";

describe("dragBox", () => {
  it.each([
    [
      "draws between two points in any direction",
      "draw",
      null,
      [0.7, 0.4],
      [0.5, 0.1],
      { x: 0.5, y: 0.1, w: 0.2, h: 0.3 },
    ],
    ["clamps a drawn box to the frame", "draw", null, [0.9, 0.9], [1.4, 1.2], { x: 0.9, y: 0.9, w: 0.1, h: 0.1 }],
    [
      "a click makes the smallest box, inside the frame",
      "draw",
      null,
      [0.99, 0.5],
      [0.99, 0.5],
      { x: 0.96, y: 0.5, w: 0.04, h: 0.04 },
    ],
    [
      "moves a box",
      "move",
      { x: 0.1, y: 0.1, w: 0.2, h: 0.2 },
      [0.2, 0.2],
      [0.5, 0.3],
      { x: 0.4, y: 0.2, w: 0.2, h: 0.2 },
    ],
    [
      "stops a moved box at the edge",
      "move",
      { x: 0.1, y: 0.1, w: 0.2, h: 0.2 },
      [0.2, 0.2],
      [1, -1],
      { x: 0.8, y: 0, w: 0.2, h: 0.2 },
    ],
    [
      "resizes from the corner",
      "resize",
      { x: 0.1, y: 0.1, w: 0.2, h: 0.2 },
      [0.3, 0.3],
      [0.6, 0.4],
      { x: 0.1, y: 0.1, w: 0.5, h: 0.3 },
    ],
    [
      "never resizes below the minimum",
      "resize",
      { x: 0.5, y: 0.5, w: 0.2, h: 0.2 },
      [0.7, 0.7],
      [0.2, 0.2],
      { x: 0.5, y: 0.5, w: 0.04, h: 0.04 },
    ],
  ] as const)("%s", (_name, mode, start, from, to, want) => {
    const box = dragBox(mode, start, { x: from[0], y: from[1] }, { x: to[0], y: to[1] });
    expect(box).toEqual(want);
    expect(ZFacecamBox.safeParse(box).success).toBe(true);
  });
});
