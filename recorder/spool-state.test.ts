import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSpoolState, writeSpoolState, type TSpoolState } from "./spool-state";

let root: string;
let n = 0;
/** A fresh session directory holding `text` as its state.json (none when undefined). */
function sessionDir(text?: string): string {
  const dir = path.join(root, `s${n++}`);
  fs.mkdirSync(dir);
  if (text !== undefined) fs.writeFileSync(path.join(dir, "state.json"), text);
  return dir;
}

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "clipstream-spool-state-"));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const state: TSpoolState = {
  req: {
    sessionId: "s1",
    streamerId: "st",
    source: { kind: "url", url: "rtmp://example.com/live" },
    segmentSeconds: 10,
  },
  startedAt: 1_764_900_000_000,
  nextNumber: 7,
  segments: 7,
  lastEnd: 70.04,
  runs: 3,
};

describe("readSpoolState", () => {
  it("is null for a session directory without state", () => {
    expect(readSpoolState(sessionDir())).toBeNull();
  });

  it("reads back what writeSpoolState wrote, with and without the optional fields", () => {
    const chunked: TSpoolState = {
      ...state,
      req: {
        ...state.req,
        source: { kind: "pumpfun", mint: "So11111111111111111111111111111111111111112" },
        audioChunkSeconds: 30,
      },
      noAudio: true,
    };
    for (const s of [state, chunked]) {
      const dir = sessionDir();
      writeSpoolState(dir, s);
      expect(readSpoolState(dir)).toStrictEqual(s);
      expect(fs.readdirSync(dir)).toEqual(["state.json"]); // the temporary file was renamed over
    }
  });

  it("reads a state file as the recorder has always written it", () => {
    expect(readSpoolState(sessionDir(JSON.stringify(state)))).toStrictEqual(state);
  });

  const corrupt: [string, string, RegExp][] = [
    [
      "missing counters",
      JSON.stringify({ req: state.req, startedAt: state.startedAt }),
      /nextNumber: .*; segments: .*; lastEnd: .*; runs: /,
    ],
    ["no request", JSON.stringify({ ...state, req: undefined }), /req: /],
    [
      "a request the recorder would not have accepted",
      JSON.stringify({ ...state, req: { ...state.req, segmentSeconds: 0 } }),
      /req\.segmentSeconds: /,
    ],
    ["a negative segment number", JSON.stringify({ ...state, nextNumber: -1 }), /nextNumber: /],
    ["a number as a string", JSON.stringify({ ...state, runs: "3" }), /runs: .*expected number/],
    ["JSON that is not an object", "[1,2,3]", /expected object/],
    ["garbage", "\u0000\u0001not json", /JSON/],
    ["a truncated file", JSON.stringify(state).slice(0, 40), /JSON/],
    ["an empty file", "", /JSON/],
  ];
  it.each(corrupt)("throws naming the file for %s", (_name, text, why) => {
    const dir = sessionDir(text);
    const read = () => readSpoolState(dir);
    expect(read).toThrow(`corrupt session state ${path.join(dir, "state.json")}: `);
    expect(read).toThrow(why);
  });
});
