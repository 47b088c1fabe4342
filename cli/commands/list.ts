import type { MediaStatus } from '../../common/types';
import type { CliContext, CliOutput } from '../cli-context';

export interface ListOptions {
  tenant: string;
  status?: MediaStatus;
  limit: number;
}

/** A tenant's media, newest first, from the records table's tenant indexes. */
export async function list(ctx: CliContext, options: ListOptions, out: CliOutput): Promise<Record<string, unknown>[]> {
  const items = await ctx.records.listByTenant(options.tenant, {
    limit: options.limit,
    ...(options.status ? { status: options.status } : {}),
  });
  if (!out.json) {
    if (items.length === 0) out.print(`no media for tenant ${options.tenant}${options.status ? ` in ${options.status}` : ''}`);
    for (const item of items) {
      const source = item['source'] as { key?: string } | undefined;
      const verdict = (item['report'] as { verdict?: string } | undefined)?.verdict ?? '';
      out.print(`${String(item['mediaId'])}  ${String(item['status']).padEnd(15)} ${verdict.padEnd(10)} ${String(item['updatedAt'])}  ${source?.key ?? ''}`);
    }
  }
  return items;
}
