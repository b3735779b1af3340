/** The app shell: composes the features; features never import each other. */
import { CatalogPage } from "../features/catalog/CatalogPage.tsx";
import { HlsVideo } from "../features/player/HlsVideo.tsx";
import { Player } from "../features/player/Player.tsx";

/** `?src=URL` plays any HLS stream directly (a deep link a user or a test can open). */
function streamFromLocation(): string | null {
  const src = new URLSearchParams(window.location.search).get("src");
  return src && /^https?:\/\//.test(src) ? src : null;
}

export function App() {
  const src = streamFromLocation();
  return (
    <>
      <header className="top">
        <h1>Streamlab</h1>
      </header>
      {src ? (
        <main>
          <HlsVideo src={src} />
        </main>
      ) : (
        <CatalogPage renderPlayer={(title) => <Player key={title.id} title={title} />} />
      )}
    </>
  );
}
