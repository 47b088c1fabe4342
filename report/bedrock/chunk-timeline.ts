/** A rough token count: English prose and JSON average about four characters a token. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** One segment of the timeline as the prompt shows it. */
export interface TimelineLine {
  start: number;
  end: number;
  text: string;
}

/** Consecutive lines sent together, and the stretch of media they cover. */
export interface TimelineChunk {
  start: number;
  end: number;
  lines: string[];
}

/**
 * Splits the timeline into consecutive chunks whose estimated size stays within
 * `budgetTokens`, cutting only between segments. A single line over the budget becomes a
 * chunk of its own: lines are capped when built, so such a chunk overshoots by at most
 * one capped line.
 */
export function chunkTimeline(lines: readonly TimelineLine[], budgetTokens: number): TimelineChunk[] {
  const chunks: TimelineChunk[] = [];
  let current: TimelineChunk | undefined;
  let size = 0;
  for (const line of lines) {
    // Measured as serialised in the request body (quotes escaped), +1 for the joining newline.
    const tokens = estimateTokens(JSON.stringify(line.text)) + 1;
    if (!current || (current.lines.length > 0 && size + tokens > budgetTokens)) {
      current = { start: line.start, end: line.end, lines: [] };
      chunks.push(current);
      size = 0;
    }
    current.lines.push(line.text);
    current.end = Math.max(current.end, line.end);
    size += tokens;
  }
  return chunks;
}
