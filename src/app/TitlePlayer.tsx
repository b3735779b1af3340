/**
 * A catalog title in the player, with the episode that follows it: the shell works that out
 * from the catalog (the player feature does not know the catalog) and says how to open it.
 */
import { useMemo } from "react";
import { Player } from "../features/player/Player.tsx";
import type { Catalog, Title } from "../schemas/catalog.ts";
import { nextEpisode } from "./next-episode.ts";

export function TitlePlayer({
  title,
  catalog,
  onPlay,
}: {
  title: Title;
  catalog: Catalog | null;
  /** Opens another title (the next episode) in the player. */
  onPlay(title: Title): void;
}) {
  const item = useMemo(() => ({ kind: "title" as const, title }), [title]);
  const next = useMemo(() => {
    const following = catalog ? nextEpisode(catalog, title) : null;
    return following ? { title: following, play: () => onPlay(following) } : null;
  }, [catalog, title, onPlay]);
  return <Player key={title.id} item={item} next={next} />;
}
