/** Human labels for the engines behind a clip (clip page). */
export function detectorLabel(engine: string, model: string | null): string {
  if (engine === "groq") return `Groq LLM${model ? ` · ${model}` : ""}`;
  if (engine === "openai") return `LLM (OpenAI-compatible server)${model ? ` · ${model}` : ""}`;
  return "Offline signal detector (loudness, keywords, speech rate)";
}

export function transcriberLabel(
  t: { engine: string; model: string | null } | null,
): { label: string; rough: boolean } | null {
  if (!t) return null;
  if (t.engine === "groq") return { label: `Groq Whisper${t.model ? ` · ${t.model}` : ""}`, rough: false };
  if (t.engine === "openai")
    return { label: `Whisper (OpenAI-compatible server)${t.model ? ` · ${t.model}` : ""}`, rough: false };
  return { label: `PocketSphinx, offline${t.model ? ` · ${t.model}` : ""}`, rough: true };
}
