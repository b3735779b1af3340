/**
 * A title's page: what it is (synopsis, year, duration, genres, tags), play or resume, the
 * per-title ladder it was encoded with and its saving, and for an episode its series' seasons.
 */
import { Link } from "wouter";
import { useStore } from "zustand";
import { originUrl } from "../../lib/api.ts";
import { paths } from "../../lib/routes.ts";
import { resumePositionSec, viewingHistory } from "../../lib/viewing-history.ts";
import type { Catalog } from "../../schemas/catalog.ts";
import { tagsOf } from "./search.ts";
import { minutes } from "./TitleCard.tsx";

const kbps = (bps: number) => `${Math.round(bps / 1000)} kbit/s`;
const clock = (sec: number) =>
  `${Math.floor(sec / 60)}:${String(Math.floor(sec % 60)).padStart(2, "0")}`;

export function TitlePage({ catalog, id }: { catalog: Catalog; id: string }) {
  const history = useStore(viewingHistory(), (s) => s.entries);
  const title = catalog.titles.find((t) => t.id === id);
  if (!title) {
    return (
      <main>
        <div role="alert" className="error">
          <p>There is no title "{id}" in this catalog: the link may be old.</p>
          <Link href={paths.home()}>Back to the catalog</Link>
        </div>
      </main>
    );
  }
  const resumeAt = resumePositionSec(history[title.id]);
  const series = title.episode
    ? catalog.series.find((s) => s.id === title.episode?.seriesId)
    : undefined;
  const saving = title.encoding.bdRatePercent;

  return (
    <main>
      <section className="details" aria-label={title.name}>
        <div
          className="details-backdrop"
          // A dark veil over the artwork: the text must read over any picture (grain, noise).
          style={{
            backgroundImage: `linear-gradient(rgb(0 0 0 / 55%), rgb(0 0 0 / 85%)), url(${originUrl(title.artwork.backdrop)})`,
          }}
        >
          <h2>{title.name}</h2>
          {series && title.episode && (
            <p>
              {series.name} · season {title.episode.season}, episode {title.episode.episode}
            </p>
          )}
          <p className="card-meta">
            {title.year} · {minutes(title.durationSec)} · {title.genres.join(", ")}
          </p>
          <p className="tags">{tagsOf(title).join(" · ")}</p>
          <Link className="button primary" href={paths.watch(title.id, resumeAt)}>
            {resumeAt > 0 ? `▶ Resume from ${clock(resumeAt)}` : "▶ Play"}
          </Link>
          {resumeAt > 0 && (
            <>
              {" "}
              <Link className="button" href={`${paths.watch(title.id)}?t=0`}>
                Play from the start
              </Link>
            </>
          )}
        </div>
        <p>{title.synopsis}</p>

        {series && (
          <section aria-label={`${series.name} episodes`}>
            <h3>{series.name}</h3>
            {series.seasons.map((season) => (
              <div key={season.number}>
                <h4>Season {season.number}</h4>
                <ol className="episodes">
                  {season.episodeIds.map((episodeId) => {
                    const episode = catalog.titles.find((t) => t.id === episodeId);
                    if (!episode) return null;
                    return (
                      <li
                        key={episodeId}
                        aria-current={episodeId === title.id ? "page" : undefined}
                      >
                        <Link href={paths.title(episodeId)}>
                          {episode.episode?.episode}. {episode.name}
                        </Link>{" "}
                        <span className="card-meta">{minutes(episode.durationSec)}</span>
                      </li>
                    );
                  })}
                </ol>
              </div>
            ))}
          </section>
        )}

        <h3>
          Encoding ladder{" "}
          {saving !== null && (
            <small>
              ({saving > 0 ? "+" : ""}
              {saving}% bits against the fixed ladder at equal quality)
            </small>
          )}
        </h3>
        {/* Scrolls sideways on a phone rather than widening the page. */}
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th>rendition</th>
                <th>resolution</th>
                <th>average</th>
                <th>peak</th>
                <th>quality</th>
              </tr>
            </thead>
            <tbody>
              {title.renditions.map((r) => (
                <tr key={r.id}>
                  <td>{r.id}</td>
                  <td>
                    {r.width}x{r.height}
                  </td>
                  <td>{kbps(r.averageBitrateBps)}</td>
                  <td>{kbps(r.peakBitrateBps)}</td>
                  <td>{r.quality.score.toFixed(0)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </main>
  );
}
