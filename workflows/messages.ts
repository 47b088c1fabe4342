import { defineQuery } from '@temporalio/workflow';
import { PROGRESS_QUERY } from '../common/constants';
import type { Progress } from '../common/types';

/** Where a media is in the pipeline: stage, each branch's state, percent. */
export const progressQuery = defineQuery<Progress>(PROGRESS_QUERY);
