/**
 * An artwork card that opens the title page. Hover or keyboard focus shows a preview with the
 * title's details (pure CSS: the preview is in the card, shown on :hover and :focus-visible).
 */
import { Link } from "wouter";
import { originUrl } from "../../lib/api.ts";
import { paths } from "../../lib/routes.ts";
import type { Title } from "../../schemas/catalog.ts";
import { tagsOf } from "./search.ts";

export const minutes = (sec: number) =>
  sec < 90 ? `${Math.round(sec)} s` : `${Math.round(sec / 60)} min`;

export function TitleCard({
  title,
  progress,
  row,
  col,
}: {
  title: Title;
  /** Share watched, 0-1, for a progress bar (continue watching). */
  progress?: number;
  /** Position in the home grid, for arrow-key movement. */
  row?: number;
  col?: number;
}) {
  // The link's name is its visible text (name, year, genres), so that a viewer who says or
  // sees "E2E clip" finds it (WCAG 2.5.3); the episode is added for screen readers only.
  return (
    <Link href={paths.title(title.id)} className="card" data-row={row} data-col={col}>
      <img src={originUrl(title.artwork.poster)} alt="" loading="lazy" />
      {progress !== undefined && (
        <span className="card-progress" aria-hidden="true">
          <span style={{ width: `${Math.round(progress * 100)}%` }} />
        </span>
      )}
      <span className="card-name">
        {title.name}
        {title.episode && (
          <span className="visually-hidden">
            {` (season ${title.episode.season}, episode ${title.episode.episode})`}
          </span>
        )}
      </span>
      <span className="card-meta">
        {title.year} · {title.genres.join(", ")}
      </span>
      <span className="card-preview" aria-hidden="true">
        <img src={originUrl(title.artwork.backdrop)} alt="" loading="lazy" />
        <strong>{title.name}</strong>
        <span>
          {title.year} · {minutes(title.durationSec)} · {title.genres.join(", ")}
        </span>
        <span className="card-preview-tags">{tagsOf(title).join(" · ")}</span>
        <span className="card-preview-synopsis">{title.synopsis}</span>
      </span>
    </Link>
  );
}
