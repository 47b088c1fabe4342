import { OUTCOME_DETAIL_TYPES, outcomeEvent, webhookEventType } from '../../common/outcome-event';

describe('outcomeEvent', () => {
  const at = new Date('2026-12-01T10:00:00Z');
  it('keys each outcome by its run, so retries repeat the key and another run gets its own', () => {
    const facts = { mediaId: 'm1', tenant: 'acme', status: 'COMPLETED' as const };
    expect(outcomeEvent('run-a', at, facts).eventId).toBe(outcomeEvent('run-a', new Date(), facts).eventId);
    expect(outcomeEvent('run-a', at, facts).eventId).not.toBe(outcomeEvent('run-b', at, facts).eventId);
  });

  it('names the detail type by how the media ended; a decided review is its own', () => {
    const base = { mediaId: 'm1', tenant: 'acme' };
    expect(outcomeEvent('r', at, { ...base, status: 'COMPLETED' }).detailType).toBe(OUTCOME_DETAIL_TYPES.completed);
    expect(outcomeEvent('r', at, { ...base, status: 'COMPLETED', review: { decision: 'approve', reviewer: 'ana', decidedAt: at.toISOString(), decidedBy: 'reviewer' } }).detailType).toBe('Media Review Decided');
    expect(outcomeEvent('r', at, { ...base, status: 'REJECTED', reason: { step: 'probe', type: 'EmptyMedia', message: 'empty' } }).detailType).toBe('Media Analysis Rejected');
    expect(outcomeEvent('r', at, { ...base, status: 'FAILED', reason: { step: 'report', type: 'Cancelled', message: 'x' } }).detailType).toBe('Media Analysis Failed');
    expect(webhookEventType('Media Review Decided')).toBe('media.review.decided');
  });

  it('caps free text, so an event stays far below the bus limit', () => {
    const event = outcomeEvent('r', at, { mediaId: 'm1', tenant: 'acme', status: 'FAILED', reason: { step: 'x', type: 'Error', message: 'e'.repeat(50_000) }, headline: 'h'.repeat(5000) });
    expect(event.reason?.message.length).toBe(1000);
    expect(event.headline?.length).toBe(1000);
    expect(JSON.stringify(event).length).toBeLessThan(4000);
  });
});
