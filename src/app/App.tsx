/**
 * The app shell: the header, and a page per address (src/lib/routes.ts). It composes the
 * features; features never import each other.
 */
import { useEffect } from "react";
import { Link, Route, Switch, useRoute } from "wouter";
import { WithCatalog } from "../features/catalog/CatalogStatus.tsx";
import { HomePage } from "../features/catalog/HomePage.tsx";
import { SearchPage } from "../features/catalog/SearchPage.tsx";
import { TitlePage } from "../features/catalog/TitlePage.tsx";
import { NetworkLab } from "../features/lab/NetworkLab.tsx";
import { preloadEngine } from "../features/player/engines/load.ts";
import { Player } from "../features/player/Player.tsx";
import { checkStreamUrl, urlItem } from "../features/player/play-item.ts";
import { paths, playerSettingsFrom, ROUTES } from "../lib/routes.ts";
import { useFocusOnNavigation } from "./focus-on-navigation.ts";
import { StreamUrlForm } from "./StreamUrlForm.tsx";
import { useSrcParam } from "./stream-link.ts";
import { WatchPage } from "./WatchPage.tsx";

/** A header link, marked as the current page when its route matches. */
function NavLink({ href, pattern, children }: { href: string; pattern: string; children: string }) {
  const [active] = useRoute(pattern);
  return (
    <Link href={href} aria-current={active ? "page" : undefined}>
      {children}
    </Link>
  );
}

/** `/`: the home page, or with `?src=URL` any HLS or DASH stream in our player (a deep link). */
function HomeOrStream() {
  const src = useSrcParam();
  if (src === null) return <WithCatalog>{(catalog) => <HomePage catalog={catalog} />}</WithCatalog>;
  const stream = checkStreamUrl(src);
  const link = playerSettingsFrom(new URLSearchParams(window.location.search));
  return (
    <main>
      {stream.ok ? (
        <Player
          key={`${stream.url} ${link.direct}`}
          item={urlItem(stream.url, link.direct)}
          link={link}
          startAtSec={link.startAtSec ?? undefined}
        />
      ) : (
        <p role="alert">
          {stream.message} <Link href={paths.home()}>Back to the catalog</Link>
        </p>
      )}
    </main>
  );
}

/** A title page is one click from playing: the player's code is fetched meanwhile. */
function TitleRoute({ id }: { id: string }) {
  useEffect(() => {
    preloadEngine("hlsjs").catch(() => {});
  }, []);
  return <WithCatalog>{(catalog) => <TitlePage catalog={catalog} id={id} />}</WithCatalog>;
}

export function App() {
  useFocusOnNavigation();
  return (
    <>
      <header className="top">
        <h1>
          <Link href={paths.home()} className="brand">
            Streamlab
          </Link>
        </h1>
        <nav aria-label="Main" className="nav">
          <NavLink href={paths.home()} pattern={ROUTES.home}>
            Home
          </NavLink>
          <NavLink href={paths.search()} pattern={ROUTES.search}>
            Search
          </NavLink>
          <NavLink href={paths.lab()} pattern={ROUTES.lab}>
            Network lab
          </NavLink>
        </nav>
        <StreamUrlForm />
      </header>
      <Switch>
        <Route path={ROUTES.home}>
          <HomeOrStream />
        </Route>
        <Route path={ROUTES.title}>{(params) => <TitleRoute id={params.id} />}</Route>
        <Route path={ROUTES.search}>
          <WithCatalog>{(catalog) => <SearchPage catalog={catalog} />}</WithCatalog>
        </Route>
        <Route path={ROUTES.watch}>
          {(params) => (
            <WithCatalog>
              {(catalog) => <WatchPage key={params.id} catalog={catalog} id={params.id} />}
            </WithCatalog>
          )}
        </Route>
        <Route path={ROUTES.lab}>
          <main>
            <NetworkLab />
          </main>
        </Route>
        <Route>
          <main>
            <div role="alert" className="error">
              <h2>Page not found</h2>
              <p>There is nothing at this address: the link may be old or mistyped.</p>
              <Link href={paths.home()}>Back to the catalog</Link>
            </div>
          </main>
        </Route>
      </Switch>
    </>
  );
}
