/**
 * Focus after moving to another page. A link or a key that changes the page removes the
 * element that had focus, and the browser puts focus back on the body: a keyboard user's next
 * Tab starts over from the header and a screen reader says nothing of the new page. So, on
 * every change of page (not the first load), focus goes to the new page's own start: the
 * element marked `data-page-focus` (the player's picture), else the page's first heading (its
 * name is read out; Tab goes on from there), else its <main>. A page that focused something
 * itself (search's box) keeps it.
 */
import { useEffect, useRef } from "react";
import { useLocation } from "wouter";

/** Frames to wait for the page to render (a catalog still loading shows a notice first). */
const MAX_FRAMES = 120;

/** Where focus lands on a page: the marked element, its first heading, or its <main>. */
export function pageFocusTarget(root: ParentNode): HTMLElement | null {
  return (
    root.querySelector<HTMLElement>("main [data-page-focus]") ??
    root.querySelector<HTMLElement>("main h1, main h2") ??
    root.querySelector<HTMLElement>("main")
  );
}

/** Whether focus is nowhere in particular: the body, or an element no longer in the page. */
const focusLost = () => {
  const active = document.activeElement;
  return !active || active === document.body || !active.isConnected;
};

export function useFocusOnNavigation(): void {
  const [location] = useLocation();
  // The page first loaded keeps the browser's own focus; only a change of page moves it. Marked
  // done when placed (not when scheduled), so that an effect run twice still places it.
  const placedFor = useRef(location);
  useEffect(() => {
    if (placedFor.current === location) return;
    const done = () => {
      placedFor.current = location;
    };
    let frames = 0;
    let handle = requestAnimationFrame(function place() {
      if (!focusLost()) return done();
      const target = pageFocusTarget(document);
      // The page may not be there yet (its data loading): look again next frame.
      if (!target || document.querySelector('main [aria-busy="true"]')) {
        if (++frames < MAX_FRAMES) handle = requestAnimationFrame(place);
        else done();
        return;
      }
      // Focusable by script only: not a stop of its own for Tab.
      if (target.tabIndex < 0 && !target.hasAttribute("tabindex"))
        target.setAttribute("tabindex", "-1");
      target.focus();
      done();
    });
    return () => cancelAnimationFrame(handle);
  }, [location]);
}
