/** One title: synopsis, playback, and the per-title ladder it was encoded with. */

import type { ReactNode } from "react";
import type { Title } from "../../schemas/catalog.ts";

const kbps = (bps: number) => `${Math.round(bps / 1000)} kbit/s`;

/** `player` is composed in by the app shell: the catalog feature does not know the player. */
export function TitleDetails({
  title,
  onClose,
  player,
}: {
  title: Title;
  onClose: () => void;
  player: ReactNode;
}) {
  const saving = title.encoding.bdRatePercent;
  return (
    <section className="details" aria-label={title.name}>
      <header>
        <h2>{title.name}</h2>
        <button type="button" onClick={onClose} aria-label="Close">
          ✕
        </button>
      </header>
      {player}
      <p>{title.synopsis}</p>
      <p className="card-meta">
        {title.year} · {Math.round(title.durationSec)} s · {title.genres.join(", ")} ·{" "}
        {title.tags.mood.join(", ")}
      </p>
      <h3>
        Encoding ladder{" "}
        {saving !== null && (
          <small>
            ({saving > 0 ? "+" : ""}
            {saving}% bits against the fixed ladder at equal quality)
          </small>
        )}
      </h3>
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
    </section>
  );
}
