/**
 * Arrow-key movement across the home page's rows, TV-remote style: left and right along a row,
 * up and down to the row above or below, keeping the column when that row is long enough.
 */
export interface GridPosition {
  row: number;
  col: number;
}

export function moveFocus(
  rowLengths: readonly number[],
  from: GridPosition,
  key: string,
): GridPosition | null {
  const { row, col } = from;
  switch (key) {
    case "ArrowLeft":
      return col > 0 ? { row, col: col - 1 } : null;
    case "ArrowRight":
      return col < (rowLengths[row] ?? 0) - 1 ? { row, col: col + 1 } : null;
    case "ArrowUp":
    case "ArrowDown": {
      const step = key === "ArrowUp" ? -1 : 1;
      for (let r = row + step; r >= 0 && r < rowLengths.length; r += step) {
        const length = rowLengths[r] ?? 0;
        if (length > 0) return { row: r, col: Math.min(col, length - 1) };
      }
      return null;
    }
    default:
      return null;
  }
}
