/** The "?" help: the keyboard shortcuts, listed from shortcuts.ts so list and keys agree. */
import { useEffect, useRef } from "react";
import { SHORTCUT_HELP } from "./shortcuts.ts";

export function ShortcutHelp({ onClose }: { onClose(): void }) {
  const closeButton = useRef<HTMLButtonElement>(null);
  useEffect(() => closeButton.current?.focus(), []);
  return (
    <div
      className="shortcut-help"
      role="dialog"
      aria-label="Keyboard shortcuts"
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          // Used up here: the page must not also leave the player.
          e.preventDefault();
          onClose();
        }
      }}
    >
      <header>
        <h2>Keyboard shortcuts</h2>
        <button ref={closeButton} type="button" onClick={onClose} aria-label="Close shortcuts">
          ✕
        </button>
      </header>
      <dl>
        {SHORTCUT_HELP.map(({ keys, does }) => (
          <div key={does}>
            <dt>
              {keys.map((k) => (
                <kbd key={k}>{k}</kbd>
              ))}
            </dt>
            <dd>{does}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
