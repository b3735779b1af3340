/** The "?" help: the keyboard shortcuts, listed from shortcuts.ts so list and keys agree. */
import { useEffect, useRef } from "react";
import { SHORTCUT_HELP } from "./shortcuts.ts";

export function ShortcutHelp({ onClose }: { onClose(): void }) {
  const closeButton = useRef<HTMLButtonElement>(null);
  const dialog = useRef<HTMLDivElement>(null);
  // Focus in on opening; on closing, back where it was (the help button, or the picture when
  // opened with "?"), else it would fall to the page's body.
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const box = dialog.current;
    closeButton.current?.focus();
    return () => {
      const active = document.activeElement;
      const lost = !active || active === document.body || !active.isConnected;
      if ((lost || box?.contains(active)) && opener?.isConnected) opener.focus();
    };
  }, []);
  return (
    <div
      ref={dialog}
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
