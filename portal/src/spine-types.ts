// The parts of the spine (spine/spine.ts) and the report (report/report-schema.ts) the portal
// reads; declared here because the portal bundle takes no server code.

export interface TimedSpan {
  start: number;
  end: number;
}

export interface SpineView {
  durationSeconds: number;
  hasVideo: boolean;
  segments: (TimedSpan & { index: number; speech: string; black: boolean; silent: boolean })[];
  speech: (TimedSpan & { text: string })[];
  lowConfidenceSpeech?: (TimedSpan & { text: string })[];
  blackSegments: TimedSpan[];
  silences: TimedSpan[];
  /** Absent without a picture and in spines built before cues were kept; `checked` lists the cue types looked for. */
  technicalCues?: { checked: string[]; cues: (TimedSpan & { type: string; confidence?: number })[] };
  moderation: { flags: (TimedSpan & { source: string; category: string; score: number })[] };
  /** Absent when face detection did not run; `knownPeopleSearched` 0 means no comparison was made. */
  faces?: { knownPeopleSearched: number; knownPeople: { name: string; ranges: (TimedSpan & { similarity: number })[] }[] };
}

export interface ReportView {
  title: string;
  summary: string;
  chapters: (TimedSpan & { title: string; summary: string })[];
  moderation: { verdict: string; rationale: string };
}
