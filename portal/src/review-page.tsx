import { useEffect, useState } from 'preact/hooks';
import { api, describeError, type MediaSummary } from './api-client';
import type { Session } from './auth';

const REVIEWER_NEEDED = 'Deciding a review needs the reviewer role; ask an admin to add it to your account.';

/** Media waiting for a person to approve or reject them. */
export function ReviewPage({ session }: { session: Session }) {
  const [items, setItems] = useState<MediaSummary[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    api<{ items: MediaSummary[] }>(session.token, '/v1/media?status=AWAITING_REVIEW&limit=50').then(
      (page) => setItems(page.items),
      (err: unknown) => setError(describeError(err)),
    );
  }, [session.token]);
  return (
    <section>
      <h2>Review queue</h2>
      {!session.roles.includes('reviewer') && !session.roles.includes('admin') && <p class="notice">{REVIEWER_NEEDED}</p>}
      {error && <p class="problem" role="alert">{error}</p>}
      {items && items.length === 0 && <p>Nothing is waiting for review.</p>}
      <ul class="review-queue">
        {items?.map((item) => (
          <ReviewItem key={item.mediaId} token={session.token} item={item} />
        ))}
      </ul>
    </section>
  );
}

function ReviewItem({ token, item }: { token: string; item: MediaSummary }) {
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();

  async function decide(decision: 'approve' | 'reject') {
    setBusy(true);
    setError(undefined);
    try {
      const trimmed = reason.trim();
      const result = await api<{ decision: string; reviewer: string }>(token, `/v1/media/${item.mediaId}/review`, {
        json: { decision, ...(trimmed ? { reason: trimmed } : {}) },
      });
      setOutcome(`${result.decision === 'approve' ? 'Approved' : 'Rejected'} by ${result.reviewer}`);
    } catch (err) {
      setError(describeError(err, REVIEWER_NEEDED));
    } finally {
      setBusy(false);
    }
  }

  return (
    <li data-media-id={item.mediaId}>
      <a href={`#/media/${item.mediaId}`}>{item.fileName || item.mediaId}</a>
      {outcome ? (
        <p class="notice" data-testid="review-outcome">{outcome}</p>
      ) : (
        <div class="review-actions">
          <label>
            Reason <input name="reason" maxLength={2000} value={reason} onInput={(e) => setReason((e.currentTarget).value)} />
          </label>
          <button type="button" disabled={busy} onClick={() => void decide('approve')}>
            Approve
          </button>
          <button type="button" disabled={busy || !reason.trim()} title="A rejection needs a reason" onClick={() => void decide('reject')}>
            Reject
          </button>
        </div>
      )}
      {error && <p class="problem" role="alert">{error}</p>}
    </li>
  );
}
