/** The app shell: composes the features; features never import each other. */
import { CatalogPage } from "../features/catalog/CatalogPage.tsx";
import { Player } from "../features/player/Player.tsx";
import { checkStreamUrl, urlItem } from "../features/player/play-item.ts";
import { StreamUrlForm } from "./StreamUrlForm.tsx";
import { useSrcParam } from "./stream-link.ts";
import { TitlePlayer } from "./TitlePlayer.tsx";

export function App() {
  // `?src=URL` plays any HLS or DASH stream with our player (a deep link a user or a test can open).
  const src = useSrcParam();
  const stream = src === null ? null : checkStreamUrl(src);
  return (
    <>
      <header className="top">
        <h1>Streamlab</h1>
        <StreamUrlForm />
      </header>
      {stream ? (
        <main>
          {stream.ok ? (
            <Player key={stream.url} item={urlItem(stream.url)} />
          ) : (
            <p role="alert">
              {stream.message} <a href="/">Back to the catalog</a>
            </p>
          )}
        </main>
      ) : (
        <CatalogPage
          renderPlayer={(title, { catalog, select }) => (
            <TitlePlayer key={title.id} title={title} catalog={catalog} onPlay={select} />
          )}
        />
      )}
    </>
  );
}
