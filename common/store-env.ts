import { z } from 'zod';
import { commaList } from './env-schema';

/**
 * Where the media and its records live, and which kinds of media are analysed: read alike by
 * the worker and the API, so a deployment names its bucket, tables and endpoints once and both
 * refuse the same kinds (the API before signing an upload, the worker at probe).
 */
export const storeEnvShape = {
  REELSCOPE_BUCKET: z.string().min(3).default('reelscope-media'),
  REELSCOPE_RECORDS_TABLE: z.string().min(3).default('reelscope-media'),
  REELSCOPE_FAILURES_TABLE: z.string().min(3).default('reelscope-failures'),
  AWS_REGION: z.string().min(1).default('us-east-1'),
  REELSCOPE_S3_ENDPOINT: z.url().optional(),
  REELSCOPE_DYNAMODB_ENDPOINT: z.url().optional(),
  REELSCOPE_ACCEPTED_KINDS: commaList.pipe(z.array(z.enum(['video', 'audio', 'image'])).min(1)).default(['video']),
};
