/** What a page shows while the delivery network does not answer: the page is asking again. */
import { NETWORK_DOWN_HEADLINE } from "./api.ts";

export function NetworkDown({
  detail,
  onRetry,
  className = "error",
}: {
  /** Which server did not answer, and what to do if it lasts (NetworkDownError.detail). */
  detail: string;
  /** Ask again now instead of at the next scheduled try. */
  onRetry: () => void;
  className?: string;
}) {
  return (
    <div role="alert" className={className}>
      <p>
        <strong>{NETWORK_DOWN_HEADLINE}</strong>
      </p>
      <p>{detail}</p>
      <button type="button" onClick={onRetry}>
        Retry now
      </button>
    </div>
  );
}
