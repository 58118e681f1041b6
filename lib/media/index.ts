/**
 * The media layer: everything that knows ffmpeg. Plain async functions, paths in and small JSON
 * out, no database and no Next.js, so each call can be one durable step of process-episode:
 *   inspectMedia → measureRecording (first loudness pass, cheap)
 *   → masterEpisode (clean-up + normalise + assemble + encode + verify + waveform, one pass).
 */
export { MediaError, isMediaError, type MediaErrorCode } from "./errors";
export { ffmpegPaths, type FfmpegPaths, type ProgressCallback } from "./ffmpeg";
export { inspectMedia, ACCEPTED_AUDIO, type MediaInfo, type AudioInfo, type ImageInfo, type InspectOptions } from "./inspect";
export { measureLoudness, type LoudnessStats } from "./loudness";
export { measureRecording, analyseRecording, WORK_SAMPLE_RATE, type CleanUpOptions, type RecordingMeasurement, type RecordingAnalysis } from "./clean-up";
export { planLeveling, type LevelPlan, type LevelerReport, type LoudnessChart } from "./leveler";
export { mapTimeThroughCuts, type Cut } from "./silence";
export {
  masterEpisode,
  chooseNormalisation,
  type MasterOptions,
  type MasterResult,
  type LoudnessTarget,
  type Bumper,
  type NormalisationMode,
} from "./master";
export { buildId3Tag, type Id3Tags, type Chapter } from "./id3";
export { computeWaveform, type WaveformJson } from "./waveform";
export { coverAccentColour } from "./accent";
