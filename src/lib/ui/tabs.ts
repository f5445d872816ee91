/**
 * Keyboard movement in a tab list (WAI-ARIA Authoring Practices, "Tabs"):
 * Left and Right move to the neighbouring tab and wrap around, Home and End
 * go to the first and last.
 */

/** The index of the tab a key moves to from `index`, or undefined for keys the tab list does not handle. */
export function tabKeyTarget(key: string, index: number, count: number): number | undefined {
  if (count <= 0) return undefined;
  switch (key) {
    case 'ArrowRight':
      return (index + 1) % count;
    case 'ArrowLeft':
      return (index - 1 + count) % count;
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return undefined;
  }
}
