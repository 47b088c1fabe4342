import { ApplicationFailure } from '@temporalio/activity';
import type { AnalysisKind } from '../common/types';
import type { AnalysisRunner } from './analysis-backend';
import { MediaUnusableError } from './media/media-unusable-error';

/**
 * The runners, with MediaUnusableError turned into a non-retryable failure of its stable
 * type: the same bytes decode to the same nothing on every attempt, so retrying only burns
 * the attempts (three ENOENTs on a one-frame video's poster). The mapping belongs in
 * failures.ts' toActivityFailure, beside MediaRejectedError; until it is there, the
 * backends wrap their runners with this.
 */
export function withUnusableMediaFailures(
  runners: Partial<Record<AnalysisKind, AnalysisRunner>>,
): Partial<Record<AnalysisKind, AnalysisRunner>> {
  return Object.fromEntries(
    Object.entries(runners).map(([kind, runner]): [string, AnalysisRunner] => [
      kind,
      async (run) => {
        try {
          return await runner(run);
        } catch (err) {
          if (!(err instanceof MediaUnusableError)) throw err;
          throw ApplicationFailure.create({ type: err.type, message: err.message, nonRetryable: true, cause: err });
        }
      },
    ]),
  );
}
