import { api } from './api-client';

type UploadSession =
  | { uploadId: string; upload: { method: 'PUT'; url: string } }
  | { uploadId: string; upload: { method: 'MULTIPART'; partBytes: number; parts: { partNumber: number; url: string }[] } };

/**
 * Declares the file, PUTs it straight to storage through the presigned URL(s) (parts in
 * turn for a multipart session, keeping each ETag), then completes it, which starts the
 * analysis. `onProgress` gets the bytes sent so far.
 */
export async function uploadFile(token: string, file: File, onProgress: (sentBytes: number) => void): Promise<{ mediaId: string }> {
  const session = await api<UploadSession>(token, '/v1/uploads', {
    json: { fileName: file.name, sizeBytes: file.size, contentType: file.type || 'application/octet-stream' },
  });
  if (session.upload.method === 'PUT') {
    await put(session.upload.url, file, onProgress);
    return api(token, `/v1/uploads/${session.uploadId}/complete`, { method: 'POST' });
  }
  const { partBytes, parts } = session.upload;
  const done: { partNumber: number; etag: string }[] = [];
  for (const part of parts) {
    const offset = (part.partNumber - 1) * partBytes;
    const etag = await put(part.url, file.slice(offset, offset + partBytes), (sent) => onProgress(offset + sent));
    if (!etag) throw new Error(`storage gave no ETag for part ${part.partNumber} (the bucket's CORS must expose ETag)`);
    done.push({ partNumber: part.partNumber, etag });
  }
  return api(token, `/v1/uploads/${session.uploadId}/complete`, { json: { parts: done } });
}

/** XMLHttpRequest, not fetch: only it reports upload progress. Resolves with the ETag. */
function put(url: string, body: Blob, onProgress: (sentBytes: number) => void): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    xhr.upload.onprogress = (event) => onProgress(event.loaded);
    xhr.onload = () => (xhr.status >= 200 && xhr.status < 300 ? resolve(xhr.getResponseHeader('ETag')) : reject(new Error(`storage refused the upload (HTTP ${xhr.status})`)));
    xhr.onerror = () => reject(new Error('the upload to storage failed (network or CORS)'));
    xhr.send(body);
  });
}
