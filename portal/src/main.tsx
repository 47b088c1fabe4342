import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { whenUnauthenticated } from './api-client';
import { beginSignIn, completeSignIn, currentSession, loadPortalConfig, signOut, type PortalConfig, type Session } from './auth';
import { LibraryPage } from './library-page';
import { MediaPage } from './media-page';
import { ReviewPage } from './review-page';
import { UploadPage } from './upload-page';

type Route = { page: 'library' } | { page: 'upload' } | { page: 'review' } | { page: 'media'; mediaId: string };

/** In-page routes live in the hash, so the server serves one page and no path carries data. */
function routeOf(hash: string): Route {
  const media = /^#\/media\/([0-9a-f]{24})$/.exec(hash);
  if (media?.[1]) return { page: 'media', mediaId: media[1] };
  if (hash === '#/upload') return { page: 'upload' };
  if (hash === '#/review') return { page: 'review' };
  return { page: 'library' };
}

function Portal() {
  const [config, setConfig] = useState<PortalConfig | undefined>();
  const [session, setSession] = useState<Session | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [route, setRoute] = useState<Route>(routeOf(location.hash));

  useEffect(() => {
    const onHash = () => setRoute(routeOf(location.hash));
    window.addEventListener('hashchange', onHash);
    whenUnauthenticated(() => {
      signOut();
      setSession(undefined);
      setError('Your session has ended; sign in again.');
    });
    loadPortalConfig()
      .then(async (loaded) => {
        setConfig(loaded);
        const signedIn = (await completeSignIn(loaded)) ?? currentSession(loaded);
        setSession(signedIn);
        setRoute(routeOf(location.hash));
      })
      .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  if (!session) {
    return (
      <section class="signed-out">
        <h1>reelscope</h1>
        {error && <p class="problem" role="alert">{error}</p>}
        <button type="button" disabled={!config} onClick={() => config && void beginSignIn(config)}>
          Sign in
        </button>
      </section>
    );
  }
  return (
    <>
      <header>
        <h1>reelscope</h1>
        <nav>
          <a href="#/library" aria-current={route.page === 'library' ? 'page' : undefined}>
            Library
          </a>
          <a href="#/upload" aria-current={route.page === 'upload' ? 'page' : undefined}>
            Upload
          </a>
          <a href="#/review" aria-current={route.page === 'review' ? 'page' : undefined}>
            Review queue
          </a>
        </nav>
        <span class="who" data-testid="who">
          {session.user} · {session.tenant} · {session.roles.join(', ')}
        </span>
        <button
          type="button"
          onClick={() => {
            signOut();
            setSession(undefined);
          }}
        >
          Sign out
        </button>
      </header>
      {route.page === 'library' && <LibraryPage session={session} />}
      {route.page === 'upload' && <UploadPage session={session} />}
      {route.page === 'review' && <ReviewPage session={session} />}
      {route.page === 'media' && <MediaPage key={route.mediaId} session={session} mediaId={route.mediaId} />}
    </>
  );
}

const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(<Portal />, root);
}
