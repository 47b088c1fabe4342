import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { describeDamage } from '../../media/decode-damage';
import type { Report } from '../../report/report-schema';
import type { ReportSummary } from '../../common/types';
import type { CliContext, CliOutput } from '../cli-context';

export interface ReportOptions {
  /** Write the HTML report to this path. */
  html?: string;
  /** Open the written HTML in the desktop's browser. */
  open: boolean;
}

/** Prints a media's report summary, and writes (and opens) its HTML report when asked. */
export async function report(ctx: CliContext, mediaId: string, options: ReportOptions, out: CliOutput): Promise<{ report: Report; htmlPath?: string }> {
  const record = await ctx.records.get(mediaId);
  if (!record) throw new Error(`no record for media ${mediaId}`);
  const summary = record['report'] as ReportSummary | undefined;
  if (!summary) throw new Error(`media ${mediaId} has no report (status ${String(record['status'])})`);
  const body = await ctx.store.getJson<Report>(summary.jsonRef);
  let htmlPath: string | undefined;
  if (options.html || options.open) {
    htmlPath = resolve(options.html ?? `report-${mediaId}.html`);
    await writeFile(htmlPath, await ctx.store.getBytes(summary.htmlRef));
    // The page links its exports by name, as they sit beside it in the results folder.
    for (const file of body.exports?.files ?? []) await writeFile(join(dirname(htmlPath), file.name), await ctx.store.getBytes(file.ref));
    if (options.open) openInBrowser(htmlPath);
  }
  if (!out.json) {
    out.print(`${body.moderation.verdict.toUpperCase()}  ${body.summary}`);
    // Reports written before coverage was recorded have none to show.
    const coverage = (body.moderation as Partial<Report['moderation']>).coverage;
    if (coverage) out.print(`coverage: ${coverage.statement || 'nothing checked'}`);
    for (const gap of coverage?.gaps ?? []) out.print(`gap:      ${gap}`);
    if (body.damage) out.print(`damaged:  ${describeDamage(body.damage)}`);
    if (body.seoDescription) out.print(`seo:      ${body.seoDescription}`);
    out.print(`topics:   ${body.topics.map((t) => t.name).join(', ') || '-'}`);
    out.print(`chapters: ${body.chapters.map((c) => `${Math.round(c.start)}s ${c.title}`).join(' | ') || '-'}`);
    for (const flag of body.moderation.flags) out.print(`flag:     ${flag.start.toFixed(1)}-${flag.end.toFixed(1)} s ${flag.source} ${flag.category} (${flag.score.toFixed(2)})`);
    if (body.faces) out.print(`faces:    ${body.faces.statement}${body.faces.knownPeople.map((p) => ` ${p.name} at ${p.ranges.map((r) => `${r.start.toFixed(1)}-${r.end.toFixed(1)} s`).join(', ')}.`).join('')}`);
    if (body.adBreaks) out.print(`ad breaks: ${body.adBreaks.suggestions.map((b) => `${b.time.toFixed(1)}s`).join(', ') || 'none met the rules'}`);
    if (body.exports) out.print(`exports:  ${body.exports.files.map((f) => f.name).join(', ') || 'none'}${body.exports.notes.length ? ` (${body.exports.notes.join('; ')})` : ''}`);
    for (const gap of body.missing) out.print(`missing:  ${gap.analysis} ${gap.status}: ${gap.reason}`);
    out.print(`report:   ${summary.htmlRef}${htmlPath ? `\n          ${htmlPath}` : ''}`);
  }
  return { report: body, ...(htmlPath ? { htmlPath } : {}) };
}

function openInBrowser(path: string): void {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  spawn(opener, [path], { detached: true, stdio: 'ignore' })
    .on('error', () => undefined)
    .unref();
}
