export { probeMedia, type TMediaInfo } from "./probe-media";
export { extractAudio } from "./extract-audio";
export { analyseAudio, measureLoudness, detectSilences, type TLoudness, type TSilence } from "./analyse-audio";
export { renderClip, type TClipInput, type TRenderClipOptions } from "./render-clip";
export { makeSampleStream, type TSampleStream, type TSampleStreamOptions, type TScriptLine } from "./sample-stream";
export { runTool } from "./run";
