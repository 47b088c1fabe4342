/**
 * Reads one execution's history (the JSON `temporal workflow show --output json` prints) into
 * the figures the benchmarks report: size, activity intervals and Temporal Cloud actions.
 */

interface HistoryEvent {
  eventId: string;
  eventTime: string;
  eventType: string;
  [attributes: string]: unknown;
}

export interface ActivitySpan {
  type: string;
  /** The activity summary the workflow sets, e.g. `labels of media-…`. */
  summary: string;
  scheduledAt: number;
  startedAt?: number;
  closedAt?: number;
  attempt: number;
}

export interface HistoryFigures {
  events: number;
  bytes: number;
  startedAt: number;
  closedAt: number;
  activities: ActivitySpan[];
  /** Temporal Cloud actions visible in the history, by kind (heartbeats are not in histories). */
  actions: Record<string, number>;
}

const time = (value: string) => Date.parse(value);
const attributes = (event: HistoryEvent, key: string) => (event[key] ?? {}) as Record<string, unknown>;

/** Decodes a json/plain payload (the activity summary). */
function payloadText(payload: { data?: string } | undefined): string {
  if (!payload?.data) return '';
  const text = Buffer.from(payload.data, 'base64').toString('utf8');
  try {
    return String(JSON.parse(text));
  } catch {
    return text;
  }
}

export function historyFigures(json: string): HistoryFigures {
  const events = (JSON.parse(json) as { events: HistoryEvent[] }).events;
  const byScheduledId = new Map<string, ActivitySpan>();
  const count = (type: string) => events.filter((e) => e.eventType === type).length;

  for (const event of events) {
    if (event.eventType === 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED') {
      const scheduled = attributes(event, 'activityTaskScheduledEventAttributes');
      const userMetadata = event['userMetadata'] as { summary?: { data?: string } } | undefined;
      byScheduledId.set(event.eventId, { type: (scheduled['activityType'] as { name?: string } | undefined)?.name ?? '?', summary: payloadText(userMetadata?.summary), scheduledAt: time(event.eventTime), attempt: 1 });
    } else if (event.eventType === 'EVENT_TYPE_ACTIVITY_TASK_STARTED') {
      const started = attributes(event, 'activityTaskStartedEventAttributes');
      const span = byScheduledId.get(String(started['scheduledEventId']));
      if (span) Object.assign(span, { startedAt: time(event.eventTime), attempt: Number(started['attempt'] ?? 1) });
    } else if (/^EVENT_TYPE_ACTIVITY_TASK_(COMPLETED|FAILED|TIMED_OUT|CANCELED)$/.test(event.eventType)) {
      const closed = Object.entries(event).find(([key]) => key.startsWith('activityTask') && key.endsWith('EventAttributes'))?.[1] as Record<string, unknown> | undefined;
      const span = byScheduledId.get(String(closed?.['scheduledEventId']));
      if (span) span.closedAt = time(event.eventTime);
    }
  }
  const activities = [...byScheduledId.values()];

  // What Temporal Cloud bills that a history shows (docs.temporal.io/cloud/actions): the start,
  // each activity attempt, timers, search-attribute upserts (the SDK's TemporalChangeVersion
  // ones after each new patch too), signals (counted once, at the sender, whichever workflow
  // sent them), local activities (their markers; a patch's marker is none) and child starts.
  const localActivityMarkers = events.filter(
    (e) => e.eventType === 'EVENT_TYPE_MARKER_RECORDED' && attributes(e, 'markerRecordedEventAttributes')['markerName'] === 'core_local_activity',
  ).length;
  const actions = {
    workflowStarted: 1,
    activityAttempts: activities.reduce((sum, a) => sum + (a.startedAt ? a.attempt : 0), 0),
    timers: count('EVENT_TYPE_TIMER_STARTED'),
    searchAttributeUpserts: count('EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES'),
    signalsSent: count('EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED'),
    signalsReceived: count('EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED'),
    localActivities: localActivityMarkers,
    childWorkflowsStarted: count('EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED'),
    updates: count('EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED'),
  };
  return {
    events: events.length,
    bytes: Buffer.byteLength(json),
    startedAt: time(events[0]!.eventTime),
    closedAt: time(events[events.length - 1]!.eventTime),
    activities,
    actions,
  };
}

/** Sum of a record of counts. */
export function total(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}
