import { describe, expect, it } from "vitest";
import { detectorLabel, transcriberLabel } from "./engine-label";

describe("engine labels", () => {
  it.each([
    ["groq", "openai/gpt-oss-120b", "Groq LLM · openai/gpt-oss-120b"],
    ["groq", null, "Groq LLM"],
    ["offline", null, "Offline signal detector (loudness, keywords, speech rate)"],
  ])("detector %s %s → %s", (engine, model, label) => expect(detectorLabel(engine, model)).toBe(label));

  it.each([
    [
      { engine: "groq", model: "whisper-large-v3-turbo" },
      { label: "Groq Whisper · whisper-large-v3-turbo", rough: false },
    ],
    [
      { engine: "pocketsphinx", model: "en-us" },
      { label: "PocketSphinx, offline · en-us", rough: true },
    ],
    [
      { engine: "pocketsphinx", model: null },
      { label: "PocketSphinx, offline", rough: true },
    ],
    [null, null],
  ])("transcriber %j → %j", (t, label) => expect(transcriberLabel(t)).toEqual(label));
});
