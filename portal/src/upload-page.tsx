import { useState } from 'preact/hooks';
import { describeError } from './api-client';
import type { Session } from './auth';
import { ProgressBar } from './progress-bar';
import { uploadFile } from './upload-file';

type State = { phase: 'idle' } | { phase: 'sending'; sent: number; total: number } | { phase: 'done'; mediaId: string } | { phase: 'failed'; message: string };

/** Pick a file and send it; the analysis starts when the upload completes. */
export function UploadPage({ session }: { session: Session }) {
  const [file, setFile] = useState<File | undefined>();
  const [state, setState] = useState<State>({ phase: 'idle' });

  async function send(event: Event) {
    event.preventDefault();
    if (!file) return;
    setState({ phase: 'sending', sent: 0, total: file.size });
    try {
      const { mediaId } = await uploadFile(session.token, file, (sent) => setState({ phase: 'sending', sent, total: file.size }));
      setState({ phase: 'done', mediaId });
    } catch (err) {
      setState({ phase: 'failed', message: describeError(err, 'Uploading needs the uploader role.') });
    }
  }

  return (
    <section>
      <h2>Upload</h2>
      <form onSubmit={(e) => void send(e)}>
        <input type="file" name="media" accept="video/*,audio/*,image/*" onChange={(e) => setFile((e.currentTarget).files?.[0])} />
        <button type="submit" disabled={!file || state.phase === 'sending'}>
          Upload
        </button>
      </form>
      {state.phase === 'sending' && <ProgressBar label="Uploaded" value={state.sent} max={state.total} />}
      {state.phase === 'done' && (
        <p class="notice" data-testid="upload-done">
          Uploaded; the analysis has started. <a href={`#/media/${state.mediaId}`}>Follow it</a> or go to the <a href="#/library">library</a>.
        </p>
      )}
      {state.phase === 'failed' && <p class="problem" role="alert">{state.message}</p>}
    </section>
  );
}
