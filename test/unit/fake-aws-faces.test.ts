import { createHash } from 'node:crypto';
import {
  CreateCollectionCommand,
  DeleteCollectionCommand,
  DeleteFacesCommand,
  DescribeCollectionCommand,
  DetectFacesCommand,
  GetFaceDetectionCommand,
  GetFaceSearchCommand,
  IndexFacesCommand,
  ListFacesCommand,
  paginateListFaces,
  RekognitionClient,
  SearchFacesByImageCommand,
  StartFaceDetectionCommand,
  StartFaceSearchCommand,
  type Face,
} from '@aws-sdk/client-rekognition';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startFakeAws, type FakeAws } from '../support/fake-aws';

const S3_ENDPOINT = process.env['REELSCOPE_S3_ENDPOINT'] as string;
const BUCKET = 'reelscope-test';
const MEDIA = 'fake-aws/faces.mp4';
const VIDEO = { S3Object: { Bucket: BUCKET, Name: MEDIA } };
const COLLECTION = 'reelscope-acme';
const PERSON_ID = '0f6c2a52-9b1e-4c55-8d3e-0a1b2c3d4e5f';

/** A PNG by its signature: the fake reads the magic and the hash, never the pixels. */
const png = (label: string) => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(label)]);
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** The error a call fails with, or undefined when it succeeds. */
const failure = (call: Promise<unknown>): Promise<unknown> => call.then(() => undefined, (err: unknown) => err);

