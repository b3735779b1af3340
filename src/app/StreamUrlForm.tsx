/**
 * "Play a stream URL": any HLS or DASH manifest on the web, played by our player. Only
 * http(s) addresses are taken; anything else gets a message saying why and what to paste,
 * and nothing else changes.
 */
import { type FormEvent, useId, useState } from "react";
import { checkStreamUrl } from "../features/player/play-item.ts";
import { openStream } from "./stream-link.ts";

export function StreamUrlForm() {
  const [text, setText] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const messageId = useId();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const check = checkStreamUrl(text);
    if (!check.ok) {
      setProblem(check.message);
      return;
    }
    setProblem(null);
    openStream(check.url);
  };

  return (
    <form className="stream-url" onSubmit={submit} noValidate>
      <input
        type="url"
        aria-label="Play a stream URL"
        placeholder="Play a stream URL (.m3u8 or .mpd)"
        value={text}
        onChange={(e) => setText(e.target.value)}
        aria-invalid={problem !== null}
        aria-describedby={problem ? messageId : undefined}
      />
      <button type="submit">Play</button>
      {problem && (
        <p id={messageId} className="stream-url-problem" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}
