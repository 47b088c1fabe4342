/** Minimal view of an OpenAPI document: what the page renders. */
interface OpenApiDocument {
  info: { title: string; version: string; description?: string };
  paths?: Record<string, Record<string, OperationView | undefined> | undefined>;
  components?: { schemas?: Record<string, unknown> };
}
interface OperationView {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: { name: string; in: string; required?: boolean; schema?: unknown }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Everything written into the page is escaped: summaries and examples are text, never markup. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch);
}

function schemaBlock(schema: unknown): string {
  return `<pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre>`;
}

/**
 * A readable page of the API rendered from its own OpenAPI document, with no script and no
 * CDN: it works offline and its content is exactly the served document's.
 */
export function renderDocsPage(doc: OpenApiDocument): string {
  const operations = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const op = item?.[method];
      if (!op) return [];
      const params = (op.parameters ?? []).map((p) => `<li><code>${escapeHtml(p.name)}</code> (${escapeHtml(p.in)}${p.required ? ', required' : ''})</li>`).join('');
      const body = Object.entries(op.requestBody?.content ?? {}).map(([type, media]) => `<h4>Request body <code>${escapeHtml(type)}</code></h4>${schemaBlock(media.schema)}`).join('');
      const responses = Object.entries(op.responses ?? {})
        .map(([status, r]) => `<li><b>${escapeHtml(status)}</b> ${escapeHtml(r.description ?? '')} ${Object.keys(r.content ?? {}).map((t) => `<code>${escapeHtml(t)}</code>`).join(' ')}</li>`)
        .join('');
      return [
        `<section id="${escapeHtml(`${method}-${path}`)}"><h3><span class="m">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>` +
          `<p>${escapeHtml(op.summary ?? '')}</p>${op.description ? `<p>${escapeHtml(op.description)}</p>` : ''}` +
          `${op.security?.length ? '<p><i>Bearer token required.</i></p>' : ''}` +
          `${params ? `<h4>Parameters</h4><ul>${params}</ul>` : ''}${body}<h4>Responses</h4><ul>${responses}</ul></section>`,
      ];
    }),
  );
  const schemas = Object.entries(doc.components?.schemas ?? {})
    .map(([name, schema]) => `<section id="schema-${escapeHtml(name)}"><h3>${escapeHtml(name)}</h3>${schemaBlock(schema)}</section>`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(doc.info.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
section{border-top:1px solid #ddd;padding:.5rem 0}.m{background:#246;color:#fff;padding:0 .4rem;border-radius:3px;font-size:.8em}
pre{background:#f6f6f6;padding:.6rem;overflow:auto;font-size:.85em}</style></head><body>
<h1>${escapeHtml(doc.info.title)} <small>${escapeHtml(doc.info.version)}</small></h1>
${doc.info.description ? `<p>${escapeHtml(doc.info.description)}</p>` : ''}<p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>
<h2>Operations</h2>${operations.join('\n')}<h2>Schemas</h2>${schemas}</body></html>`;
}