async function finished<T extends { JobStatus?: string }>(read: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const value = await read();
    if (value.JobStatus !== 'IN_PROGRESS') return value;
    if (Date.now() > deadline) throw new Error('job still in progress after 5 s');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('fake AWS face collections and face APIs (real Rekognition client over HTTP)', () => {
  let fake: FakeAws;
  let s3: S3Client;
  let rekognition: RekognitionClient;
  const ada = png('ada alone');
  const group = png('ada and a friend');
  const crowd = png('a crowd of three');
  const empty = png('an empty room');

  beforeAll(async () => {
    s3 = new S3Client({
      region: 'us-east-1',
      endpoint: S3_ENDPOINT,
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: MEDIA, Body: 'the fake never decodes media', ContentType: 'video/mp4' }));
    fake = await startFakeAws({ s3Endpoint: S3_ENDPOINT, seed: 42 });
    rekognition = new RekognitionClient({ region: 'us-east-1', endpoint: fake.endpoint, credentials: { accessKeyId: 'fake', secretAccessKey: 'fake' }, maxAttempts: 1 });
  });

  beforeEach(() => {
    fake.reset();
    fake.config.jobDurationMs.FaceDetection = 50;
    fake.config.jobDurationMs.FaceSearch = 50;
    fake.config.mediaDurationSeconds = () => 20;
    const scripted = new Map([
      [sha(ada), [{ person: 'ada' }]],
      [sha(group), [{ person: 'ada' }, { person: 'friend' }]],
      [sha(crowd), [{ person: 'a' }, { person: 'b' }, { person: 'c' }]],
      [sha(empty), []],
    ]);
    fake.config.imageFaces = (hash) => scripted.get(hash);
  });

  afterAll(async () => {
    rekognition?.destroy();
    s3?.destroy();
    await fake?.close();
  });

  it('creates, describes and deletes a collection, refusing a second create and unknown or malformed ids', async () => {
    // Act
    const created = await rekognition.send(new CreateCollectionCommand({ CollectionId: COLLECTION }));
    const again = await failure(rekognition.send(new CreateCollectionCommand({ CollectionId: COLLECTION })));
    const described = await rekognition.send(new DescribeCollectionCommand({ CollectionId: COLLECTION }));
    const malformed = await failure(rekognition.send(new CreateCollectionCommand({ CollectionId: 'no spaces allowed' })));
    await rekognition.send(new DeleteCollectionCommand({ CollectionId: COLLECTION }));
    const gone = await failure(rekognition.send(new DescribeCollectionCommand({ CollectionId: COLLECTION })));

    // Assert
    expect(created).toMatchObject({ StatusCode: 200, CollectionArn: `aws:rekognition:us-east-1:123456789012:collection/${COLLECTION}`, FaceModelVersion: '7.0' });
    expect(again).toMatchObject({ name: 'ResourceAlreadyExistsException', $metadata: { httpStatusCode: 400 } });
    expect(described).toMatchObject({ FaceCount: 0, FaceModelVersion: '7.0', CollectionARN: created.CollectionArn });
    expect(described.CreationTimestamp).toBeInstanceOf(Date);
    expect(malformed).toMatchObject({ name: 'ValidationException' });
    expect(gone).toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('indexes the faces of a photo up to MaxFaces, largest first, the rest unindexed with EXCEEDS_MAX_FACES, and lists and deletes them', async () => {
    // Arrange
    await rekognition.send(new CreateCollectionCommand({ CollectionId: COLLECTION }));
    const index = (bytes: Buffer) =>
      rekognition.send(new IndexFacesCommand({ CollectionId: COLLECTION, Image: { Bytes: bytes }, ExternalImageId: PERSON_ID, MaxFaces: 2, QualityFilter: 'AUTO' }));

    // Act
    const one = await index(ada);
    const two = await index(group);
    const three = await index(crowd);
    const none = await index(empty);
    const listed: Face[] = [];
    for await (const page of paginateListFaces({ client: rekognition, pageSize: 2 }, { CollectionId: COLLECTION })) listed.push(...(page.Faces ?? []));
    const deleted = await rekognition.send(new DeleteFacesCommand({ CollectionId: COLLECTION, FaceIds: [one.FaceRecords![0]!.Face!.FaceId!] }));
    const after = await rekognition.send(new ListFacesCommand({ CollectionId: COLLECTION }));

    // Assert
    expect(one.FaceRecords).toHaveLength(1);
    expect(one.FaceRecords?.[0]).toMatchObject({
      Face: { FaceId: expect.stringMatching(/^[0-9a-f-]{36}$/), ImageId: expect.any(String), ExternalImageId: PERSON_ID, Confidence: expect.any(Number), BoundingBox: expect.any(Object) },
      FaceDetail: { BoundingBox: expect.any(Object), Confidence: expect.any(Number), Landmarks: expect.any(Array) },
    });
    expect(one.UnindexedFaces).toEqual([]);
    expect(two.FaceRecords).toHaveLength(2);
    const areas = two.FaceRecords!.map((r) => r.Face!.BoundingBox!.Width! * r.Face!.BoundingBox!.Height!);
    expect(areas[0]).toBeGreaterThan(areas[1]!);
    expect(three.FaceRecords).toHaveLength(2);
    expect(three.UnindexedFaces).toEqual([expect.objectContaining({ Reasons: ['EXCEEDS_MAX_FACES'] })]);
    expect(none).toMatchObject({ FaceRecords: [], UnindexedFaces: [], FaceModelVersion: '7.0' });
    expect(listed).toHaveLength(5);
    expect(new Set(listed.map((f) => f.FaceId)).size).toBe(5);
    expect(deleted.DeletedFaces).toEqual([one.FaceRecords![0]!.Face!.FaceId]);
    expect(after.Faces).toHaveLength(4);
  });

  it('validates IndexFaces, DeleteFaces and SearchFacesByImage requests as the API reference does', async () => {
    // Arrange
    await rekognition.send(new CreateCollectionCommand({ CollectionId: COLLECTION }));

    // Act
    const missing = await failure(rekognition.send(new IndexFacesCommand({ CollectionId: 'reelscope-nobody', Image: { Bytes: ada } })));
    const notImage = await failure(rekognition.send(new IndexFacesCommand({ CollectionId: COLLECTION, Image: { Bytes: Buffer.from('plain text') } })));
    const tooLarge = await failure(rekognition.send(new IndexFacesCommand({ CollectionId: COLLECTION, Image: { Bytes: Buffer.concat([ada, Buffer.alloc(6 * 1024 * 1024)]) } })));
    const badExternal = await failure(rekognition.send(new IndexFacesCommand({ CollectionId: COLLECTION, Image: { Bytes: ada }, ExternalImageId: 'has spaces' })));
    const badMax = await failure(rekognition.send(new IndexFacesCommand({ CollectionId: COLLECTION, Image: { Bytes: ada }, MaxFaces: 0 })));
    const badFaceId = await failure(rekognition.send(new DeleteFacesCommand({ CollectionId: COLLECTION, FaceIds: ['not-a-face-id'] })));
    const noFace = await failure(rekognition.send(new SearchFacesByImageCommand({ CollectionId: COLLECTION, Image: { Bytes: empty } })));
    const badThreshold = await failure(rekognition.send(new SearchFacesByImageCommand({ CollectionId: COLLECTION, Image: { Bytes: ada }, FaceMatchThreshold: 101 })));

    // Assert
    expect(missing).toMatchObject({ name: 'ResourceNotFoundException' });
    expect(notImage).toMatchObject({ name: 'InvalidImageFormatException' });
    expect(tooLarge).toMatchObject({ name: 'ImageTooLargeException' });
    expect(badExternal).toMatchObject({ name: 'ValidationException', message: expect.stringContaining('externalImageId') });
    expect(badMax).toMatchObject({ name: 'ValidationException' });
    expect(badFaceId).toMatchObject({ name: 'ValidationException' });
    expect(noFace).toMatchObject({ name: 'InvalidParameterException', message: expect.stringContaining('no faces') });
    expect(badThreshold).toMatchObject({ name: 'InvalidParameterException' });
    expect((await rekognition.send(new DescribeCollectionCommand({ CollectionId: COLLECTION }))).FaceCount).toBe(0);
  });

  it('detects every face of an image and searches its largest one against the collection by identity', async () => {
    // Arrange
    await rekognition.send(new CreateCollectionCommand({ CollectionId: COLLECTION }));
    const indexed = await rekognition.send(new IndexFacesCommand({ CollectionId: COLLECTION, Image: { Bytes: ada }, ExternalImageId: PERSON_ID, MaxFaces: 2 }));
    const stranger = png('someone else');
    fake.config.imageFaces = (hash) => (hash === sha(group) ? [{ person: 'ada' }, { person: 'friend' }] : hash === sha(stranger) ? [{ person: 'bob' }] : hash === sha(ada) ? [{ person: 'ada' }] : undefined);

    // Act
    const detected = await rekognition.send(new DetectFacesCommand({ Image: { Bytes: group }, Attributes: ['DEFAULT'] }));
    const found = await rekognition.send(new SearchFacesByImageCommand({ CollectionId: COLLECTION, Image: { Bytes: group }, FaceMatchThreshold: 80, MaxFaces: 5 }));
    const notFound = await rekognition.send(new SearchFacesByImageCommand({ CollectionId: COLLECTION, Image: { Bytes: stranger } }));
    const strict = await rekognition.send(new SearchFacesByImageCommand({ CollectionId: COLLECTION, Image: { Bytes: group }, FaceMatchThreshold: 100 }));
    const badAttribute = await failure(rekognition.send(new DetectFacesCommand({ Image: { Bytes: group }, Attributes: ['EVERYTHING' as never] })));

    // Assert
    expect(detected.FaceDetails).toHaveLength(2);
    expect(found.SearchedFaceBoundingBox).toEqual(detected.FaceDetails?.[0]?.BoundingBox);
    expect(found.FaceMatches).toEqual([
      { Similarity: expect.any(Number), Face: expect.objectContaining({ FaceId: indexed.FaceRecords?.[0]?.Face?.FaceId, ExternalImageId: PERSON_ID }) },
    ]);
    expect(found.FaceMatches?.[0]?.Similarity).toBeGreaterThanOrEqual(90);
    expect(notFound.FaceMatches).toEqual([]);
    expect(strict.FaceMatches).toEqual([]);
    expect(badAttribute).toMatchObject({ name: 'ValidationException' });
  });

  it('runs face detection and face search jobs over a video: scripted people once a second, matches for the enrolled, idempotent by token', async () => {
    // Arrange
    await rekognition.send(new CreateCollectionCommand({ CollectionId: COLLECTION }));
    await rekognition.send(new IndexFacesCommand({ CollectionId: COLLECTION, Image: { Bytes: ada }, ExternalImageId: PERSON_ID }));
    fake.config.videoFaces = () => [
      { person: 'ada', start: 2, end: 5 },
      { person: 'bob', start: 4, end: 6 },
    ];

    // Act
    const search = await rekognition.send(new StartFaceSearchCommand({ Video: VIDEO, CollectionId: COLLECTION, FaceMatchThreshold: 85, ClientRequestToken: 'faces-1' }));
    const repeated = await rekognition.send(new StartFaceSearchCommand({ Video: VIDEO, CollectionId: COLLECTION, FaceMatchThreshold: 85, ClientRequestToken: 'faces-1' }));
    const detection = await rekognition.send(new StartFaceDetectionCommand({ Video: VIDEO, FaceAttributes: 'DEFAULT', ClientRequestToken: 'faces-1' }));
    const noCollection = await failure(rekognition.send(new StartFaceSearchCommand({ Video: VIDEO, CollectionId: 'reelscope-nobody' })));
    const searched = await finished(() => rekognition.send(new GetFaceSearchCommand({ JobId: search.JobId, SortBy: 'TIMESTAMP' })));
    const byIndex = await rekognition.send(new GetFaceSearchCommand({ JobId: search.JobId, SortBy: 'INDEX', MaxResults: 3 }));
    const detected = await finished(() => rekognition.send(new GetFaceDetectionCommand({ JobId: detection.JobId })));

    // Assert
    expect(repeated.JobId).toBe(search.JobId);
    expect(detection.JobId).not.toBe(search.JobId);
    expect(noCollection).toMatchObject({ name: 'ResourceNotFoundException' });
    expect(searched).toMatchObject({ JobStatus: 'SUCCEEDED', VideoMetadata: { DurationMillis: 20_000 }, Video: VIDEO });
    const persons = searched.Persons ?? [];
    expect(persons.map((p) => p.Timestamp)).toEqual([2000, 3000, 4000, 4000, 5000, 5000, 6000]);
    const matched = persons.filter((p) => (p.FaceMatches ?? []).length > 0);
    expect(matched.map((p) => p.Timestamp)).toEqual([2000, 3000, 4000, 5000]);
    expect(matched.every((p) => p.FaceMatches?.[0]?.Face?.ExternalImageId === PERSON_ID && (p.FaceMatches[0].Similarity ?? 0) >= 85)).toBe(true);
    expect(persons.every((p) => p.Person?.Face?.BoundingBox && typeof p.Person.Index === 'number')).toBe(true);
    expect(byIndex.Persons?.map((p) => p.Person?.Index)).toEqual([0, 0, 0]);
    expect(byIndex.NextToken).toEqual(expect.any(String));
    expect(detected.Faces).toHaveLength(7);
    expect(detected.Faces?.[0]).toMatchObject({ Timestamp: 2000, Face: { BoundingBox: expect.any(Object), Confidence: expect.any(Number) } });
  });
});
