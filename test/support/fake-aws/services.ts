/** The services the fake speaks, and the job families each one runs. */

export type FakeService = 'rekognition' | 'transcribe' | 'bedrock' | 'eventbridge';
/** Services with asynchronous jobs and a concurrent-job quota. */
export type JobService = 'rekognition' | 'transcribe';

export const REKOGNITION_FAMILIES = [
  'LabelDetection',
  'ContentModeration',
  'CelebrityRecognition',
  'TextDetection',
  'SegmentDetection',
  'FaceDetection',
  'FaceSearch',
] as const;
export type RekognitionFamily = (typeof REKOGNITION_FAMILIES)[number];
export type JobFamily = RekognitionFamily | 'Transcription';
/** Every kind of job the fake runs: one per job-based analysis of a video. */
export const JOB_FAMILIES: readonly JobFamily[] = [...REKOGNITION_FAMILIES, 'Transcription'];

export function isRekognitionFamily(name: string): name is RekognitionFamily {
  return (REKOGNITION_FAMILIES as readonly string[]).includes(name);
}
