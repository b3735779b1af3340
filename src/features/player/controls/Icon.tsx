/** The control bar's icons: a few plain shapes, drawn in currentColor on a 24-unit grid. */
import type { ReactNode } from "react";

export type IconName =
  | "play"
  | "pause"
  | "replay"
  | "volume"
  | "volumeLow"
  | "muted"
  | "fullscreen"
  | "exitFullscreen"
  | "pip"
  | "settings"
  | "help";

const stroke = {
  fill: "none",
  stroke: "currentColor",
  strokeWidth: 2,
  strokeLinecap: "round",
  strokeLinejoin: "round",
} as const;

const speaker = <polygon points="4,9 8,9 13,5 13,19 8,15 4,15" fill="currentColor" />;

const shapes: Record<IconName, ReactNode> = {
  play: <polygon points="7,4.5 20,12 7,19.5" fill="currentColor" />,
  pause: (
    <>
      <rect x="6" y="5" width="4" height="14" rx="1" fill="currentColor" />
      <rect x="14" y="5" width="4" height="14" rx="1" fill="currentColor" />
    </>
  ),
  replay: (
    <>
      <path d="M5 12a7 7 0 1 0 2.1-5" {...stroke} />
      <polyline points="6,3 6.5,7.5 11,7" {...stroke} />
    </>
  ),
  volume: (
    <>
      {speaker}
      <path d="M16 9a4 4 0 0 1 0 6M18.5 6.5a7.5 7.5 0 0 1 0 11" {...stroke} />
    </>
  ),
  volumeLow: (
    <>
      {speaker}
      <path d="M16 9a4 4 0 0 1 0 6" {...stroke} />
    </>
  ),
  muted: (
    <>
      {speaker}
      <path d="M16 9l5 6M21 9l-5 6" {...stroke} />
    </>
  ),
  fullscreen: <path d="M4 9V4h5M15 4h5v5M20 15v5h-5M9 20H4v-5" {...stroke} />,
  exitFullscreen: <path d="M9 4v5H4M20 9h-5V4M15 20v-5h5M4 15h5v5" {...stroke} />,
  pip: (
    <>
      <rect x="3" y="5" width="18" height="14" rx="1.5" {...stroke} />
      <rect x="12" y="11" width="7" height="6" rx="1" fill="currentColor" />
    </>
  ),
  // Teeth from a thick dashed ring, a hole from a thin one.
  settings: (
    <>
      <circle
        cx="12"
        cy="12"
        r="7.5"
        fill="none"
        stroke="currentColor"
        strokeWidth="3"
        strokeDasharray="2.95 2.95"
      />
      <circle cx="12" cy="12" r="5" fill="none" stroke="currentColor" strokeWidth="3" />
    </>
  ),
  help: (
    <>
      <circle cx="12" cy="12" r="9" {...stroke} />
      <path d="M9.5 9.5a2.5 2.5 0 1 1 3.5 2.3c-.7.3-1 .9-1 1.7" {...stroke} />
      <circle cx="12" cy="17" r="1.1" fill="currentColor" />
    </>
  ),
};

export function Icon({ name }: { name: IconName }) {
  return (
    <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
      {shapes[name]}
    </svg>
  );
}
