/**
 * "Open stream": any HLS or DASH manifest on the web, played by our player. Its button is
 * not called "Play" (a title's own Play is on the same page) and is off while the field is
 * empty; only http(s) addresses are taken, anything else gets a message saying why and what
 * to paste, and nothing else changes (what is playing keeps playing).
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
        aria-label="Stream URL"
        placeholder="Open a stream URL (.m3u8 or .mpd)"
        value={text}
        onChange={(e) => setText(e.target.value)}
        aria-invalid={problem !== null}
        aria-describedby={problem ? messageId : undefined}
      />
      <button type="submit" disabled={text.trim() === ""}>
        Open stream
      </button>
      {problem && (
        <p id={messageId} className="stream-url-problem" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}
