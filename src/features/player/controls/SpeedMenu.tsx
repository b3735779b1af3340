/**
 * The playback-speed menu: a menu button with one radio item per speed (the ARIA menu pattern:
 * arrows move, Enter or Space picks, Escape closes and returns focus to the button).
 */
import { type KeyboardEvent, useEffect, useId, useRef } from "react";
import { SPEEDS } from "./shortcuts.ts";

export interface SpeedMenuProps {
  rate: number;
  open: boolean;
  onOpenChange(open: boolean): void;
  onRate(rate: number): void;
}

const label = (rate: number) => (rate === 1 ? "Normal" : `${rate}x`);

export function SpeedMenu({ rate, open, onOpenChange, onRate }: SpeedMenuProps) {
  const id = useId();
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);

  // On opening, focus the current speed, as a native menu would.
  useEffect(() => {
    if (!open) return;
    const items = menu.current?.querySelectorAll<HTMLElement>('[role="menuitemradio"]');
    const checked = menu.current?.querySelector<HTMLElement>('[aria-checked="true"]');
    (checked ?? items?.[0])?.focus();
  }, [open]);

  const close = (refocus: boolean) => {
    onOpenChange(false);
    if (refocus) button.current?.focus();
  };

  const onMenuKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const items = Array.from(
      menu.current?.querySelectorAll<HTMLElement>('[role="menuitemradio"]') ?? [],
    );
    const at = items.indexOf(document.activeElement as HTMLElement);
    const moveTo = (i: number) => items[(i + items.length) % items.length]?.focus();
    const keys: Record<string, () => void> = {
      ArrowDown: () => moveTo(at + 1),
      ArrowUp: () => moveTo(at - 1),
      Home: () => moveTo(0),
      End: () => moveTo(items.length - 1),
      Escape: () => close(true),
      Tab: () => close(false),
    };
    const action = keys[e.key];
    if (!action) return;
    if (e.key !== "Tab") e.preventDefault();
    action();
  };

  return (
    <div className="menu-anchor">
      <button
        ref={button}
        type="button"
        className="ctl ctl-text"
        // The visible "1x" is part of the name, as WCAG 2.5.3 asks.
        aria-label={`Playback speed ${rate}x`}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? id : undefined}
        title="Playback speed (Shift+> / Shift+<)"
        onClick={() => onOpenChange(!open)}
      >
        {`${rate}x`}
      </button>
      {open && (
        <div
          ref={menu}
          id={id}
          role="menu"
          aria-label="Playback speed"
          className="popup-menu"
          onKeyDown={onMenuKey}
        >
          {SPEEDS.map((speed) => (
            <button
              key={speed}
              type="button"
              role="menuitemradio"
              aria-checked={Math.abs(speed - rate) < 1e-9}
              tabIndex={-1}
              onClick={() => {
                onRate(speed);
                close(true);
              }}
            >
              {label(speed)}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
