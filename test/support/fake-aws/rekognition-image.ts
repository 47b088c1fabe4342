import { createHash } from 'node:crypto';
import type { FakeAwsContext } from './context';
import { wireError } from './errors';
import { imageDetections } from './rekognition-results';

type Body = Record<string, unknown>;

/** The image APIs' request limit on inline bytes. */
const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
const IMAGE_OPERATIONS = ['DetectLabels', 'DetectModerationLabels', 'RecognizeCelebrities', 'DetectText'] as const;
type ImageOperation = (typeof IMAGE_OPERATIONS)[number];

export function isImageOperation(operation: string): operation is ImageOperation {
  return (IMAGE_OPERATIONS as readonly string[]).includes(operation);
}

/** A request's Image.Bytes, checked as every image API checks them: present, at most 5 MB, JPEG or PNG. */
export function imageBytes(body: Body): Buffer {
  const image = body['Image'] as { Bytes?: unknown; S3Object?: unknown } | undefined;
  if (image?.S3Object !== undefined) throw wireError('rekognition', 'InvalidParameterException', 'The fake Rekognition reads Image.Bytes only.');
  if (typeof image?.Bytes !== 'string' || image.Bytes.length === 0) throw wireError('rekognition', 'InvalidParameterException', 'Image.Bytes is required.');
  const bytes = Buffer.from(image.Bytes, 'base64');
  if (bytes.length > MAX_IMAGE_BYTES) throw wireError('rekognition', 'ImageTooLargeException', 'Image size is too large.');
  const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8;
  const png = bytes.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  if (!jpeg && !png) throw wireError('rekognition', 'InvalidImageFormatException', 'Request has unsupported image format');
  return bytes;
}

/**
 * The image APIs keyframe sampling calls, on inline image bytes (the JSON protocol carries
 * them base64): checked as the service checks them, answered with detections that depend
 * only on the bytes, so the same frame always gets the same answer.
 */
export function detectInImage(context: FakeAwsContext, operation: ImageOperation, body: Body): unknown {
  const bytes = imageBytes(body);
  // RecognizeCelebrities takes no threshold; DetectText takes one per word in its filters.
  const wordFilter = (body['Filters'] as { WordFilter?: { MinConfidence?: unknown } } | undefined)?.WordFilter;
  const minConfidence = operation === 'DetectText' ? (wordFilter?.MinConfidence ?? 80) : (body['MinConfidence'] ?? (operation === 'DetectLabels' ? 55 : 50));
  if (typeof minConfidence !== 'number' || minConfidence < 0 || minConfidence > 100) {
    throw wireError('rekognition', 'InvalidParameterException', 'MinConfidence must be between 0 and 100.');
  }
  const seedText = `${context.seed}|${operation}|${createHash('sha256').update(bytes).digest('hex')}`;
  switch (operation) {
    case 'DetectLabels':
      return { Labels: imageDetections('labels', seedText, minConfidence), LabelModelVersion: '3.0' };
    case 'DetectModerationLabels':
      return { ModerationLabels: imageDetections('moderation', seedText, minConfidence), ModerationModelVersion: '7.0' };
    case 'RecognizeCelebrities':
      return { CelebrityFaces: imageDetections('celebrities', seedText, 50), UnrecognizedFaces: [] };
    case 'DetectText':
      return { TextDetections: imageDetections('text', seedText, minConfidence), TextModelVersion: '3.0' };
  }
}
