import { useState } from 'preact/hooks';
import { api, describeError } from './api-client';

/** What the API answers to a started re-run. */
interface RerunStarted {
  workflowId: string;
  analyses: string[];
}

/**
 * Re-runs part of a completed analysis: the checked analyses run again (with the ones that
 * read them, which the server adds), every other outcome stands; none checked re-writes the
 * report only. The server refuses what it cannot re-run and says why.
 */
export function RerunPanel({ token, mediaId, analyses }: { token: string; mediaId: string; analyses: string[] }) {
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const [started, setStarted] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();

  const toggle = (kind: string, on: boolean) => {
    const next = new Set(chosen);
    if (on) next.add(kind);
    else next.delete(kind);
    setChosen(next);
  };

  const submit = async (reportOnly: boolean) => {
    setBusy(true);
    setError(undefined);
    try {
      const body = reportOnly ? { reportOnly: true } : { analyses: [...chosen] };
      const answer = await api<RerunStarted>(token, `/v1/media/${mediaId}/rerun`, { json: body });
      setStarted(answer.analyses.length > 0 ? `Re-run started: ${answer.analyses.join(', ')}` : 'Re-run started: report only');
    } catch (err) {
      setError(describeError(err, 'Re-running needs the uploader role.'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="rerun" aria-label="Re-run" onSubmit={(e) => e.preventDefault()}>
      <h3>Re-run</h3>
      <fieldset disabled={busy}>
        {analyses.map((kind) => (
          <label>
            <input type="checkbox" name="analysis" value={kind} checked={chosen.has(kind)} onChange={(e) => toggle(kind, e.currentTarget.checked)} /> {kind}
          </label>
        ))}
        <button type="button" disabled={chosen.size === 0} onClick={() => void submit(false)}>
          Re-run checked
        </button>
        <button type="button" onClick={() => void submit(true)}>
          Re-write the report only
        </button>
      </fieldset>
      {started && <p data-testid="rerun-started">{started}</p>}
      {error && (
        <p class="problem" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
