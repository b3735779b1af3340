/**
 * The titles the encoder is still making (npm start encodes the demo catalog behind the app),
 * each as a card with its stage and percent; each moves into the catalog's rows when published.
 */
import type { EncodeStatusTitle } from "../../schemas/encode-status.ts";

/** "Encoding: measure 45%", or what comes before encoding. */
export function stageLabel(title: EncodeStatusTitle): string {
  if (title.stage === "source") return "Making its source";
  if (title.stage === "waiting") return "Waiting to encode";
  return `Encoding: ${title.stage} ${title.percent}%`;
}

export function PendingTitles({ titles }: { titles: readonly EncodeStatusTitle[] }) {
  if (titles.length === 0) return null;
  return (
    <section className="row pending" aria-label="Being encoded">
      <h2>Being encoded</h2>
      <ul>
        {titles.map((title) => (
          <li key={title.id}>
            <div className="card pending-card" data-title-id={title.id}>
              <div className="pending-poster" aria-hidden="true" />
              <span className="card-name">{title.name}</span>
              <span className="card-meta" role="status">
                {stageLabel(title)}
              </span>
              <span className="card-progress" aria-hidden="true">
                <span style={{ width: `${title.percent}%` }} />
              </span>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
